// Files written by h5py (tests/python/make_synthetic_run.py, an independent writer of
// docs/hdf5-layout.md) read through Hdf5Reader: variable-length strings from numpy, compound tables,
// completion markers, export; and fixed-length strings as MATLAB or numpy bytes write them.
#include <cstdio>
#include <string>
#include <vector>

#include "io/completion_marker.hpp"
#include "io/hdf5_export.hpp"
#include "io/hdf5_reader.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::run_command;
using io_test::TempDir;

bool have_h5py() { return run_command("/usr/bin/python3 -c 'import h5py'").exit_code == 0; }

TEST(H5pyInterop, ReadsTheSyntheticSweepFile) {
  if (!have_h5py()) GTEST_SKIP() << "/usr/bin/python3 has no h5py (Debian package python3-h5py)";
  TempDir dir;
  const auto path = dir / "sweep.h5";
  const std::string script = std::string(DEMBONES_SOURCE_DIR) + "/tests/python/make_synthetic_run.py";
  const auto made = run_command("/usr/bin/python3 " + script + " " + path.string() + " --sweep");
  ASSERT_EQ(made.exit_code, 0) << made.output;

  Hdf5Reader r(path);
  EXPECT_EQ(r.read_string_attribute("/", "format"), "dembones-sweep");
  // The summary table: one row per run, string and number columns.
  const auto columns = r.table_columns("/summary");
  ASSERT_GE(columns.size(), 4u);
  EXPECT_EQ(columns[0].name, "run");
  EXPECT_EQ(columns[0].type, ColumnType::Int64);
  EXPECT_EQ(columns[2].name, "task.technique");
  EXPECT_EQ(columns[2].type, ColumnType::String);
  const std::size_t rows = r.table_rows("/summary");
  EXPECT_EQ(rows, 10u);
  const auto runs = r.read_table_ints("/summary", "run");
  const auto status = r.read_table_strings("/summary", "status");
  const auto technique = r.read_table_strings("/summary", "task.technique");
  const auto mass = r.read_table_doubles("/summary", "task.box.mass_kg");
  ASSERT_EQ(status.size(), rows);
  EXPECT_EQ(runs[4], 4);
  EXPECT_EQ(technique[0], "stoop");
  EXPECT_EQ(technique[9], "squat");
  EXPECT_EQ(mass[1], 10.0);
  // The sweep marks run 3 failed and never writes its completion marker.
  const auto scan = scan_completion(r, "/runs");
  EXPECT_EQ(scan.incomplete, (std::vector<std::string>{"00003"}));
  EXPECT_EQ(scan.complete.size(), 9u);
  for (std::size_t i = 0; i < rows; ++i) {
    char group[32];
    std::snprintf(group, sizeof group, "/runs/%05zu", i);
    EXPECT_EQ(status[i] == "ok", is_complete(r, group)) << group;
  }
  // A run's series exports with its own time and muscle names.
  const TextTable t = export_time_series(r, {.dataset = "/runs/00000/muscles/force"});
  const auto names = r.read_strings("/runs/00000/muscles/names");
  ASSERT_EQ(t.column_names.size(), names.size() + 1);
  EXPECT_EQ(t.column_names[1], names[0]);
  EXPECT_EQ(t.data.rows(), static_cast<Eigen::Index>(r.dims("/runs/00000/time")[0]));
  EXPECT_EQ(t.data(5, 0), r.read_doubles("/runs/00000/time")[5]);
  EXPECT_EQ(t.data(5, 2), r.read_matrix("/runs/00000/muscles/force")(5, 1));
  EXPECT_EQ(r.dims("/runs/00000/bodies/rotation").size(), 4u);
}

TEST(H5pyInterop, ReadsFixedLengthStrings) {
  if (!have_h5py()) GTEST_SKIP() << "/usr/bin/python3 has no h5py (Debian package python3-h5py)";
  TempDir dir;
  const auto path = dir / "fixed.h5";
  const auto made = run_command(
      "/usr/bin/python3 -c \"import sys, h5py, numpy as np\n"
      "f = h5py.File(sys.argv[1], 'w')\n"
      "f.create_dataset('names', data=np.array([b'psoas', b'ES', b''], dtype='S6'))\n"
      "f.attrs['subject'] = np.bytes_(b'S01')\n"
      "f.attrs['vl'] = 'L\\u00e4nge'\n"
      "f.close()\" " +
      path.string());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  Hdf5Reader r(path);
  EXPECT_EQ(r.dtype("/names"), "string");
  EXPECT_EQ(r.read_strings("/names"), (std::vector<std::string>{"psoas", "ES", ""}));
  EXPECT_EQ(r.read_string_attribute("/", "subject"), "S01");
  EXPECT_EQ(r.read_string_attribute("/", "vl"), "Länge");
}

}  // namespace
}  // namespace dembones
