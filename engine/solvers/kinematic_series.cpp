#include "solvers/kinematic_series.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "multibody/spline.hpp"
#include "solvers/butterworth.hpp"

namespace dembones {

namespace {

void check_times(const VecX& time) {
  if (time.size() < 4)
    throw InputError(fmt::format("a motion needs at least 4 samples, got {}", time.size()));
  for (Eigen::Index i = 1; i < time.size(); ++i)
    if (!(time(i) > time(i - 1)))
      throw InputError(fmt::format("motion times must increase strictly: sample {} at {} s follows {} s", i,
                                   time(i), time(i - 1)));
}

std::vector<double> column(const VecX& t) { return std::vector<double>(t.data(), t.data() + t.size()); }

}  // namespace

KinematicSeries prepare_kinematics(const VecX& time, const MatX& q, const KinematicSettings& settings) {
  check_times(time);
  if (q.rows() != time.size())
    throw InputError(fmt::format("motion has {} times but {} rows of coordinates", time.size(), q.rows()));
  if (!(settings.rate_hz > 0)) throw InputError("solver rate must be positive");
  const double t0 = time(0), t1 = time(time.size() - 1);
  const int frames = static_cast<int>(std::floor((t1 - t0) * settings.rate_hz + 1e-9)) + 1;
  if (frames < 4) throw InputError(fmt::format("the motion lasts {} s: too short for {} Hz", t1 - t0, settings.rate_hz));
  const double dt = 1.0 / settings.rate_hz;
  const Eigen::Index n = q.cols();

  KinematicSeries out;
  out.time = VecX::LinSpaced(frames, t0, t0 + (frames - 1) * dt);
  out.q.resize(frames, n);
  out.qd.resize(frames, n);
  out.qdd.resize(frames, n);

  // 1. Resample each coordinate onto the uniform grid (cubic spline through the given samples).
  const std::vector<double> tx = column(time);
  for (Eigen::Index j = 0; j < n; ++j) {
    const CubicSpline s(tx, column(q.col(j)));
    for (int i = 0; i < frames; ++i) out.q(i, j) = s.value(out.time(i));
  }
  // 2. Zero-lag low-pass.
  if (settings.filter_cutoff_hz > 0) filtfilt(butterworth_lowpass_2pass(settings.filter_cutoff_hz, settings.rate_hz), out.q);
  // 3. Differentiate the spline through the smoothed samples analytically.
  const std::vector<double> tu = column(out.time);
  for (Eigen::Index j = 0; j < n; ++j) {
    const CubicSpline s(tu, column(out.q.col(j)));
    for (int i = 0; i < frames; ++i) {
      const FunctionValue v = s.evaluate(out.time(i));
      out.qd(i, j) = v.d1;
      out.qdd(i, j) = v.d2;
    }
  }
  for (Eigen::Index j = 0; j < n; ++j)
    for (int i = 0; i < frames; ++i)
      if (!std::isfinite(out.q(i, j)) || !std::isfinite(out.qd(i, j)) || !std::isfinite(out.qdd(i, j)))
        throw InputError(fmt::format("motion column {} is not finite at frame {} (t = {} s)", j, i, out.time(i)));
  return out;
}

}  // namespace dembones
