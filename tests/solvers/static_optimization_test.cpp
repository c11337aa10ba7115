// Static optimization: every solution is checked against its KKT conditions (computed here, not
// taken from the solver's own report), against an independent dense primal log-barrier solver
// written below (and IPOPT when installed), and for the behaviours the pipeline relies on: flags
// when the muscles cannot balance a frame, warm starts, no allocation per frame.
#include "solvers/static_optimization.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "solvers/static_optimization_reference.hpp"

#ifdef DEMBONES_HAVE_IPOPT
#include "solvers/static_optimization_ipopt.hpp"
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>

// ---- Allocation counter ----------------------------------------------------------------------
// Eigen allocates with std::malloc (not operator new), and a static library compiled without
// EIGEN_RUNTIME_NO_MALLOC would not check its own allocations, so malloc itself is counted: on glibc
// an executable may define malloc/calloc/realloc and forward to the __libc_ entry points.
// operator new calls malloc, so C++ allocations are counted too. (Not under sanitizers, which
// interpose malloc themselves.)
#include "common/malloc_counter.hpp"
#if DEMBONES_MALLOC_COUNTED
namespace {
std::atomic<long>& g_so_test_allocations = dembones::test_support::allocations;
std::atomic<bool>& g_so_test_counting = dembones::test_support::counting;
}  // namespace
#define DEMBONES_SO_COUNTS_ALLOCATIONS 1
#endif

namespace dembones {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
constexpr double kInf = std::numeric_limits<double>::infinity();

// A random static-optimization problem with the structure of the real one: each muscle spans 1–3
// coordinates with moment arms of 1–8 cm and F0 of 200–3000 N; a reserve actuator on every row;
// optionally an ideal (non-reserve) bounded actuator, activation caps < 1, minimum activations,
// duplicated rows (rank-deficient A_m) and a row without muscles.
struct RandomProblemOptions {
  int n_eq = 6;
  int n_muscles = 14;
  int exponent = 2;
  bool ideal_actuator = false;
  bool rank_deficient = false;
  double load_scale = 1.0;  // scales b: > 1 drives muscles to their caps and onto the reserves
};

void fill_random_problem(std::mt19937& rng, const RandomProblemOptions& opt, StaticOptimizationProblem& pb) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const int n_eq = opt.n_eq, m = opt.n_muscles;
  pb.A_muscle.setZero();
  for (int i = 0; i < m; ++i) {
    const int span = 1 + static_cast<int>(u01(rng) * 3.0) % 3;
    const double f0_N = 200.0 + 2800.0 * u01(rng);
    for (int s = 0; s < span; ++s) {
      const int row = static_cast<int>(u01(rng) * n_eq) % n_eq;
      const double arm_m = (0.01 + 0.07 * u01(rng)) * (u01(rng) < 0.5 ? -1.0 : 1.0);
      pb.A_muscle(row, i) = arm_m * f0_N;
    }
  }
  if (opt.rank_deficient && n_eq >= 3) {
    pb.A_muscle.row(1) = pb.A_muscle.row(0);  // two coordinates crossed by the same muscles
    pb.A_muscle.row(2).setZero();             // a coordinate no muscle crosses
  }
  for (int i = 0; i < m; ++i) {
    pb.activation_max[i] = u01(rng) < 0.3 ? 0.3 + 0.6 * u01(rng) : 1.0;
    pb.activation_min[i] = u01(rng) < 0.2 ? 0.02 * u01(rng) : 0.0;
    pb.muscle_weight[i] = u01(rng) < 0.5 ? 1.0 : 0.5 + 1.5 * u01(rng);
  }
  const int n_act = static_cast<int>(pb.A_actuator.cols());
  pb.A_actuator.setZero();
  for (int r = 0; r < n_eq; ++r) {
    pb.A_actuator(r, r) = u01(rng) < 0.5 ? 1.0 : 10.0;  // reserve optimal torque, N·m
    pb.actuator_weight[r] = 1.0;
    pb.actuator_is_reserve[r] = true;
  }
  if (opt.ideal_actuator) {
    const int a = n_act - 1;
    pb.A_actuator(static_cast<int>(u01(rng) * n_eq) % n_eq, a) = 50.0;
    pb.actuator_weight[a] = 0.5;
    pb.actuator_min[a] = -0.5;
    pb.actuator_max[a] = 0.2 + 0.5 * u01(rng);
    pb.actuator_is_reserve[a] = false;
  }
  // b reachable by some activations (some beyond the caps when load_scale > 1), with sign noise.
  VectorXd a_target(m);
  for (int i = 0; i < m; ++i) a_target[i] = opt.load_scale * 0.8 * u01(rng);
  pb.b = pb.A_muscle * a_target;
  for (int r = 0; r < n_eq; ++r) pb.b[r] += 20.0 * (u01(rng) - 0.5);
}

