#include "sweep/sweep_overview.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

constexpr const char* kSummary = "/summary";

bool has_column(const std::vector<TableColumn>& columns, std::string_view name) {
  return std::any_of(columns.begin(), columns.end(), [&](const TableColumn& c) { return c.name == name; });
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

std::string root_text(const Hdf5Reader& r, const char* name) {
  return r.has_attribute("/", name) ? r.read_string_attribute("/", name) : std::string();
}

// The short SHA-256 (12 hex digits, as git abbreviates) of each file a sweep varies, by field and
// value (root sweep_varied_file_*, docs/sweeps.md): two model files of the same text show the same.
std::map<std::pair<std::string, std::string>, std::string> varied_file_hashes(const Hdf5Reader& r) {
  std::map<std::pair<std::string, std::string>, std::string> hashes;
  if (!r.has_attribute("/", "sweep_varied_file_sha256")) return hashes;
  const auto fields = r.read_string_array_attribute("/", "sweep_varied_file_fields");
  const auto values = r.read_string_array_attribute("/", "sweep_varied_file_values");
  const auto sha = r.read_string_array_attribute("/", "sweep_varied_file_sha256");
  for (std::size_t i = 0; i < fields.size() && i < values.size() && i < sha.size(); ++i)
    hashes[{fields[i], values[i]}] = sha[i].substr(0, 12);
  return hashes;
}

// The varied parameters: a numeric one's range, a text one's values (the first few; a varied file
// with its short SHA-256).
std::string parameters_line(const Hdf5Reader& r, const std::vector<TableColumn>& columns) {
  if (!r.has_attribute("/", "sweep_parameters")) return "";
  const auto hashes = varied_file_hashes(r);
  std::string out = "varied:";
  for (const std::string& p : r.read_string_array_attribute("/", "sweep_parameters")) {
    const auto it = std::find_if(columns.begin(), columns.end(), [&](const TableColumn& c) { return c.name == p; });
    if (it == columns.end()) continue;
    if (it->type == ColumnType::Float64) {
      const auto v = r.read_table_doubles(kSummary, p);
      if (v.empty()) continue;  // a shard with no run (--shard 5/5 of 4 runs): nothing varied in it
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      out += fmt::format(" {} {:.4g} to {:.4g}{};", p, *lo, *hi, it->units.empty() || it->units == "-" || it->units == "1" ? "" : " " + it->units);
    } else {
      std::vector<std::string> values;
      for (const std::string& v : r.read_table_strings(kSummary, p))
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      std::string list;
      for (std::size_t i = 0; i < values.size() && i < 4; ++i) {
        list += (i ? ", " : "") + values[i];
        if (const auto h = hashes.find({p, values[i]}); h != hashes.end()) list += " (sha256 " + h->second + ")";
      }
      if (values.size() > 4) list += fmt::format(", ... ({} values)", values.size());
      out += fmt::format(" {} {};", p, list);
    }
  }
  if (!out.empty() && out.back() == ';') out.back() = '\n';
  return out;
}

// Runs needing reserves, the largest reserve, and where each such run's largest reserve acts.
std::string reserves_line(const Hdf5Reader& r, const std::vector<TableColumn>& columns, const std::vector<std::int64_t>& run,
                          const std::vector<bool>& ok) {
  const auto frames = r.read_table_ints(kSummary, "reserve_frames");
  std::size_t flagged = 0, n_ok = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    n_ok += ok[i];
    flagged += ok[i] && frames[i] > 0;
  }
  std::string out = fmt::format("runs needing reserves: {} of {}", flagged, n_ok);
  if (flagged == 0 || !has_column(columns, "reserve_max_Nm")) return out + "\n";
  const auto largest = r.read_table_doubles(kSummary, "reserve_max_Nm");
  std::size_t at = frames.size();
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (ok[i] && frames[i] > 0 && std::isfinite(largest[i]) && (at == frames.size() || largest[i] > largest[at])) at = i;
  if (at < frames.size()) out += fmt::format(" (largest reserve {:.1f} N*m, run {})", largest[at], run[at]);
  if (!has_column(columns, "reserve_max_coordinate") || !has_column(columns, "reserve_max_sign")) return out + "\n";
  // Where, counted over the runs with flagged frames (elsewhere a reserve of a fraction of a N·m).
  const auto coordinate = r.read_table_strings(kSummary, "reserve_max_coordinate");
  const auto sign = r.read_table_ints(kSummary, "reserve_max_sign");
  std::map<std::string, std::size_t> where;
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (ok[i] && frames[i] > 0)
      ++where[coordinate[i].empty() ? std::string("?") : coordinate[i] + (sign[i] > 0 ? " +" : sign[i] < 0 ? " -" : "")];
  std::vector<std::pair<std::string, std::size_t>> sorted(where.begin(), where.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out += "; where each run's largest reserve acts (signed on its coordinate):";
  for (std::size_t i = 0; i < sorted.size(); ++i) out += fmt::format("{} {}, {}", i ? ";" : "", sorted[i].first, sorted[i].second);
  return out + "\n";
}

// Each peak load's range over the runs that ran, in body weights, and the largest in N with its run.
std::string peaks_table(const Hdf5Reader& r, const std::vector<TableColumn>& columns, const std::vector<std::int64_t>& run,
                        const std::vector<bool>& ok) {
  std::string out;
  for (const TableColumn& c : columns) {
    constexpr std::string_view suffix = "_peak_N";
    if (c.name.size() <= suffix.size() || c.name.compare(c.name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string q = c.name.substr(0, c.name.size() - suffix.size());
    if (!has_column(columns, q + "_peak_bw")) continue;
    const auto newton = r.read_table_doubles(kSummary, c.name), bw = r.read_table_doubles(kSummary, q + "_peak_bw");
    std::vector<double> v;
    std::size_t at = newton.size();
    for (std::size_t i = 0; i < newton.size(); ++i) {
      if (!ok[i] || !std::isfinite(bw[i])) continue;
      v.push_back(bw[i]);
      if (at == newton.size() || newton[i] > newton[at]) at = i;
    }
    if (v.empty()) continue;
    if (out.empty())
      out = fmt::format("{:<30} {:>7} {:>7} {:>7} {:>9} {:>6}\n", "peak loads over the runs (BW)", "min", "median", "max",
                        "max N", "run");
    out += fmt::format("  {:<28} {:>7.2f} {:>7.2f} {:>7.2f} {:>9.0f} {:>6}\n", q, *std::min_element(v.begin(), v.end()),
                       median(v), *std::max_element(v.begin(), v.end()), newton[at], run[at]);
  }
  return out;
}

}  // namespace

// A `merge --link` file moved away from its shards holds links that cannot be opened: its /summary
// still lists every run, so say which runs cannot be read (an audit saw "6 runs of 6 in this file"
// above an empty /runs).
std::string dangling_links_line(const Hdf5Reader& r) {
  if (root_text(r, "merge_mode") != "external_link" || !r.is_group("/runs")) return "";
  std::size_t dangling = 0;
  std::string first, target;
  for (const std::string& name : r.children("/runs")) {
    const std::string path = "/runs/" + name;
    if (r.is_group(path)) continue;
    if (++dangling == 1) {
      first = name;
      target = r.external_link_file(path);
    }
  }
  if (dangling == 0) return "";
  return fmt::format("  warning: {} {} external link{} to shards that cannot be opened from here (run {} -> "
                     "'{}'): keep the shards next to this file, or merge them again without --link\n",
                     dangling, dangling == 1 ? "run is an" : "runs are", dangling == 1 ? "" : "s", std::stoi(first),
                     target);
}

std::string describe_sweep(const Hdf5Reader& r) {
  const std::string name = root_text(r, "sweep_name"), design = root_text(r, "sweep_design");
  const std::int64_t total = r.has_attribute("/", "sweep_runs") ? r.read_int_attribute("/", "sweep_runs") : -1;
  const std::size_t groups = r.is_group("/runs") ? r.children("/runs").size() : 0;
  std::string out = fmt::format("sweep '{}'{}: ", name.empty() ? "?" : name, design.empty() ? "" : " (" + design + ")");
  if (!r.is_dataset(kSummary))
    return out + fmt::format("{} run groups under /runs{}, no /summary yet (an interrupted sweep: `dembones sweep "
                             "--resume` completes it)\n\n",
                             groups, total >= 0 ? fmt::format(" of {} runs", total) : "");
  const auto columns = r.table_columns(kSummary);
  const auto run = r.read_table_ints(kSummary, "run");
  const auto status = r.read_table_strings(kSummary, "status");
  const auto error = r.read_table_strings(kSummary, "error");
  std::vector<bool> ok(run.size());
  std::vector<std::size_t> failed;
  for (std::size_t i = 0; i < run.size(); ++i) {
    ok[i] = status[i] == "ok";
    if (!ok[i]) failed.push_back(i);
  }
  out += fmt::format("{} runs{} in this file, {} ok, {} failed (dembones export --run N exports one)\n", run.size(),
                     total >= 0 ? fmt::format(" of {}", total) : "", run.size() - failed.size(), failed.size());
  for (std::size_t k = 0; k < failed.size() && k < 3; ++k)
    out += fmt::format("  run {} failed: {}\n", run[failed[k]], error[failed[k]]);
  if (failed.size() > 3) out += fmt::format("  ... and {} more failed runs (the /summary column `error`)\n", failed.size() - 3);
  out += dangling_links_line(r);
  out += parameters_line(r, columns);
  out += reserves_line(r, columns, run, ok);
  if (has_column(columns, "cop_outside_frames")) {
    const auto off = r.read_table_ints(kSummary, "cop_outside_frames");
    std::size_t n = 0, n_ok = 0;
    for (std::size_t i = 0; i < off.size(); ++i) {
      n_ok += ok[i];
      n += ok[i] && off[i] > 0;
    }
    out += fmt::format("runs whose centre of pressure leaves the feet: {} of {}\n", n, n_ok);
  }
  // Never hidden, named only when there are any: runs with frames at the solver's iteration limit.
  if (has_column(columns, "unconverged_frames")) {
    const auto u = r.read_table_ints(kSummary, "unconverged_frames");
    std::size_t n = 0, n_ok = 0, at = u.size();
    for (std::size_t i = 0; i < u.size(); ++i) {
      n_ok += ok[i];
      if (!ok[i] || u[i] <= 0) continue;
      ++n;
      if (at == u.size() || u[i] > u[at]) at = i;
    }
    if (n > 0)
      out += fmt::format("runs with frames the static optimization did not solve to tolerance: {} of {} (most: {} "
                         "frames, run {})\n",
                         n, n_ok, u[at], run[at]);
  }
  if (has_column(columns, "coupling_max_Nm")) {
    const auto c = r.read_table_doubles(kSummary, "coupling_max_Nm");
    std::vector<double> v;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (ok[i] && std::isfinite(c[i])) v.push_back(c[i]);
    if (!v.empty())
      out += fmt::format("coupling constraint (no muscle, no compression): each run's largest {:.1f} to {:.1f} N*m, "
                         "median {:.1f}\n",
                         *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()), median(v));
  }
  return out + peaks_table(r, columns, run, ok) + "\n";
}

}  // namespace dembones
