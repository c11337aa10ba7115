#include "solvers/static_optimization.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"

namespace dembones {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = std::numeric_limits<double>::epsilon();

// The interior-point fallback's iteration limit and the μ (relative) at which it hands over to
// Newton again.
constexpr int kMaxInteriorPointIterations = 60;
constexpr double kInteriorPointMu = 1e-9;
// Largest ratio between the round-off floor accepted as convergence and the tolerance (solve()).
constexpr double kMaxFloorRatio = 50.0;
// Smallest relative width of the line-search bracket.
constexpr double kMinStep = 1e-12;
// Smallest activation at which the p = 3 curvature dx/dg = 1/(6 w x) is evaluated: x(g) = sqrt(g/3w)
// has an infinite slope at 0, so the Newton model is capped there (it stays a positive definite
// approximation of the generalized Hessian; local convergence is unaffected for x* above it).
constexpr double kCubicCurvatureFloor = 1e-6;

// One separable term f(x) = w·x^p, p ∈ {2, 3}, on lo ≤ x ≤ hi.
struct Term {
  double w, lo, hi;
  int p;

  double value(double x) const { return p == 2 ? w * x * x : w * x * x * x; }
  double gradient(double x) const { return p == 2 ? 2.0 * w * x : 3.0 * w * x * x; }

  // argmin_{lo ≤ x ≤ hi} f(x) − g·x. The term is convex and 1-D, so the unconstrained minimiser
  // ∇f(x) = g clipped to the box is the constrained one. For p = 3, f is convex on x ≥ 0 only,
  // and lo ≥ 0 is required, so x = sqrt(max(g, 0)/(3w)) before clipping.
  double minimiser(double g) const {
    const double x = p == 2 ? g / (2.0 * w) : (g > 0.0 ? std::sqrt(g / (3.0 * w)) : 0.0);
    return std::clamp(x, lo, hi);
  }

  // −1 when the lower bound is strictly active at g, +1 the upper, 0 when x(g) is free or at a kink.
  int clip_side(double g) const { return g < gradient(lo) ? -1 : (g > gradient(hi) ? 1 : 0); }

  // Slope dx/dg of the minimiser where it is free, an element of its generalized (Clarke) Jacobian
  // (the Jacobian is 0 where a bound is strictly active). p = 2: 1/(2w); p = 3: 1/(6 w x), capped
  // near x = 0 where it is infinite. At the lower kink x = lo carries no slope information for
  // p = 3: evaluate at mid-box, which also makes a cold start (λ = 0, all activations at the kink
  // lo = 0, which counts as free) take the unconstrained least-norm step.
  double free_slope(double x) const {
    if (p == 2) return 1.0 / (2.0 * w);
    const double x_eval = x <= lo ? std::max(x, 0.5 * (lo + hi)) : x;
    return 1.0 / (6.0 * w * std::max(x_eval, kCubicCurvatureFloor));
  }
};

}  // namespace

const char* to_string(SoStatus status) {
  switch (status) {
    case SoStatus::solved: return "solved";
    case SoStatus::reserve_limited: return "reserve_limited";
    case SoStatus::max_iterations: return "max_iterations";
    case SoStatus::infeasible: return "infeasible";
    case SoStatus::invalid_input: return "invalid_input";
  }
  return "unknown";
}

