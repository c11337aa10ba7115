// Coupled joints (Joint::coupled: motion prescribed by ANOTHER joint's coordinate, no coordinate of
// their own) on seeded random trees whose drivers sit anywhere: ancestors, descendants and other
// branches. Two kinds of checks:
//  * against an EXPANDED model, the same tree in which every coupled joint is an ordinary joint with
//    its own coordinate y = g(q_d) (rotation-only coupler -> revolute, θ(q_d); translation-only ->
//    prismatic, p_x(q_d); general -> custom joint with the same functions, y = q_d), driven with
//    y = g(q_d), ẏ = g' q̇_d, ÿ = g' q̈_d + g'' q̇_d². With G = ∂v_expanded/∂v the chain rule gives
//    τ = G^T τ_expanded and M = G^T M_expanded G exactly (to 1e-9 and tighter);
//  * the usual internal cross-checks: RNEA = M a + b, forward dynamics inverts RNEA, M = Σ J^T I J,
//    Jacobians and J̇q̇ against finite differences over the independent coordinates, Newton-Euler of
//    the joint forces, energy conservation with RK4.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "common/error.hpp"
#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"
#include "multibody/crba.hpp"
#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/mjcf_export.hpp"
#include "multibody/rnea.hpp"
#include "multibody/sample_models.hpp"
#include "rk4.hpp"
#include "test_util.hpp"

