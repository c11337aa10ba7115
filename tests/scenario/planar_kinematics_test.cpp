// The posture IK's planar kinematics equal the multibody library's 3D kinematics to the last bit
// (positions, centre of mass, joint, point and centre-of-mass Jacobians), on the lifter model of two
// statures and on a planar tree with every joint kind it accepts (revolute about z and -z, a custom
// joint with a spline rotation and translations, fixed joints, joint frames turned in the plane,
// centres of mass and joint offsets off the plane), at random postures and at the neutral one.
#include <gtest/gtest.h>

#include <random>

#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "scenario/planar_kinematics.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario_test_util.hpp"
#include "squat_reach.hpp"

namespace dembones {
namespace {

SE3 frame(double angle_z, double x, double y, double z) {
  return SE3(Eigen::AngleAxisd(angle_z, Vec3::UnitZ()).toRotationMatrix(), Vec3(x, y, z));
}

SpatialInertia body(double mass, double cx, double cy, double cz) {
  SpatialInertia I;
  I.mass = mass;
  I.com = Vec3(cx, cy, cz);
  I.inertia_about_com = Mat3::Identity() * 0.01 * mass;
  return I;
}

// A planar tree with two branches, every accepted joint kind and frames turned about z.
Model planar_tree() {
  Model m;
  const int foot = add_body(m, 0, Joint::fixed(), frame(0.0, 0.01, 0.0, 0.0), body(1.0, 0.1, 0.03, 0.0), "foot");
  const int shank = add_body(m, foot, Joint::revolute(-Vec3::UnitZ()), frame(0.0, 0.05, 0.04, -0.008),
                             body(3.0, 0.001, 0.25, -0.001), "shank");
  CustomJointFunctions knee;
  const std::vector<double> x{-2.0, -1.2, -0.5, 0.0, 0.2};
  knee.rotation = CoordinateFunction::Spline(x, {-1.9, -1.1, -0.52, 0.0, 0.21});
  knee.translation_x = CoordinateFunction::Spline(x, {0.0068, 0.0052, 0.0027, 0.0, 0.0});
  knee.translation_y = CoordinateFunction::Spline(x, {0.0025, 0.0021, 0.0015, 0.0, 0.0});
  knee.translation_z = CoordinateFunction::Constant(0.002);
  const int thigh =
      add_body(m, shank, Joint::custom_joint(knee), frame(0.0, 0.002, 0.44, -0.0017), body(8.0, 0.005, 0.25, 0.0017), "thigh");
  const int pelvis = add_body(m, thigh, Joint::revolute(-Vec3::UnitZ()), frame(0.2, 0.008, 0.42, 0.003),
                              body(6.0, -0.014, 0.08, -0.078), "pelvis");
  const int trunk = add_body(m, pelvis, Joint::revolute(Vec3::UnitZ()), frame(-0.1, -0.04, 0.1, -0.078),
                             body(20.0, 0.01, 0.3, 0.0), "trunk");
  const int chest = add_body(m, trunk, Joint::fixed(), frame(0.05, 0.001, 0.3, 0.0), body(0.0, 0.0, 0.0, 0.0), "chest");
  add_body(m, chest, Joint::revolute(Vec3::UnitZ()), frame(0.0, -0.001, 0.16, 0.0), body(4.0, 0.0, 0.12, 0.0), "head");
  const int arm = add_body(m, chest, Joint::revolute(Vec3::UnitZ()), frame(0.0, 0.006, 0.1, 0.17),
                           body(2.0, 0.007, -0.16, -0.005), "arm");
  const int forearm = add_body(m, arm, Joint::revolute(Vec3::UnitZ()), frame(0.0, 0.013, -0.28, -0.009),
                               body(1.2, -0.008, -0.12, 0.019), "forearm");
  add_body(m, forearm, Joint::fixed(), frame(0.0, -0.017, -0.27, 0.042), body(0.4, 0.0, -0.07, 0.0), "hand");
  finalize(m);
  return m;
}

// Every quantity the posture IK reads, planar against 3D, at configuration q.
void expect_same_kinematics(const Model& model, const VecX& q, const std::string& where) {
  PlanarKinematics planar(model);
  planar.positions(q);
  planar.jacobians();
  Data data(model);
  center_of_mass_jacobian(model, data, q);
  EXPECT_EQ(planar.mass(), data.mass) << where;
  EXPECT_EQ(planar.com_x(), data.com.x()) << where;
  for (int k = 0; k < model.nv; ++k) {
    EXPECT_EQ(planar.angular_z(k), data.J_W(2, k)) << where << " column " << k;
    EXPECT_EQ(planar.com_jacobian_x()(k), data.J_com(0, k)) << where << " column " << k;
  }
  Matrix3Xd J3 = Matrix3Xd::Zero(3, model.nv);
  Eigen::Matrix2Xd J2 = Eigen::Matrix2Xd::Zero(2, model.nv);
  const Vec3 off_plane(0.031, -0.052, 0.074);
  for (int b = 1; b < model.nbodies; ++b) {
    const std::string at = where + " body " + model.body_names[b];
    EXPECT_EQ(planar.y_axis_inclination(b), std::atan2(data.oMb[b].rotation(0, 1), data.oMb[b].rotation(1, 1))) << at;
    for (const Vec3& p_B : {model.inertia[b].com, off_plane}) {
      const Vec3 p3 = data.oMb[b].act(p_B);
      const Eigen::Vector2d p2 = planar.point(b, p_B);
      EXPECT_EQ(p2.x(), p3.x()) << at;
      EXPECT_EQ(p2.y(), p3.y()) << at;
      point_jacobian(model, data, b, p3, J3);
      planar.point_jacobian(b, p2, J2);
      EXPECT_TRUE((J2.array() == J3.topRows<2>().array()).all()) << at << "\n" << J2 << "\n" << J3.topRows<2>();
    }
  }
  double mass = 0.0, com_x = 0.0;
  planar.body_sum_center_of_mass(mass, com_x);
  center_of_mass_at_current_positions(model, data);
  EXPECT_EQ(mass, data.mass) << where;
  EXPECT_EQ(com_x, data.com.x()) << where;
}

void expect_same_kinematics_at_random_postures(const Model& model, const std::string& name) {
  ASSERT_TRUE(PlanarKinematics::applies(model)) << name;
  expect_same_kinematics(model, VecX::Zero(model.nq), name + " neutral");
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> angle(-2.2, 2.2);
  for (int n = 0; n < 40; ++n) {
    VecX q(model.nq);
    for (int k = 0; k < model.nq; ++k) q(k) = angle(rng);
    expect_same_kinematics(model, q, name + " posture " + std::to_string(n));
  }
}

TEST(PlanarKinematics, EqualsTheMultibodyKinematicsOnTheLifterBitForBit) {
  for (const char* height : {"subject.height_m=1.6", "subject.height_m=1.9"}) {
    ModelCache models;
    const auto run = prepare_run(scenario_test::short_scenario("stoop_lift.yaml", {parse_override(height)}), models);
    expect_same_kinematics_at_random_postures(run->msm.model, height);
  }
}

TEST(PlanarKinematics, EqualsTheMultibodyKinematicsOnAPlanarTreeWithEveryJointKindBitForBit) {
  expect_same_kinematics_at_random_postures(planar_tree(), "planar tree");
}

TEST(PlanarKinematics, RefusesModelsThatLeaveThePlane) {
  EXPECT_FALSE(PlanarKinematics::applies(samples::human20()));  // free base, spherical hips
  EXPECT_FALSE(PlanarKinematics::applies(samples::chain(4)));   // axes z, y, x, general
  EXPECT_FALSE(PlanarKinematics::applies(samples::human20_coupled()));
  Model tilted;
  add_body(tilted, 0, Joint::revolute(Vec3::UnitZ()), SE3(Eigen::AngleAxisd(0.1, Vec3::UnitX()).toRotationMatrix(), Vec3::Zero()),
           body(1.0, 0.0, 0.1, 0.0), "tilted");
  finalize(tilted);
  EXPECT_FALSE(PlanarKinematics::applies(tilted));  // a joint frame turned out of the plane
  EXPECT_THROW(PlanarKinematics{tilted}, InternalError);
}

// The posture IK with the planar kinematics takes the same steps as with the multibody library's:
// the same postures, results and iteration counts to the last bit, from standing down to a box on the
// floor and back with a load, a trunk target, the balance band and the smoothness pull.
TEST(PlanarKinematics, PostureSolverTakesTheSameStepsAsWithTheMultibodyKinematics) {
  ModelCache models;
  const auto run = prepare_run(scenario_test::short_scenario("squat_lift.yaml"), models);
  const Model& model = run->msm.model;
  const TaskRig& rig = run->rig;
  PostureSolver planar(model, rig), tree(model, rig, false);
  ASSERT_TRUE(planar.planar());
  ASSERT_FALSE(tree.planar());
  PostureTargets t = squat_reach::targets(rig);
  VecX a = VecX::Zero(rig.nvars()), b = a, prev = a;
  int steps = 0;
  for (int i = 0; i < squat_reach::kSteps; ++i, ++steps) {
    const PostureResult ra = squat_reach::solve_step(planar, rig, i, t, a, prev);
    const PostureResult rb = squat_reach::solve_step(tree, rig, i, t, b, prev);
    ASSERT_TRUE((a.array() == b.array()).all()) << "step " << i << "\n" << a.transpose() << "\n" << b.transpose();
    EXPECT_EQ(ra.iterations, rb.iterations) << i;
    EXPECT_EQ(ra.converged, rb.converged) << i;
    EXPECT_EQ(ra.hand_error_m, rb.hand_error_m) << i;
    EXPECT_EQ(ra.com_x, rb.com_x) << i;
    EXPECT_EQ(ra.trunk_inclination, rb.trunk_inclination) << i;
    prev = a;
  }
  EXPECT_EQ(steps, 41);
  EXPECT_GT(a(rig.knee), 0.0);
}

}  // namespace
}  // namespace dembones
