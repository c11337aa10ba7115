#include "scenario/scenario_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::peak;
using scenario_test::Ran;
using scenario_test::run_scenario;
using scenario_test::short_scenario;

// Physiological sense (issue: standing loads L5/S1 with a few hundred newtons, the knee little).
TEST(ScenarioRunner, StandingLoadsTheSpineWithAFewHundredNewtons) {
  const Ran r = run_scenario(short_scenario("stand.yaml"));
  const double l5 = peak(r.record, r.run->msm, "L5_S1_compression");
  // Gravity alone above L5 is about half body weight (~360 N for 75 kg); muscles add to it.
  EXPECT_GT(l5, 300.0);
  EXPECT_LT(l5, 1200.0);
}


TEST(ScenarioRunner, BendingForwardRaisesSpinalCompressionAndALoadRaisesItFurther) {
  const Ran stand = run_scenario(short_scenario("stand.yaml"));
  const Ran bend = run_scenario(short_scenario("forward_bend.yaml"));
  const Ran hold = run_scenario(short_scenario("hold_far.yaml"));
  const double c_stand = peak(stand.record, stand.run->msm, "L5_S1_compression");
  const double c_bend = peak(bend.record, bend.run->msm, "L5_S1_compression");
  const double c_hold = peak(hold.record, hold.run->msm, "L5_S1_compression");
  EXPECT_GT(c_bend, 1.5 * c_stand) << c_stand << " -> " << c_bend;
  EXPECT_GT(c_hold, c_stand) << c_stand << " -> " << c_hold;
}

TEST(ScenarioRunner, ImpairmentsChangeTheModelAsDocumented) {
  ModelCache models;
  const auto intact = prepare_run(short_scenario("stand.yaml"), models);
  const auto tight = prepare_run(short_scenario("psoas_tight_stand.yaml"), models);
  // The impairments are checked on the model; the stoop variant of the lifts keeps the motion reachable.
  const auto weak = prepare_run(short_scenario("weak_core_squat_lift.yaml", {parse_override("task.technique=stoop")}), models);
  const auto l4 = prepare_run(short_scenario("l4_root_squat_lift.yaml", {parse_override("task.technique=stoop")}), models);
  const MuscleSet& a = intact->msm.muscles;
  int psoas = 0, core = 0, l4_capped = 0;
  for (int i = 0; i < a.nmuscles; ++i) {
    auto has = [&](const std::vector<std::string>& v, const char* x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    const bool is_psoas = has(a.groups[i], "psoas");
    const int j = tight->msm.muscles.find_muscle(a.names[i]);
    ASSERT_GE(j, 0);
    const double lopt = tight->msm.muscles.params[j].optimal_fiber_length_m / a.params[i].optimal_fiber_length_m;
    EXPECT_NEAR(lopt, is_psoas ? 0.9 : 1.0, 1e-12) << a.names[i];
    psoas += is_psoas;
    const bool in_core = has(a.groups[i], "glutes") || has(a.groups[i], "abdominals") ||
                         has(a.groups[i], "back_extensors") || has(a.groups[i], "hip_flexors");
    const double f0 = weak->msm.muscles.params[j].max_isometric_force_N / a.params[i].max_isometric_force_N;
    EXPECT_NEAR(f0, in_core ? 0.5 : 1.0, 1e-12) << a.names[i];
    core += in_core;
    const bool has_l4 = has(a.nerve_roots[i], "L4");
    EXPECT_EQ(l4->msm.activation_cap(j), has_l4 ? 0.3 : 1.0) << a.names[i];
    l4_capped += has_l4;
  }
  EXPECT_GT(psoas, 0);
  EXPECT_GT(core, 0);
  EXPECT_GT(l4_capped, 0);
}

// `multi_root: share`: a muscle of n roots keeps the other roots' motor units, cap 1 − (1 − c) / n;
// a muscle of the root alone is capped as with the default. The multifidus is innervated segment by
// segment (Bogduk et al. 1982): only the fascicles from L4 are the L4 root's alone.
TEST(ScenarioRunner, NerveRootShareCapsOnlyTheRootsShareOfAMuscle) {
  ModelCache models;
  const auto l4 = prepare_run(short_scenario("l4_root_squat_lift.yaml",
                                             {parse_override("task.technique=stoop"),
                                              parse_override("impairments.0.multi_root=share")}),
                              models);
  const MuscleSet& a = l4->msm.muscles;
  int single = 0, shared = 0;
  for (int i = 0; i < a.nmuscles; ++i) {
    const auto& roots = a.nerve_roots[i];
    const bool has_l4 = std::find(roots.begin(), roots.end(), "L4") != roots.end();
    const double n = static_cast<double>(roots.size());
    EXPECT_NEAR(l4->msm.activation_cap(i), has_l4 ? 1.0 - 0.7 / n : 1.0, 1e-12) << a.names[i];
    single += has_l4 && roots.size() == 1;
    shared += has_l4 && roots.size() > 1;
  }
  EXPECT_GT(single, 0);  // the L4 multifidus fascicles
  EXPECT_GT(shared, 0);  // e.g. the vasti (L2-L4)
  const int mf4 = a.find_muscle("MF_m4s"), mf3 = a.find_muscle("MF_m3s"), vl = a.find_muscle("vastus_lateralis");
  ASSERT_GE(mf4, 0);
  ASSERT_GE(mf3, 0);
  ASSERT_GE(vl, 0);
  EXPECT_NEAR(l4->msm.activation_cap(mf4), 0.3, 1e-12);
  EXPECT_EQ(l4->msm.activation_cap(mf3), 1.0);
  EXPECT_NEAR(l4->msm.activation_cap(vl), 1.0 - 0.7 / 3.0, 1e-12);
}

TEST(ScenarioRunner, NerveRootMultiRootIsCapOrShare) {
  ModelCache models;
  try {
    prepare_run(short_scenario("l4_root_squat_lift.yaml", {parse_override("impairments.0.multi_root=half")}), models);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "impairments[0].multi_root");
    EXPECT_NE(std::string(e.what()).find("share"), std::string::npos) << e.what();
  }
}

