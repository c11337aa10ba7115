#include "multibody/crba.hpp"

#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"

namespace dembones {

// Composite-rigid-body algorithm (Featherstone 2008, Table 6.2) in body coordinates:
//   I^c_i = I_i + Σ_children X_ij^* I^c_j X_ij^-1 (3x3 form: InertiaAtOrigin::transformed_by);
//   for each column k of joint i: F = I^c_i S_k; H_kk' = S_k'^T F for the joint's own columns, then F is
//   carried up the tree, F <- X_λj^* F, giving H_k'k = S_k'^T F for every ancestor column k'.
const MatX& crba(const Model& model, Data& data, const VecX& q) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    detail::joint_position(model, data, i, q);
    data.oMb[i] = data.oMb[model.parent[i]] * data.X_parent[i];
    data.Ic[i] = model.inertia_o[i];
  }
  for (int i = nb - 1; i > 0; --i) {
    const int p = model.parent[i];
    if (p > 0) data.Ic[p] += data.Ic[i].transformed_by(data.X_parent[i]);
  }
  data.M.setZero();
  for (int i = nb - 1; i > 0; --i) {
    const int iv = model.idx_v[i];
    for (int k = 0; k < model.nv_j[i]; ++k) {
      const int col = iv + k;
      Force F = data.Ic[i].apply(detail::column_motion(data.S, col));
      for (int kk = 0; kk < model.nv_j[i]; ++kk) {
        data.M(iv + kk, col) = dot(detail::column_motion(data.S, iv + kk), F);
      }
      for (int j = i; model.parent[j] > 0;) {
        F = data.X_parent[j].act(F);
        j = model.parent[j];
        const int jv = model.idx_v[j];
        for (int kk = 0; kk < model.nv_j[j]; ++kk) {
          const double h = dot(detail::column_motion(data.S, jv + kk), F);
          data.M(jv + kk, col) = h;
          data.M(col, jv + kk) = h;
        }
      }
    }
  }
  return data.M;
}

}  // namespace dembones
