// A sweep's journal (sweep_journal.hpp) is read back only by the sweep that wrote it; another sweep's
// journal is told apart from a missing one, so that a resume that cannot use it says why it starts over.
#include "sweep/sweep_journal.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "sweep_test_util.hpp"

namespace dembones {
namespace {

using sweep_test::TempDir;

TEST(SweepJournal, RecordsAreReadBackOnlyByTheirOwnSweep) {
  TempDir dir;
  const auto path = dir / "s.h5.journal";
  SweepRow row;
  row.index = 3;
  row.status = "ok";
  row.values = {"stoop"};
  {
    SweepJournal journal(path, "fingerprint-a", {});
    journal.append(row, 735.75);
    journal.sync();
  }
  const auto records = read_sweep_journal(path, "fingerprint-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].row.index, 3);
  EXPECT_EQ(records[0].body_weight_N, 735.75);
  EXPECT_TRUE(read_sweep_journal(path, "fingerprint-b").empty());
  EXPECT_FALSE(sweep_journal_is_another_sweeps(path, "fingerprint-a"));
  EXPECT_TRUE(sweep_journal_is_another_sweeps(path, "fingerprint-b"));
  EXPECT_FALSE(sweep_journal_is_another_sweeps(dir / "none.journal", "fingerprint-a"));
  std::ofstream(dir / "other.txt") << "not a journal\n";
  EXPECT_FALSE(sweep_journal_is_another_sweeps(dir / "other.txt", "fingerprint-a"));
}

}  // namespace
}  // namespace dembones
