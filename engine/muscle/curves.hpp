#pragma once
// Hill-type muscle curves of De Groote, Kinney, Rao & Fregly (2016), "Evaluation of direct collocation
// optimal control problem formulations for solving the muscle redundancy problem", Ann Biomed Eng
// 44(10):2922-2936, supplementary material, with the coefficients adjusted in OpenSim's
// DeGrooteFregly2016Muscle (opensim-core OpenSim/Actuators/DeGrooteFregly2016Muscle.cpp) so that
// f_L(1) = 1, f_V(0) = 1 and f_V(-1) = 0.
//
// All curves are dimensionless: lengths are normalized by the optimal fibre length (fibre) or by the
// tendon slack length (tendon), forces by the maximum isometric force, and the fibre velocity by
// v_max = max_contraction_velocity_lopt_per_s * optimal_fiber_length_m (positive = lengthening).
// Each curve comes with its derivative (slope) with respect to its argument. The functions are inline
// because they run in the per-frame loop for every muscle.
#include <algorithm>
#include <cmath>

namespace dembones::curves {

// ---- Active force-length: sum of three Gaussian-like terms (De Groote 2016, supplement eq. S1;
// the denominator is squared, correcting a typo of the supplement, as in OpenSim).
struct ActiveForceLengthTerm {
  double b1, b2, b3, b4;
};
// b11 = 0.8150671134243542 is OpenSim's value chosen so that f_L(1) = 1 (the paper prints 0.815).
inline constexpr ActiveForceLengthTerm kActiveForceLength[3] = {
    {0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465},
    {0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188},
    {0.1, 1.0, 0.353553390593274 /* 0.5*sqrt(0.5) */, 0.0},
};
// Range in which the active curve was fitted; outside it the value decays smoothly (not clamped).
inline constexpr double kMinNormFiberLength = 0.2;
inline constexpr double kMaxNormFiberLength = 1.8;

inline double active_force_length(double l_norm) {
  double f = 0.0;
  for (const auto& t : kActiveForceLength) {
    const double s = t.b3 + t.b4 * l_norm;
    const double u = (l_norm - t.b2) / s;
    f += t.b1 * std::exp(-0.5 * u * u);
  }
  return f;
}

// d f_L / d l_norm. With u = (l - b2)/(b3 + b4 l), du/dl = (b3 + b4 b2)/(b3 + b4 l)^2.
inline double active_force_length_slope(double l_norm) {
  double df = 0.0;
  for (const auto& t : kActiveForceLength) {
    const double s = t.b3 + t.b4 * l_norm;
    const double u = (l_norm - t.b2) / s;
    const double du = (t.b3 + t.b4 * t.b2) / (s * s);
    df += -t.b1 * std::exp(-0.5 * u * u) * u * du;
  }
  return df;
}

// ---- Passive force-length. Three published forms, chosen per muscle to match the model its
// parameters come from (an optimal fibre length and a strain at F0 are fitted with their curve):
// - De Groote 2016 (supplement eq. S2, kPE = 4): f = (exp(kPE (l~ - 1)/e0) - offset)/(exp(kPE) - offset)
//   with OpenSim's offset exp(kPE (0.2 - 1)/e0), zero at l~ = 0.2: 1.8 % F0 at optimal length (e0 0.6).
// - Thelen 2003 (J Biomech Eng 125:70, eq. 3; OpenSim Thelen2003Muscle): f = (exp(kPE (l~ - 1)/e0) - 1)
//   /(exp(kPE) - 1), zero at and below l~ = 1.
// - OpenSim's Thelen2003Muscle_Deprecated (OpenSim 2.x, from SIMM's muscle_deriv_func9; the muscle of
//   Christophy et al. 2012's lumbar model: its fascicles carry this class's Vmax0, damping, Af and
//   Flen): f = exp(kPE (l~ - 1)/e0)/exp(kPE), 1.8 % F0 at optimal length with kPE 4, never zero, and
//   linear with slope kPE/e0 beyond 1 + e0 (its calcPassiveForce). Within 1e-4 F0 of De Groote's curve
//   up to 1 + e0 for the same kPE and e0.
// - Millard et al. 2013 (J Biomech Eng 135:021005; OpenSim Millard2012EquilibriumMuscle's
//   FiberForceLengthCurve, the muscle of Rajagopal et al. 2016's legs): two C2-continuous quintic Bezier
//   segments from (1, 0) to (1 + e0, 1), zero below,
//   with OpenSim's defaults: strain at zero force 0, stiffness 0.2 near zero force, 2/e0 at F0,
//   curviness 0.75; linear with slope 2/e0 beyond 1 + e0.
// Each form reaches f = 1 at l~ = 1 + e0 exactly.
inline constexpr double kPassiveShape = 4.0;
inline constexpr double kDefaultPassiveStrainAtOneNormForce = 0.6;
inline constexpr double kMaxPassiveShape = 20.0;  // model-file bound: published kPE are 4-5

enum class PassiveCurveKind { kDeGroote2016, kThelen2003, kThelen2003Deprecated, kMillard2012 };
// The names model files and output use.
inline const char* passive_curve_name(PassiveCurveKind k) {
  switch (k) {
    case PassiveCurveKind::kThelen2003: return "thelen2003";
    case PassiveCurveKind::kThelen2003Deprecated: return "thelen2003_deprecated";
    case PassiveCurveKind::kMillard2012: return "millard2012";
    default: return "degroote2016";
  }
}

// The Millard 2012 fibre force-length curve: two quintic Bezier segments, x(u) and y(u) on u in [0, 1],
// built as OpenSim's SmoothSegmentedFunctionFactory::createFiberForceLengthCurve and
// SegmentedQuinticBezierToolkit::calcQuinticBezierCornerControlPoints build it.
struct MillardPassiveCurve {
  double x[2][6] = {}, y[2][6] = {};
  double x_zero = 1.0, x_iso = 1.7, k_iso = 2.0 / 0.7;

