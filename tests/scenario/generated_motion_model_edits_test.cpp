// Which sign of knee_angle the motion generator treats as flexion, and locked coordinates. It was read off the knee's range
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

// A coordinate's extremes (deg) over the generated stoop lift with one of the lifter's coordinate
// entries replaced (`from` by `to`).
std::pair<double, double> stoop_range_deg(const std::string& coordinate, const std::string& from, const std::string& to) {
  io_test::TempDir dir;
  const std::filesystem::path lifter = std::filesystem::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml";
  std::string text = io_test::read_text_file(lifter);
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the lifter's entry changed: update this test: " << from;
  if (at == std::string::npos) return {0.0, 0.0};
  text.replace(at, from.size(), to);
  const auto model = dir / "lifter.yaml";
  io_test::write_text_file(model, text);
  const ScenarioSpec s = scenario_test::short_scenario("stoop_lift.yaml", {parse_override("model=" + model.string())});
  ModelCache models;
  const auto run = prepare_run(s, models);
  const int k = run->msm.model.find_coordinate(coordinate);
  return {run->kinematics.q.col(k).minCoeff() / kDeg, run->kinematics.q.col(k).maxCoeff() / kDeg};
}

std::pair<double, double> stoop_knee_range_deg(const std::string& range) {
  return stoop_range_deg("knee_angle", "{name: knee_angle, range_rad: [-2.0944, 0.174533]}",
                         "{name: knee_angle, range_deg: " + range + "}");
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

// `locked: true` (documented, read, and ignored until an audit found the elbow still moving 17-36 deg):
// the generated motion holds the coordinate at its default.
TEST(LockedCoordinate, GeneratedMotionsHoldItAtItsDefault) {
  const std::string from = "{name: elbow_flexion, range_rad: [0, 2.618]}";
  const auto free = stoop_range_deg("elbow_flexion", from, from);
  EXPECT_GT(free.second - free.first, 5.0);
  const auto locked = stoop_range_deg("elbow_flexion", from, "{name: elbow_flexion, range_rad: [0, 2.618], default_rad: 0.3, locked: true}");
  EXPECT_NEAR(locked.first, 0.3 / kDeg, 1e-9);
  EXPECT_NEAR(locked.second, 0.3 / kDeg, 1e-9);
}

}  // namespace
}  // namespace dembones