namespace dembones {
namespace {

constexpr int kModels = 40;

// How a coupled joint maps onto its expanded twin.
enum class CouplerKind { kNone, kRotation, kTranslation, kGeneral };

struct CoupledCase {
  Model coupled;                    // coupled joints have no coordinates
  Model expanded;                   // same bodies; every coupled joint has its own coordinate
  std::vector<CouplerKind> kinds;   // (nbodies)
};

struct Rng {
  std::mt19937 gen;
  explicit Rng(unsigned seed) : gen(seed) {}
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  Vec3 vec(double lo, double hi) { return Vec3(uniform(lo, hi), uniform(lo, hi), uniform(lo, hi)); }
  Vec3 unit() { return vec(-1, 1).normalized(); }
  Mat3 rotation() {
    return Quat(uniform(-1, 1), uniform(-1, 1), uniform(-1, 1), uniform(-1, 1)).normalized().toRotationMatrix();
  }
  SpatialInertia inertia() {
    SpatialInertia I;
    I.mass = uniform(0.5, 5.0);
    I.com = vec(-0.1, 0.1);
    const Vec3 s = vec(0.03, 0.25);
    const Vec3 s2 = s.cwiseProduct(s);
    const Vec3 d = I.mass / 5.0 * Vec3(s2.y() + s2.z(), s2.x() + s2.z(), s2.x() + s2.y());
    const Mat3 R = rotation();
    I.inertia_about_com = R * d.asDiagonal() * R.transpose();
    I.inertia_about_com = (0.5 * (I.inertia_about_com + I.inertia_about_com.transpose())).eval();
    return I;
  }
  CoordinateFunction spline(double amplitude) {
    std::vector<double> y;
    for (int k = 0; k < 5; ++k) y.push_back(uniform(-amplitude, amplitude));
    return CoordinateFunction::Spline({-2.0, -1.0, 0.0, 0.7, 2.0}, y);
  }
};

// Random tree of n_bodies with about a third of the joints coupled to a random scalar coordinate
// anywhere in the tree. Body 1 (or 2 under a free root) is revolute so a driver always exists.
CoupledCase make_coupled_case(unsigned seed, int n_bodies, bool free_root) {
  Rng rng(seed);
  struct BodySpec {
    int parent;
    Joint joint;        // ordinary joint (coupled ones: filled below)
    CouplerKind kind;
    CustomJointFunctions functions;
    SE3 X;
    SpatialInertia inertia;
  };
  std::vector<BodySpec> specs(static_cast<std::size_t>(n_bodies) + 1);
  std::vector<int> scalar_bodies;
  for (int i = 1; i <= n_bodies; ++i) {
    BodySpec& b = specs[i];
    b.parent = i == 1 ? 0 : rng.integer(free_root ? 1 : 0, i - 1);
    b.kind = CouplerKind::kNone;
    const bool first_moving = i == (free_root ? 2 : 1);
    if (i == 1 && free_root) {
      b.joint = Joint::free();
    } else if (!first_moving && rng.integer(0, 2) == 0) {
      b.kind = static_cast<CouplerKind>(rng.integer(1, 3));
      CustomJointFunctions& f = b.functions;
      f.rotation_axis = rng.unit();
      f.rotation = CoordinateFunction::Constant(0.0);
      if (b.kind == CouplerKind::kRotation) {
        f.rotation = rng.spline(1.2);
      } else if (b.kind == CouplerKind::kTranslation) {
        f.translation_x = rng.spline(0.1);
      } else {
        f.rotation = rng.integer(0, 1) ? rng.spline(1.0) : CoordinateFunction::Linear(rng.uniform(-1.5, 1.5), 0.1);
        f.translation_x = rng.spline(0.08);
        f.translation_y = rng.spline(0.08);
        f.translation_z = CoordinateFunction::Linear(rng.uniform(-0.05, 0.05), 0.01);
      }
    } else {
      switch (first_moving ? 2 : rng.integer(0, 7)) {
        case 0: b.joint = Joint::revolute(Vec3::UnitX()); break;
        case 1: b.joint = Joint::revolute(Vec3::UnitY()); break;
        case 2: b.joint = Joint::revolute(Vec3::UnitZ()); break;
        case 3: b.joint = Joint::revolute(rng.unit()); break;
        case 4: b.joint = Joint::prismatic(rng.unit()); break;
        case 5: b.joint = Joint::spherical(); break;
        case 6: b.joint = Joint::fixed(); break;
        default: {
          CustomJointFunctions f;
          f.rotation_axis = rng.unit();
          f.rotation = CoordinateFunction::Linear(rng.uniform(0.3, 1.5), rng.uniform(-0.2, 0.2));
          f.translation_x = rng.spline(0.08);
          f.translation_y = rng.spline(0.08);
          b.joint = Joint::custom_joint(f);
        }
      }
      if (b.joint.nq() == 1) scalar_bodies.push_back(i);
    }
    b.X = SE3(rng.rotation(), rng.vec(-0.3, 0.3));
    b.inertia = rng.inertia();
  }
  CoupledCase c;
  c.kinds.assign(static_cast<std::size_t>(n_bodies) + 1, CouplerKind::kNone);
  for (int i = 1; i <= n_bodies; ++i) {
    const BodySpec& b = specs[i];
    std::string name = "b";  // appended, not "b" + to_string(i): GCC 12 -Wrestrict false positive there
    name += std::to_string(i);
    c.kinds[i] = b.kind;
    if (b.kind == CouplerKind::kNone) {
      add_body(c.coupled, b.parent, b.joint, b.X, b.inertia, name);
      add_body(c.expanded, b.parent, b.joint, b.X, b.inertia, name);
      continue;
    }
    const int driver = scalar_bodies[rng.integer(0, static_cast<int>(scalar_bodies.size()) - 1)];
    add_body(c.coupled, b.parent, Joint::coupled(b.functions, "b" + std::to_string(driver) + "_q0"), b.X, b.inertia, name);
    Joint twin;
    if (b.kind == CouplerKind::kRotation) twin = Joint::revolute(b.functions.rotation_axis);
    if (b.kind == CouplerKind::kTranslation) twin = Joint::prismatic(Vec3::UnitX());
    if (b.kind == CouplerKind::kGeneral) twin = Joint::custom_joint(b.functions);
    add_body(c.expanded, b.parent, twin, b.X, b.inertia, name);
  }
  finalize(c.coupled);
  finalize(c.expanded);
  return c;
}

CoupledCase make_case(unsigned seed) { return make_coupled_case(seed, 4 + static_cast<int>(seed % 9), seed % 3 == 1); }

// y = g(x) for the expanded twin of coupled body i: value and derivatives.
FunctionValue twin_coordinate(const CoupledCase& c, int i, double x) {
  const CustomJointFunctions& f = c.coupled.joints[i].custom;
  switch (c.kinds[i]) {
    case CouplerKind::kRotation: return f.rotation.evaluate(x);
    case CouplerKind::kTranslation: return f.translation_x.evaluate(x);
    case CouplerKind::kGeneral: return {x, 1.0, 0.0};
    case CouplerKind::kNone: break;
  }
  return {};
}

// State of the expanded model from the coupled one, and G = ∂v_expanded/∂v (nv_e x nv).
struct Expanded {
  VecX q, v, a;
  MatX G;
};

Expanded expand(const CoupledCase& c, const VecX& q, const VecX& v, const VecX& a) {
  const Model& m = c.coupled;
  const Model& e = c.expanded;
  Expanded x{VecX::Zero(e.nq), VecX::Zero(e.nv), VecX::Zero(e.nv), MatX::Zero(e.nv, m.nv)};
  for (int i = 1; i < m.nbodies; ++i) {
    if (c.kinds[i] == CouplerKind::kNone) {
      x.q.segment(e.idx_q[i], m.nq_j[i]) = q.segment(m.idx_q[i], m.nq_j[i]);
      x.v.segment(e.idx_v[i], m.nv_j[i]) = v.segment(m.idx_v[i], m.nv_j[i]);
      x.a.segment(e.idx_v[i], m.nv_j[i]) = a.segment(m.idx_v[i], m.nv_j[i]);
      for (int k = 0; k < m.nv_j[i]; ++k) x.G(e.idx_v[i] + k, m.idx_v[i] + k) = 1.0;
      continue;
    }
    const int d = m.driver_v[i];
    const FunctionValue g = twin_coordinate(c, i, q[m.driver_q[i]]);
    x.q[e.idx_q[i]] = g.f;
    x.v[e.idx_v[i]] = g.d1 * v[d];
    x.a[e.idx_v[i]] = g.d1 * a[d] + g.d2 * v[d] * v[d];
    x.G(e.idx_v[i], d) = g.d1;
  }
  return x;
}

struct State {
  VecX q, v, a;
  std::vector<Force> f_ext;
};

State random_state(const Model& m, unsigned seed) {
  State s;
  s.q = random_configuration(m, 1000 + seed, 1.5);
  s.v = test::random_vector(m.nv, 2000 + seed, 1.5);
  s.a = test::random_vector(m.nv, 3000 + seed, 1.5);
  const VecX w = test::random_vector(6 * m.nbodies, 4000 + seed, 5.0);
  for (int i = 0; i < m.nbodies; ++i) s.f_ext.push_back(Force::from_vector(w.segment<6>(6 * i)));
  return s;
}

bool is_ancestor(const Model& m, int a, int b) {
  for (int j = m.parent[b]; j > 0; j = m.parent[j]) {
    if (j == a) return true;
  }
  return false;
}

TEST(Couplers, RandomModelsCoverKindsAndDriverPlacements) {
  int kinds[4] = {0, 0, 0, 0};
  int ancestor = 0, descendant = 0, other_branch = 0;
  for (unsigned seed = 0; seed < kModels; ++seed) {
    const CoupledCase c = make_case(seed);
    const Model& m = c.coupled;
    EXPECT_EQ(m.nv + static_cast<int>(m.coupled_bodies.size()), c.expanded.nv);
    EXPECT_EQ(m.ns, c.expanded.nv);
    for (int i : m.coupled_bodies) {
      ++kinds[static_cast<int>(c.kinds[i])];
      const int db = m.velocity_body[m.driver_v[i]];
      if (is_ancestor(m, db, i)) {
        ++ancestor;
      } else if (is_ancestor(m, i, db)) {
        ++descendant;
      } else {
        ++other_branch;
      }
    }
  }
  EXPECT_GT(kinds[1], 0);
  EXPECT_GT(kinds[2], 0);
  EXPECT_GT(kinds[3], 0);
  EXPECT_GT(ancestor, 0);
  EXPECT_GT(descendant, 0);
  EXPECT_GT(other_branch, 0);
}

// Poses, velocities and accelerations of every body equal the expanded model's.
TEST(Couplers, KinematicsEqualExpandedModel) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const State s = random_state(c.coupled, seed);
    const Expanded x = expand(c, s.q, s.v, s.a);
    Data dc(c.coupled), de(c.expanded);
    forward_kinematics(c.coupled, dc, s.q, s.v, s.a);
    forward_kinematics(c.expanded, de, x.q, x.v, x.a);
    for (int i = 1; i < c.coupled.nbodies; ++i) {
      EXPECT_TRUE(dc.oMb[i].isApprox(de.oMb[i], 1e-12)) << "body " << i;
      EXPECT_TRUE(test::near_rel(dc.v[i].to_vector(), de.v[i].to_vector(), 1e-12)) << "body " << i;
      EXPECT_TRUE(test::near_rel(dc.a[i].to_vector(), de.a[i].to_vector(), 1e-12)) << "body " << i;
    }
    EXPECT_NEAR(kinetic_energy(c.coupled, dc, s.q, s.v), kinetic_energy(c.expanded, de, x.q, x.v),
                1e-12 * (1.0 + de.kinetic_energy));
  }
}

