// A dynamic seat-off (task.seat_off_com_velocity_forward_m_s / _up_m_s; task_generator.cpp): the rise
// leaves the seat with the centre of mass moving at the prescribed velocity, on the minimum-jerk
// quintic from that state to standing at rest, so the seat-off centre of mass may lie behind the
// static balance band as far as the centre of pressure of the motion stays under the feet; the
// descent is the same path reversed in time. Without the fields the rise starts at rest as before.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "multibody/energy.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/task_generator.hpp"

namespace dembones {
namespace {

std::string shipped(const std::string& relative) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / relative).string();
}

const std::string kRise = "tests/validation/scenarios/sit_to_stand.yaml";
const std::string kSit = "tests/validation/scenarios/stand_to_sit.yaml";

std::vector<Override> overrides(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const std::string& s : sets) out.push_back(parse_override(s));
  return out;
}

struct Generated {
  ScenarioSpec spec;
  std::unique_ptr<PreparedRun> run;
  GeneratedMotion motion;
};

Generated generate(const std::string& file, const std::vector<std::string>& sets) {
  Generated g;
  g.spec = load_scenario(shipped(file), overrides(sets));
  ModelCache models;
  g.run = prepare_run(g.spec, models);
  g.motion = generate_task_motion(g.run->msm.model, g.run->rig, g.spec.task, g.spec.solver.rate_hz);
  return g;
}

// World (x, y) of the whole-body centre of mass in frame f of a generated motion.
Eigen::Vector2d com_at(const Generated& g, Eigen::Index f) {
  Data d(g.run->msm.model);
  return center_of_mass(g.run->msm.model, d, g.motion.q.row(f).transpose()).head<2>();
}

// The start of the rise, by finite differences of the generated frames: the path starts with zero
// acceleration, so the forward difference over one frame (0.01 s) is the velocity to O(dt²).
TEST(SitToStandMomentum, TheRiseStartsWithThePrescribedCentreOfMassVelocity) {
  const Generated g = generate(kRise, {"task.seat_off_com_velocity_forward_m_s=0.2",
                                       "task.seat_off_com_velocity_up_m_s=0.1"});
  const double dt = g.motion.time(1) - g.motion.time(0);
  const Eigen::Vector2d v = (com_at(g, 1) - com_at(g, 0)) / dt;
  EXPECT_NEAR(v.x(), 0.2, 0.003);
  EXPECT_NEAR(v.y(), 0.1, 0.003);
  // Only the forward component given: the vertical one is left to the smallest joint velocity.
  const Generated f = generate(kRise, {"task.seat_off_com_velocity_forward_m_s=0.2"});
  EXPECT_NEAR((com_at(f, 1).x() - com_at(f, 0).x()) / dt, 0.2, 0.003);
  // No still time at a moving seat-off: the motion starts there; the pause stays at the standing end.
  const int n_pause = static_cast<int>(std::lround(g.spec.task.pause_s * g.spec.solver.rate_hz));
  const int n_move = static_cast<int>(std::lround(g.spec.task.duration_s * g.spec.solver.rate_hz)) + 1;
  ASSERT_GT(n_pause, 0);
  EXPECT_EQ(g.motion.time.size(), n_move + n_pause);
  EXPECT_TRUE((g.motion.q.row(g.motion.q.rows() - 1) - g.motion.q.row(g.motion.q.rows() - 2)).isZero(0.0));
}

// The descent is the rise reversed in time: it arrives at seat-off with the opposite velocity.
TEST(SitToStandMomentum, TheDescentArrivesWithTheOppositeVelocity) {
  const Generated g = generate(kSit, {"task.seat_off_com_velocity_forward_m_s=0.2",
                                      "task.seat_off_com_velocity_up_m_s=0.1"});
  const Eigen::Index last = g.motion.q.rows() - 1;
  const double dt = g.motion.time(last) - g.motion.time(last - 1);
  const Eigen::Vector2d v = (com_at(g, last) - com_at(g, last - 1)) / dt;
  EXPECT_NEAR(v.x(), -0.2, 0.003);
  EXPECT_NEAR(v.y(), -0.1, 0.003);
  // The pause is at the standing start only.
  EXPECT_TRUE((g.motion.q.row(1) - g.motion.q.row(0)).isZero(0.0));
}

