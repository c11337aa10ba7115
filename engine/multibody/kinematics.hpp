#pragma once
// Forward kinematics (Featherstone 2008, Table 4.x recursions, in body coordinates): fills
// data.X_parent, data.oMb and data.S (positions); data.v, data.v_W and data.c_J (velocities);
// data.a (accelerations, without gravity). None of them fills J_W: call compute_joint_jacobians.
#include "multibody/data.hpp"

namespace dembones {

void forward_kinematics(const Model& model, Data& data, const VecX& q);
void forward_kinematics(const Model& model, Data& data, const VecX& q, const VecX& v);
void forward_kinematics(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a);

}  // namespace dembones
