#pragma once
// Joining sweep shards (Slurm array tasks, MPI ranks) into one sweep file, for `dembones merge` and
// rank 0 under mpirun. Like merge_sweep_shards (io/hdf5_merge.hpp) — complete runs copied
// (H5Ocopy) or linked (HDF5 external links), the first shard's root attributes — but sweep-aware:
// the shards must come from the same sweep (same fingerprint), /summary is rebuilt from the runs'
// records sorted by run number (shards hold interleaved or dynamically assigned runs, so their
// tables cannot simply be concatenated), and runs missing from every shard are reported.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_merge.hpp"

namespace dembones {

struct SweepMergeReport {
  std::size_t runs_merged = 0;
  std::int64_t runs_expected = 0;               // runs in the whole sweep
  std::vector<int> missing;                     // in no shard (or only incomplete)
  std::vector<std::string> skipped_incomplete;  // "shard.h5:/runs/00042"
};

// IoError when a shard is unreadable or not a sweep file, when shards come from different sweeps,
// or when two shards hold the same run. The output is written atomically (NAME.partial, rename).
// With ExternalLink the links hold each shard's path relative to the output's folder.
// reuse_first_shard (Copy only; rank 0 under mpirun): a byte copy of the first shard file becomes
// the output (NAME.partial, its /summary rebuilt) and only the other shards' runs are copied with
// H5Ocopy; the merged file holds the same objects and attributes as a copy into a new file.
// The root keeps the first shard's provenance; `merged_shards` has each shard's session (its
// created_utc, host and command line) and `merged_by` the merge's (describe_session(command_line)),
// when a command line is given.
SweepMergeReport merge_sweep(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output,
                             MergeMode mode, const Hdf5WriterOptions& options = {},
                             bool reuse_first_shard = false, const std::string& command_line = "");

}  // namespace dembones
