// Cross-checks on seeded random trees with mixed joint types (revolute x/y/z/general, prismatic,
// spherical, custom spline joints, fixed, free roots): the algorithms against each other, against
// finite differences, against energy conservation and against Newton-Euler equilibrium per body
// (after Pinocchio's unittest/crba.cpp, aba.cpp and Drake's forward-dynamics tests).
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <cmath>

#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/crba.hpp"
#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"
#include "rk4.hpp"
#include "test_util.hpp"

namespace dembones {
namespace {

constexpr int kModels = 36;

struct Case {
  Model model;
  VecX q, v, a;
  std::vector<Force> f_ext;
};

Case make_case(unsigned seed) {
  Case c;
  c.model = samples::random_tree(seed, 3 + static_cast<int>(seed % 10), seed % 2 == 1);
  c.q = random_configuration(c.model, 1000 + seed, 1.5);
  c.v = test::random_vector(c.model.nv, 2000 + seed, 1.5);
  c.a = test::random_vector(c.model.nv, 3000 + seed, 1.5);
  const VecX w = test::random_vector(6 * c.model.nbodies, 4000 + seed, 5.0);
  for (int i = 0; i < c.model.nbodies; ++i) c.f_ext.push_back(Force::from_vector(w.segment<6>(6 * i)));
  return c;
}

TEST(RandomTrees, ModelsCoverEveryJointType) {
  int counts[6] = {0, 0, 0, 0, 0, 0};
  for (unsigned seed = 0; seed < kModels; ++seed) {
    const Model m = samples::random_tree(seed, 3 + static_cast<int>(seed % 10), seed % 2 == 1);
    for (int i = 1; i < m.nbodies; ++i) ++counts[static_cast<int>(m.joints[i].type)];
  }
  for (int t = 0; t < 6; ++t) EXPECT_GT(counts[t], 0) << to_string(static_cast<JointType>(t));
}

// RNEA(q, v, a) = M(q) a + b(q, v); CRBA column j = RNEA(q, 0, e_j) - g(q); M symmetric positive definite.
TEST(RandomTrees, RneaEqualsCrbaTimesAPlusBias) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    Data data(c.model);
    const VecX tau = rnea(c.model, data, c.q, c.v, c.a);
    const MatX M = crba(c.model, data, c.q);
    const VecX b = nonlinear_effects(c.model, data, c.q, c.v);
    EXPECT_TRUE(test::near_rel(tau, VecX(M * c.a + b), 1e-11));
    // The torques-only variant (gravity as base acceleration) gives the same τ and body-frame joint
    // forces, and its offset accelerations differ from the true ones by exactly X_Wi^-1 [0; g].
    Data d2(c.model);
    rnea(c.model, d2, c.q, c.v, c.a);
    EXPECT_TRUE(test::near_rel(rnea_torques_only(c.model, data, c.q, c.v, c.a), tau, 1e-12));
    for (int i = 1; i < c.model.nbodies; ++i) {
      EXPECT_TRUE(test::near_rel(data.f[i].to_vector(), d2.f_joint[i].to_vector(), 1e-12));
      const Motion g_i = d2.oMb[i].actInv(Motion{Vec3::Zero(), c.model.gravity});
      EXPECT_TRUE(test::near_rel((data.a[i] + g_i).to_vector(), d2.a[i].to_vector(), 1e-12));
    }
    EXPECT_TRUE(M.isApprox(M.transpose(), 1e-14));
    Eigen::SelfAdjointEigenSolver<MatX> eig(M);
    EXPECT_GT(eig.eigenvalues().minCoeff(), 0.0);
    const VecX g = generalized_gravity(c.model, data, c.q);
    const VecX zero = VecX::Zero(c.model.nv);
    for (int j = 0; j < c.model.nv; ++j) {
      const VecX col = rnea(c.model, data, c.q, zero, VecX::Unit(c.model.nv, j)) - g;
      EXPECT_TRUE(test::near_rel(col, VecX(M.col(j)), 1e-11)) << "column " << j;
    }
  }
}

