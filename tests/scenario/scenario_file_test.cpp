#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

namespace dembones {
namespace {

namespace fs = std::filesystem;

const fs::path kBadDir = fs::path(DEMBONES_TEST_DATA_DIR) / "bad_scenarios";
const fs::path kScenarios = fs::path(DEMBONES_SOURCE_DIR) / "scenarios";

// Each malformed file ends with "# expect: NAME.yaml:LINE:COL: field 'F': MESSAGE", the exact error.
std::string expected_error(const fs::path& file) {
  std::ifstream in(file);
  std::string line, expect;
  while (std::getline(in, line))
    if (line.rfind("# expect: ", 0) == 0) expect = line.substr(10);
  return expect;
}

TEST(ScenarioFile, EveryMalformedFileGivesItsExactError) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kBadDir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    const std::string expect = expected_error(entry.path());
    ASSERT_FALSE(expect.empty()) << entry.path() << " has no '# expect:' line";
    // The message starts with the path as given; the expectation names the file alone.
    const std::string full = entry.path().parent_path().string() + "/" + expect;
    try {
      // Some errors are found when the run is prepared (a selector that matches no muscle of the model).
      const ScenarioSpec s = load_scenario(entry.path().string());
      ModelCache models;
      prepare_run(s, models);
      ADD_FAILURE() << entry.path().filename() << " was accepted; expected: " << expect;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), full) << entry.path().filename();
      EXPECT_EQ(e.where().file, entry.path().string());
    }
  }
  EXPECT_GE(count, 30);
}

TEST(ScenarioFile, EveryShippedScenarioParses) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(kScenarios)) {
    if (entry.path().extension() != ".yaml" || entry.path().string().find(".sweep.") != std::string::npos) continue;
    ++count;
    EXPECT_NO_THROW(load_scenario(entry.path().string())) << entry.path();
  }
  EXPECT_GE(count, 10);
}

TEST(ScenarioFile, StoopAndSquatShareSubjectBoxStartAndEnd) {
  const ScenarioSpec stoop = load_scenario((kScenarios / "stoop_lift.yaml").string());
  const ScenarioSpec squat = load_scenario((kScenarios / "squat_lift.yaml").string());
  EXPECT_EQ(stoop.task.technique, Technique::stoop);
  EXPECT_EQ(squat.task.technique, Technique::squat);
  EXPECT_EQ(stoop.subject.height_m, squat.subject.height_m);
  EXPECT_EQ(stoop.subject.mass_kg, squat.subject.mass_kg);
  EXPECT_EQ(stoop.task.box.mass_kg, squat.task.box.mass_kg);
  EXPECT_EQ(stoop.task.start.forward_m, squat.task.start.forward_m);
  EXPECT_EQ(stoop.task.start.height_m, squat.task.start.height_m);
  EXPECT_EQ(stoop.task.end.forward_m, squat.task.end.forward_m);
  EXPECT_EQ(stoop.task.end.height_m, squat.task.end.height_m);
  EXPECT_EQ(stoop.task.duration_s, squat.task.duration_s);
}

TEST(ScenarioFile, ModelPathIsRelativeToTheScenarioFile) {
  const ScenarioSpec s = load_scenario((kScenarios / "stand.yaml").string());
  EXPECT_EQ(fs::path(s.model_file).filename(), "lifter.yaml");
  EXPECT_EQ(fs::path(s.model_file).parent_path().filename(), "models");
}

TEST(ScenarioFile, DegreesAreConvertedToRadians) {
  const ScenarioSpec s = load_scenario((kScenarios / "forward_bend.yaml").string());
  EXPECT_NEAR(s.task.trunk_flexion_rad, 40.0 * std::numbers::pi / 180.0, 1e-15);
}

TEST(ScenarioFile, OverridesChangeFieldsAndAreKeptInTheText) {
  const ScenarioSpec s = load_scenario((kScenarios / "stoop_lift.yaml").string(),
                                       {parse_override("task.box.mass_kg=20"), parse_override("subject.sex=female"),
                                        parse_override("solver.exponent=3")});
  EXPECT_EQ(s.task.box.mass_kg, 20.0);
  EXPECT_EQ(s.subject.sex, Sex::female);
  EXPECT_EQ(s.solver.exponent, 3);
  EXPECT_NE(s.text.find("mass_kg: 20"), std::string::npos) << s.text;
}

