// lipm_com_shift (scenario/pendulum_balance.hpp): the centre-of-mass shift that moves a linear inverted
// pendulum's centre of pressure by a given amount, with the movement starting and ending at rest;
// checked against the continuous solution away from the ends and against the pendulum's centre of
// pressure formed from the shifted trajectory.
#include <gtest/gtest.h>

#include <cmath>

#include "scenario/pendulum_balance.hpp"

namespace dembones {
namespace {

constexpr double kGravity = 9.81;

// δ is 0 on the two first and two last frames of the movement and outside it: the shifted motion
// starts and ends at rest.
void expect_still_ends(const VecX& delta, int begin, int end) {
  for (int f = 0; f < begin + 2; ++f) EXPECT_EQ(delta(f), 0.0) << f;
  for (int f = end - 2; f < delta.size(); ++f) EXPECT_EQ(delta(f), 0.0) << f;
}

// The solution is the weighted least-squares one: against a dense solve of the same rows (the pendulum's
// equation on the inner frames, rows whose shift is not 0 weighted 100, the unknowns all but the two
// first and two last frames), by Householder QR, for a movement with an excursion and a varying height.
TEST(PendulumBalance, IsTheWeightedLeastSquaresSolution) {
  const double dt = 0.01;
  const int frames = 90, begin = 5, end = 85;
  VecX shift = VecX::Zero(frames), height(frames);
  for (int f = 0; f < frames; ++f) height(f) = 0.9 - 0.2 * std::sin(0.05 * f);
  for (int f = 40; f < 52; ++f) shift(f) = 0.04 * std::sin(0.3 * (f - 40));
  const VecX delta = lipm_com_shift(shift, height, kGravity, dt, begin, end);
  expect_still_ends(delta, begin, end);
  const int rows = end - begin - 2, unknowns = end - begin - 4, first = begin + 2;
  MatX a = MatX::Zero(rows, unknowns);
  VecX rhs(rows);
  for (int r = 0; r < rows; ++r) {
    const int f = begin + 1 + r;
    const double s = height(f) / kGravity / (dt * dt), w = shift(f) != 0.0 ? 100.0 : 1.0;
    if (f - 1 >= first) a(r, f - 1 - first) = -w * s;
    if (f < first + unknowns && f >= first) a(r, f - first) = w * (1.0 + 2.0 * s);
    if (f + 1 < first + unknowns) a(r, f + 1 - first) = -w * s;
    rhs(r) = w * shift(f);
  }
  const VecX dense = a.householderQr().solve(rhs);
  for (int j = 0; j < unknowns; ++j) EXPECT_NEAR(delta(first + j), dense(j), 1e-9) << j;
  // The frames whose centre of pressure must move get it to a millimetre.
  for (int f = 41; f < 52; ++f) {
    const double acc = (delta(f + 1) - 2.0 * delta(f) + delta(f - 1)) / (dt * dt);
    EXPECT_NEAR(delta(f) - height(f) / kGravity * acc, shift(f), 1e-3) << f;
  }
}

// A brief excursion (0.1 s of 0.15 m ahead of the toes) inside a still-ended movement, with a height
// that changes as in a squat: the pendulum centre of pressure of the shifted trajectory moves by the
// shift at the excursion's frames (to a millimetre: their rows weigh 100 times the others) and by
// little elsewhere, the shift outside the movement is 0, and the centre of mass moves by a few
// centimetres only, over a window of about ±0.3 s (1/ω).
TEST(PendulumBalance, BriefExcursionAsksASmallSmoothShift) {
  const double dt = 0.01;
  const int frames = 241, begin = 20, end = 221;
  VecX shift = VecX::Zero(frames), height(frames);
  for (int f = 0; f < frames; ++f) height(f) = 0.95 - 0.3 * std::sin(3.14159265358979 * std::clamp((f - begin) / 200.0, 0.0, 1.0));
  for (int f = 105; f < 115; ++f) shift(f) = -0.15;
  const VecX delta = lipm_com_shift(shift, height, kGravity, dt, begin, end);
  expect_still_ends(delta, begin, end);
  for (int f = begin + 1; f < end - 1; ++f) {
    const double acc = (delta(f + 1) - 2.0 * delta(f) + delta(f - 1)) / (dt * dt);
    const double moved = delta(f) - height(f) / kGravity * acc;
    EXPECT_NEAR(moved, shift(f), shift(f) != 0.0 ? 1e-3 : 5e-3) << f;
  }
  EXPECT_LT(delta.minCoeff(), -0.02);
  EXPECT_GT(delta.minCoeff(), -0.06);
  EXPECT_LE(delta.maxCoeff(), 1e-3);  // the shift is backward (to a millimetre)
  // 0.6 s before the excursion's middle the centre of mass has moved under a fifth of its largest
  // shift (exp(−ω · 0.6 s) ≈ 0.1 with z ≈ 0.7 m there).
  EXPECT_GT(delta(50), 0.2 * delta.minCoeff());
  EXPECT_LT(delta(50), 0.0);
}

// An excursion at the very end of the movement (a fast lift braking its rise): the pendulum cannot move
// the centre of pressure in the last frames without moving there, and the shift still reaches the end
// at rest, where an end held in position only left the motion moving into the pause.
TEST(PendulumBalance, ExcursionAtTheEndStillEndsAtRest) {
  const double dt = 0.01, z = 0.95;
  const int frames = 161, begin = 20, end = 141;
  VecX shift = VecX::Zero(frames);
  const VecX height = VecX::Constant(frames, z);
  for (int f = 120; f < end; ++f) shift(f) = 0.06;  // behind the heels: move the centre of pressure forward
  const VecX delta = lipm_com_shift(shift, height, kGravity, dt, begin, end);
  expect_still_ends(delta, begin, end);
  // It moves the centre of mass: back first, then braking it forward to rest puts the centre of pressure
  // forward at the end (δ'' < 0 with δ rising to 0).
  EXPECT_LT(delta.minCoeff(), -0.005);
  // The frames whose centre of pressure must move get most of it, except the last few.
  for (int f = 120; f < end - 6; ++f) {
    const double acc = (delta(f + 1) - 2.0 * delta(f) + delta(f - 1)) / (dt * dt);
    EXPECT_GT(delta(f) - z / kGravity * acc, 0.5 * shift(f)) << f;
  }
}

}  // namespace
}  // namespace dembones
