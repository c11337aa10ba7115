#include "io/run_export.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <numbers>
#include <set>

#include "io/completion_marker.hpp"
#include "io/hdf5_export.hpp"
#include "io/hdf5_handle.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "/" + "muscles/force" -> "/muscles/force"; "/runs/00003" + "muscles/force" -> "/runs/00003/muscles/force".
std::string in_run(const std::string& run_group, std::string_view rel) {
  return run_group == "/" ? fmt::format("/{}", rel) : fmt::format("{}/{}", run_group, rel);
}

// "/muscles/force" or "muscles/force" -> "muscles/force" (relative to the run).
std::string relative_to_run(std::string_view dataset) {
  std::string rel(dataset);
  while (!rel.empty() && rel.front() == '/') rel.erase(rel.begin());
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  return rel;
}

// Levenshtein distance, for "did you mean" on a mistyped dataset name.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Generalized forces, one channel per coordinate (velocity index).
bool is_coordinate_indexed(const std::string& rel) {
  return rel == "joints/moment" || rel == "joints/passive_moment" || rel == "joints/coupling_moment" ||
         rel == "reserves/torque";
}

bool is_numeric(const std::string& dtype) { return dtype != "string" && dtype != "compound" && dtype != "other"; }

// Whether a dataset's first axis is the frames, by its `dimensions` attribute ("frame × muscle"): a
// per-muscle constant of a model with as many muscles as the run has frames is not a time series (an
// audit exported /model/muscles/max_isometric_force as one). Without the attribute (files of other
// writers), the shape decides.
bool frame_indexed(const Hdf5Reader& r, const std::string& path) {
  if (!r.has_attribute(path, "dimensions")) return true;
  return r.read_string_attribute(path, "dimensions").rfind("frame", 0) == 0;
}

// Datasets of the run with a time axis: numeric, [frames] or [frames × channels].
std::vector<std::string> exportable_datasets(const Hdf5Reader& r, const std::string& run_group, std::uint64_t frames) {
  std::vector<std::string> out;
  const std::string prefix = run_group == "/" ? "/" : run_group + "/";
  for (const Hdf5Entry& e : r.list(run_group)) {
    if (e.is_group || !is_numeric(e.dtype) || e.dims.empty() || e.dims.size() > 2 || e.dims[0] != frames) continue;
    if (!frame_indexed(r, e.path)) continue;
    const std::string rel = e.path.substr(prefix.size());
    if (rel == "time" || rel.rfind("runs/", 0) == 0) continue;
    out.push_back(rel);
  }
  return out;
}

[[noreturn]] void missing_dataset(const Hdf5Reader& r, const std::string& run_group, const std::string& rel,
                                  std::uint64_t frames) {
  const auto candidates = exportable_datasets(r, run_group, frames);
  std::string hint;
  std::size_t best = std::string::npos;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(rel, c);
    if (d < best) {
      best = d;
      hint = c;
    }
  }
  const std::string suggestion = !hint.empty() && best <= std::max<std::size_t>(3, rel.size() / 3)
                                     ? fmt::format("; did you mean '{}'?", hint)
                                     : fmt::format(" ({} time series in the run, e.g. muscles/force, loads/L5_S1/"
                                                   "compression; `dembones info` lists them)",
                                                   candidates.size());
  throw InputError(Location{r.path().string(), 0, 0, "--dataset"},
                   fmt::format("no dataset '{}' in run '{}'{}", rel, run_group, suggestion));
}

// "rad" -> ("deg", factor 180/pi); "rad/s" -> "deg/s"; other units unchanged.
bool to_degrees(std::string& unit) {
  if (unit.rfind("rad", 0) != 0) return false;
  unit = fmt::format("deg{}", unit.substr(3));
  return true;
}

std::string describe_units(const std::string& rel, const std::vector<std::string>& names,
                           const std::vector<std::string>& units) {
  const bool uniform = std::all_of(units.begin(), units.end(), [&](const std::string& u) { return u == units[0]; });
  if (units.empty() || uniform) return fmt::format("Units of {}: {}", rel, units.empty() ? "" : units[0]);
  // "name unit" pairs, no '=': OpenSim 4's header reader would take "a=b" for a metadata key.
  std::string s = fmt::format("Units of {}:", rel);
  for (std::size_t i = 0; i < units.size(); ++i) s += fmt::format("{} {} {}", i ? "," : "", names[i], units[i]);
  return s;
}

}  // namespace

const char* to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::csv: return "csv";
    case ExportFormat::sto: return "sto";
    case ExportFormat::mot: return "mot";
  }
  return "?";
}