// No acceleration spike: the joint accelerations (second differences of the generated frames) start
// at zero and change smoothly (a jump between frames would be a spike); the centre of mass
// accelerates as smoothly.
TEST(SitToStandMomentum, JointAccelerationsStartAtZeroAndChangeSmoothly) {
  const Generated g = generate(kRise, {"task.seat_off_com_velocity_forward_m_s=0.2",
                                       "task.seat_off_com_velocity_up_m_s=0.1"});
  const double rate = g.spec.solver.rate_hz;
  const MatX& q = g.motion.q;
  for (const char* name : {"hip_flexion", "knee_angle", "ankle_angle"}) {
    const int c = g.run->msm.model.find_coordinate(name);
    ASSERT_GE(c, 0) << name;
    std::vector<double> acc;
    for (Eigen::Index f = 1; f + 1 < q.rows(); ++f)
      acc.push_back((q(f + 1, c) - 2.0 * q(f, c) + q(f - 1, c)) * rate * rate);
    double peak = 0.0, step = 0.0;
    for (size_t i = 0; i < acc.size(); ++i) {
      peak = std::max(peak, std::abs(acc[i]));
      if (i > 0) step = std::max(step, std::abs(acc[i] - acc[i - 1]));
    }
    ASSERT_GT(peak, 0.5) << name << ": the joint must accelerate (rad/s²)";
    // The quintic's acceleration at the start is 0; one frame in, it is the jerk times dt.
    EXPECT_LT(std::abs(acc[0]), 0.1 * peak) << name;
    // A quintic over 1.91 s changes its acceleration by a few per cent of the peak per frame.
    EXPECT_LT(step, 0.15 * peak) << name;
  }
}

// The run's own kinematics (low-pass filtered and differentiated by the pipeline) start smoothly too:
// the filter's odd reflection continues a start with velocity and zero acceleration without a kink.
TEST(SitToStandMomentum, ThePipelineKinematicsHaveNoStartSpike) {
  const ScenarioSpec s = load_scenario(shipped(kRise), overrides({"task.seat_off_com_velocity_forward_m_s=0.2",
                                                                   "task.seat_off_com_velocity_up_m_s=0.1"}));
  ModelCache models;
  const auto run = prepare_run(s, models);
  const KinematicSeries& k = run->kinematics;
  for (const char* name : {"hip_flexion", "knee_angle", "ankle_angle"}) {
    const int c = run->msm.model.find_coordinate(name);
    ASSERT_GE(c, 0) << name;
    const double peak = k.qdd.col(c).cwiseAbs().maxCoeff();
    const double start = k.qdd.col(c).head(10).cwiseAbs().maxCoeff();
    EXPECT_LT(start, 0.5 * peak) << name;
  }
}

// Without the new fields the rise and the descent are those of a seat-off at rest: the pause at both
// ends, zero velocity at seat-off, the centre of mass over the middle half of the feet there.
TEST(SitToStandMomentum, WithoutTheFieldsTheSeatOffIsAtRest) {
  for (const std::string& file : {kRise, kSit}) {
    const Generated g = generate(file, {});
    ASSERT_FALSE(g.spec.task.seat_off_com_velocity_forward_m_s.has_value());
    ASSERT_FALSE(g.spec.task.seat_off_com_velocity_up_m_s.has_value());
    const int n_pause = static_cast<int>(std::lround(g.spec.task.pause_s * g.spec.solver.rate_hz));
    const int n_move = static_cast<int>(std::lround(g.spec.task.duration_s * g.spec.solver.rate_hz)) + 1;
    EXPECT_EQ(g.motion.time.size(), 2 * n_pause + n_move) << file;
    const Eigen::Index seat = file == kRise ? n_pause : g.motion.q.rows() - 1 - n_pause;
    const Eigen::Index next = file == kRise ? seat + 1 : seat - 1;
    const double dt = g.motion.time(1) - g.motion.time(0);
    // Minimum jerk from rest: one frame moves by the jerk × dt³ / 6, far below 1 mm.
    EXPECT_LT((com_at(g, next) - com_at(g, seat)).norm() / dt, 0.01) << file;
    const double heel = std::min(g.run->rig.heel_x, g.run->rig.toe_x), toe = std::max(g.run->rig.heel_x, g.run->rig.toe_x);
    EXPECT_GE(com_at(g, seat).x(), heel + 0.25 * (toe - heel) - 1e-3) << file;
  }
}

