#pragma once
// Generated motions for the tasks of a scenario (docs/scenarios.md): every frame is a posture solved by
// inverse kinematics (posture_ik.hpp) on the hand, hip or trunk target of that instant, warm-started
// from the previous frame, so the motion is smooth and the hands stay on the box path; never a table of
// typed angles. Targets move with a minimum-jerk profile (Flash & Hogan 1985, J Neurosci 5:1688).
#include <string>
#include <vector>

#include "scenario/posture_ik.hpp"
#include "scenario/task_spec.hpp"
#include "solvers/kinematic_series.hpp"

namespace dembones {

struct GeneratedMotion {
  VecX time;                       // (F) s
  MatX q;                          // (F × nq)
  MatX hand_target;                // (F × 2) world x, y of the hand target; NaN where the task has none
  double max_hand_error_m = 0.0;   // worst distance between hand and target
  double max_hip_error_m = 0.0;
  std::vector<int> frames_outside_support;  // frames whose centre of mass (body + load) left the feet
  VecX com_x;                      // (F) world x of the centre of mass (body + load)
  // Lifts and lowers: prepare_kinematics(time, q, kinematics_settings), which the balance check has
  // formed for this motion; the run takes it instead of filtering the same frames again when its
  // settings are these. Other tasks: empty (0 frames).
  KinematicSeries kinematics;
  KinematicSettings kinematics_settings;
  int dynamic_balance_passes = 0;  // lifts and lowers: motions generated again with a per-frame centre
                                   // of mass moved to keep the centre of pressure on the feet, at most 10
  int move_begin = 0, move_end = 0;  // the movement's frames [move_begin, move_end) between the pauses
};

// Minimum-jerk position profile s(τ) = 10τ³ − 15τ⁴ + 6τ⁵ for τ in [0, 1].
double minimum_jerk(double tau);

// Generates the task's motion at rate_hz. Throws InputError naming the task field when a target
// cannot be reached within 1 cm or balance cannot be kept (the scenario asks the impossible). The
// balance checks filter the frames at filter_cutoff_hz, as the run will (the scenario's solver cut-off).
GeneratedMotion generate_task_motion(const Model& model, const TaskRig& rig, const TaskSpec& task,
                                     double rate_hz, const std::string& scenario_file = {},
                                     double filter_cutoff_hz = KinematicSettings{}.filter_cutoff_hz);

// The posture preferences of a lifting technique (exposed for tests and docs).
struct TechniquePreset {
  double knee_weight, knee_preferred;    // per rad, rad
  double hip_weight, lumbar_weight, ankle_weight;
  double trunk_upright_weight;           // pull of the trunk toward its inclination in upright standing
};
TechniquePreset technique_preset(Technique technique, const TaskSpec& task);

}  // namespace dembones
