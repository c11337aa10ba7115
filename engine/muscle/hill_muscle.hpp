#pragma once
// Hill-type muscle-tendon unit of the De Groote et al. (2016, Ann Biomed Eng 44:2922) form, as
// implemented in OpenSim's DeGrooteFregly2016Muscle: fibre force
//   F_M = F0 (a f_L(l~) f_V(v~) + f_PE(l~) + beta v~),
// tendon force F_T = F0 f_T(l_T / l_ts), equilibrium F_T = F_M cos(alpha), and a fixed-width
// (constant-thickness) pennation model l_M sin(alpha) = l_opt sin(alpha_opt)
// (OpenSim MuscleFixedWidthPennationModel).
//
// Two tendon modes:
// - rigid tendon (l_T = l_ts): fibre length follows from the path length; used by static optimization;
// - compliant tendon: the fibre length is a state; its initial value comes from the equilibrium solve.
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "muscle/curves.hpp"

namespace dembones {

struct HillParams {
  double max_isometric_force_N = 0.0;
  double optimal_fiber_length_m = 0.0;
  double tendon_slack_length_m = 0.0;
  double pennation_at_optimal_rad = 0.0;
  double max_contraction_velocity_lopt_per_s = 10.0;  // De Groote 2016; OpenSim default
  double tendon_strain_at_max_force = curves::kDefaultTendonStrainAtOneNormForce;  // 0.049
  double passive_strain_at_max_force = curves::kDefaultPassiveStrainAtOneNormForce;  // 0.6
  // Which published passive force-length curve (curves.hpp) and its exponential shape kPE (De Groote
  // and Thelen forms; the Millard curve has none).
  curves::PassiveCurveKind passive_curve = curves::PassiveCurveKind::kDeGroote2016;
  double passive_shape = curves::kPassiveShape;  // 4
  double fiber_damping = 0.0;  // beta, normalized force per normalized velocity (OpenSim default 0)
  // OpenSim MuscleFixedWidthPennationModel: cos(alpha) is kept >= 0.1 (alpha <= acos(0.1) = 84.3 deg).
  double max_pennation_rad = 1.4706289056333368;
};

// Throws InputError (field "<field_prefix>.<name>") when a parameter is out of its physical range.
void validate(const HillParams& p, const Location& where = {});

// Constants derived once from HillParams (no transcendental functions per frame).
struct HillConstants {
  double fiber_width_m = 0.0;        // h = l_opt sin(alpha_opt), constant muscle thickness
  double min_fiber_length_m = 0.0;   // fibre length at the maximum pennation (>= 1e-3 l_opt)
  double min_fiber_along_tendon_m = 0.0;  // its projection on the tendon, l_min cos(alpha_max)
  double max_fiber_velocity_m_per_s = 0.0;  // v_max l_opt
  double tendon_shape_kT = 0.0;      // k_T of curves::tendon_force_length
  curves::PassiveForceLengthCurve passive;  // f_PE with this muscle's strain at one normalized force
  // Longest fibre along the tendon the equilibrium solves search, sqrt(l_max^2 - h^2) with
  // l_max = 5 l_opt (their upper bound is the smaller of this and l_MT - l_ts / 2), m.
  double max_search_fiber_along_tendon_m = 0.0;
};

HillConstants make_hill_constants(const HillParams& p);

// Fibre state with a rigid tendon, and the forces it can produce along the tendon.
struct RigidTendonState {
  double fiber_length_m = 0.0;
  double fiber_velocity_m_per_s = 0.0;  // positive = lengthening
  double normalized_fiber_length = 0.0;  // l_M / l_opt
  double normalized_fiber_velocity = 0.0;  // v_M / (v_max l_opt)
  double cos_pennation = 1.0;
  double pennation_rad = 0.0;
  double active_force_capacity_N = 0.0;  // F0 f_L f_V cos(alpha): tendon force per unit activation
  double passive_force_N = 0.0;  // F0 (f_PE + beta v~) cos(alpha): tendon force at zero activation
  bool clamped = false;  // the path was so short that the fibre sat at the maximum pennation
};

// Rigid tendon: the fibre projected on the tendon is x = l_MT - l_ts (clamped to the value at the
// maximum pennation), l_M = sqrt(x^2 + h^2), cos(alpha) = x / l_M, and differentiating
// l_M^2 = x^2 + h^2 gives v_M = v_MT cos(alpha).
RigidTendonState compute_rigid_tendon_state(const HillParams& p, const HillConstants& c,
                                            double mt_length_m, double mt_velocity_m_per_s);

// Tendon force (along the tendon) of a rigid-tendon muscle at activation a.
inline double rigid_tendon_force(const RigidTendonState& s, double activation) {
  return activation * s.active_force_capacity_N + s.passive_force_N;
}

// ---- Compliant tendon.
enum class EquilibriumStatus {
  kConverged,  // |F_T - F_M cos(alpha)| <= tolerance, or the root bracketed to machine precision
  kTendonSlack,    // path too short: even at the shortest fibre the tendon would push; fibre at minimum
  kFiberOverstretched,  // path too long: fibre at the upper bound (5 l_opt), tendon still pulling harder
  kNotConverged,   // iteration limit (should not happen: bracketed method)
};

struct CompliantTendonState {
  double fiber_length_m = 0.0;
  double normalized_fiber_length = 0.0;
  double cos_pennation = 1.0;
  double tendon_length_m = 0.0;
  double normalized_tendon_length = 0.0;
  double tendon_force_N = 0.0;
  double fiber_force_along_tendon_N = 0.0;  // F_M cos(alpha)
  // Derivatives of the residual R = F_T - F_M cos(alpha) at this state, x = l_M cos(alpha):
  double residual_slope_N_per_m = 0.0;    // dR/dx
  double tendon_stiffness_N_per_m = 0.0;  // dR/dl_MT = dF_T/dl_T; at a root dx/dl_MT = -this / dR/dx
  int iterations = 0;
  EquilibriumStatus status = EquilibriumStatus::kConverged;
};

// Forces for a given fibre length (the compliant-tendon state) at activation a and normalized fibre
// velocity v~. No equilibrium is imposed: this is what the integrator sees.
CompliantTendonState evaluate_compliant_tendon(const HillParams& p, const HillConstants& c,
                                               double mt_length_m, double fiber_length_m,
                                               double activation, double normalized_fiber_velocity);

// Fibre length at which F_T = F_M cos(alpha), for activation a and a given normalized fibre velocity
// (0 for static equilibrium). Safeguarded Newton on x = l_M cos(alpha) inside a sign-changing bracket,
// falling back to bisection, so it always returns a finite state (also at a = 0 and with a slack
// tendon, where it returns the shortest fibre with status kTendonSlack).
// Tolerance: |F_T - F_M cos(alpha)| <= force_tolerance_rel * F0.
CompliantTendonState solve_compliant_equilibrium(const HillParams& p, const HillConstants& c,
                                                 double mt_length_m, double activation,
                                                 double normalized_fiber_velocity = 0.0,
                                                 double force_tolerance_rel = 1e-12);

// The same equilibrium, starting Newton from `x_guess` (the fibre length along the tendon, m, e.g. the
// previous frame's) when it is finite and feasible: a few unguarded Newton steps, accepted only while
// |R| decreases and x stays in the feasible range; otherwise (or without a guess) the bracketed solve
// above. Same tolerance, so both give the same root to within it.
CompliantTendonState solve_compliant_equilibrium_from(const HillParams& p, const HillConstants& c,
                                                      double mt_length_m, double activation,
                                                      double normalized_fiber_velocity, double x_guess_m,
                                                      double force_tolerance_rel = 1e-12);

// The passive equilibrium (activation 0, fibre velocity 0) of solve_compliant_equilibrium_from(p, c,
// l_MT, 0, 0, x_guess_m, tol): the same iterates and the same result, from a residual that skips the
// terms that are exactly zero at a = 0, v~ = 0 (f_L, f_V) and shares one exp between each curve's value
// and slope: about a quarter of the exp calls. For compute_passive_equilibrium's per-frame loop.
CompliantTendonState solve_passive_equilibrium_from(const HillParams& p, const HillConstants& c,
                                                    double mt_length_m, double x_guess_m,
                                                    double force_tolerance_rel = 1e-12);

// Fibre velocity (m/s, positive lengthening) of a compliant-tendon muscle from the force-velocity
// inverse: f_V = (F_T / cos(alpha) / F0 - f_PE) / (a f_L), v~ = f_V^-1(f_V) (explicit form, as
// OpenSim's DeGrooteFregly2016Muscle with fiber_damping = 0). f_V is clamped to [0, 1.79] and a f_L to
// >= min_active_force, so that a = 0 gives a finite (fast) velocity instead of a division by zero.
double compliant_fiber_velocity(const HillParams& p, const HillConstants& c, double mt_length_m,
                                double fiber_length_m, double activation,
                                double min_active_force = 1e-3);

}  // namespace dembones
