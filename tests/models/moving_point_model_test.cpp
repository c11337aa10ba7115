// Moving path points in model files: parsed (and every bad field reported with file, line and field),
// scaled with their body, converted to engine frames sample by sample (the engine path length equals
// the spec's straight-line length, through the reversed knee of an engine tree rooted at the foot),
// and moment arms equal to -d(spec length)/dq.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <numbers>
#include <string>

#include "multibody/data.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/model_pose.hpp"
#include "scenario/scaling.hpp"

namespace dembones {
namespace {

const std::string kTwoSegment = std::string(DEMBONES_TEST_DATA_DIR) + "/models/two_segment.yaml";

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

const std::string kConditional =
    "      - {body: thigh, location_m: [0.03, -0.42, 0], coordinate: knee_angle, range_deg: [-120, -1]}";

// two_segment.yaml with the vastus's conditional via point replaced by `point` and no wrap.
std::string with_point(const std::string& point) {
  return replace(replace(read_text(kTwoSegment), kConditional, point), "    wraps: [knee_cyl]\n", "");
}

const std::string kMoving =
    "      - {body: thigh, moving: {coordinate: knee_angle, coordinate_values_rad: [-2.1, -1.4, -0.7, 0], "
    "x_m: [-0.01, 0.015, 0.035, 0.045], y_m: [-0.47, -0.465, -0.45, -0.43], z_m: [0.004, 0.002, 0.001, 0]}}";

TEST(MovingPointModel, Parses) {
  const ModelSpec spec = parse_model_spec(with_point(kMoving), "moving.yaml");
  const auto& p = spec.muscles.at(0).path.at(1);
  ASSERT_TRUE(p.moving());
  EXPECT_FALSE(p.conditional());
  EXPECT_EQ(p.moving_coordinate, "knee_angle");
  EXPECT_EQ(p.moving_values_rad, (std::vector<double>{-2.1, -1.4, -0.7, 0}));
  EXPECT_EQ(p.moving_y_m, (std::vector<double>{-0.47, -0.465, -0.45, -0.43}));
  // At a sample the location is the sample.
  const Eigen::Vector3d at = calc_path_point_location(p, {{"knee_angle", -0.7}});
  EXPECT_NEAR((at - Eigen::Vector3d(0.035, -0.45, 0.001)).norm(), 0.0, 1e-15);
  // The samples in degrees, as every other angle of a model file may be (refused before an audit).
  const ModelSpec deg = parse_model_spec(
      with_point(replace(kMoving, "coordinate_values_rad: [-2.1, -1.4, -0.7, 0]", "coordinate_values_deg: [-120, -80, -40, 0]")),
      "moving.yaml");
  const auto& pd = deg.muscles.at(0).path.at(1);
  ASSERT_EQ(pd.moving_values_rad.size(), 4u);
  EXPECT_NEAR(pd.moving_values_rad[0], -120.0 * std::numbers::pi / 180.0, 1e-15);
  EXPECT_NEAR(pd.moving_values_rad[2], -40.0 * std::numbers::pi / 180.0, 1e-15);
}

std::string error_of(const std::string& text) {
  try {
    parse_model_spec(text, "moving.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MovingPointModel, BadFieldsNameFileLineAndField) {
  const std::string line = "moving.yaml:79:";  // the moving point's line in two_segment.yaml
  const std::string unequal = replace(kMoving, "z_m: [0.004, 0.002, 0.001, 0]", "z_m: [0.004, 0.002, 0.001]");
  std::string e = error_of(with_point(unequal));
  EXPECT_EQ(e.rfind(line, 0), 0u) << e;
  EXPECT_NE(e.find("field 'muscles.vastus.path[1].moving.z_m': expected as many values as "
                   "coordinate_values_rad (4), got 3"),
            std::string::npos)
      << e;
  e = error_of(with_point(replace(kMoving, "[-2.1, -1.4, -0.7, 0]", "[-2.1, -0.7, -1.4, 0]")));
  EXPECT_EQ(e.rfind(line, 0), 0u) << e;
  EXPECT_NE(e.find("field 'muscles.vastus.path[1].moving.coordinate_values_rad'"), std::string::npos) << e;
  e = error_of(with_point(replace(kMoving, "coordinate: knee_angle", "coordinate: knee_angel")));
  EXPECT_EQ(e.rfind(line, 0), 0u) << e;
  EXPECT_NE(e.find("field 'muscles.vastus.path[1].moving.coordinate'"), std::string::npos) << e;
  EXPECT_NE(e.find("knee_angel"), std::string::npos) << e;
  e = error_of(with_point(replace(kMoving, "{body: thigh, moving:", "{body: thigh, location_m: [0, 0, 0], moving:")));
  EXPECT_EQ(e.rfind(line, 0), 0u) << e;
  EXPECT_NE(e.find("expected either location_m or moving, got both"), std::string::npos) << e;
}

TEST(MovingPointModel, ScalingScalesTheSamples) {
  const ModelSpec spec = parse_model_spec(with_point(kMoving), "moving.yaml");
  const ModelSpec big = scale_model(spec, SubjectSpec{2.0, 90.0, Sex::male});
  const auto& p0 = spec.muscles[0].path[1];
  const auto& p1 = big.muscles[0].path[1];
  EXPECT_EQ(p1.moving_values_rad, p0.moving_values_rad);
  // The thigh's length factor, from a fixed point of the same body (the origin).
  const double L = big.muscles[0].path[0].location_m.y() / spec.muscles[0].path[0].location_m.y();
  EXPECT_GT(L, 1.05);
  for (std::size_t s = 0; s < p0.moving_values_rad.size(); ++s) {
    EXPECT_NEAR(p1.moving_x_m[s], L * p0.moving_x_m[s], 1e-15);
    EXPECT_NEAR(p1.moving_y_m[s], L * p0.moving_y_m[s], 1e-15);
    EXPECT_NEAR(p1.moving_z_m[s], L * p0.moving_z_m[s], 1e-15);
  }
}

TEST(MovingPointModel, EngineMatchesSpecLengthAndMomentArm) {
  const ModelSpec spec = parse_model_spec(with_point(kMoving), "moving.yaml");
  const BuiltModel b = build_model(spec);
  Data data(b.model);
  MuscleData md(b.model, b.muscles);
  const int knee = b.model.find_coordinate("knee_angle");
  const int ankle = b.model.find_coordinate("ankle_angle");
  ASSERT_GE(knee, 0);
  double previous_length = -1.0;
  for (double qk = -2.05; qk <= 0.0; qk += 0.1) {  // within the knee's range
    const CoordinateValues named{{"knee_angle", qk}, {"ankle_angle", 0.2}};
    VecX q = b.q_default;
    q[b.model.idx_q[b.model.velocity_body[knee]]] = qk;
    q[b.model.idx_q[b.model.velocity_body[ankle]]] = 0.2;
    forward_kinematics(b.model, data, q, VecX::Zero(b.model.nv));
    compute_joint_jacobians(b.model, data, q);
    compute_muscle_geometry(b.model, data, b.muscles, q, md);
    const auto X_GB = calc_body_poses(spec, named);
    // 1 um: the reversed knee's translation is a resampled spline, exact only at its knots.
    EXPECT_NEAR(md.length[0], calc_path_length(spec.muscles[0], named, X_GB), 1e-6) << qk;
    // Moment arm about the knee against the spec's straight-line length (a different code path). 0.1 mm:
    // the resampled reversed knee's slope is not exact between knots; the moving point's own term is
    // of the order of 10 mm here, so a wrong sign or frame would show.
    EXPECT_NEAR(md.moment_arm(knee, 0), calc_moment_arm(spec, spec.muscles[0], "knee_angle", named), 1e-4) << qk;
    EXPECT_NE(md.length[0], previous_length);
    previous_length = md.length[0];
  }
}

TEST(MovingPointModel, LifterVastiWrapOverTheCondylesInDeepFlexion) {
  // With the patella moving, the vasti segment from the femoral shaft to the patella crosses the
  // condyle cylinder in deep flexion (as in OpenSim, where that segment then wraps); the builder puts
  // the wrap there, so the path does not run through the femur.
  const ModelSpec spec = load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  const BuiltModel b = build_model(spec);
  Data data(b.model);
  MuscleData md(b.model, b.muscles);
  const int knee = b.model.find_coordinate("knee_angle");
  for (const char* name : {"vastus_lateralis", "vastus_medialis", "vastus_intermedius"}) {
    const int i = b.muscles.find_muscle(name);
    ASSERT_GE(i, 0) << name;
    ASSERT_EQ(b.muscles.wrap_begin[i + 1] - b.muscles.wrap_begin[i], 1) << name;
    const int w = b.muscles.wrap_begin[i];
    const int after = b.muscles.wraps[w].after_point;
    EXPECT_TRUE(b.muscles.points[b.muscles.point_begin[i] + after].moving_q < 0) << name;
    EXPECT_TRUE(b.muscles.points[b.muscles.point_begin[i] + after + 1].moving_q >= 0) << name;
    for (const double qk : {0.0, -2.0}) {
      VecX q = b.q_default;
      q[b.model.idx_q[b.model.velocity_body[knee]]] = qk;
      forward_kinematics(b.model, data, q, VecX::Zero(b.model.nv));
      compute_joint_jacobians(b.model, data, q);
      compute_muscle_geometry(b.model, data, b.muscles, q, md);
      EXPECT_EQ(md.wrap_inside_count, 0);
      EXPECT_EQ(md.wrap_engaged[w], qk < -1.0 ? 1 : 0) << name << " knee " << qk;
    }
  }
}

}  // namespace
}  // namespace dembones