ExportFormat parse_export_format(std::string_view text, const Location& where) {
  std::string s = lowercase(text);
  if (!s.empty() && s.front() == '.') s.erase(s.begin());
  if (s == "csv") return ExportFormat::csv;
  if (s == "sto") return ExportFormat::sto;
  if (s == "mot") return ExportFormat::mot;
  throw InputError(where, fmt::format("expected csv, sto or mot, got '{}'", text));
}

std::string find_run_group(const Hdf5Reader& r, std::optional<int> run) {
  const std::string file = r.path().string();
  const bool sweep = r.is_group("/runs");
  if (run) {
    if (!sweep)
      throw InputError(Location{file, 0, 0, "--run"},
                       fmt::format("--run {} given, but this is a single-run file (no /runs group)", *run));
    if (*run < 0 || *run > 99999)
      throw InputError(Location{file, 0, 0, "--run"}, fmt::format("expected a run number 0 to 99999, got {}", *run));
    const std::string group = fmt::format("/runs/{:05d}", *run);
    if (!r.is_group(group)) {
      // A `merge --link` file moved away from its shards: the run's link dangles (an audit was told
      // "the file holds no run 0 (6 runs, 00000 to 00005)").
      if (const std::string target = r.external_link_file(group); !target.empty())
        throw InputError(Location{file, 0, 0, "--run"},
                         fmt::format("run {} is an external link to '{}' (a `dembones merge --link` file), which "
                                     "cannot be opened from here: keep the shards where they were, next to the "
                                     "merged file, or merge them again without --link (copies)",
                                     *run, target));
      const auto runs = r.children("/runs");
      throw InputError(Location{file, 0, 0, "--run"},
                       fmt::format("the file holds no run {} ({} runs{})", *run, runs.size(),
                                   runs.empty() ? "" : fmt::format(", {} to {}", runs.front(), runs.back())));
    }
    // A run cut off by a stopped sweep (no completion mark, completion_marker.hpp) holds part of its
    // data: refused, as plot.py refuses it; --resume redoes it.
    if (!is_complete(r, group))
      throw InputError(Location{file, 0, 0, "--run"},
                       fmt::format("run {} is incomplete (no completion mark): the sweep writing it was stopped "
                                   "before the run was finished; `dembones sweep ... --resume` redoes it",
                                   *run));
    return group;
  }
  if (r.is_dataset("/time")) return "/";
  if (sweep) {
    const auto runs = r.children("/runs");
    throw InputError(Location{file, 0, 0, "--run"},
                     fmt::format("a sweep file with {} runs{}: choose one with --run N (or --summary for the table of all runs)", runs.size(),
                                 runs.empty() ? "" : fmt::format(" ({} to {})", runs.front(), runs.back())));
  }
  throw InputError(Location{file, 0, 0, ""}, "not a dembones result file: no /time dataset and no /runs group");
}

std::vector<std::string> default_export_datasets(const Hdf5Reader& r, const std::string& run_group,
                                                 ExportFormat format) {
  std::vector<std::string> wanted;
  if (format == ExportFormat::mot) return {"coordinates/q"};
  if (format == ExportFormat::csv) wanted = {"coordinates/q", "muscles/activation"};
  wanted.push_back("muscles/force");
  wanted.push_back("joints/moment");
  const std::string loads = in_run(run_group, "loads");
  if (r.is_group(loads)) {
    for (const std::string& site : r.children(loads)) {
      for (const char* q : {"compression", "ap_shear", "lateral_shear", "resultant"})
        wanted.push_back(fmt::format("loads/{}/{}", site, q));
    }
  }
  std::vector<std::string> present;
  for (const std::string& rel : wanted)
    if (r.is_dataset(in_run(run_group, rel))) present.push_back(rel);
  return present;
}

std::vector<std::string> export_channel_units(const Hdf5Reader& r, const std::string& run_group,
                                              const std::string& dataset, std::size_t channels) {
  const bool prefixed = run_group != "/" && dataset.rfind(run_group + "/", 0) == 0;
  const std::string rel = relative_to_run(prefixed ? dataset.substr(run_group.size()) : dataset);
  const std::string path = in_run(run_group, rel);
  const std::string base = r.has_attribute(path, "units") ? r.read_string_attribute(path, "units") : "";
  std::vector<std::string> units(channels, base);
  const std::string coord_units = in_run(run_group, "coordinates/units");
  if (!r.is_dataset(coord_units)) return units;
  const auto per_coordinate = r.read_strings(coord_units);
  if (per_coordinate.size() != channels) return units;
  for (std::size_t c = 0; c < channels; ++c) {
    const bool rotational = per_coordinate[c] == "rad";
    if (rel == "coordinates/q") units[c] = per_coordinate[c];
    else if (rel == "coordinates/qdot") units[c] = per_coordinate[c] + "/s";
    else if (rel == "coordinates/qddot") units[c] = per_coordinate[c] + "/s^2";
    else if (is_coordinate_indexed(rel))
      units[c] = rotational ? "N*m" : "N";
  }
  return units;
}

