#include "scenario/task_generator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "common/error.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/model.hpp"

namespace dembones {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

SpatialInertia rod(double mass, double length) {
  // A uniform rod along +y from the joint: COM at half length, I = m L² / 12 about the COM.
  SpatialInertia I;
  I.mass = mass;
  I.com = Vec3(0, length / 2, 0);
  I.inertia_about_com = Mat3::Identity() * mass * length * length / 12.0;
  return I;
}

SE3 at(double x, double y) {
  SE3 X = SE3::Identity();
  X.translation = Vec3(x, y, 0);
  return X;
}

// A sagittal stick person standing on a foot fixed to the ground: ankle, knee, hip, two lumbar levels,
// shoulder, elbow. Segment proportions loosely after a 1.75 m adult; it only has to behave like one.
struct StickPerson {
  Model model;
  TaskRig rig;
  StickPerson() {
    const Vec3 z = Vec3::UnitZ();
    const int foot = add_body(model, 0, Joint::fixed(), at(0, 0), rod(2.0, 0.08), "foot");
    const int shank = add_body(model, foot, Joint::revolute(z), at(0, 0.08), rod(7.0, 0.43), "shank", {"ankle"});
    const int thigh = add_body(model, shank, Joint::revolute(z), at(0, 0.43), rod(20.0, 0.42), "thigh", {"knee"});
    const int pelvis = add_body(model, thigh, Joint::revolute(z), at(0, 0.42), rod(10.0, 0.10), "pelvis", {"hip"});
    const int l5 = add_body(model, pelvis, Joint::revolute(z), at(0, 0.10), rod(6.0, 0.12), "lumbar", {"L5_S1"});
    const int thorax = add_body(model, l5, Joint::revolute(z), at(0, 0.12), rod(25.0, 0.50), "thorax", {"L1_L2"});
    const int arm = add_body(model, thorax, Joint::revolute(z), at(0, 0.35), rod(4.0, -0.30), "arm", {"shoulder"});
    const int forearm = add_body(model, arm, Joint::revolute(z), at(0, -0.30), rod(3.0, -0.35), "forearm", {"elbow"});
    finalize(model);
    rig.hand_body = forearm;
    rig.hand_point_B = Vec3(0, -0.35, 0);
    rig.trunk_body = thorax;
    rig.hip_body = pelvis;
    rig.ankle_W = Vec3(0, 0.08, 0);
    rig.heel_x = -0.06;
    rig.toe_x = 0.20;
    rig.q_offset = VecX::Zero(model.nq);
    // Clinical flexion conventions: knee, shoulder and elbow flex about +z, ankle dorsiflexion, hip and
    // lumbar flexion about -z in this foot-rooted chain. Lumbar flexion split 50/50 between the levels.
    auto var = [&](const char* name, std::vector<int> c, std::vector<double> r, double lo, double hi) {
      rig.vars.push_back({name, std::move(c), std::move(r), lo, hi});
      return rig.nvars() - 1;
    };
    rig.ankle = var("ankle", {0}, {-1}, -30 * kDeg, 40 * kDeg);
    rig.knee = var("knee", {1}, {1}, 0, 140 * kDeg);
    rig.hip = var("hip", {2}, {-1}, -20 * kDeg, 120 * kDeg);
    rig.lumbar = var("lumbar", {3, 4}, {-0.5, -0.5}, -20 * kDeg, 60 * kDeg);
    rig.shoulder = var("shoulder", {5}, {1}, -40 * kDeg, 170 * kDeg);
    rig.elbow = var("elbow", {6}, {1}, 0, 145 * kDeg);
  }
};

TaskSpec lift(Technique technique) {
  TaskSpec t;
  t.type = TaskType::lift;
  t.technique = technique;
  t.box.mass_kg = 10;
  t.start = {0.35, 0.25};
  t.end = {0.30, 0.95};
  t.duration_s = 2.0;
  t.pause_s = 0.1;
  return t;
}

TEST(TaskGenerator, MinimumJerkProfile) {
  EXPECT_DOUBLE_EQ(minimum_jerk(0), 0);
  EXPECT_DOUBLE_EQ(minimum_jerk(1), 1);
  EXPECT_DOUBLE_EQ(minimum_jerk(0.5), 0.5);
  // Zero velocity at both ends: s'(τ) = 30τ² − 60τ³ + 30τ⁴.
  EXPECT_NEAR((minimum_jerk(1e-4) - minimum_jerk(0)) / 1e-4, 0, 1e-6);
}

class LiftTest : public ::testing::TestWithParam<Technique> {};

TEST_P(LiftTest, HandsOnTheBoxLimitsRespectedBalanceKeptSmooth) {
  StickPerson p;
  const TaskSpec task = lift(GetParam());
  const GeneratedMotion m = generate_task_motion(p.model, p.rig, task, 100.0);
  ASSERT_EQ(m.q.rows(), 10 + 201 + 10);
  Data d(p.model);
  for (int f : {0, static_cast<int>(m.q.rows()) - 1}) {
    forward_kinematics(p.model, d, m.q.row(f).transpose());
    const Vec3 hand = d.oMb[p.rig.hand_body].act(p.rig.hand_point_B);
    const SagittalPoint& target = f == 0 ? task.start : task.end;
    EXPECT_LT(std::hypot(hand.x() - target.forward_m, hand.y() - target.height_m), 0.01) << "frame " << f;
  }
  // Joint limits, in the rig's variables: recover θ from q through each variable's first coordinate.
  for (int f = 0; f < m.q.rows(); ++f)
    for (const PostureVariable& v : p.rig.vars) {
      const double theta = m.q(f, v.coords[0]) / v.ratios[0];
      EXPECT_GE(theta, v.lower - 1e-9) << v.name;
      EXPECT_LE(theta, v.upper + 1e-9) << v.name;
    }
  // Balance: centre of mass of body and box within the feet at every frame.
  for (int f = 0; f < m.com_x.size(); ++f) {
    EXPECT_GE(m.com_x(f), p.rig.heel_x);
    EXPECT_LE(m.com_x(f), p.rig.toe_x);
  }
  // Smooth: joint speeds below 400°/s (4° per 10 ms frame, above what fast lifts reach) and no kinks:
  // the change of speed between successive frames (second difference) below 1° per frame², where a
  // velocity jump of the size of a lift's joint speeds (~200°/s) would show as 2°.
  for (int f = 1; f < m.q.rows(); ++f)
    EXPECT_LT((m.q.row(f) - m.q.row(f - 1)).cwiseAbs().maxCoeff(), 4 * kDeg) << "frame " << f;
  for (int f = 1; f + 1 < m.q.rows(); ++f)
    EXPECT_LT((m.q.row(f + 1) - 2 * m.q.row(f) + m.q.row(f - 1)).cwiseAbs().maxCoeff(), 1 * kDeg) << "frame " << f;
}

INSTANTIATE_TEST_SUITE_P(Techniques, LiftTest,
                         ::testing::Values(Technique::stoop, Technique::squat, Technique::semi_squat));

TEST(TaskGenerator, StoopKeepsKneesStraightSquatBendsThemAndKeepsTheTrunkUpright) {
  StickPerson p;
  const GeneratedMotion stoop = generate_task_motion(p.model, p.rig, lift(Technique::stoop), 100.0);
  const GeneratedMotion squat = generate_task_motion(p.model, p.rig, lift(Technique::squat), 100.0);
  const double knee_stoop = stoop.q(0, 1), knee_squat = squat.q(0, 1);
  EXPECT_LT(knee_stoop, 20 * kDeg);
  EXPECT_GT(knee_squat, 60 * kDeg);
  Data d(p.model);
  forward_kinematics(p.model, d, stoop.q.row(0).transpose());
  const double trunk_stoop = trunk_inclination(d.oMb[p.rig.trunk_body]);
  forward_kinematics(p.model, d, squat.q.row(0).transpose());
  const double trunk_squat = trunk_inclination(d.oMb[p.rig.trunk_body]);
  EXPECT_GT(trunk_stoop, trunk_squat + 20 * kDeg) << trunk_stoop / kDeg << " vs " << trunk_squat / kDeg;
}

TEST(TaskGenerator, UnreachableBoxIsAnErrorNamingTheField) {
  StickPerson p;
  TaskSpec t = lift(Technique::stoop);
  t.start = {1.4, 0.2};  // far beyond arm's reach with the feet fixed
  try {
    generate_task_motion(p.model, p.rig, t, 100.0, "far.yaml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.start");
    EXPECT_EQ(e.where().file, "far.yaml");
  }
  // The end out of reach names the end (audit: it named task.start), for a lift and for a lower,
  // whose path runs the other way.
  for (const TaskType type : {TaskType::lift, TaskType::lower}) {
    TaskSpec far_end = lift(Technique::stoop);
    far_end.type = type;
    far_end.end = {0.3, 2.4};  // above the reach of the raised arms
    try {
      generate_task_motion(p.model, p.rig, far_end, 100.0, "high.yaml");
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, "task.end") << e.what();
    }
  }
}

