// Sit-to-stand from seat-off (task_spec.hpp, Tully et al. 2005): the generated motion starts at the
// published seat-off posture, and the feet carry the whole body from there (no seat force). The
// centre of pressure that inverse dynamics implies, x_cop = n_z / f_y of the ground's wrench on the
// feet (world frame about the origin; the floor is y = 0), is compared with the feet.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "multibody/energy.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;

std::string scenario(const char* name) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / name).string();
}

// Trunk inclination (rad, forward: the line from the hip joint centre to the shoulder joint centre,
// as Tully et al. 2005's trunk angle; task_generator.cpp) and lumbar flexion (rad, sum over the
// levels) of frame f.
struct SeatOffAngles {
  double trunk_inclination, lumbar_flexion;
};

SeatOffAngles angles_at(const PreparedRun& run, int f) {
  const Model& model = run.msm.model;
  Data d(model);
  forward_kinematics(model, d, run.kinematics.q.row(f).transpose());
  double lumbar = 0.0;
  for (const char* c : {"L5_S1_extension", "L4_L5_extension", "L3_L4_extension", "L2_L3_extension",
                        "L1_L2_extension"}) {
    const int k = model.find_coordinate(c);
    EXPECT_GE(k, 0) << c;
    if (k >= 0) lumbar -= run.kinematics.q(f, k);  // extension coordinates: flexion is negative
  }
  LineInclinationTarget trunk;
  trunk.body_a = run.rig.hip_body;
  trunk.p_a_B = run.rig.hip_point_B;
  trunk.body_b = model.velocity_body[run.rig.vars[run.rig.shoulder].coords[0]];
  return {calc_line_inclination(d, trunk), lumbar};
}

// Centre of pressure under the feet (world x) of every frame, from the inverse dynamics of the
// prepared kinematics (the same q, q', q'' the pipeline uses).
VecX centre_of_pressure(const PreparedRun& run) {
  const Model& model = run.msm.model;
  Data d(model);
  const KinematicSeries& k = run.kinematics;
  VecX x(k.frames());
  for (int f = 0; f < k.frames(); ++f) {
    rnea(model, d, k.q.row(f).transpose(), k.qd.row(f).transpose(), k.qdd.row(f).transpose());
    Force w = Force::Zero();
    for (int b = 1; b < model.nbodies; ++b)
      if (model.parent[b] == 0) w += d.f_joint_W[b];
    x(f) = w.angular.z() / w.linear.y();
  }
  return x;
}

TEST(SitToStandSeatOff, FirstFrameHasThePublishedTrunkInclinationAndLumbarShare) {
  const ScenarioSpec s = load_scenario(scenario("sit_to_stand.yaml"), {});
  ModelCache models;
  const auto run = prepare_run(s, models);
  const SeatOffAngles first = angles_at(*run, 0);
  const SeatOffAngles last = angles_at(*run, run->kinematics.frames() - 1);
  EXPECT_NEAR(first.trunk_inclination, s.task.seat_off_trunk_inclination_rad, 2.0 * kDeg);
  // The lumbar spine's part of the lean from standing (the last frame stands).
  const double lean = first.trunk_inclination - last.trunk_inclination;
  ASSERT_GT(lean, 20.0 * kDeg);
  EXPECT_NEAR((first.lumbar_flexion - last.lumbar_flexion) / lean, s.task.seat_off_lumbar_share, 0.05);
}

TEST(SitToStandSeatOff, TheSeatOffAnglesAreScenarioFields) {
  // A deeper lean than the default (a more upright one is not always reachable: with the hips at the
  // seat, the balance band then pulls the trunk forward, see docs/scenarios.md).
  const ScenarioSpec s = load_scenario(scenario("sit_to_stand.yaml"),
                                       {parse_override("task.seat_off_trunk_inclination_deg=55"),
                                        parse_override("task.seat_off_lumbar_share=0.4"), parse_override("solver.rate_hz=50")});
  EXPECT_NEAR(s.task.seat_off_trunk_inclination_rad, 55.0 * kDeg, 1e-12);
  EXPECT_DOUBLE_EQ(s.task.seat_off_lumbar_share, 0.4);
  ModelCache models;
  const auto run = prepare_run(s, models);
  const SeatOffAngles first = angles_at(*run, 0), last = angles_at(*run, run->kinematics.frames() - 1);
  EXPECT_NEAR(first.trunk_inclination, 55.0 * kDeg, 2.0 * kDeg);
  EXPECT_NEAR((first.lumbar_flexion - last.lumbar_flexion) / (first.trunk_inclination - last.trunk_inclination), 0.4,
              0.05);
}

TEST(SitToStandSeatOff, OutOfRangeSeatOffFieldsNameTheField) {
  for (const char* o : {"task.seat_off_trunk_inclination_deg=85", "task.seat_off_lumbar_share=1.5",
                        "task.seat_off_hip_deg=145", "task.seat_off_knee_deg=-5", "task.seat_off_ankle_deg=45",
                        "task.seat_off_ankle_deg=-41"}) {
    try {
      load_scenario(scenario("sit_to_stand.yaml"), {parse_override(o)});
      FAIL() << "expected an InputError for " << o;
    } catch (const InputError& e) {
      const std::string field = std::string(o).substr(5, std::string(o).find('=') - 5);
      EXPECT_NE(e.where().field.find(field), std::string::npos) << e.where().field;
      EXPECT_NE(std::string(e.what()).find("expected"), std::string::npos) << e.what();
    }
  }
}

// Starting at seat-off needs no seat force: at the published seat-off posture and durations (the
// validation scenarios) the centre of pressure implied by inverse dynamics stays under the feet in
// every frame. Printed for docs/validation.md.
TEST(SitToStandSeatOff, CentreOfPressureStaysUnderTheFeet) {
  for (const char* file : {"sit_to_stand.yaml", "stand_to_sit.yaml"}) {
    const ScenarioSpec s = load_scenario(scenario(file), {});
    ModelCache models;
    const auto run = prepare_run(s, models);
    const VecX cop = centre_of_pressure(*run);
    const double heel = std::min(run->rig.heel_x, run->rig.toe_x), toe = std::max(run->rig.heel_x, run->rig.toe_x);
    int outside = 0;
    for (int f = 0; f < cop.size(); ++f) outside += (cop(f) < heel || cop(f) > toe) ? 1 : 0;
    std::printf("%s: centre of pressure %.3f..%.3f m, feet %.3f..%.3f m, %d of %d frames outside\n", file,
                cop.minCoeff(), cop.maxCoeff(), heel, toe, outside, static_cast<int>(cop.size()));
    EXPECT_TRUE(cop.allFinite());
    EXPECT_EQ(outside, 0) << file;
    // At rest (the first frame, in the pause) it is the ground projection of the centre of mass.
    Data d(run->msm.model);
    const Vec3& com = center_of_mass(run->msm.model, d, run->kinematics.q.row(0).transpose());
    EXPECT_NEAR(cop(0), com.x(), 0.01) << file;
  }
}

}  // namespace
}  // namespace dembones
