// The sit-to-stand seat-off trunk target acts on the line from the hip joint centre to the shoulder
// joint centre (task_generator.cpp: Tully et al. 2005's trunk is the whole trunk between landmarks, its
// lumbar spine flexing while the thoracic spine extends), not on the torso body's frame. Checks the
// line's analytic gradient (posture_ik.hpp calc_line_inclination) against central differences, and
// that the generated seat-off frame holds the line at the requested inclination.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;

std::string scenario(const char* name) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / name).string();
}

// Hip joint centre (pelvis marker) to shoulder joint centre (origin of the body the shoulder
// coordinate moves), as the generator builds it.
LineInclinationTarget hip_shoulder_line(const PreparedRun& run) {
  LineInclinationTarget l;
  l.body_a = run.rig.hip_body;
  l.p_a_B = run.rig.hip_point_B;
  l.body_b = run.msm.model.velocity_body[run.rig.vars[run.rig.shoulder].coords[0]];
  return l;
}

double line_at(const PreparedRun& run, const VecX& q) {
  Data d(run.msm.model);
  forward_kinematics(run.msm.model, d, q);
  return calc_line_inclination(d, hip_shoulder_line(run));
}

TEST(SeatOffTrunkLine, GradientMatchesCentralDifferences) {
  const ScenarioSpec s = load_scenario(scenario("sit_to_stand.yaml"), {parse_override("solver.rate_hz=25")});
  ModelCache models;
  const auto run = prepare_run(s, models);
  const Model& model = run->msm.model;
  ASSERT_GE(run->rig.shoulder, 0);
  const LineInclinationTarget line = hip_shoulder_line(*run);
  ASSERT_NE(line.body_a, line.body_b);
  // At seat-off (flexed hips, knees and lumbar spine) and standing.
  for (const int f : {0, static_cast<int>(run->kinematics.frames()) - 1}) {
    const VecX q = run->kinematics.q.row(f).transpose();
    Data d(model);
    compute_joint_jacobians(model, d, q);
    Eigen::RowVectorXd grad(model.nv);
    Matrix3Xd Ja(3, model.nv), Jb(3, model.nv);
    const double phi = calc_line_inclination(model, d, line, grad, Ja, Jb);
    EXPECT_NEAR(phi, line_at(*run, q), 1e-14);
    const double h = 1e-6;
    int moving = 0;
    for (int k = 0; k < model.nv; ++k) {
      VecX qp = q, qm = q;
      qp(k) += h;
      qm(k) -= h;
      const double fd = (line_at(*run, qp) - line_at(*run, qm)) / (2.0 * h);
      EXPECT_NEAR(grad(k), fd, 1e-7 * (1.0 + std::abs(fd))) << model.coordinate_names[k] << " frame " << f;
      moving += std::abs(fd) > 1e-3 ? 1 : 0;
    }
    // Hips, lumbar levels and the legs below turn the line: the check is not of an all-zero gradient.
    EXPECT_GE(moving, 5);
  }
}

// The seat-off frame (the first of sit_to_stand, the last of stand_to_sit) holds the hip-shoulder
// line at the scenario's inclination, within 1 deg: the target is a weighted IK term (100 per rad, as
// the torso-frame target was) that gives way by about half a degree to the hip height, balance and
// posture terms. With the target on the torso frame (the engine before) the line was 8 deg short of
// it (36.0 deg for 44.3 in sit_to_stand.yaml: the frame leans ahead of the line).
TEST(SeatOffTrunkLine, SeatOffFrameHoldsTheLineAtTheRequestedInclination) {
  for (const char* file : {"sit_to_stand.yaml", "stand_to_sit.yaml"}) {
    for (const char* incl : {"", "task.seat_off_trunk_inclination_deg=50"}) {
      std::vector<Override> o{parse_override("solver.rate_hz=25")};
      if (*incl) o.push_back(parse_override(incl));
      const ScenarioSpec s = load_scenario(scenario(file), o);
      ModelCache models;
      const auto run = prepare_run(s, models);
      const int n = static_cast<int>(run->kinematics.frames());
      const int seat_off = s.task.type == TaskType::sit_to_stand ? 0 : n - 1;
      const double line = line_at(*run, run->kinematics.q.row(seat_off).transpose());
      EXPECT_NEAR(line, s.task.seat_off_trunk_inclination_rad, 1.0 * kDeg) << file << " " << incl;
      // The torso frame is not what is held: it leans further than the line.
      Data d(run->msm.model);
      forward_kinematics(run->msm.model, d, run->kinematics.q.row(seat_off).transpose());
      EXPECT_GT(trunk_inclination(d.oMb[run->rig.trunk_body]) - line, 2.0 * kDeg) << file << " " << incl;
    }
  }
}

}  // namespace
}  // namespace dembones
