// The posture IK (Levenberg-Marquardt on the hand, trunk and balance targets, scenario/posture_ik.hpp)
// on the reference model models/lifter.yaml, the largest part of prepare_run in a sweep of lifts.
//
// BM_LifterLiftMotion/<technique>: generate_task_motion of the issue #9 lift (scenarios/stoop_lift.yaml
//   or squat_lift.yaml at 100 Hz, 2 s, no pause: the continuation to both end postures, 201 frames and
//   the balance check); counter per_lift (CPU time per lift).
// BM_LifterPostureIk/<kinematics>: 41 solves of a squat reach to the floor and back with a 15 kg load
//   (tests/scenario/squat_reach.hpp, as tests/scenario/planar_kinematics_test.cpp), with the planar kinematics or the multibody
//   library's 3D ones (the same postures bit for bit); counters per_solve (CPU time) and
//   iterations_per_solve.
// Timings compare only within one run on one machine (bench/README.md); read CPU time and repeat.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/task_generator.hpp"

#include "../../tests/scenario/squat_reach.hpp"

namespace dembones {
namespace {

std::unique_ptr<PreparedRun> prepare_lift(const std::string& scenario_name) {
  const std::filesystem::path path = std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / scenario_name;
  ModelCache models;
  return prepare_run(load_scenario(path.string(), {parse_override("solver.rate_hz=100"),
                                                   parse_override("task.duration_s=2.0"), parse_override("task.pause_s=0")}),
                     models);
}

void BM_LifterLiftMotion(benchmark::State& state, const std::string& scenario_name) {
  const std::unique_ptr<PreparedRun> run = prepare_lift(scenario_name);
  const double rate_hz = run->scenario.solver.rate_hz;
  for (auto _ : state) {
    GeneratedMotion m = generate_task_motion(run->msm.model, run->rig, run->scenario.task, rate_hz, run->scenario.file);
    benchmark::DoNotOptimize(m.q.data());
  }
  state.counters["per_lift"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_LifterLiftMotion, stoop, std::string("stoop_lift.yaml"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LifterLiftMotion, squat, std::string("squat_lift.yaml"))->Unit(benchmark::kMillisecond);

void BM_LifterPostureIk(benchmark::State& state, bool planar) {
  const std::unique_ptr<PreparedRun> run = prepare_lift("squat_lift.yaml");
  const TaskRig& rig = run->rig;
  PostureSolver solver(run->msm.model, rig, planar);
  PostureTargets t = squat_reach::targets(rig);
  VecX theta(rig.nvars()), prev(rig.nvars());
  long solves = 0, iterations = 0;
  for (auto _ : state) {
    theta.setZero();
    prev.setZero();
    for (int i = 0; i < squat_reach::kSteps; ++i) {
      iterations += squat_reach::solve_step(solver, rig, i, t, theta, prev).iterations;
      prev = theta;
      ++solves;
    }
    benchmark::DoNotOptimize(theta.data());
  }
  state.counters["per_solve"] =
      benchmark::Counter(static_cast<double>(solves), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["iterations_per_solve"] = static_cast<double>(iterations) / static_cast<double>(solves);
}
BENCHMARK_CAPTURE(BM_LifterPostureIk, planar, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_LifterPostureIk, multibody_3d, false)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dembones
