// A hold without a technique stands with the knees nearly straight (scenario_file.cpp: the default is
// the stoop preset) and leans back against the box; an explicit semi-squat still bends the knees. The
// posture changes smoothly with the box's mass: the head stays in line with the trunk and no mass
// from an empty box to 80 kg folds the subject into a jackknife (task_generator.cpp, kNeckWeight and
// the hold's unloaded reach).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <string>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/task_generator.hpp"

namespace dembones {
namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

struct HoldPosture {
  double knee_flexion_deg, lumbar_extension_deg, hip_flexion_deg, neck_flexion_deg;
};

HoldPosture hold_close(const std::vector<std::string>& overrides) {
  std::vector<Override> o;
  for (const std::string& s : overrides) o.push_back(parse_override(s));
  const ScenarioSpec s =
      load_scenario((std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios/hold_close.yaml").string(), o);
  ModelCache models;
  const auto run = prepare_run(s, models);
  const GeneratedMotion m = generate_task_motion(run->msm.model, run->rig, s.task, s.solver.rate_hz);
  const auto& names = run->msm.model.coordinate_names;
  auto index = [&](const char* n) {
    return static_cast<int>(std::find(names.begin(), names.end(), n) - names.begin());
  };
  const int mid = static_cast<int>(m.q.rows()) / 2;
  double lumbar = 0.0;
  for (const char* level : {"L5_S1_extension", "L4_L5_extension", "L3_L4_extension", "L2_L3_extension", "L1_L2_extension"})
    lumbar += m.q(mid, index(level));
  // The lifter's knee angle is negative in flexion (models/lifter.yaml).
  return {-m.q(mid, index("knee_angle")) / kDeg, lumbar / kDeg, m.q(mid, index("hip_flexion")) / kDeg,
          m.q(mid, index("neck_flexion")) / kDeg};
}

TEST(HoldPosture, DefaultStandsWithStraightKneesAndLeansBack) {
  const HoldPosture d = hold_close({});
  EXPECT_LT(d.knee_flexion_deg, 10.0);
  EXPECT_GT(d.lumbar_extension_deg, 3.0);  // the box in front is balanced by leaning back
  const HoldPosture semi = hold_close({"task.technique=semi_squat"});
  EXPECT_GT(semi.knee_flexion_deg, 30.0);
}

// Before, holding the box of hold_close.yaml (waist height, 0.30 m in front of the ankles) with 0-5 kg
// put the neck at the end of its range and the lumbar spine at its 26 deg extension limit, and from
// 35 kg the subject held it in a jackknife: hips flexed 120 deg, lumbar spine flexed 70 deg.
TEST(HoldPosture, StandsUprightAndChangesSmoothlyWithTheBoxMass) {
  HoldPosture previous{};
  bool first = true;
  for (const int kg : {0, 5, 10, 15, 20, 35, 50, 80}) {
    const HoldPosture p = hold_close({"task.box.mass_kg=" + std::to_string(kg)});
    const std::string at = std::to_string(kg) + " kg";
    EXPECT_LT(std::abs(p.neck_flexion_deg), 1.0) << at;
    EXPECT_LT(p.hip_flexion_deg, 20.0) << at;
    EXPECT_GT(p.hip_flexion_deg, -20.0) << at;
    EXPECT_GT(p.lumbar_extension_deg, -10.0) << at << " (lumbar flexion)";
    EXPECT_LT(p.lumbar_extension_deg, 20.0) << at << " (the extension limit is 26 deg)";
    EXPECT_LT(p.knee_flexion_deg, 10.0) << at;
    if (!first) {
      EXPECT_LT(std::abs(p.hip_flexion_deg - previous.hip_flexion_deg), 10.0) << at;
      EXPECT_LT(std::abs(p.lumbar_extension_deg - previous.lumbar_extension_deg), 10.0) << at;
    }
    previous = p;
    first = false;
  }
}

}  // namespace
}  // namespace dembones
