// The warm-started fibre-tendon equilibrium (solve_compliant_equilibrium_from) finds the same root as
// the bracketed solve, from near and far guesses, and falls back to it without a usable guess.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "muscle/hill_muscle.hpp"

namespace dembones {
namespace {

// A semimembranosus-like muscle: tendon five times its fibre (Rajagopal et al. 2016 proportions).
HillParams long_tendon_muscle() {
  HillParams p;
  p.max_isometric_force_N = 2200.0;
  p.optimal_fiber_length_m = 0.07;
  p.tendon_slack_length_m = 0.35;
  p.pennation_at_optimal_rad = 0.25;
  p.passive_strain_at_max_force = 0.7;
  return p;
}

TEST(WarmEquilibrium, SameRootAsTheBracketedSolveFromAnyGuess) {
  const HillParams p = long_tendon_muscle();
  const HillConstants c = make_hill_constants(p);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  int warm_converged_fast = 0;
  for (double extra = 0.0; extra <= 0.12; extra += 0.01) {
    const double l_mt = p.tendon_slack_length_m + p.optimal_fiber_length_m + extra;
    for (double a : {0.0, 0.4, 1.0}) {
      const CompliantTendonState cold = solve_compliant_equilibrium(p, c, l_mt, a, 0.0, 1e-10);
      ASSERT_EQ(cold.status, EquilibriumStatus::kConverged);
      const double x_root = cold.fiber_length_m * cold.cos_pennation;
      for (double guess : {x_root, x_root * 1.01, x_root * 0.9, x_root * 3.0, -1.0, nan}) {
        const CompliantTendonState warm = solve_compliant_equilibrium_from(p, c, l_mt, a, 0.0, guess, 1e-10);
        EXPECT_EQ(warm.status, EquilibriumStatus::kConverged);
        EXPECT_NEAR(warm.tendon_force_N, cold.tendon_force_N, 2e-10 * p.max_isometric_force_N + 1e-9)
            << "l_mt " << l_mt << " a " << a << " guess " << guess;
        EXPECT_NEAR(warm.fiber_length_m, cold.fiber_length_m, 1e-9);
        if (guess == x_root * 1.01 && warm.iterations <= 3) ++warm_converged_fast;
      }
      // From the root itself: no step needed.
      EXPECT_EQ(solve_compliant_equilibrium_from(p, c, l_mt, a, 0.0, x_root, 1e-10).iterations, 0);
    }
  }
  EXPECT_GT(warm_converged_fast, 20);  // a 1 % guess converges in a few Newton steps
}

// The passive solve (a = 0, v~ = 0) with its reduced residual takes the same iterates as the general
// one: bit-identical states, iteration counts and statuses, from every kind of guess, including
// slack and overstretched paths and muscles with fibre damping (whose term is 0 at v~ = 0).
TEST(WarmEquilibrium, PassiveSolveIsTheGeneralSolveAtZeroActivation) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  HillParams damped = long_tendon_muscle();
  damped.fiber_damping = 0.1;
  HillParams short_tendon = long_tendon_muscle();
  short_tendon.tendon_slack_length_m = 0.02;
  short_tendon.pennation_at_optimal_rad = 0.0;
  int compared = 0;
  for (const HillParams& p : {long_tendon_muscle(), damped, short_tendon}) {
    const HillConstants c = make_hill_constants(p);
    // From a slack path (shorter than the tendon) to far past the passive range.
    for (double extra = -0.05; extra <= 0.3; extra += 0.007) {
      const double l_mt = p.tendon_slack_length_m + p.optimal_fiber_length_m + extra;
      const CompliantTendonState cold = solve_compliant_equilibrium(p, c, l_mt, 0.0, 0.0, 1e-9);
      const double x_root = cold.fiber_length_m * cold.cos_pennation;
      for (double guess : {x_root, x_root * 1.003, x_root * 0.97, x_root * 2.0, 0.0, nan}) {
        const CompliantTendonState general = solve_compliant_equilibrium_from(p, c, l_mt, 0.0, 0.0, guess, 1e-9);
        const CompliantTendonState passive = solve_passive_equilibrium_from(p, c, l_mt, guess, 1e-9);
        EXPECT_EQ(passive.fiber_length_m, general.fiber_length_m) << l_mt << " " << guess;
        EXPECT_EQ(passive.cos_pennation, general.cos_pennation);
        EXPECT_EQ(passive.tendon_force_N, general.tendon_force_N);
        EXPECT_EQ(passive.fiber_force_along_tendon_N, general.fiber_force_along_tendon_N);
        EXPECT_EQ(passive.residual_slope_N_per_m, general.residual_slope_N_per_m);
        EXPECT_EQ(passive.tendon_stiffness_N_per_m, general.tendon_stiffness_N_per_m);
        EXPECT_EQ(passive.iterations, general.iterations);
        EXPECT_EQ(passive.status, general.status);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 800);
}

// The derivatives returned with the state: dR/dx and dR/dl_MT against central differences of the
// residual R = F_T - F_M cos(alpha) evaluated at fixed fibre lengths (evaluate_compliant_tendon).
TEST(WarmEquilibrium, ResidualDerivativesMatchFiniteDifferences) {
  const HillParams p = long_tendon_muscle();
  const HillConstants c = make_hill_constants(p);
  const double h = c.fiber_width_m;
  const auto residual = [&](double l_mt, double x) {
    const CompliantTendonState s = evaluate_compliant_tendon(p, c, l_mt, std::sqrt(x * x + h * h), 0.0, 0.0);
    return s.tendon_force_N - s.fiber_force_along_tendon_N;
  };
  for (double extra : {0.01, 0.04, 0.08}) {
    const double l_mt = p.tendon_slack_length_m + p.optimal_fiber_length_m + extra;
    const CompliantTendonState s = solve_passive_equilibrium_from(p, c, l_mt, std::numeric_limits<double>::quiet_NaN(), 1e-9);
    ASSERT_EQ(s.status, EquilibriumStatus::kConverged);
    const double x = s.fiber_length_m * s.cos_pennation;
    const double d = 1e-7;
    const double dr_dx = (residual(l_mt, x + d) - residual(l_mt, x - d)) / (2 * d);
    const double dr_dl = (residual(l_mt + d, x) - residual(l_mt - d, x)) / (2 * d);
    EXPECT_NEAR(s.residual_slope_N_per_m, dr_dx, 1e-5 * std::abs(dr_dx));
    EXPECT_NEAR(s.tendon_stiffness_N_per_m, dr_dl, 1e-5 * std::abs(dr_dl));
    EXPECT_LT(s.residual_slope_N_per_m, 0.0);
    EXPECT_GT(s.tendon_stiffness_N_per_m, 0.0);
  }
}

}  // namespace
}  // namespace dembones
