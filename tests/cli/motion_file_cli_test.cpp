// A run exported as an OpenSim motion (`dembones export --format mot`) runs again as a motion_file
// task with the same loads, and a motion whose columns are another model's (OpenSim's right-side
// names) is refused by `validate` and `run` with the scenario's field and the mapping to write,
// instead of running a posture held at zero (docs/scenarios.md, "Motion files").
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_test_util.hpp"
#include "common/temp_dir.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using test_support::TempDir;

double peak(const std::filesystem::path& run, const std::string& dataset) {
  const auto v = Hdf5Reader(run).read_vector(dataset);
  double m = 0.0;
  for (double x : v) m = std::max(m, x);
  return m;
}

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// The shipped forward bend run at 50 Hz into DIR/bend.h5 and exported as DIR/bend.mot.
void run_and_export_bend(const TempDir& dir) {
  const auto run = dembones({"run", cli_test::shipped_scenario("forward_bend").string(), "-o",
                             (dir / "bend.h5").string(), "-q", "--set", "solver.rate_hz=50"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto ex = dembones({"export", (dir / "bend.h5").string(), "--format", "mot", "-o", (dir / "bend.mot").string()});
  ASSERT_EQ(ex.exit_code, 0) << ex.output;
}

// The cells of a tab-separated line of a .mot file.
std::vector<std::string> tab_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t from = 0;
  for (std::size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1)
    cells.push_back(line.substr(from, tab - from));
  cells.push_back(line.substr(from));
  return cells;
}

std::string replay_scenario(const std::string& motion, const std::string& extra = "") {
  return fmt::format("name: replay\nmodel: {}/models/lifter.yaml\nsubject: {{height_m: 1.75, mass_kg: 75, sex: male}}\n"
                     "task:\n  type: motion_file\n  file: {}\n{}solver: {{rate_hz: 50}}\n",
                     DEMBONES_SOURCE_DIR, motion, extra);
}

TEST(MotionFileCli, AnExportedRunRunsAgainWithTheSameLoads) {
  TempDir dir;
  // The shipped 1.5 s bend at 50 Hz: the short test runs (0.3 s) bend so fast that filtering the
  // exported angles again at 6 Hz takes a few per cent off their accelerations.
  ASSERT_NO_FATAL_FAILURE(run_and_export_bend(dir));
  write(dir / "replay.yaml", replay_scenario("bend.mot"));
  const auto r = dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "replay.h5").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double a = peak(dir / "bend.h5", "/loads/L5_S1/compression");
  const double b = peak(dir / "replay.h5", "/loads/L5_S1/compression");
  EXPECT_GT(a, 500.0);
  EXPECT_NEAR(b, a, 0.01 * a);  // the exported angles filtered again
}

// The CSV export of a run's coordinates ("time [s]", "knee_angle [rad]", ...) reads back as a motion
// file (it had "no 'time' column"); a column labelled in degrees is refused (a CSV is read in radians).
TEST(MotionFileCli, AnExportedCsvOfTheCoordinatesRunsAgain) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(run_and_export_bend(dir));
  const auto ex = dembones({"export", (dir / "bend.h5").string(), "--format", "csv", "--dataset", "/coordinates/q", "-o",
                            (dir / "bend.csv").string()});
  ASSERT_EQ(ex.exit_code, 0) << ex.output;
  std::string text;
  {
    std::ifstream in(dir / "bend.csv");
    std::getline(in, text);
  }
  ASSERT_EQ(text.rfind("time [s],ankle_angle [rad],", 0), 0u) << text;
  write(dir / "replay.yaml", replay_scenario("bend.csv"));
  const auto r = dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "replay.h5").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double a = peak(dir / "bend.h5", "/loads/L5_S1/compression");
  EXPECT_NEAR(peak(dir / "replay.h5", "/loads/L5_S1/compression"), a, 0.01 * a);
  write(dir / "deg.csv", "time [s],knee_angle [deg]\n0,0\n1,10\n");
  write(dir / "deg.yaml", replay_scenario("deg.csv"));
  const auto deg = dembones({"run", (dir / "deg.yaml").string(), "-o", (dir / "deg.h5").string(), "-q"});
  EXPECT_EQ(deg.exit_code, 2) << deg.output;
  EXPECT_NE(deg.output.find("column 'knee_angle [deg]' is in degrees, but a CSV table is read in SI units"),
            std::string::npos)
      << deg.output;
}

