// Prescribed low-point posture of a lift or lower (task.low_point_knee_deg, low_point_hip_deg,
// low_point_trunk_inclination_deg; task_spec.hpp, docs/scenarios.md): the motion's low point has the
// requested angles (the trunk on the hip-to-shoulder line), the rest of the lift still ends standing,
// prescribing what the technique reaches anyway changes nothing, and a request the joint ranges, the
// box and balance cannot meet stops with an InputError naming the file, line and field and the angle
// reached.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::kDeg;
// Also covers the run's low-pass filtered kinematics of a lift (its first frame).
constexpr double kFrameTolerance_rad = scenario_test::kPrescribedFrameTolerance_rad;

std::string scenario(const char* name) { return scenario_test::validation_scenario(name); }

std::unique_ptr<PreparedRun> run_with(const std::string& file, const std::vector<std::string>& overrides) {
  std::vector<Override> o;
  for (const std::string& s : overrides) o.push_back(parse_override(s));
  o.push_back(parse_override("solver.rate_hz=50"));
  ModelCache models;
  return prepare_run(load_scenario(file, o), models);
}

// Clinical angle (flexion positive) of a posture variable at frame f: q = offset + r θ.
double clinical_angle(const PreparedRun& run, int var, int f) {
  const PostureVariable& v = run.rig.vars[var];
  return run.kinematics.q(f, v.coords[0]) / v.ratios[0];
}

// Inclination of the line from the hip joint centre to the shoulder joint centre at frame f.
double trunk_line_at(const PreparedRun& run, int f) {
  LineInclinationTarget l;
  l.body_a = run.rig.hip_body;
  l.p_a_B = run.rig.hip_point_B;
  l.body_b = run.msm.model.velocity_body[run.rig.vars[run.rig.shoulder].coords[0]];
  Data d(run.msm.model);
  forward_kinematics(run.msm.model, d, run.kinematics.q.row(f).transpose());
  return calc_line_inclination(d, l);
}

// A lift starts at its low point (the validation lifts pause there for 0.2 s first).
constexpr int kLowFrame = 0;

// Dreischarf et al. 2016's squat (knees 45 deg, trunk 39 deg) on the 15 kg squat lift, whose own low
// point is far deeper (the knee near the end of its range). With that posture the lifter's hands reach
// down to about 0.6 m (a box 0.20 m above the floor is refused: the last test), so the box starts there.
TEST(LowPointPosture, SquatWithPrescribedKneeAndTrunkHoldsThemAtTheLowPoint) {
  const auto free = run_with(scenario("vonarx_squat_15kg.yaml"), {"task.start.height_m=0.60"});
  const auto set = run_with(scenario("vonarx_squat_15kg.yaml"), {"task.start.height_m=0.60", "task.low_point_knee_deg=45",
                                                                 "task.low_point_trunk_inclination_deg=39"});
  const TaskSpec& task = set->scenario.task;
  ASSERT_TRUE(task.low_point_knee_flexion.has_value());
  EXPECT_NEAR(task.low_point_knee_flexion->rad, 45.0 * kDeg, 1e-12);
  ASSERT_TRUE(task.low_point_trunk_inclination.has_value());
  EXPECT_FALSE(task.low_point_hip_flexion.has_value());
  ASSERT_GT(clinical_angle(*free, free->rig.knee, kLowFrame), 80.0 * kDeg)
      << "the default must differ from the request for the test to mean anything";
  EXPECT_NEAR(clinical_angle(*set, set->rig.knee, kLowFrame), 45.0 * kDeg, kFrameTolerance_rad);
  EXPECT_NEAR(trunk_line_at(*set, kLowFrame), 39.0 * kDeg, kFrameTolerance_rad);
  // The lift still ends standing.
  const int last = static_cast<int>(set->kinematics.frames()) - 1;
  EXPECT_LT(clinical_angle(*set, set->rig.knee, last), 10.0 * kDeg);
  EXPECT_LT(trunk_line_at(*set, last), 20.0 * kDeg);
}

