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

}  // namespace
}  // namespace dembones
