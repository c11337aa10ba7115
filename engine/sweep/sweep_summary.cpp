#include "sweep/sweep_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <type_traits>

#include "common/build_info.hpp"
#include "common/error.hpp"
#include "common/run_checks.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"

namespace dembones {

namespace {

constexpr const char* kFormat = "dembones-sweep";

// Byte packing of a row (same process image on every rank: native byte order, sizes as stored).
template <class T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
void put(std::string& out, const std::string& text) {
  put(out, static_cast<std::uint64_t>(text.size()));
  out.append(text);
}

class Unpacker {
 public:
  explicit Unpacker(std::string_view bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string text() {
    const auto n = get<std::uint64_t>();
    const char* p = take(n);
    return std::string(p, static_cast<std::size_t>(n));
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  const char* take(std::uint64_t n) {
    if (n > bytes_.size() - at_) throw InternalError("a sweep run's record message is truncated");
    const char* p = bytes_.data() + at_;
    at_ += static_cast<std::size_t>(n);
    return p;
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::string pack_run_row(const SweepRow& row, double body_weight_N) {
  std::string out;
  out.reserve(256 + 64 * row.peaks.size());
  put(out, static_cast<std::int64_t>(row.index));
  put(out, body_weight_N);
  put(out, row.frames);
  put(out, row.reserve_frames);
  put(out, row.cop_outside_frames);
  put(out, row.coupling_max_Nm);
  put(out, row.reserve_max_Nm);
  put(out, static_cast<std::int64_t>(row.reserve_max_sign));
  put(out, row.range_end_frames);
  put(out, row.unconverged_frames);
  put(out, row.reserve_max_coordinate);
  put(out, row.status);
  put(out, row.error);
  put(out, static_cast<std::uint64_t>(row.values.size()));
  for (const std::string& v : row.values) put(out, v);
  put(out, static_cast<std::uint64_t>(row.peaks.size()));
  for (const Peak& p : row.peaks) {
    put(out, p.quantity);
    put(out, p.value);
    put(out, p.time_s);
    put(out, p.value_bw);
  }
  return out;
}

SweepRow unpack_run_row(std::string_view bytes, double& body_weight_N) {
  Unpacker in(bytes);
  SweepRow row;
  row.index = static_cast<int>(in.get<std::int64_t>());
  body_weight_N = in.get<double>();
  row.frames = in.get<std::int64_t>();
  row.reserve_frames = in.get<std::int64_t>();
  row.cop_outside_frames = in.get<std::int64_t>();
  row.coupling_max_Nm = in.get<double>();
  row.reserve_max_Nm = in.get<double>();
  row.reserve_max_sign = static_cast<int>(in.get<std::int64_t>());
  row.range_end_frames = in.get<std::int64_t>();
  row.unconverged_frames = in.get<std::int64_t>();
  row.reserve_max_coordinate = in.text();
  row.status = in.text();
  row.error = in.text();
  const auto values = in.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < values; ++i) row.values.push_back(in.text());
  const auto peaks = in.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < peaks; ++i) {
    Peak p;
    p.quantity = in.text();
    p.value = in.get<double>();
    p.time_s = in.get<double>();
    p.value_bw = in.get<double>();
    row.peaks.push_back(std::move(p));
  }
  if (!in.done()) throw InternalError("a sweep run's record message has trailing bytes");
  if (row.status == "ok") row.body_weight_N = body_weight_N;
  return row;
}

std::string run_group(int index) { return fmt::format("/runs/{:05d}", index); }

void write_sweep_header(Hdf5Writer& w, const SweepHeader& h) {
  std::vector<std::string> names, types, units;
  for (const SweepParameter& p : h.parameters) {
    names.push_back(p.path);
    types.push_back(p.numeric ? "float64" : "string");
    units.push_back(p.units);
  }
  w.set_string_array_attribute("/", "sweep_parameters", names);
  w.set_string_array_attribute("/", "sweep_parameter_types", types);
  w.set_string_array_attribute("/", "sweep_parameter_units", units);
  w.set_string_attribute("/", "sweep_fingerprint", h.fingerprint);
  w.set_int_attribute("/", "sweep_runs", h.runs);
}

SweepHeader read_sweep_header(const Hdf5Reader& r) {
  const std::string file = r.path().string();
  if (!r.has_attribute("/", "format") || r.read_string_attribute("/", "format") != kFormat ||
      !r.has_attribute("/", "sweep_fingerprint"))
    throw IoError(Location{file, 0, 0, ""}, "not a dembones sweep file or shard (no sweep attributes at its root)");
  SweepHeader h;
  const auto names = r.read_string_array_attribute("/", "sweep_parameters");
  const auto types = r.read_string_array_attribute("/", "sweep_parameter_types");
  const auto units = r.read_string_array_attribute("/", "sweep_parameter_units");
  if (types.size() != names.size() || units.size() != names.size())
    throw IoError(Location{file, 0, 0, ""}, "inconsistent sweep_parameter attributes");
  for (std::size_t i = 0; i < names.size(); ++i) h.parameters.push_back({names[i], types[i] == "float64", units[i]});
  h.fingerprint = r.read_string_attribute("/", "sweep_fingerprint");
  h.runs = r.read_int_attribute("/", "sweep_runs");
  if (r.has_attribute("/", "dembones_version") && r.has_attribute("/", "git_commit")) {
    const auto text = [&](const char* name, const char* missing) {
      return r.has_attribute("/", name) ? r.read_string_attribute("/", name) : std::string(missing);
    };
    const char* unrecorded = "not recorded (written before 2026-11-28)";
    h.build = format_build(text("dembones_version", "?"), text("git_commit", "?"), text("build_type", unrecorded),
                           text("compiler", unrecorded), text("libraries", unrecorded));
  }
  return h;
}

// The build type, compiler and libraries too: shards of a Debug or sanitizer build, of another
// compiler or Eigen, may round differently from a Release build of the same commit (provenance audit). Files written before
// 2026-11-28 lack them ("?"): another build.
std::string format_build(const std::string& version, const std::string& commit, const std::string& build_type,
                         const std::string& compiler, const std::string& libraries) {
  return fmt::format("dembones {} (commit {}, {}, {}; {})", version, commit,
                     build_type.empty() ? "build type not set" : build_type, compiler, libraries);
}

std::string this_build() {
  return format_build(build::kVersion, build::kGitCommit, build::kBuildType, build::kCompiler, build::kLibraries);
}

// A run group's attributes stay in its object header ("compact"): HDF5's default moves more than 8
// to dense storage, and H5Ocopy of dense variable-length string attributes crashes in libhdf5 1.10.8
// (H5A__dense_post_copy_file_all), which `dembones merge` relies on. Run groups were therefore kept to
// 8 attributes, with the counts packed into `frame_counts` (kept so: readers index it, sweeps.md);
// groups are now created with room for 128 compact attributes (Hdf5Writer's make_gcpl). A failed run
// has `error` and no peaks, a run that ran has its peaks and the largest reserve's coordinate.
void write_run_row(Hdf5Writer& w, const SweepRow& row) {
  const std::string g = run_group(row.index);
  Hdf5Writer::ObjectAttributes a = w.create_group_with_attributes(g);  // kept open for all its attributes
  a.set_string_array("parameter_values", row.values);
  a.set_string("status", row.status);
  // The frame counts, and after them the largest coupling moment, the largest reserve (N·m) and that
  // reserve's sign, packed in one attribute (above: the eight attributes run groups were kept to).
  const double counts[] = {static_cast<double>(row.frames),
                           static_cast<double>(row.reserve_frames),
                           static_cast<double>(row.cop_outside_frames),
                           row.coupling_max_Nm,
                           row.reserve_max_Nm,
                           static_cast<double>(row.reserve_max_sign),
                           row.body_weight_N,
                           static_cast<double>(row.range_end_frames),
                           static_cast<double>(row.unconverged_frames)};
  a.set_double_array("frame_counts", counts);
  if (row.status != "ok") {
    a.set_string("error", row.error);
    return;  // no peak attributes (HDF5 attributes cannot hold empty arrays here)
  }
  a.set_string("reserve_max_coordinate", row.reserve_max_coordinate);
  const std::size_t k = row.peaks.size();
  if (k == 0) return;
  const RunRowPeaks p = run_row_peaks(row);
  a.set_string_array("peak_quantities", p.quantities);
  a.set_double_array("peaks", p.values);
}

RunRowPeaks run_row_peaks(const SweepRow& row) {
  const std::size_t k = row.peaks.size();
  RunRowPeaks p;
  p.quantities.reserve(k);
  p.values.resize(3 * k);
  for (std::size_t i = 0; i < k; ++i) {
    p.quantities.push_back(row.peaks[i].quantity);
    p.values[i] = row.peaks[i].value;
    p.values[k + i] = row.peaks[i].value_bw;
    p.values[2 * k + i] = row.peaks[i].time_s;
  }
  return p;
}

SweepRow read_run_row(const Hdf5Reader& r, int index) {
  const std::string g = run_group(index);
  SweepRow row;
  row.index = index;
  row.values = r.read_string_array_attribute(g, "parameter_values");
  row.status = r.read_string_attribute(g, "status");
  // Files written before the largest reserve's coordinate have `error` (empty) on every run.
  if (r.has_attribute(g, "error")) row.error = r.read_string_attribute(g, "error");
  if (r.has_attribute(g, "reserve_max_coordinate"))
    row.reserve_max_coordinate = r.read_string_attribute(g, "reserve_max_coordinate");
  const auto counts = r.read_double_array_attribute(g, "frame_counts");
  const bool has_peaks = r.has_attribute(g, "peak_quantities");
  const auto q = has_peaks ? r.read_string_array_attribute(g, "peak_quantities") : std::vector<std::string>{};
  const auto peaks = has_peaks ? r.read_double_array_attribute(g, "peaks") : std::vector<double>{};
  const std::size_t k = q.size();
  // Two counts in files written before the centre of pressure was recorded, three before the coupling
  // moment, four before the largest reserve, five before its sign, six before the body weight, seven
  // before the frames at a range end, eight before the unconverged frames.
  if (counts.size() < 2 || counts.size() > 9 || peaks.size() != 3 * k)
    throw IoError(Location{r.path().string(), 0, 0, g}, "inconsistent sweep run attributes");
  row.frames = static_cast<std::int64_t>(counts[0]);
  row.reserve_frames = static_cast<std::int64_t>(counts[1]);
  row.cop_outside_frames = counts.size() >= 3 ? static_cast<std::int64_t>(counts[2]) : -1;
  row.coupling_max_Nm = counts.size() >= 4 ? counts[3] : std::numeric_limits<double>::quiet_NaN();
  row.reserve_max_Nm = counts.size() >= 5 ? counts[4] : std::numeric_limits<double>::quiet_NaN();
  row.reserve_max_sign = counts.size() >= 6 ? static_cast<int>(counts[5]) : 0;
  if (counts.size() >= 7) row.body_weight_N = counts[6];
  row.range_end_frames = counts.size() >= 8 ? static_cast<std::int64_t>(counts[7]) : -1;
  row.unconverged_frames = counts.size() >= 9 ? static_cast<std::int64_t>(counts[8]) : -1;
  for (std::size_t i = 0; i < k; ++i) row.peaks.push_back(Peak{q[i], peaks[i], peaks[2 * k + i], peaks[k + i]});
  return row;
}

void write_run_peaks(Hdf5Writer& w, const std::string& group, double body_weight_N, const std::vector<Peak>& peaks) {
  // The scalar attributes of a run file's /summary group (docs/hdf5-layout.md). No peaks table: a
  // table per run would keep one open dataset per run in the writer, and /summary has the rows.
  std::vector<std::string> names{"body_weight_N"};
  std::vector<double> values{body_weight_N};
  names.reserve(1 + 3 * peaks.size());
  values.reserve(1 + 3 * peaks.size());
  for (const Peak& p : peaks) {
    names.push_back(p.quantity + "_peak_N");
    values.push_back(p.value);
    names.push_back(p.quantity + "_peak_bw");
    values.push_back(p.value_bw);
    names.push_back(p.quantity + "_peak_time_s");
    values.push_back(p.time_s);
  }
  // The NIOSH attributes of a run file's /summary (run_writer.cpp), so the same script reads both.
  names.push_back("niosh_action_limit_N");
  values.push_back(kNioshActionLimit_N);
  w.create_group_with_double_attributes(group + "/summary", names, values);
  for (const Peak& p : peaks)
    if (p.quantity == "L5_S1_compression")
      w.set_int_attribute(group + "/summary", "L5_S1_compression_above_niosh_action_limit",
                          p.value > kNioshActionLimit_N ? 1 : 0);
}

void write_summary_table(Hdf5Writer& w, const std::vector<SweepParameter>& parameters, std::vector<SweepRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.index < b.index; });
  std::vector<std::string> quantities;
  for (const SweepRow& row : rows)
    for (const Peak& p : row.peaks)
      if (std::find(quantities.begin(), quantities.end(), p.quantity) == quantities.end()) quantities.push_back(p.quantity);

