#include "solvers/butterworth.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "common/error.hpp"

namespace dembones {

ButterworthCoefficients butterworth_lowpass_2pass(double cutoff_hz, double sample_rate_hz) {
  if (!(cutoff_hz > 0.0) || !(sample_rate_hz > 0.0))
    throw InputError("filter cut-off and sampling rate must be positive");
  // Winter 2009 eq. 3.8: corrected cut-off for n passes of a 2nd-order filter.
  const double correction = std::pow(std::pow(2.0, 1.0 / 2.0) - 1.0, 0.25);
  const double fc = cutoff_hz / correction;
  if (fc >= 0.5 * sample_rate_hz)
    throw InputError("filter cut-off too high for the sampling rate: the corrected cut-off must stay below "
                     "half the sampling rate (Nyquist)");
  // Bilinear transform with pre-warping: Ω = tan(π fc / fs) (Winter 2009 §3.4.4.4).
  const double omega = std::tan(std::numbers::pi * fc / sample_rate_hz);
  const double k1 = std::numbers::sqrt2 * omega;
  const double k2 = omega * omega;
  const double a0 = 1.0 + k1 + k2;
  ButterworthCoefficients c{};
  c.b0 = k2 / a0;
  c.b1 = 2.0 * c.b0;
  c.b2 = c.b0;
  c.a1 = 2.0 * (k2 - 1.0) / a0;
  c.a2 = (1.0 - k1 + k2) / a0;
  return c;
}

int filtfilt_padding(int n_frames) { return std::max(0, std::min(n_frames - 1, 3 * 3 * 4)); }

namespace {

// One direction of the recursion y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2],
// started in the steady state of the first sample so a constant signal passes unchanged.
void filter_pass(const ButterworthCoefficients& c, std::vector<double>& s) {
  if (s.empty()) return;
  double x1 = s[0], x2 = s[0], y1 = s[0], y2 = s[0];
  for (double& v : s) {
    const double x0 = v;
    const double y0 = c.b0 * x0 + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
    x2 = x1; x1 = x0; y2 = y1; y1 = y0;
    v = y0;
  }
}

}  // namespace

void filtfilt(const ButterworthCoefficients& c, Eigen::Ref<Eigen::MatrixXd> x) {
  const int n = static_cast<int>(x.rows());
  if (n < 2) return;
  const int pad = filtfilt_padding(n);
  std::vector<double> s(static_cast<size_t>(n + 2 * pad));
  for (Eigen::Index col = 0; col < x.cols(); ++col) {
    // Odd reflection about the end points: 2 x[0] - x[k] before, 2 x[n-1] - x[n-1-k] after.
    for (int k = 0; k < pad; ++k) s[static_cast<size_t>(pad - 1 - k)] = 2.0 * x(0, col) - x(k + 1, col);
    for (int i = 0; i < n; ++i) s[static_cast<size_t>(pad + i)] = x(i, col);
    for (int k = 0; k < pad; ++k) s[static_cast<size_t>(pad + n + k)] = 2.0 * x(n - 1, col) - x(n - 2 - k, col);
    filter_pass(c, s);
    std::reverse(s.begin(), s.end());
    filter_pass(c, s);
    std::reverse(s.begin(), s.end());
    for (int i = 0; i < n; ++i) x(i, col) = s[static_cast<size_t>(pad + i)];
  }
}

}  // namespace dembones
