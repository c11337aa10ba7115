#include "solvers/butterworth.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

#include <cmath>
#include <numbers>

namespace dembones {
namespace {

constexpr double kPi = std::numbers::pi;

// Steady-state gain of the two-pass filter at frequency f: |H(e^{jω})|², measured on a long sinusoid.
double measured_gain(double f_hz, double cutoff_hz, double fs_hz) {
  const int n = 4000;
  Eigen::MatrixXd x(n, 1);
  for (int i = 0; i < n; ++i) x(i, 0) = std::sin(2 * kPi * f_hz * i / fs_hz);
  filtfilt(butterworth_lowpass_2pass(cutoff_hz, fs_hz), x);
  // Amplitude over the middle half, away from the ends.
  double peak = 0;
  for (int i = n / 4; i < 3 * n / 4; ++i) peak = std::max(peak, std::abs(x(i, 0)));
  return peak;
}

TEST(Butterworth, TwoPassResponseIsMinus3dBAtTheCutoff) {
  // Winter's correction makes the combined forward-backward response -3 dB (gain 1/√2) at fc.
  EXPECT_NEAR(measured_gain(6.0, 6.0, 100.0), 1.0 / std::sqrt(2.0), 0.01);
  EXPECT_NEAR(measured_gain(0.5, 6.0, 100.0), 1.0, 1e-3);   // pass band
  EXPECT_LT(measured_gain(30.0, 6.0, 100.0), 0.01);          // stop band (4th order: ~-56 dB at 5 fc)
}

TEST(Butterworth, ZeroLag) {
  // A 1 Hz sinusoid keeps its phase: the filtered peak stays at the same sample.
  const double fs = 200.0;
  const int n = 800;
  Eigen::MatrixXd x(n, 1);
  for (int i = 0; i < n; ++i) x(i, 0) = std::cos(2 * kPi * 1.0 * i / fs);
  filtfilt(butterworth_lowpass_2pass(6.0, fs), x);
  // cos peaks at i = 200, 400, 600.
  for (int peak : {200, 400, 600}) {
    EXPECT_GT(x(peak, 0), x(peak - 1, 0));
    EXPECT_GT(x(peak, 0), x(peak + 1, 0));
  }
}

TEST(Butterworth, ConstantAndRampPassUnchangedIncludingTheEnds) {
  // Odd-reflection padding keeps a straight line straight up to the first and last frame.
  const int n = 50;
  Eigen::MatrixXd x(n, 2);
  for (int i = 0; i < n; ++i) {
    x(i, 0) = 0.7;
    x(i, 1) = -0.3 + 0.02 * i;
  }
  const Eigen::MatrixXd original = x;
  filtfilt(butterworth_lowpass_2pass(6.0, 100.0), x);
  // A zero-padded filter would pull the ends toward 0 by ~0.5; reflection keeps them within 1e-5.
  EXPECT_LT((x - original).cwiseAbs().maxCoeff(), 1e-5);
}

TEST(Butterworth, RejectsCutoffAboveNyquist) {
  EXPECT_THROW(butterworth_lowpass_2pass(45.0, 100.0), InputError);
  EXPECT_THROW(butterworth_lowpass_2pass(0.0, 100.0), InputError);
}

}  // namespace
}  // namespace dembones
