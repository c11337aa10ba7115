#include "sweep/sweep_merge.hpp"

#include "scenario/run_writer.hpp"

#include <fmt/format.h>

#include <map>

#include "common/error.hpp"
#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "sweep/sweep_summary.hpp"

namespace dembones {

namespace {

// How a shard stored its runs (root attributes written since 2026-11-27; empty when absent).
struct ShardStorage {
  std::string series;   // sweep_series: none, summary or full
  std::string float32;  // sweep_float32: "0" or "1"
};

ShardStorage storage_of(const Hdf5Reader& r) {
  ShardStorage s;
  if (r.has_attribute("/", "sweep_series")) s.series = r.read_string_attribute("/", "sweep_series");
  if (r.has_attribute("/", "sweep_float32")) s.float32 = std::to_string(r.read_int_attribute("/", "sweep_float32"));
  return s;
}

// One file, one storage: the root's sweep_series and sweep_float32 (copied from the first shard) must
// describe every run. An audit merged float32 runs into a file whose root said float64, and runs
// with only a summary into one that said `full` (export then found no time series in them).
void check_same_storage(const ShardStorage& first, const std::filesystem::path& first_file, const ShardStorage& s,
                        const std::filesystem::path& file) {
  auto refuse = [&](const char* what, const std::string& a, const std::string& b, const char* option) {
    throw InputError(Location{file.string(), 0, 0, ""},
                     fmt::format("its runs were stored with {} {}, those of '{}' with {}: merge shards run with the "
                                 "same {} (one file, one storage)",
                                 what, b, first_file.string(), a, option));
  };
  if (!first.series.empty() && !s.series.empty() && first.series != s.series)
    refuse("series", first.series, s.series, "--series");
  if (!first.float32.empty() && !s.float32.empty() && first.float32 != s.float32)
    refuse("float32", first.float32 == "1" ? "on" : "off", s.float32 == "1" ? "on" : "off", "--float32");
}

// "<file>: <created_utc> on <host> in <working_directory>: <command_line>" of a shard, from its root
// (what is there), and its resumes: its command line's relative paths start in that folder.
std::string shard_session(const Hdf5Reader& r, const std::filesystem::path& file) {
  const auto text = [&](const char* name) { return r.has_attribute("/", name) ? r.read_string_attribute("/", name) : "?"; };
  std::string out = fmt::format("{}: {} on {} in {}: {}", file.filename().string(), text("created_utc"), text("host"),
                                text("working_directory"), text("command_line"));
  if (r.has_attribute("/", "resumed"))
    for (const std::string& s : r.read_string_array_attribute("/", "resumed")) out += "; resumed " + s;
  return out;
}

}  // namespace

SweepMergeReport merge_sweep(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output,
                             MergeMode mode, const Hdf5WriterOptions& options, bool reuse_first_shard,
                             const std::string& command_line) {
  namespace fs = std::filesystem;
  if (shards.empty()) throw InputError(Location{output.string(), 0, 0, ""}, "no shard files to merge");
  SweepMergeReport report;
  SweepHeader first;
  std::vector<SweepRow> rows;
  std::map<int, std::string> owner;  // run -> shard that provided it
  std::vector<std::string> names;
  std::vector<std::string> sessions;  // each shard's: where, when and how it was run
  const bool reuse = reuse_first_shard && mode == MergeMode::Copy;
  std::vector<std::string> stale;  // reused shard: its incomplete runs, removed from the output
  // Every shard's storage checked before anything is written, against the first shard that states
  // it (a shard written before 2026-11-27 has no storage attributes).
  {
    ShardStorage known;
    std::filesystem::path series_from, float32_from;
    // Every shard from one build, compared with the first that names its build (the merged root, copied
    // from the first shard, names it).
    std::string build;
    std::filesystem::path build_from;
    for (const std::filesystem::path& file : shards) {
      const Hdf5Reader r(file);
      const std::string b = read_sweep_header(r).build;
      if (!b.empty() && build.empty()) build = b, build_from = file;
      if (!b.empty() && b != build)
        throw InputError(Location{file.string(), 0, 0, ""},
                         fmt::format("was written by {}, '{}' by {}: merge shards of one build (rerun this shard "
                                     "with the other's build, or all of them with one)",
                                     b, build_from.string(), build));
      const ShardStorage st = storage_of(r);
      check_same_storage({known.series, ""}, series_from, {st.series, ""}, file);
      check_same_storage({"", known.float32}, float32_from, {"", st.float32}, file);
      if (known.series.empty() && !st.series.empty()) known.series = st.series, series_from = file;
      if (known.float32.empty() && !st.float32.empty()) known.float32 = st.float32, float32_from = file;
    }
  }
  if (reuse) {
    // The first shard's file becomes the output (its runs are not copied one by one): read its records.
    {
      const Hdf5Reader shard(shards[0]);
      first = read_sweep_header(shard);
      names.push_back(shards[0].filename().string());
      sessions.push_back(shard_session(shard, shards[0]));
      const CompletionScan scan = scan_completion(shard, "/runs");
      for (const std::string& name : scan.incomplete) {
        report.skipped_incomplete.push_back(shards[0].string() + ":/runs/" + name);
        stale.push_back("/runs/" + name);
      }
      for (const std::string& name : scan.complete) {
        const int index = std::stoi(name);
        owner.emplace(index, shards[0].string());
        rows.push_back(read_run_row(shard, index));
        ++report.runs_merged;
      }
    }
    // A byte copy (milliseconds) rather than a rename: the shard stays intact until the merge is
    // committed, so a merge interrupted by a kill is redone by --resume without redoing any run.
    fs::copy_file(shards[0], output.string() + ".partial", fs::copy_options::overwrite_existing);
  }
  Hdf5WriterOptions wo = options;
  wo.resume_existing = reuse;
  Hdf5Writer w(output, wo);
  for (const std::string& g : stale) w.remove(g);
  if (reuse && w.exists("/summary")) w.remove("/summary");  // rebuilt below with every shard's rows
  w.create_group("/runs");
  const fs::path out_folder = fs::absolute(output).parent_path();
  for (std::size_t s = reuse ? 1 : 0; s < shards.size(); ++s) {
    const Hdf5Reader shard(shards[s]);
    const SweepHeader h = read_sweep_header(shard);
    names.push_back(shards[s].filename().string());
    sessions.push_back(shard_session(shard, shards[s]));
    if (s == 0) {
      first = h;
      w.copy_attributes_from(shard, "/", "/");
    } else if (h.fingerprint != first.fingerprint) {
      throw IoError(Location{shards[s].string(), 0, 0, ""},
                    fmt::format("a shard of another sweep than {} (sweep_fingerprint differs)", shards[0].string()));
    }
    const CompletionScan scan = scan_completion(shard, "/runs");
    for (const std::string& name : scan.incomplete) report.skipped_incomplete.push_back(shards[s].string() + ":/runs/" + name);
    for (const std::string& name : scan.complete) {
      const int index = std::stoi(name);
      const std::string run = run_group(index);
      if (const auto [it, inserted] = owner.emplace(index, shards[s].string()); !inserted)
        throw IoError(Location{shards[s].string(), 0, 0, ""},
                      fmt::format("run '{}' is also in '{}': shards must hold disjoint runs", run, it->second));
      if (mode == MergeMode::Copy)
        w.copy_from(shard, run, run, /*expand_external_links=*/true);
      else
        w.link_external(run, fs::relative(fs::absolute(shards[s]), out_folder), run);
      rows.push_back(read_run_row(shard, index));
      ++report.runs_merged;
    }
  }
  report.runs_expected = first.runs;
  for (int i = 0; i < first.runs; ++i)
    if (!owner.count(i)) report.missing.push_back(i);
  write_summary_table(w, first.parameters, std::move(rows));
  w.set_string_attribute("/", "shard", "merged");
  w.set_string_array_attribute("/", "merged_from", names);
  w.set_string_array_attribute("/", "merged_shards", sessions);
  if (!command_line.empty()) w.set_string_attribute("/", "merged_by", describe_session(command_line));
  w.set_string_attribute("/", "merge_mode", mode == MergeMode::Copy ? "copy" : "external_link");
  w.set_int_attribute("/", "runs_missing", static_cast<std::int64_t>(report.missing.size()));
  w.commit();
  return report;
}

}  // namespace dembones
