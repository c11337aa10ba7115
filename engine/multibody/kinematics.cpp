#include "multibody/kinematics.hpp"

#include "multibody/joint_motion.hpp"

namespace dembones {

// Body-coordinate recursions (Featherstone 2008, sec. 4.x / Table 5.1 forward pass):
//   X_Wi = X_Wλ X_λi ;  v_i = X_λi^-1 v_λ + S_i q̇_i ;
//   a_i = X_λi^-1 a_λ + S_i q̈_i + c_J + v_i x S_i q̇_i.

void forward_kinematics(const Model& model, Data& data, const VecX& q) {
  for (int i = 1; i < model.nbodies; ++i) {
    detail::joint_position(model, data, i, q);
    data.oMb[i] = data.oMb[model.parent[i]] * data.X_parent[i];
  }
}

namespace {
// Position and velocity of body i from its parent's (Featherstone 2008, Table 4.x); returns the
// joint velocity v_J, which the acceleration pass reuses.
inline Motion position_velocity_step(const Model& model, Data& data, int i, const VecX& q, const VecX& v) {
  const int p = model.parent[i];
  detail::joint_position(model, data, i, q);
  data.oMb[i] = data.oMb[p] * data.X_parent[i];
  const Motion vJ = detail::joint_velocity(model, data, i, v);
  data.v[i] = data.X_parent[i].actInv(data.v[p]) + vJ;
  data.c_J[i] = detail::joint_bias(model, data, i, v);
  data.v_W[i] = data.oMb[i].act(data.v[i]);
  return vJ;
}
}  // namespace

void forward_kinematics(const Model& model, Data& data, const VecX& q, const VecX& v) {
  for (int i = 1; i < model.nbodies; ++i) position_velocity_step(model, data, i, q, v);
}

void forward_kinematics(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a) {
  for (int i = 1; i < model.nbodies; ++i) {
    const int p = model.parent[i];
    const Motion vJ = position_velocity_step(model, data, i, q, v);
    data.a[i] = data.X_parent[i].actInv(data.a[p]) + detail::joint_velocity(model, data, i, a) +
                data.c_J[i] + cross(data.v[i], vJ);
  }
}

}  // namespace dembones
