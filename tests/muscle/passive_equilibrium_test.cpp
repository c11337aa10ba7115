// Passive forces with an elastic tendon (compute_passive_equilibrium): at the returned fibre length
// the tendon and the passive fibre carry the same force, an elastic tendon never gives more passive
// force than a rigid one, and muscles with negligible passive force are left as they were.
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/sample_muscles.hpp"
#include "muscle/curves.hpp"
#include "muscle/hill_muscle.hpp"
#include "muscle/muscle_set.hpp"

#include "muscle_test_util.hpp"

namespace dembones {
namespace {

// Two muscles from the ground to a pendulum 0.6 m long, both stretched as the pendulum swings:
// one with a tendon five times its fibre (a hamstring), one with a short tendon.
std::vector<MuscleSpec> stretched_muscles(curves::PassiveCurveKind kind = curves::PassiveCurveKind::kDeGroote2016) {
  std::vector<MuscleSpec> out;
  for (const auto& [name, l_opt, l_ts] : {std::tuple{"long_tendon", 0.07, 0.35}, std::tuple{"short_tendon", 0.30, 0.12}}) {
    MuscleSpec m = muscle_test::ground_to_pendulum_muscle(name, 2000.0, l_opt, l_ts, Vec3(0.0, 0.0, 0.0), Vec3(0.0, -0.6, 0.0));
    m.params.pennation_at_optimal_rad = 0.25;
    m.params.passive_strain_at_max_force = 0.7;
    m.params.passive_curve = kind;
    out.push_back(m);
  }
  return out;
}

class PassiveEquilibriumCurves : public ::testing::TestWithParam<curves::PassiveCurveKind> {};

TEST_P(PassiveEquilibriumCurves, TendonAndFibreCarryTheSameForce) {
  const Model model = samples::pendulum_model();
  Data data(model);
  const MuscleSet set = make_muscle_set(model, stretched_muscles(GetParam()));
  MuscleData rigid(model, set), elastic(model, set);
  VecX q = VecX::Zero(1), v = VecX::Zero(1);
  forward_kinematics(model, data, q, v);
  compute_joint_jacobians(model, data, q);
  int changed_total = 0;
  // Stretch the muscles by moving their origin: scale the path through the ground point's length.
  for (double extra : {0.0, 0.02, 0.05, 0.08, 0.12}) {
    compute_muscle_geometry(model, data, set, q, rigid);
    for (int i = 0; i < set.nmuscles; ++i)
      rigid.length[i] = set.params[i].tendon_slack_length_m + set.params[i].optimal_fiber_length_m * std::cos(0.25) + extra;
    compute_muscle_forces_rigid(set, rigid);
    elastic = rigid;
    const int changed = compute_passive_equilibrium(set, elastic, 0.01);
    changed_total += changed;
    for (int i = 0; i < set.nmuscles; ++i) {
      const HillParams& p = set.params[i];
      EXPECT_LE(elastic.passive_force[i], rigid.passive_force[i] * (1 + 1e-12) + 1e-9) << p.optimal_fiber_length_m;
      if (rigid.passive_force[i] <= 0.01 * p.max_isometric_force_N) {
        EXPECT_EQ(elastic.passive_force[i], rigid.passive_force[i]);
        continue;
      }
      // Equilibrium: tendon force (from its strain) = passive fibre force along the tendon.
      const double l_m = elastic.fiber_length[i];
      const double cos_a = elastic.cos_pennation[i];
      const double l_t = elastic.length[i] - l_m * cos_a;
      const double f_t = p.max_isometric_force_N *
                         curves::tendon_force_length(l_t / p.tendon_slack_length_m,
                                                     curves::tendon_stiffness_shape(p.tendon_strain_at_max_force));
      const double f_pe = p.max_isometric_force_N *
                          curves::PassiveForceLengthCurve::make(p.passive_strain_at_max_force, p.passive_curve, p.passive_shape)
                              .value(l_m / p.optimal_fiber_length_m) *
                          cos_a;
      EXPECT_NEAR(f_t, f_pe, 1e-6 * p.max_isometric_force_N);
      EXPECT_NEAR(elastic.passive_force[i], f_t, 1e-6 * p.max_isometric_force_N);
      // The fibre is shorter than with a rigid tendon (the tendon took up part of the stretch).
      EXPECT_LT(elastic.fiber_length[i], rigid.fiber_length[i]);
    }
  }
  EXPECT_GT(changed_total, 0);
  // With a long tendon the difference is large: at 0.12 m past slack + optimal the rigid fibre is
  // at 2.7 l_opt, the elastic one much shorter.
  // (Millard's and the deprecated Thelen curve are linear past 1 + e0: their rigid force is not as extreme.)
  EXPECT_LT(elastic.passive_force[0],
            (GetParam() == curves::PassiveCurveKind::kMillard2012 || GetParam() == curves::PassiveCurveKind::kThelen2003Deprecated
                 ? 0.8
                 : 0.5) *
                rigid.passive_force[0]);
}

INSTANTIATE_TEST_SUITE_P(EveryPassiveCurve, PassiveEquilibriumCurves,
                         ::testing::Values(curves::PassiveCurveKind::kDeGroote2016, curves::PassiveCurveKind::kThelen2003,
                                           curves::PassiveCurveKind::kThelen2003Deprecated,
                                           curves::PassiveCurveKind::kMillard2012),
                         [](const auto& info) { return std::string(curves::passive_curve_name(info.param)); });

// Frame after frame, as the pipeline calls it: the warm-started (predictor + Newton) and reused roots
// agree with a cold bracketed solve to the solver tolerance; a length held bit-identical reuses the
// last root exactly; the active capacity is F0 f_L f_V cos(alpha) at the new fibre length with the
// rigid tendon's f_V; forgetting the warm start (NaN) gives the same forces.
TEST(PassiveEquilibrium, WarmStartedFramesMatchColdSolves) {
  const Model model = samples::pendulum_model();
  Data data(model);
  const MuscleSet set = make_muscle_set(model, stretched_muscles());
  MuscleData md(model, set);
  VecX q = VecX::Zero(1), v = VecX::Zero(1);
  forward_kinematics(model, data, q, v);
  compute_joint_jacobians(model, data, q);
  compute_muscle_geometry(model, data, set, q, md);
  md.force_scale[1] = 0.7;  // an impaired muscle: the scale stays on the capacity
  const double tol_rel = 1e-9;
  long reused_expected = 0;
  double previous_force[2] = {0.0, 0.0};
  constexpr int kFrames = 400;
  for (int f = 0; f < kFrames; ++f) {
    if (f == 250) md.passive_fiber_along_tendon.setConstant(std::numeric_limits<double>::quiet_NaN());
    // A lift-like stretch: 100 Hz, up to 11 cm past slack + optimal, held still for frames 100-129.
    const int g = (f >= 100 && f < 130) ? 100 : f;
    const double extra = 0.055 * (1.0 - std::cos(2.0 * 3.141592653589793 * g / 200.0));
    const bool held = f > 100 && f < 130 && f != 250;
    for (int i = 0; i < set.nmuscles; ++i) {
      md.length[i] = set.params[i].tendon_slack_length_m + set.params[i].optimal_fiber_length_m * std::cos(0.25) + extra;
      md.velocity[i] = 0.3 * std::sin(2.0 * 3.141592653589793 * g / 200.0);
    }
    compute_muscle_forces_rigid(set, md);
    const VecX rigid_passive = md.passive_force, rigid_fv = md.force_velocity_factor;
    const long reused_before = md.passive_reused;
    compute_passive_equilibrium(set, md, 0.01);
    for (int i = 0; i < set.nmuscles; ++i) {
      const HillParams& p = set.params[i];
      if (!(rigid_passive[i] > 0.01 * p.max_isometric_force_N)) continue;
      if (held) {
        ++reused_expected;
        EXPECT_EQ(md.passive_force[i], previous_force[i]) << "frame " << f;
      }
      const CompliantTendonState cold =
          solve_compliant_equilibrium(p, set.constants[i], md.length[i], 0.0, 0.0, tol_rel);
      ASSERT_EQ(cold.status, EquilibriumStatus::kConverged);
      // Two roots within the residual tolerance: the tendon forces differ by at most twice it.
      EXPECT_NEAR(md.passive_force[i], cold.tendon_force_N, 2 * tol_rel * p.max_isometric_force_N) << "frame " << f;
      EXPECT_NEAR(md.fiber_length[i], cold.fiber_length_m, 1e-9) << "frame " << f;
      EXPECT_EQ(md.normalized_fiber_length[i], md.fiber_length[i] / p.optimal_fiber_length_m);
      EXPECT_NEAR(calc_pennation_rad(set, md, i), std::acos(md.cos_pennation[i]), 1e-12);
      const double f_v = curves::force_velocity(md.normalized_fiber_velocity[i]);
      EXPECT_NEAR(rigid_fv[i], f_v, 1e-12);
      const double capacity = md.force_scale[i] * p.max_isometric_force_N * md.cos_pennation[i] *
                              curves::active_force_length(md.normalized_fiber_length[i]) * f_v;
      EXPECT_NEAR(md.active_force_capacity[i], capacity, 1e-9 * p.max_isometric_force_N) << "frame " << f;
      previous_force[i] = md.passive_force[i];
    }
    if (!held) {
      EXPECT_EQ(md.passive_reused, reused_before) << "frame " << f;
    }
  }
  EXPECT_EQ(md.passive_reused, reused_expected);
  EXPECT_GT(reused_expected, 20);
  EXPECT_GT(md.passive_solves, 300);
}

}  // namespace
}  // namespace dembones
