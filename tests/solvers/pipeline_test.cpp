#include "solvers/pipeline.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <utility>

#include "common/malloc_counter.hpp"
#include "multibody/configuration.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/sample_muscles.hpp"

#include "pipeline_test_util.hpp"

namespace dembones {
namespace {

using pipeline_test::human20_with_muscles;
using pipeline_test::random_state;
using pipeline_test::State;
using pipeline_test::expect_newton_euler_closes;

// Each body's Newton–Euler equation, written independently of the RNEA recursion in world
// coordinates: joint force from the parent − joint forces to the children + external + gravity =
// rate of change of the body's momentum.
TEST(Pipeline, JointReactionsCloseNewtonEulerOnEveryBody) {
  const MusculoskeletalModel msm = human20_with_muscles(true);
  Pipeline p(msm, {});
  p.set_load_mass(12.0);
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const State s = random_state(msm.model, seed);
    p.run_frame(s.q, s.qd, s.qdd);
    // Recompute the external wrenches the pipeline applied: load + muscles.
    const Model& model = msm.model;
    Data d(model);
    forward_kinematics(model, d, s.q, s.qd, s.qdd);
    std::vector<Force> f_ext(model.nbodies, Force{Vec3::Zero(), Vec3::Zero()});
    apply_muscle_forces(model, p.data(), msm.muscles, p.muscle_data(),
                        p.result().tension.cwiseProduct(msm.muscle_sides), f_ext);
    {
      const Vec3 x = p.result().load_position_W;
      // load force = m (g − a_point)
      const Vec3 a_point = d.oMb[msm.load_body].rotation *
                               (d.a[msm.load_body].linear + d.a[msm.load_body].angular.cross(msm.load_point_B)) +
                           d.oMb[msm.load_body].rotation *
                               (d.v[msm.load_body].angular.cross(d.v[msm.load_body].linear +
                                                                 d.v[msm.load_body].angular.cross(msm.load_point_B)));
      const Vec3 f = 12.0 * (model.gravity - a_point);
      f_ext[msm.load_body].linear += f;
      f_ext[msm.load_body].angular += x.cross(f);
    }
    expect_newton_euler_closes(model, d, p.data(), f_ext, 0.0, seed);
  }
}

TEST(Pipeline, WithoutMusclesReservesReproduceInverseDynamics) {
  const MusculoskeletalModel msm = human20_with_muscles(false);
  Pipeline p(msm, {});
  p.set_load_mass(5.0);
  const State s = random_state(msm.model, 7);
  const FrameResult& r = p.run_frame(s.q, s.qd, s.qdd);
  EXPECT_LT((r.reserve - r.tau_id).cwiseAbs().maxCoeff(), 1e-9 * (1.0 + r.tau_id.cwiseAbs().maxCoeff()));
  // And the joints then carry exactly the inverse-dynamics moments.
  EXPECT_LT((r.tau_residual - r.tau_id).cwiseAbs().maxCoeff(), 1e-9 * (1.0 + r.tau_id.cwiseAbs().maxCoeff()));
  EXPECT_EQ(r.status, FrameStatus::reserve_limited);
}

TEST(Pipeline, MusclesAndReservesBalanceTheJointMoments) {
  const MusculoskeletalModel msm = human20_with_muscles(true);
  Pipeline p(msm, {});
  const State s = random_state(msm.model, 3);
  const FrameResult& r = p.run_frame(s.q, s.qd, s.qdd);
  // τ_ID = R (sides ⊙ T) + passive + reserves + actuators, and the second RNEA leaves exactly the
  // non-muscle part on the joints.
  const VecX muscle = p.muscle_data().moment_arm * r.tension.cwiseProduct(msm.muscle_sides);
  EXPECT_LT((muscle + r.tau_passive + r.reserve - r.tau_id).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LT((r.tau_residual - (r.tau_id - muscle)).cwiseAbs().maxCoeff(), 1e-8 * (1 + r.tau_id.norm()));
  EXPECT_LT(r.so.kkt_residual, 1e-8);
  EXPECT_TRUE((r.activation.array() >= 0).all() && (r.activation.array() <= 1).all());
}

TEST(Pipeline, CoupledCoordinatesBalanceTheirVirtualWork) {
  // Two coordinates moved together by ratios (as a lumbar rhythm): static optimization balances
  // Σ r_k τ_k for the pair, every other coordinate on its own.
  MusculoskeletalModel msm = human20_with_muscles(true);
  const int nv = msm.model.nv;
  const int k1 = nv - 4, k2 = nv - 3;
  const double r1 = 0.4, r2 = 0.6;
  msm.couplings.push_back({"pair", {k1, k2}, {r1, r2}});
  PipelineSettings coupled_settings;
  Pipeline coupled(msm, coupled_settings);
  PipelineSettings separate_settings;
  separate_settings.couple_coordinates = false;
  Pipeline separate(msm, separate_settings);
  for (unsigned seed : {3u, 11u, 19u}) {
    const State s = random_state(msm.model, seed);
    const FrameResult& r = coupled.run_frame(s.q, s.qd, s.qdd);
    EXPECT_LT(r.so.kkt_residual, 1e-8);
    const VecX muscle = coupled.muscle_data().moment_arm * r.tension.cwiseProduct(msm.muscle_sides);
    const VecX gap = muscle + r.tau_passive + r.reserve - r.tau_id;  // per coordinate
    for (int k = 0; k < nv; ++k)
      if (k != k1 && k != k2) {
        EXPECT_LT(std::abs(gap(k)), 1e-6) << "coordinate " << k;
      }
    EXPECT_LT(std::abs(r1 * gap(k1) + r2 * gap(k2)), 1e-6);
    // What each of the pair does not balance is the constraint's, reported as `coupling` (0 on every
    // other coordinate); it does no work along the pair's motion.
    for (int k = 0; k < nv; ++k)
      if (k != k1 && k != k2) {
        EXPECT_EQ(r.coupling(k), 0.0) << "coordinate " << k;
      }
    EXPECT_NEAR(r.coupling(k1), -gap(k1), 1e-9 * (1.0 + r.tau_id.cwiseAbs().maxCoeff()));
    EXPECT_NEAR(r.coupling(k2), -gap(k2), 1e-9 * (1.0 + r.tau_id.cwiseAbs().maxCoeff()));
    EXPECT_LT(std::abs(r1 * r.coupling(k1) + r2 * r.coupling(k2)), 1e-6);
    // Newton-Euler with the muscles' forces on the bodies (the second RNEA) leaves on each of the pair
    // exactly its passive moment, reserve and constraint moment.
    for (int k : {k1, k2}) {
      EXPECT_NEAR(r.tau_residual(k), r.tau_passive(k) + r.reserve(k) + r.coupling(k), 1e-6) << "coordinate " << k;
    }
    // The pair's reserve is split in proportion to the ratios (least-norm).
    if (std::abs(r.reserve(k1)) > 1e-9) {
      EXPECT_NEAR(r.reserve(k2) / r.reserve(k1), r2 / r1, 1e-9);
    }
    // Uncoupled, each of the two balances on its own; the coupled optimum costs no more.
    const FrameResult& u = separate.run_frame(s.q, s.qd, s.qdd);
    const VecX muscle_u = separate.muscle_data().moment_arm * u.tension.cwiseProduct(msm.muscle_sides);
    const VecX gap_u = muscle_u + u.tau_passive + u.reserve - u.tau_id;
    EXPECT_LT(std::abs(gap_u(k1)), 1e-6);
    EXPECT_LT(std::abs(gap_u(k2)), 1e-6);
    EXPECT_EQ(u.coupling.cwiseAbs().maxCoeff(), 0.0);  // nothing is left to a constraint
    EXPECT_LE(r.activation.squaredNorm(), u.activation.squaredNorm() + 1e-9 +
                                               (u.reserve.squaredNorm()));
  }
}

TEST(Pipeline, NonFiniteInputIsReportedNotThrown) {
  const MusculoskeletalModel msm = human20_with_muscles(true);
  Pipeline p(msm, {});
  State s = random_state(msm.model, 2);
  s.qdd(3) = std::numeric_limits<double>::quiet_NaN();
  const FrameResult& r = p.run_frame(s.q, s.qd, s.qdd);
  EXPECT_EQ(r.status, FrameStatus::nan_input);
  EXPECT_STREQ(r.bad_quantity, "accelerations qddot");
}

// With coupled rows, run_frame writes only the rows each muscle crosses and keeps exact zeros in the
// others; a frame whose non-finite muscle scale filled whole columns of A must not leave them behind:
// the frame after it equals a fresh pipeline's, bit for bit.
TEST(Pipeline, CoupledFrameAfterANonFiniteScaleEqualsAFreshOne) {
  MusculoskeletalModel msm = human20_with_muscles(true);
  const int nv = msm.model.nv;
  msm.couplings.push_back({"pair", {nv - 4, nv - 3}, {0.4, 0.6}});
  Pipeline after_bad(msm, {});
  const State bad_state = random_state(msm.model, 5);
  msm.muscle_sides(0) = std::numeric_limits<double>::infinity();  // read through the pipeline's reference
  EXPECT_EQ(after_bad.run_frame(bad_state.q, bad_state.qd, bad_state.qdd).status, FrameStatus::nan_input);
  msm.muscle_sides(0) = 1.0;
  after_bad.reset_warm_start();
  Pipeline fresh(msm, {});
  const State s = random_state(msm.model, 7);
  const FrameResult a = after_bad.run_frame(s.q, s.qd, s.qdd);
  const FrameResult& b = fresh.run_frame(s.q, s.qd, s.qdd);
  ASSERT_EQ(a.status, b.status);
  EXPECT_EQ(a.so.iterations, b.so.iterations);
  for (int i = 0; i < a.tension.size(); ++i) EXPECT_EQ(a.tension(i), b.tension(i)) << "muscle " << i;
  for (int k = 0; k < nv; ++k) EXPECT_EQ(a.reserve(k), b.reserve(k)) << "coordinate " << k;
  for (std::size_t j = 0; j < a.sites.size(); ++j) {
    EXPECT_EQ(a.sites[j].force_S, b.sites[j].force_S) << "site " << j;
    EXPECT_EQ(a.sites[j].moment_S, b.sites[j].moment_S) << "site " << j;
  }
}

#if DEMBONES_MALLOC_COUNTED
// Heap allocations in ten frames after a warm-up frame (10 kg held), and the last frame's result.
std::pair<long, VecX> allocations_in_ten_frames(const MusculoskeletalModel& msm) {
  Pipeline p(msm, {});
  p.set_load_mass(10.0);
  const State s = random_state(msm.model, 4);
  p.run_frame(s.q, s.qd, s.qdd);  // warm up
  test_support::allocations = 0;
  test_support::counting = true;
  for (int i = 0; i < 10; ++i) p.run_frame(s.q, s.qd, s.qdd);
  test_support::counting = false;
  return {static_cast<long>(test_support::allocations.load()), p.result().coupling};
}

TEST(Pipeline, RunFrameDoesNotAllocate) {
  EXPECT_EQ(allocations_in_ten_frames(human20_with_muscles(true)).first, 0);
}

TEST(Pipeline, CoupledRunFrameDoesNotAllocate) {
  // The coupled rows and the constraint's moment (FrameResult::coupling) included.
  MusculoskeletalModel msm = human20_with_muscles(true);
  const int nv = msm.model.nv;
  msm.couplings.push_back({"pair", {nv - 4, nv - 3}, {0.4, 0.6}});
  const auto [allocations, coupling] = allocations_in_ten_frames(msm);
  EXPECT_EQ(allocations, 0);
  EXPECT_GT(coupling.cwiseAbs().maxCoeff(), 0.0);  // the path that computes it ran
}
#endif

}  // namespace
}  // namespace dembones