  static constexpr double kLow = 0.2;
  // OpenSim requires k_low < 1/e0: the toe must be flatter than the chord to (1 + e0, 1).
  static constexpr double kMaxStrainAtOne = 1.0 / kLow;
  static MillardPassiveCurve make(double strain_at_one) {
    constexpr double kCurviness = 0.75;
    MillardPassiveCurve m;
    const double c = 0.1 + 0.8 * kCurviness;  // OpenSim's scaleCurviness
    m.x_zero = 1.0;
    m.x_iso = 1.0 + strain_at_one;
    m.k_iso = 2.0 / strain_at_one;
    const double dx = std::min(0.1 / m.k_iso, 0.1 * (m.x_iso - m.x_zero));
    const double x_low = m.x_zero + dx;
    const double x_foot = m.x_zero + 0.5 * dx;
    const double y_low = kLow * (x_low - x_foot);
    corner(m.x[0], m.y[0], m.x_zero, 0.0, 0.0, x_low, y_low, kLow, c);
    corner(m.x[1], m.y[1], x_low, y_low, kLow, m.x_iso, 1.0, m.k_iso, c);
    return m;
  }
  // Six control points of a corner between (x0, y0) with slope dydx0 and (x1, y1) with slope dydx1:
  // both tangents meet at C; points 1-2 and 3-4 sit a fraction c of the way to C.
  static void corner(double* px, double* py, double x0, double y0, double dydx0, double x1, double y1,
                     double dydx1, double c) {
    // OpenSim's guard: parallel tangents meet at the midpoint.
    const double xc = std::abs(dydx0 - dydx1) > 1.4901161193847656e-08
                          ? (y1 - y0 - x1 * dydx1 + x0 * dydx0) / (dydx0 - dydx1)
                          : 0.5 * (x0 + x1);
    const double yc = (xc - x1) * dydx1 + y1;
    px[0] = x0, py[0] = y0;
    px[1] = px[2] = x0 + c * (xc - x0);
    py[1] = py[2] = y0 + c * (yc - y0);
    px[3] = px[4] = x1 + c * (xc - x1);
    py[3] = py[4] = y1 + c * (yc - y1);
    px[5] = x1, py[5] = y1;
  }
  static double bezier(const double* p, double u) {
    const double v = 1.0 - u;
    const double u2 = u * u, v2 = v * v;
    return v2 * v2 * v * p[0] + 5 * u * v2 * v2 * p[1] + 10 * u2 * v2 * v * p[2] + 10 * u2 * u * v2 * p[3] +
           5 * u2 * u2 * v * p[4] + u2 * u2 * u * p[5];
  }
  static double bezier_du(const double* p, double u) {
    const double v = 1.0 - u;
    const double u2 = u * u, v2 = v * v;
    return 5 * (v2 * v2 * (p[1] - p[0]) + 4 * u * v2 * v * (p[2] - p[1]) + 6 * u2 * v2 * (p[3] - p[2]) +
                4 * u2 * u * v * (p[4] - p[3]) + u2 * u2 * (p[5] - p[4]));
  }
  // u with x(u) = x on segment s: Newton from the linear guess, kept in [0, 1] by bisection (x(u) is
  // increasing: every control abscissa is ordered).
  double solve_u(int s, double xq) const {
    double lo = 0.0, hi = 1.0;
    double u = (xq - x[s][0]) / (x[s][5] - x[s][0]);
    for (int it = 0; it < 60; ++it) {
      const double r = bezier(x[s], u) - xq;
      if (std::abs(r) <= 1e-15) break;
      (r > 0.0 ? hi : lo) = u;
      const double d = bezier_du(x[s], u);
      double un = d > 0.0 ? u - r / d : 0.5 * (lo + hi);
      if (!(un > lo && un < hi)) un = 0.5 * (lo + hi);
      if (un == u) break;
      u = un;
    }
    return u;
  }
  double value(double l) const {
    if (l <= x_zero) return 0.0;
    if (l >= x_iso) return 1.0 + k_iso * (l - x_iso);
    const int s = l < x[1][0] ? 0 : 1;
    return bezier(y[s], solve_u(s, l));
  }
  double slope(double l) const {
    double f, df;
    value_and_slope(l, f, df);
    return df;
  }
  // Both from one solve for u (the equilibrium residual needs both).
  void value_and_slope(double l, double& f, double& df) const {
    if (l <= x_zero) {
      f = df = 0.0;
    } else if (l >= x_iso) {
      f = 1.0 + k_iso * (l - x_iso);
      df = k_iso;
    } else {
      const int s = l < x[1][0] ? 0 : 1;
      const double u = solve_u(s, l);
      f = bezier(y[s], u);
      df = bezier_du(y[s], u) / bezier_du(x[s], u);
    }
  }
};

// The passive curve with its constants computed once: the per-frame form. The two exponential forms
// share f = max(0, (exp(s (l~ - 1)) - offset) / denom): De Groote's turns negative below 0.2, Thelen's
// below 1, where both are zero (a slack fibre does not push; OpenSim keeps De Groote's fibre at 0.2 or
// longer, so it never evaluates the curve there).
struct PassiveForceLengthCurve {
  PassiveCurveKind kind = PassiveCurveKind::kDeGroote2016;
  double shape_over_strain = kPassiveShape / kDefaultPassiveStrainAtOneNormForce;  // kPE / e0
  double offset = 0.0;     // exp(kPE (0.2 - 1)/e0) (De Groote), 1 (Thelen) or 0 (deprecated Thelen)
  double inv_denom = 0.0;  // 1 / (exp(kPE) - offset)
  double linear_from = 0.0;  // deprecated Thelen: linear beyond 1 + e0, slope kPE/e0
  MillardPassiveCurve millard;
  // Forms the per-frame vectorized stage evaluates (max(0, (exp(s (l~ - 1)) - offset) / denom)); the
  // others are evaluated muscle by muscle after it.
  bool vectorized() const { return kind == PassiveCurveKind::kDeGroote2016 || kind == PassiveCurveKind::kThelen2003; }

