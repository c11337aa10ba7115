// What `dembones info SWEEP.h5` says first (describe_sweep): each count and range read back against
// the sweep's own /summary table, the first failed runs' errors, where the largest reserves act, and
// an interrupted sweep (no /summary) said to be one. The layout below it lists one run group.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "io/hdf5_describe.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "sweep/sweep_expand.hpp"
#include "sweep/sweep_overview.hpp"
#include "sweep/sweep_runner.hpp"
#include "sweep_test_util.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;
using sweep_test::TempDir;
using sweep_test::write_sweep;

// Eight short lifts: stoop and squat, 5 and 25 kg (the 25 kg ones at the trunk extensors' limit), the
// box in reach or 1.4 m away (those four fail).
fs::path run_sweep_file(const TempDir& dir) {
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "vary:\n"
                                 "  task.technique: [stoop, squat]\n"
                                 "  task.box.mass_kg: [5, 25]\n"
                                 "  task.start.forward_m: [0.40, 1.4]\n");
  const SweepSpec spec = load_sweep(s.string());
  SweepRunOptions o;
  o.output = (dir / "out.h5").string();
  o.threads = 2;
  o.progress = false;
  run_sweep(spec, expand_sweep(spec), o);
  return dir / "out.h5";
}

TEST(SweepOverview, SaysWhatTheSummaryTableHolds) {
  TempDir dir;
  const fs::path file = run_sweep_file(dir);
  const Hdf5Reader r(file);
  const std::string text = describe_sweep(r);
  const auto status = r.read_table_strings("/summary", "status");
  const auto error = r.read_table_strings("/summary", "error");
  const auto run = r.read_table_ints("/summary", "run");
  const auto n_ok = static_cast<std::size_t>(std::count(status.begin(), status.end(), "ok"));
  ASSERT_EQ(status.size(), 8u);
  ASSERT_GT(n_ok, 0u);
  ASSERT_LT(n_ok, 8u) << "the boxes 1.4 m away cannot be reached";
  EXPECT_NE(text.find(fmt::format("8 runs of 8 in this file, {} ok, {} failed", n_ok, 8 - n_ok)), std::string::npos)
      << text;
  // The first failed run and its error.
  const auto first_failed = std::find(status.begin(), status.end(), "failed") - status.begin();
  EXPECT_NE(text.find(fmt::format("run {} failed: {}", run[first_failed], error[first_failed])), std::string::npos)
      << text;
  EXPECT_NE(text.find("varied: task.technique stoop, squat; task.box.mass_kg 5 to 25 kg; task.start.forward_m 0.4 to "
                      "1.4 m"),
            std::string::npos)
      << text;
  // Runs needing reserves and where each one's largest reserve acts, counted here from the table.
  const auto frames = r.read_table_ints("/summary", "reserve_frames");
  const auto coordinate = r.read_table_strings("/summary", "reserve_max_coordinate");
  const auto sign = r.read_table_ints("/summary", "reserve_max_sign");
  std::size_t flagged = 0;
  std::map<std::string, int> where;
  for (std::size_t i = 0; i < status.size(); ++i)
    if (status[i] == "ok" && frames[i] > 0) {
      ++flagged;
      ++where[coordinate[i] + (sign[i] > 0 ? " +" : " -")];
    }
  ASSERT_GT(flagged, 0u) << "the 25 kg lifts need reserves";
  EXPECT_NE(text.find(fmt::format("runs needing reserves: {} of {}", flagged, n_ok)), std::string::npos) << text;
  for (const auto& [what, n] : where) EXPECT_NE(text.find(fmt::format(" {}, {}", what, n)), std::string::npos) << what;
  // The peak L5/S1 compression's range over the runs that ran, and the run of the largest.
  const auto bw = r.read_table_doubles("/summary", "L5_S1_compression_peak_bw");
  const auto newton = r.read_table_doubles("/summary", "L5_S1_compression_peak_N");
  double lo = 1e300, hi = -1e300;
  std::size_t at = 0;
  for (std::size_t i = 0; i < status.size(); ++i)
    if (status[i] == "ok") {
      lo = std::min(lo, bw[i]);
      if (bw[i] > hi) hi = bw[i], at = i;
    }
  const auto line = text.find("  L5_S1_compression ");
  ASSERT_NE(line, std::string::npos) << text;
  const std::string row = text.substr(line, text.find('\n', line) - line);
  EXPECT_NE(row.find(fmt::format("{:.2f}", lo)), std::string::npos) << row;
  EXPECT_NE(row.find(fmt::format("{:.2f} {:>9.0f} {:>6}", hi, newton[at], run[at])), std::string::npos) << row;
}

