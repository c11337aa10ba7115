// What `dembones merge OUT.h5 SHARD.h5 ...` does to files that are not a merge's, and what `dembones
// export` says of runs it cannot export (a moved linked merge, a failed run, an unfinished file). Found by a new-user
// audit: `dembones merge lifts.shard-*.h5` (the shell made shard 1 the output) wrote the other shards'
// runs over shard 1, whose own runs were lost; a run's result file and a name ending in .csv were
// written over the same way; and shards run with another --series or --float32 were merged into one
// file whose root described only the first shard's runs.
#include <hdf5.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;
using cli_test::dembones;
using io_test::read_text_file;
using io_test::TempDir;

struct Shards {
  fs::path sweep;
  fs::path dir;
  std::vector<std::string> files;  // shard 1, 2, 3 of lifts.h5
};

// A 3-run sweep over the box mass, one shard per run (the short-run overrides).
void make_shards(const TempDir& dir, Shards& s) {
  s.dir = dir.path();
  s.sweep = dir / "masses.yaml";
  cli_test::write_box_mass_sweep(s.sweep, "[5, 10, 20]");
  for (int i = 1; i <= 3; ++i) {
    const auto r = cli_test::sweep_short(s.sweep, dir / "lifts.h5", {"--shard", std::to_string(i) + "/3", "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    s.files.push_back((dir / ("lifts.shard-" + std::to_string(i) + "-of-3.h5")).string());
  }
}

TEST(MergeCli, AShardExpandedIntoTheOutputIsRefusedAndLeftIntact) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  const std::string before = read_text_file(s.files[0]);
  const auto r = dembones({"merge", s.files[0], s.files[1], s.files[2]});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("exists and is shard 1/3 of a sweep"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("dembones merge lifts.h5 lifts.shard-*-of-3.h5"), std::string::npos) << r.output;
  EXPECT_EQ(read_text_file(s.files[0]), before);
  EXPECT_FALSE(fs::exists(s.files[0] + ".partial"));
}

TEST(MergeCli, OnlyAMergedFileIsReplaced) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  // A run's result under the output's name stays as it is.
  ASSERT_TRUE(cli_test::run_short("stoop_lift", dir / "run.h5"));
  const std::string run_bytes = read_text_file(dir / "run.h5");
  auto r = dembones({"merge", (dir / "run.h5").string(), s.files[0], s.files[1], s.files[2]});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("exists and is not a merged sweep file"), std::string::npos) << r.output;
  EXPECT_EQ(read_text_file(dir / "run.h5"), run_bytes);
  // An output named like a table is refused before anything is written.
  r = dembones({"merge", (dir / "merged.csv").string(), s.files[0], s.files[1], s.files[2]});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("expected a file name ending in .h5"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "merged.csv"));
  // A merge done again replaces the merged file.
  for (int pass = 0; pass < 2; ++pass) {
    r = dembones({"merge", (dir / "merged.h5").string(), s.files[0], s.files[1], s.files[2]});
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(Hdf5Reader(dir / "merged.h5").table_rows("/summary"), 3u);
}

TEST(MergeCli, ShardsStoredOtherwiseAreRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  for (const std::vector<std::string>& option : {std::vector<std::string>{"--float32"},
                                                 std::vector<std::string>{"--series", "full"}}) {
    SCOPED_TRACE(option.front());
    const fs::path other = dir / ("other" + option.front().substr(2) + ".h5");
    std::vector<std::string> args{"--shard", "3/3", "-q"};
    args.insert(args.end(), option.begin(), option.end());
    const auto made = cli_test::sweep_short(s.sweep, other, args);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    const std::string third = (dir / ("other" + option.front().substr(2) + ".shard-3-of-3.h5")).string();
    const auto r = dembones({"merge", (dir / "mixed.h5").string(), s.files[0], s.files[1], third});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(third + ": its runs were stored with"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("merge shards run with the same " + option.front()), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "mixed.h5"));
    EXPECT_FALSE(fs::exists(dir / "mixed.h5.partial"));
  }
}

