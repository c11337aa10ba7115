#include "scenario/model_spec.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace dembones {

using namespace mspec;  // NOLINT: the model-file parts

const char* to_string(Sex s) { return s == Sex::male ? "male" : "female"; }

std::string body_mass_index_problem(const SubjectSpec& s) {
  // Each bound alone allows impossible people (2.3 m and 25 kg). 90 % of healthy adults lie within
  // about 18-30 kg/m^2 (Flegal 2006, Int J Obes 30:374-379, NHANES III); 10 and 100 kg/m^2 are bounds
  // far outside that, catching typos, not a claim that the scaling holds up to them (docs/models.md).
  const double bmi = s.mass_kg / (s.height_m * s.height_m);
  if (bmi >= 10 && bmi <= 100) return "";
  return fmt::format("{} kg at {} m is a body mass index of {:.1f} kg/m^2: expected 10 to 100 (a typo in mass_kg or "
                     "height_m?)",
                     s.mass_kg, s.height_m, bmi);
}

const char* mspec::to_string(JointType t) {
  switch (t) {
    case JointType::fixed: return "fixed";
    case JointType::revolute: return "revolute";
    case JointType::prismatic: return "prismatic";
    case JointType::custom: return "custom";
    case JointType::spherical: return "spherical";
    case JointType::free: return "free";
  }
  return "?";
}

namespace {

// Natural cubic spline through (x, y): second derivatives M with M_0 = M_n = 0, from the tridiagonal
// system of Burden & Faires, Numerical Analysis, Alg. 3.4. Set-up code, not the hot loop.
double natural_spline(const std::vector<double>& x, const std::vector<double>& y, double q) {
  const std::size_t n = x.size();
  if (n == 1) return y[0];
  if (n == 2) return y[0] + (q - x[0]) * (y[1] - y[0]) / (x[1] - x[0]);
  // Beyond the knots: linear extrapolation with the end slope (below).
  std::vector<double> h(n - 1), alpha(n, 0.0), l(n, 1.0), mu(n, 0.0), z(n, 0.0), c(n, 0.0);
  for (std::size_t i = 0; i + 1 < n; ++i) h[i] = x[i + 1] - x[i];
  for (std::size_t i = 1; i + 1 < n; ++i)
    alpha[i] = 3.0 / h[i] * (y[i + 1] - y[i]) - 3.0 / h[i - 1] * (y[i] - y[i - 1]);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    l[i] = 2.0 * (x[i + 1] - x[i - 1]) - h[i - 1] * mu[i - 1];
    mu[i] = h[i] / l[i];
    z[i] = (alpha[i] - h[i - 1] * z[i - 1]) / l[i];
  }
  for (std::size_t j = n - 1; j-- > 0;) c[j] = z[j] - mu[j] * c[j + 1];
  auto coeffs = [&](std::size_t j, double& b, double& d) {
    b = (y[j + 1] - y[j]) / h[j] - h[j] * (c[j + 1] + 2.0 * c[j]) / 3.0;
    d = (c[j + 1] - c[j]) / (3.0 * h[j]);
  };
  double b = 0, d = 0;
  if (q <= x.front()) {
    coeffs(0, b, d);
    return y[0] + b * (q - x[0]);
  }
  if (q >= x.back()) {
    // Slope at the last knot of the last piece.
    const std::size_t j = n - 2;
    coeffs(j, b, d);
    const double s = b + 2.0 * c[j] * h[j] + 3.0 * d * h[j] * h[j];
    return y[n - 1] + s * (q - x[n - 1]);
  }
  const std::size_t j =
      static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), q) - x.begin()) - 1;
  coeffs(j, b, d);
  const double t = q - x[j];
  return y[j] + t * (b + t * (c[j] + t * d));
}

}  // namespace

double mspec::FunctionSpec::eval(double q) const {
  switch (kind) {
    case Kind::constant: return constant;
    case Kind::linear: return slope * q + intercept;
    case Kind::spline: return natural_spline(x, y, q);
  }
  return 0;
}

namespace {
template <class T>
const T* find_named(const std::vector<T>& v, const std::string& name) {
  for (const auto& e : v)
    if (e.name == name) return &e;
  return nullptr;
}
}  // namespace

const BodySpec* ModelSpec::find_body(const std::string& n) const { return find_named(bodies, n); }
const JointSpec* ModelSpec::find_joint(const std::string& n) const { return find_named(joints, n); }
const MuscleSpec* ModelSpec::find_muscle(const std::string& n) const {
  return find_named(muscles, n);
}
const SegmentSpec* ModelSpec::find_segment(const std::string& n) const {
  return find_named(segments, n);
}

const JointSpec* ModelSpec::find_coordinate_joint(const std::string& coordinate) const {
  for (const auto& j : joints)
    for (const auto& c : j.coordinates)
      if (c.name == coordinate) return &j;
  return nullptr;
}

double ModelSpec::total_mass_kg() const {
  double m = 0;
  for (const auto& b : bodies) m += b.mass_kg * b.sides;
  return m;
}

}  // namespace dembones
