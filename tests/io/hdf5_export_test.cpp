// export_time_series: HDF5 series -> .sto/.mot/.csv tables with named columns.
#include "io/hdf5_export.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::TempDir;

std::filesystem::path write_sweep_like_file(const TempDir& dir) {
  const auto path = dir / "sweep.h5";
  Hdf5Writer w(path);
  const std::vector<double> root_time = {0, 1};
  w.write_vector("/time", root_time.data(), root_time.size(), {"s", "unrelated top-level time"});
  const std::vector<double> t = {0.0, 0.01, 0.02};
  const std::vector<double> force = {1, 2, 3, 4, 5, 6};  // 3 frames x 2 muscles
  const std::vector<double> comp = {700, 800, 900};
  const std::vector<double> f3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<double> arms(3 * 2 * 4, 0.01);
  w.write_vector("/runs/00001/time", t.data(), t.size(), {"s", "frame times"});
  w.write_matrix("/runs/00001/muscles/force", force.data(), 3, 2, {"N", "force"});
  w.write_strings("/runs/00001/muscles/names", std::vector<std::string>{"psoas_r", "iliacus_r"}, {"", "names"});
  w.write_vector("/runs/00001/loads/L5_S1/compression", comp.data(), comp.size(), {"N", "compression"});
  w.write_matrix("/runs/00001/loads/L5_S1/force", f3.data(), 3, 3, {"N", "3D force"});
  w.write_array3("/runs/00001/muscles/moment_arm", arms.data(), 3, 2, 4, {"m", "moment arms"});
  w.write_strings("/runs/00001/coordinates/names", std::vector<std::string>{"a", "b", "c"}, {"", "names"});
  w.commit();
  return path;
}

TEST(Hdf5Export, NamesColumnsFromSiblingNamesAndFindsTheRunsTime) {
  TempDir dir;
  Hdf5Reader r(write_sweep_like_file(dir));
  const TextTable t = export_time_series(r, {.dataset = "/runs/00001/muscles/force"});
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"time", "psoas_r", "iliacus_r"}));
  ASSERT_EQ(t.data.rows(), 3);
  EXPECT_EQ(t.data(2, 0), 0.02);  // the run's own time, not /time
  EXPECT_EQ(t.data(1, 1), 3.0);
  EXPECT_EQ(t.data(1, 2), 4.0);
  EXPECT_FALSE(t.in_degrees);
  EXPECT_EQ(t.name, "/runs/00001/muscles/force");
  ASSERT_EQ(t.description.size(), 1u);
  EXPECT_NE(t.description[0].find("Units: N"), std::string::npos);
  // And it survives the trip through an OpenSim storage file.
  write_text_table(dir / "force.sto", t);
  const TextTable back = read_text_table(dir / "force.sto");
  EXPECT_EQ(back.column_names, t.column_names);
  EXPECT_EQ(back.data, t.data);
  EXPECT_EQ(back.description, t.description);
}

TEST(Hdf5Export, OneDimensionalAndUnnamedChannels) {
  TempDir dir;
  Hdf5Reader r(write_sweep_like_file(dir));
  const TextTable c = export_time_series(r, {.dataset = "runs/00001/loads/L5_S1/compression"});
  EXPECT_EQ(c.column_names, (std::vector<std::string>{"time", "compression"}));
  EXPECT_EQ(c.data(2, 1), 900.0);
  const TextTable f = export_time_series(r, {.dataset = "/runs/00001/loads/L5_S1/force", .table_name = "L5/S1"});
  EXPECT_EQ(f.column_names, (std::vector<std::string>{"time", "force_0", "force_1", "force_2"}));
  EXPECT_EQ(f.data(1, 3), 6.0);
  EXPECT_EQ(f.name, "L5/S1");
  // Explicit names and time.
  const TextTable named = export_time_series(
      r, {.dataset = "/runs/00001/loads/L5_S1/force", .names_dataset = "/runs/00001/coordinates/names"});
  EXPECT_EQ(named.column_names, (std::vector<std::string>{"time", "a", "b", "c"}));
}

TEST(Hdf5Export, ShapeMismatchesAreIoErrors) {
  TempDir dir;
  Hdf5Reader r(write_sweep_like_file(dir));
  EXPECT_THROW(export_time_series(r, {.dataset = "/runs/00001/muscles/moment_arm"}), IoError);  // 3-d
  EXPECT_THROW(export_time_series(r, {.dataset = "/runs/00001/muscles/force", .time_dataset = "/time"}),
               IoError);  // 2 times for 3 frames
  EXPECT_THROW(export_time_series(r, {.dataset = "/runs/00001/muscles/force",
                                      .names_dataset = "/runs/00001/coordinates/names"}),
               IoError);  // 3 names for 2 channels
  EXPECT_THROW(export_time_series(r, {.dataset = "/runs/00002/muscles/force"}), IoError);  // missing
}

}  // namespace
}  // namespace dembones
