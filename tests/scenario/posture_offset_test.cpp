// A posture impairment's offsets (scenario_runner.cpp): an anterior pelvic tilt flexes the hip and
// extends the spine by the same angle, so the thorax keeps its orientation, however many levels the
// lumbar rhythm moves (the lifter's T12/L1 moves on top of the five lumbar levels, whose ratios sum to
// 1); a lumbar flexion offset flexes L1-S1 by its angle, T12/L1 following at its ratio.
#include <gtest/gtest.h>

#include <string>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::kDeg;

const char* const kLumbar[] = {"L5_S1_extension", "L4_L5_extension", "L3_L4_extension", "L2_L3_extension",
                               "L1_L2_extension"};

struct Offsets {
  double hip, lumbar, t12;  // rad: hip flexion, L1-S1 extension, T12/L1 extension
};

Offsets offsets(const std::string& impairment) {
  ModelCache models;
  const auto run = prepare_run(scenario_test::short_scenario("stand.yaml", {parse_override("impairments=[" + impairment + "]")}), models);
  const Model& m = run->msm.model;
  Offsets o{run->rig.q_offset(m.find_coordinate("hip_flexion")), 0.0, run->rig.q_offset(m.find_coordinate("T12_L1_extension"))};
  for (const char* level : kLumbar) o.lumbar += run->rig.q_offset(m.find_coordinate(level));
  return o;
}

TEST(PostureOffset, PelvicTiltKeepsTheThoraxWhereItWas) {
  const Offsets o = offsets("{type: posture, pelvic_tilt_deg: 10}");
  EXPECT_NEAR(o.hip, 10.0 * kDeg, 1e-12);
  EXPECT_NEAR(o.lumbar + o.t12, 10.0 * kDeg, 1e-12) << "the spine extends by the tilt, T12/L1 included";
  EXPECT_GT(o.t12, 0.0);
  EXPECT_NEAR(o.t12 / o.lumbar, 4.95 / 6.85 * 0.255, 1e-3) << "shared by the rhythm (T12/L1 at 0.72 of L1/L2)";
}

TEST(PostureOffset, LumbarFlexionFlexesL1ToS1ByItsAngle) {
  const Offsets o = offsets("{type: posture, lumbar_flexion_deg: 10}");
  EXPECT_NEAR(o.hip, 0.0, 1e-12);
  EXPECT_NEAR(o.lumbar, -10.0 * kDeg, 1e-12);
  EXPECT_LT(o.t12, 0.0);
}

// The IK's limits of θ move with the offsets: q = q_offset + r θ stays in the model's ranges. With a
// 20 deg anterior tilt a squat's hip flexion reached 140 deg against the model's 120, unreported (review).
TEST(PostureOffset, TheOffsetPostureStaysInTheModelsRanges) {
  ModelCache models;
  const auto run = prepare_run(
      scenario_test::short_scenario("squat_lift.yaml", {parse_override("impairments=[{type: posture, pelvic_tilt_deg: 20}]")}),
      models);
  const Model& m = run->msm.model;
  const int hip = m.find_coordinate("hip_flexion");
  const double hip_max = run->built->q_max(hip);
  EXPECT_LE(run->kinematics.q.col(hip).maxCoeff(), hip_max + 0.5 * kDeg) << "filtered frames may round a held end";
  EXPECT_GT(run->kinematics.q.col(hip).maxCoeff(), hip_max - 2.0 * kDeg) << "the squat still reaches the limit";
  const PostureVariable& v = run->rig.vars[static_cast<std::size_t>(run->rig.hip)];
  EXPECT_NEAR(run->rig.q_offset(hip) + v.ratios[0] * v.upper, hip_max, 1e-12);
  for (Eigen::Index c = 0; c < m.nq; ++c) {
    EXPECT_GE(run->kinematics.q.col(c).minCoeff(), run->built->q_min(c) - 0.5 * kDeg) << m.coordinate_names[c];
    EXPECT_LE(run->kinematics.q.col(c).maxCoeff(), run->built->q_max(c) + 0.5 * kDeg) << m.coordinate_names[c];
  }
}

// An offset posture outside the model's ranges is refused, naming the impairment, not capped (a 30 deg
// tilt with -30 deg of lumbar flexion stood as the tilt alone, review).
TEST(PostureOffset, AnOffsetPostureBeyondTheRangesIsRefused) {
  ModelCache models;
  try {
    prepare_run(scenario_test::short_scenario(
                    "stand.yaml", {parse_override("impairments=[{type: posture, pelvic_tilt_deg: 30, "
                                                  "lumbar_flexion_deg: -30}]")}),
                models);
    FAIL() << "an offset posture beyond the lumbar ranges was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "impairments[0]") << e.what();
    EXPECT_NE(e.message().find("outside the model's range"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(prepare_run(scenario_test::short_scenario(
                                  "stand.yaml", {parse_override("impairments=[{type: posture, pelvic_tilt_deg: 30}]")}),
                              models));
}

}  // namespace
}  // namespace dembones
