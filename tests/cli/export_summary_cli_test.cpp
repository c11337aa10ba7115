// `dembones export SWEEP.h5 --summary`: a sweep's /summary as CSV (spreadsheets, R, MATLAB's
// readtable; MATLAB cannot take the compound table's dotted column names as struct fields), read
// back and compared cell by cell with the HDF5 table.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using io_test::TempDir;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

TEST(ExportSummaryCli, EveryRunsRowWithItsUnitsAndExactNumbers) {
  TempDir dir;
  const auto sweep = dir / "masses.yaml";
  const auto out = dir / "masses.h5";
  cli_test::write_box_mass_sweep(sweep, "[5, 10, 15]");
  const auto r = cli_test::sweep_short(sweep, out, {"-q", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const auto e = dembones({"export", out.string(), "--summary"});
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("(3 runs)"), std::string::npos) << e.output;
  const auto csv = dir / "masses_summary.csv";
  std::ifstream in(csv);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  const std::vector<std::string> header = split(lines[0], ',');
  const Hdf5Reader h5(out);
  const auto columns = h5.table_columns("/summary");
  ASSERT_EQ(header.size(), columns.size());
  int mass = -1, peak = -1, status = -1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "task.box.mass_kg [kg]") mass = static_cast<int>(c);
    if (header[c] == "L5_S1_compression_peak_N [N]") peak = static_cast<int>(c);
    if (header[c] == "status") status = static_cast<int>(c);  // text: no units
  }
  ASSERT_GE(mass, 0) << lines[0];
  ASSERT_GE(peak, 0) << lines[0];
  ASSERT_GE(status, 0) << lines[0];
  const auto peaks = h5.read_table_doubles("/summary", "L5_S1_compression_peak_N");
  const auto statuses = h5.read_table_strings("/summary", "status");
  for (std::size_t row = 0; row < 3; ++row) {
    const auto cells = split(lines[row + 1], ',');
    ASSERT_EQ(cells.size(), header.size()) << lines[row + 1];
    EXPECT_EQ(std::stod(cells[static_cast<std::size_t>(mass)]), 5.0 * static_cast<double>(row + 1));
    EXPECT_EQ(std::stod(cells[static_cast<std::size_t>(peak)]), peaks[row]);  // round trip exact
    EXPECT_EQ(cells[static_cast<std::size_t>(status)], statuses[row]);
  }
  EXPECT_GT(peaks[2], peaks[0]);  // a heavier box loads the back more: the rows are the runs in order

  // What --summary refuses, leaving nothing behind.
  const auto with_run = dembones({"export", out.string(), "--summary", "--run", "1"});
  EXPECT_EQ(with_run.exit_code, 2) << with_run.output;
  EXPECT_NE(with_run.output.find("leave out --run"), std::string::npos) << with_run.output;
  const auto mot = dembones({"export", out.string(), "--summary", "-o", (dir / "s.mot").string()});
  EXPECT_EQ(mot.exit_code, 2) << mot.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "s.mot"));
  const auto no_run = dembones({"export", out.string(), "--format", "csv"});
  EXPECT_EQ(no_run.exit_code, 2) << no_run.output;
  EXPECT_NE(no_run.output.find("or --summary for the table of all runs"), std::string::npos) << no_run.output;
  const auto single = dir / "one.h5";
  ASSERT_TRUE(cli_test::run_short("stand", single));
  const auto not_sweep = dembones({"export", single.string(), "--summary"});
  EXPECT_EQ(not_sweep.exit_code, 2) << not_sweep.output;
  EXPECT_NE(not_sweep.output.find("no /summary table: not a sweep's file"), std::string::npos) << not_sweep.output;
}

}  // namespace
}  // namespace dembones
