#pragma once
// Centre of mass, momentum and energy.
#include "multibody/data.hpp"

namespace dembones {

// data.mass, data.com (world). Runs the position pass. Returns data.com.
const Vec3& center_of_mass(const Model& model, Data& data, const VecX& q);
// The same from the body poses already in data.oMb (forward kinematics done by the caller): sums
// body by body, so it gives center_of_mass's bits.
const Vec3& center_of_mass_at_current_positions(const Model& model, Data& data);
// data.J_com (3 x nv), plus data.com. Runs compute_joint_jacobians. Returns data.J_com.
const Matrix3Xd& center_of_mass_jacobian(const Model& model, Data& data, const VecX& q);
// The same from the joint Jacobian columns (data.J_W), subtree sums (data.Ic) and total mass already
// in data, for callers that computed those themselves.
const Matrix3Xd& center_of_mass_jacobian_from_subtrees(const Model& model, Data& data);
// Mass and first moment of every body's subtree in data.Ic (world coordinates), data.mass and
// data.com, from the body poses already in data.oMb (forward kinematics done by the caller).
const Vec3& subtree_centers_of_mass(const Model& model, Data& data);
// Kinetic energy ½ Σ v_i·I_i v_i [J]; runs forward_kinematics(q, v). Stores data.kinetic_energy.
double kinetic_energy(const Model& model, Data& data, const VecX& q, const VecX& v);
// Potential energy −Σ m_i g·c_i [J] (zero at the world origin); runs the position pass.
double potential_energy(const Model& model, Data& data, const VecX& q);
// Spatial momentum of the whole system, world frame about the world origin, from data.v after
// forward_kinematics(q, v). Stores and returns data.momentum_W.
const Force& spatial_momentum(const Model& model, Data& data);

}  // namespace dembones
