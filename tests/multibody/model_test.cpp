// Model building (checks on bad input, derived arrays) and the configuration-space operations
// (integrate / difference / velocity_to_qdot) on every joint type.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "multibody/configuration.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "test_util.hpp"

namespace dembones {
namespace {

SpatialInertia unit_inertia() {
  SpatialInertia I;
  I.mass = 1.0;
  I.inertia_about_com = Mat3::Identity() * 0.01;
  return I;
}

TEST(Model, RejectsBadInput) {
  Model m;
  EXPECT_THROW(add_body(m, 3, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), unit_inertia(), "a"), InputError);
  EXPECT_THROW(add_body(m, 0, Joint::revolute(Vec3(1, 1, 0)), SE3::Identity(), unit_inertia(), "a"), InputError);
  EXPECT_THROW(add_body(m, 0, Joint::spherical(), SE3::Identity(), unit_inertia(), "a", {"x", "y"}), InputError);
  SpatialInertia bad = unit_inertia();
  bad.mass = -1.0;
  EXPECT_THROW(add_body(m, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), bad, "a"), InputError);
  add_body(m, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), unit_inertia(), "a", {"qa"});
  EXPECT_THROW(add_body(m, 1, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), unit_inertia(), "a"), InputError);
  EXPECT_THROW(add_body(m, 1, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), unit_inertia(), "b", {"qa"}),
               InputError);
  EXPECT_THROW(Data{m}, InternalError);  // not finalized
}

TEST(Model, DerivedArraysOfHuman20) {
  const Model m = samples::human20();
  EXPECT_EQ(m.nv, 20);
  EXPECT_EQ(m.nq, 23);  // each quaternion (free base, two hips) has one coordinate more than its velocities
  const int knee = m.find_coordinate("knee_angle_r");
  ASSERT_GE(knee, 0);
  const int tibia = m.find_body("tibia_r");
  EXPECT_EQ(m.velocity_body[knee], tibia);
  // The support of the right tibia: pelvis (6), right hip (3), right knee (1).
  EXPECT_EQ(m.support[tibia].size(), 10u);
  EXPECT_EQ(m.find_body("nope"), -1);
  EXPECT_EQ(m.find_coordinate("nope"), -1);
  EXPECT_EQ(static_cast<int>(m.coordinate_names.size()), m.nv);
  // Its bodies' inertias are given in principal axes and its joint frames are translations only;
  // head, feet and arms are the leaves.
  for (int i = 1; i < m.nbodies; ++i) {
    EXPECT_TRUE(m.traits[i].principal_inertia) << m.body_names[i];
    EXPECT_TRUE(m.traits[i].joint_rotation_free) << m.body_names[i];
    const std::string& name = m.body_names[i];
    const bool leaf = name == "head" || name.rfind("foot", 0) == 0 || name.rfind("arm", 0) == 0;
    EXPECT_EQ(m.traits[i].leaf, leaf) << name;
  }
}

TEST(Configuration, DifferenceInvertsIntegrate) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE(seed);
    const Model m = samples::random_tree(seed, 6, seed % 2 == 1);
    const VecX q0 = random_configuration(m, seed, 1.0);
    const VecX v = test::random_vector(m.nv, 100 + seed, 1.0);
    VecX q1(m.nq), back(m.nv);
    integrate(m, q0, v, 0.7, q1);
    difference(m, q0, q1, back);
    EXPECT_TRUE(test::near_rel(back, VecX(0.7 * v), 1e-10));
    // q̇ from velocity_to_qdot matches the derivative of integrate at dt = 0.
    VecX qdot(m.nq), qp(m.nq), qm(m.nq);
    velocity_to_qdot(m, q0, v, qdot);
    const double h = 1e-6;
    integrate(m, q0, v, h, qp);
    integrate(m, q0, v, -h, qm);
    EXPECT_TRUE(test::near_rel(qdot, VecX((qp - qm) / (2 * h)), 1e-7));
  }
}

}  // namespace
}  // namespace dembones
