#include "multibody/energy.hpp"

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"

namespace dembones {

const Vec3& center_of_mass(const Model& model, Data& data, const VecX& q) {
  forward_kinematics(model, data, q);
  return center_of_mass_at_current_positions(model, data);
}

const Vec3& center_of_mass_at_current_positions(const Model& model, Data& data) {
  data.mass = 0.0;
  Vec3 moment = Vec3::Zero();
  for (int i = 1; i < model.nbodies; ++i) {
    const double m = model.inertia[i].mass;
    data.mass += m;
    moment += m * data.oMb[i].act(model.inertia[i].com);
  }
  data.com = data.mass > 0.0 ? Vec3(moment / data.mass) : Vec3::Zero();
  return data.com;
}

// Column k (joint of body j) of the centre-of-mass Jacobian moves only j's subtree:
// J_com,k = (m_sub,j / m) (v_k + ω_k x c_sub,j), with c_sub,j the subtree's world centre of mass.
// Subtree sums use data.Ic (mass and first moment, here in world coordinates).
const Matrix3Xd& center_of_mass_jacobian(const Model& model, Data& data, const VecX& q) {
  compute_joint_jacobians(model, data, q);
  subtree_centers_of_mass(model, data);
  return center_of_mass_jacobian_from_subtrees(model, data);
}

const Matrix3Xd& center_of_mass_jacobian_from_subtrees(const Model& model, Data& data) {
  const int nb = model.nbodies;
  data.J_com.setZero();
  if (data.mass <= 0.0) return data.J_com;
  for (int j = 1; j < nb; ++j) {
    const double m_sub = data.Ic[j].mass;
    if (m_sub <= 0.0) continue;
    const Vec3 c_sub = data.Ic[j].h / m_sub;
    const int js = model.idx_s[j];
    for (int s = js; s < js + model.ns_j[j]; ++s) {
      data.J_com.col(model.column_v[s]) += (m_sub / data.mass) *
                                           (data.J_W.col(s).tail<3>() + data.J_W.col(s).head<3>().cross(c_sub));
    }
  }
  return data.J_com;
}

double kinetic_energy(const Model& model, Data& data, const VecX& q, const VecX& v) {
  forward_kinematics(model, data, q, v);
  double T = 0.0;
  for (int i = 1; i < model.nbodies; ++i) T += model.inertia_o[i].kinetic_energy(data.v[i]);
  data.kinetic_energy = T;
  return T;
}

double potential_energy(const Model& model, Data& data, const VecX& q) {
  forward_kinematics(model, data, q);
  double V = 0.0;
  for (int i = 1; i < model.nbodies; ++i) {
    V -= model.inertia[i].mass * model.gravity.dot(data.oMb[i].act(model.inertia[i].com));
  }
  data.potential_energy = V;
  return V;
}

const Force& spatial_momentum(const Model& model, Data& data) {
  Force h;
  for (int i = 1; i < model.nbodies; ++i) h += data.oMb[i].act(model.inertia_o[i].apply(data.v[i]));
  data.momentum_W = h;
  return data.momentum_W;
}

const Vec3& subtree_centers_of_mass(const Model& model, Data& data) {
  const int nb = model.nbodies;
  for (int i = 0; i < nb; ++i) {
    const double m = model.inertia[i].mass;
    data.Ic[i].mass = m;
    data.Ic[i].h = m * data.oMb[i].act(model.inertia[i].com);
  }
  for (int i = nb - 1; i > 0; --i) {
    const int p = model.parent[i];
    data.Ic[p].mass += data.Ic[i].mass;
    data.Ic[p].h += data.Ic[i].h;
  }
  data.mass = data.Ic[0].mass;
  data.com = data.mass > 0.0 ? Vec3(data.Ic[0].h / data.mass) : Vec3::Zero();
  return data.com;
}

}  // namespace dembones
