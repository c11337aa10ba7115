// The lifter's muscle paths through each joint's range (muscle-model audit): every muscle's moment arm
// is -dl/dq of its own path length, with no jump in length, over the hip, knee, ankle and lumbar ranges;
// and every wrap surface engages somewhere, so none is attached to a segment it can never touch.
//
// Two defects this catches: the gastrocnemii's two wraps on one segment were each solved against the
// heel instead of against each other (knee moment arms 15-33 % short of -dl/dq, a 43 mm length jump
// at 5 deg of knee hyperextension); gluteus_maximus_3's wrap sat on its pelvis-to-pelvis segment, which
// never moves against the cylinder (never engaged; the hip moment arm at 120 deg of flexion was 15 mm
// instead of 34 mm).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "models/lifter_muscle_state.hpp"

namespace dembones {
namespace {

using lifter_test::lifter_reference_subject;
using lifter_test::Posture;

constexpr double kDeg = std::numbers::pi / 180.0;

struct Sweep {
  std::string coordinate;  // swept over its whole range
  Posture fixed;           // the other coordinates held (degrees)
};

// Path length and moment arms at each 0.5 deg step of `sweep`; the trapezoid of the moment arms must give
// each step's change of length. A smooth path's trapezoid error here is about 1e-8 m; a 10 % moment-arm
// error on a 2 cm lever 1.7e-5 m; a jump, its size.
TEST(LifterPaths, MomentArmsAreMinusDlDqWithoutJumpsThroughEveryRange) {
  const BuiltModel& b = lifter_reference_subject();
  const Model& model = b.model;
  Data data(model);
  MuscleData md(model, b.muscles);
  std::vector<unsigned char> engaged(b.muscles.wraps.size(), 0);
  const std::vector<Sweep> sweeps = {
      {"knee_angle", {}}, {"knee_angle", {{"hip_flexion", 90}}},
      {"hip_flexion", {}}, {"hip_flexion", {{"knee_angle", -90}}},
      {"ankle_angle", {}}, {"ankle_angle", {{"knee_angle", -60}}},
      {"L5_S1_extension", {}}, {"L4_L5_extension", {}}, {"L3_L4_extension", {}},
      {"L2_L3_extension", {}}, {"L1_L2_extension", {}}, {"T12_L1_extension", {{"hip_flexion", 90}}}};
  const VecX zero = VecX::Zero(model.nv);
  constexpr double kTolerance_m = 2e-6;
  int checked = 0;
  for (const Sweep& s : sweeps) {
    VecX q = b.q_default;
    const auto set = [&](const std::string& name, double rad) {
      const int k = model.find_coordinate(name);
      ASSERT_GE(k, 0) << name;
      const int body = model.velocity_body[k];
      q[model.idx_q[body] + (k - model.idx_v[body])] = rad;
    };
    for (const auto& [name, deg] : s.fixed) set(name, deg * kDeg);
    const int k = model.find_coordinate(s.coordinate);
    ASSERT_GE(k, 0);
    const int steps = static_cast<int>(std::ceil((b.q_max[k] - b.q_min[k]) / (0.5 * kDeg)));
    VecX last_length, last_arm;
    double last_q = 0.0;
    for (int j = 0; j <= steps; ++j) {
      const double x = b.q_min[k] + (b.q_max[k] - b.q_min[k]) * j / steps;
      set(s.coordinate, x);
      forward_kinematics(model, data, q, zero);
      compute_joint_jacobians(model, data, q);
      compute_muscle_geometry(model, data, b.muscles, q, md);
      for (std::size_t w = 0; w < engaged.size(); ++w) engaged[w] |= md.wrap_engaged[w];
      const VecX arm = md.moment_arm.row(k).transpose();
      if (j > 0) {
        for (int i = 0; i < b.muscles.nmuscles; ++i) {
          const double dl = md.length(i) - last_length(i);
          const double predicted = -0.5 * (arm(i) + last_arm(i)) * (x - last_q);
          EXPECT_NEAR(dl, predicted, kTolerance_m)
              << b.muscles.names[static_cast<std::size_t>(i)] << " over " << s.coordinate << " from "
              << last_q / kDeg << " to " << x / kDeg << " deg (moment arm " << last_arm(i) << " -> " << arm(i)
              << " m)";
          ++checked;
        }
      }
      last_length = md.length;
      last_arm = arm;
      last_q = x;
    }
  }
  EXPECT_GT(checked, 100000);
  for (int i = 0; i < b.muscles.nmuscles; ++i)
    for (int w = b.muscles.wrap_begin[i]; w < b.muscles.wrap_begin[i + 1]; ++w)
      EXPECT_TRUE(engaged[static_cast<std::size_t>(w)])
          << b.muscles.names[static_cast<std::size_t>(i)] << "'s wrap " << w - b.muscles.wrap_begin[i]
          << " (in path order) never engages in these ranges";
}

}  // namespace
}  // namespace dembones
