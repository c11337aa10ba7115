// export_run: one run of a result file as an OpenSim .mot/.sto or CSV table. The header is parsed
// back line by line (OpenSim's Storage format: name, version=1, nRows, nColumns, inDegrees,
// endheader, tab-separated labels starting with time) and the numbers compared with the HDF5 data.
#include "io/run_export.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/input_error_text.hpp"
#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io/text_table.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::read_text_file;
using io_test::TempDir;

constexpr std::size_t kFrames = 4;

// A small file with the run layout of docs/hdf5-layout.md under `prefix` ("/" or "/runs/00002").
void write_run(Hdf5Writer& w, const std::string& prefix, double offset) {
  auto p = [&](const std::string& rel) { return prefix == "/" ? "/" + rel : prefix + "/" + rel; };
  std::vector<double> t, q, force, moment, comp, shear;
  for (std::size_t f = 0; f < kFrames; ++f) {
    t.push_back(0.01 * static_cast<double>(f));
    // hip_flexion (rad), pelvis_tx (m), lumbar_extension (rad)
    for (double v : {0.1 * f + offset, 0.02 * f, -0.05 * f}) q.push_back(v);
    for (double v : {100.0 + f, 200.0 + f}) force.push_back(v);
    for (double v : {10.0 * f, 5.0, -3.0 * f}) moment.push_back(v);
    comp.push_back(1000.0 + 7.0 * f);
    shear.push_back(-20.0 * f);
  }
  w.write_vector(p("time"), t.data(), t.size(), {"s", "frame times", "frame", true});
  w.write_strings(p("coordinates/names"), std::vector<std::string>{"hip_flexion", "pelvis_tx", "lumbar_extension"},
                  {"", "coordinate names"});
  w.write_strings(p("coordinates/units"), std::vector<std::string>{"rad", "m", "rad"}, {"", "coordinate units"});
  w.write_matrix(p("coordinates/q"), q.data(), kFrames, 3, {"rad", "coordinates"});
  w.write_matrix(p("coordinates/qdot"), q.data(), kFrames, 3, {"rad/s", "coordinate velocities"});
  w.write_matrix(p("joints/moment"), moment.data(), kFrames, 3, {"N*m", "net moments"});
  w.write_strings(p("muscles/names"), std::vector<std::string>{"psoas", "glmax"}, {"", "muscle names"});
  w.write_matrix(p("muscles/force"), force.data(), kFrames, 2, {"N", "tendon force"});
  w.write_matrix(p("muscles/activation"), force.data(), kFrames, 2, {"1", "activation"});
  for (const char* site : {"L5_S1", "hip"}) {
    const std::string g = p(std::string("loads/") + site);
    w.write_vector(g + "/compression", comp.data(), comp.size(), {"N", "compression"});
    w.write_vector(g + "/ap_shear", shear.data(), shear.size(), {"N", "ap shear"});
    w.write_vector(g + "/lateral_shear", shear.data(), shear.size(), {"N", "lateral shear"});
    w.write_vector(g + "/resultant", comp.data(), comp.size(), {"N", "resultant"});
  }
  const std::vector<double> arms(kFrames * 2 * 3, 0.05);
  w.write_array3(p("muscles/moment_arm"), arms.data(), kFrames, 2, 3, {"m", "moment arms"});
}

