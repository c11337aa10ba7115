#pragma once
// Joint reaction loads at the model's load sites, after inverse dynamics has been run with every
// muscle force applied to its bodies (so what the joint transmits is the bone-on-bone and passive
// tissue load, as OpenSim's JointReaction analysis reports it; Steele et al. 2012, Gait Posture
// 35:556).
#include <vector>

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

// The posterior elements of one passive moment (ligaments: supraspinous/interspinous, flavum, facet
// capsules) as forces. Each structure j with share s_j and lever arm d_j pulls the upper vertebra (the
// site's body) towards the lower one (its parent) along the disc normal n, at p_j = c − d_j a behind
// the disc centre c (a: the site's anterior axis), with the tension T_j = s_j M / h_j, where M is the
// passive generalized force of the coordinate this frame and h_j the generalized force on it per unit
// tension (= ±d_j when the joint axis is the disc frame's lateral axis). So the pair's moment on the
// coordinate is exactly s_j M and every other coordinate sees none (equal and opposite forces on one
// line); the joint reaction gains T_j of compression. A structure is slack (T_j = 0) when M does not
// act in the direction its tension would (extension). Adds the forces to f_ext_W (world wrenches about
// the world origin) and returns Σ T_j, N. Needs data.J_W (compute_joint_jacobians) and data.oMb.
// Allocation-free.
double add_posterior_element_forces(const Model& model, const Data& data, const LoadSite& site,
                                    const PassiveMoment& pm, double moment_Nm, std::vector<Force>& f_ext_W);

// Patellofemoral compression from the quadriceps tensions (per side, N) and the knee coordinate.
SiteLoad patellofemoral_load(const Model& model, const LoadSite& site, const VecX& q, const VecX& tension_per_side_N);

}  // namespace dembones
