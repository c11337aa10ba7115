// `dembones info RUN.h5`: what is in a result file — the scenario name, the frames and the peak
// loads (from /summary/peaks), then the listing of every dataset.
#include <fmt/format.h>

#include <string>

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

}  // namespace
}  // namespace dembones
