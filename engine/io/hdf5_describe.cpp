#include "io/hdf5_describe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/run_checks.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

std::string shape_text(const Hdf5Entry& e) {
  if (e.dims.empty()) return "scalar";
  std::string s = "[";
  for (std::size_t i = 0; i < e.dims.size(); ++i) {
    if (i) s += " x ";
    s += std::to_string(e.dims[i]);
  }
  return s + "]";
}

// One attribute's value on one line: numbers as numbers, multi-line text as "(N lines)".
std::string attribute_text(const Hdf5Reader& r, const std::string& object, const std::string& name,
                           std::size_t max_chars) {
  try {
    const auto strings = r.read_string_array_attribute(object, name);
    if (strings.size() == 1) {
      const std::string& v = strings[0];
      const auto lines = static_cast<std::size_t>(std::count(v.begin(), v.end(), '\n'));
      if (lines > 1) return fmt::format("({} lines)", lines);
      if (v.size() > max_chars) return v.substr(0, max_chars) + "...";
      return v;
    }
    return fmt::format("{} strings", strings.size());
  } catch (const std::exception&) {
    // Not text: fall through to numbers.
  }
  try {
    const auto values = r.read_double_array_attribute(object, name);
    if (values.size() == 1) return fmt::format("{}", values[0]);
    std::string s = "[";
    for (std::size_t i = 0; i < values.size() && i < 8; ++i) {
      if (i) s += ", ";
      s += fmt::format("{}", values[i]);
    }
    return s + (values.size() > 8 ? ", ...]" : "]");
  } catch (const std::exception&) {
    return "(unreadable)";
  }
}

std::string string_attribute_or_empty(const Hdf5Reader& r, const std::string& object, const char* name) {
  if (!r.has_attribute(object, name)) return "";
  try {
    return r.read_string_attribute(object, name);
  } catch (const std::exception&) {
    return "";
  }
}

