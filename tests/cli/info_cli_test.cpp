// `dembones info RUN.h5`: what is in a result file — the scenario name, the frames and the peak
// loads (from /summary/peaks), then the listing of every dataset.
#include <fmt/format.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using io_test::TempDir;

TEST(InfoCli, RunFileShowsScenarioFramesAndPeaks) {
  TempDir dir;
  const auto run = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", run));
  const auto r = dembones({"info", run.string()});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Hdf5Reader h5(run);
  const auto frames = h5.dims("/time")[0];
  EXPECT_NE(r.output.find(fmt::format("run: scenario 'stand', {} frames", frames)), std::string::npos) << r.output;
  // Every peak of the file's summary table, with its value in N and body weights.
  const auto quantity = h5.read_table_strings("/summary/peaks", "quantity");
  const auto peak = h5.read_table_doubles("/summary/peaks", "peak");
  const auto bw = h5.read_table_doubles("/summary/peaks", "peak_bw");
  ASSERT_FALSE(quantity.empty());
  bool l5s1 = false;
  for (std::size_t i = 0; i < quantity.size(); ++i) {
    l5s1 |= quantity[i] == "L5_S1_compression";
    const std::string row = fmt::format("  {:<28} {:>10.0f} {:>7.2f}", quantity[i], peak[i], bw[i]);
    EXPECT_NE(r.output.find(row), std::string::npos) << row << "\n" << r.output;
  }
  EXPECT_TRUE(l5s1);
  EXPECT_NE(r.output.find("scenario_name = stand\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/loads/L5_S1/compression"), std::string::npos) << r.output;
}

TEST(InfoCli, NotAnHdf5FileIsAnErrorNamingIt) {
  TempDir dir;
  const auto bogus = dir / "notes.h5";
  io_test::write_text_file(bogus, "not hdf5\n");
  const auto r = dembones({"info", bogus.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(bogus.string()), std::string::npos) << r.output;
}

// `dembones info RUN.h5` prints the checks `dembones run` printed, from the file, in the same words:
// the NIOSH line, the reserve line, the centre of pressure, the most active muscles and a lift's postural
// index (before: only the reserve and constraint lines; audits).
TEST(InfoCli, RunFileRepeatsTheChecksTheRunPrinted) {
  TempDir dir;
  const auto file = dir / "stoop.h5";
  std::vector<std::string> args = {"run", cli_test::shipped_scenario("stoop_lift").string(), "-o", file.string()};
  for (const auto& s : cli_test::short_run_overrides()) args.push_back(s);
  const auto run = dembones(args);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto info = dembones({"info", file.string()});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  auto line_starting = [](const std::string& text, const std::string& start) {
    const auto at = text.find(start);
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
  };
  for (const char* start : {"NIOSH action limit 3400 N: L5/S1 peak ", "frames the muscles could not balance",
                            "frames whose centre of pressure leaves the feet", "most active muscles (peak activation):",
                            "postural index at the low point:"}) {
    const std::string a = line_starting(run.output, start), b = line_starting(info.output, start);
    EXPECT_FALSE(a.empty()) << start << "\n" << run.output;
    EXPECT_EQ(a, b) << start;
  }
}

// The same for a run with muscles stretched past their strength (a psoas at 0.7 of its lengths in
// standing): `info` printed no such line (audit).
TEST(InfoCli, RunFileRepeatsTheStretchedMusclesLine) {
  TempDir dir;
  const auto file = dir / "psoas.h5";
  std::vector<std::string> args = {"run", cli_test::shipped_scenario("psoas_tight_stand").string(), "-o", file.string(),
                                   "--set", "impairments.0.length_scale=0.7"};
  for (const auto& s : cli_test::short_run_overrides()) args.push_back(s);
  const auto run = dembones(args);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto info = dembones({"info", file.string()});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  const std::string start = "muscles stretched past their strength: ";
  const auto line = [&](const std::string& text) {
    const auto at = text.find(start);
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
  };
  EXPECT_FALSE(line(run.output).empty()) << run.output;
  EXPECT_EQ(line(run.output), line(info.output)) << info.output;
}

// A run killed while writing leaves a .partial file whose HDF5 metadata is unfinished: `info` says
// what it is instead of an HDF5 error chain; and a result file with --model is one too many.
TEST(InfoCli, AnUnreadablePartialFileAndTwoFilesAreClearErrors) {
  TempDir dir;
  const auto partial = dir / "run.h5.partial";
  io_test::write_text_file(partial, std::string("\x89HDF\r\n\x1a\n", 8) + std::string(600, '\0'));
  const auto r = dembones({"info", partial.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("an unfinished output file"), std::string::npos) << r.output;
  const auto both = dembones({"info", partial.string(), "--model",
                              (std::filesystem::path(DEMBONES_SOURCE_DIR) / "models/lifter.yaml").string()});
  EXPECT_EQ(both.exit_code, 2) << both.output;
  EXPECT_NE(both.output.find("not both"), std::string::npos) << both.output;
}

}  // namespace
}  // namespace dembones
