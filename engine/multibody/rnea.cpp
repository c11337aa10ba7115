#include "multibody/rnea.hpp"

#include "multibody/joint_motion.hpp"

namespace dembones {
namespace {

// Featherstone 2008, Table 5.1, in body coordinates. Gravity enters per body as the weight wrench
// I [0; g_i] with g_i = R_Wi^T g, so that data.a keeps the true accelerations (used by joint reaction
// checks) and no fictitious base acceleration leaks into them.
//   forward:  v_i, a_i as in forward_kinematics;
//             f_i = I_i a_i + v_i x* I_i v_i - I_i [0; g_i] - f_ext,i
//   backward: τ_i = S_i^T f_i ;  f_λ += X_λi^* f_i.
// After the backward pass f_i is the total force transmitted to body i through its joint. A coupled
// joint's τ = S^T f_i (S = ∂ joint motion / ∂ q_driver) is added to its driver's entry (chain rule).
// Which passes rnea_impl runs: all (kFull); forces and backward pass on the kinematics of
// forward_kinematics(q, v, a) (kAfterKinematics: accelerations recomputed, see below); the backward
// pass on the body forces of the last call (kExternalOnly).
enum class RneaStart { kFull, kAfterKinematics, kExternalOnly };

template <bool kWithExternal, RneaStart kStart = RneaStart::kFull>
const VecX& rnea_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a,
                      const std::vector<Force>* f_ext_W) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    if constexpr (kStart != RneaStart::kExternalOnly) {
      const int p = model.parent[i];
      const SE3& X = data.X_parent[i];
      Motion vJ;
      if constexpr (kStart == RneaStart::kFull) {
        detail::joint_position(model, data, i, q);
        data.oMb[i] = data.oMb[p] * X;
        vJ = detail::joint_velocity(model, data, i, v);
        data.v[i] = X.actInv(data.v[p]) + vJ;
        data.c_J[i] = detail::joint_bias(model, data, i, v);
      } else {
        // forward_kinematics(q, v, a) computed X_parent, oMb, v and c_J with these same expressions;
        // its accelerations use the general cross product, so they are formed here as below.
        vJ = detail::joint_velocity(model, data, i, v);
      }
      data.a[i] = X.actInv(data.a[p]) + detail::joint_velocity(model, data, i, a) + data.c_J[i] +
                  detail::cross_joint_velocity(model, i, data.v[i], vJ);
      const InertiaAtOrigin& I = model.inertia_o[i];
      const Vec3 g_i = data.oMb[i].rotation.transpose() * model.gravity;
      Force f = I.apply(data.a[i]) + cross(data.v[i], I.apply(data.v[i]));
      // I [0; g] = [h x g ; m g]
      f.angular -= I.h.cross(g_i);
      f.linear -= I.mass * g_i;
      data.f_motion[i] = f;
    }
    Force f = data.f_motion[i];
    if constexpr (kWithExternal) {
      data.f_ext_body[i] = data.oMb[i].actInv((*f_ext_W)[i]);
      f -= data.f_ext_body[i];
    }
    data.f[i] = f;
  }
  for (int i = nb - 1; i > 0; --i) {
    const Force& f = data.f[i];
    detail::joint_force(model, data, i, f, data.tau);
    data.f_joint[i] = f;
    data.f_joint_W[i] = data.oMb[i].act(f);
    const int p = model.parent[i];
    if (p > 0) data.f[p] += data.X_parent[i].act(f);
  }
  if (model.has_couplers()) detail::add_coupled_joint_forces(model, data, data.f_joint, data.tau);
  return data.tau;
}

}  // namespace

// Featherstone 2008, Table 5.1 as printed: a_0 = −[0; g] instead of per-body weight wrenches.
const VecX& rnea_torques_only(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a) {
  const int nb = model.nbodies;
  Motion a0;
  a0.linear = -model.gravity;
  for (int i = 1; i < nb; ++i) {
    const int p = model.parent[i];
    detail::joint_position(model, data, i, q);
    const SE3& X = data.X_parent[i];
    const Motion vJ = detail::joint_velocity(model, data, i, v);
    const Motion& vi = data.v[i] = X.actInv(data.v[p]) + vJ;
    Motion& ai = data.a[i] = X.actInv(p > 0 ? data.a[p] : a0);
    ai += detail::joint_velocity(model, data, i, a);
    ai += detail::cross_joint_velocity(model, i, vi, vJ);
    if (model.kind[i] == JointKind::kCustom || model.kind[i] == JointKind::kCoupled) {
      data.c_J[i] = detail::joint_bias(model, data, i, v);
      ai += data.c_J[i];
    }
    const InertiaAtOrigin& I = model.inertia_o[i];
    data.f[i] = I.apply(ai) + cross(vi, I.apply(vi));
  }
  for (int i = nb - 1; i > 0; --i) {
    const Force& f = data.f[i];
    detail::joint_force(model, data, i, f, data.tau);
    const int p = model.parent[i];
    if (p > 0) data.f[p] += data.X_parent[i].act(f);
  }
  if (model.has_couplers()) detail::add_coupled_joint_forces(model, data, data.f, data.tau);
  return data.tau;
}

const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a) {
  return rnea_impl<false>(model, data, q, v, a, nullptr);
}

const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a,
                 const std::vector<Force>& f_ext_W) {
  return rnea_impl<true>(model, data, q, v, a, &f_ext_W);
}

const VecX& rnea_after_forward_kinematics(const Model& model, Data& data, const VecX& v, const VecX& a,
                                          const std::vector<Force>& f_ext_W) {
  // q is not read: the position pass is not run (data.X_parent, oMb and S are forward_kinematics').
  return rnea_impl<true, RneaStart::kAfterKinematics>(model, data, data.zero_nv, v, a, &f_ext_W);
}

const VecX& rnea_with_other_external_forces(const Model& model, Data& data, const std::vector<Force>& f_ext_W) {
  return rnea_impl<true, RneaStart::kExternalOnly>(model, data, data.zero_nv, data.zero_nv, data.zero_nv, &f_ext_W);
}

const VecX& nonlinear_effects(const Model& model, Data& data, const VecX& q, const VecX& v) {
  rnea_impl<false>(model, data, q, v, data.zero_nv, nullptr);
  data.nle = data.tau;
  return data.nle;
}

const VecX& generalized_gravity(const Model& model, Data& data, const VecX& q) {
  rnea_impl<false>(model, data, q, data.zero_nv, data.zero_nv, nullptr);
  data.g = data.tau;
  return data.g;
}

}  // namespace dembones
