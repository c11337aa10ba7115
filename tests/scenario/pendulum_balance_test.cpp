// lipm_com_shift (scenario/pendulum_balance.hpp): the centre-of-mass shift that moves a linear inverted
// pendulum's centre of pressure by a given amount, checked against the continuous solution and
// against the pendulum's centre of pressure formed from the shifted trajectory.
#include <gtest/gtest.h>

#include <cmath>

#include "scenario/pendulum_balance.hpp"

namespace dembones {
namespace {

constexpr double kGravity = 9.81;

// A constant shift C between two still ends T apart: δ − (z/g) δ'' = C, δ(0) = δ(T) = 0 has the
// solution δ(t) = C (1 − cosh(ω (t − T/2)) / cosh(ω T / 2)), ω = √(g/z). The discrete solution (second
// differences, dt = 1 ms) agrees to O(dt²).
TEST(PendulumBalance, ConstantShiftMatchesTheContinuousSolution) {
  const double z = 0.9, dt = 1e-3, duration = 2.0, c = -0.05;
  const int frames = static_cast<int>(std::lround(duration / dt)) + 1;
  const VecX shift = VecX::Constant(frames, c), height = VecX::Constant(frames, z);
  const VecX delta = lipm_com_shift(shift, height, kGravity, dt, 0, frames);
  const double omega = std::sqrt(kGravity / z);
  double worst = 0.0;
  for (int f = 0; f < frames; ++f) {
    const double t = f * dt;
    const double exact = c * (1.0 - std::cosh(omega * (t - duration / 2)) / std::cosh(omega * duration / 2));
    worst = std::max(worst, std::abs(delta(f) - exact));
  }
  EXPECT_LT(worst, 1e-5);
  EXPECT_EQ(delta(0), 0.0);
  EXPECT_EQ(delta(frames - 1), 0.0);
  // Mid-way the pendulum has moved almost the whole shift (cosh(ω T/2) ≈ 11 for z = 0.9 m).
  EXPECT_NEAR(delta(frames / 2), c * (1.0 - 1.0 / std::cosh(omega * duration / 2)), 1e-5);
}

// A brief excursion (0.1 s of 0.15 m ahead of the toes) inside a still-ended movement, with a height
// that changes as in a squat: the pendulum centre of pressure of the shifted trajectory moves by the
// shift at every inner frame (the equation holds row by row), the shift outside the movement is 0,
// and the centre of mass moves by a few centimetres only, over a window of about ±0.3 s (1/ω).
TEST(PendulumBalance, BriefExcursionAsksASmallSmoothShift) {
  const double dt = 0.01;
  const int frames = 241, begin = 20, end = 221;
  VecX shift = VecX::Zero(frames), height(frames);
  for (int f = 0; f < frames; ++f) height(f) = 0.95 - 0.3 * std::sin(3.14159265358979 * std::clamp((f - begin) / 200.0, 0.0, 1.0));
  for (int f = 105; f < 115; ++f) shift(f) = -0.15;
  const VecX delta = lipm_com_shift(shift, height, kGravity, dt, begin, end);
  for (int f = 0; f <= begin; ++f) EXPECT_EQ(delta(f), 0.0);
  for (int f = end - 1; f < frames; ++f) EXPECT_EQ(delta(f), 0.0);
  for (int f = begin + 1; f < end - 1; ++f) {
    const double acc = (delta(f + 1) - 2.0 * delta(f) + delta(f - 1)) / (dt * dt);
    EXPECT_NEAR(delta(f) - height(f) / kGravity * acc, shift(f), 1e-12) << f;
  }
  EXPECT_LT(delta.minCoeff(), -0.02);
  EXPECT_GT(delta.minCoeff(), -0.06);
  EXPECT_LE(delta.maxCoeff(), 0.0);  // the shift is backward only
  // 0.6 s before the excursion's middle the centre of mass has moved under a fifth of its largest
  // shift (exp(−ω · 0.6 s) ≈ 0.1 with z ≈ 0.7 m there).
  EXPECT_GT(delta(50), 0.2 * delta.minCoeff());
  EXPECT_LT(delta(50), 0.0);
}

}  // namespace
}  // namespace dembones
