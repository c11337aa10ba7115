#pragma once
// The static-optimization problem of static_optimization.hpp handed to IPOPT (Wächter & Biegler
// 2006, Math. Prog. 106:25), the interior-point solver OpenSim's StaticOptimization uses. This is the
// peer the tests and benchmarks compare against; it is header-only and needs IPOPT
// (coinor-libipopt-dev) linked, which only tests and benchmarks do (DEMBONES_HAVE_IPOPT). Nothing in
// the engine includes it.
//
// The problem is read from the StaticOptimizationProblem at every solve(), so a per-frame loop
// updates that problem and calls solve() again; the previous primal-dual point is used as the warm
// start (IPOPT's warm_start_init_point), as OpenSim does from frame to frame.
#include "solvers/static_optimization.hpp"

#include <IpIpoptApplication.hpp>
#include <IpSolveStatistics.hpp>
#include <IpTNLP.hpp>

#include <Eigen/Core>

#include <cmath>
#include <vector>

namespace dembones {

class IpoptStaticOptimization {
 public:
  struct Options {
    double tolerance = 1e-10;   // IPOPT "tol" (scaled NLP error)
    bool warm_start = true;     // start each solve from the previous primal-dual point
    int max_iterations = 500;
    int print_level = 0;        // IPOPT "print_level" (5 = per-iteration log)
  };

  IpoptStaticOptimization(const StaticOptimizationProblem& problem, int exponent, const Options& options)
      : nlp_(new Nlp(problem, exponent, options.warm_start)), tnlp_(nlp_), app_(IpoptApplicationFactory()) {
    auto& o = *app_->Options();
    o.SetIntegerValue("print_level", options.print_level);
    if (options.print_level > 0) o.SetStringValue("print_timing_statistics", "yes");
    o.SetStringValue("sb", "yes");  // no banner
    o.SetNumericValue("tol", options.tolerance);
    // IPOPT also stops on unscaled absolute criteria whose defaults (constraint violation 1e-4)
    // would let it "beat" the true optimum by violating A x = b; tighten them to the same level.
    o.SetNumericValue("constr_viol_tol", options.tolerance);
    o.SetNumericValue("compl_inf_tol", options.tolerance);
    o.SetNumericValue("dual_inf_tol", options.tolerance);
    // IPOPT relaxes every bound by 1e-8 relative and scales rows by their gradients, both of which
    // shift the optimum of a problem with activation caps and N·m-sized rows by more than 1e-6.
    o.SetNumericValue("bound_relax_factor", 0.0);
    o.SetStringValue("nlp_scaling_method", "none");
    o.SetIntegerValue("max_iter", options.max_iterations);
    o.SetStringValue("jac_c_constant", "yes");  // the constraints are linear
    if (exponent == 2) o.SetStringValue("hessian_constant", "yes");
    if (options.warm_start) {
      // Standard warm-start settings (IPOPT options reference, "Warm Start"): keep the previous
      // point close to the bounds instead of pushing it into the interior.
      o.SetNumericValue("warm_start_bound_push", 1e-9);
      o.SetNumericValue("warm_start_bound_frac", 1e-9);
      o.SetNumericValue("warm_start_slack_bound_frac", 1e-9);
      o.SetNumericValue("warm_start_slack_bound_push", 1e-9);
      o.SetNumericValue("warm_start_mult_bound_push", 1e-9);
    }
    ok_ = app_->Initialize() == Ipopt::Solve_Succeeded;
  }

  // Solves the current problem; true when IPOPT reports success.
  bool solve() {
    if (!ok_) return false;
    auto& o = *app_->Options();
    o.SetStringValue("warm_start_init_point", nlp_->has_previous() ? "yes" : "no");
    const Ipopt::ApplicationReturnStatus status =
        first_ ? app_->OptimizeTNLP(tnlp_) : app_->ReOptimizeTNLP(tnlp_);
    first_ = false;
    const Ipopt::SmartPtr<Ipopt::SolveStatistics> stats = app_->Statistics();
    iterations_ = Ipopt::IsValid(stats) ? stats->IterationCount() : -1;
    return status == Ipopt::Solve_Succeeded || status == Ipopt::Solved_To_Acceptable_Level;
  }

  double objective() const { return nlp_->objective; }
  int iterations() const { return iterations_; }
  const std::vector<double>& solution() const { return nlp_->x; }   // [activations; controls]
  void reset_warm_start() { nlp_->have_previous = false; }

 private:
  class Nlp : public Ipopt::TNLP {
   public:
    using Index = Ipopt::Index;
    using Number = Ipopt::Number;

    Nlp(const StaticOptimizationProblem& pb, int exponent, bool warm)
        : pb_(pb), p_(exponent), warm_(warm),
          m_(static_cast<int>(pb.A_muscle.cols())), n_(m_ + static_cast<int>(pb.A_actuator.cols())),
          n_eq_(static_cast<int>(pb.b.size())),
          x(n_, 0.0), z_lo(n_, 0.0), z_hi(n_, 0.0), lambda(n_eq_, 0.0) {}

    bool has_previous() const { return warm_ && have_previous; }

