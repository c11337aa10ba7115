#pragma once
// Running shipped scenarios in tests: a short version (50 Hz) of a scenario file, run through the
// same steps as `dembones run`, and the peaks of its summary.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones::scenario_test {

inline const std::filesystem::path kScenarios = std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios";

// A scenario of the validation suite (tests/validation/scenarios/).
inline std::string validation_scenario(const char* name) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / name).string();
}

inline constexpr double kDeg = 3.14159265358979323846 / 180.0;
// A prescribed posture angle (seat-off, low point of a lift) is held to 1 deg by the generator; the
// motion's end frame is solved once more with a weaker pull toward that posture (and, for seat-off,
// the hip height), so the recorded frame may move a little further.
inline constexpr double kPrescribedFrameTolerance_rad = 1.5 * kDeg;

inline ScenarioSpec short_scenario(const std::string& name, std::vector<Override> extra = {}) {
  extra.push_back(parse_override("solver.rate_hz=50"));
  return load_scenario((kScenarios / name).string(), extra);
}

// The engine models' bodies (mass, centre of mass) and muscles (maximum force, optimal fibre and
// tendon slack lengths) equal to the last bit: two builds of one subject.
inline void expect_same_bodies_and_muscles(const MusculoskeletalModel& a, const MusculoskeletalModel& b) {
  ASSERT_EQ(a.model.nbodies, b.model.nbodies);
  for (int i = 0; i < a.model.nbodies; ++i) {
    EXPECT_EQ(a.model.inertia[i].mass, b.model.inertia[i].mass) << i;
    EXPECT_TRUE(a.model.inertia[i].com == b.model.inertia[i].com) << i;
  }
  ASSERT_EQ(a.muscles.nmuscles, b.muscles.nmuscles);
  for (int i = 0; i < a.muscles.nmuscles; ++i) {
    EXPECT_EQ(a.muscles.params[i].max_isometric_force_N, b.muscles.params[i].max_isometric_force_N) << i;
    EXPECT_EQ(a.muscles.params[i].optimal_fiber_length_m, b.muscles.params[i].optimal_fiber_length_m) << i;
    EXPECT_EQ(a.muscles.params[i].tendon_slack_length_m, b.muscles.params[i].tendon_slack_length_m) << i;
  }
}

inline double peak(const RunRecord& r, const MusculoskeletalModel& msm, const std::string& q) {
  for (const Peak& p : summarize(msm, r))
    if (p.quantity == q) return p.value;
  ADD_FAILURE() << "no peak " << q;
  return 0;
}

struct Ran {
  std::unique_ptr<PreparedRun> run;
  RunRecord record;
};

inline Ran run_scenario(const ScenarioSpec& s) {
  ModelCache models;
  auto run = prepare_run(s, models);
  Pipeline p(run->msm, pipeline_settings(s.solver));
  RunRecord rec = execute_run(*run, p);
  return {std::move(run), std::move(rec)};
}

}  // namespace dembones::scenario_test
