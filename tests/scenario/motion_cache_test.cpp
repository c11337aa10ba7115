// Runs that differ only in what the generated motion does not depend on (muscle and nerve-root
// impairments, the solver's other settings) share one generated motion (ModelCache::find_motion): the
// shared motion must be the one the run generates alone, to the bit, and a change of what the motion
// depends on (the task, a posture impairment, the frame rate) must generate it again.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

bool same_bits(const MatX& a, const MatX& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

void expect_same_kinematics(const KinematicSeries& a, const KinematicSeries& b) {
  ASSERT_GT(a.frames(), 3);
  EXPECT_TRUE(same_bits(a.time, b.time));
  EXPECT_TRUE(same_bits(a.q, b.q));
  EXPECT_TRUE(same_bits(a.qd, b.qd));
  EXPECT_TRUE(same_bits(a.qdd, b.qdd));
}

// The shipped stoop lift at 50 Hz (short_scenario's rate), then the overrides.
ScenarioSpec lift(const std::vector<std::string>& overrides) {
  std::vector<Override> o{parse_override("solver.rate_hz=50")};
  for (const std::string& text : overrides) o.push_back(parse_override(text));
  return load_scenario((scenario_test::kScenarios / "stoop_lift.yaml").string(), o);
}

TEST(MotionCache, MuscleImpairmentsShareTheMotionTheRunGeneratesAlone) {
  ModelCache shared;
  const auto intact = prepare_run(lift({"impairments=[]"}), shared);
  EXPECT_EQ(shared.motion_hits(), 0);
  // Muscle and nerve-root impairments and the static optimization's settings: the same motion.
  const ScenarioSpec impaired = lift({"impairments=[{type: weak_muscle, muscles: erector_spinae, strength_scale: 0.5}, "
                                      "{type: nerve_root, root: L4, activation_cap: 0.3}]",
                                      "solver.exponent=3"});
  const auto hit = prepare_run(impaired, shared);
  EXPECT_EQ(shared.motion_hits(), 1);
  ModelCache fresh;
  const auto alone = prepare_run(impaired, fresh);
  EXPECT_EQ(fresh.motion_hits(), 0);
  expect_same_kinematics(hit->kinematics, alone->kinematics);
  expect_same_kinematics(hit->kinematics, intact->kinematics);
  // And the run's loads on it are the run's alone.
  Pipeline p1(hit->msm, pipeline_settings(impaired.solver)), p2(alone->msm, pipeline_settings(impaired.solver));
  const RunRecord a = execute_run(*hit, p1), b = execute_run(*alone, p2);
  EXPECT_TRUE(a.tension == b.tension);
  EXPECT_TRUE(a.reserve == b.reserve);
}

TEST(MotionCache, WhatTheMotionDependsOnGeneratesItAgain) {
  ModelCache shared;
  const auto base = prepare_run(lift({}), shared);
  for (const std::vector<std::string>& change :
       {std::vector<std::string>{"task.box.mass_kg=12"}, {"impairments=[{type: posture, pelvic_tilt_deg: 10}]"},
        {"solver.rate_hz=40"}, {"solver.filter_cutoff_hz=4"}, {"subject.height_m=1.8"}, {"task.technique=squat"}}) {
    const int hits = shared.motion_hits();
    const auto other = prepare_run(lift(change), shared);
    EXPECT_EQ(shared.motion_hits(), hits) << change[0];
    EXPECT_FALSE(same_bits(other->kinematics.q, base->kinematics.q) && same_bits(other->kinematics.qd, base->kinematics.qd))
        << change[0];
  }
  // The first lift again: found.
  const int hits = shared.motion_hits();
  const auto again = prepare_run(lift({}), shared);
  EXPECT_EQ(shared.motion_hits(), hits + 1);
  expect_same_kinematics(again->kinematics, base->kinematics);
}

}  // namespace
}  // namespace dembones
