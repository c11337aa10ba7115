#include "solvers/kinematic_series.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "common/error.hpp"

namespace dembones {
namespace {

constexpr double kPi = std::numbers::pi;

// q = A sin(2π f t): the filtered, differentiated series matches the analytic derivatives in the
// interior. Tolerances: the 6 Hz filter passes 1 Hz with gain > 0.999 and the spline's derivative
// error is O(h²); the ends are excluded (spline end conditions, filter start-up).
TEST(KinematicSeries, SinusoidVelocityAndAccelerationMatchAnalytic) {
  const double A = 0.6, f = 1.0;
  const int n = 301;  // 3 s measured at 100 Hz
  VecX t = VecX::LinSpaced(n, 0.0, 3.0);
  MatX q(n, 1);
  for (int i = 0; i < n; ++i) q(i, 0) = A * std::sin(2 * kPi * f * t(i));
  const KinematicSeries k = prepare_kinematics(t, q, {100.0, 6.0});
  ASSERT_EQ(k.frames(), n);
  const double w = 2 * kPi * f;
  double err_q = 0, err_qd = 0, err_qdd = 0;
  for (int i = 20; i < n - 20; ++i) {
    err_q = std::max(err_q, std::abs(k.q(i, 0) - A * std::sin(w * k.time(i))));
    err_qd = std::max(err_qd, std::abs(k.qd(i, 0) - A * w * std::cos(w * k.time(i))));
    err_qdd = std::max(err_qdd, std::abs(k.qdd(i, 0) + A * w * w * std::sin(w * k.time(i))));
  }
  EXPECT_LT(err_q, 1e-3 * A);
  EXPECT_LT(err_qd, 5e-3 * A * w);
  EXPECT_LT(err_qdd, 2e-2 * A * w * w);
}

TEST(KinematicSeries, ResamplesToTheSolverRate) {
  const int n = 61;  // 2 s at 30 Hz
  VecX t = VecX::LinSpaced(n, 0.0, 2.0);
  MatX q(n, 2);
  for (int i = 0; i < n; ++i) {
    q(i, 0) = 0.3 * t(i) * t(i);  // qdd = 0.6
    q(i, 1) = -0.2;
  }
  const KinematicSeries k = prepare_kinematics(t, q, {100.0, 0.0});
  EXPECT_EQ(k.frames(), 201);
  EXPECT_NEAR(k.time(1) - k.time(0), 0.01, 1e-12);
  for (int i = 10; i < 190; ++i) {
    // Natural end conditions make the spline through a parabola inexact near the ends: ~1e-6.
    EXPECT_NEAR(k.q(i, 0), 0.3 * k.time(i) * k.time(i), 2e-6);
    EXPECT_NEAR(k.qd(i, 0), 0.6 * k.time(i), 1e-3);
    EXPECT_NEAR(k.qdd(i, 1), 0.0, 1e-9);
  }
}

// A measured trial cut mid-movement: the ends move and accelerate. The natural spline forced q̈ = 0 at
// the first and last frame (a trial cut at t = 0.8 s of a squat reported a zero knee q̈ there and lost
// the L5/S1 peak, review); extrapolated ends keep the acceleration.
TEST(KinematicSeries, ExtrapolatedEndsKeepTheAccelerationOfAMovingTrial) {
  const double A = 0.6, f = 0.5, w = 2 * kPi * f;
  const int n = 141;  // t = 0.3 .. 1.7 s at 100 Hz: q̈ far from zero at both ends
  VecX t = VecX::LinSpaced(n, 0.3, 1.7);
  MatX q(n, 1);
  for (int i = 0; i < n; ++i) q(i, 0) = A * std::sin(w * t(i));
  const KinematicSeries k = prepare_kinematics(t, q, {100.0, 6.0, MotionEnds::extrapolated});
  for (int i : {0, 1, 5, n - 6, n - 2, n - 1}) {
    const double qdd = -A * w * w * std::sin(w * k.time(i)), qd = A * w * std::cos(w * k.time(i));
    EXPECT_NEAR(k.qdd(i, 0), qdd, 0.08 * A * w * w) << "frame " << i;  // 5 % at the end frames; was 81 %
    EXPECT_NEAR(k.qd(i, 0), qd, 0.01 * A * w) << "frame " << i;
    EXPECT_NEAR(k.q(i, 0), A * std::sin(w * k.time(i)), 1e-3 * A) << "frame " << i;
  }
  // Lower cut-offs (the window is one period of the cut-off): against the same sine filtered whole.
  {
    const int m = 801;
    VecX tl = VecX::LinSpaced(m, -3.0, 5.0);
    MatX ql(m, 1);
    for (int i = 0; i < m; ++i) ql(i, 0) = A * std::sin(w * tl(i));
    for (double fc : {3.0, 2.0}) {
      const KinematicSeries whole = prepare_kinematics(tl, ql, {100.0, fc, MotionEnds::extrapolated});
      const KinematicSeries cut = prepare_kinematics(t, q, {100.0, fc, MotionEnds::extrapolated});
      for (int i : {0, n - 1}) {
        const int j = i + 330;  // t = 0.3 s is frame 330 of the whole
        ASSERT_NEAR(whole.time(j), cut.time(i), 1e-9);
        EXPECT_NEAR(cut.qdd(i, 0), whole.qdd(j, 0), 0.25 * A * w * w) << fc << " Hz, frame " << i;  // 20 % at 2 Hz
      }
    }
  }
  // Without a filter a parabola (a cubic too) is continued exactly: q̈ is its own at every frame.
  MatX p(n, 1);
  for (int i = 0; i < n; ++i) p(i, 0) = 0.3 * t(i) * t(i) - 0.1 * t(i);
  const KinematicSeries kp = prepare_kinematics(t, p, {100.0, 0.0, MotionEnds::extrapolated});
  for (int i = 0; i < n; ++i) EXPECT_NEAR(kp.qdd(i, 0), 0.6, 1e-6) << "frame " << i;
}

// Noise at the ends: 0.1 deg of noise errs in the ends' q̈ by about as much as in the interior, at
// 6 Hz and at 2 Hz (a window capped at 0.25 s amplified it 6-12 times at 2-3 Hz, audit).
TEST(KinematicSeries, ExtrapolatedEndsDoNotAmplifyNoise) {
  const int n = 401;
  VecX t = VecX::LinSpaced(n, 0.0, 4.0);
  for (double fc : {6.0, 2.0}) {
    std::vector<double> ratios;
    unsigned state = 12345;
    for (int seed = 0; seed < 7; ++seed) {
      MatX clean(n, 1), noisy(n, 1);
      for (int i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u;  // LCG: uniform noise of 0.1 deg standard deviation
        const double u = (static_cast<double>(state >> 8) / 16777216.0 - 0.5) * std::sqrt(12.0);
        clean(i, 0) = 0.6 * std::sin(kPi * 0.5 * t(i) + 0.7);
        noisy(i, 0) = clean(i, 0) + u * 0.1 * kPi / 180.0;
      }
      const KinematicSeries a = prepare_kinematics(t, clean, {100.0, fc, MotionEnds::extrapolated});
      const KinematicSeries b = prepare_kinematics(t, noisy, {100.0, fc, MotionEnds::extrapolated});
      const VecX d = (b.qdd - a.qdd).col(0).cwiseAbs();
      const double ends = std::max(d.head(20).maxCoeff(), d.tail(20).maxCoeff());
      ratios.push_back(ends / d.segment(20, n - 40).maxCoeff());
    }
    std::sort(ratios.begin(), ratios.end());
    EXPECT_LT(ratios[3], 3.0) << fc << " Hz: median ratio of the ends' noise to the interior's";
  }
}

// A short noisy file is taken as at rest at its ends: a cubic fitted to 5 rows and continued swung a
// held hip's q̈ to 131 rad/s² (review).
TEST(KinematicSeries, AShortNoisyFileIsNotExtrapolated) {
  const int n = 8;
  VecX t = VecX::LinSpaced(n, 0.0, 0.07);
  MatX q(n, 1);
  for (int i = 0; i < n; ++i) q(i, 0) = 0.5 + ((i * 7919) % 13 - 6) * (0.1 * kPi / 180.0 / 6.0);  // ±0.1 deg
  const KinematicSeries e = prepare_kinematics(t, q, {100.0, 6.0, MotionEnds::extrapolated});
  const KinematicSeries z = prepare_kinematics(t, q, {100.0, 6.0, MotionEnds::zero_acceleration});
  for (int i = 0; i < n; ++i) EXPECT_EQ(e.qdd(i, 0), z.qdd(i, 0)) << "frame " << i;
}

// A generated motion starts and ends at rest: held ends give q̇ = q̈ = 0 there either way.
TEST(KinematicSeries, HeldEndsStayAtRestWithEitherEndCondition) {
  const int n = 201;
  VecX t = VecX::LinSpaced(n, 0.0, 2.0);
  MatX q(n, 1);
  for (int i = 0; i < n; ++i) {
    const double tau = std::clamp((t(i) - 0.2) / 1.6, 0.0, 1.0);  // 0.2 s still at each end
    q(i, 0) = 0.8 * tau * tau * tau * (10 - 15 * tau + 6 * tau * tau);
  }
  for (MotionEnds ends : {MotionEnds::extrapolated, MotionEnds::zero_acceleration}) {
    const KinematicSeries k = prepare_kinematics(t, q, {100.0, 6.0, ends});
    for (int i : {0, n - 1}) {
      EXPECT_NEAR(k.qd(i, 0), 0.0, 1e-3) << "frame " << i;
      EXPECT_NEAR(k.qdd(i, 0), 0.0, 2e-2) << "frame " << i;
    }
  }
  // The natural spline's end condition itself: exactly zero.
  const KinematicSeries z = prepare_kinematics(t, q, {100.0, 6.0, MotionEnds::zero_acceleration});
  EXPECT_EQ(z.qdd(0, 0), 0.0);
}

TEST(KinematicSeries, RejectsNonIncreasingTimes) {
  VecX t(5);
  t << 0, 0.1, 0.1, 0.2, 0.3;
  EXPECT_THROW(prepare_kinematics(t, MatX::Zero(5, 1), {}), InputError);
}

}  // namespace
}  // namespace dembones
