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

struct KinematicSettings {
  double rate_hz = 100.0;         // output sampling rate
  double filter_cutoff_hz = 6.0;  // Butterworth cut-off; <= 0 disables filtering
};

// time (N, strictly increasing, s) and q (N × n) → uniform series from time(0) to time(N-1).
// Throws InputError when the times are not increasing or the series is too short (< 4 samples).
KinematicSeries prepare_kinematics(const VecX& time, const MatX& q, const KinematicSettings& settings);

}  // namespace dembones