// An empty cell is named as one (it was "expected a number, got ''"), and a run stopped by its motion
// file does not first say that the existing output will be replaced (it is not).
TEST(MotionFileCli, AnEmptyCellIsNamedAndTheOutputIsNotSaidToBeReplaced) {
  TempDir dir;
  write(dir / "gap.csv", "time,knee_angle\n0,0\n0.5,\n1,0\n");
  write(dir / "gap.yaml", replay_scenario("gap.csv"));
  write(dir / "old.h5", "an earlier result");
  const auto r = dembones({"run", (dir / "gap.yaml").string(), "-o", (dir / "old.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("gap.csv:3:5: field 'knee_angle': expected a number, got an empty cell"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("will be replaced"), std::string::npos) << r.output;
}

TEST(MotionFileCli, OpenSimSideNamesAreRefusedUntilMapped) {
  TempDir dir;
  ASSERT_TRUE(cli_test::run_short("forward_bend", dir / "bend.h5"));
  ASSERT_EQ(dembones({"export", (dir / "bend.h5").string(), "--format", "mot", "-o", (dir / "bend.mot").string()})
                .exit_code, 0);
  // The same motion with OpenSim gait models' right-side names for the leg coordinates.
  std::ifstream in(dir / "bend.mot");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* c : {"ankle_angle", "knee_angle", "hip_flexion"}) {
    const auto at = text.find(std::string("\t") + c + "\t");
    ASSERT_NE(at, std::string::npos) << c;
    text.insert(at + 1 + std::string(c).size(), "_r");
  }
  write(dir / "bend_r.mot", text);
  write(dir / "replay_r.yaml", replay_scenario("bend_r.mot"));
  for (const char* command : {"validate", "run"}) {
    std::vector<std::string> args = {command, (dir / "replay_r.yaml").string()};
    if (std::string(command) == "run") args.insert(args.end(), {"-o", (dir / "r.h5").string()});
    const auto r = dembones(args);
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.output;
    EXPECT_NE(r.output.find("replay_r.yaml:6:9: field 'task.file'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("'knee_angle_r' (did you mean 'knee_angle'?)"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "r.h5"));
  }
  // The same file given by --set: the error names the override (it said replay.yaml:1:1; audit).
  write(dir / "replay.yaml", replay_scenario("bend.mot"));
  const auto set = dembones({"validate", (dir / "replay.yaml").string(), "--set", "task.file=bend_r.mot"});
  EXPECT_EQ(set.exit_code, 2) << set.output;
  EXPECT_NE(set.output.find("--set task.file=bend_r.mot: field 'task.file'"), std::string::npos) << set.output;
  write(dir / "replay_r.yaml",
        replay_scenario("bend_r.mot", "  columns: {ankle_angle: ankle_angle_r, knee_angle: knee_angle_r, "
                                      "hip_flexion: hip_flexion_r}\n"));
  const auto ok = dembones({"run", (dir / "replay_r.yaml").string(), "-o", (dir / "r.h5").string(), "-q"});
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  write(dir / "replay.yaml", replay_scenario("bend.mot"));
  ASSERT_EQ(dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "same.h5").string(), "-q"}).exit_code, 0);
  // Mapped columns drive the coordinates exactly as columns of their own names do.
  EXPECT_EQ(Hdf5Reader(dir / "r.h5").read_vector("/loads/L5_S1/compression"),
            Hdf5Reader(dir / "same.h5").read_vector("/loads/L5_S1/compression"));
}

// A motion of a model whose thorax is welded to L1 (Christophy et al. 2012's) has no T12/L1 column:
// the lifter's T12/L1 then follows its lumbar rhythm from the five lumbar levels, and the exported
// bend without that column runs again with the same loads.
TEST(MotionFileCli, AMotionWithoutT12L1DrivesItByTheLumbarRhythm) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(run_and_export_bend(dir));
  // Drop the T12_L1_extension column from the header's column line and every row after it.
  std::ifstream in(dir / "bend.mot");
  std::string line, out;
  int drop = -1;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = tab_cells(line);
    if (drop < 0 && cells.size() > 1 && cells[0] == "time")
      for (std::size_t c = 0; c < cells.size(); ++c)
        if (cells[c] == "T12_L1_extension") drop = static_cast<int>(c);
    if (drop >= 0 && cells.size() > static_cast<std::size_t>(drop)) cells.erase(cells.begin() + drop);
    std::string joined = fmt::format("{}", fmt::join(cells, "\t"));
    if (joined.rfind("nColumns=", 0) == 0) joined = fmt::format("nColumns={}", std::stoi(joined.substr(9)) - 1);
    out += joined + "\n";
  }
  ASSERT_GE(drop, 0);
  write(dir / "no_t12.mot", out);
  write(dir / "replay.yaml", replay_scenario("no_t12.mot"));
  const auto r = dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "replay.h5").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const double a = peak(dir / "bend.h5", "/loads/L5_S1/compression");
  EXPECT_NEAR(peak(dir / "replay.h5", "/loads/L5_S1/compression"), a, 0.01 * a);
  EXPECT_NEAR(peak(dir / "replay.h5", "/loads/T12_L1/compression"), peak(dir / "bend.h5", "/loads/T12_L1/compression"),
              0.01 * a);
}

