// `dembones export`: a real run of a shipped scenario, exported to .mot, .sto and .csv, read back
// with the text-table reader and compared number by number with the HDF5 datasets.
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"
#include "io/text_table.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using io_test::TempDir;

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cli_test::run_short("forward_bend", run_)); }
  TempDir dir_;
  const std::filesystem::path run_ = dir_ / "bend.h5";
};

TEST_F(ExportCli, MotHoldsTheCoordinatesInDegreesUnderTheirNames) {
  const auto r = dembones({"export", run_.string(), "--format", "mot"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto mot = dir_ / "bend.mot";  // default: next to the run file
  ASSERT_TRUE(std::filesystem::exists(mot)) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bend.mot.partial"));

  const Hdf5Reader h5(run_);
  const TextTable t = read_storage_file(mot);
  EXPECT_TRUE(t.in_degrees);
  EXPECT_EQ(t.name, "forward_bend");
  const auto names = h5.read_strings("/coordinates/names");
  const auto units = h5.read_strings("/coordinates/units");
  ASSERT_EQ(units.size(), names.size());
  std::vector<std::string> expected = {"time"};
  expected.insert(expected.end(), names.begin(), names.end());
  EXPECT_EQ(t.column_names, expected);  // OpenSim matches motion columns to coordinates by name

  const Eigen::VectorXd time = h5.read_vector("/time");
  const Eigen::MatrixXd q = h5.read_matrix("/coordinates/q");
  ASSERT_EQ(t.data.rows(), q.rows());
  ASSERT_GT(q.rows(), 10);
  EXPECT_EQ(t.data.col(0), time);
  int rotational = 0;
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto col = static_cast<Eigen::Index>(c);
    const double scale = units[c] == "rad" ? 180.0 / std::numbers::pi : 1.0;
    rotational += units[c] == "rad" ? 1 : 0;
    for (Eigen::Index f = 0; f < q.rows(); ++f) EXPECT_DOUBLE_EQ(t.data(f, col + 1), q(f, col) * scale) << names[c];
  }
  EXPECT_GT(rotational, 0);
  // The bend moves the trunk: the exported motion is not constant (a zero column would pass the
  // comparison above trivially).
  EXPECT_GT((t.data.rightCols(t.data.cols() - 1).colwise().maxCoeff() -
             t.data.rightCols(t.data.cols() - 1).colwise().minCoeff())
                .maxCoeff(),
            1.0);  // degrees
}

TEST_F(ExportCli, StoHoldsMuscleForcesJointMomentsAndLoads) {
  const auto out = dir_ / "forces.sto";
  const auto r = dembones({"export", run_.string(), "-o", out.string()});  // format from the extension
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const TextTable t = read_storage_file(out);
  EXPECT_FALSE(t.in_degrees);
  const Hdf5Reader h5(run_);
  const auto muscles = h5.read_strings("/muscles/names");
  const auto coordinates = h5.read_strings("/coordinates/names");
  const auto sites = h5.children("/loads");
  ASSERT_FALSE(sites.empty());
  EXPECT_EQ(t.column_names.size(), 1 + muscles.size() + coordinates.size() + 4 * sites.size());
  const Eigen::MatrixXd force = h5.read_matrix("/muscles/force");
  const Eigen::MatrixXd moment = h5.read_matrix("/joints/moment");
  for (std::size_t i = 0; i < muscles.size(); ++i)
    EXPECT_EQ(t.get_column("muscles/force/" + muscles[i]), force.col(static_cast<Eigen::Index>(i))) << muscles[i];
  for (std::size_t i = 0; i < coordinates.size(); ++i)
    EXPECT_EQ(t.get_column("joints/moment/" + coordinates[i]), moment.col(static_cast<Eigen::Index>(i)));
  for (const auto& site : sites)
    for (const char* q : {"compression", "ap_shear", "lateral_shear", "resultant"}) {
      const std::string name = "loads/" + site + "/" + q;
      EXPECT_EQ(t.get_column(name), h5.read_vector("/" + name)) << name;
    }
}

TEST_F(ExportCli, CsvAndChosenDatasets) {
  const auto out = dir_ / "table.csv";
  const auto r = dembones({"export", run_.string(), "--format", "csv", "-o", out.string(), "--dataset",
                           "/muscles/activation", "--dataset", "loads/L5_S1/compression"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const TextTable t = read_csv_file(out);
  const Hdf5Reader h5(run_);
  const auto muscles = h5.read_strings("/muscles/names");
  // The header says each column's unit; read back, the SI units are taken off the names.
  std::string header;
  std::getline(std::ifstream(out) >> std::ws, header);
  EXPECT_EQ(header.rfind("time [s],muscles/activation/" + muscles[0] + " [1],", 0), 0u) << header;
  EXPECT_NE(header.find(",loads/L5_S1/compression [N]"), std::string::npos) << header;
  ASSERT_EQ(t.column_names.size(), 2 + muscles.size());
  EXPECT_EQ(t.column_names[0], "time");
  EXPECT_EQ(t.column_names[1], "muscles/activation/" + muscles[0]);
  EXPECT_EQ(t.column_names.back(), "loads/L5_S1/compression");
  EXPECT_EQ(t.get_column("loads/L5_S1/compression"), h5.read_vector("/loads/L5_S1/compression"));
  EXPECT_EQ(t.data.col(1), h5.read_matrix("/muscles/activation").col(0));
}

TEST_F(ExportCli, BadRequestsFailWithTheFileNamed) {
  const auto missing = dembones({"export", run_.string(), "--format", "sto", "--dataset", "/muscles/forse"});
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find(run_.string()), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("did you mean 'muscles/force'"), std::string::npos) << missing.output;
  const auto format = dembones({"export", run_.string(), "--format", "xlsx"});
  EXPECT_EQ(format.exit_code, 2) << format.output;
  EXPECT_NE(format.output.find("expected csv, sto or mot"), std::string::npos) << format.output;
  const auto contradiction = dembones({"export", run_.string(), "--format", "mot", "-o", (dir_ / "x.csv").string()});
  EXPECT_EQ(contradiction.exit_code, 2) << contradiction.output;
  const auto run = dembones({"export", run_.string(), "--format", "csv", "--run", "3"});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("single-run file"), std::string::npos) << run.output;
  const auto absent = dembones({"export", (dir_ / "absent.h5").string(), "--format", "csv"});
  EXPECT_EQ(absent.exit_code, 2) << absent.output;
  EXPECT_NE(absent.output.find("absent.h5"), std::string::npos) << absent.output;
  // No failed request left a file behind.
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    EXPECT_EQ(e.path().filename(), "bend.h5") << "left behind: " << e.path();
}

// Column names that say what they are, and datasets that are not time series refused (audit: `time`
// twice in the header, force_0/1/2, posterior_tension_0..5, and a per-muscle constant exported as a
// series when the model had as many muscles as the run frames).
TEST_F(ExportCli, ColumnsAreNamedAndOnlyTimeSeriesExport) {
  const std::filesystem::path csv = dir_ / "t.csv";
  // The labels as written, units included (read_text_table takes SI units off the names).
  const auto header = [&] {
    std::string line;
    std::getline(std::ifstream(csv), line);
    std::vector<std::string> cells;
    for (std::size_t from = 0, comma;; from = comma + 1) {
      comma = line.find(',', from);
      cells.push_back(line.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
      if (comma == std::string::npos) return cells;
    }
  };
  auto r = dembones({"export", run_.string(), "-o", csv.string(), "--dataset", "/loads/L5_S1/force"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<std::string> t = header();
  EXPECT_EQ(t, (std::vector<std::string>{"time [s]", "force_x [N]", "force_y [N]", "force_z [N]"}));
  r = dembones({"export", run_.string(), "-o", csv.string(), "--dataset", "/loads/L5_S1/force", "--dataset",
                "/joints/posterior_tension"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  t = header();
  const Hdf5Reader h5(run_);
  const auto passive = h5.read_strings("/joints/passive_names");
  ASSERT_EQ(t.size(), 4 + passive.size());
  EXPECT_EQ(t[1], "loads/L5_S1/force/x [N]");
  EXPECT_EQ(t[4], "joints/posterior_tension/" + passive[0] + " [N]");
  for (const char* bad : {"/time", "/model/muscles/max_isometric_force"}) {
    r = dembones({"export", run_.string(), "-o", (dir_ / "bad.csv").string(), "--dataset", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << r.output;
  }
  EXPECT_NE(r.output.find("is not a time series (its dimensions: muscle)"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.csv"));
}

// -o naming a folder: said up front (was: "cannot rename the finished file: Success", the error code
// read after the clean-up had reset it).
TEST_F(ExportCli, AFolderAsOutputIsNamed) {
  const auto r = dembones({"export", run_.string(), "--format", "csv", "-o", dir_.path().string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is a folder; expected a file name"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Success"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace dembones
