#pragma once
// Shared helpers for the multibody tests: seeded random vectors and an abs+rel tolerance check
// (after MuJoCo's test/fixture.h).
#include <gtest/gtest.h>

#include <random>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "spatial/types.hpp"

namespace dembones::test {

inline VecX random_vector(int n, unsigned seed, double range = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(-range, range);
  VecX x(n);
  for (int k = 0; k < n; ++k) x[k] = uni(rng);
  return x;
}

// |a - b| <= tol * (1 + max|b|), element-wise, with a readable failure message.
template <typename A, typename B>
::testing::AssertionResult near_rel(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b, double tol) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return ::testing::AssertionFailure() << "size mismatch";
  const double scale = 1.0 + b.cwiseAbs().maxCoeff();
  const double err = (a - b).cwiseAbs().maxCoeff();
  if (err <= tol * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max abs error " << err << " > " << tol << " * " << scale << "\n a = "
                                       << a.transpose() << "\n b = " << b.transpose();
}

// J̇q̇ of a point fixed in every body against the second difference of its position along the
// constant-velocity path q(t) = q ⊕ v t (q̈ = 0 for every joint type: integrate() follows the
// exponential map), and forward-kinematics accelerations against J a + J̇q̇.
inline void expect_jdot_qdot_matches_finite_differences(const Model& m, const VecX& q, const VecX& v,
                                                        const VecX& a, double h = 1e-4) {
  Data data(m), d0(m), dp(m), dm(m), dfk(m);
  compute_jdot_qdot(m, data, q, v);
  VecX qp(m.nq), qm(m.nq);
  integrate(m, q, v, h, qp);
  integrate(m, q, v, -h, qm);
  forward_kinematics(m, d0, q);
  forward_kinematics(m, dp, qp);
  forward_kinematics(m, dm, qm);
  forward_kinematics(m, dfk, q, v, a);
  compute_joint_jacobians(m, dfk, q);
  Matrix3Xd Jp(3, m.nv);
  for (int b = 1; b < m.nbodies; ++b) {
    const Vec3 r_B(0.12, -0.07, 0.2);
    const Vec3 p_W = d0.oMb[b].act(r_B);
    const Vec3 fd = (dp.oMb[b].act(r_B) - 2 * p_W + dm.oMb[b].act(r_B)) / (h * h);
    EXPECT_TRUE(near_rel(point_jdot_qdot(m, data, b, p_W), fd, 1e-5)) << "body " << b;
    point_jacobian(m, dfk, b, p_W, Jp);
    EXPECT_TRUE(near_rel(point_acceleration(m, dfk, b, p_W), Vec3(Jp * a + point_jdot_qdot(m, data, b, p_W)), 1e-11));
  }
}

}  // namespace dembones::test