StaticOptimizationSolver::StaticOptimizationSolver(int n_equations, int n_muscles, int n_actuators,
                                                   const StaticOptimizationSettings& settings)
    : n_eq_(n_equations),
      n_mus_(n_muscles),
      n_act_(n_actuators),
      n_var_(n_muscles + n_actuators),
      settings_(settings) {
  if (n_equations < 1 || n_muscles < 0 || n_actuators < 0)
    throw InputError(Location{"", 0, 0, "static_optimization"},
                     "expected n_equations >= 1 and n_muscles, n_actuators >= 0");
  if (settings.exponent != 2 && settings.exponent != 3)
    throw InputError(Location{"", 0, 0, "static_optimization.exponent"},
                     "expected 2 or 3, got " + std::to_string(settings.exponent));
  if (settings.max_iterations < 1 || !(settings.tolerance > 0.0) ||
      settings.newton_iterations_before_fallback < 0)
    throw InputError(Location{"", 0, 0, "static_optimization"},
                     "expected max_iterations >= 1, tolerance > 0 and "
                     "newton_iterations_before_fallback >= 0");

  auto& pb = problem_;
  pb.A_muscle = Eigen::MatrixXd::Zero(n_eq_, n_mus_);
  pb.A_actuator = Eigen::MatrixXd::Zero(n_eq_, n_act_);
  pb.b = Eigen::VectorXd::Zero(n_eq_);
  pb.activation_min = Eigen::VectorXd::Zero(n_mus_);
  pb.activation_max = Eigen::VectorXd::Ones(n_mus_);
  pb.muscle_weight = Eigen::VectorXd::Ones(n_mus_);
  pb.actuator_weight = Eigen::VectorXd::Ones(n_act_);
  pb.actuator_min = Eigen::VectorXd::Constant(n_act_, -kInf);
  pb.actuator_max = Eigen::VectorXd::Constant(n_act_, kInf);
  pb.actuator_is_reserve = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(n_act_, true);

  col_start_ = Eigen::VectorXi::Zero(n_var_ + 1);
  row_ = Eigen::VectorXi::Zero(static_cast<Eigen::Index>(n_eq_) * n_var_);
  val_ = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_eq_) * n_var_);
  weight_ = Eigen::VectorXd::Zero(n_var_);
  lo_ = Eigen::VectorXd::Zero(n_var_);
  hi_ = Eigen::VectorXd::Zero(n_var_);
  g_ = Eigen::VectorXd::Zero(n_var_);
  g_trial_ = Eigen::VectorXd::Zero(n_var_);
  x_ = Eigen::VectorXd::Zero(n_var_);
  x_trial_ = Eigen::VectorXd::Zero(n_var_);
  slope_ = Eigen::VectorXd::Zero(n_var_);
  for (Eigen::VectorXd* v : {&ip_x_, &ip_zl_, &ip_zu_, &ip_dx_, &ip_dzl_, &ip_dzu_, &ip_dx_aff_,
                             &ip_dzl_aff_, &ip_dzu_aff_, &ip_rd_, &ip_rho_})
    *v = Eigen::VectorXd::Zero(n_var_);
  ip_rp_ = Eigen::VectorXd::Zero(n_eq_);
  ip_dlambda_ = Eigen::VectorXd::Zero(n_eq_);
  lambda_backup_ = Eigen::VectorXd::Zero(n_eq_);
  lambda_ = Eigen::VectorXd::Zero(n_eq_);
  lambda_trial_ = Eigen::VectorXd::Zero(n_eq_);
  step_ = Eigen::VectorXd::Zero(n_eq_);
  residual_ = Eigen::VectorXd::Zero(n_eq_);
  residual_trial_ = Eigen::VectorXd::Zero(n_eq_);
  row_abs_ = Eigen::VectorXd::Zero(n_eq_);
  hessian_ = Eigen::MatrixXd::Zero(n_eq_, n_eq_);
  // (No assignment from a fresh LLT: Eigen 3.4 copies its uninitialised status, which UBSan flags.)
  llt_.compute(Eigen::MatrixXd::Identity(n_eq_, n_eq_));  // sizes the factor's storage once
  activation_ = Eigen::VectorXd::Zero(n_mus_);
  control_ = Eigen::VectorXd::Zero(n_act_);
  reserve_torque_ = Eigen::VectorXd::Zero(n_eq_);
  reserve_limited_ = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(n_eq_, false);
}

void StaticOptimizationSolver::set_multipliers(const Eigen::Ref<const Eigen::VectorXd>& lambda) {
  if (lambda.size() != n_eq_)
    throw InternalError("StaticOptimizationSolver::set_multipliers: expected " +
                        std::to_string(n_eq_) + " multipliers, got " + std::to_string(lambda.size()));
  lambda_ = lambda;
  have_warm_start_ = lambda_.allFinite();
}

void StaticOptimizationSolver::set_muscle_column_rows(const std::vector<int>& rows, const std::vector<int>& begin) {
  if (begin.empty()) {
    pattern_rows_.clear();
    pattern_begin_.clear();
    return;
  }
  bool ok = static_cast<int>(begin.size()) == n_mus_ + 1 && begin.front() == 0 &&
            begin.back() == static_cast<int>(rows.size());
  for (int i = 0; ok && i < n_mus_; ++i) {
    ok = begin[i] <= begin[i + 1];
    for (int t = begin[i]; ok && t < begin[i + 1]; ++t)
      ok = rows[t] >= 0 && rows[t] < n_eq_ && (t == begin[i] || rows[t - 1] < rows[t]);
  }
  if (!ok)
    throw InternalError("StaticOptimizationSolver::set_muscle_column_rows: expected n_muscles + 1 column starts "
                        "and ascending row indices in [0, n_eq) for each column");
  pattern_rows_ = rows;
  pattern_begin_ = begin;
}

void StaticOptimizationSolver::reset_warm_start() {
  lambda_.setZero();
  have_warm_start_ = false;
}