std::string run_overview(const Hdf5Reader& r, const std::string& group) {
  const std::string base = group == "/" ? "" : group;
  if (!r.is_dataset(base + "/time")) {
    if (r.is_group(base + "/runs"))
      return fmt::format("sweep: {} runs under {}/runs (dembones export --run N exports one)\n",
                         r.children(base + "/runs").size(), base);
    return "";
  }
  std::string out;
  const auto time = r.read_doubles(base + "/time");
  const std::string muscle_names = base + "/muscles/names";
  // The scenario name sits on the run's group in a sweep, on the root in a run file.
  std::string scenario = string_attribute_or_empty(r, group, "scenario_name");
  if (scenario.empty()) scenario = string_attribute_or_empty(r, "/", "scenario_name");
  out += fmt::format("run: scenario '{}', {} frames", scenario.empty() ? "?" : scenario, time.size());
  if (time.size() > 1) {
    const double span = time.back() - time.front();
    out += fmt::format(", {:.6g} to {:.6g} s", time.front(), time.back());
    if (span > 0) out += fmt::format(" ({:.4g} Hz)", static_cast<double>(time.size() - 1) / span);
  }
  out += "\n";
  // The task as run (after --set), as `dembones run` printed it; run files only (a sweep's runs differ).
  if (group == "/") {
    const std::string task = string_attribute_or_empty(r, "/", "task");
    if (!task.empty()) out += fmt::format("task {}\n", task);
    // The impairments as run (after --set), as `dembones run` printed them.
    const std::string impairments = string_attribute_or_empty(r, "/", "impairments");
    if (!impairments.empty() && impairments != "none") out += fmt::format("impairments: {}\n", impairments);
    // The files it read besides the model, kept in the file (input_file_texts).
    if (r.has_attribute("/", "input_file_fields")) {
      const auto fields = r.read_string_array_attribute("/", "input_file_fields");
      const auto paths = r.read_string_array_attribute("/", "input_file_paths");
      const auto sha = r.read_string_array_attribute("/", "input_file_sha256");
      for (std::size_t i = 0; i < fields.size() && i < paths.size() && i < sha.size(); ++i)
        out += fmt::format("{} {} (sha256 {}; its text is kept in input_file_texts)\n", fields[i], paths[i],
                           sha[i].substr(0, 12));
    }
  }
  const std::string peaks = base + "/summary/peaks";
  if (r.is_dataset(peaks)) {
    const auto quantity = r.read_table_strings(peaks, "quantity");
    const auto value = r.read_table_doubles(peaks, "peak");
    const auto bw = r.read_table_doubles(peaks, "peak_bw");
    const auto at = r.read_table_doubles(peaks, "time_s");
    out += fmt::format("{:<30} {:>10} {:>7} {:>7}\n", "peak loads", "N", "BW", "at s");
    for (std::size_t i = 0; i < quantity.size(); ++i)
      out += fmt::format("  {:<28} {:>10.0f} {:>7.2f} {:>7.2f}\n", quantity[i], value[i], bw[i], at[i]);
    long reserve_frames = 0, spinal_frames = -1;
    // The run's flag threshold (files before 2026-11-28 lack it: the default, 1 N*m).
    const double threshold = r.has_attribute(base + "/solver", "reserve_threshold_Nm")
                                 ? r.read_double_attribute(base + "/solver", "reserve_threshold_Nm")
                                 : 1.0;
    if (r.is_dataset(base + "/solver/reserve_flag")) {
      const auto flag = r.read_doubles(base + "/solver/reserve_flag");
      reserve_frames = static_cast<long>(std::count_if(flag.begin(), flag.end(), [](double v) { return v > 0; }));
      const std::string torque = base + "/reserves/torque", names = base + "/coordinates/names";
      if (r.is_dataset(torque) && r.is_dataset(names) && r.dims(torque).size() == 2 && r.dims(torque)[0] == flag.size())
        spinal_frames = spinal_reserve_frames(r.read_matrix(torque), r.read_strings(names), flag, threshold);
    }
    for (std::size_t i = 0; i < quantity.size(); ++i)
      if (quantity[i] == "L5_S1_compression") out += niosh_line(value[i], reserve_frames, spinal_frames, threshold);
  }
  const std::string flags = base + "/solver/reserve_flag";
  if (r.is_dataset(flags)) {
    const auto flag = r.read_doubles(flags);
    const auto n = std::count_if(flag.begin(), flag.end(), [](double v) { return v > 0; });
    out += fmt::format("frames the muscles could not balance without reserves: {} of {}", n, flag.size());
    // As `dembones run` prints it: the largest reserve, signed on its coordinate, and how many of the
    // frames a person could not make with the feet flat anyway.
    std::string detail;
    const std::string torque = base + "/reserves/torque", names = base + "/coordinates/names";
    if (r.is_dataset(torque) && r.is_dataset(names)) {
      const Eigen::MatrixXd t = r.read_matrix(torque);
      const auto coordinate = r.read_strings(names);
      Eigen::Index f = 0, k = 0;
      // Never hidden: a reserve under the flag threshold is named too, on a coordinate the muscles drive
      // (as `dembones run` says it: not one of the ideal torque actuators', whose reserve shares their torque).
      Eigen::MatrixXd muscle_driven = t;
      const std::string actuators = base + "/actuators/names";
      if (n == 0 && r.is_dataset(actuators) && r.has_attribute(actuators, "coordinates"))
        for (const std::string& c : r.read_string_array_attribute(actuators, "coordinates"))
          for (std::size_t j = 0; j < coordinate.size() && static_cast<Eigen::Index>(j) < t.cols(); ++j)
            if (coordinate[j] == c) muscle_driven.col(static_cast<Eigen::Index>(j)).setZero();
      const double largest = muscle_driven.size() > 0 ? muscle_driven.cwiseAbs().maxCoeff(&f, &k) : 0.0;
      if ((n > 0 ? largest > 0.0 : largest >= 0.05) && k < static_cast<Eigen::Index>(coordinate.size()))
        detail = fmt::format("largest reserve {:+.1f} N*m on {}{}", t(f, k), coordinate[static_cast<std::size_t>(k)],
                             n > 0 ? "" : ", not flagged: under the run's flag threshold");
    }
    const std::string outside = base + "/loads/ground/outside_support";
    if (n > 0 && r.is_dataset(outside)) {
      const auto off = r.read_doubles(outside);
      std::size_t both = 0;
      for (std::size_t f = 0; f < flag.size() && f < off.size(); ++f) both += (flag[f] > 0 && off[f] > 0) ? 1 : 0;
      detail += fmt::format("{}{} of them with the centre of pressure off the feet", detail.empty() ? "" : "; ", both);
    }
    if (!detail.empty()) out += " (" + detail + ")";
    out += "\n";
    if (n > 0 && r.is_dataset(torque) && r.is_dataset(names))
      out += reserves_by_coordinate_line(r.read_matrix(torque), r.read_strings(names));
  }
  // As `dembones run` prints it: frames the static optimization stopped at its iteration limit.
  const std::string status = base + "/solver/status";
  if (r.is_dataset(status)) {
    const auto s = r.read_doubles(status);
    out += unconverged_line(static_cast<long>(std::count(s.begin(), s.end(), 1.0)), static_cast<long>(s.size()));
  }
  // As `dembones run` prints it: the largest moment a coupling constraint (the lumbar rhythm) carries
  // without a muscle, and that coordinate's share of its net moment then.
  const std::string coupling = base + "/joints/coupling_moment", net = base + "/joints/moment",
                    names = base + "/coordinates/names";
  if (r.is_dataset(coupling) && r.is_dataset(net) && r.is_dataset(names)) {
    const Eigen::MatrixXd c = r.read_matrix(coupling), m = r.read_matrix(net);
    const auto coordinate = r.read_strings(names);
    Eigen::Index f = 0, k = 0;
    const double largest = c.size() ? c.cwiseAbs().maxCoeff(&f, &k) : 0.0;
    // The coupling's name as the run wrote it (files written before the attribute: "coupling").
    std::string name = "coupling";
    if (r.has_attribute(coupling, "coupling")) {
      const auto of = r.read_string_array_attribute(coupling, "coupling");
      if (k < static_cast<Eigen::Index>(of.size()) && !of[static_cast<std::size_t>(k)].empty())
        name = of[static_cast<std::size_t>(k)];
    }
    if (largest > 0.0 && m.rows() == c.rows() && m.cols() == c.cols() && k < static_cast<Eigen::Index>(coordinate.size()))
      out += fmt::format("{} constraint (no muscle, no compression): up to {:.1f} N*m at {} ({:.0f} % of its net "
                         "moment, t = {:.2f} s)\n",
                         name, largest, coordinate[static_cast<std::size_t>(k)], 100.0 * largest / std::abs(m(f, k)),
                         f < static_cast<Eigen::Index>(time.size()) ? time[static_cast<std::size_t>(f)] : 0.0);
  }
  // As `dembones run` prints it: muscles stretched past their strength (the passive forces and each
  // muscle's maximum isometric force as the run used it, after impairments).
  const std::string passive = base + "/muscles/passive_force", f0 = base + "/model/muscles/max_isometric_force";
  if (r.is_dataset(passive) && r.is_dataset(f0) && r.is_dataset(muscle_names))
    out += passive_overload_line(r.read_matrix(passive), r.read_doubles(f0), r.read_strings(muscle_names), time);
  const std::string outside = base + "/loads/ground/outside_support";
  if (r.is_dataset(outside)) {
    const auto off = r.read_doubles(outside);
    out += cop_outside_line(std::count_if(off.begin(), off.end(), [](double v) { return v > 0; }),
                            static_cast<long>(off.size()));
  }
  // The postural index of a lift or lower (the task as run says which): the low point against the
  // standing end, as `dembones run` prints it.
  const std::string task = string_attribute_or_empty(r, "/", "task");
  const bool lift = task.rfind("lift,", 0) == 0, lower = task.rfind("lower,", 0) == 0;
  const std::string q_path = base + "/coordinates/q", q_names = base + "/coordinates/names";
  if (group == "/" && (lift || lower) && r.is_dataset(q_path) && r.is_dataset(q_names)) {
    const Eigen::MatrixXd q = r.read_matrix(q_path);
    if (q.rows() >= 2) {
      const Eigen::Index low = lift ? 0 : q.rows() - 1, stand = lift ? q.rows() - 1 : 0;
      out += postural_index_line(q.row(low), q.row(stand), r.read_strings(q_names));
    }
  }
  const std::string activation = base + "/muscles/activation", muscles = muscle_names;
  if (r.is_dataset(activation) && r.is_dataset(muscles)) {
    const Eigen::MatrixXd a = r.read_matrix(activation);
    const auto name = r.read_strings(muscles);
    std::vector<std::pair<std::string, double>> peak;
    for (Eigen::Index i = 0; i < a.cols() && i < static_cast<Eigen::Index>(name.size()); ++i)
      peak.emplace_back(name[static_cast<std::size_t>(i)], a.rows() ? a.col(i).maxCoeff() : 0.0);
    // As run_record.cpp's most_active_muscles: stable, so ties keep the model's order.
    std::stable_sort(peak.begin(), peak.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    if (peak.size() > 5) peak.resize(5);
    out += most_active_line(peak);
  }
  return out + "\n";
}

}  // namespace

