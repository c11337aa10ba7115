// A motion_file task reads joint angles against the model (scenario/motion_file.hpp): columns named
// like its coordinates, or mapped to them, in the file's units; a column that drives nothing, a
// coordinate that nothing drives and a value outside the model's range are errors naming where, not a
// posture silently held at zero (before, an OpenSim gait model's `knee_angle_r` columns ran as a
// standing subject, and a CSV in degrees ran into an internal error).
#include "scenario/motion_file.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>
#include <string>

#include "common/temp_dir.hpp"
#include "multibody/sample_models.hpp"

namespace dembones {
namespace {

using test_support::TempDir;

constexpr double kDeg = std::numbers::pi / 180.0;

// Three revolute coordinates q1..q3; q2's range is -0.5 to 0.2 rad, the others unlimited.
struct Chain {
  Model model = samples::chain(3);
  VecX q_min = VecX::Constant(3, -std::numeric_limits<double>::infinity());
  VecX q_max = VecX::Constant(3, std::numeric_limits<double>::infinity());
  Chain() {
    q_min(1) = -0.5;
    q_max(1) = 0.2;
  }
};

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

MotionFileSpec spec_for(const std::filesystem::path& file) {
  MotionFileSpec s;
  s.file = file.string();
  s.where = Location{"scenario.yaml", 7, 9, "task.file"};
  return s;
}

// The error's text, or "" when the read succeeds.
std::string error_of(const MotionFileSpec& s, const Chain& c) {
  try {
    read_motion_file(s, c.model, c.q_min, c.q_max);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

const char* kMotDegrees =
    "walk\nversion=1\nnRows=3\nnColumns=4\ninDegrees=yes\nendheader\n"
    "time\tq1\tq2\tq3\n0\t10\t-20\t30\n0.01\t11\t-21\t31\n0.02\t12\t-22\t32\n";

TEST(MotionFile, ColumnsNamedLikeTheCoordinatesAreReadInTheFilesUnits) {
  TempDir dir;
  write(dir / "m.mot", kMotDegrees);
  const Chain c;
  const MotionSamples m = read_motion_file(spec_for(dir / "m.mot"), c.model, c.q_min, c.q_max);
  ASSERT_EQ(m.q.rows(), 3);
  EXPECT_DOUBLE_EQ(m.time(2), 0.02);
  EXPECT_NEAR(m.q(0, 0), 10 * kDeg, 1e-15);
  EXPECT_NEAR(m.q(2, 1), -22 * kDeg, 1e-15);
  EXPECT_NEAR(m.q(1, 2), 31 * kDeg, 1e-15);
}

TEST(MotionFile, AnOpenSimSideSuffixIsAnErrorUntilTheColumnIsMapped) {
  TempDir dir;
  write(dir / "r.csv", "time,q1_r,q2_r,q3,pelvis_tx\n0,0.1,-0.1,0.3,1\n0.01,0.1,-0.1,0.3,1\n");
  const Chain c;
  MotionFileSpec s = spec_for(dir / "r.csv");
  const std::string e = error_of(s, c);
  EXPECT_NE(e.find("scenario.yaml:7:9: field 'task.file'"), std::string::npos) << e;
  EXPECT_NE(e.find("'q1_r' (did you mean 'q1'?)"), std::string::npos) << e;
  EXPECT_NE(e.find("'pelvis_tx'"), std::string::npos) << e;
  EXPECT_NE(e.find("task.ignore_columns"), std::string::npos) << e;

  s.columns = {{"q1", "q1_r"}, {"q2", "q2_r"}};
  s.columns_where = {{"q1", Location{"scenario.yaml", 8, 1, "task.columns.q1"}},
                     {"q2", Location{"scenario.yaml", 8, 9, "task.columns.q2"}}};
  EXPECT_NE(error_of(s, c).find("'pelvis_tx'"), std::string::npos);  // still unused
  s.ignore_columns = {"pelvis_tx"};
  const MotionSamples m = read_motion_file(s, c.model, c.q_min, c.q_max);  // CSV: radians
  EXPECT_DOUBLE_EQ(m.q(1, 0), 0.1);
  EXPECT_DOUBLE_EQ(m.q(1, 1), -0.1);
  EXPECT_DOUBLE_EQ(m.q(1, 2), 0.3);

  s.columns["q3"] = "q3_typo";
  s.columns_where["q3"] = Location{"scenario.yaml", 8, 20, "task.columns.q3"};
  const std::string typo = error_of(s, c);
  EXPECT_NE(typo.find("task.columns.q3"), std::string::npos) << typo;
  EXPECT_NE(typo.find("no column 'q3_typo'"), std::string::npos) << typo;
}

// A column named like a coordinate that task.columns maps to another column: which column drives it
// (was "'q2' (did you mean 'q2'?)", audit).
TEST(MotionFile, AColumnWhoseCoordinateIsMappedElsewhereSaysSo) {
  TempDir dir;
  const Chain c;
  write(dir / "m.csv", "time,q1,q2,q3\n0,0,0,0\n0.01,0,0.1,0\n");
  MotionFileSpec s = spec_for(dir / "m.csv");
  s.columns["q2"] = "q3";
  s.columns_where["q2"] = Location{"scenario.yaml", 8, 12, "task.columns.q2"};
  const std::string e = error_of(s, c);
  EXPECT_NE(e.find("'q2' (coordinate 'q2' takes column 'q3' by task.columns)"), std::string::npos) << e;
  EXPECT_EQ(e.find("did you mean 'q2'"), std::string::npos) << e;
}

TEST(MotionFile, ACoordinateNothingDrivesIsAnErrorUnlessHeldFixed) {
  TempDir dir;
  write(dir / "two.csv", "time,q1,q2\n0,0.1,-0.1\n0.01,0.2,-0.2\n");
  const Chain c;
  MotionFileSpec s = spec_for(dir / "two.csv");
  const std::string e = error_of(s, c);
  EXPECT_NE(e.find("gives no column for coordinate q3"), std::string::npos) << e;
  EXPECT_NE(e.find("task.fixed_deg: {q3: 0}"), std::string::npos) << e;
  s.fixed["q3"] = PrescribedAngle{45 * kDeg, Location{"scenario.yaml", 9, 1, "task.fixed_deg.q3"}};
  const MotionSamples m = read_motion_file(s, c.model, c.q_min, c.q_max);
  EXPECT_DOUBLE_EQ(m.q(0, 2), 45 * kDeg);
  EXPECT_DOUBLE_EQ(m.q(1, 2), 45 * kDeg);
  // A coordinate the file drives cannot also be held.
  s.fixed["q1"] = PrescribedAngle{0.0, Location{"scenario.yaml", 9, 9, "task.fixed_deg.q1"}};
  EXPECT_NE(error_of(s, c).find("task.fixed_deg.q1"), std::string::npos);
}

TEST(MotionFile, AValueOutsideTheModelsRangeNamesTheLineAndColumn) {
  TempDir dir;
  const Chain c;
  // Radians, q2 past its upper limit (0.2 rad) on the third data row (line 4).
  write(dir / "oor.csv", "time,q1,q2,q3\n0,0,0,0\n0.01,0,0.1,0\n0.02,0,0.3,0\n");
  std::string e = error_of(spec_for(dir / "oor.csv"), c);
  EXPECT_NE(e.find("oor.csv:4: field 'q2'"), std::string::npos) << e;
  EXPECT_NE(e.find("outside the model's range of 'q2'"), std::string::npos) << e;
  // Within the tolerance of the range (the generator's motions graze their limits): read.
  write(dir / "graze.csv", "time,q1,q2,q3\n0,0,0.2001,0\n0.01,0,-0.5001,0\n");
  EXPECT_EQ(error_of(spec_for(dir / "graze.csv"), c), "");
  // Degrees read as radians: the message says how the units are read.
  write(dir / "deg.csv", "time,q1,q2,q3\n0,0,-20,0\n0.01,0,-21,0\n");
  e = error_of(spec_for(dir / "deg.csv"), c);
  EXPECT_NE(e.find("deg.csv:2: field 'q2'"), std::string::npos) << e;
  EXPECT_NE(e.find("are its angles in degrees?"), std::string::npos) << e;
  // A value that is not a number.
  write(dir / "nan.csv", "time,q1,q2,q3\n0,0,0,0\n0.01,nan,0,0\n");
  e = error_of(spec_for(dir / "nan.csv"), c);
  EXPECT_NE(e.find("nan.csv:3: field 'q1'"), std::string::npos) << e;
  EXPECT_NE(e.find("(t = 0.01 s): a gap in the capture? Fill it"), std::string::npos) << e;
}

TEST(MotionFile, TimeMustIncreaseAndTheFileMustExist) {
  TempDir dir;
  const Chain c;
  write(dir / "t.csv", "time,q1,q2,q3\n0,0,0,0\n0.02,0,0,0\n0.01,0,0,0\n");
  const std::string e = error_of(spec_for(dir / "t.csv"), c);
  EXPECT_NE(e.find("t.csv:4: field 'time'"), std::string::npos) << e;
  EXPECT_NE(e.find("does not increase"), std::string::npos) << e;
  const std::string missing = error_of(spec_for(dir / "gone.mot"), c);
  EXPECT_NE(missing.find("scenario.yaml:7:9: field 'task.file'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;
}

// A coordinate of a coupling that the file does not give follows the coupling from the members it
// gives (as OpenSim's CoordinateCouplerConstraint sets a dependent coordinate): q3 coupled to q1 and q2
// at ratios 0.5, 0.25, 0.2; a file with q1 and q2 on that rhythm gives q3 = 0.2 θ exactly. Without the
// coupling the missing column is an error, as before.
TEST(MotionFile, ACoupledCoordinateTheFileLacksFollowsItsCoupling) {
  TempDir dir;
  write(dir / "c.mot",
        "walk\nversion=1\nnRows=2\nnColumns=3\ninDegrees=yes\nendheader\n"
        "time\tq1\tq2\n0\t10\t5\n0.01\t-20\t-10\n");
  const Chain c;
  const std::vector<CoordinateCoupling> rhythm = {{"rhythm", {0, 1, 2}, {0.5, 0.25, 0.2}}};
  const MotionSamples m = read_motion_file(spec_for(dir / "c.mot"), c.model, c.q_min, c.q_max, rhythm);
  EXPECT_NEAR(m.q(0, 2), 0.2 * 20.0 * kDeg, 1e-12);  // theta = 10 deg / 0.5
  EXPECT_NEAR(m.q(1, 2), 0.2 * -40.0 * kDeg, 1e-12);
  EXPECT_NEAR(m.q(1, 1), -10.0 * kDeg, 1e-12);  // the given members are kept
  EXPECT_NE(error_of(spec_for(dir / "c.mot"), c).find("gives no column for coordinate q3"), std::string::npos);
}

// One measured angle drives a whole coupling (an OpenSim gait model's lumbar_extension for the lifter's
// lumbar rhythm): task.columns maps the coupling's name to the column, its angle θ; each member is
// r_k θ. A value whose member falls outside the model's range names the line and the column.
TEST(MotionFile, AColumnMappedToACouplingDrivesItsMembers) {
  TempDir dir;
  write(dir / "g.mot",
        "walk\nversion=1\nnRows=2\nnColumns=3\ninDegrees=yes\nendheader\n"
        "time\tq1\tlumbar_extension\n0\t10\t-20\n0.01\t11\t-30\n");
  const Chain c;
  const std::vector<CoordinateCoupling> rhythm = {{"rhythm", {1, 2}, {0.6, 0.4}}};
  MotionFileSpec s = spec_for(dir / "g.mot");
  s.columns["rhythm"] = "lumbar_extension";
  s.columns_where["rhythm"] = Location{"scenario.yaml", 9, 5, "task.columns.rhythm"};
  const MotionSamples m = read_motion_file(s, c.model, c.q_min, c.q_max, rhythm);
  EXPECT_NEAR(m.q(0, 1), 0.6 * -20.0 * kDeg, 1e-12);
  EXPECT_NEAR(m.q(1, 2), 0.4 * -30.0 * kDeg, 1e-12);
  EXPECT_NEAR(m.q(1, 0), 11.0 * kDeg, 1e-12);
  // q2's range ends at -0.5 rad (-28.6 deg): 0.6 x -50 deg = -30 deg is outside it.
  write(dir / "g.mot",
        "walk\nversion=1\nnRows=2\nnColumns=3\ninDegrees=yes\nendheader\n"
        "time\tq1\tlumbar_extension\n0\t10\t-20\n0.01\t11\t-50\n");
  std::string e;
  try {
    read_motion_file(s, c.model, c.q_min, c.q_max, rhythm);
  } catch (const InputError& x) {
    e = x.what();
  }
  EXPECT_NE(e.find("g.mot:9: field 'lumbar_extension': -50 deg (t = 0.01 s) is outside the model's range of 'q2'"),
            std::string::npos) << e;
  EXPECT_NE(e.find("the column times its share 0.6"), std::string::npos) << e;
}

// A coordinate locked in the model (`locked: true`) needs no column: it holds its default value. A
// column, when there is one, still drives it.
TEST(MotionFile, ALockedCoordinateWithoutAColumnHoldsItsValue) {
  TempDir dir;
  write(dir / "two.mot", "two\nversion=1\nnRows=2\nnColumns=3\ninDegrees=yes\nendheader\n"
                         "time\tq1\tq2\n0\t10\t-20\n0.01\t11\t-21\n");
  const Chain c;
  EXPECT_NE(error_of(spec_for(dir / "two.mot"), c).find("gives no column for coordinate q3"), std::string::npos);
  const MotionSamples m = read_motion_file(spec_for(dir / "two.mot"), c.model, c.q_min, c.q_max, {}, {{"q3", 0.25}});
  EXPECT_DOUBLE_EQ(m.q(0, 2), 0.25);
  EXPECT_DOUBLE_EQ(m.q(1, 2), 0.25);
  EXPECT_NEAR(m.q(1, 0), 11 * kDeg, 1e-12);
  write(dir / "m.mot", kMotDegrees);
  const MotionSamples driven = read_motion_file(spec_for(dir / "m.mot"), c.model, c.q_min, c.q_max, {}, {{"q3", 0.25}});
  EXPECT_NEAR(driven.q(1, 2), 31 * kDeg, 1e-12);
}

}  // namespace
}  // namespace dembones
