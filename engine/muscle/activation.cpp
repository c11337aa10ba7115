#include "muscle/activation.hpp"

#include <cmath>

#include <fmt/format.h>

#include "common/error.hpp"

namespace dembones {
namespace {

// The bracket of De Groote 2016 eq. 2: da/dt = rate_constant * (e - a).
double rate_constant(const ActivationParams& p, double a, double e) {
  const double f = 0.5 * std::tanh(p.tanh_smoothing * (e - a));
  const double z = 0.5 + 1.5 * a;
  return (f + 0.5) / (p.activation_time_constant_s * z) + (0.5 - f) * z / p.deactivation_time_constant_s;
}

void require_positive(const char* name, double value) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw InputError(Location{"", 0, 0, name}, fmt::format("expected a finite value > 0, got {}", value));
  }
}

}  // namespace

void validate(const ActivationParams& p) {
  require_positive("activation_time_constant_s", p.activation_time_constant_s);
  require_positive("deactivation_time_constant_s", p.deactivation_time_constant_s);
  require_positive("tanh_smoothing", p.tanh_smoothing);
}

double activation_rate(const ActivationParams& p, double activation, double excitation) {
  return rate_constant(p, activation, excitation) * (excitation - activation);
}

double activation_rate_thelen(const ActivationParams& p, double activation, double excitation) {
  const double z = 0.5 + 1.5 * activation;
  const double d = excitation - activation;
  return d > 0.0 ? d / (p.activation_time_constant_s * z) : d * z / p.deactivation_time_constant_s;
}

double step_activation(const ActivationParams& p, double activation, double excitation, double dt_s) {
  // a+ = a + dt k (e - a+)  =>  a+ = (a + dt k e) / (1 + dt k), a convex combination of a and e.
  const double k = rate_constant(p, activation, excitation);
  return (activation + dt_s * k * excitation) / (1.0 + dt_s * k);
}

}  // namespace dembones
