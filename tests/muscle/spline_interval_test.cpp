// CubicSpline::evaluate finds a point's knot interval from the mean knot spacing (multibody/spline.cpp)
// instead of a binary search; the moving path points and the knee's custom joint evaluate it every
// frame. It must pick the interval the binary search picked, so every value keeps its bits: checked
// against the Numerical Recipes evaluation with std::upper_bound, on even and very uneven knots, at the
// knots themselves, next to them and between them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "multibody/spline.hpp"

namespace dembones {
namespace {

// The evaluation inside the knots with the interval from a binary search (Press et al., Numerical
// Recipes, 3rd ed., eqs. 3.3.3, 3.3.5, 3.3.6); m are the spline's second derivatives at the knots.
FunctionValue reference(const std::vector<double>& x_, const std::vector<double>& y_, const std::vector<double>& m_,
                        double x) {
  const std::size_t hi = static_cast<std::size_t>(std::upper_bound(x_.begin(), x_.end(), x) - x_.begin());
  const std::size_t i = hi - 1;
  const double h = x_[i + 1] - x_[i];
  const double A = (x_[i + 1] - x) / h;
  const double B = (x - x_[i]) / h;
  FunctionValue r;
  r.f = A * y_[i] + B * y_[i + 1] + ((A * A * A - A) * m_[i] + (B * B * B - B) * m_[i + 1]) * h * h / 6.0;
  r.d1 = (y_[i + 1] - y_[i]) / h - (3.0 * A * A - 1.0) / 6.0 * h * m_[i] + (3.0 * B * B - 1.0) / 6.0 * h * m_[i + 1];
  r.d2 = A * m_[i] + B * m_[i + 1];
  return r;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same_as_binary_search(const std::vector<double>& x, const std::vector<double>& y, unsigned seed) {
  const CubicSpline s(x, y);
  // The knots' second derivatives, read back through f'' at the knots (exact: A = 1 or B = 1 there).
  std::vector<double> m(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) m[i] = (i == 0 || i + 1 == x.size()) ? 0.0 : s.d2(x[i]);
  std::vector<double> points;
  for (std::size_t i = 1; i + 1 < x.size(); ++i) {
    points.push_back(x[i]);
    points.push_back(std::nextafter(x[i], -1e300));
    points.push_back(std::nextafter(x[i], 1e300));
  }
  points.push_back(std::nextafter(x.front(), 1e300));
  points.push_back(std::nextafter(x.back(), -1e300));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(x.front(), x.back());
  for (int k = 0; k < 2000; ++k) points.push_back(u(rng));
  int checked = 0;
  for (const double p : points) {
    if (!(p > x.front() && p < x.back())) continue;
    const FunctionValue a = s.evaluate(p), b = reference(x, y, m, p);
    ASSERT_TRUE(same_bits(a.f, b.f) && same_bits(a.d1, b.d1) && same_bits(a.d2, b.d2))
        << "at x = " << p << " (seed " << seed << "): " << a.f << " vs " << b.f;
    ++checked;
  }
  EXPECT_GT(checked, 2000);
}

TEST(SplineInterval, EvenKnotsAsTheKneeGrid) {
  // The lifter's knee translation grid: -120 to 10 deg in 10 deg steps (models/lifter.yaml).
  std::vector<double> x, y;
  for (int i = 0; i < 14; ++i) {
    x.push_back(-2.0944 + 0.174533 * i);
    y.push_back(0.006 * std::cos(0.3 * i) + 0.001 * i);
  }
  expect_same_as_binary_search(x, y, 1);
}

TEST(SplineInterval, UnevenKnots) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (unsigned trial = 0; trial < 20; ++trial) {
    const int n = 2 + static_cast<int>(trial % 9) * 3;
    std::vector<double> x{-1.0}, y{u(rng)};
    for (int i = 1; i < n; ++i) {
      // Gaps from 1e-6 to 10: clusters and long stretches, so the first guess is often far off.
      x.push_back(x.back() + std::pow(10.0, -6.0 + 7.0 * u(rng)));
      y.push_back(u(rng));
    }
    expect_same_as_binary_search(x, y, 100 + trial);
  }
}

TEST(SplineInterval, NanGivesNan) {
  const CubicSpline s({0.0, 1.0, 2.0}, {0.0, 1.0, 0.0});
  const FunctionValue v = s.evaluate(std::nan(""));
  EXPECT_TRUE(std::isnan(v.f) && std::isnan(v.d1) && std::isnan(v.d2));
}

}  // namespace
}  // namespace dembones
