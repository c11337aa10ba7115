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

// ---- Passive force-length (De Groote 2016 supplement eq. S2, kPE = 4, strain e0 = 0.6 at one
// normalized force). OpenSim subtracts exp(kPE (0.2 - 1)/e0) so the curve is zero at l_norm = 0.2;
// f_PE(1 + e0) = 1 exactly, whatever e0.
inline constexpr double kPassiveShape = 4.0;
inline constexpr double kDefaultPassiveStrainAtOneNormForce = 0.6;

// The passive curve with its constants (offset, denominator) computed once: the per-frame form.
struct PassiveForceLengthCurve {
  double shape_over_strain = kPassiveShape / kDefaultPassiveStrainAtOneNormForce;  // kPE / e0
  double offset = 0.0;     // exp(kPE (0.2 - 1)/e0)
  double inv_denom = 0.0;  // 1 / (exp(kPE) - offset)

  static PassiveForceLengthCurve make(double strain_at_one) {
    PassiveForceLengthCurve c;
    c.shape_over_strain = kPassiveShape / strain_at_one;
    c.offset = std::exp(c.shape_over_strain * (kMinNormFiberLength - 1.0));
    c.inv_denom = 1.0 / (std::exp(kPassiveShape) - c.offset);
    return c;
  }
  // Zero below 0.2 optimal lengths, where the formula turns negative: a slack fibre at the fibre-length
  // floor (the obliques in deep flexion) pushed with a few mN (muscle-model audit). OpenSim keeps the
  // fibre at 0.2 or longer, so it never evaluates the curve there.
  double value(double l_norm) const {
    if (l_norm <= kMinNormFiberLength) return 0.0;
    return (std::exp(shape_over_strain * (l_norm - 1.0)) - offset) * inv_denom;
  }
  double slope(double l_norm) const {
    if (l_norm <= kMinNormFiberLength) return 0.0;
    return shape_over_strain * std::exp(shape_over_strain * (l_norm - 1.0)) * inv_denom;
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