// τ = G^T τ_expanded (chain rule: τ_d += g' τ_dependent), with and without external forces, and the
// same joint forces on every body; M = G^T M_expanded G.
TEST(Couplers, RneaAndCrbaEqualExpandedModelByChainRule) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const State s = random_state(c.coupled, seed);
    const Expanded x = expand(c, s.q, s.v, s.a);
    Data dc(c.coupled), de(c.expanded);
    const VecX tau = rnea(c.coupled, dc, s.q, s.v, s.a);
    const VecX tau_e = rnea(c.expanded, de, x.q, x.v, x.a);
    EXPECT_TRUE(test::near_rel(tau, VecX(x.G.transpose() * tau_e), 1e-10));
    EXPECT_TRUE(test::near_rel(rnea_torques_only(c.coupled, dc, s.q, s.v, s.a), tau, 1e-12));
    for (int i = 1; i < c.coupled.nbodies; ++i) {
      EXPECT_TRUE(test::near_rel(dc.f_joint_W[i].to_vector(), de.f_joint_W[i].to_vector(), 1e-10)) << "body " << i;
    }
    const VecX tau_ext = rnea(c.coupled, dc, s.q, s.v, s.a, s.f_ext);
    const VecX tau_ext_e = rnea(c.expanded, de, x.q, x.v, x.a, s.f_ext);
    EXPECT_TRUE(test::near_rel(tau_ext, VecX(x.G.transpose() * tau_ext_e), 1e-10));
    const MatX M = crba(c.coupled, dc, s.q);
    const MatX M_e = crba(c.expanded, de, x.q);
    EXPECT_TRUE(test::near_rel(M, MatX(x.G.transpose() * M_e * x.G), 1e-10));
  }
}

