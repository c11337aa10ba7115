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

inline ScenarioSpec short_scenario(const std::string& name, std::vector<Override> extra = {}) {
  extra.push_back(parse_override("solver.rate_hz=50"));
  return load_scenario((kScenarios / name).string(), extra);
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