// Validates the per-frame data, compressing A on the way (compress_columns); on failure sets
// info_.message (a static string, no allocation).
bool StaticOptimizationSolver::check_input() {
  const auto& pb = problem_;
  const bool sizes_ok = pb.A_muscle.rows() == n_eq_ && pb.A_muscle.cols() == n_mus_ &&
                        pb.A_actuator.rows() == n_eq_ && pb.A_actuator.cols() == n_act_ &&
                        pb.b.size() == n_eq_ && pb.activation_min.size() == n_mus_ &&
                        pb.activation_max.size() == n_mus_ && pb.muscle_weight.size() == n_mus_ &&
                        pb.actuator_weight.size() == n_act_ && pb.actuator_min.size() == n_act_ &&
                        pb.actuator_max.size() == n_act_ && pb.actuator_is_reserve.size() == n_act_;
  if (!sizes_ok) {
    info_.message = "problem buffers were resized; they must keep the sizes given to the solver";
    return false;
  }
  // A's entries are checked in the pass that compresses them (a zero is finite, any other entry is
  // kept): Eigen's allFinite over the dense (n_eq × n_var) A was a second full pass, as costly as
  // the compression itself.
  const bool a_finite = compress_columns();
  if (!a_finite || !pb.b.allFinite()) {
    info_.message = "non-finite entry in A_muscle, A_actuator or b";
    return false;
  }
  // One plain pass per group of variables, in the order of the messages below (Eigen's boolean
  // array reductions over these short vectors cost more than the solve's own Newton step).
  bool weight_ok = true, bounds_ok = true, cubic_ok = true;
  // The same passes copy the weights and bounds into the solver's [muscles; actuators] arrays.
  for (int i = 0; i < n_mus_; ++i) {
    const double w = pb.muscle_weight[i], lo = pb.activation_min[i], hi = pb.activation_max[i];
    weight_[i] = w;
    lo_[i] = lo;
    hi_[i] = hi;
    weight_ok = weight_ok && std::isfinite(w) && w > 0.0;
    bounds_ok = bounds_ok && std::isfinite(lo) && std::isfinite(hi) && !(lo > hi);
    cubic_ok = cubic_ok && !(lo < 0.0);
  }
  if (!weight_ok) {
    info_.message = "muscle_weight must be finite and > 0";
    return false;
  }
  bool actuator_weight_ok = true, actuator_bounds_ok = true;
  for (int a = 0; a < n_act_; ++a) {
    const double c = pb.actuator_weight[a], lo = pb.actuator_min[a], hi = pb.actuator_max[a];
    weight_[n_mus_ + a] = c;
    lo_[n_mus_ + a] = lo;
    hi_[n_mus_ + a] = hi;
    actuator_weight_ok = actuator_weight_ok && std::isfinite(c) && c > 0.0;
    // NaN compares false both ways, so !(lo <= hi) also rejects NaN bounds.
    actuator_bounds_ok = actuator_bounds_ok && lo <= hi && lo != kInf && hi != -kInf;
  }
  if (!actuator_weight_ok) {
    info_.message = "actuator_weight must be finite and > 0";
    return false;
  }
  if (!bounds_ok) {
    info_.message = "activation bounds must be finite with activation_min <= activation_max";
    return false;
  }
  if (settings_.exponent == 3 && !cubic_ok) {
    info_.message = "activation_min must be >= 0 with exponent 3 (a^3 is convex only for a >= 0)";
    return false;
  }
  if (!actuator_bounds_ok) {
    info_.message = "actuator bounds must satisfy actuator_min <= actuator_max";
    return false;
  }
  return true;
}

// Copies the nonzeros of A = [A_m A_u] column by column. A muscle spans 1–3 coordinates, so A is
// mostly zeros: every product below then costs O(nnz) instead of O(n_eq · n_var). Returns whether
// every entry of A is finite (NaN and ±inf compare unequal to 0, so they are among the copies).
bool StaticOptimizationSolver::compress_columns() {
  const auto& pb = problem_;
  int nnz = 0;
  bool finite = true;
  const auto keep = [&](const double* col, int i) {
    if (col[i] != 0.0) {
      row_[nnz] = i;
      val_[nnz] = col[i];
      finite = finite && std::isfinite(col[i]);
      ++nnz;
    }
  };
  const bool pattern = !pattern_begin_.empty();
  for (int j = 0; j < n_var_; ++j) {
    col_start_[j] = nnz;
    const double* col = j < n_mus_ ? pb.A_muscle.col(j).data() : pb.A_actuator.col(j - n_mus_).data();
    if (pattern && j < n_mus_) {
      // Only the declared rows (ascending, so the copies come in the full scan's order).
      for (int t = pattern_begin_[j]; t < pattern_begin_[j + 1]; ++t) keep(col, pattern_rows_[t]);
    } else {
      for (int i = 0; i < n_eq_; ++i) keep(col, i);
    }
  }
  col_start_[n_var_] = nnz;
  return finite;
}

// Evaluates, at multipliers λ: g = Aᵀλ, x = x(λ) and residual = ∇φ(λ) = b − A x, the gradient of
// the dual function φ(λ) = Σ_j [f_j(x_j) − g_j x_j] + bᵀλ.
void StaticOptimizationSolver::evaluate(const Eigen::VectorXd& lambda, Eigen::VectorXd& g,
                                        Eigen::VectorXd& x, Eigen::VectorXd& residual) const {
  residual = problem_.b;
  for (int j = 0; j < n_var_; ++j) {
    double gj = 0.0;
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) gj += val_[k] * lambda[row_[k]];
    const Term term{weight_[j], lo_[j], hi_[j], j < n_mus_ ? settings_.exponent : 2};
    const double xj = term.minimiser(gj);
    g[j] = gj;
    x[j] = xj;
    if (xj != 0.0)
      for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) residual[row_[k]] -= val_[k] * xj;
  }
}

