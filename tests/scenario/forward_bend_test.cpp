// A forward bend (task type forward_bend) is made at the hips and the lumbar spine from ankle-balanced
// upright standing, and keeps its centre of pressure on the feet. With the standing weights the body
// first leaned forward at the ankles as one piece until the balance band stopped it: the centre of
// pressure 0.13 m behind the heels, then 0.9 m ahead of the toes, in 44 of the 36 deg bend's 251 frames.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "multibody/kinematics.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "solvers/pipeline.hpp"

namespace dembones {
namespace {

void expect_bend_at_the_hips_on_the_feet(const std::filesystem::path& file) {
  ModelCache models;
  const ScenarioSpec spec = load_scenario(file.string(), {parse_override("solver.rate_hz=50")});
  const auto run = prepare_run(spec, models);
  const Model& model = run->msm.model;
  const MatX& q = run->kinematics.q;
  const Eigen::Index last = q.rows() - 1;
  auto change_deg = [&](const char* coordinate) {
    const int v = model.find_coordinate(coordinate);
    return std::abs(q(last, v) - q(0, v)) * 180.0 / 3.14159265358979323846;
  };
  EXPECT_GT(change_deg("hip_flexion"), 10.0) << file;
  EXPECT_LT(change_deg("ankle_angle"), 3.0) << file;
  Pipeline pipeline(run->msm, pipeline_settings(spec.solver));
  const RunRecord record = execute_run(*run, pipeline);
  EXPECT_EQ(record.ground.frames_outside_support(), 0) << file;
}

TEST(ForwardBend, AtTheHipsOnTheFeet36Deg) {
  expect_bend_at_the_hips_on_the_feet(std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" /
                                      "scenarios" / "forward_bend_36.yaml");
}

TEST(ForwardBend, AtTheHipsOnTheFeetShipped40Deg) {
  expect_bend_at_the_hips_on_the_feet(std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "forward_bend.yaml");
}

// A load in the hanging hands (task.box on a forward bend, Nachemson's 20 deg lean holding 20 kg): the
// hands stay under the shoulders, the centre of pressure on the feet, and the load's weight reaches the
// spine: at the held lean the L4/L5 net moment is the unloaded motion's plus the load's weight times its
// lever arm about the L4/L5 centre (the same kinematics run again without the load; quasi-static, so
// Newton-Euler of the parts above the disc gives the difference exactly), and the disc is pressed more.
TEST(ForwardBend, CarriesALoadInTheHangingHands) {
  ModelCache models;
  const auto file = std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" /
                    "forward_lean_20_20kg.yaml";
  const ScenarioSpec spec = load_scenario(file.string(), {parse_override("solver.rate_hz=50")});
  ASSERT_EQ(spec.task.box.mass_kg, 20.0);
  auto run = prepare_run(spec, models);
  ASSERT_EQ(run->load_mass_kg, 20.0);
  Pipeline pipeline(run->msm, pipeline_settings(spec.solver));
  const RunRecord loaded = execute_run(*run, pipeline);
  EXPECT_EQ(loaded.ground.frames_outside_support(), 0);
  run->load_mass_kg = 0.0;
  const RunRecord empty = execute_run(*run, pipeline);

  const Model& model = run->msm.model;
  const int f = loaded.frames() - 1;  // held still at the end of the lean
  const int v = model.find_coordinate("L4_L5_extension");
  int site = -1;
  for (std::size_t k = 0; k < run->msm.sites.size(); ++k)
    if (run->msm.sites[k].name == "L4_L5") site = static_cast<int>(k);
  ASSERT_GE(site, 0);
  const Vec3 hand = loaded.load_position.row(f).transpose();
  const Vec3 disc = loaded.sites[static_cast<std::size_t>(site)].position.row(f).transpose();
  // Hanging: the hands within a few centimetres of under the shoulders (the load's grip is the hand).
  Data d(model);
  forward_kinematics(model, d, run->kinematics.q.row(f).transpose());
  const Vec3 shoulder = d.oMb[model.find_body("humerus")].translation;
  EXPECT_NEAR(hand.x(), shoulder.x(), 0.05);
  EXPECT_LT(hand.y(), shoulder.y() - 0.4);
  // The load hangs in front of the disc and asks the back for that much more extension moment.
  const double weight = 20.0 * std::abs(model.gravity.y());
  const double lever = hand.x() - disc.x();
  EXPECT_GT(lever, 0.05);
  EXPECT_NEAR(loaded.tau_id(f, v) - empty.tau_id(f, v), weight * lever, 0.5);
  const auto& l4 = loaded.sites[static_cast<std::size_t>(site)].compression;
  const auto& e4 = empty.sites[static_cast<std::size_t>(site)].compression;
  EXPECT_GT(l4(f) - e4(f), weight);  // more than the load's own weight: the extensors' pull too
}

}  // namespace
}  // namespace dembones