// KKT conditions of  min Σ w a^p + Σ c u²  s.t. A x = b, lo ≤ x ≤ hi, computed from scratch:
// for every variable the bound multiplier z = ∇f − Aᵀλ must vanish in the interior, be ≥ 0 at the
// lower bound and ≤ 0 at the upper bound (complementarity), and the point must be feasible.
struct KktReport {
  double primal = 0, stationarity = 0, sign = 0, bounds = 0;
};

KktReport check_kkt(const StaticOptimizationProblem& pb, int exponent, const VectorXd& a,
                    const VectorXd& u, const VectorXd& lambda) {
  KktReport r;
  const VectorXd res = pb.A_muscle * a + pb.A_actuator * u - pb.b;
  r.primal = res.lpNorm<Eigen::Infinity>() / std::max(1.0, pb.b.lpNorm<Eigen::Infinity>());
  auto one = [&](double x, double grad, double g, double lo, double hi) {
    const double scale = std::max({1.0, std::abs(grad), std::abs(g)});
    const double z = (grad - g) / scale;
    r.bounds = std::max({r.bounds, lo - x, x - hi});
    const bool at_lo = x <= lo, at_hi = x >= hi;
    if (at_lo && at_hi) return;            // fixed variable: any multiplier
    if (at_lo) r.sign = std::max(r.sign, -z);
    else if (at_hi) r.sign = std::max(r.sign, z);
    else r.stationarity = std::max(r.stationarity, std::abs(z));
  };
  const VectorXd g_m = pb.A_muscle.transpose() * lambda;
  const VectorXd g_u = pb.A_actuator.transpose() * lambda;
  for (int i = 0; i < a.size(); ++i) {
    const double w = pb.muscle_weight[i], x = a[i];
    const double grad = exponent == 2 ? 2 * w * x : 3 * w * x * x;
    one(x, grad, g_m[i], pb.activation_min[i], pb.activation_max[i]);
  }
  for (int j = 0; j < u.size(); ++j)
    one(u[j], 2 * pb.actuator_weight[j] * u[j], g_u[j], pb.actuator_min[j], pb.actuator_max[j]);
  return r;
}

double objective_of(const StaticOptimizationProblem& pb, int exponent, const VectorXd& a, const VectorXd& u) {
  double f = 0;
  for (int i = 0; i < a.size(); ++i) f += pb.muscle_weight[i] * std::pow(a[i], exponent);
  for (int j = 0; j < u.size(); ++j) f += pb.actuator_weight[j] * u[j] * u[j];
  return f;
}

void expect_kkt(const StaticOptimizationSolver& so, double tol, const char* what) {
  const auto r = check_kkt(so.get_problem(), so.get_settings().exponent, so.get_activations(),
                           so.get_actuator_controls(), so.get_multipliers());
  EXPECT_LE(r.primal, tol) << what;
  EXPECT_LE(r.stationarity, tol) << what;
  EXPECT_LE(r.sign, tol) << what;
  EXPECT_LE(r.bounds, 0.0) << what;
  EXPECT_LE(so.get_info().kkt_residual, tol) << what;
}

class RandomProblems : public ::testing::TestWithParam<int> {};

