#pragma once
// Internal: per-joint kinematics shared by the recursive algorithms. A switch on the precomputed
// JointKind (no virtual dispatch), with axis-aligned revolute fast paths. Not part of the public API.
#include <cmath>

#include "multibody/data.hpp"

namespace dembones::detail {

// sin x and cos x together, inlined: Cody-Waite reduction x = n pi/2 + r, |r| <= pi/4 (pi/2 split in
// a 33-bit head and its tail, so n * head is exact), then the minimax polynomials of Sun's fdlibm
// (FreeBSD msun k_sin.c / k_cos.c, error < 1 ulp on |r| <= pi/4) and the quadrant's swap and signs.
// About a third of the instructions of the libm call for joint angles; |x| > 1e5 and non-finite
// x go to std::sin / std::cos (the reduction above loses accuracy there).
inline void sin_cos(double x, double& s, double& c) {
  if (!(std::abs(x) <= 1e5)) {
    s = std::sin(x);
    c = std::cos(x);
    return;
  }
  constexpr double kInvPio2 = 6.36619772367581382433e-01;  // 2/pi
  constexpr double kPio2Head = 1.57079632673412561417e+00;  // first 33 bits of pi/2
  constexpr double kPio2Tail = 6.07710050650619224932e-11;  // pi/2 - kPio2Head
  constexpr double kRound = 6755399441055744.0;             // 1.5 * 2^52: adding it rounds to an integer
  const double fn = (x * kInvPio2 + kRound) - kRound;
  const double r = (x - fn * kPio2Head) - fn * kPio2Tail;
  const double z = r * r, w = z * z;
  const double ps = 8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 + z * 2.75573137070700676789e-06) +
                    z * w * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10);
  const double sin_r = r + z * r * (-1.66666666666666324348e-01 + z * ps);
  const double pc = z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * 2.48015872894767294178e-05)) +
                    w * w * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11));
  const double hz = 0.5 * z, one_minus_hz = 1.0 - hz;
  const double cos_r = one_minus_hz + (((1.0 - one_minus_hz) - hz) + z * pc);
  const int n = static_cast<int>(fn);
  // x = n pi/2 + r: (sin, cos) = (sin r, cos r), (cos r, -sin r), (-sin r, -cos r), (-cos r, sin r).
  const double a = (n & 1) ? cos_r : sin_r;
  const double b = (n & 1) ? sin_r : cos_r;
  s = (n & 2) ? -a : a;
  c = ((n + 1) & 2) ? -b : b;
}

// R * Rot_x(q) etc., column by column: 6 multiplies per column instead of a 3x3 product.
inline void rotate_x(const Mat3& P, double c, double s, Mat3& R) {
  R.col(0) = P.col(0);
  R.col(1) = c * P.col(1) + s * P.col(2);
  R.col(2) = c * P.col(2) - s * P.col(1);
}
inline void rotate_y(const Mat3& P, double c, double s, Mat3& R) {
  R.col(0) = c * P.col(0) - s * P.col(2);
  R.col(1) = P.col(1);
  R.col(2) = s * P.col(0) + c * P.col(2);
}
inline void rotate_z(const Mat3& P, double c, double s, Mat3& R) {
  R.col(0) = c * P.col(0) + s * P.col(1);
  R.col(1) = c * P.col(1) - s * P.col(0);
  R.col(2) = P.col(2);
}

inline Mat3 quaternion_matrix(const double* q_wxyz) {
  return Quat(q_wxyz[0], q_wxyz[1], q_wxyz[2], q_wxyz[3]).normalized().toRotationMatrix();
}

