// Muscle benchmarks on a 90-muscle set over samples::human20() (engine/muscle/sample_muscles.hpp; 56
// of the 90 paths have a cylinder or sphere wrap): per frame, the path geometry (lengths, lengthening
// speeds, the full nv x 90 moment-arm matrix) and the rigid-tendon force capacity. The counter
// "per_muscle" is the time per muscle per frame. Baselines in the same run: the same set without
// wraps, and moment arms by central finite differences (what geometric moment arms avoid).
// Timings compare only within one run (bench/README.md).
#include <benchmark/benchmark.h>

#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

namespace dembones {
namespace {

constexpr int kPoses = 16;

// The model, the muscle set and kPoses frames whose multibody stage (kinematics with velocities,
// joint Jacobians) is done in advance, so the loop times the muscle stage alone on varying poses.
struct Fixture {
  Fixture(int n_muscles, bool with_wraps) : model(samples::human20()) {
    std::vector<MuscleSpec> specs = samples::human20_muscles(n_muscles);
    if (!with_wraps) {
      for (MuscleSpec& m : specs) m.wraps.clear();
    }
    set = make_muscle_set(model, specs);
    for (int p = 0; p < kPoses; ++p) {
      q.push_back(random_configuration(model, 1 + p, 0.6));
      v.push_back(random_configuration(model, 100 + p, 1.0).head(model.nv));
      data.emplace_back(model);
      forward_kinematics(model, data.back(), q.back(), v.back());
      compute_joint_jacobians(model, data.back(), q.back());
    }
    n_wrapped = 0;
    for (int i = 0; i < set.nmuscles; ++i) n_wrapped += set.wrap_begin[i + 1] > set.wrap_begin[i] ? 1 : 0;
  }
  Model model;
  MuscleSet set;
  std::vector<VecX> q, v;
  std::vector<Data> data;
  int n_wrapped = 0;
};

void set_counters(benchmark::State& state, const Fixture& f) {
  state.counters["per_muscle"] = benchmark::Counter(
      f.set.nmuscles, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["muscles"] = f.set.nmuscles;
  state.counters["wrapped"] = f.n_wrapped;
}

// Geometry (lengths, speeds, moment-arm matrix) plus rigid-tendon force capacity: the per-frame
// muscle stage of the inverse pipeline.
void BM_MuscleFrame(benchmark::State& state, bool with_wraps) {
  Fixture f(static_cast<int>(state.range(0)), with_wraps);
  MuscleData md(f.model, f.set);
  int p = 0;
  for (auto _ : state) {
    compute_muscle_geometry(f.model, f.data[p], f.set, f.q[p], md);
    compute_muscle_forces_rigid(f.set, md);
    benchmark::DoNotOptimize(md.moment_arm.data());
    benchmark::DoNotOptimize(md.active_force_capacity.data());
    benchmark::ClobberMemory();
    p = (p + 1) % kPoses;
  }
  set_counters(state, f);
}

void BM_MuscleGeometry(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)), true);
  MuscleData md(f.model, f.set);
  int p = 0;
  for (auto _ : state) {
    compute_muscle_geometry(f.model, f.data[p], f.set, f.q[p], md);
    benchmark::DoNotOptimize(md.moment_arm.data());
    benchmark::ClobberMemory();
    p = (p + 1) % kPoses;
  }
  set_counters(state, f);
}

// The whole frame including the multibody stage the muscles need (kinematics with velocities and
// joint Jacobians), for context.
void BM_MuscleFrameWithKinematics(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)), true);
  MuscleData md(f.model, f.set);
  Data data(f.model);
  int p = 0;
  for (auto _ : state) {
    forward_kinematics(f.model, data, f.q[p], f.v[p]);
    compute_joint_jacobians(f.model, data, f.q[p]);
    compute_muscle_geometry(f.model, data, f.set, f.q[p], md);
    compute_muscle_forces_rigid(f.set, md);
    benchmark::DoNotOptimize(md.moment_arm.data());
    benchmark::ClobberMemory();
    p = (p + 1) % kPoses;
  }
  set_counters(state, f);
}

// Baseline: the moment-arm matrix by central finite differences of the lengths (2 nv kinematics and
// geometry passes), the approach geometric moment arms replace.
void BM_MomentArmsFiniteDifference(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)), true);
  MuscleData md(f.model, f.set);
  Data data(f.model);
  const int nv = f.model.nv;
  MatX r(nv, f.set.nmuscles);
  VecX qp(f.model.nq), qm(f.model.nq), dv = VecX::Zero(nv), lp(f.set.nmuscles);
  const double h = 1e-6;
  int p = 0;
  for (auto _ : state) {
    for (int k = 0; k < nv; ++k) {
      dv.setZero();
      dv[k] = 1.0;
      integrate(f.model, f.q[p], dv, h, qp);
      integrate(f.model, f.q[p], dv, -h, qm);
      forward_kinematics(f.model, data, qp, f.v[p]);
      compute_joint_jacobians(f.model, data, qp);
      compute_muscle_geometry(f.model, data, f.set, qp, md);
      lp = md.length;
      forward_kinematics(f.model, data, qm, f.v[p]);
      compute_joint_jacobians(f.model, data, qm);
      compute_muscle_geometry(f.model, data, f.set, qm, md);
      r.row(k) = (md.length - lp).transpose() / (2 * h);
    }
    benchmark::DoNotOptimize(r.data());
    benchmark::ClobberMemory();
    p = (p + 1) % kPoses;
  }
  set_counters(state, f);
}

BENCHMARK_CAPTURE(BM_MuscleFrame, human20_wrapped, true)->Name("BM_MuscleFrame/human20")->Arg(90);
BENCHMARK_CAPTURE(BM_MuscleFrame, human20_nowrap, false)->Name("BM_MuscleFrameNoWrap/human20")->Arg(90);
BENCHMARK(BM_MuscleGeometry)->Name("BM_MuscleGeometry/human20")->Arg(90);
BENCHMARK(BM_MuscleFrameWithKinematics)->Name("BM_MuscleFrameWithKinematics/human20")->Arg(90);
BENCHMARK(BM_MomentArmsFiniteDifference)->Name("BM_MomentArmsFiniteDifference/human20")->Arg(90);

}  // namespace
}  // namespace dembones
