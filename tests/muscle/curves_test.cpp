// De Groote et al. (2016) curves with OpenSim's coefficients: anchor values, monotonicity, analytic
// slopes against central finite differences, continuity of the slopes, inverses.
#include "muscle/curves.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <gtest/gtest.h>

namespace dembones {
namespace {

using Curve = std::function<double(double)>;

// Central finite difference with step h; error O(h^2 f''').
double central_difference(const Curve& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2.0 * h);
}

void expect_slope_matches(const Curve& f, const Curve& df, double lo, double hi, double tol_rel) {
  constexpr int kSamples = 400;
  for (int i = 0; i <= kSamples; ++i) {
    const double x = lo + (hi - lo) * i / kSamples;
    const double fd = central_difference(f, x, 1e-6);
    EXPECT_NEAR(df(x), fd, tol_rel * (1.0 + std::abs(fd))) << "at x = " << x;
  }
}

// A slope that is continuous has no jump between samples 1e-5 apart larger than
// (max |f''| ~ 1e3 for these curves) * 1e-5.
void expect_slope_continuous(const Curve& df, double lo, double hi, double max_jump) {
  constexpr double kStep = 1e-5;
  double prev = df(lo);
  for (double x = lo + kStep; x <= hi; x += kStep) {
    const double cur = df(x);
    ASSERT_LE(std::abs(cur - prev), max_jump) << "slope jumps at x = " << x;
    prev = cur;
  }
}

TEST(Curves, ActiveForceLengthIsOneAtOptimalLength) {
  EXPECT_NEAR(curves::active_force_length(1.0), 1.0, 1e-12);
}

TEST(Curves, ActiveForceLengthAgreesWithPaperCoefficients) {
  // The paper's supplement prints b11 = 0.815; OpenSim's adjusted value differs by < 1e-4.
  const auto paper = [](double l) {
    double f = 0.0;
    bool first = true;
    for (const auto& t : curves::kActiveForceLength) {
      const double b1 = first ? 0.815 : t.b1;
      first = false;
      const double u = (l - t.b2) / (t.b3 + t.b4 * l);
      f += b1 * std::exp(-0.5 * u * u);
    }
    return f;
  };
  for (double l = 0.2; l <= 1.8; l += 0.01) {
    EXPECT_NEAR(curves::active_force_length(l), paper(l), 1e-4) << l;
  }
}

TEST(Curves, ActiveForceLengthRisesThenFalls) {
  // Ascending limb up to optimal length, descending limb after (the fitted curve peaks within
  // 0.02 of l~ = 1).
  for (double l = 0.3; l < 0.98; l += 0.001) {
    EXPECT_GT(curves::active_force_length(l + 0.001), curves::active_force_length(l)) << l;
  }
  for (double l = 1.02; l < 1.8; l += 0.001) {
    EXPECT_LT(curves::active_force_length(l + 0.001), curves::active_force_length(l)) << l;
  }
  EXPECT_LT(curves::active_force_length(0.2), 0.2);
  EXPECT_LT(curves::active_force_length(1.8), 0.2);
  EXPECT_GT(curves::active_force_length(0.2), 0.0);
}

TEST(Curves, PassiveForceLengthAnchors) {
  // f_PE(1 + e0) = 1 with e0 = 0.6 (De Groote 2016), zero at l~ = 0.2 (OpenSim offset).
  EXPECT_NEAR(curves::passive_force_length(1.6), 1.0, 1e-12);
  EXPECT_NEAR(curves::passive_force_length(0.2), 0.0, 1e-15);
  // Never negative: a slack fibre below 0.2 optimal lengths does not push (the formula would).
  for (double l : {0.001, 0.05, 0.1, 0.19}) {
    EXPECT_EQ(curves::passive_force_length(l), 0.0) << l;
    EXPECT_EQ(curves::passive_force_length_slope(l), 0.0) << l;
  }
  EXPECT_NEAR(curves::passive_force_length(1.5, 0.5), 1.0, 1e-12);
  // Paper form (minus 1 instead of minus the offset): the two differ by at most
  // (1 - offset)/(e^4 - offset) = 0.018 (at l~ = 1) and agree at l~ = 1.6.
  const auto paper = [](double l) { return (std::exp(4.0 * (l - 1.0) / 0.6) - 1.0) / (std::exp(4.0) - 1.0); };
  for (double l = 1.0; l <= 1.6; l += 0.05) EXPECT_NEAR(curves::passive_force_length(l), paper(l), 0.0183) << l;
  EXPECT_NEAR(paper(1.6), 1.0, 1e-12);
  // Small but nonzero at optimal length: 1 - e^-5.3 over e^4 - ... ~ 0.018.
  EXPECT_GT(curves::passive_force_length(1.0), 0.0);
  EXPECT_LT(curves::passive_force_length(1.0), 0.02);
}

TEST(Curves, PassiveForceLengthIsIncreasing) {
  for (double l = 0.2; l < 2.0; l += 0.001) {
    EXPECT_GT(curves::passive_force_length(l + 0.001), curves::passive_force_length(l)) << l;
  }
}

// Thelen 2003 eq. 3 (OpenSim Thelen2003Muscle): zero at and below optimal length, F0 at 1 + e0, the
// paper's formula in between, for the gait2392/Christophy shape 4 and OpenSim's default 5.
TEST(Curves, ThelenPassiveCurve) {
  using curves::PassiveCurveKind;
  for (const double shape : {4.0, 5.0}) {
    for (const double e0 : {0.5, 0.6}) {
      const auto c = curves::PassiveForceLengthCurve::make(e0, PassiveCurveKind::kThelen2003, shape);
      const auto paper = [&](double l) { return (std::exp(shape * (l - 1.0) / e0) - 1.0) / (std::exp(shape) - 1.0); };
      for (const double l : {0.1, 0.5, 0.9, 0.999, 1.0}) {
        EXPECT_EQ(c.value(l), 0.0) << l;
        EXPECT_EQ(c.slope(l), 0.0) << l;
      }
      EXPECT_NEAR(c.value(1.0 + e0), 1.0, 1e-12);
      for (double l = 1.01; l < 1.9; l += 0.01) {
        EXPECT_NEAR(c.value(l), paper(l), 1e-12) << l;
        const double h = 1e-6;
        EXPECT_NEAR(c.slope(l), (c.value(l + h) - c.value(l - h)) / (2 * h), 1e-6 * (1.0 + c.slope(l))) << l;
      }
    }
  }
  // Below De Groote's curve everywhere it is taut (De Groote's offset lifts its curve by up to 1.8 % F0).
  const auto thelen = curves::PassiveForceLengthCurve::make(0.6, curves::PassiveCurveKind::kThelen2003);
  for (double l = 0.5; l < 1.6; l += 0.01) EXPECT_LT(thelen.value(l), curves::passive_force_length(l)) << l;
}

// OpenSim's Thelen2003Muscle_Deprecated (calcPassiveForce): exp(kPE (l - 1)/e0)/exp(kPE) up to 1 + e0,
// then the tangent line there (value 1, slope kPE/e0); never zero; within 1e-4 F0 of De Groote's curve
// with the same kPE and e0 up to 1 + e0 (which is why the lifter's lumbar fascicles keep it).
TEST(Curves, DeprecatedThelenPassiveCurve) {
  const auto c = curves::PassiveForceLengthCurve::make(0.6, curves::PassiveCurveKind::kThelen2003Deprecated, 4.0);
  for (double l = 0.3; l <= 1.6; l += 0.01) {
    EXPECT_NEAR(c.value(l), std::exp(4.0 * (l - 1.0) / 0.6) / std::exp(4.0), 1e-14) << l;
    EXPECT_GT(c.value(l), 0.0) << l;
    EXPECT_NEAR(c.value(l), curves::passive_force_length(l), 1e-4) << l;
  }
  EXPECT_NEAR(c.value(1.0), std::exp(-4.0), 1e-15);  // 1.8 % F0 at optimal length
  EXPECT_NEAR(c.value(1.6), 1.0, 1e-12);
  EXPECT_NEAR(c.value(1.6 + 1e-9), 1.0, 1e-8);
  EXPECT_NEAR(c.slope(1.6 - 1e-9), 4.0 / 0.6, 1e-6);
  EXPECT_NEAR(c.slope(1.6 + 1e-9), 4.0 / 0.6, 1e-12);
  EXPECT_NEAR(c.value(2.0), 1.0 + 0.4 * 4.0 / 0.6, 1e-12);  // linear, not exp(8/3)/1
  for (double l = 0.5; l < 2.2; l += 0.01) {
    const double h = 1e-6;
    if (std::abs(l - 1.6) < 2 * h) continue;
    EXPECT_NEAR(c.slope(l), (c.value(l + h) - c.value(l - h)) / (2 * h), 1e-6 * (1.0 + c.slope(l))) << l;
  }
}

// Millard 2012 (OpenSim FiberForceLengthCurve defaults): zero up to optimal length, F0 at 1 + e0 with
// slope 2/e0, linear beyond; the toe point at 1 + min(0.1/k_iso, 0.1 e0) carries k_low (x - x_foot);
// value, slope and curvature continuous where the two Bezier segments meet; slope = d value / d l.
TEST(Curves, MillardPassiveCurve) {
  for (const double e0 : {0.6, 0.7}) {
    const auto c = curves::PassiveForceLengthCurve::make(e0, curves::PassiveCurveKind::kMillard2012);
    const double k_iso = 2.0 / e0;
    for (const double l : {0.3, 0.8, 1.0}) {
      EXPECT_EQ(c.value(l), 0.0) << l;
      EXPECT_EQ(c.slope(l), 0.0) << l;
    }
    EXPECT_NEAR(c.value(1.0 + e0), 1.0, 1e-12);
    EXPECT_NEAR(c.slope(1.0 + e0 - 1e-9), k_iso, 1e-6);
    EXPECT_NEAR(c.value(1.0 + e0 + 0.1), 1.0 + 0.1 * k_iso, 1e-12);
    const double dx = std::min(0.1 / k_iso, 0.1 * e0);
    const double x_low = 1.0 + dx;
    EXPECT_NEAR(c.value(x_low), 0.2 * 0.5 * dx, 1e-12);
    EXPECT_NEAR(c.slope(x_low), 0.2, 1e-9);
    const double eps = 1e-9;
    EXPECT_NEAR(c.value(x_low - eps), c.value(x_low + eps), 1e-8);
    EXPECT_NEAR(c.slope(x_low - eps), c.slope(x_low + eps), 1e-6);
    const double h = 1e-5;
    const double curv_left = (c.slope(x_low - eps) - c.slope(x_low - eps - h)) / h;
    const double curv_right = (c.slope(x_low + eps + h) - c.slope(x_low + eps)) / h;
    EXPECT_NEAR(curv_left, curv_right, 0.05 * (1.0 + std::abs(curv_left))) << "curvature jumps at the toe";
    double previous = 0.0;
    for (double l = 1.0005; l < 2.0; l += 0.001) {
      const double f = c.value(l);
      EXPECT_GT(f, previous) << l;
      previous = f;
      const double g = 1e-7;
      EXPECT_NEAR(c.slope(l), (c.value(l + g) - c.value(l - g)) / (2 * g), 1e-5 * (1.0 + c.slope(l))) << l;
    }
    // The toe starts flat: a tenth of the way to the toe point the force is under 1e-4 F0.
    EXPECT_LT(c.value(1.0 + 0.1 * dx), 1e-4);
  }
  // Up to the largest strain OpenSim accepts (k_low 0.2 < 1/e0) the curve stays finite, non-negative
  // and non-decreasing (at e0 = 10 the corner's tangents were parallel: NaN; above, negative forces).
  for (const double e0 : {0.01, 1.0, 3.0, 4.9}) {
    const auto c = curves::PassiveForceLengthCurve::make(e0, curves::PassiveCurveKind::kMillard2012);
    double previous = 0.0;
    for (double l = 1.0; l < 1.0 + 1.5 * e0; l += e0 / 500) {
      const double f = c.value(l);
      ASSERT_TRUE(std::isfinite(f)) << e0 << " " << l;
      EXPECT_GE(f, previous - 1e-12) << e0 << " " << l;
      previous = f;
    }
    EXPECT_NEAR(c.value(1.0 + e0), 1.0, 1e-9) << e0;
  }
}

TEST(Curves, ForceVelocityAnchors) {
  EXPECT_NEAR(curves::force_velocity(0.0), 1.0, 1e-12);
  EXPECT_NEAR(curves::force_velocity(-1.0), 0.0, 1e-12);
  // Eccentric plateau about 1.794 at v~ = 1 (De Groote 2016 fig.).
  EXPECT_NEAR(curves::force_velocity(1.0), 1.794, 2e-3);
  // Paper coefficients (d1 = -0.318, d4 = 0.886) give values within 0.015.
  for (double v = -1.0; v <= 1.0; v += 0.05) {
    const double paper = -0.318 * std::asinh(-8.149 * v - 0.374) + 0.886;
    EXPECT_NEAR(curves::force_velocity(v), paper, 1.5e-2) << v;
  }
}

TEST(Curves, ForceVelocityIsIncreasingAndInvertible) {
  for (double v = -1.0; v < 1.0; v += 0.001) {
    EXPECT_GT(curves::force_velocity(v + 0.001), curves::force_velocity(v)) << v;
    EXPECT_NEAR(curves::force_velocity_inverse(curves::force_velocity(v)), v, 1e-12) << v;
  }
}

TEST(Curves, TendonForceLengthAnchors) {
  const double k_t = curves::tendon_stiffness_shape(0.049);
  EXPECT_NEAR(k_t, std::log(6.0) / 0.049, 1e-12);
  EXPECT_NEAR(curves::tendon_force_length(1.0, k_t), 0.0, 1e-15);
  EXPECT_NEAR(curves::tendon_force_length(1.049, k_t), 1.0, 1e-12);
  const double k_t2 = curves::tendon_stiffness_shape(0.033);
  EXPECT_NEAR(curves::tendon_force_length(1.033, k_t2), 1.0, 1e-12);
  for (double l = 0.9; l < 1.1; l += 0.001) {
    EXPECT_GT(curves::tendon_force_length(l + 0.001, k_t), curves::tendon_force_length(l, k_t));
    EXPECT_NEAR(curves::tendon_force_length_inverse(curves::tendon_force_length(l, k_t), k_t), l, 1e-12);
  }
}

TEST(Curves, SlopesMatchCentralDifferences) {
  expect_slope_matches(curves::active_force_length, curves::active_force_length_slope, 0.2, 1.8, 1e-7);
  // The passive curve has its kink at 0.2 (zero below): its slope is checked on either side of it.
  expect_slope_matches([](double l) { return curves::passive_force_length(l); },
                       [](double l) { return curves::passive_force_length_slope(l); }, 0.21, 1.8, 1e-7);
  expect_slope_matches([](double l) { return curves::passive_force_length(l, 0.5); },
                       [](double l) { return curves::passive_force_length_slope(l, 0.5); }, 0.21, 1.8, 1e-7);
  expect_slope_matches([](double l) { return curves::passive_force_length(l); },
                       [](double l) { return curves::passive_force_length_slope(l); }, 0.01, 0.19, 1e-7);
  expect_slope_matches(curves::force_velocity, curves::force_velocity_slope, -1.0, 1.0, 1e-7);
  const double k_t = curves::tendon_stiffness_shape(0.049);
  expect_slope_matches([k_t](double l) { return curves::tendon_force_length(l, k_t); },
                       [k_t](double l) { return curves::tendon_force_length_slope(l, k_t); }, 0.95, 1.08,
                       1e-6);
}

TEST(Curves, SlopesAreContinuous) {
  // Smooth curves (the point of De Groote's form, made for gradient-based optimal control): the slope
  // never jumps. Bounds are max|f''| * 1e-5 with margin.
  expect_slope_continuous(curves::active_force_length_slope, 0.2, 1.8, 1e-3);
  expect_slope_continuous([](double l) { return curves::passive_force_length_slope(l); }, 0.2, 1.8, 5e-3);
  expect_slope_continuous(curves::force_velocity_slope, -1.0, 1.0, 1e-3);
  const double k_t = curves::tendon_stiffness_shape(0.049);
  expect_slope_continuous([k_t](double l) { return curves::tendon_force_length_slope(l, k_t); }, 0.95, 1.08,
                          1e-1);
}

}  // namespace
}  // namespace dembones