TEST_P(RandomProblems, KktHoldsAndTheOptimumMatchesABarrierReference) {
  const int exponent = GetParam();
  std::mt19937 rng(1234 + exponent);
  int solved = 0, reserve_limited = 0;
  for (int trial = 0; trial < 60; ++trial) {
    RandomProblemOptions opt;
    opt.exponent = exponent;
    opt.n_eq = 3 + trial % 6;
    opt.n_muscles = 4 + (trial * 7) % 20;
    opt.ideal_actuator = trial % 3 == 0;
    opt.rank_deficient = trial % 4 == 1;
    opt.load_scale = trial % 5 == 2 ? 2.5 : 1.0;
    StaticOptimizationSettings settings;
    settings.exponent = exponent;
    StaticOptimizationSolver so(opt.n_eq, opt.n_muscles, opt.n_eq + (opt.ideal_actuator ? 1 : 0), settings);
    fill_random_problem(rng, opt, so.upd_problem());
    const auto& info = so.solve();
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " n_eq " << opt.n_eq << " m " << opt.n_muscles);
    ASSERT_TRUE(info.status == SoStatus::solved || info.status == SoStatus::reserve_limited)
        << to_string(info.status) << " after " << info.iterations << " iterations";
    solved += info.status == SoStatus::solved;
    reserve_limited += info.status == SoStatus::reserve_limited;
    expect_kkt(so, 1e-8, "KKT");
    EXPECT_NEAR(info.objective,
                objective_of(so.get_problem(), exponent, so.get_activations(), so.get_actuator_controls()),
                1e-12 * std::max(1.0, info.objective));

    const auto ref = solve_static_optimization_barrier(so.get_problem(), exponent);
    ASSERT_TRUE(ref.converged) << "reference residual " << ref.primal_residual << " after "
                               << ref.newton_iterations << " Newton steps";
    EXPECT_NEAR(info.objective, ref.objective, 1e-6 * std::max(1.0, ref.objective));
    // Strictly convex objective: the minimiser is unique, so the activations agree too.
    // (For p = 3 a muscle whose moment arms all vanish has a* = 0, where the barrier centre sits at
    // a = (μ/3w)^(1/3) ≈ 3e-4 for the final μ = 1e-10: the reference itself is only that close.)
    EXPECT_LE((so.get_activations() - ref.activations).lpNorm<Eigen::Infinity>(), exponent == 2 ? 1e-4 : 1e-3);
  }
  // The generator covers both regimes.
  EXPECT_GT(solved, 0);
  EXPECT_GT(reserve_limited, 0);
}

INSTANTIATE_TEST_SUITE_P(Exponent, RandomProblems, ::testing::Values(2, 3));

// Heavy reserves (cost up to e^7 per (N·m)²), weights over a factor 20, caps and minimum
// activations, cold starts, up to 30 coordinates and 120 muscles: the regime in which the dual
// Newton iteration alone may crawl across kinks and the interior-point fallback takes over.
void fill_hard_problem(std::mt19937& rng, StaticOptimizationProblem& pb) {
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  const int n_eq = static_cast<int>(pb.b.size()), m = static_cast<int>(pb.A_muscle.cols());
  pb.A_muscle.setZero();
  for (int i = 0; i < m; ++i) {
    const int span = 1 + static_cast<int>(u01(rng) * 3.0) % 3;
    for (int s = 0; s < span; ++s)
      pb.A_muscle(static_cast<int>(u01(rng) * n_eq) % n_eq, i) =
          (u01(rng) < 0.5 ? -1.0 : 1.0) * (0.01 + 0.07 * u01(rng)) * (200.0 + 2800.0 * u01(rng));
    pb.activation_max[i] = u01(rng) < 0.3 ? 0.1 + 0.9 * u01(rng) : 1.0;
    pb.activation_min[i] = u01(rng) < 0.2 ? 0.05 * u01(rng) * pb.activation_max[i] : 0.0;
    pb.muscle_weight[i] = std::exp(3.0 * (u01(rng) - 0.5));
  }
  const double c = std::exp(10.0 * (u01(rng) - 0.3));
  pb.A_actuator.setZero();
  for (int r = 0; r < n_eq; ++r) {
    pb.A_actuator(r, r) = u01(rng) < 0.5 ? 1.0 : 100.0;
    pb.actuator_weight[r] = c;
  }
  VectorXd a(m);
  for (int i = 0; i < m; ++i) a[i] = u01(rng) * pb.activation_max[i] * (u01(rng) < 0.3 ? 2.0 : 0.9);
  pb.b = pb.A_muscle * a;
  for (int r = 0; r < n_eq; ++r) pb.b[r] += 100.0 * (u01(rng) - 0.5);
}

TEST(StaticOptimization, HeavyReservesColdStartsAllConverge) {
  std::mt19937 rng(2718);
  int fallbacks = 0;
  for (int trial = 0; trial < 400; ++trial) {
    StaticOptimizationSettings settings;
    settings.exponent = 2 + trial % 2;
    const int n_eq = 1 + trial % 30, m = (trial * 37) % 121;
    StaticOptimizationSolver so(n_eq, m, n_eq, settings);
    fill_hard_problem(rng, so.upd_problem());
    const auto& info = so.solve();
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " p " << settings.exponent);
    ASSERT_TRUE(info.status == SoStatus::solved || info.status == SoStatus::reserve_limited)
        << to_string(info.status) << " primal residual " << info.primal_residual;
    expect_kkt(so, 1e-8, "hard");
    fallbacks += info.interior_point_iterations > 0;
  }
  EXPECT_GT(fallbacks, 0) << "the interior-point fallback was never exercised";
}

