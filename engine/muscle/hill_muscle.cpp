#include "muscle/hill_muscle.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

namespace dembones {
namespace {

Location field(const Location& where, const char* name) {
  Location w = where;
  w.field = w.field.empty() ? std::string(name) : w.field + "." + name;
  return w;
}

void require_positive(const Location& where, const char* name, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw InputError(field(where, name), fmt::format("expected a finite value > 0, got {}", value));
  }
}

// Upper bound of the fibre length searched by the equilibrium solve; f_PE(5) ~ e^26.7 is finite.
constexpr double kMaxNormFiberLengthSearch = 5.0;

}  // namespace

void validate(const HillParams& p, const Location& where) {
  require_positive(where, "max_isometric_force_N", p.max_isometric_force_N);
  require_positive(where, "optimal_fiber_length_m", p.optimal_fiber_length_m);
  require_positive(where, "tendon_slack_length_m", p.tendon_slack_length_m);
  require_positive(where, "max_contraction_velocity_lopt_per_s", p.max_contraction_velocity_lopt_per_s);
  require_positive(where, "tendon_strain_at_max_force", p.tendon_strain_at_max_force);
  require_positive(where, "passive_strain_at_max_force", p.passive_strain_at_max_force);
  require_positive(where, "passive_shape", p.passive_shape);
  // Published shapes are 4-5 (curves.hpp); exp(kPE) overflows past about 709, which zeroed the curve.
  if (p.passive_shape > curves::kMaxPassiveShape) {
    throw InputError(field(where, "passive_shape"),
                     fmt::format("expected at most {:g} (published shapes are 4-5), got {:g}", curves::kMaxPassiveShape,
                                 p.passive_shape));
  }
  if (p.passive_curve == curves::PassiveCurveKind::kMillard2012 &&
      !(p.passive_strain_at_max_force < curves::MillardPassiveCurve::kMaxStrainAtOne)) {
    throw InputError(field(where, "passive_strain_at_max_force"),
                     fmt::format("expected less than {:g} for the millard2012 curve (its toe stiffness 0.2 must stay "
                                 "below 1/strain, as OpenSim requires), got {:g}",
                                 curves::MillardPassiveCurve::kMaxStrainAtOne, p.passive_strain_at_max_force));
  }
  require_positive(where, "max_pennation_rad", p.max_pennation_rad);
  if (!(p.pennation_at_optimal_rad >= 0.0) || !(p.pennation_at_optimal_rad < p.max_pennation_rad)) {
    throw InputError(field(where, "pennation_at_optimal_rad"),
                     fmt::format("expected 0 <= value < {} rad, got {}", p.max_pennation_rad,
                                 p.pennation_at_optimal_rad));
  }
  if (!(p.max_pennation_rad < std::numbers::pi / 2)) {
    throw InputError(field(where, "max_pennation_rad"),
                     fmt::format("expected a value < pi/2, got {}", p.max_pennation_rad));
  }
  if (!(p.fiber_damping >= 0.0) || !std::isfinite(p.fiber_damping)) {
    throw InputError(field(where, "fiber_damping"),
                     fmt::format("expected a finite value >= 0, got {}", p.fiber_damping));
  }
}

HillConstants make_hill_constants(const HillParams& p) {
  HillConstants c;
  const double l_opt = p.optimal_fiber_length_m;
  c.fiber_width_m = l_opt * std::sin(p.pennation_at_optimal_rad);
  // The shortest fibre is the one at the maximum pennation (fixed width), but never below 1e-3 l_opt
  // (a fibre with zero pennation could otherwise shrink to zero and f_L would be evaluated at 0).
  c.min_fiber_length_m = std::max(c.fiber_width_m / std::sin(p.max_pennation_rad), 1e-3 * l_opt);
  c.min_fiber_along_tendon_m =
      std::sqrt(std::max(0.0, c.min_fiber_length_m * c.min_fiber_length_m -
                                  c.fiber_width_m * c.fiber_width_m));
  c.max_fiber_velocity_m_per_s = p.max_contraction_velocity_lopt_per_s * l_opt;
  c.tendon_shape_kT = curves::tendon_stiffness_shape(p.tendon_strain_at_max_force);
  c.passive = curves::PassiveForceLengthCurve::make(p.passive_strain_at_max_force, p.passive_curve, p.passive_shape);
  const double l_max = kMaxNormFiberLengthSearch * l_opt;
  c.max_search_fiber_along_tendon_m = std::sqrt(l_max * l_max - c.fiber_width_m * c.fiber_width_m);
  return c;
}