// The smallest residual double precision can resolve at (λ, x): one rounding of each term of
// A x, and one ulp of λ moved through H = ∂(A x)/∂λ. With heavy reserves λ is large and the floor
// can exceed tolerance·‖b‖; the iteration then stops there rather than spin.
double StaticOptimizationSolver::calc_rounding_floor() const {
  row_abs_.setZero();
  for (int j = 0; j < n_var_; ++j)
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) row_abs_[row_[k]] += std::abs(val_[k] * x_[j]);
  const double force = row_abs_.maxCoeff();
  double h_max = 0.0;  // H is filled in its lower triangle only
  for (int c = 0; c < n_eq_; ++c)
    for (int r = c; r < n_eq_; ++r) h_max = std::max(h_max, std::abs(hessian_(r, c)));
  return 8.0 * kEps * (force + n_eq_ * h_max * lambda_.lpNorm<Eigen::Infinity>());
}

// H = Σ_j d_j a_j a_jᵀ (lower triangle), a_j the sparse column j of A: the Newton matrix of the
// dual (d = slopes of x(λ)) and the Schur complement of the interior-point system (d = 1/Σ).
void StaticOptimizationSolver::assemble_hessian(const Eigen::VectorXd& d) {
  hessian_.setZero();
  for (int j = 0; j < n_var_; ++j) {
    if (d[j] == 0.0) continue;
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) {
      const double dv = d[j] * val_[k];
      for (int l = col_start_[j]; l <= k; ++l) hessian_(row_[k], row_[l]) += dv * val_[l];
    }
  }
}

// Factorises H (assembled); false when it cannot be factorised.
bool StaticOptimizationSolver::factorize() {
  llt_.compute(hessian_);
  if (llt_.info() == Eigen::Success) return true;
  // Rows with no free variable (all muscles of a coordinate at their bounds and no reserve) make H
  // singular; a small relative Levenberg–Marquardt shift keeps the step an ascent direction. Only
  // then, so that regular steps stay exact Newton steps.
  const double max_diag = hessian_.diagonal().maxCoeff();
  hessian_.diagonal().array() += max_diag > 0.0 ? 1e-12 * max_diag : 1.0;
  llt_.compute(hessian_);
  return llt_.info() == Eigen::Success;
}

// Solves H Δλ = b − A x with H the generalized Hessian at the current point; false on failure.
bool StaticOptimizationSolver::compute_step() {
  for (int j = 0; j < n_var_; ++j) {
    const Term term{weight_[j], lo_[j], hi_[j], j < n_mus_ ? settings_.exponent : 2};
    slope_[j] = term.clip_side(g_[j]) == 0 ? term.free_slope(x_[j]) : 0.0;
  }
  assemble_hessian(slope_);
  if (!factorize()) return false;
  step_ = residual_;
  llt_.solveInPlace(step_);
  return step_.allFinite();
}

// Farkas: the box-constrained system A x = b has no solution iff some d gives
// bᵀd > sup_{lo ≤ x ≤ hi} (Aᵀd)ᵀx. On an infeasible problem the dual is unbounded and λ grows along
// such a d, so λ itself is tested. For a feasible problem bᵀλ = (Ax)ᵀλ ≤ sup for every λ, so a
// positive margin beyond round-off is a certificate, never a false alarm.
bool StaticOptimizationSolver::certify_infeasible() const {
  double sup = 0.0, scale = 0.0;
  for (int j = 0; j < n_var_; ++j) {
    const double gj = g_[j];
    if (gj == 0.0) continue;
    const double bound = gj > 0.0 ? hi_[j] : lo_[j];
    if (std::isinf(bound)) return false;
    sup += gj * bound;
    scale += std::abs(gj * bound);
  }
  const double btl = problem_.b.dot(lambda_);
  scale += problem_.b.cwiseAbs().dot(lambda_.cwiseAbs());
  return btl - sup > 1e-8 * scale && scale > 0.0;
}

// Sets λ_trial = λ + t Δλ and evaluates x, g and the residual there; returns ψ'(t) = ∇φᵀΔλ.
double StaticOptimizationSolver::evaluate_along_step(double t) {
  lambda_trial_ = lambda_ + t * step_;
  evaluate(lambda_trial_, g_trial_, x_trial_, residual_trial_);
  return residual_trial_.dot(step_);
}

void StaticOptimizationSolver::accept_trial() {
  lambda_.swap(lambda_trial_);
  g_.swap(g_trial_);
  x_.swap(x_trial_);
  residual_.swap(residual_trial_);
}

