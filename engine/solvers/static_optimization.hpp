#pragma once
// Static optimization: the muscle force-sharing problem solved once per frame of the inverse pipeline
// (Crowninshield & Brand 1981, J. Biomech. 14:793; Anderson & Pandy 2001, J. Biomech. 34:153).
//
//   minimise   Σ_i w_i · a_i^p  +  Σ_j c_j · u_j²                     p = 2 or 3, w_i > 0, c_j > 0
//   subject to A_m a + A_u u = b                                       (n_eq rows)
//              lo_i ≤ a_i ≤ hi_i,   ulo_j ≤ u_j ≤ uhi_j                (ulo/uhi default ∓∞)
//
// a: muscle activations (n_muscles); u: actuator controls (n_actuators: reserve actuators on the
// coordinates plus ideal torque actuators). The pipeline fills, per frame,
//   A_m = R(q) ⊙ F_active(q, q̇)  (moment arm × active force capacity, per column, N·m per unit a),
//   A_u = selection × optimal force of each actuator,   b = τ_ID − R(q)·F_passive(q).
//
// Method: a globalized semismooth Newton method on the dual (the "dual Newton strategy" of
// Frasch, Sager & Diehl 2015, Math. Prog. Comp. 7:289, qpDUNES; semismooth Newton after Qi & Sun
// 1993, Math. Prog. 58:353). The objective is separable and strictly convex, so for multipliers λ
// (n_eq) the Lagrangian minimiser is closed form per variable,
//   x_j(λ) = clip( argmin_x f_j(x) − g_j x , lo_j, hi_j ),   g = Aᵀλ,
//   p = 2: x = g/(2w);   p = 3: x = sqrt(max(0, g)/(3w))   (f = w x³ is convex only for x ≥ 0).
// The dual φ(λ) = Σ_j [f_j(x_j) − g_j x_j] + bᵀλ is concave and C¹ with ∇φ = b − A x(λ); its
// generalized Hessian is −A D Aᵀ with D_j = dx_j/dg_j (0 on clipped variables). Each iteration costs
// one n_eq × n_eq Cholesky factorisation (n_eq ≈ 20) plus sparse products with A; the multipliers
// warm-start from the previous frame. Stationarity, complementarity and bound feasibility hold by
// construction at every iterate; the iteration drives the primal residual b − A x to zero.
// For p = 2 the dual is piecewise quadratic: once the active set is right, one step is exact.
// Globalization: a line search on ψ'(t) (bracketing, t > 1 allowed, see line_search in the .cpp).
// Safeguard: with very heavy reserves a cold start may have to cross many kinks of the dual, one
// per Newton step; after newton_iterations_before_fallback iterations a Mehrotra predictor–corrector
// interior-point method (same Cholesky size) finds multipliers from which Newton then finishes.
// In the lifter90 benchmark (warm-started frames) the fallback never engages.
//
// Usage (set up once, solve per frame; solve() never allocates):
//   StaticOptimizationSolver so(n_eq, n_muscles, n_actuators, settings);
//   auto& pb = so.upd_problem();         // sized buffers; write A_m, A_u, b, bounds, weights in place
//   const auto& info = so.solve();       // warm-starts from the previous solution
//   so.get_activations(), so.get_actuator_controls(), so.get_reserve_torques(), info.status ...
#include <vector>

#include <Eigen/Core>
#include <Eigen/Cholesky>

