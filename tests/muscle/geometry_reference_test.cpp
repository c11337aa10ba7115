// compute_muscle_geometry keeps its path in one PathNode array and walks it without the old version's
// bookkeeping; its results must be those of the old version (geometry_reference.hpp) to the last bit:
// lengths, speeds, moment arms, body wrenches, engaged wraps and the count of wraps skipped with a
// point inside, on paths with conditional via points, cylinder (fixed-direction and OpenSim-rule) and
// sphere wraps, moving (patella) points with and without a lever, and several frames in a row on one
// MuscleData (scratch left from a longer path must not leak into a shorter one).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

#include "geometry_reference.hpp"

namespace dembones {
namespace {

using geometry_reference::ReferenceGeometry;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

PathPointSpec fixed(const std::string& body, double x, double y, double z) {
  PathPointSpec p;
  p.body = body;
  p.p_B_m = Vec3(x, y, z);
  return p;
}

PathPointSpec patella(const std::string& side) {
  PathPointSpec p;
  p.body = "femur" + side;
  p.moving_coordinate = "knee_angle" + side;
  const std::vector<double> q{-2.1, -1.5, -1.0, -0.5, 0.0, 0.2};
  p.moving_x_m = CubicSpline(q, {0.0, 0.02, 0.035, 0.047, 0.05, 0.05});
  p.moving_y_m = CubicSpline(q, {-0.45, -0.44, -0.425, -0.405, -0.385, -0.38});
  p.moving_z_m = CubicSpline(q, {0.004, 0.003, 0.002, 0.001, 0.0, 0.0});
  return p;
}

WrapSpec femur_cylinder(const std::string& side, int after_point, bool opensim) {
  WrapSpec c;
  c.kind = WrapKind::kCylinder;
  c.body = "femur" + side;
  c.X_BS.translation = Vec3(-0.01, -0.42, 0.0);
  c.radius_m = 0.026;
  c.direction = -1;
  c.after_point = after_point;
  c.opensim_rules = opensim;
  c.quadrant = CylinderQuadrant{0, opensim ? -1 : 0};
  c.half_length_m = opensim ? 0.05 : INFINITY;
  return c;
}

MuscleSpec muscle(const std::string& name, std::vector<PathPointSpec> path, std::vector<WrapSpec> wraps = {}) {
  MuscleSpec m;
  m.name = name;
  m.params.max_isometric_force_N = 1000.0;
  m.params.optimal_fiber_length_m = 0.1;
  m.params.tendon_slack_length_m = 0.2;
  m.path = std::move(path);
  m.wraps = std::move(wraps);
  return m;
}

// Moving points (with and without a lever: a tendon to the tibia, or the patella at an end) and
// wraps before and after them, with both cylinder rules.
std::vector<MuscleSpec> knee_muscles() {
  std::vector<MuscleSpec> ms;
  for (const std::string side : {"_r", "_l"}) {
    ms.push_back(muscle("vastus" + side, {fixed("femur" + side, 0.03, -0.2, 0.02), patella(side),
                                          fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    ms.push_back(muscle("rectus" + side, {fixed("pelvis", 0.03, -0.03, 0.08), patella(side),
                                          fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    ms.push_back(muscle("to_patella" + side, {fixed("femur" + side, 0.03, -0.2, 0.0), patella(side)}));
    ms.push_back(muscle("from_patella" + side, {patella(side), fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    for (const bool opensim : {false, true}) {
      const std::string rule = opensim ? "_opensim" : "";
      ms.push_back(muscle("fixed_wrap" + rule + side,
                          {fixed("femur" + side, 0.03, -0.2, 0.0), fixed("tibia" + side, 0.04, -0.07, 0.0)},
                          {femur_cylinder(side, 0, opensim)}));
      ms.push_back(muscle("vastus_wrap" + rule + side,
                          {fixed("femur" + side, 0.03, -0.2, 0.02), patella(side), fixed("tibia" + side, 0.04, -0.07, 0.0)},
                          {femur_cylinder(side, 1, opensim)}));
    }
  }
  return ms;
}

// Poses with the knees spread over the patella track and the wraps' engagement.
VecX pose(const Model& model, unsigned seed, double spread) {
  VecX q = random_configuration(model, seed, spread);
  for (const char* knee : {"knee_angle_r", "knee_angle_l"}) {
    const int k = model.find_coordinate(knee);
    if (k >= 0) q[model.idx_q[model.velocity_body[k]]] = -2.0 + 2.15 * ((seed * 37) % 100) / 100.0;
  }
  return q;
}

void expect_geometry_equals_reference(const Model& model, const MuscleSet& set) {
  Data data(model);
  MuscleData md(model, set);
  ReferenceGeometry ref(model, set);
  int engaged = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    const VecX q = pose(model, seed, seed % 3 == 0 ? 1.5 : 0.6);
    const VecX v = random_configuration(model, seed + 100, 1.0).head(model.nv);
    forward_kinematics(model, data, q, v);
    compute_joint_jacobians(model, data, q);
    compute_muscle_geometry(model, data, set, q, md);
    geometry_reference::reference_muscle_geometry(model, data, set, q, ref);
    for (int i = 0; i < set.nmuscles; ++i) {
      EXPECT_TRUE(same_bits(md.length[i], ref.length[i])) << set.names[i] << " seed " << seed;
      EXPECT_TRUE(same_bits(md.velocity[i], ref.velocity[i])) << set.names[i] << " seed " << seed;
      for (int k = 0; k < model.nv; ++k) {
        EXPECT_TRUE(same_bits(md.moment_arm(k, i), ref.moment_arm(k, i))) << set.names[i] << " coordinate " << k;
      }
    }
    for (std::size_t b = 0; b < set.bodies.size(); ++b) {
      for (int c = 0; c < 3; ++c) {
        EXPECT_TRUE(same_bits(md.body_wrench_W[b].linear[c], ref.body_wrench_W[b].linear[c])) << "slot " << b;
        EXPECT_TRUE(same_bits(md.body_wrench_W[b].angular[c], ref.body_wrench_W[b].angular[c])) << "slot " << b;
      }
    }
    EXPECT_EQ(md.wrap_engaged, ref.wrap_engaged) << "seed " << seed;
    EXPECT_EQ(md.wrap_inside_count, ref.wrap_inside_count) << "seed " << seed;
    for (const unsigned char e : md.wrap_engaged) engaged += e;
  }
  // The poses reach the cases the comparison is about.
  if (!set.wraps.empty()) {
    EXPECT_GT(engaged, 0);
  }
}

// MuscleSet::wrap_into_point is the wrap the old scan over the muscle's wraps finds for a segment
// whose first point is active (after_point == the point before), or -1.
TEST(GeometryReference, WrapIntoPointIsTheScansWrap) {
  const Model model = samples::human20();
  for (const MuscleSet& set : {make_muscle_set(model, samples::leg_and_trunk_muscles()),
                               make_muscle_set(model, knee_muscles())}) {
    ASSERT_EQ(set.wrap_into_point.size(), set.points.size());
    int with_wrap = 0;
    for (int i = 0; i < set.nmuscles; ++i) {
      for (int k = set.point_begin[i]; k < set.point_begin[i + 1]; ++k) {
        int found = -1;
        for (int w = set.wrap_begin[i]; w < set.wrap_begin[i + 1]; ++w)
          if (k > set.point_begin[i] && set.wraps[w].after_point == k - set.point_begin[i] - 1) found = w;
        EXPECT_EQ(set.wrap_into_point[k], found) << set.names[i] << " point " << k - set.point_begin[i];
        with_wrap += found >= 0;
      }
    }
    EXPECT_EQ(with_wrap, static_cast<int>(set.wraps.size()));
  }
}

TEST(GeometryReference, SampleMusclesWithConditionalPointsAndWraps) {
  const Model model = samples::human20();
  expect_geometry_equals_reference(model, make_muscle_set(model, samples::leg_and_trunk_muscles()));
}

TEST(GeometryReference, MovingPointsAndBothCylinderRules) {
  for (const bool custom_knee : {false, true}) {
    const Model model = custom_knee ? samples::human20_custom_knee() : samples::human20();
    expect_geometry_equals_reference(model, make_muscle_set(model, knee_muscles()));
  }
}

}  // namespace
}  // namespace dembones
