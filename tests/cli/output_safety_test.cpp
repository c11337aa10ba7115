// What `dembones run` and `dembones sweep` do to files that are not theirs, and when writing fails.
// Found by an input-robustness audit: a run wrote over its own scenario (`-o scenario.yaml`), a
// `sweep --resume` onto a single run's file renamed it away, a stale link at NAME.h5.partial was
// written through, Ctrl-C left NAME.h5.partial behind without a word, and a full disk ended in a
// segmentation fault (HDF5's exit-time clean-up of the file it could not flush) after kilobytes of
// HDF5 error stack.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "cli_test_util.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;
using cli_test::dembones;
using io_test::read_text_file;
using io_test::TempDir;

// A copy of the shipped standing scenario in `dir` (its model by absolute path).
fs::path stand_copy(const TempDir& dir) {
  const fs::path copy = dir / "stand.yaml";
  io_test::write_text_file(copy, "name: stand_copy\nmodel: " + (fs::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml").string() +
                                     "\nsubject: {height_m: 1.75, mass_kg: 75, sex: male}\ntask: {type: stand, duration_s: 0.3}\n"
                                     "solver: {rate_hz: 50}\n");
  return copy;
}

TEST(OutputSafety, ARunDoesNotWriteOverItsOwnScenario) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir);
  const std::string before = read_text_file(scenario);
  const auto r = dembones({"run", scenario.string(), "-o", scenario.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("input files"), std::string::npos) << r.output;
  EXPECT_EQ(read_text_file(scenario), before);
}

TEST(OutputSafety, ASweepDoesNotWriteOverItsSweepFile) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), sweep = dir / "sweep.yaml";
  io_test::write_text_file(sweep, "name: s\nbase: " + scenario.string() + "\nvary:\n  subject.mass_kg: [70, 80]\n");
  const std::string before = read_text_file(sweep);
  const auto r = dembones({"sweep", sweep.string(), "-o", sweep.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(read_text_file(sweep), before);
  // A folder as the output fails before the runs, leaving nothing behind.
  const auto f = dembones({"sweep", sweep.string(), "-o", dir.path().string()});
  EXPECT_EQ(f.exit_code, 2) << f.output;
  EXPECT_NE(f.output.find("is a folder"), std::string::npos) << f.output;
  EXPECT_FALSE(fs::exists(dir.path().string() + ".partial"));
}

// `-o ''` wrote to the scenario's default name, and `-o run.csv` an HDF5 file under a CSV's name
// (audit); output.file is checked at its line.
TEST(OutputSafety, TheOutputIsANamedHdf5File) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir);
  const auto empty = dembones({"run", scenario.string(), "-o", ""});
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_NE(empty.output.find("expected a file name, got an empty one"), std::string::npos) << empty.output;
  EXPECT_FALSE(fs::exists(fs::current_path() / "stand_copy.h5"));
  const auto csv = dembones({"run", scenario.string(), "-o", (dir / "run.csv").string()});
  EXPECT_EQ(csv.exit_code, 2) << csv.output;
  EXPECT_NE(csv.output.find("expected a file name ending in .h5 (or .hdf5)"), std::string::npos) << csv.output;
  EXPECT_NE(csv.output.find("dembones export"), std::string::npos) << csv.output;
  EXPECT_FALSE(fs::exists(dir / "run.csv"));
  const auto upper = dembones({"run", scenario.string(), "-q", "-o", (dir / "run.HDF5").string()});
  EXPECT_EQ(upper.exit_code, 0) << upper.output;
  io_test::write_text_file(scenario, read_text_file(scenario) + "output: {file: result.mot}\n");
  const auto field = dembones({"run", scenario.string()});
  EXPECT_EQ(field.exit_code, 2) << field.output;
  EXPECT_NE(field.output.find("stand.yaml:6:"), std::string::npos) << field.output;
  EXPECT_NE(field.output.find("field 'output.file': 'result.mot': expected a file name ending in .h5"), std::string::npos) << field.output;
  const fs::path sweep = dir / "sweep.yaml";
  io_test::write_text_file(sweep, "name: s\nbase: " + stand_copy(dir).string() + "\nvary:\n  subject.mass_kg: [70, 80]\n");
  const auto s = dembones({"sweep", sweep.string(), "-o", (dir / "s.csv").string()});
  EXPECT_EQ(s.exit_code, 2) << s.output;
  EXPECT_NE(s.output.find("expected a file name ending in .h5"), std::string::npos) << s.output;
  EXPECT_FALSE(fs::exists(dir / "s.csv.partial"));
}

