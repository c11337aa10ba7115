#pragma once
// A loaded squat reach for the posture IK on the lifter: 41 solves moving the hand from 1.0 m down to
// 0.2 m (step 20) and back, 0.35 m in front of the ankle, with a 15 kg load, a trunk target, the balance
// band and (after the first step) the smoothness pull. tests/scenario/planar_kinematics_test.cpp solves
// it with both kinematics; bench/pipeline/lifter_posture_ik_bench.cpp times it. No gtest here: the
// benchmark includes it too.
#include "scenario/posture_ik.hpp"

namespace dembones::squat_reach {

inline constexpr int kSteps = 41;

// The targets that hold for every step (hand and smoothness are set by set_step).
inline PostureTargets targets(const TaskRig& rig) {
  PostureTargets t;
  t.preferred = VecX::Zero(rig.nvars());
  t.weights = VecX::Constant(rig.nvars(), 0.5);
  t.weights(rig.knee) = 30.0;
  t.preferred(rig.knee) = 1.2;
  t.trunk_inclination = 0.3;
  t.trunk_weight = 10.0;
  t.com_lo = rig.heel_x + 0.03;
  t.com_hi = rig.heel_x + 0.12;
  t.load_mass_kg = 15.0;
  return t;
}

// Step i (0 .. kSteps - 1): its hand target and smoothness weight set in t, then one solve from theta
// (tolerance 1e-8 rad; the first step starts cold, initial damping 1e-3, the others warm, 1e-6).
inline PostureResult solve_step(PostureSolver& solver, const TaskRig& rig, int i, PostureTargets& t, VecX& theta,
                                const VecX& prev) {
  const double s = i <= 20 ? i / 20.0 : (40 - i) / 20.0;
  t.hand = Eigen::Vector2d(rig.ankle_W.x() + 0.35, 1.0 - 0.8 * s);
  t.smooth_weight = i > 0 ? 5.0 : 0.0;
  return solver.solve(t, theta, prev, 1e-8, i > 0 ? 1e-6 : 1e-3);
}

}  // namespace dembones::squat_reach
