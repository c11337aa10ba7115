// The full inverse pipeline per frame (Pipeline::run_frame: kinematics + inverse dynamics + muscle
// geometry + muscle forces + static optimization + joint reactions) on the reference model
// models/lifter.yaml, over the frames of real generated lifts (scenarios/stoop_lift.yaml and
// squat_lift.yaml, built exactly as `dembones run` builds them: load_scenario → prepare_run →
// Pipeline with the scenario's solver settings). Target (issue #6): ≥ 20,000 frames/s on one core.
//
// BM_Pipeline/<lift>: run_frame cycling through the lift's frames (warm-started from the true
//   predecessor except at the wrap-around, as in a run); counter frames_per_s (per CPU second).
// BM_Pipeline/<lift>_rigid_tendon: the same with `tendon: rigid`, to show the elastic-tendon cost.
// BM_PipelineStages/<lift>: the same loop with the stage timer attached (PipelineStageTimes,
//   wall clock, six clock reads per frame); counters give µs per frame in each stage.
// Timings compare only within one run on one machine (bench/README.md); the machine is shared, so
// read CPU time and repeat (--benchmark_repetitions=3).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "solvers/pipeline.hpp"

namespace dembones {
namespace {

struct LiftFixture {
  std::unique_ptr<PreparedRun> run;
  std::vector<VecX> q, qd, qdd;  // per frame (nq), (nv), (nv)

  explicit LiftFixture(const std::string& scenario_name) {
    const std::filesystem::path path = std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / scenario_name;
    ModelCache models;
    run = prepare_run(load_scenario(path.string()), models);
    const KinematicSeries& k = run->kinematics;
    for (int f = 0; f < k.frames(); ++f) {
      q.emplace_back(k.q.row(f).transpose());
      qd.emplace_back(k.qd.row(f).transpose());
      qdd.emplace_back(k.qdd.row(f).transpose());
    }
  }
  int frames() const { return static_cast<int>(q.size()); }
};

const LiftFixture& lift(const std::string& name) {
  static const LiftFixture stoop("stoop_lift.yaml");
  static const LiftFixture squat("squat_lift.yaml");
  return name == "stoop" ? stoop : squat;
}

Pipeline make_pipeline(const LiftFixture& fx, bool elastic_tendon = true) {
  PipelineSettings settings = pipeline_settings(fx.run->scenario.solver);
  settings.elastic_tendon_passive = elastic_tendon;
  Pipeline p(fx.run->msm, settings);
  p.set_load_mass(fx.run->load_mass_kg);
  // Warm-up pass: the solver's warm start and the caches are what a running sweep sees.
  for (int f = 0; f < fx.frames(); ++f) p.run_frame(fx.q[f], fx.qd[f], fx.qdd[f]);
  return p;
}

void BM_Pipeline(benchmark::State& state, const std::string& name, bool elastic_tendon = true) {
  const LiftFixture& fx = lift(name);
  Pipeline p = make_pipeline(fx, elastic_tendon);
  int f = 0;
  int not_ok = 0;
  for (auto _ : state) {
    const FrameResult& r = p.run_frame(fx.q[f], fx.qd[f], fx.qdd[f]);
    benchmark::DoNotOptimize(&r);
    not_ok += r.status == FrameStatus::ok ? 0 : 1;
    if (++f == fx.frames()) f = 0;
  }
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["frames"] = fx.frames();
  state.counters["flagged_frames_fraction"] = static_cast<double>(not_ok) / static_cast<double>(state.iterations());
  state.counters["muscles"] = fx.run->msm.muscles.nmuscles;
  state.counters["nv"] = fx.run->msm.model.nv;
  // Elastic-tendon passive equilibria per frame: solved, and reused (bit-identical length), over the
  // whole life of the pipeline (warm-up included).
  const MuscleData& md = p.muscle_data();
  const double frames_run = static_cast<double>(state.iterations()) + fx.frames();
  state.counters["passive_solves_per_frame"] = static_cast<double>(md.passive_solves) / frames_run;
  state.counters["passive_reused_per_frame"] = static_cast<double>(md.passive_reused) / frames_run;
}

void BM_PipelineStages(benchmark::State& state, const std::string& name) {
  const LiftFixture& fx = lift(name);
  Pipeline p = make_pipeline(fx);
  PipelineStageTimes t;
  p.set_stage_timer(&t);
  int f = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(&p.run_frame(fx.q[f], fx.qd[f], fx.qdd[f]));
    if (++f == fx.frames()) f = 0;
  }
  const double n = static_cast<double>(t.frames), us = 1e6;
  state.counters["kinematics_id_us"] = t.kinematics_id_s / n * us;
  state.counters["muscle_geometry_us"] = t.muscle_geometry_s / n * us;
  state.counters["muscle_forces_us"] = t.muscle_forces_s / n * us;
  state.counters["static_optimization_us"] = t.static_optimization_s / n * us;
  state.counters["joint_reactions_us"] = t.joint_reactions_s / n * us;
}

BENCHMARK_CAPTURE(BM_Pipeline, stoop, std::string("stoop"));
BENCHMARK_CAPTURE(BM_Pipeline, squat, std::string("squat"));
// The same with `tendon: rigid` (no passive equilibrium of fibre and elastic tendon): what the
// elastic tendon's passive forces cost.
BENCHMARK_CAPTURE(BM_Pipeline, stoop_rigid_tendon, std::string("stoop"), false);
BENCHMARK_CAPTURE(BM_Pipeline, squat_rigid_tendon, std::string("squat"), false);
BENCHMARK_CAPTURE(BM_PipelineStages, stoop, std::string("stoop"));
BENCHMARK_CAPTURE(BM_PipelineStages, squat, std::string("squat"));

}  // namespace
}  // namespace dembones
