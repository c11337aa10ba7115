// Measured external forces in the inverse pipeline (solvers/external_loads.hpp).
#include "solvers/external_loads.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "common/malloc_counter.hpp"
#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/sample_muscles.hpp"
#include "solvers/pipeline.hpp"

#include "pipeline_test_util.hpp"

namespace dembones {
namespace {

using pipeline_test::random_state;
using pipeline_test::State;

double scale(const VecX& x) { return 1.0 + x.cwiseAbs().maxCoeff(); }

// An external force f at a point p of body b changes the net joint moments by −J_p(q)ᵀ f (the
// environment pushes, the joints need to supply less): compare with J_p built independently here.
TEST(ExternalLoads, ForceChangesInverseDynamicsByPointJacobianTransposeTimesForce) {
  const MusculoskeletalModel msm = pipeline_test::human20_with_muscles();
  const Model& model = msm.model;
  Pipeline plain(msm, {}), pushed(msm, {});
  plain.set_load_mass(8.0);
  pushed.set_load_mass(8.0);
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const State s = random_state(model, seed);
    for (int body : {model.nbodies - 1, model.nbodies / 2, 1}) {
      AppliedForce a;
      a.body = body;
      a.force_N = Vec3(30.0, -120.0, 45.0) * seed;
      a.point_m = Vec3(0.03, -0.10, 0.02);
      a.force_frame = ExpressedIn::ground;
      a.point_frame = ExpressedIn::body;
      const std::vector<AppliedForce> ext{a};
      const VecX tau0 = plain.run_frame(s.q, s.qd, s.qdd).tau_id;
      const VecX tau1 = pushed.run_frame(s.q, s.qd, s.qdd, ext).tau_id;

      Data d(model);
      forward_kinematics(model, d, s.q);
      compute_joint_jacobians(model, d, s.q);
      Matrix3Xd J(3, model.nv);
      point_jacobian(model, d, body, d.oMb[body].act(a.point_m), J);
      const VecX expected = -(J.transpose() * a.force_N);
      EXPECT_LT((tau1 - tau0 - expected).cwiseAbs().maxCoeff(), 1e-9 * scale(tau0))
          << "body " << body << ", seed " << seed;
      EXPECT_GT(expected.cwiseAbs().maxCoeff(), 1.0);  // the force does reach the joints
    }
  }
}

// The same physical force given in the body frame (f_B = R_WBᵀ f_W, point p_B) or in ground
// (f_W, p_W = X_WB p_B) gives the same moments, muscle solution and joint loads.
TEST(ExternalLoads, BodyAndGroundFramesAgreeWhenConsistent) {
  const MusculoskeletalModel msm = pipeline_test::human20_with_muscles();
  const Model& model = msm.model;
  Pipeline in_ground(msm, {}), in_body(msm, {});
  const State s = random_state(model, 5);
  const int body = model.nbodies - 2;
  Data d(model);
  forward_kinematics(model, d, s.q);
  const SE3& X_WB = d.oMb[body];
  const Vec3 f_W(-40.0, 200.0, 15.0), p_B(0.05, 0.12, -0.03);

  AppliedForce g;
  g.body = body;
  g.force_N = f_W;
  g.force_frame = ExpressedIn::ground;
  g.point_m = X_WB.act(p_B);
  g.point_frame = ExpressedIn::ground;
  AppliedForce b = g;
  b.force_N = X_WB.rotation.transpose() * f_W;
  b.force_frame = ExpressedIn::body;
  b.point_m = p_B;
  b.point_frame = ExpressedIn::body;
  const std::vector<AppliedForce> eg{g}, eb{b};
  const FrameResult rg = in_ground.run_frame(s.q, s.qd, s.qdd, eg);
  const FrameResult& rb = in_body.run_frame(s.q, s.qd, s.qdd, eb);
  EXPECT_LT((rg.tau_id - rb.tau_id).cwiseAbs().maxCoeff(), 1e-10 * scale(rg.tau_id));
  EXPECT_LT((rg.activation - rb.activation).cwiseAbs().maxCoeff(), 1e-8);
  for (std::size_t i = 0; i < rg.sites.size(); ++i)
    EXPECT_LT((rg.sites[i].force_S - rb.sites[i].force_S).cwiseAbs().maxCoeff(), 1e-8 * scale(rg.tau_id));
}

TEST(ExternalLoads, ResampleLinearIsExactOnLinesAndReportsUncoveredTimes) {
  VecX t_src(4);
  t_src << 0.0, 0.1, 0.25, 0.4;
  MatX v(4, 2);
  for (int r = 0; r < 4; ++r) v.row(r) << 3.0 - 2.0 * t_src(r), 7.0 * t_src(r);
  VecX t_dst = VecX::LinSpaced(9, 0.0, 0.4);
  MatX out;
  ASSERT_EQ(resample_linear(t_src, v, t_dst, out), -1);
  for (int k = 0; k < 9; ++k) {
    EXPECT_NEAR(out(k, 0), 3.0 - 2.0 * t_dst(k), 1e-14);
    EXPECT_NEAR(out(k, 1), 7.0 * t_dst(k), 1e-14);
  }
  t_dst(8) = 0.41;
  EXPECT_EQ(resample_linear(t_src, v, t_dst, out), 8);
  t_dst(0) = -0.01;
  EXPECT_EQ(resample_linear(t_src, v, t_dst, out), 0);
}

TEST(ExternalLoads, SeriesGivesEachFramesForceAndPoint) {
  ExternalLoadSeries s;
  ExternalForceTrack t;
  t.applied.body = 3;
  t.applied.point_frame = ExpressedIn::ground;
  t.force_N = MatX::Random(5, 3);
  t.point_varies = true;
  t.point_m = MatX::Random(5, 3);
  s.tracks.push_back(t);
  std::vector<AppliedForce> out(1);
  s.get_frame(2, out);
  EXPECT_EQ(out[0].body, 3);
  EXPECT_EQ(out[0].point_frame, ExpressedIn::ground);
  EXPECT_EQ(out[0].force_N, Vec3(t.force_N.row(2).transpose()));
  EXPECT_EQ(out[0].point_m, Vec3(t.point_m.row(2).transpose()));
}

TEST(ExternalLoads, ABadBodyIndexIsReportedNotThrown) {
  const MusculoskeletalModel msm = pipeline_test::human20_with_muscles();
  Pipeline p(msm, {});
  const State s = random_state(msm.model, 2);
  AppliedForce a;
  a.body = msm.model.nbodies;
  const std::vector<AppliedForce> ext{a};
  EXPECT_EQ(p.run_frame(s.q, s.qd, s.qdd, ext).status, FrameStatus::nan_input);
}

#if DEMBONES_MALLOC_COUNTED
TEST(ExternalLoads, RunFrameWithExternalForcesDoesNotAllocate) {
  const MusculoskeletalModel msm = pipeline_test::human20_with_muscles();
  Pipeline p(msm, {});
  p.set_load_mass(10.0);
  const State s = random_state(msm.model, 4);
  std::vector<AppliedForce> ext(2);
  ext[0].body = 2;
  ext[0].force_N = Vec3(10, 20, 30);
  ext[1].body = msm.model.nbodies - 1;
  ext[1].force_N = Vec3(0, -50, 0);
  ext[1].force_frame = ExpressedIn::body;
  p.run_frame(s.q, s.qd, s.qdd, ext);  // warm up
  test_support::allocations = 0;
  test_support::counting = true;
  for (int i = 0; i < 10; ++i) p.run_frame(s.q, s.qd, s.qdd, ext);
  test_support::counting = false;
  EXPECT_EQ(test_support::allocations.load(), 0);
}
#endif

}  // namespace
}  // namespace dembones