TEST(TaskGenerator, ForwardBendReachesTheTrunkAngle) {
  StickPerson p;
  TaskSpec t;
  t.type = TaskType::forward_bend;
  t.trunk_flexion_rad = 40 * kDeg;
  t.duration_s = 1.0;
  const GeneratedMotion m = generate_task_motion(p.model, p.rig, t, 100.0);
  // The flexion is a rotation from the standing trunk (the motion's first frame), whatever the trunk
  // frame's inclination in standing.
  Data d(p.model);
  forward_kinematics(p.model, d, m.q.row(0).transpose());
  const double standing = trunk_inclination(d.oMb[p.rig.trunk_body]);
  forward_kinematics(p.model, d, m.q.row(m.q.rows() - 1).transpose());
  EXPECT_NEAR(trunk_inclination(d.oMb[p.rig.trunk_body]) - standing, 40 * kDeg, 1.5 * kDeg);
}

TEST(TaskGenerator, SitToStandStartsAtTheChairAndEndsUpright) {
  StickPerson p;
  TaskSpec t;
  t.type = TaskType::sit_to_stand;
  t.chair_height_m = 0.50;
  t.duration_s = 1.0;
  const GeneratedMotion m = generate_task_motion(p.model, p.rig, t, 100.0);
  Data d(p.model);
  forward_kinematics(p.model, d, m.q.row(0).transpose());
  EXPECT_NEAR(d.oMb[p.rig.hip_body].translation.y(), 0.50, 0.01);
  forward_kinematics(p.model, d, m.q.row(m.q.rows() - 1).transpose());
  EXPECT_GT(d.oMb[p.rig.hip_body].translation.y(), 0.90);
}

}  // namespace
}  // namespace dembones
