// Impairments that do nothing or go past their range (audit): an empty muscle list and a posture
// impairment without angles were accepted and did nothing; two weak_muscle entries compounded to 1e-4
// of a muscle's strength (one may set 0.01); tightening every muscle by half gave 2.2e12 N at L5/S1,
// flagged only as reserves, where a run whose loads diverge must stop with a diagnostic.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include "common/run_checks.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "solvers/pipeline.hpp"

namespace dembones {
namespace {

const std::string kStand = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "stand.yaml").string();

// The message of the InputError that loading, preparing and running the stand with `impairments`
// (YAML) gives, with its field; "ok" when it runs.
std::string outcome(const std::string& impairments) {
  try {
    const ScenarioSpec s = load_scenario(kStand, {parse_override("impairments=" + impairments),
                                                  parse_override("task.duration_s=0.1"), parse_override("solver.rate_hz=50")});
    ModelCache models;
    const auto run = prepare_run(s, models);
    Pipeline pipeline(run->msm, pipeline_settings(s.solver));
    execute_run(*run, pipeline);
  } catch (const InputError& e) {
    return e.where().field + ": " + e.message();
  }
  return "ok";
}

TEST(ImpairmentLimits, AnImpairmentMustSelectAndSetSomething) {
  EXPECT_NE(outcome("[{type: weak_muscle, muscles: [], strength_scale: 0.5}]")
                .find("impairments[0].muscles: expected at least one muscle"),
            std::string::npos);
  EXPECT_NE(outcome("[{type: posture}]").find("impairments[0].type: a posture impairment needs"), std::string::npos);
}

TEST(ImpairmentLimits, CompoundedImpairmentsKeepTheRangeOfOne) {
  EXPECT_EQ(outcome("[{type: weak_muscle, muscles: core, strength_scale: 0.1}, "
                    "{type: weak_muscle, muscles: core, strength_scale: 0.1}]"),
            "ok");
  const std::string weak = outcome("[{type: weak_muscle, muscles: core, strength_scale: 0.05}, "
                                   "{type: weak_muscle, muscles: core, strength_scale: 0.1}]");
  EXPECT_EQ(weak.rfind("impairments[1].strength_scale: with the other impairments on it", 0), 0u) << weak;
  const std::string tilt = outcome("[{type: posture, pelvic_tilt_deg: 20}, {type: posture, pelvic_tilt_deg: 20}]");
  EXPECT_EQ(tilt.rfind("impairments[1].pelvic_tilt_deg: with the posture impairments before it", 0), 0u) << tilt;
  const std::string tight = outcome("[{type: tight_muscle, muscles: psoas, length_scale: 0.7}, "
                                    "{type: tight_muscle, muscles: psoas, length_scale: 0.7}]");
  EXPECT_EQ(tight.rfind("impairments[1].length_scale: with the other impairments on it", 0), 0u) << tight;
}

TEST(ImpairmentLimits, ADivergedRunStopsWithTheFrameAndTheLoad) {
  const std::string e = outcome("[{type: tight_muscle, muscles: '*', length_scale: 0.5}]");
  EXPECT_NE(e.find("frame 0 (t = 0.000 s): the "), std::string::npos) << e;
  EXPECT_NE(e.find("beyond any physiological load (100 body weights); the strongest pull, "), std::string::npos) << e;
  // The muscle named, and a cause that fits a run with an impairment.
  EXPECT_NE(e.find("% passive), is "), std::string::npos) << e;
  EXPECT_NE(e.find("the model diverged (e.g. an impairment that shortens muscles"), std::string::npos) << e;
}

// A frame with a non-finite input stops the run as the inputs' error (not the engine's), naming the
// scenario file, the frame, its time and the quantity.
TEST(ImpairmentLimits, ANonFiniteFrameStopsTheRunNamingFrameAndQuantity) {
  const ScenarioSpec s = load_scenario(kStand, {parse_override("task.duration_s=0.2"), parse_override("solver.rate_hz=50")});
  ModelCache models;
  auto prepared = prepare_run(s, models);
  ASSERT_GT(prepared->kinematics.frames(), 6);
  prepared->kinematics.qd(6, 0) = std::numeric_limits<double>::quiet_NaN();
  Pipeline pipeline(prepared->msm, pipeline_settings(s.solver));
  try {
    execute_run(*prepared, pipeline);
    FAIL() << "a NaN velocity ran";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, s.file);
    EXPECT_NE(e.message().find("frame 6 (t = "), std::string::npos) << e.what();
    EXPECT_NE(e.message().find("velocities qdot not finite; the run is stopped"), std::string::npos) << e.what();
  }
}

// Frames the static optimization stops at its iteration limit are counted (RunRecord::unconverged_frames,
// for the run summary and the sweep's unconverged_frames), as /solver/status marks them (hot-loop audit:
// they showed only there).
TEST(ImpairmentLimits, FramesAtTheIterationLimitAreCounted) {
  const ScenarioSpec s = load_scenario(kStand, {parse_override("task.duration_s=0.2"), parse_override("solver.rate_hz=50"),
                                                parse_override("solver.exponent=3")});
  ModelCache models;
  const auto prepared = prepare_run(s, models);
  PipelineSettings settings = pipeline_settings(s.solver);
  EXPECT_EQ(execute_run(*prepared, *std::make_unique<Pipeline>(prepared->msm, settings)).unconverged_frames, 0);
  settings.max_iterations = 1;
  Pipeline pipeline(prepared->msm, settings);
  const RunRecord rec = execute_run(*prepared, pipeline);
  int marked = 0;
  for (Eigen::Index f = 0; f < rec.status.size(); ++f) marked += rec.status(f) == 1.0 ? 1 : 0;
  EXPECT_GT(rec.unconverged_frames, 0);
  EXPECT_EQ(rec.unconverged_frames, marked);
  EXPECT_NE(unconverged_line(rec.unconverged_frames, rec.frames()).find(fmt::format("{} of {}", marked, rec.frames())),
            std::string::npos);
  EXPECT_EQ(unconverged_line(0, rec.frames()), "");
}

