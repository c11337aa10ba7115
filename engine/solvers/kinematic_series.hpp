#pragma once
// Coordinate time series prepared for inverse dynamics: resampled to the solver rate, smoothed with
// the zero-lag Butterworth filter, and differentiated analytically through a natural cubic spline,
// so q, q̇ and q̈ are consistent with each other (the usual OpenSim/Visual3D processing of kinematics,
// Winter 2009 §3.4).
#include <string>
#include <vector>

#include "spatial/types.hpp"

namespace dembones {

struct KinematicSeries {
  VecX time;  // (F) s, uniform
  MatX q;     // (F × n) rad or m
  MatX qd;    // (F × n) per s
  MatX qdd;   // (F × n) per s²
  int frames() const { return static_cast<int>(time.size()); }
};

// What the motion does beyond its first and last sample.
enum class MotionEnds {
  // Measured motion (a motion file): it may start and end while moving. Each end is continued by the
  // cubic that fits its last cut-off period of samples (at least 10 frames and 10 file samples; a file
  // under 20 samples or frames is taken as at rest at its ends) through the end sample, so the filter and
  // the spline see the end's velocity and acceleration; the natural spline's q̈ = 0 then falls on the
  // padding, not on the data. A trial cut mid-lift kept a zero knee q̈ at its first frame (review).
  extrapolated,
  // Generated motion: it starts and ends at rest or, at a moving seat-off, with zero acceleration
  // (task_generator.cpp): odd reflection and the natural spline's q̈ = 0 at both ends are exact.
  zero_acceleration,
};

struct KinematicSettings {
  double rate_hz = 100.0;         // output sampling rate
  double filter_cutoff_hz = 6.0;  // Butterworth cut-off; <= 0 disables filtering
  MotionEnds ends = MotionEnds::extrapolated;
  bool operator==(const KinematicSettings&) const = default;
};

// time (N, strictly increasing, s) and q (N × n) → uniform series from time(0) to time(N-1).
// Throws InputError when the times are not increasing or the series is too short (< 4 samples).
KinematicSeries prepare_kinematics(const VecX& time, const MatX& q, const KinematicSettings& settings);

}  // namespace dembones