std::filesystem::path write_run_file(const TempDir& dir) {
  const auto path = dir / "stoop.h5";
  Hdf5Writer w(path);
  w.set_string_attribute("/", "scenario_name", "stoop_lift");
  write_run(w, "/", 0.0);
  w.commit();
  return path;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RunExport, MotHeaderFollowsOpenSimAndAnglesAreDegrees) {
  TempDir dir;
  const Hdf5Reader r(write_run_file(dir));
  const TextTable t = export_run(r, {.format = ExportFormat::mot, .run_group = find_run_group(r, std::nullopt)});
  write_storage_file(dir / "stoop.mot", t);

  // The header, line by line, as OpenSim's Storage::writeHeader writes it.
  const auto lines = lines_of(read_text_file(dir / "stoop.mot"));
  ASSERT_GE(lines.size(), 7u + kFrames);
  EXPECT_EQ(lines[0], "stoop_lift");
  EXPECT_EQ(lines[1], "version=1");
  EXPECT_EQ(lines[2], fmt::format("nRows={}", kFrames));
  EXPECT_EQ(lines[3], "nColumns=4");
  EXPECT_EQ(lines[4], "inDegrees=yes");
  std::size_t end = 5;
  while (end < lines.size() && lines[end] != "endheader") ++end;
  ASSERT_LT(end + 1, lines.size()) << "no endheader line";
  EXPECT_EQ(lines[end + 1], "time\thip_flexion\tpelvis_tx\tlumbar_extension");
  EXPECT_EQ(lines.size(), end + 2 + kFrames);  // one line per frame, nothing else

  // Parsed back: rotational coordinates in degrees, the translation in metres, times exact.
  const TextTable back = read_storage_file(dir / "stoop.mot");
  EXPECT_TRUE(back.in_degrees);
  EXPECT_EQ(back.name, "stoop_lift");
  ASSERT_EQ(back.data.rows(), static_cast<Eigen::Index>(kFrames));
  const Eigen::MatrixXd q = r.read_matrix("/coordinates/q");
  const Eigen::VectorXd time = r.read_vector("/time");
  const double deg = 180.0 / std::numbers::pi;
  for (Eigen::Index f = 0; f < back.data.rows(); ++f) {
    EXPECT_EQ(back.data(f, 0), time(f));
    EXPECT_DOUBLE_EQ(back.get_column("hip_flexion")(f), q(f, 0) * deg);
    EXPECT_EQ(back.get_column("pelvis_tx")(f), q(f, 1));
    EXPECT_DOUBLE_EQ(back.get_column("lumbar_extension")(f), q(f, 2) * deg);
  }
  // The description names the units of each column.
  bool units_line = false;
  for (const auto& d : back.description)
    units_line |= d == "Units of coordinates/q: hip_flexion deg, pelvis_tx m, lumbar_extension deg";
  EXPECT_TRUE(units_line);
}

TEST(RunExport, StoIsOneWideForceTableWithPathNamedColumns) {
  TempDir dir;
  const Hdf5Reader r(write_run_file(dir));
  const auto defaults = default_export_datasets(r, "/", ExportFormat::sto);
  EXPECT_EQ(defaults, (std::vector<std::string>{"muscles/force", "joints/moment", "loads/L5_S1/compression",
                                                "loads/L5_S1/ap_shear", "loads/L5_S1/lateral_shear",
                                                "loads/L5_S1/resultant", "loads/hip/compression", "loads/hip/ap_shear",
                                                "loads/hip/lateral_shear", "loads/hip/resultant"}));
  const TextTable t = export_run(r, {.format = ExportFormat::sto});
  EXPECT_FALSE(t.in_degrees);
  ASSERT_EQ(t.column_names.size(), 1u + 2 + 3 + 8);
  EXPECT_EQ(t.column_names[1], "muscles/force/psoas");
  EXPECT_EQ(t.column_names[3], "joints/moment/hip_flexion");
  EXPECT_EQ(t.column_names[6], "loads/L5_S1/compression");
  write_storage_file(dir / "forces.sto", t);
  const TextTable back = read_storage_file(dir / "forces.sto");
  EXPECT_FALSE(back.in_degrees);
  EXPECT_EQ(back.column_names, t.column_names);
  EXPECT_EQ(back.data, t.data);  // shortest round-trip text: exact
  const Eigen::MatrixXd force = r.read_matrix("/muscles/force");
  const Eigen::VectorXd comp = r.read_vector("/loads/hip/compression");
  for (Eigen::Index f = 0; f < back.data.rows(); ++f) {
    EXPECT_EQ(back.get_column("muscles/force/glmax")(f), force(f, 1));
    EXPECT_EQ(back.get_column("loads/hip/compression")(f), comp(f));
  }
  // The translational coordinate's generalized force is in N, the others in N*m.
  bool units_line = false;
  for (const auto& d : back.description)
    units_line |= d == "Units of joints/moment: hip_flexion N*m, pelvis_tx N, lumbar_extension N*m";
  EXPECT_TRUE(units_line);
}