// Line search on ψ(t) = φ(λ + t Δλ), concave, so ψ'(t) = (b − A x(λ + tΔλ))ᵀΔλ is nonincreasing
// (piecewise linear for p = 2). It looks for ψ'(t) ≈ 0 — |ψ'(t)| ≤ η ψ'(0), the strong Wolfe
// curvature condition (Nocedal & Wright 2006, §3.1) — by doubling t while ψ' stays positive and
// then by safeguarded regula falsi (Illinois) inside the bracket. Unlike backtracking it may take
// t > 1: when the model frees a variable that the step clips again, the true dual is flatter than
// the model and the Newton step is too short. Working on ψ' instead of φ differences also keeps the
// test free of cancellation near the solution. Near the solution t = 1 passes at once.
// Returns false when no t improved on t = 0.
bool StaticOptimizationSolver::line_search(double slope, double target) {
  constexpr double kCurvature = 0.1;   // η
  constexpr int kMaxExpansions = 40;
  constexpr int kMaxBracketSteps = 40;
  const double tol = kCurvature * slope;
  double t_lo = 0.0, d_lo = slope;  // ψ' > 0 side
  double t_hi = 0.0, d_hi = 0.0;    // ψ' < 0 side, once found
  double t = 1.0;
  double d = evaluate_along_step(t);
  if (residual_trial_.lpNorm<Eigen::Infinity>() <= target || std::abs(d) <= tol) {
    accept_trial();
    return true;
  }
  for (int e = 0; d > 0.0 && e < kMaxExpansions; ++e) {
    t_lo = t;
    d_lo = d;
    t *= 2.0;
    d = evaluate_along_step(t);
    if (residual_trial_.lpNorm<Eigen::Infinity>() <= target || std::abs(d) <= tol) {
      accept_trial();
      return true;
    }
  }
  if (d > 0.0) {  // still ascending after 2^40: the dual is unbounded along Δλ (infeasible)
    accept_trial();
    return true;
  }
  t_hi = t;
  d_hi = d;
  int side = 0;  // Illinois: halve the weight of an end point kept twice in a row
  for (int k = 0; k < kMaxBracketSteps; ++k) {
    double w_lo = d_lo, w_hi = -d_hi;
    if (side == 1) w_hi *= 0.5;
    if (side == -1) w_lo *= 0.5;
    t = (t_lo * w_hi + t_hi * w_lo) / (w_lo + w_hi);  // root of the secant of ψ'
    const double width = t_hi - t_lo;
    t = std::clamp(t, t_lo + 1e-3 * width, t_hi - 1e-3 * width);
    // No ascent point yet: the kink that turns ψ' negative may sit orders of magnitude closer to
    // 0 than the secant suggests; shrink geometrically.
    if (t_lo == 0.0) t = std::min(t, 0.1 * t_hi);
    d = evaluate_along_step(t);
    if (residual_trial_.lpNorm<Eigen::Infinity>() <= target || std::abs(d) <= tol) {
      accept_trial();
      return true;
    }
    if (d > 0.0) {
      t_lo = t;
      d_lo = d;
      side = side == -1 ? -2 : -1;
    } else {
      t_hi = t;
      d_hi = d;
      side = side == 1 ? 2 : 1;
    }
    if (t_hi - t_lo <= kMinStep * t_hi) break;
  }
  if (t_lo == 0.0) return false;
  evaluate_along_step(t_lo);  // the ascending side: ψ(t_lo) ≥ ψ(0) + t_lo ψ'(t_lo) > ψ(0)
  accept_trial();
  return true;
}

// Semismooth Newton iterations from the current λ (already evaluated), at most max_it of them.
// Returns the iterations used; sets converged / infeasible; stalled when the step or the line search
// failed.
int StaticOptimizationSolver::run_newton(int max_it, double target, bool& converged, bool& infeasible,
                                         bool& stalled) {
  converged = residual_.lpNorm<Eigen::Infinity>() <= target;
  infeasible = stalled = false;
  int it = 0;
  while (!converged && it < max_it) {
    ++it;
    // Newton step on the dual: (A D Aᵀ) Δλ = b − A x(λ), D the generalized Jacobian of x(λ).
    const double slope = compute_step() ? residual_.dot(step_) : 0.0;  // ψ'(0) > 0 (H ≻ 0)
    if (!(slope > 0.0) || !line_search(slope, target)) {
      stalled = true;
      break;
    }
    // The rounding floor is honoured up to kMaxFloorRatio × the target, never beyond: an
    // infeasible problem also drives λ up, and must not pass as converged.
    // (The floor is computed only when the target itself is missed: the same test, cheaper.)
    const double residual = residual_.lpNorm<Eigen::Infinity>();
    converged = residual <= target ||
                residual <= std::max(target, std::min(calc_rounding_floor(), kMaxFloorRatio * target));
    if (!converged && certify_infeasible()) {
      infeasible = true;
      break;
    }
  }
  return it;
}