TextTable export_run(const Hdf5Reader& r, const RunExportRequest& request) {
  const std::string file = r.path().string();
  const std::string time_path = in_run(request.run_group, "time");
  if (!r.is_dataset(time_path)) {
    // A failed run keeps its error, not its series (an audit was told "not a dembones run", and the
    // plotting script "rerun the sweep with series: full" of a sweep stored with series full).
    if (request.run_group != "/" && r.has_attribute(request.run_group, "status") &&
        r.read_string_attribute(request.run_group, "status") == "failed")
      throw InputError(Location{file, 0, 0, "--run"},
                       fmt::format("run '{}' failed, so it has no time series: {}", request.run_group,
                                   r.has_attribute(request.run_group, "error")
                                       ? r.read_string_attribute(request.run_group, "error")
                                       : "(no error stored)"));
    // A sweep stored with `series: summary` (or none) keeps only each run's peaks, not its time series
    // (docs/sweeps.md, output.series): say so and how to get them, rather than "not a dembones run".
    const std::string series =
        r.has_attribute("/", "sweep_series") ? r.read_string_attribute("/", "sweep_series") : "";
    if (request.run_group != "/" && !series.empty() && series != "full")
      throw InputError(Location{file, 0, 0, "--run"},
                       fmt::format("run '{}' has no time series: the sweep was stored with series: {} (peaks "
                                   "only); rerun it with series: full in its output section, or with "
                                   "`dembones sweep SWEEP.yaml --series full` (add --shard I/N to rerun a slice)",
                                   request.run_group, series));
    throw InputError(Location{file, 0, 0, ""}, fmt::format("no '{}' dataset: not a dembones run", time_path));
  }
  const auto time = r.read_doubles(time_path);
  const std::uint64_t frames = time.size();

  std::vector<std::string> datasets;
  for (const std::string& d : request.datasets) {
    // A dataset given with the run's prefix ("/runs/00003/muscles/force") is taken as is.
    const bool prefixed = request.run_group != "/" && d.rfind(request.run_group + "/", 0) == 0;
    datasets.push_back(relative_to_run(prefixed ? d.substr(request.run_group.size()) : d));
  }
  if (datasets.empty()) datasets = default_export_datasets(r, request.run_group, request.format);
  if (datasets.empty())
    throw InputError(Location{file, 0, 0, "--dataset"},
                     fmt::format("run '{}' holds none of the datasets a .{} export takes by default; name them with "
                                 "--dataset",
                                 request.run_group, to_string(request.format)));
  {
    std::set<std::string> seen;
    for (const std::string& rel : datasets) {
      if (!seen.insert(rel).second)
        throw InputError(Location{file, 0, 0, "--dataset"}, fmt::format("'{}' is named twice", rel));
      if (rel == "time")
        throw InputError(Location{file, 0, 0, "--dataset"},
                         "'time' is every table's first column already: name the datasets to put beside it");
    }
  }

  const bool several = datasets.size() > 1;
  const bool degrees = request.format == ExportFormat::mot;
  TextTable table;
  bool any_angle = false;  // inDegrees=yes only when some column is an angle (not for /joints/moment)
  table.column_names = {"time"};
  std::vector<std::string> column_units = {"s"};
  std::vector<Eigen::MatrixXd> blocks;
  Eigen::Index total_columns = 1;
  for (const std::string& rel : datasets) {
    const std::string path = in_run(request.run_group, rel);
    if (!r.is_dataset(path)) missing_dataset(r, request.run_group, rel, frames);
    const auto dims = r.dims(path);
    if (!frame_indexed(r, path))
      throw InputError(Location{file, 0, 0, "--dataset"},
                       fmt::format("'{}' is not a time series (its dimensions: {}); a table takes datasets whose "
                                   "first axis is the frames",
                                   rel, r.read_string_attribute(path, "dimensions")));
    if (!is_numeric(r.dtype(path)) || dims.empty() || dims.size() > 2 || dims[0] != frames) {
      std::string shape;
      for (std::size_t i = 0; i < dims.size(); ++i) shape += fmt::format("{}{}", i ? " x " : "", dims[i]);
      throw InputError(Location{file, 0, 0, "--dataset"},
                       fmt::format("'{}' is {} [{}]; a table takes numbers shaped [frames] or [frames x channels] "
                                   "with {} frames",
                                   rel, r.dtype(path), shape, frames));
    }
    // /joints/moment and /joints/passive_moment have no `names` of their own: their channels are
    // the coordinates.
    std::string names_path;
    const std::string coordinate_names = in_run(request.run_group, "coordinates/names");
    if (is_coordinate_indexed(rel) && !r.is_dataset(hdf5::split_parent(path).first + "/names") &&
        r.is_dataset(coordinate_names) && dims.size() == 2 && r.dims(coordinate_names) == std::vector{dims[1]})
      names_path = coordinate_names;
    // /joints/posterior_tension's channels are the passive moments /joints/passive_names names.
    const std::string passive_names = in_run(request.run_group, "joints/passive_names");
    if (rel == "joints/posterior_tension" && r.is_dataset(passive_names) && dims.size() == 2 &&
        r.dims(passive_names) == std::vector{dims[1]})
      names_path = passive_names;
    TextTable part =
        export_time_series(r, {.dataset = path, .time_dataset = time_path, .names_dataset = names_path});
    std::vector<std::string> names(part.column_names.begin() + 1, part.column_names.end());
    // Vectors ("frame × xyz (site frame: ...)") get their axes' names, not 0, 1, 2.
    if (dims.size() == 2 && dims[1] == 3 && r.has_attribute(path, "dimensions") &&
        r.read_string_attribute(path, "dimensions").find("× xyz") != std::string::npos) {
      const std::string leaf = hdf5::split_parent(path).second;
      for (std::size_t c = 0; c < 3; ++c) names[c] = several ? std::string(1, "xyz"[c]) : fmt::format("{}_{}", leaf, "xyz"[c]);
    }
    std::vector<std::string> units = export_channel_units(r, request.run_group, rel, names.size());
    Eigen::MatrixXd block = part.data.rightCols(part.data.cols() - 1);
    if (degrees) {
      // OpenSim's .mot convention (inDegrees=yes): rotational coordinates, their speeds and
      // accelerations in degrees; translations stay in metres.
      for (std::size_t c = 0; c < units.size(); ++c)
        if (to_degrees(units[c])) {
          block.col(static_cast<Eigen::Index>(c)) *= 180.0 / std::numbers::pi;
          any_angle = true;
        }
    }
    table.description.push_back(describe_units(rel, names, units));
    for (std::size_t c = 0; c < names.size(); ++c) {
      table.column_names.push_back(!several ? names[c] : dims.size() == 1 ? rel : fmt::format("{}/{}", rel, names[c]));
      column_units.push_back(units[c]);
    }
    total_columns += block.cols();
    blocks.push_back(std::move(block));
  }
  table.in_degrees = any_angle;
  table.data.resize(static_cast<Eigen::Index>(frames), total_columns);
  for (std::uint64_t f = 0; f < frames; ++f) table.data(static_cast<Eigen::Index>(f), 0) = time[f];
  Eigen::Index at = 1;
  for (const Eigen::MatrixXd& b : blocks) {
    table.data.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  if (request.format == ExportFormat::csv) {
    for (std::size_t c = 0; c < table.column_names.size(); ++c)
      if (!column_units[c].empty()) table.column_names[c] += fmt::format(" [{}]", column_units[c]);
  }
  const std::string scenario = r.has_attribute("/", "scenario_name") ? r.read_string_attribute("/", "scenario_name") : "";
  table.name = scenario.empty() ? r.path().stem().string() : scenario;
  if (request.run_group != "/") table.name += fmt::format("_run{}", request.run_group.substr(request.run_group.rfind('/') + 1));
  table.description.insert(table.description.begin(),
                           fmt::format("Exported by dembones from {} (run group {})", r.path().filename().string(),
                                       request.run_group));
  return table;
}

std::filesystem::path default_export_path(const std::filesystem::path& input, const std::string& run_group,
                                          ExportFormat format) {
  std::filesystem::path out = input;
  std::string stem = input.stem().string();
  if (run_group != "/") stem += fmt::format("_run{}", run_group.substr(run_group.rfind('/') + 1));
  out.replace_filename(fmt::format("{}.{}", stem, to_string(format)));
  return out;
}

}  // namespace dembones
