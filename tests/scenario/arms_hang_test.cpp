// Relaxed arms hang vertically (task_generator.cpp, step 1 of generate_with_band): in upright standing
// and, held there, through a forward bend, the upper arm (shoulder joint centre to elbow joint centre)
// is vertical, where a shoulder preference along the forward-leaning torso frame held the hands about
// 0.13 m behind the shoulders and a 36 deg bend swung them 0.36 m back as a counterweight. A task with
// a box keeps its hands where the box is.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "multibody/kinematics.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

constexpr double kDeg = 3.14159265358979323846 / 180.0;

std::unique_ptr<PreparedRun> prepare(const char* file, const std::vector<std::string>& sets, ModelCache& models) {
  std::vector<Override> overrides;
  for (const std::string& s : sets) overrides.push_back(parse_override(s));
  const auto path = std::filesystem::path(DEMBONES_SOURCE_DIR) / "tests" / "validation" / "scenarios" / file;
  return prepare_run(load_scenario(path.string(), overrides), models);
}

// How far the upper arm leans back from vertical at frame f (rad, positive with the elbow behind).
double upper_arm_lean_back(const PreparedRun& run, int f) {
  const Model& model = run.msm.model;
  Data d(model);
  forward_kinematics(model, d, run.kinematics.q.row(f).transpose());
  const Vec3 s = d.oMb[model.find_body("humerus")].translation;
  const Vec3 e = d.oMb[model.find_body("forearm")].translation;
  return std::atan2(s.x() - e.x(), s.y() - e.y());
}

TEST(ArmsHang, InUprightStanding) {
  ModelCache models;
  const auto stand = prepare("stand.yaml", {"solver.rate_hz=50"}, models);
  EXPECT_NEAR(upper_arm_lean_back(*stand, 0), 0.0, 1.0 * kDeg);
}

TEST(ArmsHang, ThroughAForwardBend) {
  ModelCache models;
  const auto bend = prepare("forward_bend_36.yaml", {"solver.rate_hz=50"}, models);
  const int frames = static_cast<int>(bend->kinematics.q.rows());
  for (int f = 0; f < frames; f += 5)
    EXPECT_NEAR(upper_arm_lean_back(*bend, f), 0.0, 2.0 * kDeg) << "frame " << f << " of " << frames;
}

}  // namespace
}  // namespace dembones
