#pragma once
// Builds the engine objects from a (scaled) ModelSpec: the multibody Model rooted at ground, the
// MuscleSet, and the resolved joint-load sites, passive joint moments, torque actuators and couplings.
//
// Frames. The engine's child body frame is its joint frame, so each engine body frame E_B is the
// frame of the joint that connects B to its tree parent, on B's side (OpenSim `location_in_child` for
// a joint written parent->child, `location_in_parent` for a joint the tree traverses backwards, e.g.
// ankle, knee and hip when the tree is rooted at the feet). Inertias, path points, wrap surfaces,
// sites and markers are re-expressed in E_B. A joint traversed backwards gets the inverse motion:
// revolute/prismatic about the negated axis (same coordinate value and sign), a custom joint
// [R(theta(q)), t(q)] becomes [R(-theta(q)), -R(theta(q))^T t(q)], the translation resampled as a
// natural cubic spline of q.
//
// Bilateral bodies (sides: 2) enter the Model with their mass and inertia doubled; bilateral muscles
// appear once in the MuscleSet and `muscle_sides[i]` (2) says that both sides act identically: the
// pipeline reports the force of one side and applies sides x its generalized force to the skeleton.
#include <string>
#include <vector>

#include "multibody/model.hpp"
#include "multibody/spline.hpp"
#include "muscle/muscle_set.hpp"
#include "scenario/model_spec.hpp"
#include "solvers/musculoskeletal_model.hpp"

namespace dembones {

struct BuiltJointLoadSite {
  std::string name;
  mspec::SiteKind kind = mspec::SiteKind::joint_reaction;
  // Engine body whose joint (to its tree parent) carries the reported load: the spec joint's child, or
  // its parent when the tree (rooted at the ground) traverses the joint backwards (hip and knee of a
  // model standing on its feet). Either way the report is the force of the segment on the ground side
  // on the other one (for a standing model the lower segment's force on the upper), with no sign flip.
  int body = -1;
  int frame_body = -1;      // engine body the anatomical frame is fixed in
  SE3 X_body_site;          // site frame in frame_body's engine frame
  int normal_axis = 1;      // 0 x, 1 y, 2 z of the site frame: compression axis
  int anterior_axis = 0;    // antero-posterior shear axis; the third is lateral shear
  bool per_side = false;    // report half of the transmitted load (one of two legs)
  // patellofemoral
  int coordinate = -1;              // velocity index of the knee coordinate
  std::vector<int> muscles;         // MuscleSet indices of the quadriceps
  CubicSpline ratio;                // F_patellofemoral / F_quadriceps against the coordinate value
};

struct PassiveJointMoment {
  std::string name;
  int coordinate = -1;  // velocity index
  CubicSpline moment_Nm;
};

struct TorqueActuator {
  std::string name;
  int coordinate = -1;  // velocity index
  double optimal_force_Nm = 0;
};

struct BuiltModel {
  ModelSpec spec;  // the spec it was built from (names, sources, scaled values)
  Model model;     // finalized
  MuscleSet muscles;
  std::vector<int> muscle_sides;                 // (m) 1 or 2
  VecX q_default;                                // (nq) spec default coordinate values
  VecX q_min, q_max;                             // (nv) coordinate ranges
  // (nv) locked coordinates (`locked: true`, as OpenSim's Coordinate locked): held at their default
  // by the generated motions, and by a motion file that gives no column for them.
  std::vector<char> locked;
  std::vector<SE3> X_spec_engine;                // (nbodies) engine frame E_B in the spec body frame B
  std::vector<BuiltJointLoadSite> sites;
  std::vector<PassiveJointMoment> passive_moments;
  std::vector<TorqueActuator> actuators;
  std::vector<CoordinateCoupling> couplings;
  std::vector<std::pair<std::string, std::pair<int, Vec3>>> markers;  // name -> (body, p in E_B)
  // What looks wrong but may be meant (a muscle slack at the default pose), for `dembones run` and
  // `validate` to print (PreparedRun::notes).
  std::vector<std::string> notes;
};

// Throws InputError (naming the model file and field) for what the engine cannot represent, e.g. a
// spherical joint traversed backwards.
BuiltModel build_model(const ModelSpec& spec);

}  // namespace dembones