  std::vector<TableColumn> columns{{"run", ColumnType::Int64, "1"}};
  for (const SweepParameter& p : parameters)
    columns.push_back({p.path, p.numeric ? ColumnType::Float64 : ColumnType::String, p.units});
  columns.push_back({"status", ColumnType::String, "-"});
  columns.push_back({"error", ColumnType::String, "-"});
  columns.push_back({"frames", ColumnType::Int64, "1"});
  columns.push_back({"reserve_frames", ColumnType::Int64, "1"});
  columns.push_back({"cop_outside_frames", ColumnType::Int64, "1"});
  columns.push_back({"coupling_max_Nm", ColumnType::Float64, "N*m"});
  columns.push_back({"reserve_max_Nm", ColumnType::Float64, "N*m"});
  columns.push_back({"reserve_max_coordinate", ColumnType::String, "-"});
  columns.push_back({"reserve_max_sign", ColumnType::Int64, "1"});
  columns.push_back({"body_weight_N", ColumnType::Float64, "N"});
  columns.push_back({"range_end_frames", ColumnType::Int64, "1"});
  columns.push_back({"unconverged_frames", ColumnType::Int64, "1"});
  for (const std::string& q : quantities) {
    columns.push_back({q + "_peak_N", ColumnType::Float64, "N"});
    columns.push_back({q + "_peak_bw", ColumnType::Float64, "BW"});
    columns.push_back({q + "_peak_time_s", ColumnType::Float64, "s"});
  }
  w.create_table("/summary", columns,
                 "one row per run: run number, varied parameters, status (ok or failed) and error, frames "
                 "solved, frames needing reserve actuators and frames whose centre of pressure leaves the feet, the largest "
                 "moment a coupling constraint carried and the largest reserve actuator torque (with its coordinate and its sign on it), the "
                 "subject's body weight, frames with a joint at an end of its range, frames the static optimization stopped at "
                 "its iteration limit, peak loads in N, body weights and their times",
                 "run");
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  // A text parameter has a few values, each parsed once (parameter_label loads it as YAML: half the
  // cost of a row when done for every row).
  std::map<std::string, std::string, std::less<>> labels;
  const auto label_of = [&](const std::string& value) -> const std::string& {
    auto it = labels.find(value);
    if (it == labels.end()) it = labels.emplace(value, parameter_label(value)).first;
    return it->second;
  };
  std::vector<std::vector<TableCell>> table;
  table.reserve(rows.size());
  for (const SweepRow& row : rows) {
    if (row.values.size() != parameters.size())
      throw InternalError(fmt::format("run {} has {} parameter values, the sweep {}", row.index, row.values.size(),
                                      parameters.size()));
    std::vector<TableCell>& cells = table.emplace_back();
    cells.reserve(columns.size());
    cells.emplace_back(std::int64_t{row.index});
    for (std::size_t k = 0; k < parameters.size(); ++k) {
      if (parameters[k].numeric)
        cells.emplace_back(parameter_number(row.values[k]));
      else
        cells.emplace_back(label_of(row.values[k]));
    }
    cells.emplace_back(row.status);
    cells.emplace_back(row.error);
    cells.emplace_back(row.frames);
    cells.emplace_back(row.reserve_frames);
    cells.emplace_back(row.cop_outside_frames);
    cells.emplace_back(row.coupling_max_Nm);
    cells.emplace_back(row.reserve_max_Nm);
    cells.emplace_back(row.reserve_max_coordinate);
    cells.emplace_back(std::int64_t{row.reserve_max_sign});
    cells.emplace_back(row.body_weight_N);
    cells.emplace_back(row.range_end_frames);
    cells.emplace_back(row.unconverged_frames);
    for (const std::string& q : quantities) {
      const auto it = std::find_if(row.peaks.begin(), row.peaks.end(), [&](const Peak& p) { return p.quantity == q; });
      cells.emplace_back(it == row.peaks.end() ? nan : it->value);
      cells.emplace_back(it == row.peaks.end() ? nan : it->value_bw);
      cells.emplace_back(it == row.peaks.end() ? nan : it->time_s);
    }
  }
  w.append_table_rows("/summary", table);  // one write: row by row cost ~0.3 ms a row (10,000-run sweeps)
}

}  // namespace dembones
