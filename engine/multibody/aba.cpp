#include "multibody/aba.hpp"

#include "multibody/joint_motion.hpp"

namespace dembones {
namespace {

using JointColumns = Eigen::Matrix<double, 6, Eigen::Dynamic, 0, 6, 6>;
using JointVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, 6, 1>;

// Articulated-body algorithm (Featherstone 2008, Table 7.1) in body coordinates. Gravity enters as
// the weight wrench in p^A (as in rnea.cpp) so that data.a holds true accelerations.
//   pass 1: v_i, c_i = c_J + v_i x S q̇, I^A_i = I_i, p^A_i = v_i x* I_i v_i - I_i [0; g_i] - f_ext,i
//   pass 2: U = I^A S, D = S^T U, u = τ - S^T p^A,
//           I^a = I^A - U D^-1 U^T, p^a = p^A + I^a c + U D^-1 u, added to the parent through X^*
//   pass 3: a' = X^-1 a_λ + c, q̈ = D^-1 (u - U^T a'), a = a' + S q̈.
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
    if (n == 0) {
      if (p > 0) {
        add_transformed_articulated_inertia(data.X_parent[i], IA, data.IA[p]);
        const Vec6 pa = pA + IA * data.c[i].to_vector();
        data.pA[p] += data.X_parent[i].act(Force::from_vector(pa));
      }
      continue;
    }
    // Fixed-maximum-size copies (at most 6 columns) so that no product below allocates.
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
      add_transformed_articulated_inertia(data.X_parent[i], Ia, data.IA[p]);
      data.pA[p] += data.X_parent[i].act(Force::from_vector(pa));
    }
  }
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const Motion a_prime = data.X_parent[i].actInv(data.a[model.parent[i]]) + data.c[i];
    if (n == 0) {
      data.a[i] = a_prime;
      continue;
    }
    const Vec6 ap = a_prime.to_vector();
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
