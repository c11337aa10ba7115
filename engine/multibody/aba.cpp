#include "multibody/aba.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "multibody/joint_motion.hpp"

namespace dembones {
namespace {

using JointColumns = Eigen::Matrix<double, 6, Eigen::Dynamic, 0, 6, 6>;
using JointVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 6, 1>;

// Axis index of an axis-aligned revolute joint, -1 otherwise.
inline int aligned_axis(JointKind k) {
  switch (k) {
    case JointKind::kRevoluteX: return 0;
    case JointKind::kRevoluteY: return 1;
    case JointKind::kRevoluteZ: return 2;
    default: return -1;
  }
}

inline void add_to_parent(Data& data, int i, int p, const Mat6& Ia, const Vec6& pa) {
  add_transformed_articulated_inertia(data.X_parent[i], Ia, data.IA[p]);
  data.pA[p] += data.X_parent[i].act(Force::from_vector(pa));
}

// Articulated-body algorithm (Featherstone 2008, Table 7.1) in body coordinates. Gravity enters as
// the weight wrench in p^A (as in rnea.cpp) so that data.a holds true accelerations.
//   pass 1: v_i, c_i = c_J + v_i x S q̇, I^A_i = I_i, p^A_i = v_i x* I_i v_i - I_i [0; g_i] - f_ext,i
//   pass 2: U = I^A S, D = S^T U, u = τ - S^T p^A,
//           I^a = I^A - U D^-1 U^T, p^a = p^A + I^a c + U D^-1 u, added to the parent through X^*
//   pass 3: a' = X^-1 a_λ + c, q̈ = D^-1 (u - U^T a'), a = a' + S q̈.
// Specialised per joint kind: one-column joints use a rank-1 update (axis-aligned revolutes read a
// column of I^A), spherical joints a 3x3 inverse, free joints need no update at all (I^a = 0,
// p^a = τ) and solve I^A q̈' = u with a 6x6 Cholesky factorization in pass 3.
template <bool kWithExternal>
const VecX& aba_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                     const std::vector<Force>* f_ext_W) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    const int p = model.parent[i];
    detail::joint_position(model, data, i, q);
    const SE3& X = data.X_parent[i];
    data.oMb[i] = data.oMb[p] * X;
    const Motion vJ = detail::joint_velocity(model, data, i, v);
    data.v[i] = X.actInv(data.v[p]) + vJ;
    data.c_J[i] = detail::joint_bias(model, data, i, v);
    data.c[i] = data.c_J[i] + cross(data.v[i], vJ);
    const InertiaAtOrigin& I = model.inertia_o[i];
    data.IA[i] = I.to_matrix();
    const Vec3 g_i = data.oMb[i].rotation.transpose() * model.gravity;
    Force pA = cross(data.v[i], I.apply(data.v[i]));
    pA.angular -= I.h.cross(g_i);
    pA.linear -= I.mass * g_i;
    if constexpr (kWithExternal) {
      data.f_ext_body[i] = data.oMb[i].actInv((*f_ext_W)[i]);
      pA -= data.f_ext_body[i];
    }
    data.pA[i] = pA;
  }
  for (int i = nb - 1; i > 0; --i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const Mat6& IA = data.IA[i];
    const Vec6 pA = data.pA[i].to_vector();
    const JointKind kind = model.kind[i];
    if (n == 0) {
      if (p > 0) add_to_parent(data, i, p, IA, pA + IA * data.c[i].to_vector());
      continue;
    }
    if (n == 1) {
      const int axis = aligned_axis(kind);
      Vec6 U;
      if (axis >= 0) {
        U = IA.col(axis);
      } else {
        U.noalias() = IA * data.S.col(iv);
      }
      const double D = axis >= 0 ? U[axis] : data.S.col(iv).dot(U);
      const double Dinv = 1.0 / D;
      const double u = tau[iv] - (axis >= 0 ? pA[axis] : data.S.col(iv).dot(pA));
      data.U.col(iv) = U;
      data.Dinv[i](0, 0) = Dinv;
      data.u[iv] = u;
      if (p > 0) {
        Mat6 Ia = IA;
        Ia.noalias() -= (U * Dinv) * U.transpose();
        Vec6 pa = pA + U * (Dinv * u);
        pa.noalias() += Ia * data.c[i].to_vector();
        add_to_parent(data, i, p, Ia, pa);
      }
      continue;
    }
    if (kind == JointKind::kSpherical) {
      // S = [1; 0]: U = first three columns of I^A, D = its top-left block.
      const Eigen::Matrix<double, 6, 3> U = IA.leftCols<3>();
      const Mat3 Dinv = IA.topLeftCorner<3, 3>().inverse();
      const Vec3 u = tau.segment<3>(iv) - pA.head<3>();
      data.U.middleCols<3>(iv) = U;
      data.Dinv[i].topLeftCorner<3, 3>() = Dinv;
      data.u.segment<3>(iv) = u;
      if (p > 0) {
        const Eigen::Matrix<double, 6, 3> UDinv = U * Dinv;
        Mat6 Ia = IA;
        Ia.noalias() -= UDinv * U.transpose();
        Vec6 pa = pA;
        pa.noalias() += UDinv * u;
        pa.noalias() += Ia * data.c[i].to_vector();
        add_to_parent(data, i, p, Ia, pa);
      }
      continue;
    }
    if (kind == JointKind::kFree) {
      // S = 1: I^a = I^A - I^A (I^A)^-1 I^A = 0 and p^a = p^A + u = τ.
      data.u.segment<6>(iv) = tau.segment<6>(iv) - pA;
      if (p > 0) data.pA[p] += data.X_parent[i].act(Force::from_vector(tau.segment<6>(iv)));
      continue;
    }
    // General multi-column joint (not produced by the current joint types; kept for completeness).
    const JointColumns S = data.S.middleCols(iv, n);
    const JointColumns U = IA * S;
    data.U.middleCols(iv, n) = U;
    const Data::JointMatrix D = S.transpose() * U;
    data.Dinv[i] = D.inverse();
    const JointVector u = tau.segment(iv, n) - S.transpose() * pA;
    data.u.segment(iv, n) = u;
    if (p > 0) {
      const JointColumns UDinv = U * data.Dinv[i];
      Mat6 Ia = IA;
      Ia.noalias() -= UDinv * U.transpose();
      Vec6 pa = pA;
      pa.noalias() += Ia * data.c[i].to_vector();
      pa.noalias() += UDinv * u;
      add_to_parent(data, i, p, Ia, pa);
    }
  }
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const Motion a_prime = data.X_parent[i].actInv(data.a[model.parent[i]]) + data.c[i];
    const JointKind kind = model.kind[i];
    if (n == 0) {
      data.a[i] = a_prime;
      continue;
    }
    const Vec6 ap = a_prime.to_vector();
    if (n == 1) {
      const int axis = aligned_axis(kind);
      const double qdd = data.Dinv[i](0, 0) * (data.u[iv] - data.U.col(iv).dot(ap));
      data.ddq[iv] = qdd;
      Motion ai = a_prime;
      if (axis >= 0) {
        ai.angular[axis] += qdd;
      } else {
        ai.angular += data.S.col(iv).head<3>() * qdd;
        ai.linear += data.S.col(iv).tail<3>() * qdd;
      }
      data.a[i] = ai;
      continue;
    }
    if (kind == JointKind::kSpherical) {
      const Vec3 qdd = data.Dinv[i].topLeftCorner<3, 3>() *
                       (data.u.segment<3>(iv) - data.U.middleCols<3>(iv).transpose() * ap);
      data.ddq.segment<3>(iv) = qdd;
      Motion ai = a_prime;
      ai.angular += qdd;
      data.a[i] = ai;
      continue;
    }
    if (kind == JointKind::kFree) {
      // q̈ = (I^A)^-1 (u - I^A a') = (I^A)^-1 u - a';  a = a' + q̈ = (I^A)^-1 u.
      const Vec6 ai = Eigen::LLT<Mat6>(data.IA[i]).solve(Vec6(data.u.segment<6>(iv)));
      data.ddq.segment<6>(iv) = ai - ap;
      data.a[i] = Motion::from_vector(ai);
      continue;
    }
    const JointColumns S = data.S.middleCols(iv, n);
    const JointColumns U = data.U.middleCols(iv, n);
    const JointVector u = data.u.segment(iv, n);
    const JointVector r = u - U.transpose() * ap;
    const JointVector qdd = data.Dinv[i] * r;
    data.ddq.segment(iv, n) = qdd;
    Vec6 ai = ap;
    ai.noalias() += S * qdd;
    data.a[i] = Motion::from_vector(ai);
  }
  return data.ddq;
}

}  // namespace

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau) {
  return aba_impl<false>(model, data, q, v, tau, nullptr);
}

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                const std::vector<Force>& f_ext_W) {
  return aba_impl<true>(model, data, q, v, tau, &f_ext_W);
}

}  // namespace dembones
