#include "multibody/aba.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "multibody/crba.hpp"
#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"

namespace dembones {
namespace {

// Articulated-body algorithm (Featherstone 2008, Table 7.1) with every quantity in world
// coordinates about the world origin (as Pinocchio does since v2): articulated inertias then add
// to the parent's without any spatial transform, which saves the dominant 6x6 congruence per body.
//   pass 1: X_Wi, S_W = X_Wi S, v_i = v_λ + S_W q̇, c_i = X_Wi c_J + v_i x S_W q̇,
//           I^A_i = X_Wi^* I_i X_Wi^-1, p^A_i = v_i x* I^A_i v_i - weight_i - f_ext,i
//   pass 2: U = I^A S_W, D = S_W^T U, u = τ - S_W^T p^A,
//           I^A_λ += I^A - U D^-1 U^T,  p^A_λ += p^A + I^a c + U D^-1 u
//   pass 3: a' = a_λ + c, q̈ = D^-1 (u - U^T a'), a = a' + S_W q̈.
// Free joints (S invertible) transmit no inertia: I^a = 0, p^a = X_Wi^* τ, and their body solves
// I^A a = X_Wi^* τ - p^A directly (6x6 Cholesky). Gravity is the weight wrench of each body, so
// data.a (body frame) and data.a_W hold true accelerations.
template <bool kWithExternal>
const VecX& aba_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                     const std::vector<Force>* f_ext_W) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    const int p = model.parent[i];
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    detail::joint_position(model, data, i, q);
    const SE3& oMi = data.oMb[i] = data.oMb[p] * data.X_parent[i];
    Motion vJ_W;
    for (int k = iv; k < iv + n; ++k) {
      const Motion s = oMi.act(detail::column_motion(data.S, k));
      data.J_W.col(k).head<3>() = s.angular;
      data.J_W.col(k).tail<3>() = s.linear;
      vJ_W += s * v[k];
    }
    data.v_W[i] = data.v_W[p] + vJ_W;
    const Motion& vi = data.v_W[i];
    data.c[i] = cross(vi, vJ_W);
    if (model.kind[i] == JointKind::kCustom) {
      data.c_J[i] = detail::joint_bias(model, data, i, v);
      data.c[i] += oMi.act(data.c_J[i]);
    }
    const InertiaAtOrigin Y = model.inertia_o[i].transformed_by(oMi);
    data.IA[i] = Y.to_matrix();
    // Weight m g at the centre of mass c_W = h / m, as a world wrench about the origin: [h x g; m g].
    Force pA = cross(vi, Y.apply(vi));
    pA.angular -= Y.h.cross(model.gravity);
    pA.linear -= Y.mass * model.gravity;
    if constexpr (kWithExternal) pA -= (*f_ext_W)[i];
    data.pA[i] = pA;
  }
  for (int i = nb - 1; i > 0; --i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const Mat6& IA = data.IA[i];
    const Vec6 pA = data.pA[i].to_vector();
    const JointKind kind = model.kind[i];
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
    if (n == 1) {
      const Vec6 s = data.J_W.col(iv);
      const Vec6 U = IA * s;
      const double Dinv = 1.0 / s.dot(U);
      const double u = tau[iv] - s.dot(pA);
      data.U.col(iv) = U;
      data.Dinv[i](0, 0) = Dinv;
      data.u[iv] = u;
      if (p > 0) {
        const Vec6 UDinv = U * Dinv;
        Mat6& IAp = data.IA[p];
        IAp += IA;
        IAp.noalias() -= UDinv * U.transpose();
        // I^a c = I^A c - U D^-1 (U^T c)
        const Vec6 c = data.c[i].to_vector();
        Vec6 pa = pA + UDinv * (u - U.dot(c));
        pa.noalias() += IA * c;
        data.pA[p] += Force::from_vector(pa);
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
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const Motion a_prime = data.a_W[p] + data.c[i];
    const JointKind kind = model.kind[i];
    if (kind == JointKind::kFree) {
      const Vec6 rhs = (data.f[i] - data.pA[i]).to_vector();
      data.a_W[i] = Motion::from_vector(Eigen::LLT<Mat6>(data.IA[i]).solve(rhs));
      // q̈ = S^-1 (a - a'), S = X_Wi: the body-frame form of the relative acceleration.
      const Motion qdd = data.oMb[i].actInv(data.a_W[i] - a_prime);
      data.ddq.segment<3>(iv) = qdd.angular;
      data.ddq.segment<3>(iv + 3) = qdd.linear;
    } else if (n == 0) {
      data.a_W[i] = a_prime;
    } else if (n == 1) {
      const Vec6 ap = a_prime.to_vector();
      const double qdd = data.Dinv[i](0, 0) * (data.u[iv] - data.U.col(iv).dot(ap));
      data.ddq[iv] = qdd;
      data.a_W[i] = Motion::from_vector(ap + data.J_W.col(iv) * qdd);
    } else {
      const Vec6 ap = a_prime.to_vector();
      const Vec3 qdd = data.Dinv[i].topLeftCorner<3, 3>() *
                       (data.u.segment<3>(iv) - data.U.middleCols<3>(iv).transpose() * ap);
      data.ddq.segment<3>(iv) = qdd;
      data.a_W[i] = Motion::from_vector(ap + data.J_W.middleCols<3>(iv) * qdd);
    }
    data.a[i] = data.oMb[i].actInv(data.a_W[i]);
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
