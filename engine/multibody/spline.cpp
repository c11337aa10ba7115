#include "multibody/spline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.hpp"

namespace dembones {

CubicSpline::CubicSpline(std::vector<double> x, std::vector<double> y)
    : x_(std::move(x)), y_(std::move(y)) {
  const std::size_t n = x_.size();
  if (n < 2 || y_.size() != n) {
    throw InputError("cubic spline: expected at least 2 knots and as many y values as x values, got " +
                     std::to_string(n) + " x and " + std::to_string(y_.size()) + " y");
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!(x_[i + 1] > x_[i]) || !std::isfinite(x_[i]) || !std::isfinite(y_[i]) ||
        !std::isfinite(y_[i + 1])) {
      throw InputError("cubic spline: expected strictly increasing finite knots, knot " +
                       std::to_string(i + 1) + " is not");
    }
  }
  // Second derivatives m_i from the tridiagonal continuity system with natural ends
  // (Press et al., Numerical Recipes, 3rd ed., 2007, sec. 3.3, eq. 3.3.7), Thomas algorithm.
  m_.assign(n, 0.0);
  inv_mean_step_ = static_cast<double>(n - 1) / (x_.back() - x_.front());
  if (n == 2) return;
  std::vector<double> c_prime(n, 0.0), d_prime(n, 0.0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double h0 = x_[i] - x_[i - 1];
    const double h1 = x_[i + 1] - x_[i];
    const double a = h0 / 6.0;
    const double b = (h0 + h1) / 3.0;
    const double c = h1 / 6.0;
    const double d = (y_[i + 1] - y_[i]) / h1 - (y_[i] - y_[i - 1]) / h0;
    const double denom = b - a * c_prime[i - 1];
    c_prime[i] = c / denom;
    d_prime[i] = (d - a * d_prime[i - 1]) / denom;
  }
  for (std::size_t i = n - 2; i >= 1; --i) {
    m_[i] = d_prime[i] - c_prime[i] * m_[i + 1];
  }
}

FunctionValue CubicSpline::evaluate(double x) const {
  const std::size_t n = x_.size();
  if (n == 0) return {};
  // Tangent-line extrapolation (m = 0 at natural ends keeps f'' continuous).
  if (x <= x_.front() || x >= x_.back()) {
    const bool left = x <= x_.front();
    const std::size_t i = left ? 0 : n - 2;
    const double h = x_[i + 1] - x_[i];
    const double slope = (y_[i + 1] - y_[i]) / h +
                         (left ? (-h / 3.0 * m_[i] - h / 6.0 * m_[i + 1])
                               : (h / 6.0 * m_[i] + h / 3.0 * m_[i + 1]));
    const double x0 = left ? x_.front() : x_.back();
    const double y0 = left ? y_.front() : y_.back();
    return {y0 + slope * (x - x0), slope, 0.0};
  }
  if (std::isnan(x)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  // The interval x_i <= x < x_i+1 (x is strictly inside the knots here): guessed from the mean knot
  // spacing, then moved to the right one. Knots are nearly evenly spaced in practice (joint-angle
  // grids), so this costs a multiplication and two comparisons where a binary search took several
  // hard-to-predict branches; the same interval, so the same value.
  const std::size_t last = n - 2;  // the last interval
  std::size_t i = static_cast<std::size_t>(std::min((x - x_.front()) * inv_mean_step_, static_cast<double>(last)));
  while (i > 0 && x < x_[i]) --i;
  while (i < last && x >= x_[i + 1]) ++i;
  const double h = x_[i + 1] - x_[i];
  const double A = (x_[i + 1] - x) / h;
  const double B = (x - x_[i]) / h;
  // Numerical Recipes eqs. 3.3.3, 3.3.5, 3.3.6.
  FunctionValue r;
  r.f = A * y_[i] + B * y_[i + 1] + ((A * A * A - A) * m_[i] + (B * B * B - B) * m_[i + 1]) * h * h / 6.0;
  r.d1 = (y_[i + 1] - y_[i]) / h - (3.0 * A * A - 1.0) / 6.0 * h * m_[i] +
         (3.0 * B * B - 1.0) / 6.0 * h * m_[i + 1];
  r.d2 = A * m_[i] + B * m_[i + 1];
  return r;
}

}  // namespace dembones