RigidTendonState compute_rigid_tendon_state(const HillParams& p, const HillConstants& c,
                                            double mt_length_m, double mt_velocity_m_per_s) {
  RigidTendonState s;
  double x = mt_length_m - p.tendon_slack_length_m;  // fibre projected on the tendon
  if (x < c.min_fiber_along_tendon_m) {
    x = c.min_fiber_along_tendon_m;
    s.clamped = true;
  }
  const double h = c.fiber_width_m;
  s.fiber_length_m = std::sqrt(x * x + h * h);
  s.cos_pennation = x / s.fiber_length_m;
  s.pennation_rad = std::atan2(h, x);
  // When clamped, the fibre no longer follows the path: its velocity is zero.
  s.fiber_velocity_m_per_s = s.clamped ? 0.0 : mt_velocity_m_per_s * s.cos_pennation;
  s.normalized_fiber_length = s.fiber_length_m / p.optimal_fiber_length_m;
  s.normalized_fiber_velocity = s.fiber_velocity_m_per_s / c.max_fiber_velocity_m_per_s;
  const double f_l = curves::active_force_length(s.normalized_fiber_length);
  // No active force beyond the maximum shortening velocity (muscle_set.cpp: the curve turns negative).
  const double f_v = std::max(0.0, curves::force_velocity(s.normalized_fiber_velocity));
  const double f_pe = c.passive.value(s.normalized_fiber_length);
  const double f0_cos = p.max_isometric_force_N * s.cos_pennation;
  s.active_force_capacity_N = f0_cos * f_l * f_v;
  s.passive_force_N = f0_cos * (f_pe + p.fiber_damping * s.normalized_fiber_velocity);
  return s;
}

namespace {

// Residual R(x) = F_T - F_M cos(alpha) and dR/dx, with x = l_M cos(alpha) the fibre along the tendon.
// l_T = l_MT - x; l_M = sqrt(x^2 + h^2); dl_M/dx = cos(alpha); d cos(alpha)/dx = sin^2(alpha)/l_M.
struct Residual {
  double r = 0.0;
  double dr_dx = 0.0;
  double dr_dl_mt = 0.0;  // dR/dl_MT = dF_T/dl_T (the tendon stiffness), N/m
  double tendon_force_N = 0.0;
  double fiber_force_along_tendon_N = 0.0;
};

Residual equilibrium_residual(const HillParams& p, const HillConstants& c, double mt_length_m,
                              double activation, double v_norm, double x) {
  const double f0 = p.max_isometric_force_N;
  const double h = c.fiber_width_m;
  const double l_m = std::sqrt(x * x + h * h);
  const double cos_a = x / l_m;
  const double sin2_a = (h * h) / (l_m * l_m);
  const double l_norm = l_m / p.optimal_fiber_length_m;
  const double lt_norm = (mt_length_m - x) / p.tendon_slack_length_m;
  const double f_v = curves::force_velocity(v_norm);
  const double f_m = f0 * (activation * curves::active_force_length(l_norm) * f_v +
                           c.passive.value(l_norm) +
                           p.fiber_damping * v_norm);
  const double df_m_dl =
      f0 / p.optimal_fiber_length_m *
      (activation * curves::active_force_length_slope(l_norm) * f_v +
       c.passive.slope(l_norm));
  Residual out;
  out.tendon_force_N = f0 * curves::tendon_force_length(lt_norm, c.tendon_shape_kT);
  out.fiber_force_along_tendon_N = f_m * cos_a;
  out.r = out.tendon_force_N - out.fiber_force_along_tendon_N;
  const double df_t_dx =
      -f0 * curves::tendon_force_length_slope(lt_norm, c.tendon_shape_kT) / p.tendon_slack_length_m;
  out.dr_dx = df_t_dx - (df_m_dl * cos_a * cos_a + f_m * sin2_a / l_m);
  out.dr_dl_mt = -df_t_dx;
  return out;
}

CompliantTendonState state_at(const HillParams& p, const HillConstants& c, double mt_length_m,
                              double x, const Residual& res) {
  CompliantTendonState s;
  const double h = c.fiber_width_m;
  s.fiber_length_m = std::sqrt(x * x + h * h);
  s.normalized_fiber_length = s.fiber_length_m / p.optimal_fiber_length_m;
  s.cos_pennation = x / s.fiber_length_m;
  s.tendon_length_m = mt_length_m - x;
  s.normalized_tendon_length = s.tendon_length_m / p.tendon_slack_length_m;
  s.tendon_force_N = res.tendon_force_N;
  s.fiber_force_along_tendon_N = res.fiber_force_along_tendon_N;
  s.residual_slope_N_per_m = res.dr_dx;
  s.tendon_stiffness_N_per_m = res.dr_dl_mt;
  return s;
}

}  // namespace

