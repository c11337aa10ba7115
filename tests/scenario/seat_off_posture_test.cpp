// Prescribed seat-off joint angles (task.seat_off_hip_deg, seat_off_knee_deg, seat_off_ankle_deg;
// task_spec.hpp, docs/scenarios.md): the generated seat-off frame has the requested angles when the
// request is consistent with the chair height and balance, and a bad or unreachable request stops with
// an InputError naming the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::kDeg;
constexpr double kFrameTolerance_rad = scenario_test::kPrescribedFrameTolerance_rad;

std::string scenario(const char* name) { return scenario_test::validation_scenario(name); }

// Clinical angle (flexion / dorsiflexion positive) of a posture variable at frame f: q = offset + r θ.
double clinical_angle(const PreparedRun& run, int var, int f) {
  const PostureVariable& v = run.rig.vars[var];
  return run.kinematics.q(f, v.coords[0]) / v.ratios[0];
}

struct Angles {
  double hip, knee, ankle;
};

Angles angles_at(const PreparedRun& run, int f) {
  return {clinical_angle(run, run.rig.hip, f), clinical_angle(run, run.rig.knee, f),
          clinical_angle(run, run.rig.ankle, f)};
}

std::unique_ptr<PreparedRun> run_with(const char* file, const std::vector<std::string>& overrides) {
  std::vector<Override> o;
  for (const std::string& s : overrides) o.push_back(parse_override(s));
  o.push_back(parse_override("solver.rate_hz=50"));
  ModelCache models;
  return prepare_run(load_scenario(scenario(file), o), models);
}

// The sit-to-stand run with one override is refused with an InputError naming `field` and saying `phrase`.
void expect_run_refused(const std::string& override_text, const std::string& field, const std::string& phrase) {
  try {
    run_with("sit_to_stand.yaml", {override_text});
    FAIL() << "expected an InputError for " << override_text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, field);
    EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
  }
}

// On a 52 cm chair the default seat-off has the hip flexed about 109 deg (trunk angles and balance);
// prescribing 104 deg gives 104 deg at the first frame of the rise (the knees and ankles follow).
TEST(SeatOffPosture, PrescribedHipAngleIsTheFirstFrameOfTheRise) {
  const auto free = run_with("sit_to_stand.yaml", {"task.chair_height_m=0.52"});
  const auto set = run_with("sit_to_stand.yaml", {"task.chair_height_m=0.52", "task.seat_off_hip_deg=104"});
  ASSERT_TRUE(set->scenario.task.seat_off_hip_flexion_rad.has_value());
  EXPECT_NEAR(*set->scenario.task.seat_off_hip_flexion_rad, 104.0 * kDeg, 1e-12);
  EXPECT_FALSE(set->scenario.task.seat_off_knee_flexion_rad.has_value());
  EXPECT_FALSE(set->scenario.task.seat_off_ankle_dorsiflexion_rad.has_value());
  const Angles a_free = angles_at(*free, 0), a_set = angles_at(*set, 0);
  ASSERT_GT(a_free.hip, 106.5 * kDeg) << "the default must differ from the request for the test to mean anything";
  EXPECT_NEAR(a_set.hip, 104.0 * kDeg, kFrameTolerance_rad);
  // The motion still ends standing.
  const Angles last = angles_at(*set, set->kinematics.frames() - 1);
  EXPECT_LT(last.knee, 10.0 * kDeg);
  EXPECT_LT(last.hip, 20.0 * kDeg);
}

TEST(SeatOffPosture, PrescribedHipAndKneeAnglesAreTheLastFrameOfSittingDown) {
  const auto run = run_with("stand_to_sit.yaml",
                            {"task.chair_height_m=0.52", "task.seat_off_hip_deg=104", "task.seat_off_knee_deg=95.5"});
  const Angles end = angles_at(*run, run->kinematics.frames() - 1);
  EXPECT_NEAR(end.hip, 104.0 * kDeg, kFrameTolerance_rad);
  EXPECT_NEAR(end.knee, 95.5 * kDeg, kFrameTolerance_rad);
  const Angles first = angles_at(*run, 0);
  EXPECT_LT(first.knee, 10.0 * kDeg);
}

// Within the human range but outside the model's ankle range (dorsiflexion limit 30 deg): the generator
// says so, naming the field.
TEST(SeatOffPosture, AngleOutsideTheModelsJointRangeNamesTheField) {
  expect_run_refused("task.seat_off_ankle_deg=35", "task.seat_off_ankle_deg", "joint range");
}

// A request the chair height and balance cannot meet is not silently replaced by another posture:
// 84 deg of knee flexion on a 45 cm chair would put the hips above the seat or the feet in front of
// the centre of mass.
TEST(SeatOffPosture, UnreachableAngleStopsTheRunNamingTheField) {
  expect_run_refused("task.seat_off_knee_deg=84", "task.seat_off_knee_deg", "reaches");
}

}  // namespace
}  // namespace dembones
