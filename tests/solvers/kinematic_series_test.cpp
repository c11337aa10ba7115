#include "solvers/kinematic_series.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

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

TEST(KinematicSeries, RejectsNonIncreasingTimes) {
  VecX t(5);
  t << 0, 0.1, 0.1, 0.2, 0.3;
  EXPECT_THROW(prepare_kinematics(t, MatX::Zero(5, 1), {}), InputError);
}

}  // namespace
}  // namespace dembones
