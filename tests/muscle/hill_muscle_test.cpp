// Rigid- and compliant-tendon De Groote (2016) muscle: hand-checked states, equilibrium residual over
// a grid of lengths and activations, robustness at zero activation and with a slack tendon.
#include "muscle/hill_muscle.hpp"

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

namespace dembones {
namespace {

// Rajagopal et al. (2016) vastus lateralis (F0, l_opt, l_ts, pennation 14.5 deg).
HillParams vastus_lateralis() {
  HillParams p;
  p.max_isometric_force_N = 5148.8;
  p.optimal_fiber_length_m = 0.0994;
  p.tendon_slack_length_m = 0.2206;
  p.pennation_at_optimal_rad = 14.5 * std::numbers::pi / 180.0;
  return p;
}

TEST(HillMuscle, RigidTendonAtOptimalLength) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  const double cos_opt = std::cos(p.pennation_at_optimal_rad);
  const double l_mt = p.tendon_slack_length_m + p.optimal_fiber_length_m * cos_opt;
  const RigidTendonState s = compute_rigid_tendon_state(p, c, l_mt, 0.0);
  EXPECT_NEAR(s.normalized_fiber_length, 1.0, 1e-12);
  EXPECT_NEAR(s.pennation_rad, p.pennation_at_optimal_rad, 1e-12);
  EXPECT_NEAR(s.cos_pennation, cos_opt, 1e-12);
  EXPECT_NEAR(s.active_force_capacity_N, p.max_isometric_force_N * cos_opt, 1e-8);
  EXPECT_NEAR(s.passive_force_N,
              p.max_isometric_force_N * curves::passive_force_length(1.0) * cos_opt, 1e-9);
  EXPECT_FALSE(s.clamped);
  EXPECT_NEAR(rigid_tendon_force(s, 0.5), 0.5 * s.active_force_capacity_N + s.passive_force_N, 1e-12);
}

TEST(HillMuscle, RigidTendonFiberVelocityIsDerivativeOfFiberLength) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  for (double l_mt = 0.26; l_mt < 0.40; l_mt += 0.01) {
    const double v_mt = 0.37;
    const double h = 1e-7;
    const double dl = (compute_rigid_tendon_state(p, c, l_mt + h, 0).fiber_length_m -
                       compute_rigid_tendon_state(p, c, l_mt - h, 0).fiber_length_m) /
                      (2 * h);
    const RigidTendonState s = compute_rigid_tendon_state(p, c, l_mt, v_mt);
    EXPECT_NEAR(s.fiber_velocity_m_per_s, dl * v_mt, 1e-7) << l_mt;
    EXPECT_NEAR(s.normalized_fiber_velocity, s.fiber_velocity_m_per_s / (10.0 * p.optimal_fiber_length_m),
                1e-14);
    // Constant thickness: l_M sin(alpha) = l_opt sin(alpha_opt).
    EXPECT_NEAR(s.fiber_length_m * std::sin(s.pennation_rad),
                p.optimal_fiber_length_m * std::sin(p.pennation_at_optimal_rad), 1e-12);
  }
}

TEST(HillMuscle, RigidTendonShorteningLowersCapacity) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  const double l_mt = p.tendon_slack_length_m + p.optimal_fiber_length_m;
  const double iso = compute_rigid_tendon_state(p, c, l_mt, 0.0).active_force_capacity_N;
  const double conc = compute_rigid_tendon_state(p, c, l_mt, -0.3).active_force_capacity_N;
  const double ecc = compute_rigid_tendon_state(p, c, l_mt, +0.3).active_force_capacity_N;
  EXPECT_LT(conc, iso);
  EXPECT_GT(ecc, iso);
}

TEST(HillMuscle, RigidTendonClampsAShortPathWithoutNaN) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  const RigidTendonState s = compute_rigid_tendon_state(p, c, 0.5 * p.tendon_slack_length_m, -1.0);
  EXPECT_TRUE(s.clamped);
  EXPECT_NEAR(s.cos_pennation, 0.1, 1e-12);  // OpenSim's maximum pennation acos(0.1)
  EXPECT_EQ(s.fiber_velocity_m_per_s, 0.0);
  EXPECT_TRUE(std::isfinite(s.active_force_capacity_N));
  EXPECT_TRUE(std::isfinite(s.passive_force_N));
}

