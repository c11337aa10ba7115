#include "solvers/kinematic_series.hpp"

#include <Eigen/Cholesky>
#include <fmt/format.h>

#include <algorithm>
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

// Frames the cubic of an end is fitted to: one period of the cut-off (the filter's memory), at least
// 10 frames and 10 samples of the file (a cubic through fewer noisy samples amplifies their noise).
// Shorter windows follow the end better but carry more noise into it, longer ones the reverse: on a
// sine at a quarter of the cut-off, cut mid-movement, the end's q̈ errs by 18-20 % for a window of one
// period (by 6 % for half a period, 41 % for 1.5), and 0.1 deg of noise errs at the ends by 1.5-2.4
// times the interior's (7.5 for half a period, 1 for 1.5); the natural spline's zero: 63 % and 1.
// A window capped at 0.25 s amplified the ends' noise 6-12 times at 2-3 Hz (audit).
int end_window(int frames, const KinematicSettings& settings, double file_step_s) {
  double w = 10.0;
  if (settings.filter_cutoff_hz > 0) w = std::ceil(settings.rate_hz / settings.filter_cutoff_hz);
  w = std::max(w, std::ceil(10.0 * file_step_s * settings.rate_hz));
  return std::clamp(static_cast<int>(w), 10, frames);
}

// Below this many frames, or samples in the file, an end's cubic would be fitted to the samples of the
// other end too: a short file is taken as at rest at its ends (a 5-row noisy hold gave 131 rad/s²).
constexpr int kMinFramesToExtrapolate = 20;

// x(k) for k = 1..pad beyond the end sample x(0) of `inward` (x(0), x(1), ... going into the data):
// the cubic through x(0) that fits x(j), j < window, in the least-squares sense, continued to −k for
// k ≤ window, then along its tangent there (a cubic grows without bound). A cubic follows the end's
// jerk, which a quadratic leaves out (twice the cubic's error on the same window).
void extrapolate_end(const Eigen::Ref<const VecX>& inward, int window, int pad, Eigen::Ref<VecX> outward) {
  Eigen::Matrix3d A = Eigen::Matrix3d::Zero();
  Eigen::Vector3d r = Eigen::Vector3d::Zero();
  for (int j = 1; j < window; ++j) {
    const Eigen::Vector3d phi(j, double(j) * j, double(j) * j * j);
    A += phi * phi.transpose();
    r += phi * (inward(j) - inward(0));
  }
  const Eigen::Vector3d c = A.ldlt().solve(r);
  const auto value = [&](double s) { return inward(0) + s * (c(0) + s * (c(1) + s * c(2))); };
  const double s_end = -static_cast<double>(window);
  const double slope_end = c(0) + s_end * (2.0 * c(1) + 3.0 * s_end * c(2));
  for (int k = 1; k <= pad; ++k) {
    const double s = -static_cast<double>(k);
    outward(k - 1) = k <= window ? value(s) : value(s_end) + slope_end * (s - s_end);
  }
}

// Steps 2 and 3 with each end continued by its fitted cubic (MotionEnds::extrapolated): the
// padding is filtered and splined with the data, then cut off.
void smooth_and_differentiate_extrapolated(const KinematicSettings& settings, double file_step_s, KinematicSeries& out) {
  const int frames = out.frames();
  const int window = end_window(frames, settings, file_step_s);
  const int pad = 2 * window + 10;  // the filter's start-up and the spline's end effect (×0.27 a knot) fall here
  const double dt = 1.0 / settings.rate_hz;
  const Eigen::Index n = out.q.cols();
  MatX ext(frames + 2 * pad, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    ext.col(j).segment(pad, frames) = out.q.col(j);
    const VecX head = out.q.col(j).head(window);
    const VecX tail = out.q.col(j).tail(window).reverse();
    VecX before(pad), after(pad);
    extrapolate_end(head, window, pad, before);
    extrapolate_end(tail, window, pad, after);
    ext.col(j).head(pad) = before.reverse();
    ext.col(j).tail(pad) = after;
  }
  if (settings.filter_cutoff_hz > 0) filtfilt(butterworth_lowpass_2pass(settings.filter_cutoff_hz, settings.rate_hz), ext);
  std::vector<double> te(static_cast<std::size_t>(frames + 2 * pad));
  for (std::size_t i = 0; i < te.size(); ++i) te[i] = out.time(0) + (static_cast<double>(i) - pad) * dt;
  for (Eigen::Index j = 0; j < n; ++j) {
    const CubicSpline s(te, column(ext.col(j)));
    for (int i = 0; i < frames; ++i) {
      const FunctionValue v = s.evaluate(out.time(i));
      out.q(i, j) = ext(pad + i, j);
      out.qd(i, j) = v.d1;
      out.qdd(i, j) = v.d2;
    }
  }
}

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
  // A window of 10 file samples must fit twice in the frames (one per end).
  const double file_step_s = (t1 - t0) / static_cast<double>(time.size() - 1);
  if (settings.ends == MotionEnds::extrapolated && frames >= kMinFramesToExtrapolate &&
      time.size() >= kMinFramesToExtrapolate && 2 * end_window(frames, settings, file_step_s) <= frames) {
    smooth_and_differentiate_extrapolated(settings, file_step_s, out);
  } else {
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
  }
  for (Eigen::Index j = 0; j < n; ++j)
    for (int i = 0; i < frames; ++i)
      if (!std::isfinite(out.q(i, j)) || !std::isfinite(out.qd(i, j)) || !std::isfinite(out.qdd(i, j)))
        throw InputError(fmt::format("motion column {} is not finite at frame {} (t = {} s)", j, i, out.time(i)));
  return out;
}

}  // namespace dembones