// RNEA = M a + b; CRBA column j = RNEA(q, 0, e_j) - g; M symmetric positive definite and equal to
// the Jacobian form Σ_b J_b^T I_b J_b (body Jacobians in body frames).
TEST(Couplers, RneaCrbaAndJacobianInertiaAgree) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const Model& m = c.coupled;
    const State s = random_state(m, seed);
    Data data(m);
    const VecX tau = rnea(m, data, s.q, s.v, s.a);
    const MatX M = crba(m, data, s.q);
    const VecX b = nonlinear_effects(m, data, s.q, s.v);
    EXPECT_TRUE(test::near_rel(tau, VecX(M * s.a + b), 1e-11));
    EXPECT_TRUE(M.isApprox(M.transpose(), 1e-14));
    Eigen::SelfAdjointEigenSolver<MatX> eig(M);
    EXPECT_GT(eig.eigenvalues().minCoeff(), 0.0);
    const VecX g = generalized_gravity(m, data, s.q);
    const VecX zero = VecX::Zero(m.nv);
    for (int j = 0; j < m.nv; ++j) {
      const VecX col = rnea(m, data, s.q, zero, VecX::Unit(m.nv, j)) - g;
      EXPECT_TRUE(test::near_rel(col, VecX(M.col(j)), 1e-11)) << "column " << j;
    }
    compute_joint_jacobians(m, data, s.q);
    MatX M_ref = MatX::Zero(m.nv, m.nv);
    Matrix6Xd J(6, m.nv);
    for (int i = 1; i < m.nbodies; ++i) {
      body_jacobian_local(m, data, i, J);
      M_ref += J.transpose() * m.inertia[i].to_matrix() * J;
    }
    EXPECT_TRUE(test::near_rel(M, M_ref, 1e-11));
  }
}

