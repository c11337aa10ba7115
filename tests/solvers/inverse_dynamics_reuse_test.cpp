// The per-frame pipeline runs one position pass and reuses it (solvers/pipeline.cpp): the joint
// Jacobians from the poses forward kinematics just formed, inverse dynamics without its position and
// velocity passes, and the joint-reaction inverse dynamics from the body forces of the first. Each
// must give exactly the bits of the full computation at the same state, whatever the Data held
// before, on planar and spatial trees with custom, coupled, spherical and free joints.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"

namespace dembones {
namespace {

struct State {
  VecX q, qd, qdd;
  std::vector<Force> f_ext_a, f_ext_b;  // two sets of external wrenches (world, about the origin)
};

State random_state(const Model& model, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  State s;
  s.q = random_configuration(model, seed, 0.6);
  s.qd = VecX(model.nv);
  s.qdd = VecX(model.nv);
  for (int k = 0; k < model.nv; ++k) {
    s.qd(k) = 0.8 * u(rng);
    s.qdd(k) = 3.0 * u(rng);
  }
  auto wrenches = [&](double scale) {
    std::vector<Force> f(model.nbodies, Force{Vec3::Zero(), Vec3::Zero()});
    for (int b = 1; b < model.nbodies; ++b) {
      if (u(rng) < 0.0) continue;  // about half the bodies loaded
      f[b].linear = scale * Vec3(u(rng), u(rng), u(rng));
      f[b].angular = 0.1 * scale * Vec3(u(rng), u(rng), u(rng));
    }
    return f;
  };
  s.f_ext_a = wrenches(50.0);
  s.f_ext_b = wrenches(400.0);
  return s;
}

template <typename A, typename B>
bool same_bits(const A& a, const B& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

bool same_bits(const std::vector<Force>& a, const std::vector<Force>& b) {
  for (std::size_t i = 1; i < a.size(); ++i)
    if (!same_bits(a[i].linear, b[i].linear) || !same_bits(a[i].angular, b[i].angular)) return false;
  return true;
}

bool same_bits(const std::vector<Motion>& a, const std::vector<Motion>& b) {
  for (std::size_t i = 1; i < a.size(); ++i)
    if (!same_bits(a[i].linear, b[i].linear) || !same_bits(a[i].angular, b[i].angular)) return false;
  return true;
}

struct Named {
  const char* name;
  Model model;
};

std::vector<Named> models() {
  std::vector<Named> out;
  out.push_back({"human20", samples::human20()});
  out.push_back({"human20_custom_knee", samples::human20_custom_knee()});
  out.push_back({"human20_coupled", samples::human20_coupled()});
  out.push_back({"random_tree free root", samples::random_tree(7, 18, true)});
  out.push_back({"random_tree fixed root", samples::random_tree(11, 15, false)});
  return out;
}

TEST(InverseDynamicsReuse, JointJacobiansAtCurrentPositionsAreComputeJointJacobians) {
  for (const Named& m : models()) {
    Data full(m.model), reuse(m.model);
    for (unsigned seed = 1; seed <= 4; ++seed) {
      const State s = random_state(m.model, seed);
      compute_joint_jacobians(m.model, full, s.q);
      forward_kinematics(m.model, reuse, s.q, s.qd, s.qdd);  // the pipeline's pass, with velocities
      calc_joint_jacobians_at_current_positions(m.model, reuse);
      EXPECT_TRUE(same_bits(full.J_W, reuse.J_W)) << m.name << ", seed " << seed;
    }
  }
}

TEST(InverseDynamicsReuse, InverseDynamicsAfterForwardKinematicsIsRnea) {
  for (const Named& m : models()) {
    Data full(m.model), reuse(m.model);
    for (unsigned seed = 1; seed <= 4; ++seed) {
      const State s = random_state(m.model, seed);
      const VecX tau = rnea(m.model, full, s.q, s.qd, s.qdd, s.f_ext_a);
      forward_kinematics(m.model, reuse, s.q, s.qd, s.qdd);
      const VecX tau_reuse = rnea_after_forward_kinematics(m.model, reuse, s.qd, s.qdd, s.f_ext_a);
      EXPECT_TRUE(same_bits(tau, tau_reuse)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.f_joint, reuse.f_joint)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.f_joint_W, reuse.f_joint_W)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.a, reuse.a)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.f_motion, reuse.f_motion)) << m.name << ", seed " << seed;
      // The accelerations are read, not taken from the Data: another q̈ gives other torques.
      EXPECT_GT((rnea_after_forward_kinematics(m.model, reuse, s.qd, VecX::Zero(m.model.nv), s.f_ext_a) - tau).norm(), 0.0)
          << m.name;
    }
  }
}

TEST(InverseDynamicsReuse, OtherExternalForcesAtTheSameMotionIsRnea) {
  for (const Named& m : models()) {
    Data full(m.model), reuse(m.model);
    for (unsigned seed = 1; seed <= 4; ++seed) {
      const State s = random_state(m.model, seed);
      forward_kinematics(m.model, reuse, s.q, s.qd, s.qdd);
      rnea_after_forward_kinematics(m.model, reuse, s.qd, s.qdd, s.f_ext_a);
      const VecX tau_b = rnea_with_other_external_forces(m.model, reuse, s.f_ext_b);
      const VecX tau_full_b = rnea(m.model, full, s.q, s.qd, s.qdd, s.f_ext_b);
      EXPECT_TRUE(same_bits(tau_full_b, tau_b)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.f_joint, reuse.f_joint)) << m.name << ", seed " << seed;
      EXPECT_TRUE(same_bits(full.f_joint_W, reuse.f_joint_W)) << m.name << ", seed " << seed;
      // After a full rnea as well (the pipeline's first call could be either).
      rnea(m.model, reuse, s.q, s.qd, s.qdd, s.f_ext_b);
      const VecX tau_a = rnea_with_other_external_forces(m.model, reuse, s.f_ext_a);
      EXPECT_TRUE(same_bits(rnea(m.model, full, s.q, s.qd, s.qdd, s.f_ext_a), tau_a)) << m.name << ", seed " << seed;
      EXPECT_GT((tau_a - tau_b).norm(), 0.0) << m.name << ": the two sets of external forces must differ";
    }
  }
}

}  // namespace
}  // namespace dembones