TEST(OutputSafety, ResumeLeavesAFileThatIsNotASweepsAlone) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), sweep = dir / "sweep.yaml", run = dir / "run.h5";
  io_test::write_text_file(sweep, "name: s\nbase: " + scenario.string() + "\nvary:\n  subject.mass_kg: [70, 80]\n");
  ASSERT_EQ(dembones({"run", scenario.string(), "-o", run.string(), "-q"}).exit_code, 0);
  const std::string before = read_text_file(run);
  const auto r = dembones({"sweep", sweep.string(), "-o", run.string(), "--resume"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not a dembones sweep file"), std::string::npos) << r.output;
  EXPECT_EQ(read_text_file(run), before);
  EXPECT_FALSE(fs::exists(run.string() + ".partial"));
}

// A single run does not overwrite an interrupted sweep's resumable file of its output's name, but does
// overwrite what a killed run left there (audit: a run killed with SIGKILL left a run's .partial,
// and the same command was then refused as "an interrupted sweep's file").
TEST(OutputSafety, ARunOverwritesAKilledRunsPartialButNotASweeps) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), sweep = dir / "sweep.yaml", out = dir / "out.h5";
  io_test::write_text_file(sweep, "name: s\nbase: " + scenario.string() + "\nvary:\n  subject.mass_kg: [70, 80]\n");
  // A killed run's leftover: a run file (readable) or bytes HDF5 cannot read.
  ASSERT_EQ(dembones({"run", scenario.string(), "-o", (dir / "first.h5").string(), "-q"}).exit_code, 0);
  for (const bool readable : {true, false}) {
    if (readable)
      fs::copy_file(dir / "first.h5", out.string() + ".partial", fs::copy_options::overwrite_existing);
    else
      io_test::write_text_file(out.string() + ".partial", "half an HDF5 file\n");
    const auto r = dembones({"run", scenario.string(), "-o", out.string(), "-q"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(out)) << readable;
    EXPECT_FALSE(fs::exists(out.string() + ".partial")) << readable;
    fs::remove(out);
  }
  // An interrupted sweep's file (a finished sweep under the partial name stands for one).
  ASSERT_EQ(dembones({"sweep", sweep.string(), "-o", (dir / "sw.h5").string(), "-q"}).exit_code, 0);
  fs::rename(dir / "sw.h5", out.string() + ".partial");
  const std::string before = read_text_file(out.string() + ".partial");
  const auto r = dembones({"run", scenario.string(), "-o", out.string(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is an interrupted sweep's file"), std::string::npos) << r.output;
  EXPECT_EQ(read_text_file(out.string() + ".partial"), before);
  EXPECT_FALSE(fs::exists(out));
}

TEST(OutputSafety, ALinkAtThePartialNameIsReplacedNotWrittenThrough) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), victim = dir / "victim.txt", out = dir / "out.h5";
  io_test::write_text_file(victim, "keep me\n");
  fs::create_symlink(victim, out.string() + ".partial");
  const auto r = dembones({"run", scenario.string(), "-o", out.string(), "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_text_file(victim), "keep me\n");
  EXPECT_TRUE(fs::is_regular_file(out));
}

// Ctrl-C (SIGINT) or SIGTERM while solving: the partial file is removed and the user told.
TEST(OutputSafety, AnInterruptedRunLeavesNoPartialFile) {
  for (const int sig : {SIGINT, SIGTERM}) {
    TempDir dir;
    const fs::path scenario = stand_copy(dir), out = dir / "long.h5", log = dir / "log.txt";
    const std::string command = cli_test::quoted(cli_test::dembones_binary()) + " run " +
                                cli_test::quoted(scenario.string()) + " -o " + cli_test::quoted(out.string()) +
                                " --set task.duration_s=60 --compression 9 > " + cli_test::quoted(log.string()) + " 2>&1";
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ASSERT_GT(pid, 0);
    // Wait until the program is far enough to have its handler (it prints the frame count first).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (read_text_file(log).find("frames,") == std::string::npos && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before the signal: " << read_text_file(log);
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_FALSE(fs::exists(out.string() + ".partial"));
    EXPECT_FALSE(fs::exists(out));
    EXPECT_NE(read_text_file(log).find("interrupted; nothing written"), std::string::npos) << read_text_file(log);
  }
}

// A write that fails (here the file size limit, EFBIG, as a full disk gives ENOSPC) is an error
// naming the operating system's reason, with exit code 2, not a crash; nothing is left behind.
TEST(OutputSafety, AFailedWriteIsAClearErrorNotACrash) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), out = dir / "big.h5";
  const auto r = io_test::run_command("trap '' XFSZ; ulimit -f 64; exec " + cli_test::quoted(cli_test::dembones_binary()) +
                                      " run " + cli_test::quoted(scenario.string()) + " -q -o " +
                                      cli_test::quoted(out.string()) + " --set task.duration_s=5");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("File too large"), std::string::npos) << r.output;
  EXPECT_LT(r.output.size(), 1000u) << "the HDF5 error stack, not the reason:\n" << r.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

// A --resume (or a second sweep) while the sweep still runs: refused, the running sweep untouched (an
// audit: the resume read the locked file as damaged, renamed it away and started over; the running
// sweep then renamed the resume's half-written file to the final name).
TEST(OutputSafety, ASweepStillRunningIsNeitherResumedNorRestarted) {
  TempDir dir;
  const fs::path scenario = stand_copy(dir), sweep = dir / "sweep.yaml", out = dir / "s.h5", log = dir / "log.txt";
  io_test::write_text_file(sweep, "name: s\nbase: " + scenario.string() +
                                      "\nset: {task.duration_s: 10}\nvary:\n  subject.mass_kg: {linspace: [60, 90, 24]}\n");
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string command = "exec " + cli_test::quoted(cli_test::dembones_binary()) + " sweep " +
                                cli_test::quoted(sweep.string()) + " -o " + cli_test::quoted(out.string()) +
                                " --threads 1 > " + cli_test::quoted(log.string()) + " 2>&1";
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(out.string() + ".partial") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto resume = dembones({"sweep", sweep.string(), "-o", out.string(), "--resume"});
  const auto second = dembones({"sweep", sweep.string(), "-o", out.string()});
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << read_text_file(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << read_text_file(log);
  EXPECT_EQ(resume.exit_code, 2) << resume.output;
  EXPECT_NE(resume.output.find("being written by another process"), std::string::npos) << resume.output;
  EXPECT_EQ(second.exit_code, 2) << second.output;
  // The running sweep's file is whole: every run complete.
  const auto info = dembones({"info", out.string()});
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("24 runs"), std::string::npos) << info.output.substr(0, 600);
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
  EXPECT_FALSE(fs::exists(out.string() + ".partial.damaged"));
}

}  // namespace
}  // namespace dembones
