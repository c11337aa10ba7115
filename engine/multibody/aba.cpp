#include "multibody/aba.hpp"

#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "multibody/crba.hpp"
#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"

namespace dembones {
namespace {

// x = A^-1 b for a symmetric positive definite 6x6 A (the free base's articulated inertia): Cholesky
// A = L L^T with fixed loop bounds the compiler unrolls (Golub & Van Loan, Matrix Computations,
// alg. 4.2.1), then the two triangular solves. About a fifth of Eigen's general LLT's instructions.
inline Vec6 solve_spd6(const Mat6& A, const Vec6& b) {
  double L[6][6];
  double inv_diag[6];
  for (int j = 0; j < 6; ++j) {
    double d = A(j, j);
    for (int k = 0; k < j; ++k) d -= L[j][k] * L[j][k];
    inv_diag[j] = 1.0 / std::sqrt(d);
    for (int i = j + 1; i < 6; ++i) {
      double s = A(i, j);
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
      L[i][j] = s * inv_diag[j];
    }
  }
  Vec6 x;
  for (int i = 0; i < 6; ++i) {
    double s = b[i];
    for (int k = 0; k < i; ++k) s -= L[i][k] * x[k];
    x[i] = s * inv_diag[i];
  }
  for (int i = 5; i >= 0; --i) {
    double s = x[i];
    for (int k = i + 1; k < 6; ++k) s -= L[k][i] * x[k];
    x[i] = s * inv_diag[i];
  }
  return x;
}

// World motion-subspace columns S_W = X_Wi S of body i's joint into data.J_W, and v_J = S_W q̇.
// Unit-axis joints read the columns straight off R_Wi: the column for body axis e_k is
// [R e_k ; t x R e_k] (rotation) or [0 ; R e_k] (translation), no 6D transform needed.
inline Motion world_joint_columns(const Model& model, Data& data, int i, const VecX& v) {
  const SE3& X = data.oMb[i];
  const Mat3& R = X.rotation;
  const Vec3& t = X.translation;
  const int iv = model.idx_v[i];
  auto rotation_column = [&](int col, const Vec3& w) {
    data.J_W.col(col).head<3>() = w;
    data.J_W.col(col).tail<3>() = t.cross(w);
  };
  Motion vJ;
  switch (model.kind[i]) {
    case JointKind::kRevoluteX:
    case JointKind::kRevoluteY:
    case JointKind::kRevoluteZ: {
      const int axis = static_cast<int>(model.kind[i]) - static_cast<int>(JointKind::kRevoluteX);
      rotation_column(iv, R.col(axis));
      break;
    }
    case JointKind::kSpherical:
      for (int k = 0; k < 3; ++k) rotation_column(iv + k, R.col(k));
      break;
    case JointKind::kFree:
      for (int k = 0; k < 3; ++k) {
        rotation_column(iv + k, R.col(k));
        data.J_W.col(iv + 3 + k).head<3>().setZero();
        data.J_W.col(iv + 3 + k).tail<3>() = R.col(k);
      }
      break;
    default:
      for (int k = iv; k < iv + model.nv_j[i]; ++k) {
        const Motion s = X.act(detail::column_motion(data.S, k));
        data.J_W.col(k).head<3>() = s.angular;
        data.J_W.col(k).tail<3>() = s.linear;
      }
  }
  for (int k = iv; k < iv + model.nv_j[i]; ++k) {
    vJ.angular += data.J_W.col(k).head<3>() * v[k];
    vJ.linear += data.J_W.col(k).tail<3>() * v[k];
  }
  return vJ;
}

// Articulated-body algorithm (Featherstone 2008, Table 7.1) with every quantity in world
// coordinates about the world origin (as Pinocchio does since v2): articulated inertias then add
// to the parent's without any spatial transform, which saves the dominant 6x6 congruence per body.
// Gravity is a fictitious base acceleration a_0 = [0; -g] (Featherstone 2008, sec. 5.3), so no body
// needs its weight wrench; in world coordinates about the origin the offset [0; g] is the same
// spatial vector for every body and is added back to give data.a_W / data.a true accelerations.
//   pass 1: X_Wi, S_W = X_Wi S, v_i = v_λ + S_W q̇, c_i = v_λ x S_W q̇ (= v_i x S_W q̇) + X_Wi c_J,
//           Y_i = X_Wi^* I_i X_Wi^-1 (3x3 form), p^A_i = v_i x* Y_i v_i - f_ext,i
//   pass 2: I^A_i = Y_i + Σ_children I^a, U = I^A S_W, D = S_W^T U, u = τ - S_W^T p^A,
//           I^a = I^A - U D^-1 U^T, I^A_λ += I^a, p^A_λ += p^A + I^a c + U D^-1 u
//   pass 3: a' = a_λ + c, q̈ = D^-1 (u - U^T a'), a = a' + S_W q̈.
// Leaf bodies (no children) have I^A = Y_i: their products use the 3x3 form {m, h, I_O} and never
// assemble a 6x6. Free joints (S invertible) transmit no inertia: I^a = 0, p^a = X_Wi^* τ, and their
// body solves I^A a = X_Wi^* τ - p^A directly (6x6 Cholesky).
template <bool kWithExternal>
const VecX& aba_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                     const std::vector<Force>* f_ext_W) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    const int p = model.parent[i];
    detail::joint_position(model, data, i, q);
    const SE3& oMi = data.oMb[i] = data.oMb[p] * data.X_parent[i];
    const Motion vJ_W = world_joint_columns(model, data, i, v);
    const Motion& vp = data.v_W[p];
    data.c[i] = cross(vp, vJ_W);
    data.v_W[i] = vp + vJ_W;
    if (model.kind[i] == JointKind::kCustom) {
      data.c_J[i] = detail::joint_bias(model, data, i, v);
      data.c[i] += oMi.act(data.c_J[i]);
    }
    const Motion& vi = data.v_W[i];
    const InertiaAtOrigin& Y = data.Y_W[i] = model.inertia_o[i].transformed_by(oMi);
    data.pA[i] = cross(vi, Y.apply(vi));
    if constexpr (kWithExternal) data.pA[i] -= (*f_ext_W)[i];
    if (!model.children[i].empty()) data.IA[i].setZero();
  }
  for (int i = nb - 1; i > 0; --i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const bool leaf = model.children[i].empty();
    const InertiaAtOrigin& Y = data.Y_W[i];
    Mat6& IA = data.IA[i];
    const Vec6 pA = data.pA[i].to_vector();
    const JointKind kind = model.kind[i];
    if (n == 1) {
      const Vec6 s = data.J_W.col(iv);
      Vec6 U;
      if (leaf) {
        U = Y.apply(s);
      } else {
        Y.add_to(IA);
        U.noalias() = IA * s;
      }
      const double Dinv = 1.0 / s.dot(U);
      const double u = tau[iv] - s.dot(pA);
      data.U.col(iv) = U;
      data.Dinv[i](0, 0) = Dinv;
      data.u[iv] = u;
      if (p > 0) {
        // I^a c = I^A c - U D^-1 (U^T c)
        const Vec6 c = data.c[i].to_vector();
        Vec6 pa = pA + U * (Dinv * (u - U.dot(c)));
        Mat6& IAp = data.IA[p];
        if (leaf) {
          pa += Y.apply(c);
          Y.add_to(IAp);
        } else {
          pa.noalias() += IA * c;
          IAp += IA;
        }
        IAp.noalias() -= (U * Dinv) * U.transpose();
        data.pA[p] += Force::from_vector(pa);
      }
      continue;
    }
    if (leaf) {
      IA = Y.to_matrix();
    } else {
      Y.add_to(IA);
    }
    if (kind == JointKind::kFree) {
      data.f[i] = data.oMb[i].act(Force::from_vector(tau.segment<6>(iv)));  // X^* τ
      if (p > 0) data.pA[p] += data.f[i];
      continue;
    }
    if (n == 0) {
      if (p > 0) {
        data.IA[p] += IA;
        data.pA[p] += data.pA[i];  // c = 0 for a fixed joint
      }
      continue;
    }
    // Multi-column joints (spherical): fixed 6x3 blocks.
    const Eigen::Matrix<double, 6, 3> S = data.J_W.middleCols<3>(iv);
    const Eigen::Matrix<double, 6, 3> U = IA * S;
    const Mat3 Dinv = (S.transpose() * U).inverse();
    const Vec3 u = tau.segment<3>(iv) - S.transpose() * pA;
    data.U.middleCols<3>(iv) = U;
    data.Dinv[i].topLeftCorner<3, 3>() = Dinv;
    data.u.segment<3>(iv) = u;
    if (p > 0) {
      const Eigen::Matrix<double, 6, 3> UDinv = U * Dinv;
      Mat6& IAp = data.IA[p];
      IAp += IA;
      IAp.noalias() -= UDinv * U.transpose();
      const Vec6 c = data.c[i].to_vector();
      Vec6 pa = pA + UDinv * (u - U.transpose() * c);
      pa.noalias() += IA * c;
      data.pA[p] += Force::from_vector(pa);
    }
  }
  // Accelerations relative to the fictitious base acceleration [0; -g]: the parent's true
  // acceleration minus [0; g]; stored back as true accelerations.
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    Motion a_prime = data.a_W[p] + data.c[i];
    a_prime.linear -= model.gravity;
    Motion& a_W = data.a_W[i];
    if (model.kind[i] == JointKind::kFree) {
      const Vec6 rhs = (data.f[i] - data.pA[i]).to_vector();
      a_W = Motion::from_vector(solve_spd6(data.IA[i], rhs));
      // q̈ = S^-1 (a - a'), S = X_Wi: the body-frame form of the relative acceleration.
      const Motion qdd = data.oMb[i].actInv(a_W - a_prime);
      data.ddq.segment<3>(iv) = qdd.angular;
      data.ddq.segment<3>(iv + 3) = qdd.linear;
    } else if (n == 0) {
      a_W = a_prime;
    } else if (n == 1) {
      const Vec6 ap = a_prime.to_vector();
      const double qdd = data.Dinv[i](0, 0) * (data.u[iv] - data.U.col(iv).dot(ap));
      data.ddq[iv] = qdd;
      a_W = Motion::from_vector(ap + data.J_W.col(iv) * qdd);
    } else {
      const Vec6 ap = a_prime.to_vector();
      const Vec3 qdd = data.Dinv[i].topLeftCorner<3, 3>() *
                       (data.u.segment<3>(iv) - data.U.middleCols<3>(iv).transpose() * ap);
      data.ddq.segment<3>(iv) = qdd;
      a_W = Motion::from_vector(ap + data.J_W.middleCols<3>(iv) * qdd);
    }
    a_W.linear += model.gravity;
    data.a[i] = data.oMb[i].actInv(a_W);
  }
  return data.ddq;
}