// An interrupted shard's .partial file was merged as if finished, and shards of two splits (a glob over
// an earlier --shard I/2 and this --shard I/3) were refused only as "run '/runs/00001' is also in ..."
// (cluster audit).
TEST(MergeCli, PartialShardsAndShardsOfTwoSplitsAreNamed) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  const std::string partial = s.files[2] + ".partial";
  fs::copy_file(s.files[2], partial);
  auto r = dembones({"merge", (dir / "m.h5").string(), s.files[0], s.files[1], partial});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(partial + ": is an interrupted shard (a .partial file)"), std::string::npos) << r.output;
  const auto made = cli_test::sweep_short(s.sweep, dir / "lifts.h5", {"--shard", "2/2", "-q"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string old = (dir / "lifts.shard-2-of-2.h5").string();
  r = dembones({"merge", (dir / "m.h5").string(), s.files[0], s.files[1], s.files[2], old});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(old + ": is shard 2/2 (of 2), '" + s.files[0] + "' one of 3: shards of two splits"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
}

// A `merge --link` file moved away from its shards: the run is named as a dangling link to its shard
// (was: "the file holds no run 0 (3 runs, 00000 to 00002)").
TEST(MergeCli, ExportOfALinkedRunWhoseShardIsGoneNamesTheShard) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  auto r = dembones({"merge", (dir / "linked.h5").string(), s.files[0], s.files[1], s.files[2], "--link"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  fs::create_directory(dir / "moved");
  fs::rename(dir / "linked.h5", dir / "moved" / "linked.h5");
  r = dembones({"export", (dir / "moved" / "linked.h5").string(), "--run", "0", "-o", (dir / "r0.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("run 0 is an external link to 'lifts.shard-1-of-3.h5'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "r0.csv"));
  r = dembones({"info", (dir / "moved" / "linked.h5").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: 3 runs are external links to shards that cannot be opened from here (run 0 -> "
                          "'lifts.shard-1-of-3.h5')"),
            std::string::npos)
      << r.output;
}

// A failed run says why it failed (was: "not a dembones run"); an unreadable .partial file says it is
// unfinished (was: "not a dembones result file").
TEST(MergeCli, ExportOfAFailedRunOrAnUnfinishedFileSaysWhy) {
  TempDir dir;
  const fs::path sweep = dir / "reach.yaml";
  io_test::write_text_file(sweep, "name: reach\nbase: " + cli_test::shipped_scenario("stoop_lift").string() +
                                      "\ndesign: zip\nvary:\n  task.start.forward_m: [0.4, 1.4]\n"
                                      "  task.box.mass_kg: [10, 10]\n");
  auto r = cli_test::sweep_short(sweep, dir / "reach.h5", {"-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = dembones({"export", (dir / "reach.h5").string(), "--run", "1", "-o", (dir / "r1.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("run '/runs/00001' failed, so it has no time series: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cannot reach the box"), std::string::npos) << r.output;
  io_test::write_text_file(dir / "cut.h5.partial", "\x89HDF\r\n\x1a\n then nothing a reader can use");
  r = dembones({"export", (dir / "cut.h5.partial").string(), "-o", (dir / "cut.csv").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("an unfinished output file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("export the finished file, " + (dir / "cut.h5").string()), std::string::npos) << r.output;
}

// Deletes attribute `name` of `object` in an HDF5 file (what an older writer, or a stopped one, left).
void delete_attribute(const fs::path& file, const char* object, const char* name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0) << file;
  EXPECT_GE(H5Adelete_by_name(f, object, name, H5P_DEFAULT), 0) << object << " " << name;
  H5Fclose(f);
}

// Unfinished data does not export (a review): a .partial another process is writing is said to be
// in use (was: "damaged, --resume"), a run's .partial is unfinished whatever it holds, and a sweep
// run without its completion mark is refused as plot.py refuses it.
TEST(MergeCli, UnfinishedDataDoesNotExport) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  const std::string csv = (dir / "x.csv").string();
  // A run's file under its .partial name.
  ASSERT_TRUE(cli_test::run_short("stoop_lift", dir / "run.h5"));
  fs::copy_file(dir / "run.h5", dir / "run2.h5.partial");
  auto r = dembones({"export", (dir / "run2.h5.partial").string(), "-o", csv});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("a run's, stopped before it was complete"), std::string::npos) << r.output;
  // Held by a writer (HDF5's exclusive lock).
  const int fd = ::open((dir / "run2.h5.partial").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  r = dembones({"export", (dir / "run2.h5.partial").string(), "-o", csv});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is being written by a running dembones run or sweep"), std::string::npos) << r.output;
  // A sweep run without its completion mark.
  delete_attribute(s.files[0], "/runs/00000", "complete");
  r = dembones({"export", s.files[0], "--run", "0", "-o", csv});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("run 0 is incomplete (no completion mark)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(csv));
}

// Storage is compared with the first shard that states it: a first shard of an older writer (no
// sweep_float32) no longer let a float64 and a float32 shard through.
TEST(MergeCli, StorageIsComparedWithTheFirstShardThatStatesIt) {
  TempDir dir;
  Shards s;
  ASSERT_NO_FATAL_FAILURE(make_shards(dir, s));
  delete_attribute(s.files[0], "/", "sweep_float32");
  const auto made = cli_test::sweep_short(s.sweep, dir / "f32.h5", {"--shard", "3/3", "-q", "--float32"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto r = dembones({"merge", (dir / "mixed.h5").string(), s.files[0], s.files[1],
                           (dir / "f32.shard-3-of-3.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("those of '" + s.files[1] + "' with off"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "mixed.h5"));
}

// A shard that got no run (--shard 4/4 of 3 runs): info describes it (was: a segmentation fault on
// the empty /summary), and --list says "0 runs of 3".
TEST(MergeCli, AShardWithNoRunIsDescribed) {
  TempDir dir;
  const fs::path sweep = dir / "masses.yaml";
  cli_test::write_box_mass_sweep(sweep, "[5, 10, 20]");
  auto r = cli_test::sweep_short(sweep, dir / "z.h5", {"--shard", "4/4", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = dembones({"info", (dir / "z.shard-4-of-4.h5").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 runs of 3 in this file"), std::string::npos) << r.output;
  r = dembones({"sweep", sweep.string(), "--list", "--shard", "1/3"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(": 1 run of 3,"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace dembones