CompliantTendonState evaluate_compliant_tendon(const HillParams& p, const HillConstants& c,
                                               double mt_length_m, double fiber_length_m,
                                               double activation, double normalized_fiber_velocity) {
  const double l_m = std::max(fiber_length_m, c.min_fiber_length_m);
  const double x = std::sqrt(std::max(0.0, l_m * l_m - c.fiber_width_m * c.fiber_width_m));
  const Residual res =
      equilibrium_residual(p, c, mt_length_m, activation, normalized_fiber_velocity, x);
  return state_at(p, c, mt_length_m, x, res);
}

namespace {

// Residual of the passive equilibrium (activation 0, fibre velocity 0). The same numbers as
// equilibrium_residual(p, c, l_MT, 0, 0, x), term for term: there the active term is 0 · f_L f_V = 0
// and the damping term β · 0 = 0 exactly, so F_M = F0 f_PE and dF_M/dl_M = F0/l_opt f_PE'. What is
// saved is the work on those zeros (f_L and its slope: six exp; f_V: an asinh) and one exp each for
// the passive and tendon curves, whose value and slope share it (curves.hpp forms, same rounding).
Residual passive_equilibrium_residual(const HillParams& p, const HillConstants& c, double mt_length_m, double x) {
  const double f0 = p.max_isometric_force_N;
  const double h = c.fiber_width_m;
  const double l_m = std::sqrt(x * x + h * h);
  const double cos_a = x / l_m;
  const double sin2_a = (h * h) / (l_m * l_m);
  const double l_norm = l_m / p.optimal_fiber_length_m;
  const double lt_norm = (mt_length_m - x) / p.tendon_slack_length_m;
  const curves::PassiveForceLengthCurve& pe = c.passive;
  double f_m = 0.0, df_m_dl = 0.0;
  if (!pe.vectorized()) {
    double f_pe, df_pe;
    pe.value_and_slope(l_norm, f_pe, df_pe);
    f_m = f0 * f_pe;
    df_m_dl = f0 / p.optimal_fiber_length_m * df_pe;
  } else {
    // Zero where the exponential form turns negative (curves::PassiveForceLengthCurve::value).
    const double e_pe = std::exp(pe.shape_over_strain * (l_norm - 1.0));
    const double f_pe = (e_pe - pe.offset) * pe.inv_denom;
    if (f_pe > 0.0) {
      f_m = f0 * f_pe;
      df_m_dl = f0 / p.optimal_fiber_length_m * (pe.shape_over_strain * e_pe * pe.inv_denom);
    }
  }
  const double e_t = std::exp(c.tendon_shape_kT * (lt_norm - curves::kTendonC2));
  Residual out;
  out.tendon_force_N = f0 * (curves::kTendonC1 * e_t - curves::kTendonC3);
  out.fiber_force_along_tendon_N = f_m * cos_a;
  out.r = out.tendon_force_N - out.fiber_force_along_tendon_N;
  const double df_t_dx = -f0 * (curves::kTendonC1 * c.tendon_shape_kT * e_t) / p.tendon_slack_length_m;
  out.dr_dx = df_t_dx - (df_m_dl * cos_a * cos_a + f_m * sin2_a / l_m);
  out.dr_dl_mt = -df_t_dx;
  return out;
}

// The bracketed solve of solve_compliant_equilibrium for a residual R(x) given as a function.
template <class ResidualAt>
CompliantTendonState solve_bracketed(const HillParams& p, const HillConstants& c, double mt_length_m,
                                     double force_tolerance_rel, const ResidualAt& residual_at) {
  const double tol_N = force_tolerance_rel * p.max_isometric_force_N;
  double x_lo = c.min_fiber_along_tendon_m;
  // At l_T = l_ts / 2 the tendon "pushes" with f_T ~ -c3 F0 = -0.2 F0, below any fibre force
  // (f_PE >= -1e-4, f_V >= 0 for |v~| <= 1), so R(x_hi) < 0 whenever fibre damping is < 0.2.
  double x_hi = std::min(mt_length_m - 0.5 * p.tendon_slack_length_m, c.max_search_fiber_along_tendon_m);
  const auto finish = [&](double x, const Residual& res, int it, EquilibriumStatus st) {
    CompliantTendonState s = state_at(p, c, mt_length_m, x, res);
    s.iterations = it;
    s.status = st;
    return s;
  };
  Residual r_lo = residual_at(x_lo);
  if (x_hi <= x_lo || r_lo.r <= 0.0) {
    // The tendon is slack (or pushing) even with the shortest fibre: no tension can develop.
    return finish(x_lo, r_lo, 0,
                  std::abs(r_lo.r) <= tol_N ? EquilibriumStatus::kConverged
                                            : EquilibriumStatus::kTendonSlack);
  }
  Residual r_hi = residual_at(x_hi);
  if (r_hi.r >= 0.0) {
    return finish(x_hi, r_hi, 0,
                  std::abs(r_hi.r) <= tol_N ? EquilibriumStatus::kConverged
                                            : EquilibriumStatus::kFiberOverstretched);
  }
  // Start from the rigid-tendon guess (l_T = l_ts), inside the bracket.
  double x = std::clamp(mt_length_m - p.tendon_slack_length_m, x_lo, x_hi);
  Residual r = residual_at(x);
  constexpr int kMaxIterations = 200;
  for (int it = 1; it <= kMaxIterations; ++it) {
    if (std::abs(r.r) <= tol_N) return finish(x, r, it - 1, EquilibriumStatus::kConverged);
    // Keep the bracket: R(x_lo) > 0 > R(x_hi).
    if (r.r > 0.0) {
      x_lo = x;
    } else {
      x_hi = x;
    }
    double x_new = (r.dr_dx != 0.0) ? x - r.r / r.dr_dx : x_lo - 1.0;
    // Newton step outside the bracket (or too timid progress is handled by the bracket shrinking):
    // bisect instead.
    if (!(x_new > x_lo && x_new < x_hi)) x_new = 0.5 * (x_lo + x_hi);
    // The sign change is bracketed within a few ulps of x: this is the root to machine precision
    // (a very stiff tendon cannot meet the force tolerance with a representable x).
    if (x_hi - x_lo <= 4.0 * std::numeric_limits<double>::epsilon() * x_hi) {
      return finish(x, r, it, EquilibriumStatus::kConverged);
    }
    x = x_new;
    r = residual_at(x);
  }
  return finish(x, r, kMaxIterations,
                std::abs(r.r) <= tol_N ? EquilibriumStatus::kConverged
                                       : EquilibriumStatus::kNotConverged);
}

// The warm-started solve of solve_compliant_equilibrium_from for a residual given as a function:
// unguarded Newton from the guess while |R| decreases and x stays feasible, else the bracketed solve.
template <class ResidualAt>
CompliantTendonState solve_warm(const HillParams& p, const HillConstants& c, double mt_length_m,
                                double x_guess_m, double force_tolerance_rel, const ResidualAt& residual_at) {
  const double tol_N = force_tolerance_rel * p.max_isometric_force_N;
  const double x_min = c.min_fiber_along_tendon_m;
  const double x_max = std::min(mt_length_m - 0.5 * p.tendon_slack_length_m, c.max_search_fiber_along_tendon_m);
  if (std::isfinite(x_guess_m) && x_guess_m > x_min && x_guess_m < x_max) {
    double x = x_guess_m;
    Residual r = residual_at(x);
    constexpr int kWarmSteps = 4;
    for (int it = 0; it <= kWarmSteps; ++it) {
      if (std::abs(r.r) <= tol_N) {
        CompliantTendonState s = state_at(p, c, mt_length_m, x, r);
        s.iterations = it;
        s.status = EquilibriumStatus::kConverged;
        return s;
      }
      if (it == kWarmSteps || r.dr_dx == 0.0) break;
      const double x_new = x - r.r / r.dr_dx;
      if (!(x_new > x_min && x_new < x_max)) break;
      const Residual r_new = residual_at(x_new);
      if (!(std::abs(r_new.r) < std::abs(r.r))) break;
      x = x_new;
      r = r_new;
    }
  }
  return solve_bracketed(p, c, mt_length_m, force_tolerance_rel, residual_at);
}

}  // namespace