// ABA(q, v, RNEA(q, v, a)) = a, with and without external forces; tolerance scaled by cond(M).
TEST(RandomTrees, AbaInvertsRnea) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    Data data(c.model);
    const MatX M = crba(c.model, data, c.q);
    Eigen::SelfAdjointEigenSolver<MatX> eig(M);
    const double cond = eig.eigenvalues().maxCoeff() / eig.eigenvalues().minCoeff();
    const double tol = 1e-14 * cond + 1e-12;
    const VecX tau = rnea(c.model, data, c.q, c.v, c.a);
    EXPECT_TRUE(test::near_rel(aba(c.model, data, c.q, c.v, tau), c.a, tol));
    const VecX tau_ext = rnea(c.model, data, c.q, c.v, c.a, c.f_ext);
    EXPECT_TRUE(test::near_rel(aba(c.model, data, c.q, c.v, tau_ext, c.f_ext), c.a, tol));
    // External wrenches enter as -Σ J_i^T f_i.
    compute_joint_jacobians(c.model, data, c.q);
    VecX jtf = VecX::Zero(c.model.nv);
    for (int i = 1; i < c.model.nbodies; ++i) add_body_wrench(c.model, data, i, c.f_ext[i], jtf);
    EXPECT_TRUE(test::near_rel(VecX(tau_ext + jtf), tau, 1e-11));
  }
}

// The same check on the random trees with every other body's inertia made diagonal (principal axes)
// and its joint frame a pure translation: aba() takes its precomputed fast paths for those bodies
// (Model::BodyTraits) and its general ones for the rest.
TEST(RandomTrees, AbaInvertsRneaWithPrincipalInertiasAndTranslatedJointFrames) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    Model& m = c.model;
    for (int i = 1; i < m.nbodies; i += 2) {
      m.inertia[i].inertia_about_com = Mat3(m.inertia[i].inertia_about_com.diagonal().asDiagonal());
      m.X_parent_joint[i].rotation.setIdentity();
    }
    finalize(m);
    for (int i = 1; i < m.nbodies; ++i) {
      EXPECT_EQ(m.traits[i].principal_inertia, i % 2 == 1) << "body " << i;
      EXPECT_EQ(m.traits[i].leaf, m.children[i].empty()) << "body " << i;
      if (i % 2 == 1) {
        EXPECT_TRUE(m.traits[i].joint_rotation_free) << "body " << i;
      }
    }
    Data data(m);
    const MatX M = crba(m, data, c.q);
    Eigen::SelfAdjointEigenSolver<MatX> eig(M);
    const double tol = 1e-14 * eig.eigenvalues().maxCoeff() / eig.eigenvalues().minCoeff() + 1e-12;
    const VecX tau = rnea(m, data, c.q, c.v, c.a);
    EXPECT_TRUE(test::near_rel(aba(m, data, c.q, c.v, tau), c.a, tol));
    const VecX tau_ext = rnea(m, data, c.q, c.v, c.a, c.f_ext);
    EXPECT_TRUE(test::near_rel(aba(m, data, c.q, c.v, tau_ext, c.f_ext), c.a, tol));
  }
}

// What aba() leaves besides q̈ (aba.hpp): world poses, world joint columns (as
// compute_joint_jacobians), true body accelerations in the world frame (as forward kinematics at
// q̈), with and without external forces.
TEST(RandomTrees, AbaLeavesPosesColumnsAndAccelerations) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    const Model& m = c.model;
    Data data(m), ref(m);
    const VecX tau = rnea(m, ref, c.q, c.v, c.a);
    for (int with_ext = 0; with_ext < 2; ++with_ext) {
      const VecX ddq = with_ext ? aba(m, data, c.q, c.v, rnea(m, ref, c.q, c.v, c.a, c.f_ext), c.f_ext)
                                : aba(m, data, c.q, c.v, tau);
      compute_joint_jacobians(m, ref, c.q);
      EXPECT_TRUE(test::near_rel(data.J_W, ref.J_W, 1e-12));
      forward_kinematics(m, ref, c.q, c.v, ddq);
      for (int i = 1; i < m.nbodies; ++i) {
        EXPECT_TRUE(data.oMb[i].isApprox(ref.oMb[i], 1e-12)) << "body " << i;
        EXPECT_TRUE(test::near_rel(data.a_W[i].to_vector(), ref.oMb[i].act(ref.a[i]).to_vector(), 1e-10))
            << "body " << i;
      }
    }
  }
}

