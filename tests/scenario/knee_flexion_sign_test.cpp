// Which sign of knee_angle the motion generator treats as flexion. It was read off the knee's range
// (the longer side), so a model edited for a stiff knee, range [-10, 10] deg, had its stoop lift
// hyperextend the knee by 3 deg (tibiofemoral force 5.0 -> 6.3 BW) without a word (audit). It now
// comes from the geometry: flexing the knee with the foot on the floor sends the hips backward.
#include <gtest/gtest.h>

#include <filesystem>
#include <numbers>
#include <string>

#include "../io/io_test_util.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// The knee angle's extremes (deg) over the generated stoop lift with the lifter's knee range replaced.
std::pair<double, double> stoop_knee_range_deg(const std::string& range) {
  io_test::TempDir dir;
  const std::filesystem::path lifter = std::filesystem::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml";
  std::string text = io_test::read_text_file(lifter);
  const std::string from = "{name: knee_angle, range_rad: [-2.0944, 0.174533]}";
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the lifter's knee range changed: update this test";
  if (at == std::string::npos) return {0.0, 0.0};
  text.replace(at, from.size(), "{name: knee_angle, range_deg: " + range + "}");
  const auto model = dir / "lifter.yaml";
  io_test::write_text_file(model, text);
  const ScenarioSpec s = scenario_test::short_scenario("stoop_lift.yaml", {parse_override("model=" + model.string())});
  ModelCache models;
  const auto run = prepare_run(s, models);
  const int knee = run->msm.model.find_coordinate("knee_angle");
  return {run->kinematics.q.col(knee).minCoeff() / kDeg, run->kinematics.q.col(knee).maxCoeff() / kDeg};
}

TEST(KneeFlexionSign, ComesFromTheGeometryNotTheRange) {
  // The shipped range (-120 to +10 deg; flexion negative): the stoop bends the knees a little.
  const auto shipped = stoop_knee_range_deg("[-120, 10]");
  EXPECT_LT(shipped.first, -1.0);
  EXPECT_LT(shipped.second, 0.5);
  // A symmetric range: the same direction, never hyperextended.
  const auto stiff = stoop_knee_range_deg("[-10, 10]");
  EXPECT_LT(stiff.first, -1.0);
  EXPECT_LT(stiff.second, 0.5);
  EXPECT_NEAR(stiff.first, shipped.first, 1.0);
}

}  // namespace
}  // namespace dembones
