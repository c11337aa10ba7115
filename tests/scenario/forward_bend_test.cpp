// A forward bend (task type forward_bend) is made at the hips and the lumbar spine from ankle-balanced
// upright standing, and keeps its centre of pressure on the feet. With the standing weights the body
// first leaned forward at the ankles as one piece until the balance band stopped it: the centre of
// pressure 0.13 m behind the heels, then 0.9 m ahead of the toes, in 44 of the 36 deg bend's 251 frames.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

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

}  // namespace
}  // namespace dembones