// Joint Jacobians, point Jacobians and the CoM Jacobian against central finite differences along
// each velocity direction (q ⊕ ε e_k through integrate()).
TEST(RandomTrees, JacobiansMatchFiniteDifferences) {
  const double eps = 1e-6;
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    const Model& m = c.model;
    Data data(m), dp(m), dm(m);
    compute_joint_jacobians(m, data, c.q);
    center_of_mass_jacobian(m, data, c.q);
    const Matrix3Xd Jcom = data.J_com;
    Matrix3Xd Jp(3, m.nv);
    VecX qp(m.nq), qm(m.nq);
    for (int b = 1; b < m.nbodies; ++b) {
      const Vec3 r_B = test::random_vector(3, 50 + b, 0.3);  // a point fixed on body b
      const Vec3 p_W = data.oMb[b].act(r_B);
      point_jacobian(m, data, b, p_W, Jp);
      for (int k = 0; k < m.nv; ++k) {
        const VecX e = VecX::Unit(m.nv, k);
        integrate(m, c.q, e, eps, qp);
        integrate(m, c.q, e, -eps, qm);
        forward_kinematics(m, dp, qp);
        forward_kinematics(m, dm, qm);
        const Vec3 fd = (dp.oMb[b].act(r_B) - dm.oMb[b].act(r_B)) / (2 * eps);
        EXPECT_TRUE(test::near_rel(Vec3(Jp.col(k)), fd, 1e-8)) << "body " << b << " coordinate " << k;
      }
    }
    for (int k = 0; k < m.nv; ++k) {
      const VecX e = VecX::Unit(m.nv, k);
      integrate(m, c.q, e, eps, qp);
      integrate(m, c.q, e, -eps, qm);
      const Vec3 fd = (center_of_mass(m, dp, qp) - center_of_mass(m, dm, qm)) / (2 * eps);
      EXPECT_TRUE(test::near_rel(Vec3(Jcom.col(k)), fd, 1e-8)) << "CoM, coordinate " << k;
    }
    // Velocities from forward kinematics equal J v; add_point_force equals J_p^T f.
    forward_kinematics(m, data, c.q, c.v);
    Matrix6Xd Jb(6, m.nv), Jl(6, m.nv);
    for (int b = 1; b < m.nbodies; ++b) {
      body_jacobian_world(m, data, b, Jb);
      body_jacobian_local(m, data, b, Jl);
      EXPECT_TRUE(test::near_rel(Vec6(Jb * c.v), data.v_W[b].to_vector(), 1e-12));
      EXPECT_TRUE(test::near_rel(Vec6(Jl * c.v), data.v[b].to_vector(), 1e-12));
      const Vec3 p_W = data.oMb[b].act(Vec3(0.1, -0.2, 0.05));
      point_jacobian(m, data, b, p_W, Jp);
      EXPECT_TRUE(test::near_rel(Vec3(Jp * c.v), point_velocity(m, data, b, p_W), 1e-12));
      const Vec3 f(1.5, -2.0, 0.7);
      VecX tau = VecX::Zero(m.nv);
      add_point_force(m, data, b, p_W, f, tau);
      EXPECT_TRUE(test::near_rel(tau, VecX(Jp.transpose() * f), 1e-12));
    }
  }
}

// J̇q̇ against the second difference of a point's position along the constant-velocity path
// q(t) = q ⊕ v t (q̈ = 0 for every joint type: integrate() follows the exponential map), and
// forward-kinematics accelerations against J a + J̇q̇.
TEST(RandomTrees, JdotQdotMatchesFiniteDifferences) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const Case c = make_case(seed);
    test::expect_jdot_qdot_matches_finite_differences(c.model, c.q, c.v, c.a);
  }
}

