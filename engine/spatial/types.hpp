#pragma once
// Eigen type aliases used across the engine. Fixed-size types for 3D quantities; dynamic vectors
// and matrices only for generalized coordinates (sized once from a Model).
#include <Eigen/Core>
#include <Eigen/Geometry>

namespace dembones {

using Vec3 = Eigen::Vector3d;
using Vec6 = Eigen::Matrix<double, 6, 1>;
using Mat3 = Eigen::Matrix3d;
using Mat6 = Eigen::Matrix<double, 6, 6>;
using VecX = Eigen::VectorXd;
using MatX = Eigen::MatrixXd;
using Quat = Eigen::Quaterniond;
using Matrix6Xd = Eigen::Matrix<double, 6, Eigen::Dynamic>;
using Matrix3Xd = Eigen::Matrix<double, 3, Eigen::Dynamic>;

// The skew-symmetric matrix [a]x with [a]x b = a x b.
inline Mat3 skew(const Vec3& a) {
  Mat3 s;
  s << 0.0, -a.z(), a.y(),  //
      a.z(), 0.0, -a.x(),   //
      -a.y(), a.x(), 0.0;
  return s;
}

}  // namespace dembones