namespace dembones {

struct StaticOptimizationSettings {
  int exponent = 2;            // p in Σ w a^p: 2 or 3
  int max_iterations = 100;    // Newton iterations per solve
  // Converged when ‖b − A x‖∞ ≤ tolerance · max(1, ‖b‖∞) (stationarity and complementarity hold by
  // construction, see above), or at the round-off floor of double precision when that is higher,
  // up to 50 × this (very heavy reserves make λ large; see calc_rounding_floor).
  double tolerance = 1e-10;
  bool warm_start = true;      // start from the previous solve's multipliers
  // Newton iterations after which a primal-dual interior-point method takes over to find better
  // multipliers, from which Newton then finishes (0: interior point first).
  int newton_iterations_before_fallback = 30;
  // A coordinate row is "reserve-limited" (the muscles cannot balance it) when its reserve torque
  // |Σ_{reserves j} A_u(i,j) u_j| exceeds max(reserve_threshold_Nm, reserve_threshold_fraction·|b_i|).
  double reserve_threshold_Nm = 1.0;
  double reserve_threshold_fraction = 0.01;
};

enum class SoStatus {
  solved,           // KKT conditions hold to tolerance; no reserve above threshold
  reserve_limited,  // solved, but reserve actuators above threshold: muscles alone cannot balance
  max_iterations,   // iteration limit (or line-search stall) before the tolerance was met
  infeasible,       // no x within bounds satisfies A x = b (certified by a Farkas direction)
  invalid_input,    // non-finite entries, w ≤ 0, c ≤ 0, lo > hi, or lo < 0 with p = 3
};

const char* to_string(SoStatus status);

// Per-frame report. Residuals are max-norms; kkt_residual is the largest of the four.
struct StaticOptimizationInfo {
  SoStatus status = SoStatus::max_iterations;
  int iterations = 0;                 // Newton iterations of the last solve
  int interior_point_iterations = 0;  // iterations of the interior-point fallback (0 when unused)
  double objective = 0.0;             // Σ w a^p + Σ c u²
  double primal_residual = 0.0;       // ‖A x − b‖∞ / max(1, ‖b‖∞)
  double stationarity_residual = 0.0; // ‖∇f(x) − Aᵀλ − z_lo + z_hi‖∞
  double dual_infeasibility = 0.0;    // max(0, −z_lo, −z_hi): bound multipliers must be ≥ 0
  double complementarity = 0.0;       // max(z_lo·(x − lo), z_hi·(hi − x))
  double kkt_residual = 0.0;          // max of the four above
  int reserve_limited_rows = 0;       // rows whose reserve torque exceeds the threshold
  double max_reserve_torque = 0.0;    // max_i |reserve torque_i| (units of the row: N·m or N)
  const char* message = "";           // static string: what was wrong when status is invalid_input
};

// The per-frame data, sized by the solver. Write entries in place; never resize.
struct StaticOptimizationProblem {
  Eigen::MatrixXd A_muscle;          // (n_eq × n_muscles) generalized force per unit activation
  Eigen::MatrixXd A_actuator;        // (n_eq × n_actuators) generalized force per unit control
  Eigen::VectorXd b;                 // (n_eq) generalized forces the activations must produce
  Eigen::VectorXd activation_min;    // (n_muscles) lo, default 0
  Eigen::VectorXd activation_max;    // (n_muscles) hi (activation cap ≤ 1), default 1
  Eigen::VectorXd muscle_weight;     // (n_muscles) w > 0, default 1
  Eigen::VectorXd actuator_weight;   // (n_actuators) c > 0, default 1
  Eigen::VectorXd actuator_min;      // (n_actuators) default −∞
  Eigen::VectorXd actuator_max;      // (n_actuators) default +∞
  // (n_actuators) true for reserve actuators (counted in reserve torques), false for ideal actuators
  // such as arm torque generators. Default true.
  Eigen::Array<bool, Eigen::Dynamic, 1> actuator_is_reserve;
};

class StaticOptimizationSolver {
 public:
  StaticOptimizationSolver(int n_equations, int n_muscles, int n_actuators,
                           const StaticOptimizationSettings& settings = {});

  StaticOptimizationProblem& upd_problem() { return problem_; }
  const StaticOptimizationProblem& get_problem() const { return problem_; }
  const StaticOptimizationSettings& get_settings() const { return settings_; }

  // Solves the current problem; warm-starts from the previous multipliers when settings.warm_start.
  // Never allocates and never throws; trouble is reported in the returned status.
  const StaticOptimizationInfo& solve();

  // Declares where A_muscle can be nonzero: column i only in rows rows[begin[i] .. begin[i + 1])
  // (ascending; begin has n_muscles + 1 entries). solve() then reads only those rows of A_muscle
  // when it compresses A (the caller's rows × muscles scan was most of the solver's input check);
  // every other entry must be exactly 0 in every later problem, or non-finite in a column whose
  // declared rows hold a non-finite entry too (still reported as invalid input). The compressed A,
  // and so every result, is then the one of the full scan. An empty `begin` goes back to full scans.
  // Sized here, once: solve() still never allocates.
  void set_muscle_column_rows(const std::vector<int>& rows, const std::vector<int>& begin);
  // Sets the multipliers the next solve() starts from (e.g. a saved state); size n_eq.
  void set_multipliers(const Eigen::Ref<const Eigen::VectorXd>& lambda);
  // Forgets the warm start: the next solve() starts cold.
  void reset_warm_start();

