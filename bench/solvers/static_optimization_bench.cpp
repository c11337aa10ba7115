// Static optimization per frame: our dual semismooth Newton solver against IPOPT (the interior-point
// solver OpenSim's static optimization uses) on the same frames, both warm-started from the previous
// frame. Timings compare only within one run (bench/README.md); the target is the ratio
// BM_IpoptStaticOptimization_lifter90 / BM_StaticOptimization_lifter90 ≥ 100 at the same optimum
// (the IPOPT benchmark reports max_rel_objective_diff against our solution of each frame).
//
// "lifter90": 20 coordinates, 90 muscles, a reserve actuator on every coordinate. Each muscle spans
// 1–3 adjacent coordinates with moment arms of 1–8 cm and F0 of 200–3000 N (the ranges of lower-limb
// and trunk models, e.g. Rajagopal et al. 2016, Christophy et al. 2012); moment arms and force
// capacities vary smoothly over a 100-frame lift, and the joint moments follow a smooth activation
// pattern scaled up mid-lift so that some muscles reach their caps. The series is periodic, so the
// benchmark loop can cycle through it with every solve warm-started from its true predecessor.
#include <benchmark/benchmark.h>

#include "solvers/static_optimization.hpp"

#ifdef DEMBONES_HAVE_IPOPT
#include "solvers/static_optimization_ipopt.hpp"
#endif

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace dembones {
namespace {

constexpr int kCoordinates = 20;
constexpr int kMuscles = 90;
constexpr int kFrames = 100;

struct Lifter90 {
  std::vector<Eigen::MatrixXd> A_muscle;  // per frame (kCoordinates × kMuscles), N·m per unit activation
  std::vector<Eigen::VectorXd> b;         // per frame (kCoordinates), N·m
  Eigen::VectorXd activation_max;         // (kMuscles)

  Lifter90() {
    std::mt19937 rng(2024);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    const double two_pi = 2.0 * std::numbers::pi;
    Eigen::MatrixXd arm_m = Eigen::MatrixXd::Zero(kCoordinates, kMuscles);
    Eigen::MatrixXd phase = Eigen::MatrixXd::Zero(kCoordinates, kMuscles);
    Eigen::VectorXd f0_N(kMuscles), pattern_phase(kMuscles);
    activation_max = Eigen::VectorXd::Ones(kMuscles);
    for (int i = 0; i < kMuscles; ++i) {
      const int span = 1 + static_cast<int>(u01(rng) * 3.0) % 3;
      const int first = static_cast<int>(u01(rng) * (kCoordinates - span + 1)) % (kCoordinates - span + 1);
      const double sign = i % 2 == 0 ? 1.0 : -1.0;  // agonist / antagonist pairs
      for (int r = first; r < first + span; ++r) {
        arm_m(r, i) = sign * (0.01 + 0.07 * u01(rng));
        phase(r, i) = two_pi * u01(rng);
      }
      f0_N[i] = 200.0 + 2800.0 * u01(rng);
      pattern_phase[i] = two_pi * u01(rng);
      if (i % 15 == 7) activation_max[i] = 0.5;  // impaired muscles (activation cap)
    }
    A_muscle.resize(kFrames);
    b.resize(kFrames);
    Eigen::VectorXd a_pattern(kMuscles);
    for (int t = 0; t < kFrames; ++t) {
      const double s = two_pi * t / kFrames;
      A_muscle[t].resize(kCoordinates, kMuscles);
      for (int i = 0; i < kMuscles; ++i) {
        // Force–length–velocity capacity and moment arms change with the posture along the lift.
        const double capacity = f0_N[i] * (0.8 + 0.2 * std::cos(s + pattern_phase[i]));
        for (int r = 0; r < kCoordinates; ++r)
          A_muscle[t](r, i) = arm_m(r, i) * capacity * (1.0 + 0.2 * std::sin(s + phase(r, i)));
        a_pattern[i] = std::clamp(0.3 + 0.25 * std::sin(s + pattern_phase[i]), 0.0, activation_max[i]);
      }
      const double load = 1.0 + 1.6 * std::pow(std::max(0.0, std::sin(s)), 4);  // heaviest mid-lift
      b[t] = load * (A_muscle[t] * a_pattern);
    }
  }
};

const Lifter90& lifter90() {
  static const Lifter90 data;
  return data;
}

// Per-frame data shared by both solvers: reserves of optimal torque 1 N·m with cost u² on every row.
void set_up(const Lifter90& d, StaticOptimizationProblem& pb) {
  pb.A_actuator.setIdentity();
  pb.actuator_weight.setOnes();
  pb.activation_max = d.activation_max;
}

void load_frame(const Lifter90& d, int t, StaticOptimizationProblem& pb) {
  pb.A_muscle = d.A_muscle[t];
  pb.b = d.b[t];
}

void run_ours(benchmark::State& state, int exponent, bool warm) {
  const Lifter90& d = lifter90();
  StaticOptimizationSettings settings;
  settings.exponent = exponent;
  settings.warm_start = warm;
  StaticOptimizationSolver so(kCoordinates, kMuscles, kCoordinates, settings);
  set_up(d, so.upd_problem());
  // Warm-up over the whole series so the first timed frame has its predecessor's multipliers.
  for (int t = 0; t < kFrames; ++t) {
    load_frame(d, t, so.upd_problem());
    so.solve();
  }
  int t = 0;
  long iterations = 0, ip_iterations = 0, frames = 0, not_solved = 0, reserve_limited = 0;
  for (auto _ : state) {
    load_frame(d, t, so.upd_problem());
    const StaticOptimizationInfo& info = so.solve();
    benchmark::DoNotOptimize(info.objective);
    iterations += info.iterations;
    ip_iterations += info.interior_point_iterations;
    not_solved += info.status != SoStatus::solved && info.status != SoStatus::reserve_limited;
    reserve_limited += info.status == SoStatus::reserve_limited;
    ++frames;
    t = (t + 1) % kFrames;
  }
  state.counters["newton_iterations"] = static_cast<double>(iterations) / std::max(1L, frames);
  state.counters["interior_point_iterations"] = static_cast<double>(ip_iterations) / std::max(1L, frames);
  state.counters["reserve_limited_frames"] = static_cast<double>(reserve_limited) / std::max(1L, frames);
  state.counters["failed_frames"] = static_cast<double>(not_solved);
  state.SetItemsProcessed(frames);
}

void BM_StaticOptimization_lifter90(benchmark::State& state) { run_ours(state, 2, true); }
void BM_StaticOptimization_lifter90_cold(benchmark::State& state) { run_ours(state, 2, false); }
void BM_StaticOptimization_lifter90_cubic(benchmark::State& state) { run_ours(state, 3, true); }
BENCHMARK(BM_StaticOptimization_lifter90);
BENCHMARK(BM_StaticOptimization_lifter90_cold);
BENCHMARK(BM_StaticOptimization_lifter90_cubic);

#ifdef DEMBONES_HAVE_IPOPT
void run_ipopt(benchmark::State& state, int exponent) {
  const Lifter90& d = lifter90();
  // Our optimum of every frame, to check IPOPT reaches the same one (cheap: < 1 ms for all frames).
  StaticOptimizationSettings settings;
  settings.exponent = exponent;
  StaticOptimizationSolver so(kCoordinates, kMuscles, kCoordinates, settings);
  set_up(d, so.upd_problem());
  std::vector<double> objective(kFrames);
  for (int t = 0; t < kFrames; ++t) {
    load_frame(d, t, so.upd_problem());
    objective[t] = so.solve().objective;
  }

  StaticOptimizationProblem pb = so.get_problem();
  load_frame(d, kFrames - 1, pb);
  IpoptStaticOptimization ipopt(pb, exponent, IpoptStaticOptimization::Options{});
  ipopt.solve();  // the frame before the first timed one: the warm start of frame 0
  int t = 0;
  long iterations = 0, frames = 0, failed = 0;
  double max_rel_diff = 0.0;
  for (auto _ : state) {
    load_frame(d, t, pb);
    const bool ok = ipopt.solve();
    benchmark::DoNotOptimize(ok);
    failed += !ok;
    iterations += ipopt.iterations();
    max_rel_diff = std::max(max_rel_diff, std::abs(ipopt.objective() - objective[t]) / std::max(1.0, objective[t]));
    ++frames;
    t = (t + 1) % kFrames;
  }
  state.counters["ipopt_iterations"] = static_cast<double>(iterations) / std::max(1L, frames);
  state.counters["max_rel_objective_diff"] = max_rel_diff;
  state.counters["failed_frames"] = static_cast<double>(failed);
  state.SetItemsProcessed(frames);
}

void BM_IpoptStaticOptimization_lifter90(benchmark::State& state) { run_ipopt(state, 2); }
void BM_IpoptStaticOptimization_lifter90_cubic(benchmark::State& state) { run_ipopt(state, 3); }
BENCHMARK(BM_IpoptStaticOptimization_lifter90);
BENCHMARK(BM_IpoptStaticOptimization_lifter90_cubic);
#endif

}  // namespace
}  // namespace dembones
