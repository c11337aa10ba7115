#pragma once
// Recursive Newton-Euler inverse dynamics (Featherstone 2008, Table 5.1, body coordinates, gravity as
// a fictitious base acceleration −g). Also fills data.f_joint / f_joint_W: the spatial force the
// parent exerts on each body through its joint (joint reaction loads are built from it).
#include "multibody/data.hpp"

namespace dembones {

// τ = M(q) a + b(q, v). Returns data.tau.
const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a);
// Same with external wrenches: f_ext_W[i] acts on body i, world frame about the world origin
// (size nbodies; entry 0 is ignored).
const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a,
                 const std::vector<Force>& f_ext_W);
// rnea(q, v, a, f_ext_W) when data already holds forward_kinematics(model, data, q, v, a) (kinematics.hpp)
// for the same q, v, a, and nothing has changed data.X_parent, oMb, S, v or c_J since: the position and
// velocity passes are not run again (their results are those bits), only the accelerations, the forces
// and the backward pass. The same τ, f_joint, f_joint_W, a and f_motion as rnea(q, v, a, f_ext_W), bit
// for bit. The per-frame pipeline runs forward kinematics first (muscle paths need it). Returns data.tau.
const VecX& rnea_after_forward_kinematics(const Model& model, Data& data, const VecX& v, const VecX& a,
                                          const std::vector<Force>& f_ext_W);
// rnea(q, v, a, f_ext_W) again at the q, v, a of the last rnea call on data (rnea with external forces
// or rnea_after_forward_kinematics), with other external wrenches: each body's own inertial and weight
// force (data.f_motion) is reused, only the external forces and the backward pass are new. The same
// τ, f_joint and f_joint_W as a full rnea call, bit for bit (joint reactions: inverse dynamics again
// with the muscle forces applied, solvers/pipeline.cpp). Nothing but rnea may have written data.oMb,
// X_parent, S and f_motion since that call. Returns data.tau.
const VecX& rnea_with_other_external_forces(const Model& model, Data& data, const std::vector<Force>& f_ext_W);
// τ = M(q) a + b(q, v) only, for callers that need no joint forces in the world frame (optimizers,
// benchmarks against peers that compute τ alone). Gravity enters as the fictitious base acceleration
// −g (Featherstone 2008, sec. 5.3), so no world poses are formed: data.oMb, data.f_joint and
// data.f_joint_W are NOT updated, data.a holds the body accelerations offset by that base
// acceleration (a_i − X_Wi^-1 [0; g]), and data.f holds the joint forces in body frames (what
// rnea() reports as f_joint). Same τ as rnea() to round-off. Returns data.tau.
const VecX& rnea_torques_only(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a);
// b(q, v) = rnea(q, v, 0): Coriolis, centrifugal and gravity terms. Returns data.nle.
const VecX& nonlinear_effects(const Model& model, Data& data, const VecX& q, const VecX& v);
// g(q) = rnea(q, 0, 0). Returns data.g.
const VecX& generalized_gravity(const Model& model, Data& data, const VecX& q);

}  // namespace dembones