// strong_muscle: a trained muscle (an intervention to compare with the intact and the weak one), F0 up
// to twice the published value; it compounds with weak_muscle and stops past twice.
TEST(ImpairmentLimits, AStrongMuscleScalesItsForceUpToTwice) {
  const ScenarioSpec s = load_scenario(kStand, {parse_override("impairments=[{type: strong_muscle, muscles: rect_abd, "
                                                               "strength_scale: 1.5}]"),
                                                parse_override("task.duration_s=0.1"), parse_override("solver.rate_hz=50")});
  ModelCache models;
  const auto strong = prepare_run(s, models);
  const ScenarioSpec plain = load_scenario(kStand, {parse_override("task.duration_s=0.1"), parse_override("solver.rate_hz=50")});
  const auto intact = prepare_run(plain, models);
  const int i = intact->msm.muscles.find_muscle("rect_abd");
  ASSERT_GE(i, 0);
  EXPECT_NEAR(strong->msm.muscles.params[i].max_isometric_force_N, 1.5 * intact->msm.muscles.params[i].max_isometric_force_N,
              1e-9 * intact->msm.muscles.params[i].max_isometric_force_N);
  EXPECT_EQ(outcome("[{type: weak_muscle, muscles: core, strength_scale: 0.5}, {type: strong_muscle, muscles: core, strength_scale: 2}]"),
            "ok");
  const std::string past = outcome("[{type: strong_muscle, muscles: core, strength_scale: 1.5}, "
                                   "{type: strong_muscle, muscles: core, strength_scale: 1.5}]");
  EXPECT_EQ(past.rfind("impairments[1].strength_scale: with the other impairments on it, strength_scale of", 0), 0u) << past;
  EXPECT_NE(past.find("would be 2.25 of the intact muscle's, above 2 (the largest one impairment may set)"), std::string::npos)
      << past;
  EXPECT_NE(outcome("[{type: strong_muscle, muscles: core, strength_scale: 0.5}]").find("strength_scale: expected a number from 1 to 2"),
            std::string::npos);
  // The combination is judged once all entries are applied, so their order does not matter (strong x2,
  // strong x2, weak x0.5 was refused at the second entry, weak first accepted; impairment audit).
  for (const char* order : {"[{type: strong_muscle, muscles: core, strength_scale: 2}, {type: strong_muscle, muscles: core, "
                            "strength_scale: 2}, {type: weak_muscle, muscles: core, strength_scale: 0.5}]",
                            "[{type: weak_muscle, muscles: core, strength_scale: 0.5}, {type: strong_muscle, muscles: core, "
                            "strength_scale: 2}, {type: strong_muscle, muscles: core, strength_scale: 2}]"})
    EXPECT_EQ(outcome(order), "ok") << order;
}

// Nerve roots in `share` mode compound across roots: a muscle of n roots loses (1 - cap) / n of its motor
// units for each lesioned root (the smaller of two caps was kept, as if the second root spared it); the
// same root twice counts once; a `cap` entry caps the muscle as a whole.
TEST(ImpairmentLimits, SharedRootLossesAddUpAcrossRoots) {
  ModelCache models;
  auto caps_of = [&](const std::string& impairments) {
    const ScenarioSpec s = load_scenario(kStand, {parse_override("impairments=" + impairments),
                                                  parse_override("task.duration_s=0.1"), parse_override("solver.rate_hz=50")});
    return prepare_run(s, models)->msm.activation_cap;
  };
  const auto intact = prepare_run(load_scenario(kStand, {parse_override("task.duration_s=0.1"),
                                                         parse_override("solver.rate_hz=50")}), models);
  const MuscleSet& set = intact->msm.muscles;
  // A muscle with three roots, L4, L5 and S1 among them (gluteus medius: L4-S1).
  int k = -1;
  for (int i = 0; i < set.nmuscles && k < 0; ++i) {
    const auto& r = set.nerve_roots[i];
    if (r.size() == 3 && std::count(r.begin(), r.end(), "L4") && std::count(r.begin(), r.end(), "L5")) k = i;
  }
  ASSERT_GE(k, 0) << "no muscle of L4, L5 and a third root";
  const auto one = caps_of("[{type: nerve_root, root: L4, activation_cap: 0.5, multi_root: share}]");
  EXPECT_NEAR(one(k), 1.0 - 0.5 / 3.0, 1e-12) << set.names[k];
  const auto two = caps_of("[{type: nerve_root, root: L4, activation_cap: 0.5, multi_root: share}, "
                           "{type: nerve_root, root: L5, activation_cap: 0.5, multi_root: share}]");
  EXPECT_NEAR(two(k), 1.0 - 2.0 * 0.5 / 3.0, 1e-12) << set.names[k];
  const auto twice = caps_of("[{type: nerve_root, root: L4, activation_cap: 0.5, multi_root: share}, "
                             "{type: nerve_root, root: L4, activation_cap: 0.2, multi_root: share}]");
  EXPECT_NEAR(twice(k), 1.0 - 0.8 / 3.0, 1e-12) << set.names[k];
  const auto whole = caps_of("[{type: nerve_root, root: L4, activation_cap: 0.5, multi_root: share}, "
                             "{type: nerve_root, root: L5, activation_cap: 0.3}]");
  EXPECT_NEAR(whole(k), 0.3, 1e-12) << set.names[k];
}

}  // namespace
}  // namespace dembones