// aba() (CRBA + Cholesky for coupled models) inverts RNEA, with and without external forces, and
// leaves the world-frame body accelerations of forward kinematics at q̈; the two forward-dynamics paths agree
// on coupler-free trees too.
TEST(Couplers, ForwardDynamicsInvertsRnea) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const Model& m = c.coupled;
    const State s = random_state(m, seed);
    Data data(m), fk(m);
    const MatX M = crba(m, data, s.q);
    Eigen::SelfAdjointEigenSolver<MatX> eig(M);
    const double tol = 1e-14 * eig.eigenvalues().maxCoeff() / eig.eigenvalues().minCoeff() + 1e-12;
    const VecX tau = rnea(m, data, s.q, s.v, s.a);
    EXPECT_TRUE(test::near_rel(aba(m, data, s.q, s.v, tau), s.a, tol));
    forward_kinematics(m, fk, s.q, s.v, s.a);
    for (int i = 1; i < m.nbodies; ++i) {
      EXPECT_TRUE(test::near_rel(data.a_W[i].to_vector(), fk.oMb[i].act(fk.a[i]).to_vector(), 1e-9));
    }
    // tau may be data.tau itself (aba must not read it after RNEA overwrote it).
    rnea(m, data, s.q, s.v, s.a, s.f_ext);
    EXPECT_TRUE(test::near_rel(aba(m, data, s.q, s.v, data.tau, s.f_ext), s.a, tol));

    const Model& e = c.expanded;  // no couplers: ABA proper against CRBA + Cholesky
    const State se = random_state(e, seed);
    Data de(e);
    const VecX tau_e = rnea(e, de, se.q, se.v, se.a);
    const VecX ddq_aba = aba(e, de, se.q, se.v, tau_e);
    EXPECT_TRUE(test::near_rel(forward_dynamics_via_crba(e, de, se.q, se.v, tau_e), ddq_aba, 1e-9));
  }
}

// Point, body and CoM Jacobians against central differences of forward kinematics along each
// independent coordinate (the coupled joints follow their drivers); J v = velocities; the
// transpose products equal J^T f.
TEST(Couplers, JacobiansMatchFiniteDifferences) {
  const double eps = 1e-6;
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const Model& m = c.coupled;
    const State s = random_state(m, seed);
    Data data(m), dp(m), dm(m);
    compute_joint_jacobians(m, data, s.q);
    center_of_mass_jacobian(m, data, s.q);
    const Matrix3Xd Jcom = data.J_com;
    Matrix3Xd Jp(3, m.nv);
    Matrix6Xd Jb(6, m.nv), Jl(6, m.nv);
    VecX qp(m.nq), qm(m.nq);
    for (int b = 1; b < m.nbodies; ++b) {
      const Vec3 r_B = test::random_vector(3, 50 + b, 0.3);
      const Vec3 p_W = data.oMb[b].act(r_B);
      point_jacobian(m, data, b, p_W, Jp);
      body_jacobian_world(m, data, b, Jb);
      for (int k = 0; k < m.nv; ++k) {
        const VecX ek = VecX::Unit(m.nv, k);
        integrate(m, s.q, ek, eps, qp);
        integrate(m, s.q, ek, -eps, qm);
        forward_kinematics(m, dp, qp);
        forward_kinematics(m, dm, qm);
        const Vec3 fd = (dp.oMb[b].act(r_B) - dm.oMb[b].act(r_B)) / (2 * eps);
        EXPECT_TRUE(test::near_rel(Vec3(Jp.col(k)), fd, 1e-8)) << "body " << b << " coordinate " << k;
        // Angular column: ω = vee(Ṙ R^T).
        const Mat3 dR = (dp.oMb[b].rotation - dm.oMb[b].rotation) / (2 * eps) * data.oMb[b].rotation.transpose();
        const Vec3 w(dR(2, 1), dR(0, 2), dR(1, 0));
        EXPECT_TRUE(test::near_rel(Vec3(Jb.col(k).head<3>()), w, 1e-8)) << "body " << b << " coordinate " << k;
      }
    }
    for (int k = 0; k < m.nv; ++k) {
      const VecX ek = VecX::Unit(m.nv, k);
      integrate(m, s.q, ek, eps, qp);
      integrate(m, s.q, ek, -eps, qm);
      const Vec3 fd = (center_of_mass(m, dp, qp) - center_of_mass(m, dm, qm)) / (2 * eps);
      EXPECT_TRUE(test::near_rel(Vec3(Jcom.col(k)), fd, 1e-8)) << "CoM, coordinate " << k;
    }
    forward_kinematics(m, data, s.q, s.v);
    VecX jtf = VecX::Zero(m.nv);
    for (int b = 1; b < m.nbodies; ++b) {
      body_jacobian_world(m, data, b, Jb);
      body_jacobian_local(m, data, b, Jl);
      EXPECT_TRUE(test::near_rel(Vec6(Jb * s.v), data.v_W[b].to_vector(), 1e-12));
      EXPECT_TRUE(test::near_rel(Vec6(Jl * s.v), data.v[b].to_vector(), 1e-12));
      const Vec3 p_W = data.oMb[b].act(Vec3(0.1, -0.2, 0.05));
      point_jacobian(m, data, b, p_W, Jp);
      EXPECT_TRUE(test::near_rel(Vec3(Jp * s.v), point_velocity(m, data, b, p_W), 1e-12));
      const Vec3 f(1.5, -2.0, 0.7);
      VecX tau = VecX::Zero(m.nv);
      add_point_force(m, data, b, p_W, f, tau);
      EXPECT_TRUE(test::near_rel(tau, VecX(Jp.transpose() * f), 1e-12));
      add_body_wrench(m, data, b, s.f_ext[b], jtf);
    }
    // External wrenches enter RNEA as -Σ J_b^T f_b.
    const VecX tau = rnea(m, data, s.q, s.v, s.a);
    const VecX tau_ext = rnea(m, data, s.q, s.v, s.a, s.f_ext);
    EXPECT_TRUE(test::near_rel(VecX(tau_ext + jtf), tau, 1e-11));
  }
}