  const StaticOptimizationInfo& get_info() const { return info_; }
  const Eigen::VectorXd& get_activations() const { return activation_; }          // (n_muscles)
  const Eigen::VectorXd& get_actuator_controls() const { return control_; }       // (n_actuators)
  const Eigen::VectorXd& get_multipliers() const { return lambda_; }              // (n_eq) λ
  // (n_eq) Σ over reserve actuators of A_u(:, j)·u_j: the generalized force the muscles did not supply.
  const Eigen::VectorXd& get_reserve_torques() const { return reserve_torque_; }
  // (n_eq) true where the reserve torque exceeds the threshold of the settings.
  const Eigen::Array<bool, Eigen::Dynamic, 1>& get_reserve_limited_rows() const {
    return reserve_limited_;
  }

  int num_equations() const { return n_eq_; }
  int num_muscles() const { return n_mus_; }
  int num_actuators() const { return n_act_; }

 private:
  bool check_input();
  bool compress_columns();
  void evaluate(const Eigen::VectorXd& lambda, Eigen::VectorXd& g, Eigen::VectorXd& x,
                Eigen::VectorXd& residual) const;
  double calc_rounding_floor() const;
  void assemble_hessian(const Eigen::VectorXd& d);
  bool factorize();
  bool compute_step();
  int run_newton(int max_it, double target, bool& converged, bool& infeasible, bool& stalled);
  int run_interior_point(int max_it, double b_scale);
  void solve_interior_point_system(int kappa_mode, double sigma_mu);
  void calc_step_lengths(double tau, double& alpha_p, double& alpha_d) const;
  double evaluate_along_step(double t);
  void accept_trial();
  bool line_search(double slope, double target);
  bool certify_infeasible() const;
  void finish();

  int n_eq_, n_mus_, n_act_, n_var_;
  StaticOptimizationSettings settings_;
  StaticOptimizationProblem problem_;
  StaticOptimizationInfo info_;

  // Workspace, sized once. Variables j = 0..n_var−1 are [muscles; actuators].
  std::vector<int> pattern_rows_, pattern_begin_;  // set_muscle_column_rows (empty: none declared)
  Eigen::VectorXi col_start_;     // (n_var + 1) compressed-column pointers into row_/val_
  Eigen::VectorXi row_;           // (n_eq · n_var) row indices of the nonzeros of A = [A_m A_u]
  Eigen::VectorXd val_;           // (n_eq · n_var) their values
  Eigen::VectorXd weight_;        // (n_var) w then c
  Eigen::VectorXd lo_, hi_;       // (n_var) bounds
  Eigen::VectorXd g_, g_trial_;   // (n_var) Aᵀλ at the current and the trial multipliers
  Eigen::VectorXd x_, x_trial_;   // (n_var) primal point x(λ) and at the trial multipliers
  Eigen::VectorXd slope_;         // (n_var) d of assemble_hessian: dx/dg (Newton) or 1/Σ (interior point)
  // Interior-point fallback (n_var): x, bound multipliers z_lo, z_hi, their steps and the affine
  // (predictor) steps, dual residual r_d and ρ; (n_eq): r_p = b − A x, Δλ.
  Eigen::VectorXd ip_x_, ip_zl_, ip_zu_, ip_dx_, ip_dzl_, ip_dzu_, ip_dx_aff_, ip_dzl_aff_, ip_dzu_aff_;
  Eigen::VectorXd ip_rd_, ip_rho_, ip_rp_, ip_dlambda_, lambda_backup_;
  Eigen::VectorXd lambda_, lambda_trial_, step_;   // (n_eq)
  Eigen::VectorXd residual_, residual_trial_;      // (n_eq) b − A x
  mutable Eigen::VectorXd row_abs_;                // (n_eq) Σ_j |A_ij x_j|, scratch
  Eigen::MatrixXd hessian_;       // (n_eq × n_eq) A D Aᵀ + μ I
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd activation_, control_, reserve_torque_;  // (n_muscles), (n_actuators), (n_eq)
  Eigen::Array<bool, Eigen::Dynamic, 1> reserve_limited_;  // (n_eq)
  bool have_warm_start_ = false;
};

}  // namespace dembones
