#include "io/hdf5_merge.hpp"

#include <map>

#include "common/error.hpp"
#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

constexpr const char* kRuns = "/runs";
constexpr const char* kSummary = "/summary";

bool same_columns(const std::vector<TableColumn>& a, const std::vector<TableColumn>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type) return false;
  }
  return true;
}

}  // namespace

MergeReport merge_sweep_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output,
                               MergeMode mode, const Hdf5WriterOptions& options) {
  if (shards.empty()) throw InputError(Location{output.string(), 0, 0, ""}, "no shard files to merge");
  MergeReport report;
  Hdf5Writer writer(output, options);
  writer.create_group(kRuns);
  std::map<std::string, std::string> run_owner;  // run name -> shard that provided it
  std::vector<TableColumn> summary_columns;
  std::vector<std::string> shard_names;
  const std::filesystem::path out_folder = std::filesystem::absolute(output).parent_path();

  for (std::size_t s = 0; s < shards.size(); ++s) {
    const Hdf5Reader shard(shards[s]);
    shard_names.push_back(shards[s].filename().string());
    if (s == 0) writer.copy_attributes_from(shard, "/", "/");

    const CompletionScan scan = scan_completion(shard, kRuns);
    for (const auto& name : scan.incomplete) report.skipped_incomplete.push_back(shards[s].string() + ":/runs/" + name);
    for (const auto& name : scan.complete) {
      const std::string run = std::string(kRuns) + "/" + name;
      if (const auto [it, inserted] = run_owner.emplace(name, shards[s].string()); !inserted) {
        throw IoError(Location{shards[s].string(), 0, 0, ""},
                      "run '" + run + "' is also in '" + it->second + "': shards must hold disjoint runs");
      }
      if (mode == MergeMode::Copy) {
        writer.copy_from(shard, run, run, /*expand_external_links=*/true);
      } else {
        const auto target = std::filesystem::relative(std::filesystem::absolute(shards[s]), out_folder);
        writer.link_external(run, target, run);
      }
      ++report.runs_merged;
    }

    if (shard.is_dataset(kSummary)) {
      const auto columns = shard.table_columns(kSummary);
      if (summary_columns.empty()) {
        summary_columns = columns;
        const std::string description =
            shard.has_attribute(kSummary, "description") ? shard.read_string_attribute(kSummary, "description") : "";
        writer.create_table(kSummary, summary_columns, description, "run");
      } else if (!same_columns(columns, summary_columns)) {
        throw IoError(Location{shards[s].string(), 0, 0, ""},
                      "its /summary table has other columns than the first shard's (" + shards[0].string() + ")");
      }
      for (const auto& row : shard.read_table_rows(kSummary)) {
        writer.append_table_row(kSummary, row);
        ++report.summary_rows;
      }
    }
  }
  writer.set_string_array_attribute("/", "merged_from", shard_names);
  writer.commit();
  return report;
}

}  // namespace dembones