// Custom and coupled joints: X_J = (R_J = Rot(a, θ(x)), p(x)) with p along the joint-frame axes
// (OpenSim SpatialTransform: translations expressed in the parent-side frame), x the joint's own
// coordinate (custom) or the driver's (coupled). In the child frame the motion subspace is
//   S = [a θ' ; R_J^T p'],
// and its apparent derivative dS/dx = [a θ'' ; R_J^T p'' - θ' a x (R_J^T p')]
// (d R_J^T/dx = -θ' [a]x R_J^T); c_J = dS/dx ẋ² (Featherstone 2008, eq. 4.13 with S̊). Writes S
// into column `col` of data.S.
inline void custom_position(const Model& model, Data& data, int i, double x, int col) {
  const SE3& Xpj = model.X_parent_joint[i];
  SE3& X = data.X_parent[i];
  const CustomJointFunctions& cf = model.joints[i].custom;
  const FunctionValue th = cf.rotation.evaluate(x);
  const FunctionValue px = cf.translation_x.evaluate(x);
  const FunctionValue py = cf.translation_y.evaluate(x);
  const FunctionValue pz = cf.translation_z.evaluate(x);
  const Mat3 RJ = Eigen::AngleAxisd(th.f, cf.rotation_axis).toRotationMatrix();
  const Vec3 p(px.f, py.f, pz.f);
  X.rotation.noalias() = Xpj.rotation * RJ;
  X.translation.noalias() = Xpj.rotation * p;
  X.translation += Xpj.translation;
  data.S.col(col).head<3>() = cf.rotation_axis * th.d1;
  data.S.col(col).tail<3>().noalias() = RJ.transpose() * Vec3(px.d1, py.d1, pz.d1);
  data.custom_theta_d2[i] = th.d2;
  data.custom_p_d2[i].noalias() = RJ.transpose() * Vec3(px.d2, py.d2, pz.d2);
}

// Position pass for the joint of body i: data.X_parent[i] = X_parent_joint * X_J(q), and for custom
// and coupled joints the q-dependent S column and the second-derivative terms used by c_J.
inline void joint_position(const Model& model, Data& data, int i, const VecX& q) {
  const SE3& Xpj = model.X_parent_joint[i];
  SE3& X = data.X_parent[i];
  const int iq = model.idx_q[i];
  switch (model.kind[i]) {
    case JointKind::kRevoluteX:
      X.translation = Xpj.translation;
      rotate_x(Xpj.rotation, std::cos(q[iq]), std::sin(q[iq]), X.rotation);
      break;
    case JointKind::kRevoluteY:
      X.translation = Xpj.translation;
      rotate_y(Xpj.rotation, std::cos(q[iq]), std::sin(q[iq]), X.rotation);
      break;
    case JointKind::kRevoluteZ:
      X.translation = Xpj.translation;
      rotate_z(Xpj.rotation, std::cos(q[iq]), std::sin(q[iq]), X.rotation);
      break;
    case JointKind::kRevoluteAxis:
      X.translation = Xpj.translation;
      X.rotation.noalias() = Xpj.rotation * Eigen::AngleAxisd(q[iq], model.joints[i].axis).toRotationMatrix();
      break;
    case JointKind::kPrismatic:
      X.rotation = Xpj.rotation;
      X.translation.noalias() = Xpj.rotation * (model.joints[i].axis * q[iq]);
      X.translation += Xpj.translation;
      break;
    case JointKind::kSpherical:
      X.translation = Xpj.translation;
      X.rotation.noalias() = Xpj.rotation * quaternion_matrix(&q[iq]);
      break;
    case JointKind::kFree:
      X.rotation.noalias() = Xpj.rotation * quaternion_matrix(&q[iq + 3]);
      X.translation.noalias() = Xpj.rotation * q.segment<3>(iq);
      X.translation += Xpj.translation;
      break;
    case JointKind::kFixed:
      X = Xpj;
      break;
    case JointKind::kCustom:
      custom_position(model, data, i, q[iq], model.idx_v[i]);
      break;
    case JointKind::kCoupled:
      // Same motion as a custom joint, evaluated at the driver's coordinate (model.hpp).
      custom_position(model, data, i, q[model.driver_q[i]], model.idx_s[i]);
      break;
  }
}

// Joint velocity S q̇ in the child frame.
inline Motion joint_velocity(const Model& model, const Data& data, int i, const VecX& v) {
  const int iv = model.idx_v[i];
  Motion m;
  switch (model.kind[i]) {
    case JointKind::kRevoluteX: m.angular.x() = v[iv]; break;
    case JointKind::kRevoluteY: m.angular.y() = v[iv]; break;
    case JointKind::kRevoluteZ: m.angular.z() = v[iv]; break;
    case JointKind::kRevoluteAxis: m.angular = model.joints[i].axis * v[iv]; break;
    case JointKind::kPrismatic: m.linear = model.joints[i].axis * v[iv]; break;
    case JointKind::kSpherical: m.angular = v.segment<3>(iv); break;
    case JointKind::kFree:
      m.angular = v.segment<3>(iv);
      m.linear = v.segment<3>(iv + 3);
      break;
    case JointKind::kFixed: break;
    case JointKind::kCustom:
      m.angular = data.S.col(iv).head<3>() * v[iv];
      m.linear = data.S.col(iv).tail<3>() * v[iv];
      break;
    case JointKind::kCoupled: {
      const int is = model.idx_s[i];
      const double vd = v[model.driver_v[i]];
      m.angular = data.S.col(is).head<3>() * vd;
      m.linear = data.S.col(is).tail<3>() * vd;
      break;
    }
  }
  return m;
}