// q̈ = M^-1 (τ - b): the joint-space form of the equations of motion (Featherstone 2008, eq. 6.1),
// valid for couplers because RNEA and CRBA both project coupled joints onto their drivers.
const VecX& crba_forward_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                              const std::vector<Force>* f_ext_W) {
  if (&tau != &data.ddq) data.ddq = tau;  // tau may be data.tau, which rnea overwrites
  const VecX& b = f_ext_W ? rnea(model, data, q, v, data.zero_nv, *f_ext_W) : rnea(model, data, q, v, data.zero_nv);
  data.ddq -= b;
  data.M_llt.compute(crba(model, data, q));
  data.M_llt.solveInPlace(data.ddq);
  // Body accelerations and world Jacobian columns, as aba() leaves them.
  forward_kinematics(model, data, q, v, data.ddq);
  for (int i = 1; i < model.nbodies; ++i) {
    data.a_W[i] = data.oMb[i].act(data.a[i]);
    const int is = model.idx_s[i];
    for (int s = is; s < is + model.ns_j[i]; ++s) {
      const Motion m = data.oMb[i].act(detail::column_motion(data.S, s));
      data.J_W.col(s).head<3>() = m.angular;
      data.J_W.col(s).tail<3>() = m.linear;
    }
  }
  return data.ddq;
}

}  // namespace

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau) {
  if (model.has_couplers()) return crba_forward_impl(model, data, q, v, tau, nullptr);
  return aba_impl<false>(model, data, q, v, tau, nullptr);
}

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                const std::vector<Force>& f_ext_W) {
  if (model.has_couplers()) return crba_forward_impl(model, data, q, v, tau, &f_ext_W);
  return aba_impl<true>(model, data, q, v, tau, &f_ext_W);
}

const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau) {
  return crba_forward_impl(model, data, q, v, tau, nullptr);
}

const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau, const std::vector<Force>& f_ext_W) {
  return crba_forward_impl(model, data, q, v, tau, &f_ext_W);
}

}  // namespace dembones