const StaticOptimizationInfo& StaticOptimizationSolver::solve() {
  info_ = StaticOptimizationInfo{};
  if (!check_input()) {  // (compresses A too)
    info_.status = SoStatus::invalid_input;
    return info_;
  }
  if (!settings_.warm_start || !have_warm_start_) lambda_.setZero();

  const double b_scale = std::max(1.0, problem_.b.lpNorm<Eigen::Infinity>());
  const double target = settings_.tolerance * b_scale;
  evaluate(lambda_, g_, x_, residual_);
  bool converged = false, infeasible = false, stalled = false;
  int it = run_newton(std::min(settings_.max_iterations, settings_.newton_iterations_before_fallback),
                      target, converged, infeasible, stalled);
  // The dual Newton iteration crosses one kink of the piecewise-smooth dual per step at worst;
  // with very heavy reserves a cold start can face many. Then a primal-dual interior-point method,
  // whose iteration count hardly depends on the active set, finds multipliers close enough for
  // Newton to finish from.
  if (!converged && !infeasible && (stalled || it < settings_.max_iterations)) {
    lambda_backup_ = lambda_;
    info_.interior_point_iterations = run_interior_point(kMaxInteriorPointIterations, b_scale);
    if (!lambda_.allFinite()) lambda_ = lambda_backup_;  // e.g. an infeasible problem diverged
    evaluate(lambda_, g_, x_, residual_);
    bool stalled_again = false;
    it += run_newton(settings_.max_iterations - it, target, converged, infeasible, stalled_again);
  }
  info_.iterations = it;
  if (!converged && !infeasible) infeasible = certify_infeasible();
  finish();
  if (infeasible)
    info_.status = SoStatus::infeasible;
  else if (!converged)
    info_.status = SoStatus::max_iterations;
  else
    info_.status = info_.reserve_limited_rows > 0 ? SoStatus::reserve_limited : SoStatus::solved;
  have_warm_start_ = converged && lambda_.allFinite();
  return info_;
}

// Solves the Newton system of the interior-point method for given complementarity right-hand
// sides κ_lo, κ_hi (Nocedal & Wright 2006, eqs. 16.58 and 19.12, with the bounds as the only
// inequalities). Eliminating Δz_lo = (κ_lo − z_lo Δx)/s_lo, Δz_hi = (κ_hi + z_hi Δx)/s_hi leaves
//   Σ Δx − AᵀΔλ = ρ := −r_d + κ_lo/s_lo − κ_hi/s_hi,   A Δx = r_p,   Σ = f'' + z_lo/s_lo + z_hi/s_hi,
// so (A Σ⁻¹ Aᵀ) Δλ = r_p − A Σ⁻¹ ρ with the factorisation already in llt_ (1/Σ in slope_).
// kappa_mode 0: predictor (κ = −s z); 1: corrector (κ = σμ − s z − Δs_aff Δz_aff).
void StaticOptimizationSolver::solve_interior_point_system(int kappa_mode, double sigma_mu) {
  ip_dlambda_ = ip_rp_;
  for (int j = 0; j < n_var_; ++j) {
    if (slope_[j] == 0.0) {  // fixed variable (lo = hi)
      ip_rho_[j] = 0.0;
      continue;
    }
    const double x = ip_x_[j];
    double rho = -ip_rd_[j];
    if (std::isfinite(lo_[j])) {
      const double sl = x - lo_[j];
      double kappa = sigma_mu - sl * ip_zl_[j];
      if (kappa_mode == 1) kappa -= ip_dx_aff_[j] * ip_dzl_aff_[j];
      rho += kappa / sl;
    }
    if (std::isfinite(hi_[j])) {
      const double su = hi_[j] - x;
      double kappa = sigma_mu - su * ip_zu_[j];
      if (kappa_mode == 1) kappa += ip_dx_aff_[j] * ip_dzu_aff_[j];  // Δs_hi = −Δx
      rho -= kappa / su;
    }
    ip_rho_[j] = rho;
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) ip_dlambda_[row_[k]] -= val_[k] * slope_[j] * rho;
  }
  llt_.solveInPlace(ip_dlambda_);
  for (int j = 0; j < n_var_; ++j) {
    if (slope_[j] == 0.0) {
      ip_dx_[j] = ip_dzl_[j] = ip_dzu_[j] = 0.0;
      continue;
    }
    double atdl = 0.0;
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) atdl += val_[k] * ip_dlambda_[row_[k]];
    const double dx = slope_[j] * (ip_rho_[j] + atdl);
    ip_dx_[j] = dx;
    const double x = ip_x_[j];
    ip_dzl_[j] = 0.0;
    ip_dzu_[j] = 0.0;
    if (std::isfinite(lo_[j])) {
      const double sl = x - lo_[j];
      double kappa = sigma_mu - sl * ip_zl_[j];
      if (kappa_mode == 1) kappa -= ip_dx_aff_[j] * ip_dzl_aff_[j];
      ip_dzl_[j] = (kappa - ip_zl_[j] * dx) / sl;
    }
    if (std::isfinite(hi_[j])) {
      const double su = hi_[j] - x;
      double kappa = sigma_mu - su * ip_zu_[j];
      if (kappa_mode == 1) kappa += ip_dx_aff_[j] * ip_dzu_aff_[j];
      ip_dzu_[j] = (kappa + ip_zu_[j] * dx) / su;
    }
  }
}

