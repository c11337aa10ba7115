// Lifts whose centre of pressure left the feet are generated again with a narrower static balance
// band on that side (task_generator.cpp, generate_task_motion): the flagship 15 kg lifts and the
// 20 kg squat lift at 1.5 s, which left the feet in 16 to 46 frames, stay inside; the hands stay on
// the box (the generator stops otherwise).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

RunRecord run_at(const std::string& relative, double duration_s) {
  const ScenarioSpec s = load_scenario((std::filesystem::path(DEMBONES_SOURCE_DIR) / relative).string(),
                                       {parse_override("task.duration_s=" + std::to_string(duration_s))});
  ModelCache models;
  const auto run = prepare_run(s, models);
  Pipeline p(run->msm, pipeline_settings(s.solver));
  return execute_run(*run, p);
}

TEST(LiftBalance, FastLiftsKeepTheCentreOfPressureUnderTheFeet) {
  for (const char* file : {"scenarios/squat_lift.yaml", "scenarios/stoop_lift.yaml",
                           "tests/validation/scenarios/lift20_bent_knees.yaml"}) {
    const RunRecord rec = run_at(file, 1.5);
    const GroundSeries& g = rec.ground;
    ASSERT_EQ(g.cop_forward.size(), rec.frames());
    EXPECT_EQ(g.frames_outside_support(), 0) << file;
    // The check sees the motion: the centre of pressure moves by centimetres during the lift.
    EXPECT_GT(g.cop_forward.maxCoeff() - g.cop_forward.minCoeff(), 0.05) << file;
  }
}

// Balanced lifts are not regenerated: the band stays the middle half of the feet and the centre of
// pressure keeps its full range (a narrowed band would pull the static centre of mass back).
TEST(LiftBalance, BalancedLiftsKeepTheMiddleHalfBand) {
  const RunRecord rec = run_at("tests/validation/scenarios/lift20_round_back.yaml", 2.0);
  const GroundSeries& g = rec.ground;
  EXPECT_EQ(g.frames_outside_support(), 0);
  const double heel = g.support.heel_x_m - g.support.ankle_x_m, toe = g.support.toe_x_m - g.support.ankle_x_m;
  // Ahead of the band's front edge at some frame (the dynamic COP of a stoop lift reaches 0.17 m).
  EXPECT_GT(g.cop_forward.maxCoeff(), toe - 0.25 * (toe - heel));
}

}  // namespace
}  // namespace dembones
