// rewrite_hdf5_without: a resumed sweep's partial file rebuilt from its finished runs (io/hdf5_rewrite.hpp).
// The kept objects come back with their data and attributes, the dropped ones and their space are gone
// (a fresh file, not an unlink in place), and a file that cannot be read is left as it was.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_rewrite.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::run_group;
using io_test::TempDir;

constexpr std::size_t kFrames = 1000;
constexpr std::size_t kMuscles = 20;

// A sweep-like partial file: root attributes, runs 0-3 complete, run 4 written but not marked, a /summary.
std::filesystem::path write_partial(const TempDir& dir) {
  const std::filesystem::path final_path = dir.path() / "s.h5";
  Hdf5WriterOptions o;
  o.remove_partial_on_abort = false;
  o.compression_level = 0;  // each run's data takes its size on disk, for the space check
  {
    Hdf5Writer w(final_path, o);
    w.set_string_attribute("/", "format", "dembones-sweep");
    w.set_double_attribute("/", "sweep_runs", 5.0);
    for (int run = 0; run < 5; ++run) {
      const auto v = io_test::run_values(run, kFrames * kMuscles);
      w.write_matrix(run_group(run) + "/muscles/force", v.data(), kFrames, kMuscles, {"N", "force"});
      w.set_double_attribute(run_group(run), "peak_N", 1000.0 * run);
      if (run < 4) mark_complete(w, run_group(run));
    }
    const std::vector<double> summary(5, 1.0);
    w.write_vector("/summary", summary.data(), summary.size(), {"1", "stand-in table"});
    w.flush();
  }  // not committed: the file stays at s.h5.partial, as a killed sweep leaves it
  return dir.path() / "s.h5.partial";
}

TEST(Hdf5Rewrite, KeepsEveryObjectButTheDroppedOnesAndReclaimsTheirSpace) {
  TempDir dir;
  const auto partial = write_partial(dir);
  const auto size_before = std::filesystem::file_size(partial);
  // Permission bits the umask would not give a new file: kept by the copy.
  const auto perms = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                     std::filesystem::perms::group_read | std::filesystem::perms::group_write;
  std::filesystem::permissions(partial, perms);
  ASSERT_EQ(rewrite_hdf5_without(partial, {"/summary", run_group(4)}), RewriteResult::done);
  EXPECT_EQ(std::filesystem::status(partial).permissions(), perms);
  EXPECT_FALSE(std::filesystem::exists(partial.string() + ".rewrite"));
  // One run of five dropped: the fresh file is smaller by about a run's data (an unlink in place, the
  // old way, left the size as it was).
  const auto run_bytes = kFrames * kMuscles * sizeof(double);
  EXPECT_LT(std::filesystem::file_size(partial), size_before - run_bytes / 2);

  const Hdf5Reader r(partial);
  EXPECT_EQ(r.read_string_attribute("/", "format"), "dembones-sweep");
  EXPECT_EQ(r.read_double_attribute("/", "sweep_runs"), 5.0);
  EXPECT_FALSE(r.is_dataset("/summary"));
  EXPECT_FALSE(r.is_group(run_group(4)));
  EXPECT_EQ(r.children("/runs"), (std::vector<std::string>{"00000", "00001", "00002", "00003"}));
  const CompletionScan scan = scan_completion(r, "/runs");
  EXPECT_EQ(scan.complete.size(), 4u);
  for (int run = 0; run < 4; ++run) {
    EXPECT_EQ(r.read_doubles(run_group(run) + "/muscles/force"), io_test::run_values(run, kFrames * kMuscles)) << run;
    EXPECT_EQ(r.read_double_attribute(run_group(run), "peak_N"), 1000.0 * run) << run;
    EXPECT_EQ(r.read_string_attribute(run_group(run) + "/muscles/force", "units"), "N") << run;
  }
}

// The writer resumes the rewritten file: a new run goes in next to the kept ones.
TEST(Hdf5Rewrite, RewrittenFileTakesNewRuns) {
  TempDir dir;
  const auto partial = write_partial(dir);
  ASSERT_EQ(rewrite_hdf5_without(partial, {"/summary", run_group(4)}), RewriteResult::done);
  Hdf5WriterOptions o;
  o.resume_existing = true;
  {
    Hdf5Writer w(dir.path() / "s.h5", o);
    const auto v = io_test::run_values(4, kFrames * kMuscles);
    w.write_matrix(run_group(4) + "/muscles/force", v.data(), kFrames, kMuscles, {"N", "force"});
    mark_complete(w, run_group(4));
    w.commit();
  }
  const Hdf5Reader r(dir.path() / "s.h5");
  EXPECT_EQ(scan_completion(r, "/runs").complete.size(), 5u);
  EXPECT_EQ(r.read_doubles(run_group(4) + "/muscles/force"), io_test::run_values(4, kFrames * kMuscles));
}

TEST(Hdf5Rewrite, UnreadableFileIsLeftAsItWas) {
  TempDir dir;
  const auto junk = dir.path() / "junk.h5.partial";
  std::ofstream(junk) << "not an HDF5 file\n";
  EXPECT_EQ(rewrite_hdf5_without(junk, {"/summary"}), RewriteResult::source_unreadable);
  std::ifstream in(junk);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "not an HDF5 file");
  EXPECT_FALSE(std::filesystem::exists(junk.string() + ".rewrite"));
}

// A copy that cannot be written (here the file-size limit, as a full disk would) is not the old file's
// damage: it is reported as such and the file is left in place, whole (review: it was set aside as
// damaged and the sweep started over).
TEST(Hdf5Rewrite, ACopyThatCannotBeWrittenLeavesTheFileInPlace) {
  TempDir dir;
  const auto partial = write_partial(dir);
  const auto size = std::filesystem::file_size(partial);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Only this test's child (and the copy it forks) is limited.
    const rlimit limit{size / 4, size / 4};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const RewriteResult r = rewrite_hdf5_without(partial, {"/summary", run_group(4)});
    ::_exit(r == RewriteResult::write_failed ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "not reported as a failed write";
  EXPECT_EQ(std::filesystem::file_size(partial), size);
  EXPECT_FALSE(std::filesystem::exists(partial.string() + ".rewrite"));
  const Hdf5Reader r(partial);
  EXPECT_TRUE(r.is_group(run_group(4)));  // nothing dropped
  EXPECT_EQ(scan_completion(r, "/runs").complete.size(), 4u);
}

}  // namespace
}  // namespace dembones