// Largest α ≤ 1 keeping the slacks (primal) or the bound multipliers (dual) positive, times τ.
void StaticOptimizationSolver::calc_step_lengths(double tau, double& alpha_p, double& alpha_d) const {
  alpha_p = alpha_d = 1.0;
  for (int j = 0; j < n_var_; ++j) {
    if (slope_[j] == 0.0) continue;
    const double dx = ip_dx_[j];
    if (std::isfinite(lo_[j])) {
      if (dx < 0.0) alpha_p = std::min(alpha_p, -tau * (ip_x_[j] - lo_[j]) / dx);
      if (ip_dzl_[j] < 0.0) alpha_d = std::min(alpha_d, -tau * ip_zl_[j] / ip_dzl_[j]);
    }
    if (std::isfinite(hi_[j])) {
      if (dx > 0.0) alpha_p = std::min(alpha_p, tau * (hi_[j] - ip_x_[j]) / dx);
      if (ip_dzu_[j] < 0.0) alpha_d = std::min(alpha_d, -tau * ip_zu_[j] / ip_dzu_[j]);
    }
  }
}

// Mehrotra's predictor–corrector primal-dual interior-point method (Mehrotra 1992, SIAM J. Optim.
// 2:575; Nocedal & Wright 2006, Alg. 16.4) on the same problem, cold-started, each iteration one
// n_eq × n_eq Cholesky of A Σ⁻¹ Aᵀ. It stops once μ and the residuals are small: the dual Newton
// iteration then finishes from its λ. Returns the iterations used.
int StaticOptimizationSolver::run_interior_point(int max_it, double b_scale) {
  int n_bounds = 0;
  for (int j = 0; j < n_var_; ++j) {
    const bool fl = std::isfinite(lo_[j]), fh = std::isfinite(hi_[j]);
    if (fl && fh && hi_[j] - lo_[j] <= 0.0) {  // fixed
      ip_x_[j] = lo_[j];
      ip_zl_[j] = ip_zu_[j] = 0.0;
      continue;
    }
    ip_x_[j] = fl && fh ? 0.5 * (lo_[j] + hi_[j]) : (fl ? lo_[j] + 1.0 : (fh ? hi_[j] - 1.0 : 0.0));
    ip_zl_[j] = fl ? 1.0 : 0.0;
    ip_zu_[j] = fh ? 1.0 : 0.0;
    n_bounds += fl + fh;
  }
  lambda_.setZero();
  int it = 0;
  for (; it < max_it; ++it) {
    // Residuals r_d = ∇f − Aᵀλ − z_lo + z_hi, r_p = b − A x, the barrier parameter μ and 1/Σ.
    ip_rp_ = problem_.b;
    double mu = 0.0, rd_max = 0.0, grad_max = 0.0;
    for (int j = 0; j < n_var_; ++j) {
      const Term term{weight_[j], lo_[j], hi_[j], j < n_mus_ ? settings_.exponent : 2};
      const double x = ip_x_[j];
      double g = 0.0;
      for (int k = col_start_[j]; k < col_start_[j + 1]; ++k) {
        g += val_[k] * lambda_[row_[k]];
        ip_rp_[row_[k]] -= val_[k] * x;
      }
      const bool fixed = std::isfinite(lo_[j]) && std::isfinite(hi_[j]) && hi_[j] - lo_[j] <= 0.0;
      if (fixed) {
        slope_[j] = 0.0;
        ip_rd_[j] = 0.0;
        continue;
      }
      const double grad = term.gradient(x);
      double sigma = term.p == 2 ? 2.0 * term.w : 6.0 * term.w * x;
      ip_rd_[j] = grad - g - ip_zl_[j] + ip_zu_[j];
      if (std::isfinite(lo_[j])) {
        const double sl = x - lo_[j];
        mu += sl * ip_zl_[j];
        sigma += ip_zl_[j] / sl;
      }
      if (std::isfinite(hi_[j])) {
        const double su = hi_[j] - x;
        mu += su * ip_zu_[j];
        sigma += ip_zu_[j] / su;
      }
      slope_[j] = 1.0 / sigma;
      rd_max = std::max(rd_max, std::abs(ip_rd_[j]));
      grad_max = std::max(grad_max, std::abs(grad));
    }
    mu = n_bounds > 0 ? mu / n_bounds : 0.0;
    if (mu <= kInteriorPointMu * (1.0 + grad_max) &&
        rd_max <= kInteriorPointMu * (1.0 + grad_max) &&
        ip_rp_.lpNorm<Eigen::Infinity>() <= kInteriorPointMu * b_scale)
      break;
    assemble_hessian(slope_);
    if (!factorize()) break;
    // Predictor (affine scaling) direction, its step lengths and the centring parameter σ.
    solve_interior_point_system(0, 0.0);
    double ap = 1.0, ad = 1.0;
    calc_step_lengths(1.0, ap, ad);
    double mu_aff = 0.0;
    for (int j = 0; j < n_var_; ++j) {
      if (slope_[j] == 0.0) continue;
      if (std::isfinite(lo_[j]))
        mu_aff += (ip_x_[j] - lo_[j] + ap * ip_dx_[j]) * (ip_zl_[j] + ad * ip_dzl_[j]);
      if (std::isfinite(hi_[j]))
        mu_aff += (hi_[j] - ip_x_[j] - ap * ip_dx_[j]) * (ip_zu_[j] + ad * ip_dzu_[j]);
    }
    mu_aff = n_bounds > 0 ? mu_aff / n_bounds : 0.0;
    const double sigma = mu > 0.0 ? std::pow(mu_aff / mu, 3) : 0.0;
    ip_dx_aff_.swap(ip_dx_);
    ip_dzl_aff_.swap(ip_dzl_);
    ip_dzu_aff_.swap(ip_dzu_);
    // Corrector: centring plus the second-order term, same factorisation.
    solve_interior_point_system(1, sigma * mu);
    calc_step_lengths(0.995, ap, ad);
    ip_x_ += ap * ip_dx_;
    ip_zl_ += ad * ip_dzl_;
    ip_zu_ += ad * ip_dzu_;
    lambda_ += ad * ip_dlambda_;
    if (!lambda_.allFinite() || !ip_x_.allFinite()) break;
  }
  return it;
}

