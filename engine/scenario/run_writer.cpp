#include "scenario/run_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <cstdint>
#include <ctime>
#include <limits>

#include "common/build_info.hpp"
#include "common/run_checks.hpp"

namespace dembones {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s;
}

std::string path(const std::string& prefix, const std::string& rel) {
  if (prefix.empty() || prefix == "/") return "/" + rel;
  return prefix + "/" + rel;
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string working_directory() {
  std::error_code ec;
  const std::filesystem::path cwd = std::filesystem::current_path(ec);
  return ec ? std::string("unknown") : cwd.string();
}

}  // namespace

std::string describe_session(const std::string& command_line) {
  return fmt::format("{} on {} in {}: {}", utc_now(), hostname(), working_directory(), command_line);
}

std::string sha256_hex(const std::string& text) {
  // FIPS 180-4 §6.2.
  static constexpr std::array<std::uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg = text;
  const std::uint64_t bits = static_cast<std::uint64_t>(text.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (std::size_t off = 0; off < msg.size(); off += 64) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (std::uint32_t(static_cast<unsigned char>(msg[off + 4 * i])) << 24) |
             (std::uint32_t(static_cast<unsigned char>(msg[off + 4 * i + 1])) << 16) |
             (std::uint32_t(static_cast<unsigned char>(msg[off + 4 * i + 2])) << 8) |
             std::uint32_t(static_cast<unsigned char>(msg[off + 4 * i + 3]));
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = hh + S1 + ch + k[i] + w[i];
      const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = S0 + maj;
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string out;
  for (std::uint32_t x : h) out += fmt::format("{:08x}", x);
  return out;
}

void write_provenance(Hdf5Writer& w, const std::string& format, const RunProvenance& p) {
  w.set_string_attribute("/", "format", format);
  w.set_int_attribute("/", "format_version", 1);
  w.set_string_attribute("/", "dembones_version", build::kVersion);
  w.set_string_attribute("/", "git_commit", build::kGitCommit);
  // How it was built: a Debug or sanitizer build, another compiler or Eigen may round differently.
  w.set_string_attribute("/", "build_type", build::kBuildType);
  w.set_string_attribute("/", "compiler", build::kCompiler);
  w.set_string_attribute("/", "libraries", build::kLibraries);
  w.set_string_attribute("/", "created_utc", utc_now());
  w.set_string_attribute("/", "command_line", p.command_line);
  w.set_string_attribute("/", "host", hostname());
  // The folder the command ran in: its relative paths (the scenario, -o) are relative to it.
  w.set_string_attribute("/", "working_directory", working_directory());
  w.set_string_attribute("/", "scenario_name", p.scenario_name);
  w.set_string_attribute("/", "scenario_yaml", p.scenario_yaml);
  w.set_string_attribute("/", "scenario_sha256", sha256_hex(p.scenario_yaml));
  if (!p.task.empty()) {
    w.set_string_attribute("/", "task", p.task);
    w.set_string_attribute("/", "impairments", p.impairments.empty() ? "none" : p.impairments);
  }
  w.set_string_attribute("/", "model_yaml", p.model_yaml);
  w.set_string_attribute("/", "model_sha256", sha256_hex(p.model_yaml));
  w.set_double_attribute("/", "subject_height_m", p.subject_height_m);
  w.set_double_attribute("/", "subject_mass_kg", p.subject_mass_kg);
  w.set_string_attribute("/", "subject_sex", p.subject_sex);
  if (!p.input_files.empty()) {
    // Parallel arrays, one entry per file, as a sweep's sweep_varied_file_* (docs/hdf5-layout.md).
    std::vector<std::string> fields, paths, hashes, texts;
    for (const InputFile& f : p.input_files) {
      fields.push_back(f.field);
      paths.push_back(f.path);
      hashes.push_back(sha256_hex(f.text));
      texts.push_back(f.text);
    }
    w.set_string_array_attribute("/", "input_file_fields", fields);
    w.set_string_array_attribute("/", "input_file_paths", paths);
    w.set_string_array_attribute("/", "input_file_sha256", hashes);
    w.set_string_array_attribute("/", "input_file_texts", texts);
  }
}

void write_solver_settings(Hdf5Writer& w, const std::string& prefix, const SolverSpec& solver) {
  const std::string g = path(prefix, "solver");
  w.set_double_attribute(g, "rate_hz", solver.rate_hz);
  w.set_double_attribute(g, "filter_cutoff_hz", solver.filter_cutoff_hz);
  w.set_int_attribute(g, "exponent", solver.exponent);
  w.set_double_attribute(g, "reserve_optimal_force", solver.reserve_optimal_force);
  w.set_double_attribute(g, "reserve_threshold_Nm", solver.reserve_threshold_Nm);
  w.set_string_attribute(g, "tendon", solver.elastic_tendon ? "elastic" : "rigid");
  w.set_string_attribute(g, "couplings", solver.couple_coordinates ? "enforce" : "ignore");
}

void write_run(Hdf5Writer& w, const std::string& prefix, const MusculoskeletalModel& msm, const RunRecord& r,
               const std::vector<Peak>& peaks) {
  const Model& model = msm.model;
  const MuscleSet& set = msm.muscles;
  const auto F = static_cast<std::uint64_t>(r.frames());
  const auto m = static_cast<std::uint64_t>(set.nmuscles);
  const auto nv = static_cast<std::uint64_t>(model.nv);
  const auto B = static_cast<std::uint64_t>(model.nbodies);
  const double bw = msm.body_mass_kg * std::abs(model.gravity.y());
  if (prefix != "/" && !prefix.empty()) w.create_group(prefix);
  w.set_double_attribute(prefix.empty() ? "/" : prefix, "body_weight_N", bw);

  w.write_vector(path(prefix, "time"), r.time, {"s", "frame times", "frame", true});
  // One list of the [frames × channels] series: path, units, description, data.
  struct Channel {
    const char* rel;
    const char* dimensions;
    std::string units;
    const char* description;
    const MatX* data;
  };
  // A coordinate series' units: rotational or translational, or both named when the model mixes them
  // (an audit: a model with a slider was written "rad" over its metre column).
  const std::vector<std::string> kinds = model.coordinate_units();
  const bool any_m = std::count(kinds.begin(), kinds.end(), "m") > 0;
  const bool any_rad = std::count(kinds.begin(), kinds.end(), "rad") > 0;
  auto per_coordinate = [&](const char* rotational, const char* translational) -> std::string {
    if (any_m && any_rad)
      return fmt::format("{} or {} (each coordinate's: /coordinates/units)", rotational, translational);
    return any_m ? translational : rotational;
  };
  const std::string generalized_force = per_coordinate("N*m", "N");
  const Channel channels[] = {
      {"coordinates/q", "frame × coordinate", per_coordinate("rad", "m"), "generalized coordinates (filtered; m for translations)", &r.q},
      {"coordinates/qdot", "frame × coordinate", per_coordinate("rad/s", "m/s"), "coordinate velocities", &r.qd},
      {"coordinates/qddot", "frame × coordinate", per_coordinate("rad/s^2", "m/s^2"), "coordinate accelerations", &r.qdd},
      {"joints/moment", "frame × coordinate", generalized_force,
       "net generalized force from inverse dynamics (N for translations; a coordinate of a chain that stands "
       "for both sides, as the lifter's legs, carries both sides together)",
       &r.tau_id},
      {"joints/passive_moment", "frame × coordinate", generalized_force, "passive joint moments (intervertebral discs and ligaments)", &r.tau_passive},
      {"joints/coupling_moment", "frame × coordinate", generalized_force,
       "generalized force carried by the model's coupling constraints (the lumbar rhythm), not by muscles or "
       "tissue: no joint compression; 0 on uncoupled coordinates and with solver.couplings: ignore",
       &r.coupling},
      {"reserves/torque", "frame × coordinate", generalized_force,
       "reserve actuator generalized forces (ideally zero; both sides together on a chain that stands for both)",
       &r.reserve},
      {"actuators/torque", "frame × actuator", "N*m", "ideal torque actuators (arms, neck)", &r.actuator},
      {"muscles/activation", "frame × muscle", "1", "static-optimization activation", &r.activation},
      {"muscles/force", "frame × muscle", "N", "tendon force per side", &r.tension},
      {"muscles/passive_force", "frame × muscle", "N", "passive part of the tendon force, per side", &r.passive_force},
      {"muscles/fiber_length", "frame × muscle", "m", "fibre length (rigid tendon)", &r.fiber_length},
      {"muscles/mt_length", "frame × muscle", "m", "muscle-tendon path length", &r.mt_length},
      {"muscles/mt_velocity", "frame × muscle", "m/s", "muscle-tendon lengthening speed", &r.mt_velocity},
      {"box/position", "frame × xyz (world)", "m", "held object position (world)", &r.load_position},
  };
  for (const Channel& c : channels) w.write_matrix(path(prefix, c.rel), *c.data, {c.units.c_str(), c.description, c.dimensions});
  // The held box's size, so that a plot draws the box the task held (scripts/plot.py, animate.py).
  if (r.box_size_m.squaredNorm() > 0) {
    const double size[] = {r.box_size_m.x(), r.box_size_m.y()};
    w.set_double_array_attribute(path(prefix, "box"), "size_m", size);
  }
  // Which coupling each coordinate belongs to ("" if none), so that `dembones info` on the file names
  // the constraint as `dembones run` does (the lumbar rhythm), one entry per coordinate.
  std::vector<std::string> coupling_of(model.coordinate_names.size());
  for (const CoordinateCoupling& c : msm.couplings)
    for (int k : c.coordinates) coupling_of[static_cast<std::size_t>(k)] = c.name;
  w.set_string_array_attribute(path(prefix, "joints/coupling_moment"), "coupling", coupling_of);

  w.write_strings(path(prefix, "coordinates/names"), model.coordinate_names, {"", "coordinate names (velocity order)", "coordinate"});
  w.write_strings(path(prefix, "coordinates/units"), model.coordinate_units(),
                  {"", "unit of each coordinate: rad (rotational) or m (translational)", "coordinate"});
  w.write_strings(path(prefix, "reserves/names"), model.coordinate_names, {"", "coordinate of each reserve actuator", "coordinate"});
  if (!msm.passive.empty()) {
    // The ligament part of each passive moment as a force (it is in the disc compression of /loads).
    std::vector<std::string> passive_names, passive_coords;
    for (const PassiveMoment& pm : msm.passive) {
      passive_names.push_back(pm.name);
      passive_coords.push_back(model.coordinate_names[static_cast<std::size_t>(pm.coordinate)]);
    }
    w.write_strings(path(prefix, "joints/passive_names"), passive_names, {"", "passive moment-angle relations (model passive_moments)", "passive moment"});
    w.write_strings(path(prefix, "joints/passive_coordinates"), passive_coords, {"", "coordinate each passive moment acts on", "passive moment"});
    w.write_matrix(path(prefix, "joints/posterior_tension"), r.posterior_tension,
                   {"N", "summed tension of each passive moment's posterior ligaments (0 in extension), part of the disc compression", "frame × passive moment"});
  }
  std::vector<std::string> act_names, act_coordinates;
  for (const IdealActuator& a : msm.actuators) {
    act_names.push_back(a.name);
    act_coordinates.push_back(model.coordinate_names[static_cast<std::size_t>(a.coordinate)]);
  }
  w.write_strings(path(prefix, "actuators/names"), act_names, {"", "ideal torque actuators", "actuator"});
  w.set_string_array_attribute(path(prefix, "actuators/names"), "coordinates", act_coordinates);
  w.write_strings(path(prefix, "muscles/names"), set.names, {"", "muscle names", "muscle"});
  std::vector<std::string> groups, roots;
  for (int i = 0; i < set.nmuscles; ++i) {
    groups.push_back(join(set.groups[i]));
    roots.push_back(join(set.nerve_roots[i]));
  }
  w.write_strings(path(prefix, "muscles/groups"), groups, {"", "group tags, comma-separated", "muscle"});
  w.write_strings(path(prefix, "muscles/nerve_roots"), roots, {"", "nerve roots (myotomes), comma-separated", "muscle"});
  w.write_vector(path(prefix, "muscles/sides"), msm.muscle_sides, {"1", "2: bilateral muscle listed once (forces are per side)", "muscle"});
  if (r.full) {
    const std::uint64_t dims[] = {F, m, nv};
    w.write_array(path(prefix, "muscles/moment_arm"), r.moment_arm.data(), dims, {per_coordinate("m", "1"), "moment arm r = -dl/dq", "frame × muscle × coordinate"});
    const std::uint64_t pdims[] = {F, m, static_cast<std::uint64_t>(r.max_points), 3};
    w.write_array(path(prefix, "muscles/path_points"), r.path_points.data(), pdims,
                  {"m", "world positions of each muscle's path points (NaN = unused)", "frame × muscle × path point × xyz (world)"});
  }
  for (std::size_t s = 0; s < msm.sites.size(); ++s) {
    const std::string g = path(prefix, "loads/" + msm.sites[s].name);
    const SiteSeries& ss = r.sites[s];
    w.write_vector(g + "/compression", ss.compression, {"N", "compression along the site normal, positive pressing", "frame"});
    w.write_vector(g + "/ap_shear", ss.ap_shear, {"N", "antero-posterior shear, positive when the load on the upper segment drives it anteriorly (then force x, the joint's push back, is negative)", "frame"});
    w.write_vector(g + "/lateral_shear", ss.lateral_shear, {"N", "medio-lateral shear, positive when the load on the upper segment drives it to the right (force z negative)", "frame"});
    w.write_vector(g + "/resultant", ss.resultant, {"N", "magnitude of the transmitted force", "frame"});
    w.write_matrix(g + "/force", ss.force, {"N", "force of the lower on the upper segment, site frame (x anterior, y normal, z right)", "frame × xyz (site frame: x anterior, y normal, z right)"});
    w.write_matrix(g + "/moment", ss.moment, {"N*m", "moment transmitted about the site origin, site frame", "frame × xyz (site frame: x anterior, y normal, z right)"});
    w.write_matrix(g + "/position", ss.position, {"m", "site origin, world (NaN for the patellofemoral model)", "frame × xyz (world)"});
    const std::uint64_t rd[] = {F, 3, 3};
    w.write_array(g + "/rotation", ss.rotation.data(), rd, {"1", "site frame axes in world (columns x, y, z)", "frame × row × column (the columns are the site axes x, y, z in the world)"});
    w.set_double_attribute(g, "side_factor", msm.sites[s].side_factor);
  }
  write_ground_series(w, prefix, r.ground);
  w.write_vector_as_ints(path(prefix, "solver/iterations"), r.iterations, {"1", "static-optimization iterations", "frame"});
  w.write_vector(path(prefix, "solver/kkt_residual"), r.kkt_residual, {"1", "largest KKT residual of the frame", "frame"});
  w.write_vector_as_ints(path(prefix, "solver/reserve_flag"), r.reserve_flag, {"1", "1: muscles could not balance the frame without reserves", "frame"});
  w.write_vector_as_ints(path(prefix, "solver/status"), r.status, {"1", "0 solved, 1 max iterations, 2 reserve-limited, 3 NaN input", "frame"});
  w.write_strings(path(prefix, "bodies/names"), model.body_names, {"", "body names", "body"});
  {
    std::vector<std::int64_t> parent(model.parent.begin(), model.parent.end());
    w.write_ints(path(prefix, "bodies/parent"), parent, {"1", "parent body index (-1 for the ground)", "body"});
    const std::uint64_t pd[] = {F, B, 3};
    w.write_array(path(prefix, "bodies/position"), r.body_position.data(), pd, {"m", "world position of each body frame", "frame × body × xyz (world)"});
    const std::uint64_t rd[] = {F, B, 3, 3};
    w.write_array(path(prefix, "bodies/rotation"), r.body_rotation.data(), rd, {"1", "world rotation matrix of each body frame", "frame × body × row × column (the columns are the body axes in the world)"});
  }
  // Measured external forces (present only when the scenario has `external_forces`).
  if (!r.external_names.empty()) {
    const auto E = static_cast<std::uint64_t>(r.external_names.size());
    std::vector<std::string> bodies;
    for (const int b : r.external_body) bodies.push_back(model.body_names[static_cast<std::size_t>(b)]);
    w.write_strings(path(prefix, "external_forces/names"), r.external_names, {"", "external force names (scenario external_forces)", "external force"});
    w.write_strings(path(prefix, "external_forces/bodies"), bodies, {"", "body each external force acts on", "external force"});
    w.write_strings(path(prefix, "external_forces/force_frame"), r.external_force_frame,
                    {"", "frame of the force columns in the input file: ground or body", "external force"});
    w.write_strings(path(prefix, "external_forces/point_frame"), r.external_point_frame,
                    {"", "frame of the point in the input: ground or body", "external force"});
    const std::uint64_t ed[] = {F, E, 3};
    w.write_array(path(prefix, "external_forces/force"), r.external_force.data(), ed,
                  {"N", "force the environment exerts on the body, world frame, as applied in this frame", "frame × external force × xyz (world)"});
    w.write_array(path(prefix, "external_forces/point"), r.external_point.data(), ed,
                  {"m", "point of application, world frame", "frame × external force × xyz (world)"});
  }
  // Summary: scalar attributes per peak and a row-per-peak table.
  const std::string sg = path(prefix, "summary");
  w.create_group(sg);
  w.set_double_attribute(sg, "body_weight_N", bw);
  // NIOSH action limit for L5/S1 compression (Waters et al. 1993, Ergonomics 36:749-776), so that a
  // file alone answers "was the limit exceeded?".
  w.set_double_attribute(sg, "niosh_action_limit_N", kNioshActionLimit_N);
  for (const Peak& p : peaks)
    if (p.quantity == "L5_S1_compression")
      w.set_int_attribute(sg, "L5_S1_compression_above_niosh_action_limit", p.value > kNioshActionLimit_N ? 1 : 0);
  w.create_table(sg + "/peaks",
                 {{"quantity", ColumnType::String, "-"}, {"peak", ColumnType::Float64, "N"},
                  {"time_s", ColumnType::Float64, "s"}, {"peak_bw", ColumnType::Float64, "BW"}},
                 "peak loads of the run, in newtons and body weights", "peak");
  for (const Peak& p : peaks) {
    const TableCell row[] = {p.quantity, p.value, p.time_s, p.value_bw};
    w.append_table_row(sg + "/peaks", row);
    // The same attributes as a sweep run's summary group (write_run_peaks): a script reading
    // `<quantity>_peak_bw` works on both.
    w.set_double_attribute(sg, p.quantity + "_peak_N", p.value);
    w.set_double_attribute(sg, p.quantity + "_peak_bw", p.value_bw);
    w.set_double_attribute(sg, p.quantity + "_peak_time_s", p.time_s);
  }
  // The scaled model parameters.
  {
    std::vector<double> mass, F0, lopt, lts, penn, vmax, tendon_strain, passive_strain;
    for (int b = 0; b < model.nbodies; ++b) mass.push_back(model.inertia[b].mass);
    for (int i = 0; i < set.nmuscles; ++i) {
      F0.push_back(set.params[i].max_isometric_force_N);
      lopt.push_back(set.params[i].optimal_fiber_length_m);
      lts.push_back(set.params[i].tendon_slack_length_m);
      penn.push_back(set.params[i].pennation_at_optimal_rad);
      vmax.push_back(set.params[i].max_contraction_velocity_lopt_per_s);
      tendon_strain.push_back(set.params[i].tendon_strain_at_max_force);
      passive_strain.push_back(set.params[i].passive_strain_at_max_force);
    }
    std::vector<double> inertia;  // (B × 3 × 3) row-major
    for (int b = 0; b < model.nbodies; ++b)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) inertia.push_back(model.inertia[b].inertia_about_com(i, j));
    w.write_array3(path(prefix, "model/bodies/inertia"), inertia.data(), static_cast<std::size_t>(model.nbodies), 3, 3,
                   {"kg*m^2", "inertia tensor about the centre of mass, body-frame axes", "body × row × column (body-frame axes)"});
    w.write_vector(path(prefix, "model/muscles/max_contraction_velocity"), vmax.data(), vmax.size(),
                   {"1/s", "maximum contraction velocity, optimal fibre lengths per second", "muscle"});
    w.write_vector(path(prefix, "model/muscles/tendon_strain_at_max_force"), tendon_strain.data(), tendon_strain.size(),
                   {"1", "tendon strain at the maximum isometric force", "muscle"});
    w.write_vector(path(prefix, "model/muscles/passive_strain_at_max_force"), passive_strain.data(),
                   passive_strain.size(), {"1", "fibre strain at which the passive force equals the maximum isometric force", "muscle"});
    std::vector<std::string> passive_curve;
    std::vector<double> passive_shape;
    for (int i = 0; i < set.nmuscles; ++i) {
      passive_curve.push_back(curves::passive_curve_name(set.params[i].passive_curve));
      passive_shape.push_back(set.params[i].passive_curve == curves::PassiveCurveKind::kMillard2012
                                  ? std::numeric_limits<double>::quiet_NaN()
                                  : set.params[i].passive_shape);
    }
    w.write_strings(path(prefix, "model/muscles/passive_curve"), passive_curve,
                    {"", "passive force-length curve: degroote2016, thelen2003, thelen2003_deprecated or millard2012", "muscle"});
    w.write_vector(path(prefix, "model/muscles/passive_shape"), passive_shape.data(), passive_shape.size(),
                   {"1", "exponential shape kPE of the passive curve (NaN for millard2012)", "muscle"});
    w.write_vector(path(prefix, "model/bodies/mass"), mass.data(), mass.size(), {"kg", "segment mass (both sides for lumped bilateral segments)", "body"});
    std::vector<double> com;
    for (int b = 0; b < model.nbodies; ++b)
      for (int c = 0; c < 3; ++c) com.push_back(model.inertia[b].com(c));
    w.write_matrix(path(prefix, "model/bodies/com"), com.data(), static_cast<std::size_t>(model.nbodies), 3,
                   {"m", "centre of mass in each body's frame", "body × xyz (body frame)"});
    w.write_vector(path(prefix, "model/muscles/max_isometric_force"), F0.data(), F0.size(), {"N", "maximum isometric force per side (after scaling and impairments)", "muscle"});
    w.write_vector(path(prefix, "model/muscles/optimal_fiber_length"), lopt.data(), lopt.size(), {"m", "optimal fibre length", "muscle"});
    w.write_vector(path(prefix, "model/muscles/tendon_slack_length"), lts.data(), lts.size(), {"m", "tendon slack length", "muscle"});
    w.write_vector(path(prefix, "model/muscles/pennation_at_optimal"), penn.data(), penn.size(), {"rad", "pennation angle at optimal fibre length", "muscle"});
    // The activation each muscle may reach (1, or a nerve_root impairment's cap): with the forces, what
    // the static optimization could use; the caps were in no output before (impairment audit).
    std::vector<double> cap(static_cast<std::size_t>(set.nmuscles), 1.0);
    for (int i = 0; i < set.nmuscles && i < msm.activation_cap.size(); ++i) cap[static_cast<std::size_t>(i)] = msm.activation_cap(i);
    w.write_vector(path(prefix, "model/muscles/activation_max"), cap.data(), cap.size(),
                   {"1", "largest activation the muscle may reach (1, or a nerve_root impairment's cap)", "muscle"});
  }
}

}  // namespace dembones
