#include "multibody/crba.hpp"

#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"

namespace dembones {

namespace {

// Column pass of the CRBA. Each joint column s is a column of the "extended" inertia matrix over all
// joint columns (velocity columns plus one per coupled joint); M = G^T M_ext G with G the 0/1 map
// v -> joint columns (column s carries v[column_v[s]]), i.e. entries are added into the rows and
// columns of the velocities the joint columns carry. With couplers a driver's row receives the
// coupled joint's composite-inertia terms, including entries with bodies that are not the driver's
// descendants. Without couplers (kCouplers = false) column_v is the identity and every entry is
// written exactly once, so the map and the accumulation compile away.
template <bool kCouplers>
void crba_columns(const Model& model, Data& data) {
  const int nb = model.nbodies;
  data.M.setZero();  // entries between velocities on different branches are never written
  const int* cv = model.column_v.data();
  auto vel = [cv](int s) { return kCouplers ? cv[s] : s; };
  auto put = [&data](int r, int c, double h) {
    if constexpr (kCouplers) {
      data.M(r, c) += h;
    } else {
      data.M(r, c) = h;
    }
  };
  for (int i = nb - 1; i > 0; --i) {
    const int is = model.idx_s[i];
    const int ns = model.ns_j[i];
    for (int k = 0; k < ns; ++k) {
      const int col = is + k;
      const int vc = vel(col);
      Force F = data.Ic[i].apply(detail::column_motion(data.S, col));
      for (int kk = 0; kk < ns; ++kk) put(vel(is + kk), vc, dot(detail::column_motion(data.S, is + kk), F));
      for (int j = i; model.parent[j] > 0;) {
        F = data.X_parent[j].act(F);
        j = model.parent[j];
        const int js = model.idx_s[j];
        for (int kk = 0; kk < model.ns_j[j]; ++kk) {
          const double h = dot(detail::column_motion(data.S, js + kk), F);
          const int vr = vel(js + kk);
          put(vr, vc, h);
          put(vc, vr, h);
        }
      }
    }
  }
}

}  // namespace

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
  if (model.has_couplers()) {
    crba_columns<true>(model, data);
  } else {
    crba_columns<false>(model, data);
  }
  return data.M;
}

}  // namespace dembones
