#pragma once
// First-order activation dynamics: excitation e in [0, 1] drives activation a in [0, 1].
//
// De Groote et al. (2016, Ann Biomed Eng 44:2922, eq. 1-2; OpenSim DeGrooteFregly2016Muscle) smooth
// the switch between activation and deactivation with a tanh:
//   f = 0.5 tanh(b (e - a)),  z = 0.5 + 1.5 a,
//   da/dt = [ (f + 0.5) / (tau_a z) + (0.5 - f) z / tau_d ] (e - a).
// Thelen (2003, J Biomech Eng 125:70, eq. 1-2) switches sharply:
//   da/dt = (e - a) / (tau_a z) if e > a, else (e - a) z / tau_d.
// The smooth form tends to Thelen's as b grows.

namespace dembones {

struct ActivationParams {
  double activation_time_constant_s = 0.015;    // De Groote 2016; OpenSim default
  double deactivation_time_constant_s = 0.060;  // De Groote 2016; OpenSim default
  double tanh_smoothing = 0.1;  // b; De Groote 2016 and OpenSim's activation_dynamics_smoothing default
};

// Throws InputError when a time constant is not > 0 or the smoothing is not > 0.
void validate(const ActivationParams& p);

// da/dt (1/s), De Groote 2016 smooth form.
double activation_rate(const ActivationParams& p, double activation, double excitation);

// da/dt (1/s), Thelen 2003 switching form.
double activation_rate_thelen(const ActivationParams& p, double activation, double excitation);

// One step of length dt_s of the De Groote 2016 dynamics, implicit in the rate constant (the
// bracket [...] above is frozen at the current a, the linear term (e - a) is taken at the end of the
// step): unconditionally stable and never overshoots e, so a stays in [min(a, e), max(a, e)].
double step_activation(const ActivationParams& p, double activation, double excitation, double dt_s);

}  // namespace dembones
