// Multibody benchmarks: forward kinematics, RNEA, CRBA and ABA on chain7, human20 and tree40
// (engine/multibody/sample_models.hpp), with MuJoCo 2.2.2 and Simbody 3.7 on the same models in
// the same run when they are installed (Simbody: simbody_peer.cpp). Timings compare only within one run (bench/README.md);
// docs/performance.md records the ratios and the command that reproduces them.
#include <benchmark/benchmark.h>


#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/crba.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "../../tests/multibody/mujoco_bridge.hpp"
#include "fixture.hpp"


namespace dembones {
namespace {

void BM_Fk(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  for (auto _ : state) {
    forward_kinematics(f.model, f.data, f.q, f.v);
    benchmark::DoNotOptimize(f.data.v_W.back());
    benchmark::ClobberMemory();
  }
}

void BM_Rnea(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rnea(f.model, f.data, f.q, f.v, f.a).data());
    benchmark::ClobberMemory();
  }
}

// τ only (no world poses, no world-frame joint forces): the same output as MuJoCo's mj_rne pipeline.
void BM_RneaTorquesOnly(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rnea_torques_only(f.model, f.data, f.q, f.v, f.a).data());
    benchmark::ClobberMemory();
  }
}

void BM_Crba(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  for (auto _ : state) {
    benchmark::DoNotOptimize(crba(f.model, f.data, f.q).data());
    benchmark::ClobberMemory();
  }
}

void BM_Aba(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  for (auto _ : state) {
    benchmark::DoNotOptimize(aba(f.model, f.data, f.q, f.v, f.tau).data());
    benchmark::ClobberMemory();
  }
}

// The same with an external wrench on every body (world frame, about the world origin): the
// overload the solvers call with ground reactions and hand loads. BM_Aba is compared with
// mj_forward at xfrc_applied = 0, which MuJoCo skips body by body (mj_xfrcAccumulate), as the
// overload without forces skips them here.
void BM_AbaExternalForces(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  std::vector<Force> f_ext(static_cast<std::size_t>(f.model.nbodies));
  for (std::size_t i = 1; i < f_ext.size(); ++i) {
    f_ext[i].angular = Vec3(0.1, -0.2, 0.3) * static_cast<double>(i);
    f_ext[i].linear = Vec3(-5.0, 20.0, 3.0) / static_cast<double>(i);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(aba(f.model, f.data, f.q, f.v, f.tau, f_ext).data());
    benchmark::ClobberMemory();
  }
}

#ifdef DEMBONES_HAVE_MUJOCO
// MuJoCo inverse dynamics from q, v, q̈ with the kinematics it needs: mj_kinematics, mj_comPos
// (composite inertias, motion subspaces), mj_comVel (cdof_dot), then mj_rne with accelerations.
void BM_MujocoRne(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  peer::MujocoModel mj(f.model);
  mj.set_state(f.q, f.v, &f.a);
  std::vector<mjtNum> result(static_cast<std::size_t>(mj.m->nv));
  for (auto _ : state) {
    mj_kinematics(mj.m, mj.d);
    mj_comPos(mj.m, mj.d);
    mj_comVel(mj.m, mj.d);
    mj_rne(mj.m, mj.d, 1, result.data());
    benchmark::DoNotOptimize(result.data());
    benchmark::ClobberMemory();
  }
}

// MuJoCo forward dynamics (contacts disabled in the MJCF): mj_forward.
void BM_MujocoForward(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  peer::MujocoModel mj(f.model);
  mj.set_state(f.q, f.v, nullptr);
  mj.set_applied_force(f.tau);
  for (auto _ : state) {
    mj_forward(mj.m, mj.d);
    benchmark::DoNotOptimize(mj.d->qacc);
    benchmark::ClobberMemory();
  }
}

// MuJoCo joint-space inertia: mj_kinematics, mj_comPos, mj_crb.
void BM_MujocoCrb(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  peer::MujocoModel mj(f.model);
  mj.set_state(f.q, f.v, nullptr);
  for (auto _ : state) {
    mj_kinematics(mj.m, mj.d);
    mj_comPos(mj.m, mj.d);
    mj_crb(mj.m, mj.d);
    benchmark::DoNotOptimize(mj.d->qM);
    benchmark::ClobberMemory();
  }
}
#endif

#define DEMBONES_MB_BENCH(fn)                 \
  BENCHMARK_CAPTURE(fn, chain7, "chain7");    \
  BENCHMARK_CAPTURE(fn, human20, "human20");  \
  BENCHMARK_CAPTURE(fn, tree40, "tree40")

DEMBONES_MB_BENCH(BM_Fk);
DEMBONES_MB_BENCH(BM_Rnea);
DEMBONES_MB_BENCH(BM_RneaTorquesOnly);
DEMBONES_MB_BENCH(BM_Crba);
DEMBONES_MB_BENCH(BM_Aba);
DEMBONES_MB_BENCH(BM_AbaExternalForces);
#ifdef DEMBONES_HAVE_MUJOCO
DEMBONES_MB_BENCH(BM_MujocoRne);
DEMBONES_MB_BENCH(BM_MujocoForward);
DEMBONES_MB_BENCH(BM_MujocoCrb);
#endif

}  // namespace
}  // namespace dembones