// With the momentum the seat-off centre of mass may start behind the static band (the middle half of
// the feet): the band then holds the extrapolated centre of mass x + v/ω0, ω0 = sqrt(g/l) (Hof et
// al. 2005), and the centre of pressure of the motion, as the run computes it, stays under the feet.
TEST(SitToStandMomentum, TheSeatOffCentreOfMassMayStartBehindTheStaticBand) {
  for (const std::string& file : {kRise, kSit}) {
    const Generated rest = generate(file, {});
    const Generated g = generate(file, {"task.seat_off_com_velocity_forward_m_s=0.2"});
    const double heel = std::min(g.run->rig.heel_x, g.run->rig.toe_x), toe = std::max(g.run->rig.heel_x, g.run->rig.toe_x);
    const double band_lo = heel + 0.25 * (toe - heel);
    const Eigen::Index seat = file == kRise ? 0 : g.motion.q.rows() - 1;
    const Eigen::Index seat_rest = file == kRise ? 0 : rest.motion.q.rows() - 1;
    const Eigen::Vector2d com = com_at(g, seat);
    const double omega0 = std::sqrt(9.81 / (com.y() - g.run->rig.ankle_W.y()));
    // At rest the seat-off centre of mass is held at the band's rear edge (the hips at the chair pull
    // it back); with 0.2 m/s it may lie behind it by up to 0.2/ω0, and it does by most of that.
    EXPECT_NEAR(com_at(rest, seat_rest).x(), band_lo, 0.005) << file;
    EXPECT_GT(com.x(), band_lo - 0.2 / omega0 - 0.002) << file;
    EXPECT_LT(com.x(), band_lo - 0.5 * 0.2 / omega0) << file;
    EXPECT_GT(com.x(), heel) << file;
    // The run's centre of pressure (inverse dynamics of the pipeline's kinematics) under the feet.
    ModelCache models;
    const auto run = prepare_run(g.spec, models);
    Pipeline pipeline(run->msm, pipeline_settings(g.spec.solver));
    const RunRecord record = execute_run(*run, pipeline);
    EXPECT_EQ(record.ground.frames_outside_support(), 0) << file;
  }
}

// Bad requests name the field: out of range, a linear timing profile (the path from a moving seat-off
// is the minimum-jerk quintic), and a momentum the feet cannot brake.
TEST(SitToStandMomentum, ImpossibleRequestsNameTheField) {
  for (const char* o : {"task.seat_off_com_velocity_forward_m_s=-0.1", "task.seat_off_com_velocity_forward_m_s=1.6",
                        "task.seat_off_com_velocity_up_m_s=-0.2"}) {
    try {
      load_scenario(shipped(kRise), {parse_override(o)});
      ADD_FAILURE() << "expected an InputError for " << o;
    } catch (const InputError& e) {
      const std::string field = std::string(o).substr(5, std::string(o).find('=') - 5);
      EXPECT_NE(e.where().field.find(field), std::string::npos) << e.where().field;
      EXPECT_NE(std::string(e.what()).find("expected"), std::string::npos) << e.what();
    }
  }
  try {
    generate(kRise, {"task.seat_off_com_velocity_forward_m_s=0.3", "task.profile=linear"});
    ADD_FAILURE() << "expected an InputError for a linear profile";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.profile");
  }
  // The patients' seat-off angles (Farquhar, Kaufman & Snyder-Mackler 2009: hip 87, knee 84 deg) stay
  // refused on the 45 cm chair with momentum too: with the hips at the chair height and Tully et al.'s
  // trunk angle the hip and knee angles are out of reach whatever the balance band (docs/scenarios.md).
  try {
    generate(kRise, {"task.seat_off_hip_deg=87", "task.seat_off_knee_deg=84",
                     "task.seat_off_com_velocity_forward_m_s=0.2"});
    ADD_FAILURE() << "expected an InputError for hip 87 and knee 84 deg on the 45 cm chair";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.seat_off_hip_deg");
    EXPECT_NE(std::string(e.what()).find("extrapolated centre of mass"), std::string::npos) << e.what();
  }
  try {
    generate(kRise, {"task.seat_off_com_velocity_forward_m_s=1.4"});
    ADD_FAILURE() << "expected an InputError for 1.4 m/s at seat-off";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.seat_off_com_velocity_forward_m_s");
    const std::string what = e.what();
    EXPECT_TRUE(what.find("centre of pressure") != std::string::npos || what.find("range") != std::string::npos)
        << what;
  }
}

}  // namespace
}  // namespace dembones
