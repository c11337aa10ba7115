// Which sign of knee_angle the motion generator treats as flexion, and locked coordinates. It was read off the knee's range
// (the longer side), so a model edited for a stiff knee, range [-10, 10] deg, had its stoop lift
// hyperextend the knee by 3 deg (tibiofemoral force 5.0 -> 6.3 BW) without a word (audit). It now
// comes from the geometry: flexing the knee with the foot on the floor sends the hips backward.
// And a joint range too tight for the task: the error names the coordinate whose range stopped the
// hands (it said only "the hands cannot reach the box"; model-editing audit).
#include <gtest/gtest.h>

#include <filesystem>
#include <numbers>
#include <string>

#include "../io/io_test_util.hpp"
#include "common/error.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

// A coordinate's extremes (deg) over the generated stoop lift with one of the lifter's coordinate
// entries replaced (`from` by `to`).
// The stoop lift run with one of the lifter's coordinate entries replaced (`from` by `to`).
std::unique_ptr<PreparedRun> stoop_with_edit(const std::string& from, const std::string& to) {
  io_test::TempDir dir;
  const std::filesystem::path lifter = std::filesystem::path(DEMBONES_SOURCE_DIR) / "models" / "lifter.yaml";
  std::string text = io_test::read_text_file(lifter);
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "the lifter's entry changed: update this test: " << from;
  if (at == std::string::npos) return nullptr;
  text.replace(at, from.size(), to);
  const auto model = dir / "lifter.yaml";
  io_test::write_text_file(model, text);
  const ScenarioSpec s = scenario_test::short_scenario("stoop_lift.yaml", {parse_override("model=" + model.string())});
  ModelCache models;
  return prepare_run(s, models);
}

std::pair<double, double> stoop_range_deg(const std::string& coordinate, const std::string& from, const std::string& to) {
  const auto run = stoop_with_edit(from, to);
  if (!run) return {0.0, 0.0};
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

// A hip that flexes only 45 deg cannot take the stoop's hands to a box 0.20 m above the floor: the
// error names the field, the distance and hip_flexion's range as what stopped it; the shipped range
// reaches (the stoop_range_deg runs above).
TEST(ReachError, NamesTheJointRangeThatStopsTheHands) {
  try {
    stoop_with_edit("{name: hip_flexion, range_rad: [-0.523599, 2.0944]}", "{name: hip_flexion, range_deg: [-30, 45]}");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().field, "task.start") << what;
    EXPECT_NE(what.find("the hands cannot reach the box: they stay"), std::string::npos) << what;
    EXPECT_NE(what.find("the hip at 45.0 deg of flexion, the end of its range (set by hip_flexion's range)"),
              std::string::npos) << what;
  }
}

}  // namespace
}  // namespace dembones