    bool get_nlp_info(Index& n, Index& m, Index& nnz_jac_g, Index& nnz_h_lag,
                      IndexStyleEnum& index_style) override {
      n = n_;
      m = n_eq_;
      // The sparsity pattern is that of the first problem; the nonzeros of a moment-arm matrix do
      // not change from frame to frame (a muscle crosses the same joints).
      rows_.clear();
      cols_.clear();
      for (int j = 0; j < n_; ++j)
        for (int i = 0; i < n_eq_; ++i)
          if (column(j)[i] != 0.0) {
            rows_.push_back(i);
            cols_.push_back(j);
          }
      nnz_jac_g = static_cast<Index>(rows_.size());
      nnz_h_lag = n_;  // diagonal
      index_style = C_STYLE;
      return true;
    }

    bool get_bounds_info(Index, Number* x_l, Number* x_u, Index, Number* g_l, Number* g_u) override {
      auto finite = [](double v) { return std::isfinite(v) ? v : (v > 0 ? 1e19 : -1e19); };
      for (int j = 0; j < n_; ++j) {
        x_l[j] = finite(j < m_ ? pb_.activation_min[j] : pb_.actuator_min[j - m_]);
        x_u[j] = finite(j < m_ ? pb_.activation_max[j] : pb_.actuator_max[j - m_]);
      }
      for (int i = 0; i < n_eq_; ++i) g_l[i] = g_u[i] = pb_.b[i];
      return true;
    }

    bool get_starting_point(Index, bool init_x, Number* x0, bool init_z, Number* zl, Number* zu,
                            Index, bool init_lambda, Number* l0) override {
      const bool prev = has_previous();
      if (init_x)
        for (int j = 0; j < n_; ++j) {
          if (prev) x0[j] = x[j];
          else x0[j] = j < m_ ? 0.5 * (pb_.activation_min[j] + pb_.activation_max[j]) : 0.0;
        }
      if (init_z) {
        if (!prev) return false;
        for (int j = 0; j < n_; ++j) {
          zl[j] = z_lo[j];
          zu[j] = z_hi[j];
        }
      }
      if (init_lambda) {
        if (!prev) return false;
        for (int i = 0; i < n_eq_; ++i) l0[i] = lambda[i];
      }
      return true;
    }

    bool eval_f(Index, const Number* xv, bool, Number& f) override {
      f = 0.0;
      for (int j = 0; j < n_; ++j) f += weight(j) * std::pow(xv[j], exponent(j));
      return true;
    }

    bool eval_grad_f(Index, const Number* xv, bool, Number* grad) override {
      for (int j = 0; j < n_; ++j)
        grad[j] = exponent(j) == 2 ? 2.0 * weight(j) * xv[j] : 3.0 * weight(j) * xv[j] * xv[j];
      return true;
    }

    bool eval_g(Index, const Number* xv, bool, Index, Number* g) override {
      for (int i = 0; i < n_eq_; ++i) g[i] = 0.0;
      for (size_t k = 0; k < rows_.size(); ++k) g[rows_[k]] += column(cols_[k])[rows_[k]] * xv[cols_[k]];
      return true;
    }

    bool eval_jac_g(Index, const Number*, bool, Index, Index, Index* i_row, Index* j_col,
                    Number* values) override {
      if (values == nullptr) {
        for (size_t k = 0; k < rows_.size(); ++k) {
          i_row[k] = rows_[k];
          j_col[k] = cols_[k];
        }
      } else {
        for (size_t k = 0; k < rows_.size(); ++k) values[k] = column(cols_[k])[rows_[k]];
      }
      return true;
    }

    bool eval_h(Index, const Number* xv, bool, Number obj_factor, Index, const Number*, bool, Index,
                Index* i_row, Index* j_col, Number* values) override {
      if (values == nullptr) {
        for (int j = 0; j < n_; ++j) i_row[j] = j_col[j] = j;
      } else {
        for (int j = 0; j < n_; ++j)
          values[j] = obj_factor * (exponent(j) == 2 ? 2.0 * weight(j) : 6.0 * weight(j) * xv[j]);
      }
      return true;
    }

    void finalize_solution(Ipopt::SolverReturn status, Index, const Number* xv, const Number* zl,
                           const Number* zu, Index, const Number*, const Number* l, Number obj,
                           const Ipopt::IpoptData*, Ipopt::IpoptCalculatedQuantities*) override {
      for (int j = 0; j < n_; ++j) {
        x[j] = xv[j];
        z_lo[j] = zl[j];
        z_hi[j] = zu[j];
      }
      for (int i = 0; i < n_eq_; ++i) lambda[i] = l[i];
      objective = obj;
      have_previous = status == Ipopt::SUCCESS || status == Ipopt::STOP_AT_ACCEPTABLE_POINT;
    }

   private:
    const double* column(int j) const {
      return j < m_ ? pb_.A_muscle.col(j).data() : pb_.A_actuator.col(j - m_).data();
    }
    double weight(int j) const { return j < m_ ? pb_.muscle_weight[j] : pb_.actuator_weight[j - m_]; }
    int exponent(int j) const { return j < m_ ? p_ : 2; }

    const StaticOptimizationProblem& pb_;
    int p_;
    bool warm_;
    int m_, n_, n_eq_;
    std::vector<int> rows_, cols_;

   public:
    std::vector<double> x, z_lo, z_hi, lambda;
    double objective = 0.0;
    bool have_previous = false;
  };

  Nlp* nlp_;                         // owned by tnlp_
  Ipopt::SmartPtr<Ipopt::TNLP> tnlp_;
  Ipopt::SmartPtr<Ipopt::IpoptApplication> app_;
  bool first_ = true;
  bool ok_ = false;
  int iterations_ = 0;
};

}  // namespace dembones