TEST(RunExport, CsvHeaderCarriesUnitsAndOneDatasetKeepsPlainNames) {
  TempDir dir;
  const Hdf5Reader r(write_run_file(dir));
  const TextTable t = export_run(r, {.format = ExportFormat::csv});
  EXPECT_EQ(t.column_names[0], "time [s]");
  EXPECT_EQ(t.column_names[1], "coordinates/q/hip_flexion [rad]");  // SI in CSV: no degrees
  EXPECT_EQ(t.column_names[2], "coordinates/q/pelvis_tx [m]");
  EXPECT_EQ(t.column_names[4], "muscles/activation/psoas [1]");
  write_csv_file(dir / "run.csv", t);
  // Read back, a label's SI unit is taken off its name (the CSV reads as a motion or force table).
  const TextTable back = read_csv_file(dir / "run.csv");
  ASSERT_EQ(back.column_names.size(), t.column_names.size());
  for (std::size_t c = 0; c < t.column_names.size(); ++c)
    EXPECT_EQ(back.column_names[c] + t.column_names[c].substr(back.column_names[c].size()), t.column_names[c]);
  EXPECT_EQ(back.column_names[1], "coordinates/q/hip_flexion");
  EXPECT_EQ(back.column_names[2], "coordinates/q/pelvis_tx");
  EXPECT_EQ(back.data, t.data);
  EXPECT_EQ(back.get_column("coordinates/q/hip_flexion"), r.read_matrix("/coordinates/q").col(0));

  // One named dataset: its channel names, unprefixed; a 1-d series is named after itself.
  const TextTable one = export_run(r, {.format = ExportFormat::sto, .datasets = {"/muscles/force"}});
  EXPECT_EQ(one.column_names, (std::vector<std::string>{"time", "psoas", "glmax"}));
  const TextTable series = export_run(r, {.format = ExportFormat::csv, .datasets = {"loads/L5_S1/compression"}});
  EXPECT_EQ(series.column_names, (std::vector<std::string>{"time [s]", "compression [N]"}));
  // Velocities in a .mot are degrees per second.
  const TextTable qdot = export_run(r, {.format = ExportFormat::mot, .datasets = {"coordinates/qdot"}});
  EXPECT_DOUBLE_EQ(qdot.data(3, 1), r.read_matrix("/coordinates/qdot")(3, 0) * 180.0 / std::numbers::pi);
  EXPECT_EQ(qdot.data(3, 2), r.read_matrix("/coordinates/qdot")(3, 1));
  EXPECT_TRUE(qdot.in_degrees);
  // A .mot of moments has no angle: its header says inDegrees=no (it said yes before, over N*m columns).
  const TextTable moments = export_run(r, {.format = ExportFormat::mot, .datasets = {"joints/moment"}});
  EXPECT_FALSE(moments.in_degrees);
  EXPECT_EQ(moments.data(3, 1), r.read_matrix("/joints/moment")(3, 0));
}

