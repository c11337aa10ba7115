// Natural cubic spline: interpolation, exact derivatives (against central differences), end
// conditions and input checks.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.hpp"
#include "multibody/spline.hpp"

namespace dembones {
namespace {

TEST(CubicSpline, InterpolatesKnotsWithNaturalEnds) {
  const std::vector<double> x{-1.0, 0.0, 0.5, 2.0, 3.0};
  const std::vector<double> y{0.3, -0.2, 0.1, 0.8, 0.4};
  const CubicSpline s(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(s.value(x[i]), y[i], 1e-14);
  EXPECT_NEAR(s.d2(x.front()), 0.0, 1e-14);
  EXPECT_NEAR(s.d2(x.back()), 0.0, 1e-14);
}

TEST(CubicSpline, DerivativesMatchFiniteDifferencesAndAreContinuous) {
  const CubicSpline s({-2.0, -1.0, 0.0, 0.7, 2.0}, {0.01, -0.03, 0.02, 0.05, -0.01});
  const double h = 1e-5;
  for (double x = -2.6; x <= 2.6; x += 0.0137) {
    const FunctionValue f = s.evaluate(x);
    EXPECT_NEAR(f.d1, (s.value(x + h) - s.value(x - h)) / (2 * h), 1e-8) << "x = " << x;
    EXPECT_NEAR(f.d2, (s.d1(x + h) - s.d1(x - h)) / (2 * h), 1e-6) << "x = " << x;
  }
  // C2 across an interior knot.
  EXPECT_NEAR(s.d2(0.7 - 1e-12), s.d2(0.7 + 1e-12), 1e-9);
  EXPECT_NEAR(s.d1(0.7 - 1e-12), s.d1(0.7 + 1e-12), 1e-9);
}

TEST(CubicSpline, ReproducesStraightLine) {
  const CubicSpline s({0.0, 1.0, 3.0, 4.0}, {1.0, 3.0, 7.0, 9.0});
  for (double x = -1.0; x < 5.0; x += 0.25) {
    EXPECT_NEAR(s.value(x), 1.0 + 2.0 * x, 1e-12);
    EXPECT_NEAR(s.d1(x), 2.0, 1e-12);
    EXPECT_NEAR(s.d2(x), 0.0, 1e-12);
  }
}

TEST(CubicSpline, RejectsBadKnots) {
  EXPECT_THROW(CubicSpline({0.0}, {1.0}), InputError);
  EXPECT_THROW(CubicSpline({0.0, 0.0, 1.0}, {1.0, 2.0, 3.0}), InputError);
  EXPECT_THROW(CubicSpline({0.0, 1.0}, {1.0, 2.0, 3.0}), InputError);
}

TEST(CoordinateFunction, LinearAndConstant) {
  const auto lin = CoordinateFunction::Linear(-0.5, 0.2);
  EXPECT_DOUBLE_EQ(lin.evaluate(2.0).f, -0.8);
  EXPECT_DOUBLE_EQ(lin.evaluate(2.0).d1, -0.5);
  const auto c = CoordinateFunction::Constant(0.3);
  EXPECT_DOUBLE_EQ(c.evaluate(-4.0).f, 0.3);
  EXPECT_DOUBLE_EQ(c.evaluate(-4.0).d1, 0.0);
}

}  // namespace
}  // namespace dembones