CompliantTendonState solve_compliant_equilibrium(const HillParams& p, const HillConstants& c,
                                                 double mt_length_m, double activation,
                                                 double normalized_fiber_velocity,
                                                 double force_tolerance_rel) {
  return solve_bracketed(p, c, mt_length_m, force_tolerance_rel, [&](double x) {
    return equilibrium_residual(p, c, mt_length_m, activation, normalized_fiber_velocity, x);
  });
}

CompliantTendonState solve_compliant_equilibrium_from(const HillParams& p, const HillConstants& c,
                                                      double mt_length_m, double activation,
                                                      double normalized_fiber_velocity, double x_guess_m,
                                                      double force_tolerance_rel) {
  return solve_warm(p, c, mt_length_m, x_guess_m, force_tolerance_rel, [&](double x) {
    return equilibrium_residual(p, c, mt_length_m, activation, normalized_fiber_velocity, x);
  });
}

CompliantTendonState solve_passive_equilibrium_from(const HillParams& p, const HillConstants& c,
                                                    double mt_length_m, double x_guess_m,
                                                    double force_tolerance_rel) {
  return solve_warm(p, c, mt_length_m, x_guess_m, force_tolerance_rel,
                    [&](double x) { return passive_equilibrium_residual(p, c, mt_length_m, x); });
}