TEST(StaticOptimization, InteriorPointFirstReachesTheSameOptimum) {
  // newton_iterations_before_fallback = 0: every solve starts with the interior-point method and
  // Newton only polishes, so this checks that path on its own against the default path.
  std::mt19937 rng(31415);
  for (int trial = 0; trial < 100; ++trial) {
    StaticOptimizationSettings settings;
    settings.exponent = 2 + trial % 2;
    const int n_eq = 2 + trial % 20, m = 5 + (trial * 13) % 90;
    StaticOptimizationSolver newton(n_eq, m, n_eq, settings);
    settings.newton_iterations_before_fallback = 0;
    StaticOptimizationSolver ipm(n_eq, m, n_eq, settings);
    fill_hard_problem(rng, newton.upd_problem());
    ipm.upd_problem() = newton.get_problem();
    const auto& a = newton.solve();
    const auto& b = ipm.solve();
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    ASSERT_TRUE(b.status == SoStatus::solved || b.status == SoStatus::reserve_limited) << to_string(b.status);
    EXPECT_GT(b.interior_point_iterations, 0);
    expect_kkt(ipm, 1e-8, "interior point first");
    EXPECT_NEAR(a.objective, b.objective, 1e-9 * std::max(1.0, a.objective));
  }
}

TEST(StaticOptimization, ClosedFormOneCoordinateQuadratic) {
  // One row, no active bounds, reserves negligible: a_i = A_i λ/(2 w_i) with Σ A_i a_i = b gives
  // λ = 2b / Σ A_i²/w_i (Lagrange's condition on a single constraint).
  StaticOptimizationSolver so(1, 3, 1);
  auto& pb = so.upd_problem();
  pb.A_muscle << 40.0, 60.0, 20.0;
  pb.muscle_weight << 1.0, 2.0, 0.5;
  pb.A_actuator << 1.0;
  pb.actuator_weight << 1e6;  // reserve effectively off
  pb.b << 30.0;
  ASSERT_EQ(so.solve().status, SoStatus::solved);
  const double s = 40.0 * 40.0 / 1.0 + 60.0 * 60.0 / 2.0 + 20.0 * 20.0 / 0.5 + 1.0 / 1e6;
  const double lambda = 2.0 * 30.0 / s;
  // The tolerance 1e-10·|b| on the moment residual bounds the error of λ by 1e-10·|b|/Σ A_i²/w_i.
  EXPECT_NEAR(so.get_multipliers()[0], lambda, 1e-10 * lambda);
  EXPECT_NEAR(so.get_activations()[0], 40.0 * lambda / 2.0, 1e-10);
  EXPECT_NEAR(so.get_activations()[1], 60.0 * lambda / 4.0, 1e-10);
  EXPECT_NEAR(so.get_activations()[2], 20.0 * lambda / 1.0, 1e-10);
}

TEST(StaticOptimization, ClosedFormOneCoordinateCubic) {
  // p = 3 with equal weights and one row: a_i = sqrt(A_i λ / 3), so a_i ∝ sqrt(A_i) and
  // Σ A_i^{3/2} sqrt(λ/3) = b.
  StaticOptimizationSettings settings;
  settings.exponent = 3;
  StaticOptimizationSolver so(1, 2, 1, settings);
  auto& pb = so.upd_problem();
  pb.A_muscle << 25.0, 100.0;
  pb.A_actuator << 1.0;
  pb.actuator_weight << 1e8;
  pb.b << 50.0;
  ASSERT_EQ(so.solve().status, SoStatus::solved);
  const double root = 50.0 / (std::pow(25.0, 1.5) + std::pow(100.0, 1.5));  // sqrt(λ/3)
  EXPECT_NEAR(so.get_activations()[0], 5.0 * root, 1e-6);
  EXPECT_NEAR(so.get_activations()[1], 10.0 * root, 1e-6);
  expect_kkt(so, 1e-8, "cubic");
}

TEST(StaticOptimization, WeakMusclesAreFlaggedAndReservesCarryTheRest) {
  // Two muscles can produce at most 10 + 20·0.5 (cap) = 20 N·m on a row that needs 100 N·m: the
  // reserve (optimal torque 1 N·m, cost u²) carries the rest, and the row is flagged.
  StaticOptimizationSolver so(2, 3, 2);
  auto& pb = so.upd_problem();
  pb.A_muscle << 10.0, 20.0, 0.0,  //
      0.0, 0.0, 30.0;
  pb.activation_max << 1.0, 0.5, 1.0;
  pb.A_actuator.setIdentity();
  pb.b << 100.0, 6.0;
  const auto& info = so.solve();
  ASSERT_EQ(info.status, SoStatus::reserve_limited);
  EXPECT_EQ(info.reserve_limited_rows, 1);
  EXPECT_TRUE(so.get_reserve_limited_rows()[0]);
  EXPECT_FALSE(so.get_reserve_limited_rows()[1]);
  EXPECT_DOUBLE_EQ(so.get_activations()[0], 1.0);  // both at their caps
  EXPECT_DOUBLE_EQ(so.get_activations()[1], 0.5);
  EXPECT_NEAR(so.get_reserve_torques()[0], 80.0, 1e-8);
  EXPECT_NEAR(info.max_reserve_torque, 80.0, 1e-8);
  EXPECT_LT(std::abs(so.get_reserve_torques()[1]), 1.0);
  expect_kkt(so, 1e-8, "weak muscles");
}

