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

// The in-plane block of P * A (P the joint frame's rotation): each entry's third product is zero.
void times_block(const Mat3& P, const double a[4], double a22, double b[4], double& b22) {
  b[0] = P(0, 0) * a[0] + P(0, 1) * a[2];
  b[1] = P(0, 0) * a[1] + P(0, 1) * a[3];
  b[2] = P(1, 0) * a[0] + P(1, 1) * a[2];
  b[3] = P(1, 0) * a[1] + P(1, 1) * a[3];
  b22 = P(2, 2) * a22;
}

}  // namespace

bool PlanarKinematics::applies(const Model& model) {
  if (!model.finalized || model.nq != model.nv || model.has_couplers() || model.ns != model.nv) return false;
  for (int i = 1; i < model.nbodies; ++i) {
    if (!in_plane(model.X_parent_joint[i].rotation)) return false;
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
  const std::size_t nb = static_cast<std::size_t>(model.nbodies), nv = static_cast<std::size_t>(model.nv);
  // Body 0 is the ground: the identity pose (data.oMb[0]), never written.
  r00_.assign(nb, 1.0);
  r01_.assign(nb, 0.0);
  r10_.assign(nb, 0.0);
  r11_.assign(nb, 1.0);
  r22_.assign(nb, 1.0);
  tx_.assign(nb, 0.0);
  ty_.assign(nb, 0.0);
  subtree_mass_.assign(nb, 0.0);
  hx_.assign(nb, 0.0);
  hy_.assign(nb, 0.0);
  s_wz_.assign(nv, 0.0);
  s_vx_.assign(nv, 0.0);
  s_vy_.assign(nv, 0.0);
  wz_.assign(nv, 0.0);
  vx_.assign(nv, 0.0);
  vy_.assign(nv, 0.0);
  com_jacobian_x_ = Eigen::RowVectorXd::Zero(model.nv);
}

// detail::joint_position (multibody/joint_motion.hpp) in the plane.
void PlanarKinematics::joint_transform(int i, double x, double b[4], double& b22, double t[2]) {
  const SE3& Xpj = model_.X_parent_joint[i];
  const Mat3& P = Xpj.rotation;
  t[0] = Xpj.translation.x();
  t[1] = Xpj.translation.y();
  switch (model_.kind[i]) {
    case JointKind::kRevoluteZ: {
      // rotate_z: R.col(0) = c P.col(0) + s P.col(1), R.col(1) = c P.col(1) - s P.col(0).
      const double c = std::cos(x), s = std::sin(x);
      b[0] = c * P(0, 0) + s * P(0, 1);
      b[2] = c * P(1, 0) + s * P(1, 1);
      b[1] = c * P(0, 1) - s * P(0, 0);
      b[3] = c * P(1, 1) - s * P(1, 0);
      b22 = P(2, 2);
      return;
    }
    case JointKind::kRevoluteAxis: {
      double a[4], a22;
      angle_axis_block(x, model_.joints[i].axis, a, a22);
      times_block(P, a, a22, b, b22);
      return;
    }
    case JointKind::kCustom: {
      // custom_position: X = (P R_J, P p + t); S = [axis θ' ; R_Jᵀ p'].
      const CustomJointFunctions& cf = model_.joints[i].custom;
      const FunctionValue th = cf.rotation.evaluate(x);
      const FunctionValue px = cf.translation_x.evaluate(x);
      const FunctionValue py = cf.translation_y.evaluate(x);
      double a[4], a22;
      angle_axis_block(th.f, cf.rotation_axis, a, a22);
      times_block(P, a, a22, b, b22);
      t[0] = (P(0, 0) * px.f + P(0, 1) * py.f) + Xpj.translation.x();
      t[1] = (P(1, 0) * px.f + P(1, 1) * py.f) + Xpj.translation.y();
      const int k = model_.idx_v[i];
      s_wz_[k] = cf.rotation_axis.z() * th.d1;
      s_vx_[k] = a[0] * px.d1 + a[2] * py.d1;  // R_Jᵀ: column 0 of R_J
      s_vy_[k] = a[1] * px.d1 + a[3] * py.d1;
      return;
    }
    default:  // kFixed: X_parent = X_parent_joint
      b[0] = P(0, 0);
      b[1] = P(0, 1);
      b[2] = P(1, 0);
      b[3] = P(1, 1);
      b22 = P(2, 2);
      return;
  }
}

void PlanarKinematics::positions(const VecX& q) {
  const int nb = model_.nbodies;
  // forward_kinematics: X_W,i = X_W,parent X_parent,i.
  for (int i = 1; i < nb; ++i) {
    const int p = model_.parent[i];
    double b[4], b22, t[2];
    joint_transform(i, model_.kind[i] == JointKind::kFixed ? 0.0 : q[model_.idx_q[i]], b, b22, t);
    r00_[i] = r00_[p] * b[0] + r01_[p] * b[2];
    r01_[i] = r00_[p] * b[1] + r01_[p] * b[3];
    r10_[i] = r10_[p] * b[0] + r11_[p] * b[2];
    r11_[i] = r10_[p] * b[1] + r11_[p] * b[3];
    r22_[i] = r22_[p] * b22;
    tx_[i] = (r00_[p] * t[0] + r01_[p] * t[1]) + tx_[p];
    ty_[i] = (r10_[p] * t[0] + r11_[p] * t[1]) + ty_[p];
  }
  // subtree_centers_of_mass: each body's mass and first moment m (R c + t), summed into its parent.
  for (int i = 0; i < nb; ++i) {
    const double m = model_.inertia[i].mass;
    const Vec3& c = model_.inertia[i].com;
    subtree_mass_[i] = m;
    hx_[i] = m * ((r00_[i] * c.x() + r01_[i] * c.y()) + tx_[i]);
    hy_[i] = m * ((r10_[i] * c.x() + r11_[i] * c.y()) + ty_[i]);
  }
  for (int i = nb - 1; i > 0; --i) {
    const int p = model_.parent[i];
    subtree_mass_[p] += subtree_mass_[i];
    hx_[p] += hx_[i];
    hy_[p] += hy_[i];
  }
  com_x_ = subtree_mass_[0] > 0.0 ? hx_[0] / subtree_mass_[0] : 0.0;
}

void PlanarKinematics::jacobians() {
  const int nb = model_.nbodies;
  // calc_joint_jacobians_at_current_positions: ω_W = R ω_S, v_W = R v_S + t x ω_W, of which only
  // ω_z, v_x, v_y are not zero.
  for (int i = 1; i < nb; ++i) {
    if (model_.kind[i] == JointKind::kFixed) continue;
    const int k = model_.idx_v[i];
    if (model_.kind[i] == JointKind::kCustom) {
      const double w = r22_[i] * s_wz_[k];
      wz_[k] = w;
      vx_[k] = (r00_[i] * s_vx_[k] + r01_[i] * s_vy_[k]) + ty_[i] * w;
      vy_[k] = (r10_[i] * s_vx_[k] + r11_[i] * s_vy_[k]) - tx_[i] * w;
    } else {
      const double w = r22_[i] * model_.joints[i].axis.z();
      wz_[k] = w;
      vx_[k] = ty_[i] * w;
      vy_[k] = -(tx_[i] * w);
    }
  }
  // center_of_mass_jacobian_from_subtrees: column k of joint j moves j's subtree,
  // (m_sub / m) (v_k + ω_k x c_sub), whose x is (m_sub / m) (v_x - ω_z c_sub,y).
  com_jacobian_x_.setZero();
  const double mass = subtree_mass_[0];
  if (mass <= 0.0) return;
  for (int j = 1; j < nb; ++j) {
    const double m_sub = subtree_mass_[j];
    if (m_sub <= 0.0 || model_.kind[j] == JointKind::kFixed) continue;
    const int k = model_.idx_v[j];
    const double c_y = hy_[j] / m_sub;
    com_jacobian_x_(k) += (m_sub / mass) * (vx_[k] - wz_[k] * c_y);
  }
}

Eigen::Vector2d PlanarKinematics::point(int body, const Vec3& p_B) const {
  return {(r00_[body] * p_B.x() + r01_[body] * p_B.y()) + tx_[body],
          (r10_[body] * p_B.x() + r11_[body] * p_B.y()) + ty_[body]};
}

// point_jacobian: v_k + ω_k x p on the path to the root; x = v_x - ω_z p_y, y = v_y + ω_z p_x.
void PlanarKinematics::point_jacobian(int body, const Eigen::Vector2d& p_W, Eigen::Ref<Eigen::Matrix2Xd> J) const {
  J.setZero();
  for (int j = body; j > 0; j = model_.parent[j]) {
    if (model_.kind[j] == JointKind::kFixed) continue;
    const int k = model_.idx_v[j];
    J(0, k) = vx_[k] - wz_[k] * p_W.y();
    J(1, k) = vy_[k] + wz_[k] * p_W.x();
  }
}

void PlanarKinematics::body_sum_center_of_mass(double& mass, double& com_x) const {
  mass = 0.0;
  double moment_x = 0.0;
  for (int i = 1; i < model_.nbodies; ++i) {
    const double m = model_.inertia[i].mass;
    const Vec3& c = model_.inertia[i].com;
    mass += m;
    moment_x += m * ((r00_[i] * c.x() + r01_[i] * c.y()) + tx_[i]);
  }
  com_x = mass > 0.0 ? moment_x / mass : 0.0;
}

}  // namespace dembones
