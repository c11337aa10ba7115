#pragma once
// Rigid transform X_AB: the pose of frame B in frame A, p_A = R p_B + t (R = R_AB, t = p_AoBo_A).
// Acting on spatial vectors it maps B coordinates to A coordinates (Featherstone's ^A X_B for motions
// and ^A X_B^* for forces, eqs. 2.24-2.26), written with 3x3 blocks: never a dense 6x6 product.
#include "spatial/motion.hpp"

namespace dembones {

struct SE3 {
  Mat3 rotation = Mat3::Identity();
  Vec3 translation = Vec3::Zero();

  static SE3 Identity() { return SE3{}; }
  SE3() = default;
  SE3(const Mat3& R, const Vec3& t) : rotation(R), translation(t) {}

  // Point: p_A = R p_B + t.
  Vec3 act(const Vec3& p_B) const { return rotation * p_B + translation; }
  Vec3 actInv(const Vec3& p_A) const { return rotation.transpose() * (p_A - translation); }

  // Motion: ω_A = R ω_B ; v_A = R v_B + t x (R ω_B).
  Motion act(const Motion& m) const {
    Motion r;
    r.angular.noalias() = rotation * m.angular;
    r.linear.noalias() = rotation * m.linear;
    r.linear += translation.cross(r.angular);
    return r;
  }
  // Inverse motion map: ω_B = R^T ω_A ; v_B = R^T (v_A - t x ω_A).
  Motion actInv(const Motion& m) const {
    Motion r;
    r.angular.noalias() = rotation.transpose() * m.angular;
    r.linear.noalias() = rotation.transpose() * (m.linear - translation.cross(m.angular));
    return r;
  }
  // Force: f_A = R f_B ; n_A = R n_B + t x f_A.
  Force act(const Force& f) const {
    Force r;
    r.linear.noalias() = rotation * f.linear;
    r.angular.noalias() = rotation * f.angular;
    r.angular += translation.cross(r.linear);
    return r;
  }
  // Inverse force map: f_B = R^T f_A ; n_B = R^T (n_A - t x f_A).
  Force actInv(const Force& f) const {
    Force r;
    r.linear.noalias() = rotation.transpose() * f.linear;
    r.angular.noalias() = rotation.transpose() * (f.angular - translation.cross(f.linear));
    return r;
  }

  // X_AC = X_AB * X_BC.
  SE3 operator*(const SE3& o) const {
    return SE3(rotation * o.rotation, rotation * o.translation + translation);
  }
  SE3 inverse() const {
    return SE3(rotation.transpose(), -(rotation.transpose() * translation));
  }
  // Dense 6x6 motion transform, for tests and debugging only (never in algorithms).
  Mat6 to_motion_matrix() const {
    Mat6 X = Mat6::Zero();
    X.topLeftCorner<3, 3>() = rotation;
    X.bottomRightCorner<3, 3>() = rotation;
    X.bottomLeftCorner<3, 3>() = skew(translation) * rotation;
    return X;
  }
  bool isApprox(const SE3& o, double tol = 1e-12) const {
    return rotation.isApprox(o.rotation, tol) && (translation - o.translation).norm() <= tol;
  }
};

}  // namespace dembones
