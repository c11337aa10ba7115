#pragma once
// Jacobians. All take a Data on which forward_kinematics(q, ...) and, where stated,
// compute_joint_jacobians have run for the same q. Nothing here allocates.
#include "multibody/data.hpp"

namespace dembones {

// Runs the position pass and fills data.J_W (6 x ns): column s = spatial motion of joint column s per
// unit of the velocity it carries (Model::column_v), world frame about the world origin. Without
// coupled joints ns = nv and column k is coordinate k's joint axis.
void compute_joint_jacobians(const Model& model, Data& data, const VecX& q);
// data.J_W as compute_joint_jacobians fills it, bit for bit, when data already holds the position pass
// at q (forward_kinematics with q, with or without velocities: the same poses and motion subspaces):
// the per-frame pipeline and the posture IK have just run it.
void calc_joint_jacobians_at_current_positions(const Model& model, Data& data);

// Spatial Jacobian of body b in the world frame about the world origin (6 x nv); columns outside
// b's support are zero. Needs compute_joint_jacobians.
void body_jacobian_world(const Model& model, const Data& data, int body, Eigen::Ref<Matrix6Xd> J);
// Spatial Jacobian of body b in its own frame about its origin (6 x nv). Needs compute_joint_jacobians.
void body_jacobian_local(const Model& model, const Data& data, int body, Eigen::Ref<Matrix6Xd> J);
// Point Jacobian (3 x nv): world velocity of the point fixed on body b currently at world p_W.
// Needs compute_joint_jacobians.
void point_jacobian(const Model& model, const Data& data, int body, const Vec3& p_W,
                    Eigen::Ref<Matrix3Xd> J);

// tau += J_p(q)^T f_W for a force f_W (world, N) applied at world point p_W fixed on body b: the
// primitive from which muscle moment arms and generalized muscle forces are built. Walks only b's
// support. Needs compute_joint_jacobians.
void add_point_force(const Model& model, const Data& data, int body, const Vec3& p_W, const Vec3& f_W,
                     Eigen::Ref<VecX> tau);
// tau += J_b^T w_W for a wrench w_W (world frame about the world origin) on body b.
void add_body_wrench(const Model& model, const Data& data, int body, const Force& w_W,
                     Eigen::Ref<VecX> tau);

// World velocity of the point fixed on body b currently at world p_W (needs forward_kinematics
// with velocities).
Vec3 point_velocity(const Model& model, const Data& data, int body, const Vec3& p_W);

// Fills data.a_bias with J̇q̇ for every body: the spatial acceleration (body frame) at q̈ = 0, no
// gravity. Runs forward_kinematics(q, v) as part of it (data.v etc. are filled).
void compute_jdot_qdot(const Model& model, Data& data, const VecX& q, const VecX& v);
// J̇q̇ of body b, world frame about the world origin (spatial). Needs compute_jdot_qdot.
Motion body_jdot_qdot_world(const Model& model, const Data& data, int body);
// J̇_p q̇: classical (world) acceleration at q̈ = 0 of the point fixed on body b at world p_W.
// Needs compute_jdot_qdot.
Vec3 point_jdot_qdot(const Model& model, const Data& data, int body, const Vec3& p_W);
// Classical world acceleration of the point fixed on body b at p_W, from data.a (after
// forward_kinematics(q, v, a)).
Vec3 point_acceleration(const Model& model, const Data& data, int body, const Vec3& p_W);

}  // namespace dembones