// Radians under a header that says inDegrees=yes ran a lift as quiet standing without a word (audit):
// the run says so. And a motion too short for the solver's rate names the file.
TEST(MotionFileCli, RadiansUnderInDegreesAreNamedAndATooShortMotionNamesItsFile) {
  TempDir dir;
  ASSERT_NO_FATAL_FAILURE(run_and_export_bend(dir));
  std::ifstream in(dir / "bend.mot");
  std::string line, out, short_out;
  bool data = false;
  int rows = 0;
  while (std::getline(in, line)) {
    if (!data) {
      out += line + "\n";
      if (line.rfind("time", 0) == 0) data = true;
      continue;
    }
    std::vector<std::string> cells = tab_cells(line);
    std::string joined = cells[0];
    for (std::size_t c = 1; c < cells.size(); ++c) joined += fmt::format("\t{:.9g}", std::stod(cells[c]) * M_PI / 180.0);
    out += joined + "\n";
    ++rows;
  }
  ASSERT_GT(rows, 10);
  ASSERT_NE(out.find("inDegrees=yes"), std::string::npos);
  write(dir / "rad.mot", out);
  write(dir / "replay.yaml", replay_scenario("rad.mot"));
  const auto r = dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "replay.h5").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rad.mot' says inDegrees=yes, but its angles all lie within"), std::string::npos)
      << r.output;
  const auto v = dembones({"validate", (dir / "replay.yaml").string()});
  EXPECT_NE(v.output.find("set inDegrees=no"), std::string::npos) << v.output;
  // The exported degrees themselves: no note.
  write(dir / "deg.yaml", replay_scenario("bend.mot"));
  const auto d = dembones({"validate", (dir / "deg.yaml").string()});
  EXPECT_EQ(d.output.find("inDegrees"), std::string::npos) << d.output;
  // Five rows 0.01 s apart at 50 Hz: three frames.
  std::string five;
  int kept = 0;
  for (std::size_t pos = 0, next; (next = out.find('\n', pos)) != std::string::npos && kept < 1000; pos = next + 1) {
    const std::string l = out.substr(pos, next - pos);
    five += l + "\n";
    if (l.rfind("time", 0) == 0) kept = 1000 - 5;
    else if (kept >= 1000 - 5) ++kept;
  }
  const auto n_rows = five.find("nRows=");
  if (n_rows != std::string::npos) five.replace(n_rows, five.find('\n', n_rows) - n_rows, "nRows=5");
  write(dir / "five.mot", five);
  write(dir / "five.yaml", replay_scenario("five.mot"));
  // 0.08 s at 10 Hz: one frame.
  const auto f = dembones({"run", (dir / "five.yaml").string(), "-o", (dir / "five.h5").string(), "-q", "--set",
                           "solver.rate_hz=10"});
  EXPECT_EQ(f.exit_code, 2) << f.output;
  EXPECT_NE(f.output.find("five.mot': the motion lasts"), std::string::npos) << f.output;
  EXPECT_NE(f.output.find("a longer trial or a higher rate"), std::string::npos) << f.output;
  EXPECT_NE(f.output.find("task.file"), std::string::npos) << f.output;
}

