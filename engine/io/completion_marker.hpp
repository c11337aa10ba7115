#pragma once
// Completion markers: how a sweep that was killed (SIGKILL, node failure, wall-time limit) finds the
// runs it already finished in its partial output file and redoes only the others.
//
// Protocol (writer side, per run group "/runs/NNNNN"):
//   1. write every dataset of the run;
//   2. mark_complete(writer, "/runs/NNNNN"): H5Fflush (the run's data reaches the file), then the
//      int64 attribute `complete` = 1 and a second H5Fflush, so the marker never reaches the file
//      before the data it vouches for.
// Resume (before reopening the partial file with Hdf5WriterOptions::resume_existing):
//   scan_completion(Hdf5Reader(partial), "/runs") -> complete and incomplete run names; then
//   writer.remove() each incomplete group and rerun it.
// A SIGKILL leaves what write() already handed to the kernel, so the flushed state survives; a power
// loss may not (HDF5 has no journal) — then the reader throws IoError and the sweep starts over.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dembones {

class Hdf5Writer;
class Hdf5Reader;

inline constexpr const char* kCompleteAttribute = "complete";

// Sets `complete` = 1 on the group and flushes the file.
void mark_complete(Hdf5Writer& writer, std::string_view group);
// The same for several groups written since the last flush, with two flushes in all: a sweep marks
// its runs in batches (docs/sweeps.md: at most every second), so a SIGKILL loses the runs of the last
// batch at most, and the two flushes per run (half the cost of storing a summary-mode run) are paid
// once per batch.
void mark_complete(Hdf5Writer& writer, std::span<const std::string> groups);

// True when the group exists and carries `complete` = 1.
bool is_complete(const Hdf5Reader& reader, std::string_view group);

struct CompletionScan {
  std::vector<std::string> complete;    // child group names (e.g. "00017"), in name order
  std::vector<std::string> incomplete;  // child groups without the marker: to remove and redo
};

// Classifies the child groups of `parent` (e.g. "/runs"); an absent parent gives an empty scan.
CompletionScan scan_completion(const Hdf5Reader& reader, std::string_view parent);

}  // namespace dembones
