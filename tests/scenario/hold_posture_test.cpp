// A hold without a technique stands with the knees nearly straight (scenario_file.cpp: the default is
// the stoop preset) and leans back against the box; an explicit semi-squat still bends the knees.
#include <gtest/gtest.h>

#include <algorithm>
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
  double knee_flexion_deg, lumbar_extension_deg;
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
  return {-m.q(mid, index("knee_angle")) / kDeg, lumbar / kDeg};
}

TEST(HoldPosture, DefaultStandsWithStraightKneesAndLeansBack) {
  const HoldPosture d = hold_close({});
  EXPECT_LT(d.knee_flexion_deg, 10.0);
  EXPECT_GT(d.lumbar_extension_deg, 3.0);  // the box in front is balanced by leaning back
  const HoldPosture semi = hold_close({"task.technique=semi_squat"});
  EXPECT_GT(semi.knee_flexion_deg, 30.0);
}

}  // namespace
}  // namespace dembones
