#pragma once
// Merging sweep shards (one file per MPI rank or Slurm array task, each with /runs/NNNNN groups and
// a /summary table) into one sweep file, for `dembones merge`.
//
// Only runs carrying the completion marker (completion_marker.hpp) are taken; the others are
// listed in the report. Summary rows are concatenated in shard order (the tables must have the same
// columns). The root attributes of the first shard are copied, plus `merged_from` (the shard names).
// The output is written atomically (Hdf5Writer: NAME.partial, then rename).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_writer.hpp"

namespace dembones {

enum class MergeMode {
  Copy,          // self-contained output: every run's data copied (H5Ocopy)
  ExternalLink,  // small output: /runs/NNNNN links into the shards, which must stay next to it
};

struct MergeReport {
  std::size_t runs_merged = 0;
  std::size_t summary_rows = 0;
  std::vector<std::string> skipped_incomplete;  // "shard.h5:/runs/00042"
};

// IoError when a shard is unreadable, two shards hold the same run, or summary columns differ.
// With ExternalLink the links hold each shard's path relative to the output's folder.
MergeReport merge_sweep_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output,
                               MergeMode mode, const Hdf5WriterOptions& options = {});

}  // namespace dembones
