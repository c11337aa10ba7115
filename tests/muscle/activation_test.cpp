// Activation dynamics (De Groote 2016 smooth form, Thelen 2003 switching form).
#include "muscle/activation.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dembones {
namespace {

TEST(Activation, RestsWhenExcitationEqualsActivation) {
  const ActivationParams p;
  for (double a = 0.0; a <= 1.0; a += 0.1) {
    EXPECT_EQ(activation_rate(p, a, a), 0.0);
    EXPECT_EQ(activation_rate_thelen(p, a, a), 0.0);
  }
}

TEST(Activation, SharpSmoothingTendsToThelen) {
  ActivationParams p;
  p.tanh_smoothing = 1e4;
  for (double a = 0.0; a <= 1.0; a += 0.05) {
    for (double e = 0.0; e <= 1.0; e += 0.05) {
      if (std::abs(e - a) < 0.01) continue;  // tanh not saturated within 1e-2 of the switch
      EXPECT_NEAR(activation_rate(p, a, e), activation_rate_thelen(p, a, e),
                  1e-9 * std::abs(activation_rate_thelen(p, a, e)))
          << a << " " << e;
    }
  }
}

TEST(Activation, HandComputedRates) {
  const ActivationParams p;  // tau_a 15 ms, tau_d 60 ms, b = 0.1
  // a = 0, e = 1: z = 0.5, f = 0.5 tanh(0.1).
  const double f = 0.5 * std::tanh(0.1);
  const double expected = (f + 0.5) / (0.015 * 0.5) + (0.5 - f) * 0.5 / 0.060;
  EXPECT_NEAR(activation_rate(p, 0.0, 1.0), expected, 1e-12);
  // Thelen: activation from 0 at 1/(tau_a * 0.5); deactivation from 1 at -(0.5 + 1.5)/tau_d.
  EXPECT_NEAR(activation_rate_thelen(p, 0.0, 1.0), 1.0 / 0.0075, 1e-9);
  EXPECT_NEAR(activation_rate_thelen(p, 1.0, 0.0), -2.0 / 0.060, 1e-9);
  // Activating is faster than deactivating by the same amount.
  EXPECT_GT(activation_rate(p, 0.5, 0.7), -activation_rate(p, 0.5, 0.3));
}

TEST(Activation, StepStaysBetweenActivationAndExcitationAndConverges) {
  const ActivationParams p;
  double a = 0.0;
  for (int i = 0; i < 1000; ++i) {
    const double next = step_activation(p, a, 1.0, 0.01);
    EXPECT_GE(next, a);
    EXPECT_LE(next, 1.0);
    a = next;
  }
  EXPECT_NEAR(a, 1.0, 1e-9);
  // Large step does not overshoot.
  EXPECT_LE(step_activation(p, 0.2, 0.9, 10.0), 0.9);
  EXPECT_GE(step_activation(p, 0.9, 0.2, 10.0), 0.2);
}

TEST(Activation, SmallStepMatchesRate) {
  const ActivationParams p;
  const double dt = 1e-7;
  for (const double e : {0.0, 0.3, 1.0}) {
    const double a = 0.4;
    EXPECT_NEAR((step_activation(p, a, e, dt) - a) / dt, activation_rate(p, a, e),
                1e-4 * std::abs(activation_rate(p, a, e)));
  }
}

TEST(Activation, ValidateRejectsNonPositiveTimeConstant) {
  ActivationParams p;
  p.deactivation_time_constant_s = 0.0;
  EXPECT_THROW(validate(p), InputError);
}

}  // namespace
}  // namespace dembones
