// detail::sin_cos (joint_motion.hpp), the inlined sine and cosine of the articulated-body
// algorithm's revolute joints, against the C library's std::sin / std::cos.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "multibody/joint_motion.hpp"

namespace dembones {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// Random angles in [-range, range]: within one unit in the last place of libm's result where joint
// angles live, and within 1.2e-16 absolutely up to the reduction's limit 1e5.
TEST(SinCos, MatchesLibmOnRandomAngles) {
  std::mt19937 rng(7);
  for (const double range : {1e-6, 0.8, 3.2, 10.0, 100.0, 1e4, 1e5}) {
    SCOPED_TRACE(range);
    std::uniform_real_distribution<double> uni(-range, range);
    for (int k = 0; k < 100000; ++k) {
      const double x = uni(rng);
      double s = 0.0, c = 0.0;
      detail::sin_cos(x, s, c);
      EXPECT_LE(std::abs(s - std::sin(x)), 1.2e-16) << x;
      EXPECT_LE(std::abs(c - std::cos(x)), 1.2e-16) << x;
      if (range <= 1e4) {
        EXPECT_LE(std::abs(s - std::sin(x)), 1.01 * kEps * std::abs(std::sin(x))) << x;
        EXPECT_LE(std::abs(c - std::cos(x)), 1.01 * kEps * std::abs(std::cos(x))) << x;
      }
    }
  }
}

// Quadrant boundaries (multiples of pi/2 and their neighbours), where the reduction's rounding
// picks the quadrant and sine or cosine is near zero.
TEST(SinCos, QuadrantBoundaries) {
  for (int k = -400; k <= 400; ++k) {
    const double centre = k * (M_PI / 2.0);
    for (const double x : {centre, std::nextafter(centre, -1e9), std::nextafter(centre, 1e9), centre + 1e-9,
                           centre - 1e-9, centre + M_PI / 4.0, centre - M_PI / 4.0}) {
      double s = 0.0, c = 0.0;
      detail::sin_cos(x, s, c);
      EXPECT_LE(std::abs(s - std::sin(x)), 1.2e-16) << x;
      EXPECT_LE(std::abs(c - std::cos(x)), 1.2e-16) << x;
    }
  }
}

// Beyond 1e5 and for non-finite input it returns what libm returns.
TEST(SinCos, LargeAndNonFiniteFallBackToLibm) {
  for (const double x : {1e5 + 0.5, -3e7, 1e300}) {
    double s = 0.0, c = 0.0;
    detail::sin_cos(x, s, c);
    EXPECT_EQ(s, std::sin(x));
    EXPECT_EQ(c, std::cos(x));
  }
  double s = 0.0, c = 0.0;
  detail::sin_cos(std::numeric_limits<double>::quiet_NaN(), s, c);
  EXPECT_TRUE(std::isnan(s) && std::isnan(c));
  detail::sin_cos(std::numeric_limits<double>::infinity(), s, c);
  EXPECT_TRUE(std::isnan(s) && std::isnan(c));
}

}  // namespace
}  // namespace dembones
