// What `dembones sweep` prints: its progress and summary lines, nothing from the HDF5 library. Debian's
// libhdf5 is built thread-safe, so HDF5's automatic error printing is switched per thread: switched
// off once for the process, the threads that wrote a full-series sweep's run groups printed two
// HDF5-DIAG traces per run (the expected "no such group yet" of path_exists) on stderr.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli_test_util.hpp"
#include "common/temp_dir.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using test_support::TempDir;

TEST(SweepCliOutput, FullSeriesOnTwoThreadsPrintsNoHdf5ErrorTraces) {
  TempDir dir;
  const auto sweep = dir / "masses.yaml";
  const auto out = dir / "masses.h5";
  cli_test::write_box_mass_sweep(sweep, "[0, 5, 10, 15]", "full");
  const auto r = cli_test::sweep_short(sweep, out, {"--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("HDF5-DIAG"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Error detected in HDF5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("4 runs done (0 failed)"), std::string::npos) << r.output;
  const Hdf5Reader h5(out);
  for (const char* run : {"/runs/00000", "/runs/00001", "/runs/00002", "/runs/00003"})
    EXPECT_TRUE(h5.is_dataset(std::string(run) + "/muscles/activation")) << run;
}

// Ctrl-C (SIGINT) or a batch system's SIGTERM stops a sweep as before, but it says where its finished
// runs are and how to continue (audit: it printed nothing); --resume then finishes the file.
TEST(SweepCliOutput, AnInterruptedSweepSaysHowToResume) {
  TempDir dir;
  const auto out = dir / "lifts.h5";
  const std::string sweep = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios/sweeps/lifts_1000.yaml").string();
  const auto r = io_test::run_command("timeout -s INT 1 " + cli_test::quoted(cli_test::dembones_binary()) + " sweep " +
                                      cli_test::quoted(sweep) + " -o " + cli_test::quoted(out.string()) +
                                      " --threads 2 --set solver.rate_hz=50");
  EXPECT_NE(r.exit_code, 0) << r.output;  // 1,000 lifts take longer than a second
  EXPECT_NE(r.output.find("dembones sweep: interrupted; the runs finished so far are kept in " + out.string() +
                          ".partial: run the same command with --resume to continue"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(std::filesystem::exists(out.string() + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(out));
  const auto resumed = dembones({"sweep", sweep, "-o", out.string(), "--threads", "2", "--set", "solver.rate_hz=50",
                                 "--resume", "-q"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(Hdf5Reader(out).table_rows("/summary"), 1000u);
}

// Said up front (audit: a resume printed nothing until its last line, and a finished file was
// replaced without a word): what a resume found, and that an existing file will be replaced.
TEST(SweepCliOutput, SaysWhatAResumeFoundAndWhatWillBeReplaced) {
  TempDir dir;
  cli_test::write_box_mass_sweep(dir / "s.yaml", "[5, 10]");
  const auto out = dir / "s.h5";
  ASSERT_EQ(cli_test::sweep_short(dir / "s.yaml", out, {}).exit_code, 0);
  const auto again = cli_test::sweep_short(dir / "s.yaml", out, {});
  EXPECT_NE(again.output.find("s.h5 exists and will be replaced when the sweep finishes"), std::string::npos)
      << again.output;
  const auto resumed = cli_test::sweep_short(dir / "s.yaml", out, {"--resume"});
  EXPECT_NE(resumed.output.find("s.h5.partial: 2 of 2 runs done, 0 to run"), std::string::npos) << resumed.output;
}

// The rank shards of an interrupted MPI sweep (or --shard I/N partials) are named when a resume of
// another split cannot read them (cluster audit: the sweep started over without a word).
TEST(SweepCliOutput, AResumeNamesTheShardsOfAnotherSplit) {
  TempDir dir;
  cli_test::write_box_mass_sweep(dir / "s.yaml", "[5, 10]");
  for (const char* name : {"s.shard-1-of-2.h5.partial", "s.shard-2-of-2.h5.partial", "t.shard-1-of-2.h5.partial"})
    io_test::write_text_file(dir / name, "");
  const auto resumed = cli_test::sweep_short(dir / "s.yaml", dir / "s.h5", {"--resume"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("note: s.shard-1-of-2.h5.partial, s.shard-2-of-2.h5.partial: the interrupted "
                                "shards of a sweep split 2 ways"),
            std::string::npos)
      << resumed.output;
  EXPECT_EQ(resumed.output.find("t.shard-1-of-2"), std::string::npos) << "another output's shards";
  // A shard of that split resuming: its own split, no note.
  const auto shard = cli_test::sweep_short(dir / "s.yaml", dir / "s.h5", {"--resume", "--shard", "1/3"});
  EXPECT_EQ(shard.output.find("split 3 ways"), std::string::npos) << shard.output;
}

}  // namespace
}  // namespace dembones