// A model with a translational coordinate (the lifter's feet on a locked slider): the run file's
// coordinate and generalized-force series say both units (an audit: "rad" over a metre column), and a
// motion file in degrees converts the angles but not the metres (a mutation of the reader that
// converted every column passed every test before).
TEST(MotionFileCli, ATranslationalCoordinateKeepsItsMetres) {
  TempDir dir;
  std::ifstream in(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  std::string model((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string weld = "  - name: ground_foot\n    type: fixed\n";
  ASSERT_NE(model.find(weld), std::string::npos);
  model.replace(model.find(weld), weld.size(),
                "  - name: ground_foot\n    type: prismatic\n    axis: [1, 0, 0]\n"
                "    coordinate: {name: foot_slide, range_m: [-0.1, 0.1], locked: true}\n");
  write(dir / "slide.yaml", model);
  write(dir / "stand.yaml", fmt::format("name: stand\nmodel: slide.yaml\nsubject: {{height_m: 1.75, mass_kg: 75, "
                                        "sex: male}}\ntask: {{type: stand, duration_s: 0.3}}\nsolver: {{rate_hz: 50}}\n"));
  const auto run = dembones({"run", (dir / "stand.yaml").string(), "-o", (dir / "stand.h5").string(), "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  {
    const Hdf5Reader r(dir / "stand.h5");
    EXPECT_EQ(r.read_string_attribute("/coordinates/q", "units"), "rad or m (each coordinate's: /coordinates/units)");
    EXPECT_EQ(r.read_string_attribute("/coordinates/qddot", "units"),
              "rad/s^2 or m/s^2 (each coordinate's: /coordinates/units)");
    EXPECT_EQ(r.read_string_attribute("/joints/moment", "units"), "N*m or N (each coordinate's: /coordinates/units)");
  }
  ASSERT_EQ(dembones({"export", (dir / "stand.h5").string(), "--format", "mot", "-o", (dir / "stand.mot").string()})
                .exit_code, 0);
  // The slider's column set to 0.05 m in the exported motion (in degrees: inDegrees=yes).
  std::ifstream mot(dir / "stand.mot");
  std::string line, out;
  int column = -1;
  while (std::getline(mot, line)) {
    std::vector<std::string> cells = tab_cells(line);
    if (column >= 0 && static_cast<int>(cells.size()) > column) cells[static_cast<std::size_t>(column)] = "0.05";
    if (column < 0 && cells.size() > 1 && cells[0] == "time")
      for (std::size_t c = 0; c < cells.size(); ++c)
        if (cells[c] == "foot_slide") column = static_cast<int>(c);
    std::string joined = fmt::format("{}", fmt::join(cells, "\t"));
    out += joined + "\n";
  }
  ASSERT_GE(column, 0);
  ASSERT_NE(out.find("inDegrees=yes"), std::string::npos);
  write(dir / "slid.mot", out);
  write(dir / "replay.yaml", fmt::format("name: replay\nmodel: slide.yaml\nsubject: {{height_m: 1.75, mass_kg: 75, "
                                         "sex: male}}\ntask: {{type: motion_file, file: slid.mot}}\nsolver: {{rate_hz: 50}}\n"));
  const auto r = dembones({"run", (dir / "replay.yaml").string(), "-o", (dir / "replay.h5").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Hdf5Reader h5(dir / "replay.h5");
  const auto names = h5.read_strings("/coordinates/names");
  const auto q = h5.read_matrix("/coordinates/q");
  const auto k = std::find(names.begin(), names.end(), "foot_slide") - names.begin();
  ASSERT_LT(k, static_cast<long>(names.size()));
  for (Eigen::Index f = 0; f < q.rows(); ++f) EXPECT_NEAR(q(f, k), 0.05, 1e-9) << "frame " << f;
}

// Too few rows to filter and differentiate: the scenario's field, not an error without a place (audit).
TEST(MotionFileCli, AMotionOfThreeRowsNamesTheField) {
  TempDir dir;
  write(dir / "three.csv", "time,hip_flexion\n0,0\n0.01,0.01\n0.02,0.02\n");
  write(dir / "three.yaml", replay_scenario("three.csv", "  fixed_deg: {ankle_angle: 0, knee_angle: 0, L5_S1_extension: 0, "
                                                        "L4_L5_extension: 0, L3_L4_extension: 0, L2_L3_extension: 0, "
                                                        "L1_L2_extension: 0, T12_L1_extension: 0, neck_flexion: 0, shoulder_flexion: 0, elbow_flexion: 10}\n"));
  const auto r = dembones({"run", (dir / "three.yaml").string(), "-o", (dir / "three.h5").string(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("field 'task.file': motion file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("has 3 data rows; a run needs at least 4"), std::string::npos) << r.output;
  // Time in milliseconds (a 2.4 s trial read as 2400 s).
  write(dir / "three.csv", "time,hip_flexion\n0,0\n800,0.01\n1600,0.02\n2400,0.03\n");
  const auto ms = dembones({"run", (dir / "three.yaml").string(), "-o", (dir / "three.h5").string(), "-q"});
  EXPECT_EQ(ms.exit_code, 2) << ms.output;
  EXPECT_NE(ms.output.find("spans 2400 s, a sample every 800 s: is its time column in milliseconds?"), std::string::npos)
      << ms.output;
  // Rows missing in the middle: the gap is named (it was interpolated straight across; audit); a
  // dropped frame or two is sampling, not a gap.
  std::string rows = "time,hip_flexion\n";
  for (int i = 0; i <= 20; ++i) rows += fmt::format("{:g},{:g}\n", (i < 10 ? 0.01 * i : 5.0 + 0.01 * i), 0.01 * i);
  write(dir / "three.csv", rows);
  const auto gap = dembones({"validate", (dir / "three.yaml").string()});
  EXPECT_EQ(gap.exit_code, 2) << gap.output;
  EXPECT_NE(gap.output.find("has no rows from t = 0.09 s to 5.1 s"), std::string::npos) << gap.output;
  rows = "time,hip_flexion\n";
  for (int i = 0; i <= 20; ++i)
    if (i != 7 && i != 8) rows += fmt::format("{:g},{:g}\n", 0.01 * i, 0.01 * i);
  write(dir / "three.csv", rows);
  const auto dropped = dembones({"validate", (dir / "three.yaml").string()});
  EXPECT_EQ(dropped.exit_code, 0) << dropped.output;
}

}  // namespace
}  // namespace dembones