std::string describe_hdf5(const Hdf5Reader& reader, const DescribeOptions& options) {
  std::string out;
  if (options.run_overview) out += run_overview(reader, options.group);
  if (options.root_attributes) {
    for (const auto& name : reader.attribute_names(options.group)) {
      out += fmt::format("{} = {}\n", name, attribute_text(reader, options.group, name, options.max_value_chars));
    }
  }
  // Collapsed, only the first run is listed and the others counted, not even opened: through a
  // `merge --link` file's external links, listing 400 runs took 12 s (a review).
  std::string first_run;  // "/runs/00000" when collapsing
  std::size_t more_runs = 0;
  if (options.collapse_runs && options.group == "/" && reader.is_group("/runs")) {
    const auto runs = reader.children("/runs");
    if (!runs.empty()) first_run = "/runs/" + runs.front();
    more_runs = runs.empty() ? 0 : runs.size() - 1;
  }
  const auto in_first_run = [&](const std::string& path) {
    return path.rfind(first_run, 0) == 0 && (path.size() == first_run.size() || path[first_run.size()] == '/');
  };
  const auto keep = [&](const std::string& path) {
    return first_run.empty() || path.rfind("/runs/", 0) != 0 || in_first_run(path);
  };
  bool counted = more_runs == 0;  // the line counting the other run groups is written
  const auto count_line = [&] {
    out += fmt::format("... and {} more run groups under /runs, laid out as {}\n", more_runs, first_run);
    counted = true;
  };
  for (const auto& e : reader.list(options.group, options.collapse_runs ? std::function<bool(const std::string&)>(keep)
                                                                       : nullptr)) {
    if (!counted && !first_run.empty() && !in_first_run(e.path) && e.path > first_run) count_line();
    if (e.is_group) {
      out += fmt::format("{:<40} group\n", e.path);
      continue;
    }
    const std::string units = string_attribute_or_empty(reader, e.path, "units");
    std::string description = string_attribute_or_empty(reader, e.path, "description");
    // What the dimensions index, when the writer said it (files before the attribute have none).
    const std::string dims = string_attribute_or_empty(reader, e.path, "dimensions");
    if (!dims.empty()) description += fmt::format(" ({})", dims);
    std::string line = fmt::format("{:<40} {:<8} {:<16} {:<6} {}", e.path, e.dtype, shape_text(e), units, description);
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  if (!counted && !first_run.empty()) count_line();
  return out;
}

}  // namespace dembones
