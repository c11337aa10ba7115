#pragma once
// The journal of a summary-series sweep: an append-only file next to its partial HDF5 file
// (OUT.h5.journal) holding each finished run's record (its /summary row and body weight, as an MPI
// rank sends it to rank 0), written and fsync'ed when the runs are marked complete. HDF5 1.10 has no
// journal of its own: a process killed while the library writes metadata can leave a partial file
// that cannot be read, and the sweep had to start over (an audit lost every finished run in 13 of 25
// kills timed on HDF5's writes). A record is the whole of a summary-series run, so --resume rebuilds
// the runs from the journal instead of redoing them. Removed when the sweep's file is complete.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "sweep/sweep_summary.hpp"

namespace dembones {

struct JournalRecord {
  SweepRow row;
  double body_weight_N = 0.0;
};

// The records of the journal at `path` written by the sweep with `fingerprint`: none when the file
// is absent or belongs to another sweep; a record cut short by a kill ends the list.
std::vector<JournalRecord> read_sweep_journal(const std::filesystem::path& path, const std::string& fingerprint);
// Whether the journal at `path` exists and was written by another sweep (another fingerprint).
bool sweep_journal_is_another_sweeps(const std::filesystem::path& path, const std::string& fingerprint);

class SweepJournal {
 public:
  // Starts the journal afresh (written under a temporary name, fsync'ed and renamed) with the
  // records of the runs the sweep's file already holds.
  SweepJournal(std::filesystem::path path, const std::string& fingerprint, const std::vector<JournalRecord>& records);
  ~SweepJournal();
  SweepJournal(const SweepJournal&) = delete;
  SweepJournal& operator=(const SweepJournal&) = delete;

  // Appends a record (buffered until sync).
  void append(const SweepRow& row, double body_weight_N);
  // Writes the appended records to the disk (fflush + fsync): called after the runs' marks.
  void sync();
  // Deletes the journal (the sweep's file is complete).
  void remove();

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

}  // namespace dembones
