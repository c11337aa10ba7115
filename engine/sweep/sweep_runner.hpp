#pragma once
// Running a sweep: the runs of a plan (or of one shard of it) in parallel with OpenMP, one Pipeline
// per run built on its own model (variants differ in subject size and impairments), results written
// by one thread at a time (libhdf5 is not thread-safe) into /runs/NNNNN, marked complete in batches
// (SweepRunOptions::commit_interval_s), and /summary built in run order at the end. The output is written under NAME.partial and renamed when
// complete; --resume reopens NAME.partial, keeps the complete runs and redoes the others.
//
// Every run is computed from its own scenario by a fresh Pipeline (warm start reset), so the results
// do not depend on which thread, rank or session ran it: 1 thread, N threads, N MPI ranks, shards
// merged and resumed sweeps give the same datasets to the last bit.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5_merge.hpp"
#include "sweep/sweep_expand.hpp"
#include "sweep/sweep_spec.hpp"

namespace dembones {

class MpiSession;

struct SweepRunOptions {
  std::string output;              // final file; empty = the sweep's output.file
  int threads = 0;                 // OpenMP threads; 0 = all cores (divided among the node's MPI ranks)
  bool resume = false;             // continue NAME.partial (or a finished shard) instead of refusing it
  int shard_index = 1;             // this shard, 1-based ...
  int shard_count = 1;             // ... of this many (1 = the whole sweep); runs i with i % N == I - 1
  std::optional<SeriesLevel> series;  // overrides the sweep file's output.series
  std::optional<int> compression;
  std::optional<bool> float32;
  std::string command_line;        // stored as provenance
  bool progress = true;            // progress bar (terminal) or a log line every few seconds (stderr)
  double log_interval_s = 5.0;
  // Runs are marked complete in batches (completion_marker.hpp) at most this often, and whenever a
  // progress line is printed (so a line never counts runs a SIGKILL would lose): --resume after a
  // kill redoes the runs of the last interval at most. 0 = every run (two flushes per run).
  double commit_interval_s = 1.0;
  // Under mpirun, runs without time series are sent to rank 0, which writes the final file as it
  // goes (no shards); with series full, or mpi_merge = ExternalLink, each rank writes a shard and
  // rank 0 joins them at the end.
  MergeMode mpi_merge = MergeMode::Copy;  // how rank 0 joins the ranks' shards
  bool keep_shards = false;        // keep the ranks' shard files after a copy merge
  const MpiSession* mpi = nullptr; // set under mpirun: runs shared out across ranks
};

struct SweepRunStats {
  int runs_total = 0;      // in the sweep (all shards)
  int runs_selected = 0;   // in this shard (= runs_total without --shard)
  int runs_resumed = 0;    // found complete in the partial file
  int runs_done = 0;       // run in this session (by this rank)
  int runs_failed = 0;     // of runs_done
  long long frames = 0;    // frames solved in this session (by this rank)
  int threads = 1;
  double wall_s = 0;       // whole session
  double validate_s = 0;   // expanding and checking the scenarios
  double prepare_s = 0;    // Σ over runs of prepare_run (model, IK, motion), CPU seconds of the threads
  double execute_s = 0;    // Σ over runs of the per-frame pipeline, CPU seconds of the threads
  double write_s = 0;      // Σ of writing runs and marking them complete, CPU seconds of the writing thread
                           // (inside the writer's critical section)
  double merge_s = 0;      // MPI: rank 0's merge (streamed: from its last run to the committed file)
  bool streamed = false;   // MPI: the ranks sent their runs to rank 0 (no shards to merge)
  std::filesystem::path written;  // the file committed (shard, or the final file)
};

// Shard file name: "out/lifts.h5", 2, 3 -> "out/lifts.shard-2-of-3.h5".
std::filesystem::path shard_path(const std::filesystem::path& output, int index, int count);

// Parses "I/N" (1 <= I <= N); InputError naming --shard otherwise.
std::pair<int, int> parse_shard(const std::string& text);

// Runs the sweep (or shard, or this rank's share). Failing runs are recorded and the sweep goes on;
// user errors in the sweep as a whole (a partial file of another sweep, a missing folder) throw.
SweepRunStats run_sweep(const SweepSpec& spec, const SweepPlan& plan, const SweepRunOptions& options);

}  // namespace dembones