// Newton-Euler equilibrium of every body from the joint forces RNEA reports:
//   f_joint,i - Σ_children X^* f_joint,c + f_ext,i + weight_i = I_i a_i + v_i x* I_i v_i,
// with a_i and v_i from an independent forward-kinematics pass and the weight m g at the CoM.
TEST(RandomTrees, JointForcesSatisfyNewtonEulerPerBody) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    Case c = make_case(seed);
    const Model& m = c.model;
    Data data(m), fk(m);
    rnea(m, data, c.q, c.v, c.a, c.f_ext);
    forward_kinematics(m, fk, c.q, c.v, c.a);
    for (int i = 1; i < m.nbodies; ++i) {
      Force net = data.f_joint[i] + fk.oMb[i].actInv(c.f_ext[i]);
      for (int ch : m.children[i]) net -= data.X_parent[ch].act(data.f_joint[ch]);
      const Vec3 c_W = fk.oMb[i].act(m.inertia[i].com);
      const Vec3 weight = m.inertia[i].mass * m.gravity;
      net += fk.oMb[i].actInv(Force{c_W.cross(weight), weight});
      const Force rate = m.inertia_o[i].apply(fk.a[i]) + cross(fk.v[i], m.inertia_o[i].apply(fk.v[i]));
      EXPECT_TRUE(test::near_rel(net.to_vector(), rate.to_vector(), 1e-11)) << "body " << i;
      EXPECT_TRUE(test::near_rel(data.f_joint_W[i].to_vector(), fk.oMb[i].act(data.f_joint[i]).to_vector(), 1e-12));
    }
  }
}

// Passive simulation (τ = 0) for 10 s with RK4 at 1 ms: total energy T + V drifts by less than
// 1e-6 relative to the largest kinetic energy reached (the energy actually exchanged).
TEST(RandomTrees, EnergyConservedInPassiveSimulation) {
  for (unsigned seed : {0u, 1u, 2u, 4u, 7u, 8u, 13u}) {
    SCOPED_TRACE(seed);
    Model m = samples::random_tree(seed, 4 + static_cast<int>(seed % 4), seed % 2 == 1);
    // Gravity would make free roots and prismatic joints fall without bound for 10 s (velocities
    // the 1 ms step cannot resolve); such models run without gravity, the others with it.
    bool unbounded = false;
    for (int i = 1; i < m.nbodies; ++i) {
      unbounded |= m.joints[i].type == JointType::kFree || m.joints[i].type == JointType::kPrismatic;
    }
    if (unbounded) m.gravity.setZero();
    Data data(m);
    VecX q = random_configuration(m, 500 + seed, 1.0);
    VecX v = test::random_vector(m.nv, 600 + seed, 1.0);
    const VecX zero = VecX::Zero(m.nv);
    const double E0 = kinetic_energy(m, data, q, v) + potential_energy(m, data, q);
    double T_max = 0.0, drift = 0.0;
    for (int s = 0; s < 10000; ++s) {
      test::rk4_step(m, data, 1e-3, zero, q, v);
      const double T = kinetic_energy(m, data, q, v);
      T_max = std::max(T_max, T);
      drift = std::max(drift, std::abs(T + potential_energy(m, data, q) - E0));
    }
    ASSERT_TRUE(q.allFinite());
    EXPECT_GT(T_max, 0.0);
    EXPECT_LT(drift / T_max, 1e-6) << "drift " << drift << " J, T_max " << T_max << " J";
  }
}

// Custom (spline) joints alone: a knee-like joint whose translations follow flexion. Exact
// S and c_J show up as RNEA = d/dt of the momentum computed by finite differences in time.
TEST(RandomTrees, HumanWithCustomKneesConsistent) {
  const Model m = samples::human20_custom_knee();
  Data data(m);
  const VecX q = random_configuration(m, 77, 1.0);
  const VecX v = test::random_vector(m.nv, 78, 1.0);
  const VecX a = test::random_vector(m.nv, 79, 1.0);
  const VecX tau = rnea(m, data, q, v, a);
  const MatX M = crba(m, data, q);
  EXPECT_TRUE(test::near_rel(tau, VecX(M * a + nonlinear_effects(m, data, q, v)), 1e-11));
  EXPECT_TRUE(test::near_rel(aba(m, data, q, v, tau), a, 1e-10));
}

}  // namespace
}  // namespace dembones
