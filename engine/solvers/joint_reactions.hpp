#pragma once
// Joint reaction loads at the model's load sites, after inverse dynamics has been run with every
// muscle force applied to its bodies (so what the joint transmits is the bone-on-bone and passive
// tissue load, as OpenSim's JointReaction analysis reports it; Steele et al. 2012, Gait Posture
// 35:556).
#include "multibody/data.hpp"
#include "solvers/musculoskeletal_model.hpp"

namespace dembones {

struct SiteLoad {
  Vec3 force_S = Vec3::Zero();   // force of the lower segment on the upper one, site frame, N
  Vec3 moment_S = Vec3::Zero();  // moment about the site origin, site frame, N·m
  double compression = 0.0;      // along the normal, positive when the segments press together
  double ap_shear = 0.0;         // load driving the upper segment anteriorly (positive), N
  double lateral_shear = 0.0;    // along the third axis, N
  double resultant = 0.0;        // |force|, N
};

// Loads of one joint_reaction site from data.f_joint_W (after rnea with the muscle forces applied).
SiteLoad site_load(const Model& model, const Data& data, const LoadSite& site);

// Patellofemoral compression from the quadriceps tensions (per side, N) and the knee coordinate.
SiteLoad patellofemoral_load(const LoadSite& site, const VecX& q, const VecX& tension_per_side_N);

}  // namespace dembones
