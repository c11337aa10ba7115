// Subject scaling of a model spec: identity at the reference subject, the de Leva length and mass
// ratios, inertia ~ m L^2, F0 ~ M^(2/3), muscle lengths with their segments, passive moments ~
// M^(2/3) L and their posterior elements' lever arms ~ L.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "scenario/model_parser.hpp"
#include "scenario/model_pose.hpp"
#include "scenario/scaling.hpp"

namespace dembones {
namespace {

using namespace mspec;  // NOLINT

const std::string kModel = std::string(DEMBONES_TEST_DATA_DIR) + "/models/two_segment.yaml";

TEST(Scaling, ReferenceSubjectIsIdentity) {
  const ModelSpec m = load_model_spec(kModel);
  const ModelSpec s = scale_model(m, m.reference_subject);
  for (std::size_t i = 0; i < m.bodies.size(); ++i) {
    EXPECT_DOUBLE_EQ(s.bodies[i].mass_kg, m.bodies[i].mass_kg);
    EXPECT_TRUE(s.bodies[i].com_m.isApprox(m.bodies[i].com_m));
    EXPECT_TRUE(s.bodies[i].inertia_kg_m2.isApprox(m.bodies[i].inertia_kg_m2));
  }
  EXPECT_DOUBLE_EQ(s.muscles[0].max_isometric_force_N, m.muscles[0].max_isometric_force_N);
  EXPECT_DOUBLE_EQ(s.muscles[0].optimal_fiber_length_m, m.muscles[0].optimal_fiber_length_m);
}

TEST(Scaling, LengthsFollowSegmentFractionsOfStature) {
  const ModelSpec m = load_model_spec(kModel);
  const SubjectSpec f{1.60, 55.0, Sex::female};
  const auto scales = calc_body_scales(m, f);
  ASSERT_EQ(scales.size(), 3u);
  // foot: no segment, scales with stature and mass.
  EXPECT_DOUBLE_EQ(scales[0].length_factor, 1.60 / 1.80);
  EXPECT_DOUBLE_EQ(scales[0].mass_factor, 55.0 / 80.0);
  // thigh: female length fraction 0.26 vs male 0.25; mass fraction 0.45 vs 0.50.
  EXPECT_DOUBLE_EQ(scales[2].length_factor, (0.26 * 1.60) / (0.25 * 1.80));
  EXPECT_DOUBLE_EQ(scales[2].mass_factor, (0.45 * 55.0) / (0.50 * 80.0));

  const ModelSpec s = scale_model(m, f);
  const double kt = scales[2].length_factor, ks = scales[1].length_factor;
  const JointSpec& knee = *s.find_joint("knee");
  EXPECT_TRUE(knee.location_in_parent_m.isApprox(m.find_joint("knee")->location_in_parent_m * kt));
  EXPECT_TRUE(knee.location_in_child_m.isApprox(m.find_joint("knee")->location_in_child_m * ks));
  // Tibiofemoral translation is in the thigh's joint frame: scales with the thigh.
  EXPECT_NEAR(knee.translation[0].eval(-1.0), -0.002 * kt, 1e-12);
  EXPECT_NEAR(s.wraps[0].radius_m, 0.025 * kt, 1e-12);
  EXPECT_NEAR(s.wraps[0].length_m, 0.1 * kt, 1e-12);  // a cylinder's length with its body (mutation audit)
  EXPECT_TRUE(s.wraps[0].location_m.isApprox(m.wraps[0].location_m * kt));
  EXPECT_TRUE(s.muscles[0].path[0].location_m.isApprox(m.muscles[0].path[0].location_m * kt));
  EXPECT_TRUE(s.muscles[0].path[2].location_m.isApprox(m.muscles[0].path[2].location_m * ks));
  EXPECT_TRUE(s.sites[0].origin_m.isApprox(m.sites[0].origin_m * ks));
  EXPECT_TRUE(s.markers[0].location_m.isApprox(m.markers[0].location_m * kt));
  // Angles do not scale.
  EXPECT_DOUBLE_EQ(knee.coordinates[0].range_min, m.find_joint("knee")->coordinates[0].range_min);
}

TEST(Scaling, InertiaWithMassTimesLengthSquared) {
  const ModelSpec m = load_model_spec(kModel);
  const SubjectSpec big{1.95, 110.0, Sex::male};
  const ModelSpec s = scale_model(m, big);
  const auto scales = calc_body_scales(m, big);
  for (std::size_t i = 0; i < m.bodies.size(); ++i) {
    const double k = scales[i].mass_factor * std::pow(scales[i].length_factor, 2);
    EXPECT_TRUE(s.bodies[i].inertia_kg_m2.isApprox(m.bodies[i].inertia_kg_m2 * k));
    // Radius of gyration relative to length is unchanged.
    const double r0 = std::sqrt(m.bodies[i].inertia_kg_m2[0] / m.bodies[i].mass_kg);
    const double r1 = std::sqrt(s.bodies[i].inertia_kg_m2[0] / s.bodies[i].mass_kg);
    EXPECT_NEAR(r1 / r0, scales[i].length_factor, 1e-12);
  }
}

TEST(Scaling, MuscleForceWithMassToTwoThirdsAndLengthsWithSegments) {
  const ModelSpec m = load_model_spec(kModel);
  const SubjectSpec big{1.95, 110.0, Sex::male};
  const ModelSpec s = scale_model(m, big);
  EXPECT_NEAR(s.muscles[0].max_isometric_force_N / m.muscles[0].max_isometric_force_N,
              std::pow(110.0 / 80.0, 2.0 / 3.0), 1e-12);
  // Fibre and tendon lengths with the musculotendon length at the default pose.
  const double ratio = calc_path_length(s.muscles[0], {}, calc_body_poses(s)) /
                       calc_path_length(m.muscles[0], {}, calc_body_poses(m));
  const auto scales = calc_body_scales(m, big);
  EXPECT_GT(ratio, std::min(scales[1].length_factor, scales[2].length_factor) - 1e-12);
  EXPECT_LT(ratio, std::max(scales[1].length_factor, scales[2].length_factor) + 1e-12);
  EXPECT_NEAR(s.muscles[0].optimal_fiber_length_m, m.muscles[0].optimal_fiber_length_m * ratio, 1e-12);
  EXPECT_NEAR(s.muscles[0].tendon_slack_length_m, m.muscles[0].tendon_slack_length_m * ratio, 1e-12);
  // The ratio of fibre to tendon length is kept.
  EXPECT_NEAR(s.muscles[0].optimal_fiber_length_m / s.muscles[0].tendon_slack_length_m,
              m.muscles[0].optimal_fiber_length_m / m.muscles[0].tendon_slack_length_m, 1e-12);
}

// Passive moments were left unscaled: a 45 kg subject's discs and ligaments carried what a 135 kg
// subject's did, so the muscles' share of the lumbar moment, and the compression in body weights,
// changed with size (unloaded squat at L5/S1: 2.79 BW at 45 kg, 3.63 BW at 135 kg; scaling audit).
// Now tissue force scales with cross-section like the muscles' (M^(2/3)) on a lever arm scaling with
// the joint's child body; the angles do not scale.
TEST(Scaling, PassiveMomentsWithMassToTwoThirdsTimesLength) {
  const ModelSpec m = load_model_spec(kModel);
  const SubjectSpec small{1.55, 50.0, Sex::female};
  const ModelSpec s = scale_model(m, small);
  const auto scales = calc_body_scales(m, small);
  const double ks = scales[1].length_factor;  // the knee's child, the shank
  ASSERT_EQ(s.passive_moments.size(), 1u);
  const CurveSpec& before = m.passive_moments[0].moment_Nm;
  const CurveSpec& after = s.passive_moments[0].moment_Nm;
  ASSERT_EQ(after.y.size(), before.y.size());
  for (std::size_t i = 0; i < before.y.size(); ++i) {
    EXPECT_DOUBLE_EQ(after.x[i], before.x[i]);
    EXPECT_NEAR(after.y[i], before.y[i] * std::pow(50.0 / 80.0, 2.0 / 3.0) * ks, 1e-12);
  }
  // The lifter's lumbar levels: the moment and the posterior elements' lever arms (so the ligament
  // forces, moment / lever arm, scale with M^(2/3) like the muscles').
  const ModelSpec lifter = load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  const SubjectSpec big{1.95, 110.0, Sex::male};
  const ModelSpec b = scale_model(lifter, big);
  const auto lifter_scales = calc_body_scales(lifter, big);
  int checked = 0;
  for (std::size_t i = 0; i < lifter.passive_moments.size(); ++i) {
    const PassiveMomentSpec& p0 = lifter.passive_moments[i];
    const PassiveMomentSpec& p1 = b.passive_moments[i];
    const JointSpec* joint = nullptr;
    for (const JointSpec& j : lifter.joints)
      for (const CoordinateSpec& c : j.coordinates)
        if (c.name == p0.coordinate) joint = &j;
    ASSERT_NE(joint, nullptr) << p0.coordinate;
    const auto child = std::find_if(lifter_scales.begin(), lifter_scales.end(),
                                    [&](const BodyScale& x) { return x.body == joint->child; });
    ASSERT_NE(child, lifter_scales.end());
    const double k = std::pow(110.0 / lifter.reference_subject.mass_kg, 2.0 / 3.0) * child->length_factor;
    EXPECT_NEAR(p1.moment_Nm.y.front(), p0.moment_Nm.y.front() * k, 1e-9) << p0.name;
    ASSERT_EQ(p1.posterior_elements.size(), p0.posterior_elements.size());
    for (std::size_t e = 0; e < p0.posterior_elements.size(); ++e, ++checked)
      EXPECT_NEAR(p1.posterior_elements[e].lever_arm_m, p0.posterior_elements[e].lever_arm_m * child->length_factor,
                  1e-12);
  }
  EXPECT_EQ(checked, 18);  // six levels, three structures each
}

TEST(Scaling, TotalMassFollowsSubjectWhenFractionsSumToOne) {
  // In two_segment.yaml the foot has no segment (scales with M) and shank + thigh are 0.25 + 0.50 of
  // M for males, 0.30 + 0.45 for females: both sum with the foot (0.25) to 1.
  const ModelSpec m = load_model_spec(kModel);
  for (const SubjectSpec subj : {SubjectSpec{1.55, 50.0, Sex::female}, SubjectSpec{1.95, 110.0, Sex::male}}) {
    const ModelSpec s = scale_model(m, subj);
    EXPECT_NEAR(s.total_mass_kg(), subj.mass_kg, 1e-9 * subj.mass_kg);
  }
}

}  // namespace
}  // namespace dembones
