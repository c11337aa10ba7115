// The posture IK on the lifter model converges to its minimum rather than stopping at its iteration
// cap: a standing posture with the centre of mass at the edge of its band (the case that zig-zagged
// for 200 iterations while the solver ignored the penalty's curvature), reached from two different
// starts, is the same posture, and a solve started at the solution stays there.
#include <gtest/gtest.h>

#include <algorithm>

#include "multibody/energy.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

struct LifterIk {
  std::unique_ptr<PreparedRun> run;
  LifterIk() {
    ModelCache models;
    run = prepare_run(scenario_test::short_scenario("stoop_lift.yaml"), models);
  }
  // Standing preferences as the task generator sets them: every joint near neutral, the centre of
  // mass over the middle half of the feet.
  PostureTargets standing() const {
    const TaskRig& rig = run->rig;
    PostureTargets t;
    t.preferred = VecX::Zero(rig.nvars());
    t.weights = VecX::Constant(rig.nvars(), 0.5);
    t.weights(rig.knee) = 30.0;
    t.preferred(rig.knee) = 0.05;
    const double lo = std::min(rig.heel_x, rig.toe_x), hi = std::max(rig.heel_x, rig.toe_x);
    t.com_lo = lo + 0.25 * (hi - lo);
    t.com_hi = hi - 0.25 * (hi - lo);
    t.load_mass_kg = 10.0;
    return t;
  }
};

TEST(PostureIkConvergence, StandingPostureIsReachedFromTwoStartsInFewIterations) {
  const LifterIk ik;
  const TaskRig& rig = ik.run->rig;
  PostureSolver solver(ik.run->msm.model, rig);
  const PostureTargets t = ik.standing();

  VecX a = VecX::Zero(rig.nvars());
  const PostureResult ra = solver.solve(t, a, a);
  VecX b = VecX::Zero(rig.nvars());
  b(rig.hip) = 0.4;
  b(rig.lumbar) = 0.3;
  b(rig.shoulder) = 0.5;
  const PostureResult rb = solver.solve(t, b, b);

  EXPECT_TRUE(ra.converged);
  EXPECT_TRUE(rb.converged);
  // The cap is 200; a Gauss-Newton step that ignores the centre-of-mass penalty's curvature needs it
  // all and still moves 5e-7 rad per iteration at the end.
  EXPECT_LT(ra.iterations, 60);
  EXPECT_LT(rb.iterations, 60);
  EXPECT_LT((a - b).lpNorm<Eigen::Infinity>(), 1e-7) << a.transpose() << "\n" << b.transpose();

  // Restarted at the solution, the solver stays there.
  VecX c = a;
  const PostureResult rc = solver.solve(t, c, c);
  EXPECT_LE(rc.iterations, 3);
  EXPECT_LT((c - a).lpNorm<Eigen::Infinity>(), 1e-9);
}

// The solver evaluates a trial point with positions only and, when it accepts it, adds the
// Jacobians without a second forward kinematics pass: they must be center_of_mass_jacobian's to the
// last bit, at postures across the lift (the knee's moving centre included).
TEST(PostureIkConvergence, JacobianAtCurrentPositionsEqualsTheFullEvaluationBitForBit) {
  const LifterIk ik;
  const Model& model = ik.run->msm.model;
  const KinematicSeries& k = ik.run->kinematics;
  Data fresh(model), reused(model);
  int compared = 0;
  for (int f = 0; f < k.frames(); f += std::max(1, k.frames() / 7)) {
    const VecX q = k.q.row(f).transpose();
    center_of_mass_jacobian(model, fresh, q);
    forward_kinematics(model, reused, q);
    subtree_centers_of_mass(model, reused);
    calc_com_jacobian_at_current_positions(model, reused);
    ASSERT_EQ(fresh.J_W.cols(), reused.J_W.cols());
    EXPECT_TRUE((fresh.J_W.array() == reused.J_W.array()).all()) << "frame " << f;
    EXPECT_TRUE((fresh.J_com.array() == reused.J_com.array()).all()) << "frame " << f;
    EXPECT_GT(fresh.J_com.norm(), 0.0);
    ++compared;
  }
  EXPECT_GE(compared, 7);
}

}  // namespace
}  // namespace dembones