// A frame is flagged when a reserve carries more than max(1 N m, 1 % of the row's moment): 3 N m of
// reserve on a 500 N m row is under 1 % (5 N m) and not flagged; on a 100 N m row it is (a mutation
// audit dropped the relative part unseen).
TEST(StaticOptimization, ReserveFlagIsRelativeToTheRowsMoment) {
  for (const double b : {500.0, 100.0}) {
    StaticOptimizationSolver so(1, 1, 1);
    auto& pb = so.upd_problem();
    pb.A_muscle << b - 3.0;  // at full activation 3 N m short
    pb.activation_max << 1.0;
    pb.A_actuator.setIdentity();
    pb.b << b;
    const auto& info = so.solve();
    EXPECT_NEAR(so.get_reserve_torques()[0], 3.0, 1e-6) << b;
    EXPECT_EQ(info.status, b == 500.0 ? SoStatus::solved : SoStatus::reserve_limited) << b << " " << to_string(info.status);
    EXPECT_EQ(info.reserve_limited_rows, b == 500.0 ? 0 : 1) << b;
  }
}

TEST(StaticOptimization, IdealActuatorsAreNotCountedAsReserves) {
  // An arm torque actuator (not a reserve) may carry a large torque without flagging the frame.
  StaticOptimizationSolver so(1, 1, 2);
  auto& pb = so.upd_problem();
  pb.A_muscle << 10.0;
  pb.A_actuator << 1.0, 100.0;  // reserve (1 N·m), ideal arm actuator (100 N·m)
  pb.actuator_weight << 1.0, 0.01;
  pb.actuator_is_reserve << true, false;
  pb.b << 200.0;
  const auto& info = so.solve();
  ASSERT_EQ(info.status, SoStatus::solved);
  EXPECT_GT(so.get_actuator_controls()[1] * 100.0, 150.0);
  EXPECT_LT(std::abs(so.get_reserve_torques()[0]), 1.0);
  expect_kkt(so, 1e-8, "ideal actuator");
}

TEST(StaticOptimization, MusclesWithoutReservesThatCannotBalanceAreInfeasible) {
  StaticOptimizationSolver so(2, 2, 0);
  auto& pb = so.upd_problem();
  pb.A_muscle << 50.0, 0.0,  //
      0.0, 40.0;
  pb.b << 20.0, 60.0;  // row 1 needs a = 1.5 > 1
  EXPECT_EQ(so.solve().status, SoStatus::infeasible);
  // The same problem with enough strength is solved, from a cold start after the failure.
  pb.b << 20.0, 30.0;
  ASSERT_EQ(so.solve().status, SoStatus::solved);
  EXPECT_NEAR(so.get_activations()[1], 0.75, 1e-10);
  // Muscles pull one way only: a negative moment on a row with a single positive arm is infeasible.
  pb.b << -5.0, 10.0;
  EXPECT_EQ(so.solve().status, SoStatus::infeasible);
}

TEST(StaticOptimization, RankDeficientRowsWithoutReserves) {
  // Two coordinates crossed by the same muscles with the same moment arms (identical rows of A_m)
  // and no reserves: the dual Hessian is singular. Consistent moments are solved; inconsistent ones
  // are infeasible (Farkas direction d = (−1, 1): bᵀd = 10 > 0 = sup (Aᵀd)ᵀx).
  StaticOptimizationSolver so(2, 3, 0);
  auto& pb = so.upd_problem();
  pb.A_muscle << 30.0, 20.0, 10.0,  //
      30.0, 20.0, 10.0;
  pb.b << 15.0, 15.0;
  ASSERT_EQ(so.solve().status, SoStatus::solved);
  expect_kkt(so, 1e-8, "consistent identical rows");
  pb.b << 10.0, 20.0;
  EXPECT_EQ(so.solve().status, SoStatus::infeasible);
}

