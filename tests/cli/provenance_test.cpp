// A run file names the commit of the program that wrote it (attribute git_commit, docs/hdf5-layout.md),
// and that commit is the source tree's as built, not the one CMake was configured at: the commit is
// read at every build (engine/common/git_commit.cmake). Before, an incremental build after a commit
// kept stamping files with the configure-time commit.
#include <gtest/gtest.h>

#include <string>

#include "cli_test_util.hpp"
#include "common/build_info.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

// The source tree's HEAD (12 hex digits), or "" outside a git checkout.
std::string source_head() {
  const auto r = io_test::run_command("git -C " + cli_test::quoted(DEMBONES_SOURCE_DIR) +
                                      " rev-parse --short=12 HEAD 2>/dev/null");
  std::string head = r.exit_code == 0 ? r.output : std::string();
  while (!head.empty() && (head.back() == '\n' || head.back() == '\r')) head.pop_back();
  return head;
}

TEST(Provenance, RunFilesNameTheCommitTheProgramWasBuiltFrom) {
  const std::string head = source_head();
  const std::string built = build::kGitCommit;
  if (head.empty()) {
    EXPECT_EQ(built, "unknown");
  } else {
    // The test binary is built with the program; "-dirty" when the tree differed from HEAD then.
    EXPECT_TRUE(built == head || built == head + "-dirty") << "built from " << built << ", HEAD is " << head;
  }
  io_test::TempDir dir;
  const auto run = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", run));
  const Hdf5Reader h5(run);
  EXPECT_EQ(h5.read_string_attribute("/", "git_commit"), built);
  const auto version = cli_test::dembones({"--version"});
  EXPECT_NE(version.output.find(built), std::string::npos) << version.output;
}

}  // namespace
}  // namespace dembones