TEST(SweepOverview, ListsOneRunGroupOfASweepWithItsSeries) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", "vary:\n  task.box.mass_kg: [5, 10, 15]\n");
  const SweepSpec spec = load_sweep(s.string());
  SweepRunOptions o;
  o.output = (dir / "full.h5").string();
  o.threads = 2;
  o.progress = false;
  o.series = SeriesLevel::full;
  run_sweep(spec, expand_sweep(spec), o);
  const Hdf5Reader r(dir / "full.h5");
  const std::string text = describe_hdf5(r, {.run_overview = false, .collapse_runs = true});
  EXPECT_NE(text.find("/runs/00000/loads/L5_S1/compression"), std::string::npos) << text.substr(0, 3000);
  EXPECT_EQ(text.find("/runs/00001"), std::string::npos);
  EXPECT_NE(text.find("... and 2 more run groups under /runs, laid out as /runs/00000\n"), std::string::npos);
  EXPECT_NE(text.find("/summary "), std::string::npos);
  // Without collapsing, every run is listed.
  EXPECT_NE(describe_hdf5(r).find("/runs/00002/loads/L5_S1/compression"), std::string::npos);
}

// Runs with frames at the static optimization's iteration limit are named (none in the sweep above: the
// line is absent there); the table rewritten from the run groups with two such runs.
TEST(SweepOverview, NamesRunsWithUnconvergedFrames) {
  TempDir dir;
  const fs::path file = run_sweep_file(dir);
  EXPECT_EQ(describe_sweep(Hdf5Reader(file)).find("did not solve to tolerance"), std::string::npos);
  const fs::path partial = dir / "out.h5.partial";
  fs::rename(file, partial);
  SweepHeader header;
  std::vector<SweepRow> rows;
  {
    const Hdf5Reader r(partial);
    header = read_sweep_header(r);
    for (int i = 0; i < 8; ++i) rows.push_back(read_run_row(r, i));
  }
  {
    Hdf5Writer w(file, {.resume_existing = true, .remove_partial_on_abort = false});
    ASSERT_EQ(rows[0].status, "ok");
    ASSERT_EQ(rows[2].status, "ok");
    rows[0].unconverged_frames = 3;
    rows[2].unconverged_frames = 7;
    w.remove("/summary");
    write_summary_table(w, header.parameters, rows);
  }
  const Hdf5Reader r(partial);
  const auto status = r.read_table_strings("/summary", "status");
  const auto n_ok = std::count(status.begin(), status.end(), "ok");
  const std::string text = describe_sweep(r);
  EXPECT_NE(text.find(fmt::format("runs with frames the static optimization did not solve to tolerance: 2 of {} (most: 7 "
                                  "frames, run 2)",
                                  n_ok)),
            std::string::npos)
      << text;
}

TEST(SweepOverview, AnInterruptedSweepHasNoSummaryYet) {
  TempDir dir;
  const fs::path file = run_sweep_file(dir);
  // The partial file of an interrupted sweep: its runs, not yet its /summary.
  const fs::path partial = dir / "out.h5.partial";
  fs::rename(file, partial);
  {
    Hdf5Writer w(file, {.resume_existing = true, .remove_partial_on_abort = false});
    w.remove("/summary");
  }
  const Hdf5Reader r(partial);
  EXPECT_EQ(describe_sweep(r), "sweep 's' (grid): 8 run groups under /runs of 8 runs, no /summary yet (an interrupted "
                               "sweep: `dembones sweep --resume` completes it)\n\n");
}

}  // namespace
}  // namespace dembones
