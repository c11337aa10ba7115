// Every model shipped in models/: it loads, every number names its published source, its masses sum
// to the body mass, it stands at a published centre-of-mass height, and it scales to small and large
// subjects without degenerate geometry.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scenario/model_parser.hpp"
#include "scenario/model_pose.hpp"
#include "scenario/scaling.hpp"

namespace dembones {
namespace {

using namespace mspec;  // NOLINT

std::vector<std::string> shipped_models() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(DEMBONES_SOURCE_DIR) + "/models"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  return out;
}

TEST(ShippedModels, ThereIsALifter) {
  const auto models = shipped_models();
  ASSERT_FALSE(models.empty());
  bool lifter = false;
  for (const auto& m : models) lifter |= m.ends_with("/lifter.yaml");
  EXPECT_TRUE(lifter);
}

TEST(ShippedModels, EveryNumberHasASource) {
  for (const auto& path : shipped_models()) {
    const ModelSpec m = load_model_spec(path);
    ASSERT_GT(m.parameters.size(), 100u) << path;
    for (const auto& p : m.parameters)
      EXPECT_FALSE(p.source.empty()) << path << ":" << p.where.line << " " << p.field << " has no source";
  }
}

TEST(ShippedModels, SegmentMassesSumToBodyMassForBothSexes) {
  // The de Leva 1996 fractions sum to 1 (male) and 0.9999 (female), so every subject's segment masses
  // sum to the subject's mass within 0.02 %.
  for (const auto& path : shipped_models()) {
    const ModelSpec m = load_model_spec(path);
    EXPECT_NEAR(m.total_mass_kg(), m.reference_subject.mass_kg, 2e-4 * m.reference_subject.mass_kg) << path;
    for (const SubjectSpec s : {SubjectSpec{1.55, 50.0, Sex::female}, SubjectSpec{1.95, 110.0, Sex::male}}) {
      const ModelSpec scaled = scale_model(m, s);
      EXPECT_NEAR(scaled.total_mass_kg(), s.mass_kg, 2e-4 * s.mass_kg) << path;
    }
  }
}

// Standing centre of mass at 0.55-0.57 of stature for men (issue #5: the whole-body COM lies near
// S2, about 55-57 % of height). Women carry relatively more mass in the pelvis and thighs, so their
// COM sits lower relative to stature (Pawlowski & Grabarczyk 2003, Am J Hum Biol 15:144-150); with
// de Leva's 1996 female mass fractions the model must still be within 1 % of stature of the male range
// and below the male value.
TEST(ShippedModels, StandingCentreOfMassHeight) {
  for (const auto& path : shipped_models()) {
    const ModelSpec m = load_model_spec(path);
    auto com_fraction = [&](const SubjectSpec& s) {
      const ModelSpec scaled = scale_model(m, s);
      return calc_center_of_mass(scaled, calc_body_poses(scaled)).y() / s.height_m;
    };
    for (const SubjectSpec s : {m.reference_subject, SubjectSpec{1.95, 110.0, Sex::male},
                                SubjectSpec{1.60, 55.0, Sex::male}}) {
      const double f = com_fraction(s);
      EXPECT_GT(f, 0.55) << path << " H=" << s.height_m;
      EXPECT_LT(f, 0.57) << path << " H=" << s.height_m;
    }
    const double female = com_fraction(SubjectSpec{1.55, 50.0, Sex::female});
    const double male = com_fraction(SubjectSpec{1.55, 50.0, Sex::male});
    EXPECT_GT(female, 0.54) << path;
    EXPECT_LT(female, male) << path;
  }
}

TEST(ShippedModels, ScaledExtremesKeepEveryMusclePositive) {
  for (const auto& path : shipped_models()) {
    const ModelSpec m = load_model_spec(path);
    for (const SubjectSpec s : {SubjectSpec{1.55, 50.0, Sex::female}, SubjectSpec{1.95, 110.0, Sex::male}}) {
      const ModelSpec scaled = scale_model(m, s);
      const auto X = calc_body_poses(scaled);
      for (const auto& mu : scaled.muscles) {
        EXPECT_GT(calc_path_length(mu, {}, X), 0.01) << mu.name;
        EXPECT_GT(mu.optimal_fiber_length_m, 0.0) << mu.name;
        EXPECT_GT(mu.tendon_slack_length_m, 0.0) << mu.name;
        EXPECT_GT(mu.max_isometric_force_N, 0.0) << mu.name;
      }
    }
  }
}

}  // namespace
}  // namespace dembones
