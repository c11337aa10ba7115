// Simbody 3.7 peer benchmarks (Sherman, Seth & Delp, Procedia IUTAM 2011) on the same models as
// multibody_bench.cpp. Simbody 3.7's headers do not compile as C++20 (its index types' comparison
// operators become ambiguous with C++20's rewritten candidates), so this file only registers its
// benchmarks when compiled as C++17: the build needs, in bench/CMakeLists.txt,
//   set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/multibody/simbody_peer.cpp
//                               PROPERTIES COMPILE_OPTIONS "-std=c++17")
// Without it the file compiles to nothing and the Simbody rows are absent from the run.
// (Reproduce by hand: compile this file with the bench flags plus -std=c++17 and link it in place
// of its C++20 object; docs/performance.md gives the commands.)
#if defined(DEMBONES_HAVE_SIMBODY) && __cplusplus < 202002L
// Debian's Simbody 3.7 is built with assertions on, and some State internals are inline functions
// whose layout/behaviour differs under NDEBUG; the executable's NDEBUG copies then interpose the
// library's and realizeTopology() crashes. Compile the Simbody side as the library was compiled.
#undef NDEBUG
#include <Simbody.h>
#include <benchmark/benchmark.h>

#include <algorithm>

#include "fixture.hpp"

namespace dembones {
namespace {

// The same tree in Simbody: Pin (z) and Slider (x) mobilizers rotated onto our joint axis, Ball,
// Free and Weld; mass properties about the body origin (Simbody's convention).
struct SimbodyModel {
  explicit SimbodyModel(const Model& model) : matter(system), forces(system), gravity(forces, matter, SimTK::Vec3(model.gravity.x(), model.gravity.y(), model.gravity.z())) {
    auto to_rot = [](const Mat3& R) {
      SimTK::Mat33 M;
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) M(r, c) = R(r, c);
      return SimTK::Rotation(M, true);
    };
    auto to_vec = [](const Vec3& v) { return SimTK::Vec3(v.x(), v.y(), v.z()); };
    // Rotation taking `from` onto `to`.
    auto align = [](const Vec3& from, const Vec3& to) {
      return Mat3(Eigen::Quaterniond::FromTwoVectors(from, to).toRotationMatrix());
    };
    // Mobilized bodies are referred to by index: copying Simbody handles can clone them.
    mobod.assign(static_cast<std::size_t>(model.nbodies), SimTK::GroundIndex);
    for (int i = 1; i < model.nbodies; ++i) {
      const InertiaAtOrigin& Io = model.inertia_o[i];
      const SimTK::Inertia inertia(SimTK::Mat33(Io.I_O(0, 0), Io.I_O(0, 1), Io.I_O(0, 2), Io.I_O(1, 0), Io.I_O(1, 1),
                                                Io.I_O(1, 2), Io.I_O(2, 0), Io.I_O(2, 1), Io.I_O(2, 2)));
      const SimTK::Body::Rigid body(SimTK::MassProperties(model.inertia[i].mass, to_vec(model.inertia[i].com), inertia));
      const SE3& X = model.X_parent_joint[i];
      SimTK::MobilizedBody& parent = matter.updMobilizedBody(mobod[static_cast<std::size_t>(model.parent[i])]);
      const Joint& j = model.joints[i];
      Mat3 Ra = Mat3::Identity();
      if (j.type == JointType::kRevolute) Ra = align(Vec3::UnitZ(), j.axis);
      if (j.type == JointType::kPrismatic) Ra = align(Vec3::UnitX(), j.axis);
      const SimTK::Transform X_PF(to_rot(X.rotation * Ra), to_vec(X.translation));
      const SimTK::Transform X_BM(to_rot(Ra), SimTK::Vec3(0));
      switch (j.type) {
        case JointType::kRevolute: mobod[i] = SimTK::MobilizedBody::Pin(parent, X_PF, body, X_BM).getMobilizedBodyIndex(); break;
        case JointType::kPrismatic: mobod[i] = SimTK::MobilizedBody::Slider(parent, X_PF, body, X_BM).getMobilizedBodyIndex(); break;
        case JointType::kSpherical: mobod[i] = SimTK::MobilizedBody::Ball(parent, X_PF, body, X_BM).getMobilizedBodyIndex(); break;
        case JointType::kFree: mobod[i] = SimTK::MobilizedBody::Free(parent, X_PF, body, X_BM).getMobilizedBodyIndex(); break;
        case JointType::kFixed:
        case JointType::kCustom:
        case JointType::kCoupled: mobod[i] = SimTK::MobilizedBody::Weld(parent, X_PF, body, X_BM).getMobilizedBodyIndex(); break;
      }
    }
    system.realizeTopology();
    st = system.getDefaultState();
  }
  void set_state(const VecX& q, const VecX& v) {
    SimTK::Vector& Q = st.updQ();
    SimTK::Vector& U = st.updU();
    for (int k = 0; k < std::min<int>(Q.size(), static_cast<int>(q.size())); ++k) Q[k] = q[k];
    for (int k = 0; k < std::min<int>(U.size(), static_cast<int>(v.size())); ++k) U[k] = v[k];
  }
  SimTK::MultibodySystem system;
  SimTK::SimbodyMatterSubsystem matter;
  SimTK::GeneralForceSubsystem forces;
  SimTK::Force::UniformGravity gravity;
  std::vector<SimTK::MobilizedBodyIndex> mobod;  // (nbodies)
  SimTK::State st;
};

// Inverse dynamics: realize through Dynamics (kinematics, gravity forces), then
// calcResidualForceIgnoringConstraints with the known accelerations.
void BM_SimbodyResidual(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  SimbodyModel sb(f.model);
  SimTK::Vector udot(sb.st.getNU()), residual(sb.st.getNU());
  for (int k = 0; k < udot.size(); ++k) udot[k] = f.a[k];
  for (auto _ : state) {
    sb.set_state(f.q, f.v);  // invalidates the Position stage, so realize() recomputes everything
    sb.system.realize(sb.st, SimTK::Stage::Dynamics);
    sb.matter.calcResidualForceIgnoringConstraints(sb.st, sb.system.getMobilityForces(sb.st, SimTK::Stage::Dynamics),
                                                   sb.system.getRigidBodyForces(sb.st, SimTK::Stage::Dynamics), udot,
                                                   residual);
    benchmark::DoNotOptimize(&residual[0]);
    benchmark::ClobberMemory();
  }
}

// Forward dynamics: realize through Acceleration (Simbody's articulated-body recursion).
void BM_SimbodyForward(benchmark::State& state, const std::string& name) {
  Fixture f(name);
  SimbodyModel sb(f.model);
  for (auto _ : state) {
    sb.set_state(f.q, f.v);
    sb.system.realize(sb.st, SimTK::Stage::Acceleration);
    benchmark::DoNotOptimize(&sb.st.getUDot()[0]);
    benchmark::ClobberMemory();
  }
}

#define DEMBONES_MB_BENCH(fn)                 \
  BENCHMARK_CAPTURE(fn, chain7, "chain7");    \
  BENCHMARK_CAPTURE(fn, human20, "human20");  \
  BENCHMARK_CAPTURE(fn, tree40, "tree40")

DEMBONES_MB_BENCH(BM_SimbodyResidual);
DEMBONES_MB_BENCH(BM_SimbodyForward);

}  // namespace
}  // namespace dembones
#endif