// J̇q̇ (spline second derivatives of the coupled joints included) against the second difference
// of a point along q(t) = q ⊕ v t, and accelerations = J a + J̇q̇.
TEST(Couplers, JdotQdotMatchesFiniteDifferences) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const State s = random_state(c.coupled, seed);
    test::expect_jdot_qdot_matches_finite_differences(c.coupled, s.q, s.v, s.a);
  }
}

// The joint forces RNEA reports (coupled joints included) satisfy Newton-Euler on every body.
TEST(Couplers, JointForcesSatisfyNewtonEulerPerBody) {
  for (unsigned seed = 0; seed < kModels; ++seed) {
    SCOPED_TRACE(seed);
    const CoupledCase c = make_case(seed);
    const Model& m = c.coupled;
    const State s = random_state(m, seed);
    Data data(m), fk(m);
    rnea(m, data, s.q, s.v, s.a, s.f_ext);
    forward_kinematics(m, fk, s.q, s.v, s.a);
    for (int i = 1; i < m.nbodies; ++i) {
      Force net = data.f_joint[i] + fk.oMb[i].actInv(s.f_ext[i]);
      for (int ch : m.children[i]) net -= data.X_parent[ch].act(data.f_joint[ch]);
      const Vec3 c_W = fk.oMb[i].act(m.inertia[i].com);
      const Vec3 weight = m.inertia[i].mass * m.gravity;
      net += fk.oMb[i].actInv(Force{c_W.cross(weight), weight});
      const Force rate = m.inertia_o[i].apply(fk.a[i]) + cross(fk.v[i], m.inertia_o[i].apply(fk.v[i]));
      EXPECT_TRUE(test::near_rel(net.to_vector(), rate.to_vector(), 1e-11)) << "body " << i;
    }
  }
}

// Passive RK4 simulation for 10 s conserves T + V to 1e-6 of the largest kinetic energy.
// The random couplers swing up to 1.2 rad (rotation) between spline knots 1 rad of driver apart, and
// a cubic spline's third derivative jumps at its knots, so the 1 ms step of the coupler-free test
// leaves drifts of 1e-6 to 1e-5 here; at 0.25 ms they fall by 60-500x (fourth order: an integration
// error, not a modelling one), so these trees run at 0.25 ms. Seeds 3 and 10 are left out: they
// reach 2.7-12 kJ of kinetic energy (bodies spinning at ~100 rad/s), which no fixed step resolves.
// The human-like coupled sample, with gentle physiological couplers, runs at the 1 ms step.
void expect_energy_conserved(Model& m, unsigned seed, double dt) {
  bool unbounded = false;
  for (int i = 1; i < m.nbodies; ++i) {
    unbounded |= m.joints[i].type == JointType::kPrismatic || m.joints[i].type == JointType::kFree;
  }
  if (unbounded) m.gravity.setZero();
  Data data(m);
  VecX q = random_configuration(m, 500 + seed, 1.0);
  VecX v = test::random_vector(m.nv, 600 + seed, 1.0);
  const VecX zero = VecX::Zero(m.nv);
  const double E0 = kinetic_energy(m, data, q, v) + potential_energy(m, data, q);
  double T_max = 0.0, drift = 0.0;
  const int steps = static_cast<int>(std::lround(10.0 / dt));
  for (int step = 0; step < steps; ++step) {
    test::rk4_step(m, data, dt, zero, q, v);
    const double T = kinetic_energy(m, data, q, v);
    T_max = std::max(T_max, T);
    drift = std::max(drift, std::abs(T + potential_energy(m, data, q) - E0));
  }
  ASSERT_TRUE(q.allFinite());
  EXPECT_GT(T_max, 0.0);
  EXPECT_LT(drift / T_max, 1e-6) << "drift " << drift << " J, T_max " << T_max << " J";
}

