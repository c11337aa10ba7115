#pragma once
// Scalar functions of one coordinate with exact first and second derivatives, for joints whose
// motion is prescribed by another coordinate (OpenSim CustomJoint / CoordinateCoupler: knee
// translations as functions of flexion, lumbar rhythms). Evaluation never allocates.
#include <vector>

namespace dembones {

// value, first and second derivative of f at x.
struct FunctionValue {
  double f = 0.0;
  double d1 = 0.0;
  double d2 = 0.0;
};

// f(x) = slope x + intercept.
struct LinearFunction {
  double slope = 1.0;
  double intercept = 0.0;
  FunctionValue evaluate(double x) const { return {slope * x + intercept, slope, 0.0}; }
  double value(double x) const { return slope * x + intercept; }
  double d1(double) const { return slope; }
  double d2(double) const { return 0.0; }
};

// Natural cubic spline through (x_i, y_i), x strictly increasing, at least 2 knots (2 knots give a
// straight line). Natural end conditions f''(x_0) = f''(x_n) = 0 (de Boor, A Practical Guide to
// Splines, 1978, ch. IV); outside [x_0, x_n] it continues as the tangent line at the end knot, which
// keeps f, f' and f'' continuous there. Throws InputError on bad knots.
class CubicSpline {
 public:
  CubicSpline() = default;
  CubicSpline(std::vector<double> x, std::vector<double> y);

  FunctionValue evaluate(double x) const;  // NaN x: NaN value and derivatives
  double value(double x) const { return evaluate(x).f; }
  double d1(double x) const { return evaluate(x).d1; }
  double d2(double x) const { return evaluate(x).d2; }
  const std::vector<double>& knots_x() const { return x_; }
  const std::vector<double>& knots_y() const { return y_; }

 private:
  std::vector<double> x_, y_;
  std::vector<double> m_;  // second derivatives at the knots
  double inv_mean_step_ = 0.0;  // (n - 1) / (x_n - x_0): first guess of a point's interval
};

// One of: constant, linear, natural cubic spline. A tagged struct (no virtual dispatch) so that
// joint evaluation in the hot loop is a switch.
struct CoordinateFunction {
  enum class Kind { kConstant, kLinear, kSpline };
  Kind kind = Kind::kConstant;
  double constant = 0.0;
  LinearFunction linear;
  CubicSpline spline;

  static CoordinateFunction Constant(double c) {
    CoordinateFunction r;
    r.kind = Kind::kConstant;
    r.constant = c;
    return r;
  }
  static CoordinateFunction Linear(double slope, double intercept = 0.0) {
    CoordinateFunction r;
    r.kind = Kind::kLinear;
    r.linear = LinearFunction{slope, intercept};
    return r;
  }
  static CoordinateFunction Spline(std::vector<double> x, std::vector<double> y) {
    CoordinateFunction r;
    r.kind = Kind::kSpline;
    r.spline = CubicSpline(std::move(x), std::move(y));
    return r;
  }
  FunctionValue evaluate(double x) const {
    switch (kind) {
      case Kind::kConstant: return {constant, 0.0, 0.0};
      case Kind::kLinear: return linear.evaluate(x);
      case Kind::kSpline: return spline.evaluate(x);
    }
    return {};
  }
};

}  // namespace dembones
