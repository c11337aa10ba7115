#pragma once
// A motion_file task's motion: the model's coordinates over time, from a table of joint angles
// (OpenSim .mot/.sto or CSV, io/text_table.hpp) and the scenario's column mapping (task.columns,
// task.ignore_columns, task.fixed_deg; docs/scenarios.md, "Motion files").
//
// Stricter than OpenSim's tools, which use the columns they recognise and leave the other coordinates
// at their defaults: here a column that drives nothing, a coordinate that nothing drives, and a value
// that is not finite or lies outside the model's range of its coordinate are InputErrors naming the
// file, the line and the column, so that a motion of another model, of the other side or in the wrong
// units cannot run as a plausible-looking posture with joints held at zero.
#include <map>
#include <string>
#include <vector>

#include "multibody/model.hpp"
#include "solvers/musculoskeletal_model.hpp"
#include "scenario/task_spec.hpp"
#include "spatial/types.hpp"

namespace dembones {

struct MotionSamples {
  VecX time;  // s, increasing
  MatX q;     // frames × nq, rad (m for translations)
  std::vector<std::string> notes;  // what looks wrong but may be right (radians under inDegrees=yes)
};

// How far past the model's range of a coordinate a value may lie: the generator's own motions, exported
// (`dembones export`) and read back, graze its limits by up to 3e-4 deg; half a degree also lets
// measured motions touch them.
constexpr double kMotionRangeTolerance_rad = 0.5 * 3.14159265358979323846 / 180.0;

// The motion of `spec.file` for `model`, whose coordinate ranges are q_min, q_max (nv; ±inf where
// unlimited). A coordinate of a coupling (the lifter's lumbar rhythm) that the file does not give
// follows the coupling from the members it does give, as OpenSim's CoordinateCouplerConstraint sets a
// dependent coordinate: θ fitted to the given members by least squares (θ = Σ r_k q_k / Σ r_k², exact
// when they follow the rhythm), the missing one r_j θ (a motion of Christophy et al. 2012's model, whose
// thorax is welded to L1, drives the lifter's T12/L1 at its share). Throws InputError naming the
// scenario field (the file missing, a mapping naming an unknown coordinate or column) or the motion
// file's line and column (a value). A coordinate in `locked` (the model's locked coordinates, name ->
// default value) that the file gives no column for is held at that value (a column drives it).
MotionSamples read_motion_file(const MotionFileSpec& spec, const Model& model, const VecX& q_min, const VecX& q_max,
                               const std::vector<CoordinateCoupling>& couplings = {},
                               const std::map<std::string, double>& locked = {});

}  // namespace dembones