TEST(ScenarioFile, OverridesIndexIntoLists) {
  const ScenarioSpec s = load_scenario((kScenarios / "weak_core_squat_lift.yaml").string(),
                                       {parse_override("impairments.0.strength_scale=0.25")});
  ASSERT_EQ(s.impairments.size(), 1u);
  EXPECT_EQ(s.impairments[0].strength_scale, 0.25);
  EXPECT_THROW(load_scenario((kScenarios / "weak_core_squat_lift.yaml").string(),
                             {parse_override("impairments.3.strength_scale=0.25")}),
               InputError);
}

TEST(ScenarioFile, AnOverrideWithATypoIsAnUnknownField) {
  try {
    load_scenario((kScenarios / "stoop_lift.yaml").string(), {parse_override("task.box.mas_kg=20")});
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.box.mas_kg");
    EXPECT_NE(std::string(e.what()).find("did you mean 'mass_kg'"), std::string::npos) << e.what();
  }
}

// Stature and mass each within their bounds but together no person (1.0 m and 250 kg; 2.3 m and 25 kg)
// ran without a word (subject-scaling audit): the body mass index bound the model's reference subject
// had is checked for the scenario's subject too, at mass_kg.
TEST(ScenarioFile, ASubjectWhoseBodyMassIndexIsNoPersonIsAnError) {
  const std::string stand = (kScenarios / "stand.yaml").string();
  auto with = [&](const char* height, const char* mass) -> std::string {
    try {
      load_scenario(stand, {parse_override(std::string("subject.height_m=") + height),
                            parse_override(std::string("subject.mass_kg=") + mass)});
    } catch (const InputError& e) {
      return e.where().field + ": " + e.message();
    }
    return "accepted";
  };
  EXPECT_EQ(with("1.0", "250").rfind("subject.mass_kg: 250 kg at 1 m is a body mass index of 250.0 kg/m^2: expected 10 to 100", 0), 0u);
  EXPECT_EQ(with("2.3", "25").rfind("subject.mass_kg: 25 kg at 2.3 m is a body mass index of 4.7", 0), 0u);
  EXPECT_EQ(with("1.0", "100"), "accepted");
  EXPECT_EQ(with("2.3", "53"), "accepted");
}

TEST(ScenarioFile, MalformedOverrideIsRejected) {
  EXPECT_THROW(parse_override("task.box.mass_kg"), InputError);
  EXPECT_THROW(parse_override("=3"), InputError);
}

// The filter's default cut-off (6 Hz) follows a slow rate (at most 0.4 x rate_hz) instead of being an
// error about a field the user never wrote; a cut-off given explicitly must still fit the rate.
TEST(ScenarioFile, DefaultFilterCutoffFollowsASlowRate) {
  const std::string stand = (kScenarios / "stand.yaml").string();
  EXPECT_DOUBLE_EQ(load_scenario(stand, {parse_override("solver.rate_hz=10")}).solver.filter_cutoff_hz, 4.0);
  EXPECT_DOUBLE_EQ(load_scenario(stand, {parse_override("solver.rate_hz=50")}).solver.filter_cutoff_hz, 6.0);
  try {
    load_scenario(stand, {parse_override("solver.rate_hz=10"), parse_override("solver.filter_cutoff_hz=6")});
    ADD_FAILURE() << "a 6 Hz cut-off at 10 Hz was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "solver.filter_cutoff_hz");
  }
}

// Input that reached the user as internal errors (audit): --set below a value (yaml-cpp's
// "operator[] call on a scalar") and a duration whose frames do not fit in memory (std::bad_alloc), or
// too short to filter (an error without a field).
TEST(ScenarioFile, OverridesAndDurationsOutOfReachAreFieldErrors) {
  const std::string stand = (kScenarios / "stand.yaml").string();
  auto field_of = [&](const std::string& set) -> std::string {
    try {
      load_scenario(stand, {parse_override(set)});
    } catch (const InputError& e) {
      return e.where().field + ": " + e.message();
    }
    return "accepted";
  };
  EXPECT_NE(field_of("subject.mass_kg.x=3").find("'subject.mass_kg' is a value (75)"), std::string::npos);
  EXPECT_NE(field_of("task.duration_s=1e9").find("task.duration_s: expected at most 3600 s"), std::string::npos);
  EXPECT_NE(field_of("task.duration_s=0.001").find("task.duration_s: expected at least 3 frame intervals"),
            std::string::npos);
  EXPECT_EQ(field_of("task.duration_s=0.03"), "accepted");
}

}  // namespace
}  // namespace dembones
