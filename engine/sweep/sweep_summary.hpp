#pragma once
// The per-run record of a sweep file and its /summary table (docs/sweeps.md).
//
// Every run's outcome is stored as attributes of its group /runs/NNNNN (parameter values, status,
// error, frame counts, peaks), written before the completion marker. /summary is built from these
// records, sorted by run number, when a sweep, shard or merge is committed. So the table is the same
// whatever order the runs finished in (threads, MPI ranks, shards, resumed sessions), and a merge
// of shards rebuilds it from the runs it actually holds.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/run_record.hpp"
#include "sweep/sweep_expand.hpp"

namespace dembones {

class Hdf5Writer;
class Hdf5Reader;

struct SweepRow {
  int index = 0;
  std::vector<std::string> values;  // per parameter, YAML text as applied
  std::string status;               // "ok" or "failed"
  std::string error;                // the failure's message; empty when ok
  std::int64_t frames = 0;          // frames solved (0 when the run failed before solving)
  std::int64_t reserve_frames = 0;  // frames the muscles could not balance without reserves
  // Frames whose ground reaction's centre of pressure leaves the feet (/loads/ground/outside_support);
  // -1 for a run read back from a file written before the engine recorded it.
  std::int64_t cop_outside_frames = 0;
  // Largest moment a coupling constraint (the lumbar rhythm) carried at any level and frame, N·m
  // (/joints/coupling_moment); NaN for a failed run or one read back from a file written before.
  double coupling_max_Nm = std::numeric_limits<double>::quiet_NaN();
  // Largest reserve actuator torque of any frame and coordinate, N·m (/reserves/torque): how far the
  // muscles fell short, beside how often (reserve_frames); NaN for a failed run or one read back from a
  // file written before.
  double reserve_max_Nm = std::numeric_limits<double>::quiet_NaN();
  // Where that largest reserve acts: the model coordinate's name and the torque's sign on it (+1, -1;
  // "" and 0 when no reserve acted, for a failed run, or for one read back from a file written before).
  std::string reserve_max_coordinate;
  int reserve_max_sign = 0;
  // The subject's body weight, N (each run's own: a sweep over subjects has one per run); NaN for a
  // failed run or one read back from a file written before it was recorded.
  double body_weight_N = std::numeric_limits<double>::quiet_NaN();
  // Frames with a joint at an end of the model's range (RunRecord::range_end_frames); -1 for a run read
  // back from a file written before it was recorded.
  std::int64_t range_end_frames = 0;
  // Frames the static optimization stopped at its iteration limit (RunRecord::unconverged_frames); -1
  // for a run read back from a file written before it was recorded.
  std::int64_t unconverged_frames = 0;
  std::vector<Peak> peaks;          // summarize(); empty when failed
};

// What a sweep file's root says about its runs (read back for resume and merge).
struct SweepHeader {
  std::vector<SweepParameter> parameters;
  std::string fingerprint;
  std::int64_t runs = 0;  // runs in the whole sweep (all shards)
  std::string build;      // read only: the writer's format_build(dembones_version, git_commit, build_type, ...)
};

// "dembones <version> (commit <commit>, <build type>, <compiler>; <libraries>)": what
// SweepHeader::build compares.
std::string format_build(const std::string& version, const std::string& commit, const std::string& build_type,
                         const std::string& compiler, const std::string& libraries);

// This binary's build in SweepHeader::build's form.
std::string this_build();

// Run group name, "/runs/00042".
std::string run_group(int index);

// Root attributes describing the sweep: format "dembones-sweep" fields beyond write_provenance.
void write_sweep_header(Hdf5Writer& w, const SweepHeader& h);
// IoError naming the file when it is not a dembones sweep file (or shard).
SweepHeader read_sweep_header(const Hdf5Reader& r);

// The row's attributes on its run group (creates the group; IoError when it exists).
// A row's peaks as written to its run group: the quantity names, and values, values in body weights
// and times one after the other (3 x peaks).
struct RunRowPeaks {
  std::vector<std::string> quantities;
  std::vector<double> values;
};
RunRowPeaks run_row_peaks(const SweepRow& row);

void write_run_row(Hdf5Writer& w, const SweepRow& row);
SweepRow read_run_row(const Hdf5Reader& r, int index);

// The peaks of one run as the scalar attributes of `group`/summary (QUANTITY_peak_N, _peak_bw,
// _peak_time_s and body_weight_N, as on a `dembones run` file's /summary group).
void write_run_peaks(Hdf5Writer& w, const std::string& group, double body_weight_N, const std::vector<Peak>& peaks);

// A finished run's record as bytes (MPI: the ranks send their runs to rank 0, which writes them):
// the row and its body weight, every double by its bits, so the run written from the message
// equals the run written where it was computed. unpack_run_row throws InternalError on a message
// that is not a packed row (truncated, trailing bytes).
std::string pack_run_row(const SweepRow& row, double body_weight_N);
SweepRow unpack_run_row(std::string_view bytes, double& body_weight_N);

// /summary: one row per run, sorted by run number. Columns: run, each parameter (float64 or
// string), status, error, frames, reserve_frames, cop_outside_frames, coupling_max_Nm,
// reserve_max_Nm, reserve_max_coordinate, reserve_max_sign, body_weight_N, range_end_frames, unconverged_frames, then for every peak quantity found in any run
// (in order of first appearance by run number) QUANTITY_peak_N, QUANTITY_peak_bw,
// QUANTITY_peak_time_s (NaN where a run has no such peak).
void write_summary_table(Hdf5Writer& w, const std::vector<SweepParameter>& parameters, std::vector<SweepRow> rows);

}  // namespace dembones
