// A run file names the commit of the program that wrote it (attribute git_commit, docs/hdf5-layout.md),
// and that commit is the source tree's as built, not the one CMake was configured at: the commit is
// read at every build (engine/common/git_commit.cmake). Before, an incremental build after a commit
// kept stamping files with the configure-time commit.
#include <gtest/gtest.h>

#include <regex>

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
    // The test binary is built with the program; "-dirty-" and 8 hex digits of the differences when
    // the tree differed from HEAD then.
    EXPECT_TRUE(built == head || std::regex_match(built, std::regex(head + "-dirty-[0-9a-f]{8}")))
        << "built from " << built << ", HEAD is " << head;
  }
  io_test::TempDir dir;
  const auto run = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", run));
  const Hdf5Reader h5(run);
  EXPECT_EQ(h5.read_string_attribute("/", "git_commit"), built);
  // How it was built, as `dembones info` prints it.
  EXPECT_EQ(h5.read_string_attribute("/", "build_type"), build::kBuildType);
  EXPECT_EQ(h5.read_string_attribute("/", "compiler"), build::kCompiler);
  const std::string libraries = h5.read_string_attribute("/", "libraries");
  EXPECT_TRUE(std::regex_match(libraries, std::regex(R"(Eigen \d+\.\d+\.\d+, HDF5 \d+\.\d+\.\d+, yaml-cpp \d+\.\d+\.\d+, fmt \d+\.\d+\.\d+)")))
      << libraries;
  const auto version = cli_test::dembones({"--version"});
  EXPECT_NE(version.output.find(built), std::string::npos) << version.output;
}

}  // namespace
}  // namespace dembones
