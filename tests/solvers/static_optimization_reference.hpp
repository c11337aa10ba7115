#pragma once
// A brute-force reference for static optimization, used only by the tests: a dense primal
// log-barrier method (Boyd & Vandenberghe 2004, "Convex Optimization", §11.3, Alg. 11.1) with a
// feasible start and equality-constrained Newton centering steps (§10.2). It shares nothing with the
// engine's dual semismooth Newton solver beyond the problem data, so agreement is evidence.
//
//   minimise f(x) − μ Σ log(x − lo) − μ Σ log(hi − x)   s.t. A x = b,   for μ = 1, 0.1, … , 1e-10;
// the objective gap of each centre is at most (number of finite bounds)·μ (B&V §11.2.2).
#include "solvers/static_optimization.hpp"

#include <Eigen/Core>
#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <vector>

namespace dembones {

struct BarrierReferenceResult {
  bool converged = false;
  double objective = 0.0;
  Eigen::VectorXd activations, controls;
  int newton_iterations = 0;
  double primal_residual = 0.0;  // ‖A x − b‖∞ / max(1, ‖b‖∞)
};

inline BarrierReferenceResult solve_static_optimization_barrier(const StaticOptimizationProblem& pb,
                                                                int exponent) {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const int n_eq = static_cast<int>(pb.b.size());
  const int m = static_cast<int>(pb.A_muscle.cols());
  const int k = static_cast<int>(pb.A_actuator.cols());
  const int n = m + k;
  MatrixXd A(n_eq, n);
  A << pb.A_muscle, pb.A_actuator;
  VectorXd lo(n), hi(n), w(n);
  lo << pb.activation_min, pb.actuator_min;
  hi << pb.activation_max, pb.actuator_max;
  w << pb.muscle_weight, pb.actuator_weight;
  auto p_of = [&](int j) { return j < m ? exponent : 2; };
  auto f_of = [&](const VectorXd& x) {
    double f = 0;
    for (int j = 0; j < n; ++j) f += w[j] * std::pow(x[j], p_of(j));
    return f;
  };

  // Strictly interior start: bounded variables mid-box, then the unbounded ones (reserves) solve
  // A x = b in the least-squares sense (exactly, since reserves span every row).
  VectorXd x = VectorXd::Zero(n);
  std::vector<int> free_cols;
  for (int j = 0; j < n; ++j) {
    const bool fl = std::isfinite(lo[j]), fh = std::isfinite(hi[j]);
    if (fl && fh) x[j] = 0.5 * (lo[j] + hi[j]);
    else if (fl) x[j] = lo[j] + 1.0;
    else if (fh) x[j] = hi[j] - 1.0;
    else free_cols.push_back(j);
  }
  BarrierReferenceResult out;
  if (free_cols.empty()) return out;  // the reference needs unbounded reserves for its start
  MatrixXd A_free(n_eq, static_cast<int>(free_cols.size()));
  for (size_t c = 0; c < free_cols.size(); ++c) A_free.col(static_cast<int>(c)) = A.col(free_cols[c]);
  const VectorXd r0 = pb.b - A * x;
  const VectorXd u0 = A_free.colPivHouseholderQr().solve(r0);
  for (size_t c = 0; c < free_cols.size(); ++c) x[free_cols[c]] = u0[static_cast<int>(c)];

  auto barrier_value = [&](const VectorXd& y, double mu, bool& inside) {
    double v = f_of(y);
    inside = true;
    for (int j = 0; j < n; ++j) {
      if (std::isfinite(lo[j])) {
        if (y[j] <= lo[j]) inside = false; else v -= mu * std::log(y[j] - lo[j]);
      }
      if (std::isfinite(hi[j])) {
        if (y[j] >= hi[j]) inside = false; else v -= mu * std::log(hi[j] - y[j]);
      }
    }
    return v;
  };

  VectorXd grad(n), hdiag(n);
  for (double mu = 1.0; mu >= 1e-10 * 0.999; mu *= 0.1) {
    for (int newton = 0; newton < 200; ++newton) {
      ++out.newton_iterations;
      for (int j = 0; j < n; ++j) {
        const int p = p_of(j);
        grad[j] = p == 2 ? 2 * w[j] * x[j] : 3 * w[j] * x[j] * x[j];
        hdiag[j] = p == 2 ? 2 * w[j] : 6 * w[j] * x[j];
        if (std::isfinite(lo[j])) {
          const double s = x[j] - lo[j];
          grad[j] -= mu / s;
          hdiag[j] += mu / (s * s);
        }
        if (std::isfinite(hi[j])) {
          const double s = hi[j] - x[j];
          grad[j] += mu / s;
          hdiag[j] += mu / (s * s);
        }
      }
      // Equality-constrained Newton step (B&V eq. 10.19) by elimination: with H diagonal,
      // dx = H⁻¹(−∇ − Aᵀν) and (A H⁻¹ Aᵀ) ν = r_p − A H⁻¹ ∇, so that A dx = −r_p. The reduced matrix stays well scaled
      // when barrier terms make H huge (the full KKT matrix would not), and r_p = A x − b folded in
      // removes round-off drift from A x = b.
      const VectorXd hinv = hdiag.cwiseInverse();
      const MatrixXd S = A * hinv.asDiagonal() * A.transpose();
      const VectorXd rp = A * x - pb.b;
      const VectorXd nu = S.ldlt().solve(rp - A * hinv.cwiseProduct(grad));
      const VectorXd dx = -hinv.cwiseProduct(grad + A.transpose() * nu);
      const double decrement2 = dx.dot(hdiag.asDiagonal() * dx);
      // Stop when the predicted decrease (decrement²/2, B&V §9.5.1) is below the round-off of f.
      if (decrement2 < 1e-13 * std::max(1.0, std::abs(f_of(x))) &&
          rp.lpNorm<Eigen::Infinity>() < 1e-12 * std::max(1.0, pb.b.lpNorm<Eigen::Infinity>()))
        break;
      // Fraction-to-boundary, then backtracking on the barrier function (B&V Alg. 9.2).
      double s = 1.0;
      for (int j = 0; j < n; ++j) {
        if (dx[j] < 0 && std::isfinite(lo[j])) s = std::min(s, 0.99 * (x[j] - lo[j]) / -dx[j]);
        if (dx[j] > 0 && std::isfinite(hi[j])) s = std::min(s, 0.99 * (hi[j] - x[j]) / dx[j]);
      }
      bool inside = true;
      const double v0 = barrier_value(x, mu, inside);
      const double slope = grad.dot(dx);
      while (s > 1e-14) {
        const VectorXd y = x + s * dx;
        const double v = barrier_value(y, mu, inside);
        if (inside && v <= v0 + 0.25 * s * slope + 1e-15 * std::abs(v0)) break;
        s *= 0.5;
      }
      if (s <= 1e-14) break;  // no progress beyond round-off: this centre is as good as it gets
      x += s * dx;
    }
  }
  out.primal_residual = (A * x - pb.b).lpNorm<Eigen::Infinity>() / std::max(1.0, pb.b.lpNorm<Eigen::Infinity>());
  out.converged = out.primal_residual <= 1e-9;
  out.objective = f_of(x);
  out.activations = x.head(m);
  out.controls = x.tail(k);
  return out;
}

}  // namespace dembones