double compliant_fiber_velocity(const HillParams& p, const HillConstants& c, double mt_length_m,
                                double fiber_length_m, double activation,
                                double min_active_force) {
  const CompliantTendonState s =
      evaluate_compliant_tendon(p, c, mt_length_m, fiber_length_m, activation, 0.0);
  const double l_norm = s.normalized_fiber_length;
  const double f_pe = c.passive.value(l_norm);
  const double a_fl = std::max(activation * curves::active_force_length(l_norm), min_active_force);
  // Fibre force needed to match the tendon, normalized: target = a f_L f_V(v) + beta v.
  const double target = s.tendon_force_N / (s.cos_pennation * p.max_isometric_force_N) - f_pe;
  constexpr double kMaxFv = 1.79;  // just below f_V(+1) = 1.794
  double v_norm = 0.0;
  if (p.fiber_damping == 0.0) {
    v_norm = curves::force_velocity_inverse(std::clamp(target / a_fl, 0.0, kMaxFv));
  } else {
    // g(v) = a f_L f_V(v) + beta v - target is increasing: bracketed Newton on v in [-1, 1].
    double lo = -1.0, hi = 1.0;
    const auto g = [&](double vv) {
      return a_fl * curves::force_velocity(vv) + p.fiber_damping * vv - target;
    };
    if (g(lo) >= 0.0) {
      v_norm = lo;
    } else if (g(hi) <= 0.0) {
      v_norm = hi;
    } else {
      v_norm = 0.0;
      for (int it = 0; it < 100; ++it) {
        const double gv = g(v_norm);
        if (std::abs(gv) <= 1e-14) break;
        (gv > 0.0 ? hi : lo) = v_norm;
        const double dg = a_fl * curves::force_velocity_slope(v_norm) + p.fiber_damping;
        double v_new = v_norm - gv / dg;
        if (!(v_new > lo && v_new < hi)) v_new = 0.5 * (lo + hi);
        v_norm = v_new;
      }
    }
  }
  return v_norm * c.max_fiber_velocity_m_per_s;
}

}  // namespace dembones
