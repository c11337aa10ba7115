// Sit-to-stand and stand-to-sit move the joints on the minimum angle-jerk path between the seat-off
// and standing postures (task_generator.cpp; Yamasaki, Nakamura & Nagasaki 2014): no joint
// acceleration spike where the knee straightens, and the centre of pressure stays under the feet for
// the shipped scenarios at the durations people rise and sit in.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/task_generator.hpp"

namespace dembones {
namespace {

std::string shipped(const std::string& relative) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / relative).string();
}

const std::vector<std::string> kScenarios = {
    "scenarios/sit_to_stand.yaml", "tests/validation/scenarios/sit_to_stand.yaml",
    "tests/validation/scenarios/sit_to_stand_50cm.yaml", "tests/validation/scenarios/stand_to_sit.yaml",
    "tests/validation/scenarios/stand_to_sit_50cm.yaml"};

ScenarioSpec with_duration(const std::string& file, double duration_s) {
  return load_scenario(shipped(file), {parse_override("task.duration_s=" + std::to_string(duration_s)),
                                       parse_override("solver.rate_hz=100")});
}

// Every shipped sit-to-stand / stand-to-sit scenario at each duration, prepared for a run: the
// scenario, its prepared run and the labels a failure names.
template <class Check>
void for_each_prepared_run(std::initializer_list<double> durations_s, Check check) {
  for (const std::string& file : kScenarios)
    for (double duration : durations_s) {
      const ScenarioSpec s = with_duration(file, duration);
      ModelCache models;
      const auto run = prepare_run(s, models);
      check(s, *run, file, duration);
    }
}

// A minimum-jerk move of amplitude Δ over T peaks at 10/√3 Δ/T² = 5.77 Δ/T² (Flash & Hogan 1985).
// The knee's generated angles (before any filtering), by second differences, stay within 25 % of
// that: the balance band may bend the straight path a little, but nothing like the hip-height
// path's spike (3.0 times the peak at 1.5 s: -13.5 rad/s² against 4.5).
TEST(SitToStandJointPath, KneeAccelerationIsThatOfAMinimumJerkMove) {
  for_each_prepared_run({1.0, 1.5, 2.5}, [](const ScenarioSpec& s, const PreparedRun& run, const std::string& file,
                                             double duration) {
    const int knee = run.msm.model.find_coordinate("knee_angle");
    ASSERT_GE(knee, 0);
    const double rate = s.solver.rate_hz;
    const GeneratedMotion m = generate_task_motion(run.msm.model, run.rig, s.task, rate);
    const VecX q = m.q.col(knee);
    const double amplitude = std::abs(q(q.size() - 1) - q(0));
    ASSERT_GT(amplitude, 1.0) << file << ": the knee must move (rad)";
    double peak = 0.0;
    for (Eigen::Index f = 1; f + 1 < q.size(); ++f)
      peak = std::max(peak, std::abs(q(f + 1) - 2.0 * q(f) + q(f - 1)) * rate * rate);
    const double minimum_jerk_peak = 10.0 / std::sqrt(3.0) * amplitude / (duration * duration);
    EXPECT_LT(peak, 1.25 * minimum_jerk_peak) << file << " at " << duration << " s";
    EXPECT_GT(peak, 0.8 * minimum_jerk_peak) << file << " at " << duration << " s";
  });
}

// The centre of pressure of every frame (inverse dynamics, scenario/ground_series) inside the feet
// for rises and sits of 1.5 to 2.5 s (the validation scenarios take 1.91 and 1.97 s, the flagship
// 1.5 s). Not at 1.0 s from the 45 cm chair: there the trunk's swing puts it up to 1.2 cm behind the
// heel in 14 frames (docs/scenarios.md), and the run flags them.
TEST(SitToStandJointPath, CentreOfPressureStaysUnderTheFeet) {
  for_each_prepared_run({1.5, 2.0, 2.5}, [](const ScenarioSpec& s, const PreparedRun& run, const std::string& file,
                                             double duration) {
    Pipeline p(run.msm, pipeline_settings(s.solver));
    const RunRecord rec = execute_run(run, p);
    ASSERT_EQ(rec.ground.outside_support.size(), rec.frames());
    EXPECT_EQ(rec.ground.frames_outside_support(), 0) << file << " at " << duration << " s";
  });
}

}  // namespace
}  // namespace dembones
