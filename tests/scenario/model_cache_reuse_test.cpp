// ModelCache::subject_model: variants of one subject share one built model, and a run prepared from
// the cache is the run prepared from nothing, to the last bit (motion, engine model, rig), with and
// without muscle impairments (which rebuild from the cached scaled spec) and nerve-root caps.
#include <gtest/gtest.h>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::short_scenario;

void expect_same_prepared(const PreparedRun& a, const PreparedRun& b) {
  // Bitwise: Eigen's == compares exactly.
  EXPECT_TRUE(a.kinematics.q == b.kinematics.q);
  EXPECT_TRUE(a.kinematics.qd == b.kinematics.qd);
  EXPECT_TRUE(a.kinematics.qdd == b.kinematics.qdd);
  EXPECT_TRUE(a.rig.q_offset == b.rig.q_offset);
  EXPECT_TRUE(a.msm.activation_cap == b.msm.activation_cap);
  scenario_test::expect_same_bodies_and_muscles(a.msm, b.msm);
  // The cached scaled spec the run was built from.
  ASSERT_EQ(a.built->spec.muscles.size(), b.built->spec.muscles.size());
  for (size_t i = 0; i < a.built->spec.muscles.size(); ++i)
    EXPECT_EQ(a.built->spec.muscles[i].max_isometric_force_N, b.built->spec.muscles[i].max_isometric_force_N) << i;
}

TEST(ModelCacheReuse, VariantsOfOneSubjectShareOneBuildAndEqualRunsPreparedAlone) {
  const std::vector<std::vector<Override>> variants = {
      {parse_override("task.box.mass_kg=5")},
      {parse_override("task.box.mass_kg=20"), parse_override("task.technique=squat")},
      {parse_override("impairments=[{type: weak_muscle, muscles: [back_extensors], strength_scale: 0.5}]")},
      {parse_override("impairments=[{type: nerve_root, root: L5, activation_cap: 0.3}]")},
      {parse_override("impairments=[{type: posture, pelvic_tilt_deg: 10}]")},
      {parse_override("subject.height_m=1.62")},
  };
  ModelCache shared;
  std::vector<std::unique_ptr<PreparedRun>> from_cache;
  for (const auto& v : variants) from_cache.push_back(prepare_run(short_scenario("stoop_lift.yaml", v), shared));
  // One build for the 1.75 m subject (the weak-muscle variant rebuilds from its spec, outside the
  // cache), one for 1.62 m.
  EXPECT_EQ(shared.subject_model_builds(), 2);
  EXPECT_EQ(from_cache[0]->built.get(), from_cache[1]->built.get());
  EXPECT_NE(from_cache[0]->built.get(), from_cache[2]->built.get());
  EXPECT_NE(from_cache[0]->built.get(), from_cache[5]->built.get());
  // The engine model too, unless an impairment changed it (the nerve-root caps on a copy: the
  // shared model keeps its caps of 1, checked below on variant 0).
  EXPECT_EQ(&from_cache[0]->msm, &from_cache[1]->msm);
  EXPECT_EQ(&from_cache[0]->msm, &from_cache[4]->msm);
  EXPECT_NE(&from_cache[0]->msm, &from_cache[2]->msm);
  EXPECT_NE(&from_cache[0]->msm, &from_cache[3]->msm);
  EXPECT_NE(&from_cache[0]->msm, &from_cache[5]->msm);

  for (std::size_t k = 0; k < variants.size(); ++k) {
    SCOPED_TRACE(k);
    ModelCache fresh;
    const auto alone = prepare_run(short_scenario("stoop_lift.yaml", variants[k]), fresh);
    expect_same_prepared(*from_cache[k], *alone);
  }
  // The impairments did reach the prepared runs (the comparison above is not between equals).
  EXPECT_LT(from_cache[3]->msm.activation_cap.minCoeff(), 1.0);
  EXPECT_EQ(from_cache[0]->msm.activation_cap.minCoeff(), 1.0);
  EXPECT_FALSE(from_cache[4]->rig.q_offset == from_cache[0]->rig.q_offset);
  EXPECT_FALSE(from_cache[4]->kinematics.q == from_cache[0]->kinematics.q);
}

// A sweep's runs skip the copy of the model file's text (its root stores it once); nothing else
// of the prepared run changes.
TEST(ModelCacheReuse, RunWithoutModelTextIsTheSameRun) {
  const ScenarioSpec scenario = short_scenario("stoop_lift.yaml", {parse_override("task.box.mass_kg=10")});
  ModelCache models;
  const auto with_text = prepare_run(scenario, models);
  const auto without_text = prepare_run(scenario, models, {.keep_model_text = false});
  std::string file_text;
  models.get(scenario.model_file, &file_text);
  EXPECT_FALSE(file_text.empty());
  EXPECT_EQ(with_text->model_text, file_text);
  EXPECT_TRUE(without_text->model_text.empty());
  expect_same_prepared(*with_text, *without_text);
}

}  // namespace
}  // namespace dembones