// A squat asked for Dreischarf et al.'s knee angle alone, from the box 0.20 m above the floor: the reach
// from standing ended in another branch of the IK (leaning back, hips and lumbar spine at their
// extension limits, the knees at 5 deg) and the run stopped, "it reaches 5.2 deg", though the posture
// exists (the stoop and the semi-squat reach the box with 45 deg). The reach is now made again through
// the stoop's posture at the box, as a squat without a prescribed angle already was.
TEST(LowPointPosture, SquatWithAPrescribedKneeAngleReachesAFloorBox) {
  const auto set = run_with(scenario("vonarx_squat_15kg.yaml"), {"task.low_point_knee_deg=45"});
  EXPECT_NEAR(clinical_angle(*set, set->rig.knee, kLowFrame), 45.0 * kDeg, kFrameTolerance_rad);
  // Bent at the hips, not leaning back: the hips flexed well past 45 deg and the spine not extended.
  EXPECT_GT(clinical_angle(*set, set->rig.hip, kLowFrame), 60.0 * kDeg);
  EXPECT_GT(clinical_angle(*set, set->rig.lumbar, kLowFrame), 0.0);
  const int last = static_cast<int>(set->kinematics.frames()) - 1;
  EXPECT_LT(clinical_angle(*set, set->rig.knee, last), 10.0 * kDeg);
}

// Dreischarf et al.'s stoop (knees 10 deg, trunk 52 deg) and a hip angle on a lower (the low point is
// then the motion's end).
TEST(LowPointPosture, StoopAndLowerHoldThePrescribedAngles) {
  const auto stoop = run_with(scenario("vonarx_stoop_15kg.yaml"), {"task.start.height_m=0.60", "task.low_point_knee_deg=10",
                                                                   "task.low_point_trunk_inclination_deg=52"});
  EXPECT_NEAR(clinical_angle(*stoop, stoop->rig.knee, kLowFrame), 10.0 * kDeg, kFrameTolerance_rad);
  EXPECT_NEAR(trunk_line_at(*stoop, kLowFrame), 52.0 * kDeg, kFrameTolerance_rad);

  const auto lower = run_with(scenario("vonarx_squat_15kg.yaml"), {"task.type=lower", "task.low_point_hip_deg=100"});
  const int last = static_cast<int>(lower->kinematics.frames()) - 1;
  EXPECT_NEAR(clinical_angle(*lower, lower->rig.hip, last), 100.0 * kDeg, kFrameTolerance_rad);
  EXPECT_LT(clinical_angle(*lower, lower->rig.knee, 0), 10.0 * kDeg);  // a lower starts standing
}

// Prescribing the knee angle the technique reaches anyway leaves the motion where it was: the field
// adds a target at the default's own optimum and replaces the squat's weak knee preference (0.1 per
// rad), nothing else. (A stoop's strong pull toward straight knees, 30 per rad, would be replaced too,
// which moves its knee by a fraction of a degree: not this test's point.)
TEST(LowPointPosture, PrescribingTheDefaultKneeAngleChangesNothing) {
  const auto free = run_with(scenario("vonarx_squat_15kg.yaml"), {});
  EXPECT_FALSE(free->scenario.task.low_point_knee_flexion.has_value());
  EXPECT_FALSE(free->scenario.task.low_point_hip_flexion.has_value());
  EXPECT_FALSE(free->scenario.task.low_point_trunk_inclination.has_value());
  const double knee_deg = clinical_angle(*free, free->rig.knee, kLowFrame) / kDeg;
  const auto set = run_with(scenario("vonarx_squat_15kg.yaml"), {fmt::format("task.low_point_knee_deg={:.6f}", knee_deg)});
  ASSERT_EQ(set->kinematics.frames(), free->kinematics.frames());
  double max_diff = 0.0;
  for (int f = 0; f < free->kinematics.frames(); ++f)
    max_diff = std::max(max_diff, (set->kinematics.q.row(f) - free->kinematics.q.row(f)).cwiseAbs().maxCoeff());
  EXPECT_LT(max_diff, 0.05 * kDeg);
}

// The fields belong to lifts and lowers: elsewhere they are refused as fields of other tasks; out of the
// human range they are refused when read.
TEST(LowPointPosture, FieldsAreReadOnlyForLiftsAndInRange) {
  try {
    load_scenario(scenario("sit_to_stand.yaml"), {parse_override("task.low_point_knee_deg=45")});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("does not apply to a sit_to_stand task (it is a field of: lift, lower)"),
              std::string::npos)
        << e.what();
  }
  try {
    load_scenario(scenario("vonarx_squat_15kg.yaml"), {parse_override("task.low_point_trunk_inclination_deg=130")});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.low_point_trunk_inclination_deg");
    EXPECT_NE(std::string(e.what()).find("expected a number from 0 to 120"), std::string::npos) << e.what();
  }
}

// A copy of a validation scenario with extra task fields written into the file (so that they have a
// line), in the test's temporary directory; returns its path and the line of each added field.
struct WrittenScenario {
  std::string path;
  std::vector<int> lines;  // 1-based, in the order of `fields`
};