TEST(StaticOptimization, IterationLimitIsReported) {
  // A cold start that needs several Newton steps, allowed only one.
  std::mt19937 rng(5);
  RandomProblemOptions opt;
  opt.n_eq = 8;
  opt.n_muscles = 30;
  opt.load_scale = 2.0;
  StaticOptimizationSettings settings;
  settings.max_iterations = 1;
  StaticOptimizationSolver so(opt.n_eq, opt.n_muscles, opt.n_eq, settings);
  fill_random_problem(rng, opt, so.upd_problem());
  const auto& info = so.solve();
  EXPECT_EQ(info.status, SoStatus::max_iterations);
  EXPECT_EQ(info.iterations, 1);
  EXPECT_GT(info.primal_residual, settings.tolerance);
  // set_multipliers: starting from the optimum of an unlimited solver converges at once.
  StaticOptimizationSolver full(opt.n_eq, opt.n_muscles, opt.n_eq);
  full.upd_problem() = so.get_problem();
  ASSERT_EQ(full.solve().status, SoStatus::reserve_limited);
  so.set_multipliers(full.get_multipliers());
  EXPECT_EQ(so.solve().status, SoStatus::reserve_limited);
  EXPECT_LE(so.get_info().iterations, 1);
  EXPECT_NEAR(so.get_info().objective, full.get_info().objective, 1e-9 * full.get_info().objective);
}

TEST(StaticOptimization, BadInputIsReportedNotSolved) {
  StaticOptimizationSolver so(1, 2, 1);
  auto& pb = so.upd_problem();
  pb.A_muscle << 10.0, 10.0;
  pb.A_actuator << 1.0;
  pb.b << std::nan("");
  EXPECT_EQ(so.solve().status, SoStatus::invalid_input);
  EXPECT_STRNE(so.get_info().message, "");
  pb.b << 1.0;
  pb.muscle_weight << 1.0, 0.0;
  EXPECT_EQ(so.solve().status, SoStatus::invalid_input);
  pb.muscle_weight << 1.0, 1.0;
  pb.activation_min << 0.5, 0.0;
  pb.activation_max << 0.4, 1.0;
  EXPECT_EQ(so.solve().status, SoStatus::invalid_input);
  pb.activation_min << 0.0, 0.0;
  pb.activation_max << 1.0, 1.0;
  EXPECT_EQ(so.solve().status, SoStatus::solved);

  StaticOptimizationSettings cubic;
  cubic.exponent = 3;
  StaticOptimizationSolver so3(1, 1, 1, cubic);
  so3.upd_problem().activation_min << -0.1;
  EXPECT_EQ(so3.solve().status, SoStatus::invalid_input);

  StaticOptimizationSettings bad;
  bad.exponent = 4;
  EXPECT_THROW(StaticOptimizationSolver(1, 1, 1, bad), InputError);
}

// A's finiteness is checked while A is compressed: every entry of either block, first, last or in
// between, NaN or an infinity, is still reported, and the solver recovers once A is finite again.
TEST(StaticOptimization, NonFiniteEntriesOfAAreReportedWherever) {
  StaticOptimizationSolver so(3, 4, 3);
  auto& pb = so.upd_problem();
  pb.A_muscle << 0.05, 0.0, -0.03, 0.0, 0.0, 0.04, 0.02, 0.0, -0.01, 0.0, 0.0, 0.03;
  pb.A_muscle *= 1000.0;
  pb.A_actuator = Eigen::MatrixXd::Identity(3, 3);
  pb.b << 10.0, 5.0, 2.0;
  const Eigen::MatrixXd A_m = pb.A_muscle, A_u = pb.A_actuator;
  ASSERT_EQ(so.solve().status, SoStatus::solved);
  const double bad_values[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity()};
  for (const double bad : bad_values) {
    for (int block = 0; block < 2; ++block) {
      Eigen::MatrixXd& A = block == 0 ? pb.A_muscle : pb.A_actuator;
      for (Eigen::Index k = 0; k < A.size(); ++k) {
        A(k) = bad;  // also where A had a zero
        EXPECT_EQ(so.solve().status, SoStatus::invalid_input) << "block " << block << " entry " << k;
        EXPECT_STREQ(so.get_info().message, "non-finite entry in A_muscle, A_actuator or b");
        pb.A_muscle = A_m;
        pb.A_actuator = A_u;
      }
    }
  }
  EXPECT_EQ(so.solve().status, SoStatus::solved);
  EXPECT_LE(so.get_info().kkt_residual, 1e-8);
}