  static PassiveForceLengthCurve make(double strain_at_one,
                                      PassiveCurveKind kind = PassiveCurveKind::kDeGroote2016,
                                      double shape = kPassiveShape) {
    PassiveForceLengthCurve c;
    c.kind = kind;
    c.shape_over_strain = shape / strain_at_one;
    c.offset = kind == PassiveCurveKind::kThelen2003              ? 1.0
               : kind == PassiveCurveKind::kThelen2003Deprecated ? 0.0
                                                                 : std::exp(c.shape_over_strain * (kMinNormFiberLength - 1.0));
    c.inv_denom = 1.0 / (std::exp(shape) - c.offset);
    c.linear_from = 1.0 + strain_at_one;
    if (kind == PassiveCurveKind::kMillard2012) c.millard = MillardPassiveCurve::make(strain_at_one);
    return c;
  }
  double value(double l_norm) const {
    double f, df;
    value_and_slope(l_norm, f, df);
    return f;
  }
  double slope(double l_norm) const {
    double f, df;
    value_and_slope(l_norm, f, df);
    return df;
  }
  void value_and_slope(double l_norm, double& f, double& df) const {
    if (kind == PassiveCurveKind::kMillard2012) return millard.value_and_slope(l_norm, f, df);
    if (kind == PassiveCurveKind::kThelen2003Deprecated && l_norm > linear_from) {
      // exp(kPE e0/e0)/exp(kPE) = 1 at 1 + e0; the slope there is kPE/e0.
      df = shape_over_strain;
      f = 1.0 + df * (l_norm - linear_from);
      return;
    }
    const double e = std::exp(shape_over_strain * (l_norm - 1.0));
    f = (e - offset) * inv_denom;
    if (f > 0.0) {
      df = shape_over_strain * e * inv_denom;
    } else {
      f = df = 0.0;
    }
  }
};

inline double passive_force_length(double l_norm,
                                   double strain_at_one = kDefaultPassiveStrainAtOneNormForce) {
  return PassiveForceLengthCurve::make(strain_at_one).value(l_norm);
}

inline double passive_force_length_slope(
    double l_norm, double strain_at_one = kDefaultPassiveStrainAtOneNormForce) {
  return PassiveForceLengthCurve::make(strain_at_one).slope(l_norm);
}

// ---- Force-velocity (De Groote 2016 supplement eq. S3): f_V = d1 ln(w + sqrt(w^2 + 1)) + d4 with
// w = d2 v + d3, i.e. d1 asinh(w) + d4. d1 and d4 are OpenSim's (f_V(-1) = 0, f_V(0) = 1);
// d2 and d3 are the paper's. Range 0 (v = -1) ... about 1.794 (v = +1).
inline constexpr double kFvD1 = -0.3211346127989808;
inline constexpr double kFvD2 = -8.149;
inline constexpr double kFvD3 = -0.374;
inline constexpr double kFvD4 = 0.8825327733249912;

inline double force_velocity(double v_norm) {
  return kFvD1 * std::asinh(kFvD2 * v_norm + kFvD3) + kFvD4;
}

inline double force_velocity_slope(double v_norm) {
  const double w = kFvD2 * v_norm + kFvD3;
  return kFvD1 * kFvD2 / std::sqrt(w * w + 1.0);
}

// Inverse of force_velocity: v = (sinh((f_V - d4)/d1) - d3)/d2. Defined for every f_V.
inline double force_velocity_inverse(double f_v) {
  return (std::sinh((f_v - kFvD4) / kFvD1) - kFvD3) / kFvD2;
}

// ---- Tendon force-length (De Groote 2016 supplement eq. S4 in OpenSim's form):
// f_T = c1 exp(kT (l_T_norm - c2)) - c3, c1 = 0.2, c2 = 1, c3 = 0.2,
// kT = ln((1 + c3)/c1)/e0 so that f_T(1) = 0 and f_T(1 + e0) = 1 (e0 = strain at F0, default 0.049).
// Below slack length (l_T_norm < 1) the curve goes smoothly negative down to -c3, as in OpenSim.
inline constexpr double kTendonC1 = 0.2;
inline constexpr double kTendonC2 = 1.0;
inline constexpr double kTendonC3 = 0.2;
inline constexpr double kDefaultTendonStrainAtOneNormForce = 0.049;

inline double tendon_stiffness_shape(double strain_at_one) {
  return std::log((1.0 + kTendonC3) / kTendonC1) / strain_at_one;
}

// k_T from tendon_stiffness_shape(strain at one normalized force).
inline double tendon_force_length(double l_norm, double k_t) {
  return kTendonC1 * std::exp(k_t * (l_norm - kTendonC2)) - kTendonC3;
}

inline double tendon_force_length_slope(double l_norm, double k_t) {
  return kTendonC1 * k_t * std::exp(k_t * (l_norm - kTendonC2));
}

// Inverse for f_T > -c3: l_norm = c2 + ln((f_T + c3)/c1)/kT.
inline double tendon_force_length_inverse(double f_t, double k_t) {
  return kTendonC2 + std::log((f_t + kTendonC3) / kTendonC1) / k_t;
}

}  // namespace dembones::curves
