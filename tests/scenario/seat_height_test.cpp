// Sitting down and standing up: the hip joint centre sits above the seat by the thighs' thickness
// (task_spec.hpp kHipAboveSeatPerStature), scaled with the subject's stature unless the scenario
// gives `hip_above_seat_m`; the generated seat-off posture puts it there.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

const std::string kScenario =
    (std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / "sit_to_stand.yaml").string();

TEST(SeatHeight, DefaultScalesWithStature) {
  const ScenarioSpec a = load_scenario(kScenario, {parse_override("subject.height_m=1.75")});
  const ScenarioSpec b = load_scenario(kScenario, {parse_override("subject.height_m=1.50")});
  EXPECT_NEAR(a.task.hip_above_seat_m, 0.5 * 160.0 / 1740.0 * 1.75, 1e-12);
  EXPECT_NEAR(b.task.hip_above_seat_m / a.task.hip_above_seat_m, 1.50 / 1.75, 1e-12);
  const ScenarioSpec given = load_scenario(kScenario, {parse_override("task.hip_above_seat_m=0.05")});
  EXPECT_DOUBLE_EQ(given.task.hip_above_seat_m, 0.05);
}

TEST(SeatHeight, OutOfRangeNamesTheField) {
  try {
    load_scenario(kScenario, {parse_override("task.hip_above_seat_m=0.9")});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.where().field.find("hip_above_seat_m"), std::string::npos) << e.where().field;
  }
}

// The first frame of a sit-to-stand (seat-off) puts the hip joint centre at chair + offset.
TEST(SeatHeight, SeatContactPostureHasTheHipAboveTheSeat) {
  for (double offset : {0.0, 0.08}) {
    const ScenarioSpec s = load_scenario(kScenario, {parse_override("solver.rate_hz=50"),
                                                     parse_override("task.hip_above_seat_m=" + std::to_string(offset))});
    ModelCache models;
    const auto run = prepare_run(s, models);
    const Model& model = run->msm.model;
    Data d(model);
    forward_kinematics(model, d, run->kinematics.q.row(0).transpose());
    const double hip_y = d.oMb[run->rig.hip_body].act(run->rig.hip_point_B).y();
    EXPECT_NEAR(hip_y, s.task.chair_height_m + offset, 0.01) << "offset " << offset;
  }
}

// A chair lower than the joint ranges let the hips reach is refused, naming the field and how far the
// hips stay (a 0.25 m chair ran from a seat-off 7 cm higher, unsaid; extreme-inputs audit).
TEST(SeatHeight, AChairTheHipsCannotReachIsRefused) {
  ModelCache models;
  try {
    prepare_run(load_scenario(kScenario, {parse_override("solver.rate_hz=20"), parse_override("task.chair_height_m=0.25")}),
                models);
    FAIL() << "a 0.25 m chair was run";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "task.chair_height_m");
    EXPECT_NE(std::string(e.what()).find("cannot bring the hip joint centre down to the chair: it stays"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace dembones