TEST(ScenarioRunner, ASelectorThatMatchesNothingNamesTheImpairment) {
  ModelCache models;
  try {
    prepare_run(short_scenario("weak_core_squat_lift.yaml",
                               {parse_override("impairments.0.muscles=[corr]"), parse_override("task.technique=stoop")}),
                models);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "impairments[0].muscles");
    EXPECT_NE(std::string(e.what()).find("'corr' matches no muscle"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(did you mean 'core'?)"), std::string::npos) << e.what();
  }
}

// A sweep in summary mode records only the peaks' series (RecordLevel::peaks): the same peaks and
// per-frame status as a full record, and none of the other series.
TEST(ScenarioRunner, PeaksRecordGivesTheFullRecordsPeaksAndKeepsNoOtherSeries) {
  const ScenarioSpec s = scenario_test::short_scenario("stoop_lift.yaml");
  ModelCache models;
  const auto run = prepare_run(s, models);
  Pipeline p_full(run->msm, pipeline_settings(s.solver)), p_peaks(run->msm, pipeline_settings(s.solver));
  const RunRecord full = execute_run(*run, p_full, RecordLevel::full);
  const RunRecord peaks = execute_run(*run, p_peaks, RecordLevel::peaks);
  const std::vector<Peak> a = summarize(run->msm, full), b = summarize(run->msm, peaks);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].quantity, b[i].quantity);
    EXPECT_EQ(a[i].value, b[i].value) << a[i].quantity;
    EXPECT_EQ(a[i].time_s, b[i].time_s) << a[i].quantity;
  }
  EXPECT_TRUE(full.reserve_flag == peaks.reserve_flag);
  EXPECT_TRUE(full.iterations == peaks.iterations);
  EXPECT_EQ(full.frames(), peaks.frames());
  EXPECT_FALSE(peaks.series);
  EXPECT_EQ(peaks.activation.size(), 0);
  EXPECT_EQ(peaks.q.size(), 0);
  EXPECT_TRUE(peaks.body_position.empty());
  EXPECT_TRUE(peaks.moment_arm.empty());
  EXPECT_GT(full.activation.size(), 0);
}

// calc_muscle_coordinates lists every coordinate a moment-arm column can reach: on the lifter (wraps,
// the moving patella points, the coupled lumbar levels) every other entry is exactly zero at every
// frame of a lift, which the pipeline relies on to skip those rows of P·A.
TEST(ScenarioRunner, MomentArmsOutsideTheMusclesCoordinatesAreExactlyZero) {
  const ScenarioSpec s = scenario_test::short_scenario("squat_lift.yaml");
  ModelCache models;
  const auto run = prepare_run(s, models);
  const Model& model = run->msm.model;
  const MuscleSet& set = run->msm.muscles;
  Data data(model);
  MuscleData md(model, set);
  std::vector<std::vector<int>> coords;
  int listed = 0, moving = 0;
  for (int i = 0; i < set.nmuscles; ++i) {
    coords.push_back(calc_muscle_coordinates(model, set, i));
    listed += static_cast<int>(coords.back().size());
    for (int k = set.point_begin[i]; k < set.point_begin[i + 1]; ++k) moving += set.points[k].moving_q >= 0;
  }
  EXPECT_GT(moving, 0) << "the lifter's patella points should be covered";
  EXPECT_LT(listed, set.nmuscles * model.nv / 2);  // sparse: what makes the skipping worth it
  const KinematicSeries& k = run->kinematics;
  int nonzero = 0;
  for (int f = 0; f < k.frames(); f += 5) {
    const VecX q = k.q.row(f).transpose(), v = k.qd.row(f).transpose();
    forward_kinematics(model, data, q, v);
    compute_joint_jacobians(model, data, q);
    compute_muscle_geometry(model, data, set, q, md);
    for (int i = 0; i < set.nmuscles; ++i)
      for (int c = 0; c < model.nv; ++c) {
        const bool in = std::binary_search(coords[i].begin(), coords[i].end(), c);
        if (!in) {
          EXPECT_EQ(md.moment_arm(c, i), 0.0) << set.names[i] << " coordinate " << c << " frame " << f;
        }
        nonzero += in && md.moment_arm(c, i) != 0.0;
      }
  }
  EXPECT_GT(nonzero, 0);
}

}  // namespace
}  // namespace dembones