// Velocity-product term c_J = S̊ q̇ (zero except for custom and coupled joints, whose S depends on
// q); for a coupled joint q̇ is the driver's velocity.
inline Motion joint_bias(const Model& model, const Data& data, int i, const VecX& v) {
  Motion c;
  const JointKind kind = model.kind[i];
  if (kind == JointKind::kCustom || kind == JointKind::kCoupled) {
    const int is = model.idx_s[i];
    const double x_dot = v[model.column_v[is]];
    const double qd2 = x_dot * x_dot;
    const Vec3 s_ang = data.S.col(is).head<3>();
    const Vec3 s_lin = data.S.col(is).tail<3>();
    c.angular = model.joints[i].custom.rotation_axis * (data.custom_theta_d2[i] * qd2);
    c.linear = (data.custom_p_d2[i] - s_ang.cross(s_lin)) * qd2;
  }
  return c;
}

// τ_i = S^T f for the joint of body i, written into tau.segment(idx_v, nv_j). Coupled joints own no
// entry of tau: their S^T f is added to the driver's by add_coupled_joint_forces.
inline void joint_force(const Model& model, const Data& data, int i, const Force& f, VecX& tau) {
  const int iv = model.idx_v[i];
  switch (model.kind[i]) {
    case JointKind::kRevoluteX: tau[iv] = f.angular.x(); break;
    case JointKind::kRevoluteY: tau[iv] = f.angular.y(); break;
    case JointKind::kRevoluteZ: tau[iv] = f.angular.z(); break;
    case JointKind::kRevoluteAxis: tau[iv] = model.joints[i].axis.dot(f.angular); break;
    case JointKind::kPrismatic: tau[iv] = model.joints[i].axis.dot(f.linear); break;
    case JointKind::kSpherical: tau.segment<3>(iv) = f.angular; break;
    case JointKind::kFree:
      tau.segment<3>(iv) = f.angular;
      tau.segment<3>(iv + 3) = f.linear;
      break;
    case JointKind::kFixed: break;
    case JointKind::kCustom:
      tau[iv] = data.S.col(iv).head<3>().dot(f.angular) + data.S.col(iv).tail<3>().dot(f.linear);
      break;
    case JointKind::kCoupled: break;
  }
}

// Chain rule for coupled joints: the driver's generalized force gains S^T f of every joint it drives
// (virtual power S q̇_d · f). f_joint: (nbodies) joint forces in body frames after the backward pass.
inline void add_coupled_joint_forces(const Model& model, const Data& data, const std::vector<Force>& f_joint,
                                     VecX& tau) {
  for (int i : model.coupled_bodies) {
    const int is = model.idx_s[i];
    const Force& f = f_joint[i];
    tau[model.driver_v[i]] += data.S.col(is).head<3>().dot(f.angular) + data.S.col(is).tail<3>().dot(f.linear);
  }
}

// v x v_J (Featherstone eq. 2.31) with the joint-velocity structure used: for an axis-aligned
// revolute joint v_J = q̇ e_k, and w x e_k is a permutation of w's entries (no multiplies but q̇).
inline Motion cross_joint_velocity(const Model& model, int i, const Motion& v, const Motion& vJ) {
  switch (model.kind[i]) {
    case JointKind::kRevoluteX: {
      const double qd = vJ.angular.x();
      return Motion{Vec3(0.0, v.angular.z() * qd, -v.angular.y() * qd), Vec3(0.0, v.linear.z() * qd, -v.linear.y() * qd)};
    }
    case JointKind::kRevoluteY: {
      const double qd = vJ.angular.y();
      return Motion{Vec3(-v.angular.z() * qd, 0.0, v.angular.x() * qd), Vec3(-v.linear.z() * qd, 0.0, v.linear.x() * qd)};
    }
    case JointKind::kRevoluteZ: {
      const double qd = vJ.angular.z();
      return Motion{Vec3(v.angular.y() * qd, -v.angular.x() * qd, 0.0), Vec3(v.linear.y() * qd, -v.linear.x() * qd, 0.0)};
    }
    default: return cross(v, vJ);
  }
}

inline Motion column_motion(const Matrix6Xd& S, int k) {
  return Motion{S.col(k).head<3>(), S.col(k).tail<3>()};
}

}  // namespace dembones::detail
