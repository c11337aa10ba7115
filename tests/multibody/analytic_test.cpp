// Closed-form cases: single pendulum, planar double pendulum (Spong, Hutchinson & Vidyasagar, Robot
// Modeling and Control, 2006, sec. 7.3 with angles from the downward vertical), free-floating body.
#include <gtest/gtest.h>

#include <cmath>

#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/crba.hpp"
#include "multibody/energy.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "rk4.hpp"
#include "test_util.hpp"

namespace dembones {
namespace {

SpatialInertia rod(double mass, double com_y, double izz) {
  SpatialInertia I;
  I.mass = mass;
  I.com = Vec3(0, com_y, 0);
  I.inertia_about_com = Vec3(0.7 * izz, 0.1 * izz, izz).asDiagonal();
  return I;
}

TEST(Analytic, SinglePendulum) {
  const double m = 1.7, l = 0.45, Ic = 0.031, g = 9.81;
  Model model;
  add_body(model, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), rod(m, -l, Ic), "bob", {"theta"});
  finalize(model);
  Data data(model);
  for (double q0 : {0.0, 0.4, -1.3, 2.9}) {
    const VecX q = VecX::Constant(1, q0), v = VecX::Constant(1, 0.8), a = VecX::Constant(1, -1.1);
    // τ = (I_c + m l²) q̈ + m g l sin q.
    const double tau = (Ic + m * l * l) * a[0] + m * g * l * std::sin(q0);
    EXPECT_NEAR(rnea(model, data, q, v, a)[0], tau, 1e-12);
    EXPECT_NEAR(crba(model, data, q)(0, 0), Ic + m * l * l, 1e-12);
    EXPECT_NEAR(aba(model, data, q, v, VecX::Constant(1, tau))[0], a[0], 1e-12);
    EXPECT_NEAR(potential_energy(model, data, q), -m * g * l * std::cos(q0), 1e-12);
    EXPECT_NEAR(kinetic_energy(model, data, q, v), 0.5 * (Ic + m * l * l) * v[0] * v[0], 1e-12);
  }
}

TEST(Analytic, DoublePendulum) {
  const double m1 = 1.3, m2 = 0.9, l1 = 0.5, lc1 = 0.22, lc2 = 0.31, I1 = 0.04, I2 = 0.025, g = 9.81;
  Model model;
  const int b1 = add_body(model, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), rod(m1, -lc1, I1), "upper");
  add_body(model, b1, Joint::revolute(Vec3::UnitZ()), SE3(Mat3::Identity(), Vec3(0, -l1, 0)), rod(m2, -lc2, I2),
           "lower");
  finalize(model);
  Data data(model);
  for (int trial = 0; trial < 10; ++trial) {
    const VecX q = test::random_vector(2, 10 + trial, 3.0);
    const VecX v = test::random_vector(2, 20 + trial, 2.0);
    const VecX a = test::random_vector(2, 30 + trial, 2.0);
    const double c2 = std::cos(q[1]), s2 = std::sin(q[1]);
    Eigen::Matrix2d M;
    M(0, 0) = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c2) + I1 + I2;
    M(0, 1) = M(1, 0) = m2 * (lc2 * lc2 + l1 * lc2 * c2) + I2;
    M(1, 1) = m2 * lc2 * lc2 + I2;
    const double h = -m2 * l1 * lc2 * s2;
    const Eigen::Vector2d coriolis(h * (2 * v[0] * v[1] + v[1] * v[1]), -h * v[0] * v[0]);
    const Eigen::Vector2d gravity(m1 * g * lc1 * std::sin(q[0]) + m2 * g * (l1 * std::sin(q[0]) + lc2 * std::sin(q[0] + q[1])),
                                  m2 * g * lc2 * std::sin(q[0] + q[1]));
    const Eigen::Vector2d tau = M * a + coriolis + gravity;
    EXPECT_TRUE(test::near_rel(crba(model, data, q), M, 1e-12));
    EXPECT_TRUE(test::near_rel(rnea(model, data, q, v, a), tau, 1e-12));
    EXPECT_TRUE(test::near_rel(nonlinear_effects(model, data, q, v), Eigen::Vector2d(coriolis + gravity), 1e-12));
    EXPECT_TRUE(test::near_rel(aba(model, data, q, v, tau), a, 1e-11));
  }
}

// A single free body without gravity: linear and angular momentum about a fixed point are constant,
// the centre of mass moves in a straight line at constant speed, and the energy is constant.
TEST(Analytic, FreeFloatingBodyConservesMomentum) {
  Model model;
  SpatialInertia I;
  I.mass = 3.2;
  I.com = Vec3(0.05, -0.08, 0.12);
  I.inertia_about_com << 0.09, 0.01, -0.02, 0.01, 0.05, 0.005, -0.02, 0.005, 0.07;
  add_body(model, 0, Joint::free(), SE3::Identity(), I, "body");
  model.gravity.setZero();
  finalize(model);
  Data data(model);
  VecX q = random_configuration(model, 3);
  VecX v = test::random_vector(6, 4, 2.0);
  const VecX zero = VecX::Zero(6);
  forward_kinematics(model, data, q, v);
  const Force h0 = spatial_momentum(model, data);
  const Vec3 c0 = center_of_mass(model, data, q);
  const double T0 = kinetic_energy(model, data, q, v);
  const double dt = 1e-3;
  const int steps = 1000;
  for (int s = 0; s < steps; ++s) test::rk4_step(model, data, dt, zero, q, v);
  forward_kinematics(model, data, q, v);
  const Force h1 = spatial_momentum(model, data);
  EXPECT_TRUE(test::near_rel(h1.linear, h0.linear, 1e-9));
  EXPECT_TRUE(test::near_rel(h1.angular, h0.angular, 1e-8));
  const Vec3 c1 = center_of_mass(model, data, q);
  EXPECT_TRUE(test::near_rel(c1, Vec3(c0 + h0.linear / I.mass * (steps * dt)), 1e-8));
  EXPECT_NEAR(kinetic_energy(model, data, q, v), T0, 1e-8 * T0);
}

}  // namespace
}  // namespace dembones