TEST(RunExport, SweepRunsAreChosenWithTheirNumber) {
  TempDir dir;
  const auto path = dir / "sweep.h5";
  {
    Hdf5Writer w(path);
    write_run(w, "/runs/00000", 0.0);
    write_run(w, "/runs/00002", 1.0);
    write_run(w, "/runs/00003", 2.0);  // cut off: no completion mark
    mark_complete(w, "/runs/00000");
    mark_complete(w, "/runs/00002");
    w.commit();
  }
  const Hdf5Reader r(path);
  EXPECT_EQ(find_run_group(r, 2), "/runs/00002");
  EXPECT_THROW(find_run_group(r, 3), InputError);  // as plot.py refuses it
  const TextTable t = export_run(r, {.format = ExportFormat::mot, .run_group = "/runs/00002"});
  EXPECT_DOUBLE_EQ(t.data(0, 1), 1.0 * 180.0 / std::numbers::pi);  // run 2's own q, offset 1 rad
  EXPECT_EQ(t.name, "sweep_run00002");
  // The run's prefix may be given or not.
  const TextTable a = export_run(r, {.format = ExportFormat::sto, .run_group = "/runs/00002",
                                     .datasets = {"/runs/00002/muscles/force"}});
  const TextTable b = export_run(r, {.format = ExportFormat::sto, .run_group = "/runs/00002",
                                     .datasets = {"/muscles/force"}});
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(default_export_path(path, "/runs/00002", ExportFormat::csv), dir / "sweep_run00002.csv");
  EXPECT_EQ(default_export_path(dir / "stoop.h5", "/", ExportFormat::mot), dir / "stoop.mot");
  EXPECT_THROW(find_run_group(r, std::nullopt), InputError);  // a sweep needs --run
  EXPECT_THROW(find_run_group(r, 1), InputError);             // no run 1
}

using test_support::input_error_text;

TEST(RunExport, ErrorsNameTheFileAndTheDataset) {
  TempDir dir;
  const auto path = write_run_file(dir);
  const Hdf5Reader r(path);
  const std::string missing = input_error_text([&] { export_run(r, {.datasets = {"muscles/forces"}}); });
  EXPECT_NE(missing.find(path.string()), std::string::npos) << missing;
  EXPECT_NE(missing.find("--dataset"), std::string::npos) << missing;
  EXPECT_NE(missing.find("did you mean 'muscles/force'"), std::string::npos) << missing;
  const std::string three_d = input_error_text([&] { export_run(r, {.datasets = {"muscles/moment_arm"}}); });
  EXPECT_NE(three_d.find("[4 x 2 x 3]"), std::string::npos) << three_d;
  const std::string strings = input_error_text([&] { export_run(r, {.datasets = {"muscles/names"}}); });
  EXPECT_NE(strings.find("string"), std::string::npos) << strings;
  const std::string twice = input_error_text([&] { export_run(r, {.datasets = {"muscles/force", "/muscles/force"}}); });
  EXPECT_NE(twice.find("named twice"), std::string::npos) << twice;
  EXPECT_NE(input_error_text([&] { find_run_group(r, 0); }).find("single-run file"), std::string::npos);
  const std::string format = input_error_text([] { parse_export_format("xlsx", Location{"", 0, 0, "--format"}); });
  EXPECT_NE(format.find("expected csv, sto or mot, got 'xlsx'"), std::string::npos) << format;
  EXPECT_EQ(parse_export_format(".MOT", Location{}), ExportFormat::mot);
  EXPECT_THROW(Hdf5Reader(dir / "absent.h5"), IoError);
}

TEST(RunExport, ChannelUnitsFallBackToTheDatasetAttribute) {
  TempDir dir;
  const auto path = dir / "old.h5";
  {
    // A file without /coordinates/units (written before it existed): every column takes the
    // dataset's units.
    Hdf5Writer w(path);
    const std::vector<double> t = {0, 0.01}, q = {0.5, 0.1, 0.6, 0.2};
    w.write_vector("/time", t.data(), t.size(), {"s", "t"});
    w.write_matrix("/coordinates/q", q.data(), 2, 2, {"rad", "q"});
    w.commit();
  }
  const Hdf5Reader r(path);
  EXPECT_EQ(export_channel_units(r, "/", "coordinates/q", 2), (std::vector<std::string>{"rad", "rad"}));
  const TextTable t = export_run(r, {.format = ExportFormat::mot});
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"time", "q_0", "q_1"}));
  EXPECT_DOUBLE_EQ(t.data(1, 2), 0.2 * 180.0 / std::numbers::pi);
}

}  // namespace
}  // namespace dembones
