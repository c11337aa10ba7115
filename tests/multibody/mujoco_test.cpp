// Independent cross-check against MuJoCo 2.2.2 (Todorov et al., IROS 2012): the same trees written
// as MJCF; joint torques from mj_inverse and accelerations from mj_forward must agree to 1e-9
// relative. Skipped with a message when MuJoCo is not installed (scripts/setup installs it).
#include <gtest/gtest.h>

#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"
#include "mujoco_bridge.hpp"
#include "test_util.hpp"

namespace dembones {
namespace {

#ifdef DEMBONES_HAVE_MUJOCO
void compare_with_mujoco(const Model& model, unsigned seed) {
  peer::MujocoModel mj(model);
  ASSERT_EQ(mj.m->nv, model.nv);
  ASSERT_EQ(mj.m->nq, model.nq);
  Data data(model);
  for (int trial = 0; trial < 5; ++trial) {
    const unsigned s = seed * 100 + static_cast<unsigned>(trial);
    const VecX q = random_configuration(model, s, 1.5);
    const VecX v = test::random_vector(model.nv, s + 1, 1.5);
    const VecX a = test::random_vector(model.nv, s + 2, 1.5);
    mj.set_state(q, v, &a);
    mj_inverse(mj.m, mj.d);
    const VecX tau_mj = mj.force_to_ours(mj.d->qfrc_inverse);
    const VecX tau = rnea(model, data, q, v, a);
    EXPECT_TRUE(test::near_rel(tau, tau_mj, 1e-9)) << "mj_inverse, trial " << trial;
    mj.set_state(q, v, nullptr);
    mj.set_applied_force(tau);
    mj_forward(mj.m, mj.d);
    const VecX a_mj = mj.acceleration_to_ours(v);
    EXPECT_TRUE(test::near_rel(aba(model, data, q, v, tau), a_mj, 1e-9)) << "mj_forward, trial " << trial;
    EXPECT_TRUE(test::near_rel(a_mj, a, 1e-9)) << "mj_forward inverts our RNEA, trial " << trial;
  }
}
#endif

TEST(MujocoCrossCheck, Human20) {
#ifdef DEMBONES_HAVE_MUJOCO
  compare_with_mujoco(samples::human20(), 1);
#else
  GTEST_SKIP() << "MuJoCo (libmujoco-dev) not installed; scripts/setup installs it";
#endif
}

TEST(MujocoCrossCheck, Chain7AndTree40) {
#ifdef DEMBONES_HAVE_MUJOCO
  compare_with_mujoco(samples::chain(7), 2);
  compare_with_mujoco(samples::tree40(), 3);
#else
  GTEST_SKIP() << "MuJoCo (libmujoco-dev) not installed; scripts/setup installs it";
#endif
}

TEST(MujocoCrossCheck, RandomTrees) {
#ifdef DEMBONES_HAVE_MUJOCO
  for (unsigned seed = 0; seed < 10; ++seed) {
    SCOPED_TRACE(seed);
    compare_with_mujoco(samples::random_tree_peer(seed, 4 + static_cast<int>(seed % 6), seed % 2 == 1), 10 + seed);
  }
#else
  GTEST_SKIP() << "MuJoCo (libmujoco-dev) not installed; scripts/setup installs it";
#endif
}

}  // namespace
}  // namespace dembones
