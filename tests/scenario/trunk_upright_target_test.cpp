// The generator's "keep the trunk upright" target (the squat's instruction and the standing end of
// every lift; task_generator.cpp base_targets) is the trunk's inclination in the subject's own upright
// standing, not an inclination of 0: the lifter's trunk body frame (Christophy et al. 2012's thorax)
// leans forward when the subject stands, so a target of 0 pulled the trunk behind standing.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "multibody/kinematics.hpp"
#include "scenario/posture_ik.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;

std::string scenario(const char* name) {
  return (std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / name).string();
}

// Trunk inclination (rad from vertical, forward positive) at frame f of a prepared run's motion.
double trunk_at(const PreparedRun& run, int f) {
  const Model& model = run.msm.model;
  Data d(model);
  forward_kinematics(model, d, run.kinematics.q.row(f).transpose());
  return trunk_inclination(d.oMb[run.rig.trunk_body]);
}

std::unique_ptr<PreparedRun> prepare(const char* file, const std::vector<std::string>& sets, ModelCache& models) {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(parse_override(s));
  return prepare_run(load_scenario(scenario(file), overrides), models);
}

TEST(TrunkUprightTarget, IsTheStandingTrunkInclinationNotZero) {
  ModelCache models;
  const auto stand = prepare("stand.yaml", {"solver.rate_hz=50"}, models);
  const double standing = trunk_at(*stand, 0);
  // The test only tells the two targets apart where the standing trunk frame is not vertical.
  ASSERT_GT(std::abs(standing), 5 * kDeg) << "standing trunk inclination " << standing / kDeg << " deg";

  // A lift whose only strong preference is the trunk-upright one (1000 per rad against the default
  // 0.5 of the other joints), from hands just below their standing height: at the low point the trunk
  // keeps the standing inclination.
  const auto lift = prepare("lift20_bent_knees.yaml",
                            {"solver.rate_hz=50", "task.technique=custom", "task.weights.trunk_upright=1000",
                             "task.box.mass_kg=0", "task.start.forward_m=0.30", "task.start.height_m=0.80"},
                            models);
  EXPECT_NEAR(trunk_at(*lift, 0), standing, 1.0 * kDeg)
      << "low point " << trunk_at(*lift, 0) / kDeg << " deg, standing " << standing / kDeg << " deg";
}

}  // namespace
}  // namespace dembones