// A slowly varying sequence (a lift: the torques change a little each frame). Warm-started solves
// take fewer Newton iterations than cold ones and reach the same optimum.
void run_sequence(int exponent) {
  std::mt19937 rng(99);
  RandomProblemOptions opt;
  opt.n_eq = 12;
  opt.n_muscles = 40;
  StaticOptimizationSettings settings;
  settings.exponent = exponent;
  StaticOptimizationSolver warm(opt.n_eq, opt.n_muscles, opt.n_eq, settings);
  settings.warm_start = false;
  StaticOptimizationSolver cold(opt.n_eq, opt.n_muscles, opt.n_eq, settings);
  fill_random_problem(rng, opt, warm.upd_problem());
  const VectorXd b0 = warm.upd_problem().b;
  int it_warm = 0, it_cold = 0;
  for (int frame = 0; frame < 50; ++frame) {
    const double s = 0.6 + 0.4 * std::sin(0.05 * frame);
    warm.upd_problem().b = s * b0;
    cold.upd_problem() = warm.get_problem();
    const auto& iw = warm.solve();
    const auto& ic = cold.solve();
    ASSERT_TRUE(iw.status == SoStatus::solved || iw.status == SoStatus::reserve_limited);
    ASSERT_TRUE(ic.status == SoStatus::solved || ic.status == SoStatus::reserve_limited);
    EXPECT_NEAR(iw.objective, ic.objective, 1e-9 * std::max(1.0, ic.objective));
    if (frame > 0) {
      it_warm += iw.iterations;
      it_cold += ic.iterations;
    }
  }
  EXPECT_LT(it_warm, it_cold) << "warm " << it_warm << " cold " << it_cold;
}

// Rows declared for A_muscle's columns (set_muscle_column_rows, as the pipeline declares the rows a
// muscle crosses) only spare the scan of the other rows: a superset of the nonzeros gives the full
// scan's solution to the bit, frame after frame (warm starts included); a column the caller fills
// with NaN is still invalid input; a malformed declaration is refused.
TEST(StaticOptimization, DeclaredColumnRowsGiveTheFullScansResults) {
  for (const int exponent : {2, 3}) {
    RandomProblemOptions opt;
    opt.n_eq = 7;
    opt.n_muscles = 20;
    opt.exponent = exponent;
    opt.ideal_actuator = true;
    StaticOptimizationSettings settings;
    settings.exponent = exponent;
    StaticOptimizationSolver full(opt.n_eq, opt.n_muscles, opt.n_eq + 1, settings);
    StaticOptimizationSolver declared(opt.n_eq, opt.n_muscles, opt.n_eq + 1, settings);
    std::mt19937 rng(exponent);
    fill_random_problem(rng, opt, full.upd_problem());
    // The structure: each muscle's nonzero rows and, for every other muscle, one more row that
    // stays zero (a declared row need not hold a nonzero).
    std::vector<int> rows, begin{0};
    for (int i = 0; i < opt.n_muscles; ++i) {
      for (int r = 0; r < opt.n_eq; ++r)
        if (full.get_problem().A_muscle(r, i) != 0.0 || (i % 2 == 0 && r == (i + 3) % opt.n_eq)) rows.push_back(r);
      begin.push_back(static_cast<int>(rows.size()));
    }
    declared.set_muscle_column_rows(rows, begin);
    const MatrixXd structure = full.get_problem().A_muscle;
    std::uniform_real_distribution<double> u(0.7, 1.3);
    for (int frame = 0; frame < 12; ++frame) {
      // The next frame: the same structure with other values and loads.
      StaticOptimizationProblem& pb = full.upd_problem();
      for (int i = 0; i < opt.n_muscles; ++i) pb.A_muscle.col(i) = structure.col(i) * u(rng);
      pb.b *= u(rng);
      declared.upd_problem() = pb;
      const StaticOptimizationInfo a = full.solve();
      const StaticOptimizationInfo b = declared.solve();
      ASSERT_EQ(a.status, b.status) << "frame " << frame;
      EXPECT_EQ(a.iterations, b.iterations);
      EXPECT_EQ(a.objective, b.objective);
      EXPECT_EQ(a.kkt_residual, b.kkt_residual);
      for (int i = 0; i < opt.n_muscles; ++i) EXPECT_EQ(full.get_activations()[i], declared.get_activations()[i]);
      for (int j = 0; j < opt.n_eq + 1; ++j) {
        EXPECT_EQ(full.get_actuator_controls()[j], declared.get_actuator_controls()[j]);
      }
      for (int r = 0; r < opt.n_eq; ++r) EXPECT_EQ(full.get_multipliers()[r], declared.get_multipliers()[r]);
    }
    declared.upd_problem().A_muscle.col(3).setConstant(std::numeric_limits<double>::quiet_NaN());
    EXPECT_EQ(declared.solve().status, SoStatus::invalid_input);
    EXPECT_THROW(declared.set_muscle_column_rows({0}, {0, 1}), InternalError);  // too few column starts
    std::vector<int> unsorted = rows;
    std::swap(unsorted[begin[0]], unsorted[begin[0] + 1]);
    if (begin[1] - begin[0] >= 2) {
      EXPECT_THROW(declared.set_muscle_column_rows(unsorted, begin), InternalError);
    }
  }
}

