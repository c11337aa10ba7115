// Spatial algebra against the dense 6x6 definitions (Featherstone 2008, ch. 2).
#include <gtest/gtest.h>

#include <random>

#include "spatial/spatial.hpp"

namespace dembones {
namespace {

struct Random {
  std::mt19937 gen{7};
  double u() { return std::uniform_real_distribution<double>(-1, 1)(gen); }
  Vec3 vec() { return Vec3(u(), u(), u()); }
  SE3 pose() { return SE3(Quat(u(), u(), u(), u()).normalized().toRotationMatrix(), vec()); }
  Motion motion() { return Motion{vec(), vec()}; }
  Force force() { return Force{vec(), vec()}; }
  SpatialInertia inertia() {
    SpatialInertia I;
    I.mass = 1.0 + u() * 0.5;
    I.com = vec() * 0.3;
    const Mat3 A = Mat3::Random();
    I.inertia_about_com = A * A.transpose() + Mat3::Identity();
    return I;
  }
};

Mat6 motion_cross_matrix(const Motion& v) {
  Mat6 X = Mat6::Zero();
  X.topLeftCorner<3, 3>() = skew(v.angular);
  X.bottomRightCorner<3, 3>() = skew(v.angular);
  X.bottomLeftCorner<3, 3>() = skew(v.linear);
  return X;
}

TEST(Spatial, TransformsMatchDenseMatrices) {
  Random r;
  for (int trial = 0; trial < 20; ++trial) {
    const SE3 X = r.pose();
    const Motion m = r.motion();
    const Force f = r.force();
    const Mat6 Xm = X.to_motion_matrix();
    const Mat6 Xf = Xm.inverse().transpose();  // force transform X^* = X^-T (Featherstone eq. 2.25)
    EXPECT_TRUE(X.act(m).to_vector().isApprox(Xm * m.to_vector(), 1e-12));
    EXPECT_TRUE(X.actInv(m).to_vector().isApprox(Xm.inverse() * m.to_vector(), 1e-12));
    EXPECT_TRUE(X.act(f).to_vector().isApprox(Xf * f.to_vector(), 1e-12));
    EXPECT_TRUE(X.actInv(f).to_vector().isApprox(Xf.inverse() * f.to_vector(), 1e-12));
    // Power is frame invariant.
    EXPECT_NEAR(dot(X.act(m), X.act(f)), dot(m, f), 1e-12);
    // Composition and inverse.
    const SE3 Y = r.pose();
    EXPECT_TRUE((X * Y).to_motion_matrix().isApprox(Xm * Y.to_motion_matrix(), 1e-12));
    EXPECT_TRUE((X * X.inverse()).isApprox(SE3::Identity(), 1e-12));
    const Vec3 p = r.vec();
    EXPECT_TRUE(X.actInv(X.act(p)).isApprox(p, 1e-12));
  }
}

TEST(Spatial, CrossProductsMatchDenseMatrices) {
  Random r;
  for (int trial = 0; trial < 20; ++trial) {
    const Motion v = r.motion();
    const Motion m = r.motion();
    const Force f = r.force();
    const Mat6 vx = motion_cross_matrix(v);
    EXPECT_TRUE(cross(v, m).to_vector().isApprox(vx * m.to_vector(), 1e-12));
    EXPECT_TRUE(cross(v, f).to_vector().isApprox(-vx.transpose() * f.to_vector(), 1e-12));
  }
}

TEST(Spatial, InertiaApplyAndTransformMatchDense) {
  Random r;
  for (int trial = 0; trial < 20; ++trial) {
    const SpatialInertia I = r.inertia();
    const InertiaAtOrigin Io = I.at_origin();
    const Motion v = r.motion();
    // Momentum of a rigid body: linear m (v_o + ω x c), angular about O: I_C ω + c x linear.
    const Vec3 lin = I.mass * (v.linear + v.angular.cross(I.com));
    const Vec3 ang = I.inertia_about_com * v.angular + I.com.cross(lin);
    const Force h = Io.apply(v);
    EXPECT_TRUE(h.linear.isApprox(lin, 1e-12));
    EXPECT_TRUE(h.angular.isApprox(ang, 1e-12));
    EXPECT_TRUE(Io.to_matrix().isApprox(Io.to_matrix().transpose(), 1e-14));
    // I_A = X^* I_B X^-1.
    const SE3 X = r.pose();
    const Mat6 Xm = X.to_motion_matrix();
    const Mat6 expected = Xm.inverse().transpose() * Io.to_matrix() * Xm.inverse();
    EXPECT_TRUE(Io.transformed_by(X).to_matrix().isApprox(expected, 1e-12));
    Mat6 IA = Mat6::Zero();
    Mat6 general = Io.to_matrix();
    general(0, 4) += 0.3;  // a general (articulated) symmetric inertia
    general(4, 0) += 0.3;
    add_transformed_articulated_inertia(X, general, IA);
    EXPECT_TRUE(IA.isApprox(Xm.inverse().transpose() * general * Xm.inverse(), 1e-12));
    // Kinetic energy is frame invariant.
    EXPECT_NEAR(Io.transformed_by(X).kinetic_energy(X.act(v)), Io.kinetic_energy(v), 1e-12);
  }
}

}  // namespace
}  // namespace dembones
