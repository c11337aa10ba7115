#pragma once
// Zero-lag low-pass Butterworth filter, the standard smoothing of kinematic data in biomechanics
// (Winter 2009, "Biomechanics and Motor Control of Human Movement", 4th ed., §3.4.4).
//
// A second-order digital filter is applied forward and then backward over each column, which cancels
// the phase lag and makes a fourth-order response. Because two passes attenuate more than one, the
// cut-off of each pass is raised by Winter's correction C = (2^(1/n_pass) - 1)^(1/4) = 0.802 for two
// passes, so that the combined response is -3 dB at the requested cut-off.
// Ends are padded by odd reflection (as scipy.signal.filtfilt does) so the first and last frames keep
// their value and slope instead of ringing toward zero.
#include <Eigen/Core>

namespace dembones {

struct ButterworthCoefficients {
  double b0, b1, b2;  // numerator
  double a1, a2;      // denominator (a0 = 1)
};

// Second-order low-pass coefficients for one pass at cut-off fc_hz and sampling rate fs_hz, with the
// two-pass correction applied (bilinear transform with pre-warping). Requires 0 < fc < fs/2.
ButterworthCoefficients butterworth_lowpass_2pass(double cutoff_hz, double sample_rate_hz);

// Filters every column of x (frames × channels) in place, forward then backward.
// work must hold at least rows(x) + 2·pad doubles; pad = padding_length(rows(x)).
void filtfilt(const ButterworthCoefficients& c, Eigen::Ref<Eigen::MatrixXd> x);

// Frames of odd-reflection padding used at each end for a series of n frames.
int filtfilt_padding(int n_frames);

}  // namespace dembones