TEST(StaticOptimization, WarmStartReducesIterationsQuadratic) { run_sequence(2); }
TEST(StaticOptimization, WarmStartReducesIterationsCubic) { run_sequence(3); }

#ifdef DEMBONES_SO_COUNTS_ALLOCATIONS
TEST(StaticOptimization, SolveNeverAllocates) {
  std::mt19937 rng(7);
  for (int variant = 0; variant < 4; ++variant) {
    const int exponent = 2 + variant % 2;
    RandomProblemOptions opt;
    opt.n_eq = 20;
    opt.n_muscles = 90;
    opt.ideal_actuator = true;
    opt.load_scale = 1.5;
    StaticOptimizationSettings settings;
    settings.exponent = exponent;
    if (variant >= 2) settings.newton_iterations_before_fallback = 0;  // the interior-point path
    StaticOptimizationSolver so(opt.n_eq, opt.n_muscles, opt.n_eq + 1, settings);
    fill_random_problem(rng, opt, so.upd_problem());
    const VectorXd b0 = so.get_problem().b;
    VectorXd scaled = b0;  // allocated before counting starts
    g_so_test_allocations = 0;
    g_so_test_counting = true;
    SoStatus last = SoStatus::invalid_input;
    for (int frame = 0; frame < 20; ++frame) {
      scaled = (1.0 + 0.02 * frame) * b0;
      so.upd_problem().b = scaled;
      last = so.solve().status;
      if (frame == 10) so.reset_warm_start();  // the cold path too
    }
    g_so_test_counting = false;
    EXPECT_EQ(g_so_test_allocations.load(), 0) << "variant " << variant;
    EXPECT_TRUE(last == SoStatus::solved || last == SoStatus::reserve_limited) << to_string(last);
  }
  // The counter itself works: an Eigen allocation is seen.
  g_so_test_allocations = 0;
  g_so_test_counting = true;
  VectorXd v(1000);
  g_so_test_counting = false;
  v.setZero();
  EXPECT_GE(g_so_test_allocations.load(), 1);
}
#endif

#ifdef DEMBONES_HAVE_IPOPT
TEST(StaticOptimization, AgreesWithIpopt) {
  std::mt19937 rng(4321);
  for (int exponent : {2, 3}) {
    for (int trial = 0; trial < 10; ++trial) {
      RandomProblemOptions opt;
      opt.exponent = exponent;
      opt.n_eq = 4 + trial % 5;
      opt.n_muscles = 10 + 3 * trial;
      opt.ideal_actuator = trial % 2 == 0;
      opt.load_scale = trial % 3 == 0 ? 2.0 : 1.0;
      StaticOptimizationSettings settings;
      settings.exponent = exponent;
      StaticOptimizationSolver so(opt.n_eq, opt.n_muscles, opt.n_eq + (opt.ideal_actuator ? 1 : 0), settings);
      fill_random_problem(rng, opt, so.upd_problem());
      const auto& info = so.solve();
      ASSERT_TRUE(info.status == SoStatus::solved || info.status == SoStatus::reserve_limited);
      IpoptStaticOptimization ipopt(so.get_problem(), exponent, IpoptStaticOptimization::Options{});
      ASSERT_TRUE(ipopt.solve()) << "IPOPT failed, exponent " << exponent << " trial " << trial;
      const auto& xi = ipopt.solution();
      const VectorXd a_ipopt = Eigen::Map<const VectorXd>(xi.data(), opt.n_muscles);
      const VectorXd u_ipopt = Eigen::Map<const VectorXd>(xi.data() + opt.n_muscles, so.num_actuators());
      const auto kkt_ipopt = check_kkt(so.get_problem(), exponent, a_ipopt, u_ipopt, -so.get_multipliers());
      EXPECT_NEAR(info.objective, ipopt.objective(), 1e-6 * std::max(1.0, info.objective))
          << "exponent " << exponent << " trial " << trial << " IPOPT primal residual " << kkt_ipopt.primal
          << " bounds " << kkt_ipopt.bounds << " iterations " << ipopt.iterations();
    }
  }
}
#endif

}  // namespace
}  // namespace dembones
