#include "scenario/planar_kinematics.hpp"

#include <cmath>

#include "common/error.hpp"

namespace dembones {

namespace {

// The joint frame is turned in its parent at most about z (its out-of-plane entries are zero).
bool in_plane(const Mat3& R) { return R(0, 2) == 0.0 && R(1, 2) == 0.0 && R(2, 0) == 0.0 && R(2, 1) == 0.0; }
bool along_z(const Vec3& axis) { return axis.x() == 0.0 && axis.y() == 0.0; }

// The in-plane block a00 a01 a10 a11 and a22 of Eigen's AngleAxis(angle, axis).toRotationMatrix(), in
// its expressions (Eigen/src/Geometry/AngleAxis.h): sin_axis = sin θ axis, cos1_axis = (1 - cos θ) axis.
void angle_axis_block(double angle, const Vec3& axis, double a[4], double& a22) {
  const double s = std::sin(angle), c = std::cos(angle);
  const double sin_z = s * axis.z();
  const double cos1_x = (1.0 - c) * axis.x(), cos1_y = (1.0 - c) * axis.y(), cos1_z = (1.0 - c) * axis.z();
  const double tmp = cos1_x * axis.y();
  a[0] = cos1_x * axis.x() + c;  // (0, 0)
  a[1] = tmp - sin_z;            // (0, 1)
  a[2] = tmp + sin_z;            // (1, 0)
  a[3] = cos1_y * axis.y() + c;  // (1, 1)
  a22 = cos1_z * axis.z() + c;
}

// The in-plane block and r22 of P * A (P the joint frame's rotation): each entry's third product is
// zero.
void times_block(const Mat3& P, const double a[4], double a22, double& b00, double& b01, double& b10, double& b11,
                 double& b22) {
  b00 = P(0, 0) * a[0] + P(0, 1) * a[2];
  b01 = P(0, 0) * a[1] + P(0, 1) * a[3];
  b10 = P(1, 0) * a[0] + P(1, 1) * a[2];
  b11 = P(1, 0) * a[1] + P(1, 1) * a[3];
  b22 = P(2, 2) * a22;
}

}  // namespace

bool PlanarKinematics::applies(const Model& model) {
  if (!model.finalized || model.nq != model.nv || model.has_couplers() || model.ns != model.nv) return false;
  for (int i = 1; i < model.nbodies; ++i) {
    if (!in_plane(model.X_parent_joint[i].rotation) || model.idx_q[i] != model.idx_v[i]) return false;
    switch (model.kind[i]) {
      case JointKind::kFixed:
      case JointKind::kRevoluteZ: break;
      case JointKind::kRevoluteAxis:
        if (!along_z(model.joints[i].axis)) return false;
        break;
      case JointKind::kCustom:
        if (!along_z(model.joints[i].custom.rotation_axis)) return false;
        break;
      default: return false;
    }
  }
  return true;
}

PlanarKinematics::PlanarKinematics(const Model& model) : model_(model) {
  if (!applies(model)) throw InternalError("PlanarKinematics: the model has joints that leave the x-y plane");
  const int nb = model.nbodies;
  bodies_.resize(nb);
  for (int i = 0; i < nb; ++i) {
    Body& b = bodies_[i];
    b.mass = model.inertia[i].mass;
    b.com_x = model.inertia[i].com.x();
    b.com_y = model.inertia[i].com.y();
    if (i == 0) continue;  // the ground: no joint, the identity pose (data.oMb[0]), never written
    const SE3& X = model.X_parent_joint[i];
    b.parent = model.parent[i];
    b.p00 = X.rotation(0, 0);
    b.p01 = X.rotation(0, 1);
    b.p10 = X.rotation(1, 0);
    b.p11 = X.rotation(1, 1);
    b.p22 = X.rotation(2, 2);
    b.px = X.translation.x();
    b.py = X.translation.y();
    switch (model.kind[i]) {
      case JointKind::kRevoluteZ: b.kind = Kind::revolute_z; break;
      case JointKind::kRevoluteAxis: b.kind = Kind::revolute_axis; break;
      case JointKind::kCustom: b.kind = Kind::custom; break;
      default: b.kind = Kind::fixed; break;
    }
    if (b.kind != Kind::fixed) {
      b.q = model.idx_q[i];
      joint_bodies_.push_back(i);
    }
  }
  path_start_.assign(1, 0);
  for (int i = 0; i < nb; ++i) {
    for (int j = i; j > 0; j = model.parent[j])
      if (bodies_[j].kind != Kind::fixed) path_.push_back(model.idx_v[j]);
    path_start_.push_back(static_cast<int>(path_.size()));
  }
  poses_.assign(nb, Pose{});
  // X_parent starts as X_parent_joint: what a fixed joint keeps, and the translation (and r22) of a
  // revolute one.
  local_.resize(nb);
  for (int i = 0; i < nb; ++i) {
    const Body& b = bodies_[i];
    local_[i] = Pose{b.p00, b.p01, b.p10, b.p11, b.p22, b.px, b.py};
  }
  subtree_mass_.assign(nb, 0.0);
  hx_.assign(nb, 0.0);
  hy_.assign(nb, 0.0);
  const std::size_t nv = static_cast<std::size_t>(model.nv);
  s_wz_.assign(nv, 0.0);
  s_vx_.assign(nv, 0.0);
  s_vy_.assign(nv, 0.0);
  wz_.assign(nv, 0.0);
  vx_.assign(nv, 0.0);
  vy_.assign(nv, 0.0);
  com_jacobian_x_ = Eigen::RowVectorXd::Zero(model.nv);
}

// custom_position (multibody/joint_motion.hpp) in the plane: X = (P R_J, P p + t); S = [axis θ' ; R_Jᵀ p'].
void PlanarKinematics::custom_joint_transform(int i, double x) {
  const Mat3& P = model_.X_parent_joint[i].rotation;
  const CustomJointFunctions& cf = model_.joints[i].custom;
  const FunctionValue th = cf.rotation.evaluate(x);
  const FunctionValue px = cf.translation_x.evaluate(x);
  const FunctionValue py = cf.translation_y.evaluate(x);
  double a[4], a22;
  angle_axis_block(th.f, cf.rotation_axis, a, a22);
  Pose& L = local_[i];
  times_block(P, a, a22, L.r00, L.r01, L.r10, L.r11, L.r22);
  L.x = (P(0, 0) * px.f + P(0, 1) * py.f) + bodies_[i].px;
  L.y = (P(1, 0) * px.f + P(1, 1) * py.f) + bodies_[i].py;
  const int k = bodies_[i].q;
  s_wz_[k] = cf.rotation_axis.z() * th.d1;
  s_vx_[k] = a[0] * px.d1 + a[2] * py.d1;  // R_Jᵀ: column 0 of R_J
  s_vy_[k] = a[1] * px.d1 + a[3] * py.d1;
}

void PlanarKinematics::positions(const VecX& q) {
  const int nb = model_.nbodies;
  // X_parent = X_parent_joint X_J(q) of every joint with a coordinate (detail::joint_position); the
  // fixed joints' X_parent_joint stays in local_ from the constructor. All the calls (sin, cos,
  // splines) happen here, so that the pass below keeps its poses in registers.
  for (int i : joint_bodies_) {
    const Body& B = bodies_[i];
    Pose& L = local_[i];
    switch (B.kind) {
      case Kind::revolute_z: {
        // rotate_z: R.col(0) = c P.col(0) + s P.col(1), R.col(1) = c P.col(1) - s P.col(0).
        const double c = std::cos(q[B.q]);
        const double s = std::sin(q[B.q]);
        L.r00 = c * B.p00 + s * B.p01;
        L.r10 = c * B.p10 + s * B.p11;
        L.r01 = c * B.p01 - s * B.p00;
        L.r11 = c * B.p11 - s * B.p10;
        break;
      }
      case Kind::revolute_axis: {
        double a[4], a22;
        angle_axis_block(q[B.q], model_.joints[i].axis, a, a22);
        times_block(model_.X_parent_joint[i].rotation, a, a22, L.r00, L.r01, L.r10, L.r11, L.r22);
        break;
      }
      case Kind::custom: custom_joint_transform(i, q[B.q]); break;
      case Kind::fixed: break;
    }
  }
  // forward_kinematics: X_W,i = X_W,parent X_parent,i.
  for (int i = 1; i < nb; ++i) {
    const Pose P = poses_[bodies_[i].parent];
    const Pose& L = local_[i];
    Pose& X = poses_[i];
    X.r00 = P.r00 * L.r00 + P.r01 * L.r10;
    X.r01 = P.r00 * L.r01 + P.r01 * L.r11;
    X.r10 = P.r10 * L.r00 + P.r11 * L.r10;
    X.r11 = P.r10 * L.r01 + P.r11 * L.r11;
    X.r22 = P.r22 * L.r22;
    X.x = act_x(P, L.x, L.y);
    X.y = act_y(P, L.x, L.y);
  }
  // subtree_centers_of_mass: each body's mass and first moment m (R c + t), summed into its parent.
  for (int i = 0; i < nb; ++i) {
    const Body& B = bodies_[i];
    subtree_mass_[i] = B.mass;
    hx_[i] = B.mass * act_x(poses_[i], B.com_x, B.com_y);
    hy_[i] = B.mass * act_y(poses_[i], B.com_x, B.com_y);
  }
  for (int i = nb - 1; i > 0; --i) {
    const int p = bodies_[i].parent;
    subtree_mass_[p] += subtree_mass_[i];
    hx_[p] += hx_[i];
    hy_[p] += hy_[i];
  }
  com_x_ = subtree_mass_[0] > 0.0 ? hx_[0] / subtree_mass_[0] : 0.0;
}

void PlanarKinematics::jacobians() {
  // calc_joint_jacobians_at_current_positions: ω_W = R ω_S, v_W = R v_S + t x ω_W, of which only
  // ω_z, v_x, v_y are not zero.
  for (int i : joint_bodies_) {
    const Body& B = bodies_[i];
    const Pose& X = poses_[i];
    const int k = B.q;
    if (B.kind == Kind::custom) {
      const double w = X.r22 * s_wz_[k];
      wz_[k] = w;
      vx_[k] = (X.r00 * s_vx_[k] + X.r01 * s_vy_[k]) + X.y * w;
      vy_[k] = (X.r10 * s_vx_[k] + X.r11 * s_vy_[k]) - X.x * w;
    } else {
      const double w = X.r22 * model_.joints[i].axis.z();
      wz_[k] = w;
      vx_[k] = X.y * w;
      vy_[k] = -(X.x * w);
    }
  }
  // center_of_mass_jacobian_from_subtrees: column k of joint j moves j's subtree,
  // (m_sub / m) (v_k + ω_k x c_sub), whose x is (m_sub / m) (v_x - ω_z c_sub,y).
  com_jacobian_x_.setZero();
  const double mass = subtree_mass_[0];
  if (mass <= 0.0) return;
  for (int j : joint_bodies_) {
    const double m_sub = subtree_mass_[j];
    if (m_sub <= 0.0) continue;
    const int k = bodies_[j].q;
    const double c_y = hy_[j] / m_sub;
    com_jacobian_x_(k) += (m_sub / mass) * (vx_[k] - wz_[k] * c_y);
  }
}

Eigen::Vector2d PlanarKinematics::point(int body, const Vec3& p_B) const {
  const Pose& X = poses_[body];
  return {act_x(X, p_B.x(), p_B.y()), act_y(X, p_B.x(), p_B.y())};
}

// point_jacobian: v_k + ω_k x p on the path to the root; x = v_x - ω_z p_y, y = v_y + ω_z p_x.
void PlanarKinematics::point_jacobian(int body, const Eigen::Vector2d& p_W, Eigen::Ref<Eigen::Matrix2Xd> J) const {
  J.setZero();
  for (int n = path_start_[body]; n < path_start_[body + 1]; ++n) {
    const int k = path_[n];
    J(0, k) = vx_[k] - wz_[k] * p_W.y();
    J(1, k) = vy_[k] + wz_[k] * p_W.x();
  }
}

void PlanarKinematics::body_sum_center_of_mass(double& mass, double& com_x) const {
  mass = 0.0;
  double moment_x = 0.0;
  for (int i = 1; i < model_.nbodies; ++i) {
    const Body& B = bodies_[i];
    mass += B.mass;
    moment_x += B.mass * act_x(poses_[i], B.com_x, B.com_y);
  }
  com_x = mass > 0.0 ? moment_x / mass : 0.0;
}

}  // namespace dembones