TEST(Couplers, EnergyConservedInPassiveSimulation) {
  int simulated = 0;
  for (unsigned seed : {0u, 1u, 2u, 4u, 6u, 7u, 9u, 15u}) {
    SCOPED_TRACE(seed);
    CoupledCase c = make_coupled_case(seed, 4 + static_cast<int>(seed % 4), false);
    ASSERT_TRUE(c.coupled.has_couplers());
    expect_energy_conserved(c.coupled, seed, 2.5e-4);
    ++simulated;
  }
  EXPECT_EQ(simulated, 8);
  Model human = samples::human20_coupled();
  expect_energy_conserved(human, 99, 1e-3);
}

// The human-like sample: L3 driven by a descendant's coordinate, patellae by the knee (another
// branch). Coupled bodies add no coordinates; dynamics are consistent.
TEST(Couplers, HumanWithLumbarRhythmAndPatellae) {
  const Model m = samples::human20_coupled();
  EXPECT_EQ(m.nv, 20);
  EXPECT_EQ(m.nq, samples::human20().nq);
  ASSERT_EQ(m.coupled_bodies.size(), 3u);
  const int l3 = m.find_body("lumbar_l3");
  const int torso = m.find_body("torso");
  EXPECT_EQ(m.driver_v[l3], m.find_coordinate("lumbar_extension"));
  EXPECT_EQ(m.parent[torso], l3);
  EXPECT_EQ(m.driver_v[m.find_body("patella_r")], m.find_coordinate("knee_angle_r"));
  Data data(m);
  const VecX q = random_configuration(m, 7, 1.0);
  const VecX v = test::random_vector(m.nv, 8, 1.0);
  const VecX a = test::random_vector(m.nv, 9, 1.0);
  const VecX tau = rnea(m, data, q, v, a);
  const MatX M = crba(m, data, q);
  EXPECT_TRUE(test::near_rel(tau, VecX(M * a + nonlinear_effects(m, data, q, v)), 1e-11));
  EXPECT_TRUE(test::near_rel(aba(m, data, q, v, tau), a, 1e-10));
  // The knee coordinate moves the patella although the tibia is not the patella's ancestor.
  const int knee = m.find_coordinate("knee_angle_r");
  const std::vector<int>& sup = m.support[m.find_body("patella_r")];
  EXPECT_EQ(std::count(sup.begin(), sup.end(), knee), 1);
}

// MuJoCo could only express a coupler as an equality constraint (soft, different dynamics), so the
// exporter refuses coupled joints instead of silently changing the model.
TEST(Couplers, MjcfExportRefusesCoupledJoints) {
  EXPECT_THROW(to_mjcf(samples::human20_coupled()), InputError);
  EXPECT_NO_THROW(to_mjcf(samples::human20()));
}

TEST(Couplers, BadDriversAreInputErrors) {
  CustomJointFunctions f;
  f.rotation = CoordinateFunction::Linear(0.5);
  {
    Model m;
    add_body(m, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "a", {"qa"});
    add_body(m, 1, Joint::coupled(f, "no_such"), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "b");
    EXPECT_THROW(finalize(m), InputError);
  }
  {
    Model m;
    add_body(m, 0, Joint::spherical(), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "a", {"x", "y", "z"});
    add_body(m, 1, Joint::coupled(f, "y"), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "b");
    EXPECT_THROW(finalize(m), InputError);
  }
  {
    Model m;
    EXPECT_THROW(add_body(m, 0, Joint::coupled(f, ""), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "b"),
                 InputError);
    EXPECT_THROW(add_body(m, 0, Joint::coupled(f, "x"), SE3::Identity(), SpatialInertia{1.0, Vec3::Zero(), Mat3::Identity()}, "b", {"own"}),
                 InputError);
  }
}

}  // namespace
}  // namespace dembones
