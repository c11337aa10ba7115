// check_output_path (io/output_path.hpp): where a result may be written, checked before any work.
// Found by an input-robustness audit: `-o` was never compared with the inputs (a run wrote its HDF5
// file over its own scenario), `-o /dev/null` replaced the device with a regular file, and `-o FOLDER`
// solved the whole sweep before failing on the rename.
#include "io/output_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "io/io_test_util.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;
using io_test::TempDir;

const Location kWhere{"", 0, 0, "--output"};

std::string error_of(const fs::path& out, const std::vector<fs::path>& inputs = {}) {
  try {
    check_output_path(out, kWhere, inputs);
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "--output");
    return e.message();
  }
  return {};
}

TEST(OutputPath, AcceptsANewOrExistingFileInAWritableFolder) {
  TempDir dir;
  EXPECT_EQ(error_of(dir / "new.h5"), "");
  io_test::write_text_file(dir / "old.h5", "x");
  EXPECT_EQ(error_of(dir / "old.h5", {dir / "scenario.yaml"}), "");
}

TEST(OutputPath, RefusesAFolderADeviceAndAMissingFolder) {
  TempDir dir;
  EXPECT_NE(error_of(dir.path()).find("is a folder"), std::string::npos);
  EXPECT_NE(error_of("/dev/null").find("not a regular file"), std::string::npos);
  EXPECT_NE(error_of(dir / "nodir" / "x.h5").find("no folder"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
}

// The same file however it is spelt: the path as given, another spelling, a link to it.
TEST(OutputPath, RefusesTheRunsOwnInputs) {
  TempDir dir;
  const fs::path scenario = dir / "scenario.yaml";
  io_test::write_text_file(scenario, "name: x\n");
  EXPECT_NE(error_of(scenario, {scenario}).find("input files"), std::string::npos);
  EXPECT_NE(error_of(dir / "." / "scenario.yaml", {scenario}).find("input files"), std::string::npos);
  fs::create_symlink(scenario, dir / "link.yaml");
  EXPECT_NE(error_of(dir / "link.yaml", {scenario}).find("input files"), std::string::npos);
  EXPECT_EQ(io_test::read_text_file(scenario), "name: x\n");
}

}  // namespace
}  // namespace dembones