// Splits x into activations and controls and computes the objective, the KKT residuals and the
// reserve torques from the final (x, λ).
void StaticOptimizationSolver::finish() {
  activation_ = x_.head(n_mus_);
  control_ = x_.tail(n_act_);

  double objective = 0.0, stationarity = 0.0, dual_infeasibility = 0.0, complementarity = 0.0;
  for (int j = 0; j < n_var_; ++j) {
    const Term term{weight_[j], lo_[j], hi_[j], j < n_mus_ ? settings_.exponent : 2};
    const double xj = x_[j];
    objective += term.value(xj);
    // ∇f(x) − Aᵀλ = z_lo − z_hi. The multiplier of an active bound takes up the difference; a free
    // variable has none, so the difference is the stationarity residual.
    const double diff = term.gradient(xj) - g_[j];
    double z_lo = 0.0, z_hi = 0.0, stat = 0.0;
    if (xj == lo_[j] && (xj != hi_[j] || diff >= 0.0))
      z_lo = diff;
    else if (xj == hi_[j])
      z_hi = -diff;
    else
      stat = std::abs(diff);
    stationarity = std::max(stationarity, stat);
    dual_infeasibility = std::max({dual_infeasibility, -z_lo, -z_hi});
    if (std::isfinite(lo_[j])) complementarity = std::max(complementarity, std::abs(z_lo * (xj - lo_[j])));
    if (std::isfinite(hi_[j])) complementarity = std::max(complementarity, std::abs(z_hi * (hi_[j] - xj)));
  }
  info_.objective = objective;
  info_.primal_residual =
      residual_.lpNorm<Eigen::Infinity>() / std::max(1.0, problem_.b.lpNorm<Eigen::Infinity>());
  info_.stationarity_residual = stationarity;
  info_.dual_infeasibility = dual_infeasibility;
  info_.complementarity = complementarity;
  info_.kkt_residual =
      std::max({info_.primal_residual, stationarity, dual_infeasibility, complementarity});

  reserve_torque_.setZero();
  for (int a = 0; a < n_act_; ++a) {
    if (!problem_.actuator_is_reserve[a]) continue;
    const int j = n_mus_ + a;
    for (int k = col_start_[j]; k < col_start_[j + 1]; ++k)
      reserve_torque_[row_[k]] += val_[k] * x_[j];
  }
  int limited = 0;
  for (int i = 0; i < n_eq_; ++i) {
    const double threshold = std::max(settings_.reserve_threshold_Nm,
                                      settings_.reserve_threshold_fraction * std::abs(problem_.b[i]));
    reserve_limited_[i] = std::abs(reserve_torque_[i]) > threshold;
    limited += reserve_limited_[i] ? 1 : 0;
  }
  info_.reserve_limited_rows = limited;
  info_.max_reserve_torque = reserve_torque_.lpNorm<Eigen::Infinity>();
}

}  // namespace dembones