WrittenScenario write_with_task_fields(const char* base, const std::vector<std::string>& fields) {
  std::ifstream in(scenario(base));
  std::stringstream out;
  std::string line;
  WrittenScenario w;
  int n = 0;
  while (std::getline(in, line)) {
    // Relative paths in the copy: the model from the source tree.
    if (line.rfind("model:", 0) == 0) line = "model: " + (std::filesystem::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml").string();
    out << line << "\n";
    ++n;
    if (line == "task:")
      for (const std::string& f : fields) {
        out << "  " << f << "\n";
        w.lines.push_back(++n);
      }
  }
  w.path = (std::filesystem::path(::testing::TempDir()) / (std::string("low_point_") + base)).string();
  std::ofstream(w.path) << out.str();
  return w;
}

// Within the human range, outside the model's knee range (120 deg): refused naming the field, line and
// the model's range.
TEST(LowPointPosture, AngleOutsideTheModelsJointRangeNamesFileLineAndField) {
  const WrittenScenario w = write_with_task_fields("vonarx_squat_15kg.yaml", {"low_point_knee_deg: 130"});
  try {
    run_with(w.path, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, w.path);
    EXPECT_EQ(e.where().line, w.lines[0]);
    EXPECT_EQ(e.where().field, "task.low_point_knee_deg");
    EXPECT_NE(std::string(e.what()).find("joint range"), std::string::npos) << e.what();
  }
}

// Straight knees with an upright trunk cannot bring the hands down to a box 0.20 m above the floor:
// the generator does not silently bend the knees or the trunk further, it stops naming the field that
// gave way and the angle it reached.
TEST(LowPointPosture, UnreachableCombinationNamesFileLineFieldAndAngleReached) {
  const WrittenScenario w = write_with_task_fields(
      "vonarx_stoop_15kg.yaml", {"low_point_knee_deg: 5", "low_point_trunk_inclination_deg: 20"});
  try {
    run_with(w.path, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, w.path);
    const bool knee = e.where().field == "task.low_point_knee_deg";
    const bool trunk = e.where().field == "task.low_point_trunk_inclination_deg";
    EXPECT_TRUE(knee || trunk) << e.what();
    EXPECT_EQ(e.where().line, knee ? w.lines[0] : w.lines[1]);
    const std::string what = e.what();
    EXPECT_TRUE(what.find("reaches") != std::string::npos || what.find("cannot reach") != std::string::npos) << what;
  }
  // Dreischarf et al.'s squat posture cannot reach a box 0.20 m above the floor either; set by --set,
  // the error names the override.
  try {
    run_with(scenario("vonarx_squat_15kg.yaml"), {"task.low_point_knee_deg=45", "task.low_point_trunk_inclination_deg=39"});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file.rfind("--set task.low_point_", 0), 0u) << e.what();
    EXPECT_EQ(e.where().line, 0);
    EXPECT_NE(std::string(e.what()).find("reaches"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dembones

namespace dembones {
namespace {

// A value set from outside the file (a sweep's varied field) is located where that was written; the
// field keeps its own dotted path, and angles elsewhere keep their lines.
TEST(LowPointPosture, RelocatedAnglesNameTheOverrideAndKeepTheirField) {
  const WrittenScenario w =
      write_with_task_fields("vonarx_squat_15kg.yaml", {"low_point_knee_deg: 45", "low_point_hip_deg: 100"});
  ScenarioSpec s = load_scenario(w.path);
  ASSERT_TRUE(s.task.low_point_knee_flexion && s.task.low_point_hip_flexion);
  EXPECT_EQ(s.task.low_point_knee_flexion->where.line, w.lines[0]);
  relocate_prescribed_angles(s, "task.low_point_knee_deg", Location{"sweep.yaml", 7, 5, "vary[0]"});
  EXPECT_EQ(s.task.low_point_knee_flexion->where.file, "sweep.yaml");
  EXPECT_EQ(s.task.low_point_knee_flexion->where.line, 7);
  EXPECT_EQ(s.task.low_point_knee_flexion->where.field, "task.low_point_knee_deg");
  EXPECT_EQ(s.task.low_point_hip_flexion->where.file, w.path);
  EXPECT_EQ(s.task.low_point_hip_flexion->where.line, w.lines[1]);
  relocate_prescribed_angles(s, "task", Location{"sweep.yaml", 9, 1, ""});  // a whole mapping set
  EXPECT_EQ(s.task.low_point_hip_flexion->where.line, 9);
}

}  // namespace
}  // namespace dembones
