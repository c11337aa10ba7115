// Muscle impairments patch a copy of the intact model (set_muscle_params) instead of rebuilding it from
// the changed spec: the patched model must be the rebuilt one, bit for bit, in every Hill parameter and
// constant, the arrays of the vectorized force stage, and the run's loads.
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <memory>
#include <string>

#include "scenario/model_builder.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::short_scenario;

// Every listed double member of x and y equal to the bit.
template <class T>
void expect_same_members(const T& x, const T& y, std::initializer_list<double T::*> members, const std::string& muscle) {
  int k = 0;
  for (double T::*m : members) EXPECT_EQ(x.*m, y.*m) << muscle << ", member " << k++;
}

void expect_same_hill(const MuscleSet& a, const MuscleSet& b) {
  ASSERT_EQ(a.nmuscles, b.nmuscles);
  for (int i = 0; i < a.nmuscles; ++i) {
    expect_same_members(a.params[i], b.params[i],
                        {&HillParams::max_isometric_force_N, &HillParams::optimal_fiber_length_m,
                         &HillParams::tendon_slack_length_m, &HillParams::passive_strain_at_max_force},
                        a.names[i]);
    EXPECT_EQ(a.params[i].passive_curve, b.params[i].passive_curve) << a.names[i];
    expect_same_members(a.constants[i], b.constants[i],
                        {&HillConstants::fiber_width_m, &HillConstants::min_fiber_length_m,
                         &HillConstants::min_fiber_along_tendon_m, &HillConstants::max_fiber_velocity_m_per_s,
                         &HillConstants::max_search_fiber_along_tendon_m},
                        a.names[i]);
    EXPECT_EQ(a.constants[i].passive.offset, b.constants[i].passive.offset) << a.names[i];
  }
  const auto& h = a.hill;
  const auto& k = b.hill;
  for (const auto& [x, y] : {std::pair{&h.max_isometric_force_N, &k.max_isometric_force_N},
                             {&h.inv_optimal_fiber_length_per_m, &k.inv_optimal_fiber_length_per_m},
                             {&h.tendon_slack_length_m, &k.tendon_slack_length_m},
                             {&h.fiber_width_m, &k.fiber_width_m},
                             {&h.min_fiber_along_tendon_m, &k.min_fiber_along_tendon_m},
                             {&h.inv_max_fiber_velocity_s_per_m, &k.inv_max_fiber_velocity_s_per_m},
                             {&h.passive_shape_over_strain, &k.passive_shape_over_strain},
                             {&h.passive_offset, &k.passive_offset},
                             {&h.passive_inv_denom, &k.passive_inv_denom}})
    EXPECT_TRUE(*x == *y);
  EXPECT_EQ(a.scalar_passive, b.scalar_passive);
}

TEST(ImpairmentPatch, PatchedModelIsTheRebuiltOne) {
  // Weak, strong and tight muscles, two entries compounding on the erector spinae.
  const ScenarioSpec s = short_scenario(
      "stoop_lift.yaml",
      {parse_override("impairments=[{type: weak_muscle, muscles: [erector_spinae, abdominals], strength_scale: 0.6}, "
                      "{type: weak_muscle, muscles: erector_spinae, strength_scale: 0.8}, "
                      "{type: strong_muscle, muscles: glutes, strength_scale: 1.3}, "
                      "{type: tight_muscle, muscles: [psoas, hamstrings], length_scale: 0.93}]")});
  ModelCache models;
  const auto run = prepare_run(s, models);
  // The rebuild: the spec the patched model carries, through build_model.
  const BuiltModel rebuilt = build_model(run->built->spec);
  const MusculoskeletalModel rebuilt_msm = make_musculoskeletal_model(rebuilt, s.subject.mass_kg);
  expect_same_hill(run->msm.muscles, rebuilt_msm.muscles);
  expect_same_hill(run->built->muscles, rebuilt.muscles);
  scenario_test::expect_same_bodies_and_muscles(run->msm, rebuilt_msm);
  // Something was patched: the erector spinae at 0.48 of the intact force, the psoas shorter.
  const auto intact = prepare_run(short_scenario("stoop_lift.yaml", {parse_override("impairments=[]")}), models);
  const MuscleSet& a = run->msm.muscles;
  const MuscleSet& b = intact->msm.muscles;
  int weakened = 0, shortened = 0, strengthened = 0;
  for (int i = 0; i < a.nmuscles; ++i) {
    const double f = a.params[i].max_isometric_force_N / b.params[i].max_isometric_force_N;
    weakened += std::abs(f - 0.48) < 1e-12 ? 1 : 0;
    strengthened += std::abs(f - 1.3) < 1e-12 ? 1 : 0;
    shortened += a.params[i].tendon_slack_length_m < b.params[i].tendon_slack_length_m ? 1 : 0;
  }
  EXPECT_GT(weakened, 10);
  EXPECT_GT(strengthened, 2);
  EXPECT_GT(shortened, 5);
  // And the run on the patched model gives the rebuilt model's loads, to the bit.
  Pipeline patched_pipeline(run->msm, pipeline_settings(s.solver));
  const RunRecord patched = execute_run(*run, patched_pipeline);
  PreparedRun rebuilt_run(std::make_shared<const MusculoskeletalModel>(rebuilt_msm));
  rebuilt_run.scenario = run->scenario;
  rebuilt_run.built = std::make_shared<const BuiltModel>(rebuilt);
  rebuilt_run.rig = run->rig;
  rebuilt_run.kinematics = run->kinematics;
  rebuilt_run.load_mass_kg = run->load_mass_kg;
  rebuilt_run.box_size_m = run->box_size_m;
  rebuilt_run.external = run->external;
  Pipeline rebuilt_pipeline(rebuilt_run.msm, pipeline_settings(s.solver));
  const RunRecord again = execute_run(rebuilt_run, rebuilt_pipeline);
  EXPECT_TRUE(patched.tension == again.tension);
  EXPECT_TRUE(patched.reserve == again.reserve);
  EXPECT_TRUE(patched.passive_force == again.passive_force);
}

}  // namespace
}  // namespace dembones