TEST(HillMuscle, CompliantEquilibriumOverGrid) {
  for (const double penn_deg : {0.0, 14.5, 30.0}) {
    HillParams p = vastus_lateralis();
    p.pennation_at_optimal_rad = penn_deg * std::numbers::pi / 180.0;
    const HillConstants c = make_hill_constants(p);
    for (double l_mt = p.tendon_slack_length_m + 0.3 * p.optimal_fiber_length_m;
         l_mt <= p.tendon_slack_length_m + 1.8 * p.optimal_fiber_length_m; l_mt += 0.005) {
      for (const double a : {0.0, 1e-3, 0.05, 0.3, 0.7, 1.0}) {
        for (const double v : {0.0, -0.5, 0.4}) {
          const CompliantTendonState s = solve_compliant_equilibrium(p, c, l_mt, a, v);
          ASSERT_EQ(s.status, EquilibriumStatus::kConverged) << l_mt << " " << a;
          const double fiber_force = p.max_isometric_force_N *
                                     (a * curves::active_force_length(s.normalized_fiber_length) *
                                          curves::force_velocity(v) +
                                      curves::passive_force_length(s.normalized_fiber_length));
          const double tendon_force =
              p.max_isometric_force_N *
              curves::tendon_force_length(s.tendon_length_m / p.tendon_slack_length_m,
                                          curves::tendon_stiffness_shape(0.049));
          // Independent recomputation of both sides; 1e-8 relative to F0 (and to the force when large).
          EXPECT_NEAR(tendon_force, fiber_force * s.cos_pennation,
                      1e-8 * std::max(p.max_isometric_force_N * 1e-2, std::abs(tendon_force)))
              << "l_mt " << l_mt << " a " << a << " v " << v;
          EXPECT_NEAR(s.tendon_length_m + s.fiber_length_m * s.cos_pennation, l_mt, 1e-14);
          EXPECT_NEAR(s.fiber_length_m * std::sqrt(1 - s.cos_pennation * s.cos_pennation),
                      c.fiber_width_m, 1e-12);
          EXPECT_LT(s.iterations, 60);
        }
      }
    }
  }
}

TEST(HillMuscle, CompliantEquilibriumSlackTendonIsFinite) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  for (const double l_mt : {0.0, 0.1, 0.5 * p.tendon_slack_length_m, p.tendon_slack_length_m}) {
    for (const double a : {0.0, 1.0}) {
      const CompliantTendonState s = solve_compliant_equilibrium(p, c, l_mt, a);
      EXPECT_TRUE(std::isfinite(s.fiber_length_m));
      EXPECT_TRUE(std::isfinite(s.tendon_force_N));
      EXPECT_EQ(s.status, EquilibriumStatus::kTendonSlack) << l_mt << " " << a;
      EXPECT_NEAR(s.fiber_length_m, c.min_fiber_length_m, 1e-15);
      EXPECT_LE(s.tendon_force_N, 0.0);
    }
  }
}

TEST(HillMuscle, StiffTendonEquilibriumApproachesRigidTendon) {
  HillParams p = vastus_lateralis();
  p.tendon_strain_at_max_force = 1e-6;
  const HillConstants c = make_hill_constants(p);
  const double l_mt = p.tendon_slack_length_m + 1.1 * p.optimal_fiber_length_m;
  const CompliantTendonState s = solve_compliant_equilibrium(p, c, l_mt, 0.5);
  const RigidTendonState r = compute_rigid_tendon_state(p, c, l_mt, 0.0);
  EXPECT_EQ(s.status, EquilibriumStatus::kConverged);
  EXPECT_NEAR(s.fiber_length_m, r.fiber_length_m, 2e-6 * p.tendon_slack_length_m);
  EXPECT_NEAR(s.tendon_force_N, rigid_tendon_force(r, 0.5), 1e-3 * p.max_isometric_force_N);
}

TEST(HillMuscle, CompliantFiberVelocityInvertsForceVelocity) {
  for (const double damping : {0.0, 0.01}) {
    HillParams p = vastus_lateralis();
    p.fiber_damping = damping;
    const HillConstants c = make_hill_constants(p);
    const double l_mt = p.tendon_slack_length_m + 1.05 * p.optimal_fiber_length_m;
    for (const double v : {-0.8, -0.2, 0.0, 0.3, 0.9}) {
      for (const double a : {0.2, 1.0}) {
        // At the equilibrium computed for velocity v, the explicit velocity returns v.
        const CompliantTendonState s = solve_compliant_equilibrium(p, c, l_mt, a, v);
        ASSERT_EQ(s.status, EquilibriumStatus::kConverged);
        EXPECT_NEAR(compliant_fiber_velocity(p, c, l_mt, s.fiber_length_m, a),
                    v * c.max_fiber_velocity_m_per_s, 1e-8)
            << v << " " << a << " " << damping;
      }
    }
  }
}

TEST(HillMuscle, CompliantFiberVelocityAtZeroActivationIsFinite) {
  const HillParams p = vastus_lateralis();
  const HillConstants c = make_hill_constants(p);
  const double l_mt = p.tendon_slack_length_m + 1.05 * p.optimal_fiber_length_m;
  for (const double l_m : {0.5 * p.optimal_fiber_length_m, p.optimal_fiber_length_m, 1.4 * p.optimal_fiber_length_m}) {
    const double v = compliant_fiber_velocity(p, c, l_mt, l_m, 0.0);
    EXPECT_TRUE(std::isfinite(v));
    EXPECT_LE(std::abs(v), c.max_fiber_velocity_m_per_s * (1.0 + 1e-12));
  }
}

TEST(HillMuscle, ValidateNamesTheField) {
  HillParams p = vastus_lateralis();
  EXPECT_NO_THROW(validate(p));
  p.optimal_fiber_length_m = -1.0;
  try {
    validate(p, Location{"model.yaml", 12, 3, "muscles.vaslat_r"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "muscles.vaslat_r.optimal_fiber_length_m");
    EXPECT_EQ(e.where().line, 12);
  }
  p = vastus_lateralis();
  p.pennation_at_optimal_rad = 1.5;
  EXPECT_THROW(validate(p), InputError);
}

}  // namespace
}  // namespace dembones
