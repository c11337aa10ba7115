// A `dembones run` killed with SIGKILL midway (nothing can be cleaned up: no destructor, no
// handler runs) never leaves a file under the final name, and an earlier file of that name stays
// byte for byte as it was (DEVELOPERS.md: "No output file is left half-written"; Hdf5Writer writes
// NAME.h5.partial and renames it when complete).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using io_test::read_text_file;
using io_test::TempDir;

// A run long enough that the test always catches it alive: 60 s of standing at 100 Hz, 6001
// frames (on the 2-core development machine ~1 s to solve them, then ~3 s to write them
// compressed at level 9; the test checks that the run had not finished, see kill_when).
std::vector<std::string> long_run_args(const std::filesystem::path& out) {
  return {"run", cli_test::shipped_scenario("stand").string(), "-o", out.string(), "-q",
          "--set", "task.duration_s=60", "--compression", "9"};
}

// fork + execv of the dembones program with stdout and stderr to /dev/null.
pid_t spawn_dembones(const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings = {cli_test::dembones_binary()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

enum class KillAt { computing, writing };

// Kills the child with SIGKILL while it computes (after 50 ms) or as soon as NAME.h5.partial
// appears (it is writing). Returns false, with a test failure, when the child was not running at
// the kill or did not die of SIGKILL.
bool kill_when(pid_t pid, KillAt when, const std::filesystem::path& out) {
  const std::filesystem::path partial = out.string() + ".partial";
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  if (when == KillAt::computing) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(std::filesystem::exists(partial)) << "already writing after 50 ms";
  } else {
    while (!std::filesystem::exists(partial) && Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        ADD_FAILURE() << "the run ended before its file appeared; make it longer";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    EXPECT_TRUE(std::filesystem::exists(partial)) << "no " << partial << " within 120 s";
  }
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != 0) {
    ADD_FAILURE() << "the run had already ended when the test meant to kill it; make it longer";
    return false;
  }
  EXPECT_EQ(::kill(pid, SIGKILL), 0);
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the run exited normally (status " << status << "): make it longer";
  if (!WIFSIGNALED(status)) return false;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  return WTERMSIG(status) == SIGKILL;
}

TEST(KillRun, KilledWhileWritingLeavesNoFileUnderTheFinalName) {
  TempDir dir;
  const auto out = dir / "stand.h5";
  const pid_t pid = spawn_dembones(long_run_args(out));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(kill_when(pid, KillAt::writing, out));
  EXPECT_FALSE(std::filesystem::exists(out));
  // A later run of the same name overwrites the orphaned partial file and completes.
  ASSERT_TRUE(cli_test::run_short("stand", out));
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".partial"));
  EXPECT_GT(Hdf5Reader(out).dims("/time")[0], 0u);
}

TEST(KillRun, KilledWhileComputingLeavesNoFileUnderTheFinalName) {
  TempDir dir;
  const auto out = dir / "stand.h5";
  const pid_t pid = spawn_dembones(long_run_args(out));
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(kill_when(pid, KillAt::computing, out));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(KillRun, AnEarlierFileOfThatNameIsLeftIntact) {
  TempDir dir;
  const auto out = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", out));
  const std::string before = read_text_file(out);
  ASSERT_FALSE(before.empty());
  for (const KillAt when : {KillAt::writing, KillAt::computing}) {
    // A killed run leaves its NAME.h5.partial behind (nothing runs after SIGKILL); remove it so
    // that kill_when sees the next run's own.
    std::filesystem::remove(out.string() + ".partial");
    const pid_t pid = spawn_dembones(long_run_args(out));
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(kill_when(pid, when, out));
    EXPECT_EQ(read_text_file(out), before) << "the earlier file changed";
  }
  EXPECT_EQ(Hdf5Reader(out).dims("/time")[0], 16u);  // still the short run's 16 frames
}

}  // namespace
}  // namespace dembones
