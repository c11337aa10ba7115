// The per-frame algorithms never allocate (after Pinocchio's and Drake's malloc-limit tests). The
// test binary interposes malloc/calloc/realloc (counting only while a guard is armed, delegating to
// glibc); under AddressSanitizer, which owns the allocator, the check is skipped with a message.
// The definitions are weak: tests/solvers/static_optimization_test.cpp defines its own counting
// malloc, and in the all-in-one dembones_tests binary that one wins; this check then runs in
// dembones_tests_multibody only and says so (a shared tests/common counter would remove the clash).
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>

#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/crba.hpp"
#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"
#include "test_util.hpp"

#include "common/malloc_counter.hpp"

#define DEMBONES_COUNT_MALLOC DEMBONES_MALLOC_COUNTED
namespace {
std::atomic<bool>& g_counting = dembones::test_support::counting;
std::atomic<long>& g_allocations = dembones::test_support::allocations;
}  // namespace

namespace dembones {
namespace {

TEST(NoAllocation, HotLoopAlgorithms) {
#if DEMBONES_COUNT_MALLOC
  // Every joint type: a random tree with custom joints, the human-like tree and its coupled variant
  // (whose aba() is CRBA + Cholesky).
  for (const Model& model : {samples::random_tree(4, 10, true), samples::random_tree(9, 12, false), samples::human20(),
                              samples::human20_coupled()}) {
    Data data(model);
    const VecX q = random_configuration(model, 1);
    const VecX v = test::random_vector(model.nv, 2);
    const VecX a = test::random_vector(model.nv, 3);
    const std::vector<Force> f_ext(static_cast<std::size_t>(model.nbodies), Force{Vec3(1, 2, 3), Vec3(-1, 0.5, 2)});
    VecX tau = VecX::Zero(model.nv);
    // Sanity check that the counter sees allocations at all.
    g_counting = true;
    VecX* probe = new VecX(VecX::Zero(17));
    g_counting = false;
    delete probe;
    if (g_allocations.exchange(0) == 0) {
      GTEST_SKIP() << "another test file's malloc interposition is active in this binary; "
                      "run dembones_tests_multibody for this check";
    }
    g_counting = true;
    forward_kinematics(model, data, q, v, a);
    rnea(model, data, q, v, a);
    rnea(model, data, q, v, a, f_ext);
    rnea_torques_only(model, data, q, v, a);
    nonlinear_effects(model, data, q, v);
    crba(model, data, q);
    aba(model, data, q, v, tau);
    aba(model, data, q, v, tau, f_ext);
    forward_dynamics_via_crba(model, data, q, v, tau);
    compute_joint_jacobians(model, data, q);
    add_point_force(model, data, model.nbodies - 1, Vec3(0.1, 0.2, 0.3), Vec3(1, 0, 0), tau);
    compute_jdot_qdot(model, data, q, v);
    center_of_mass_jacobian(model, data, q);
    kinetic_energy(model, data, q, v);
    potential_energy(model, data, q);
    g_counting = false;
    EXPECT_EQ(g_allocations.exchange(0), 0) << "an algorithm allocated";
  }
#else
  GTEST_SKIP() << "malloc counting is disabled under AddressSanitizer";
#endif
}

}  // namespace
}  // namespace dembones
