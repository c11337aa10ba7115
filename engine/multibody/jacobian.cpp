#include "multibody/jacobian.hpp"

#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"

namespace dembones {

void compute_joint_jacobians(const Model& model, Data& data, const VecX& q) {
  forward_kinematics(model, data, q);
  calc_joint_jacobians_at_current_positions(model, data);
}

void calc_joint_jacobians_at_current_positions(const Model& model, Data& data) {
  for (int i = 1; i < model.nbodies; ++i) {
    const int is = model.idx_s[i];
    for (int s = is; s < is + model.ns_j[i]; ++s) {
      const Motion m = data.oMb[i].act(detail::column_motion(data.S, s));
      data.J_W.col(s).head<3>() = m.angular;
      data.J_W.col(s).tail<3>() = m.linear;
    }
  }
}

// Body Jacobians sum the joint columns on the path from the body to the root into the velocity
// each carries (Model::column_v): a driver's column gathers its own joint's motion and that of every
// coupled joint on the path.
void body_jacobian_world(const Model& model, const Data& data, int body, Eigen::Ref<Matrix6Xd> J) {
  J.setZero();
  for (int j = body; j > 0; j = model.parent[j]) {
    const int js = model.idx_s[j];
    for (int s = js; s < js + model.ns_j[j]; ++s) J.col(model.column_v[s]) += data.J_W.col(s);
  }
}

void body_jacobian_local(const Model& model, const Data& data, int body, Eigen::Ref<Matrix6Xd> J) {
  body_jacobian_world(model, data, body, J);
  const SE3& X = data.oMb[body];
  for (int k : model.support[body]) {
    const Motion m = X.actInv(Motion{J.col(k).head<3>(), J.col(k).tail<3>()});
    J.col(k).head<3>() = m.angular;
    J.col(k).tail<3>() = m.linear;
  }
}

// A point p moving with spatial velocity (ω, v) about the world origin has velocity v + ω x p.
void point_jacobian(const Model& model, const Data& data, int body, const Vec3& p_W, Eigen::Ref<Matrix3Xd> J) {
  J.setZero();
  for (int j = body; j > 0; j = model.parent[j]) {
    const int js = model.idx_s[j];
    for (int s = js; s < js + model.ns_j[j]; ++s) {
      J.col(model.column_v[s]) += data.J_W.col(s).tail<3>() + data.J_W.col(s).head<3>().cross(p_W);
    }
  }
}

// J_p,k^T f = f.(v_k + ω_k x p) = f.v_k + ω_k.(p x f): the force's wrench about the world origin
// dotted with each motion column, walking only the bodies from `body` up to the root.
void add_point_force(const Model& model, const Data& data, int body, const Vec3& p_W, const Vec3& f_W,
                     Eigen::Ref<VecX> tau) {
  const Vec3 n = p_W.cross(f_W);
  for (int j = body; j > 0; j = model.parent[j]) {
    const int js = model.idx_s[j];
    for (int s = js; s < js + model.ns_j[j]; ++s) {
      tau[model.column_v[s]] += data.J_W.col(s).head<3>().dot(n) + data.J_W.col(s).tail<3>().dot(f_W);
    }
  }
}

void add_body_wrench(const Model& model, const Data& data, int body, const Force& w_W, Eigen::Ref<VecX> tau) {
  for (int j = body; j > 0; j = model.parent[j]) {
    const int js = model.idx_s[j];
    for (int s = js; s < js + model.ns_j[j]; ++s) {
      tau[model.column_v[s]] += data.J_W.col(s).head<3>().dot(w_W.angular) + data.J_W.col(s).tail<3>().dot(w_W.linear);
    }
  }
}

Vec3 point_velocity(const Model&, const Data& data, int body, const Vec3& p_W) {
  const Motion& v = data.v_W[body];
  return v.linear + v.angular.cross(p_W);
}

void compute_jdot_qdot(const Model& model, Data& data, const VecX& q, const VecX& v) {
  forward_kinematics(model, data, q, v);
  for (int i = 1; i < model.nbodies; ++i) {
    const Motion vJ = detail::joint_velocity(model, data, i, v);
    data.a_bias[i] = data.X_parent[i].actInv(data.a_bias[model.parent[i]]) + data.c_J[i] + cross(data.v[i], vJ);
  }
}

// The derivative of v_W = X_WB v_B is X_WB a_B because v_W x v_W = 0 (Featherstone eq. 2.xx).
Motion body_jdot_qdot_world(const Model&, const Data& data, int body) {
  return data.oMb[body].act(data.a_bias[body]);
}

namespace {
// Classical acceleration of the body point r (body frame) from the spatial acceleration a and velocity
// v of the body (body frame): a_o + α x r + ω x (v_o + ω x r) (Featherstone 2008, eq. 2.47 ff.).
Vec3 classical_point_acceleration(const SE3& X_WB, const Motion& v, const Motion& a, const Vec3& p_W) {
  const Vec3 r = X_WB.actInv(p_W);
  const Vec3 vp = v.linear + v.angular.cross(r);
  return X_WB.rotation * (a.linear + a.angular.cross(r) + v.angular.cross(vp));
}
}  // namespace

Vec3 point_jdot_qdot(const Model&, const Data& data, int body, const Vec3& p_W) {
  return classical_point_acceleration(data.oMb[body], data.v[body], data.a_bias[body], p_W);
}

Vec3 point_acceleration(const Model&, const Data& data, int body, const Vec3& p_W) {
  return classical_point_acceleration(data.oMb[body], data.v[body], data.a[body], p_W);
}

}  // namespace dembones
