#pragma once
// Classical RK4 on the first-order system q̇ = G(q) v (quaternion rates in the embedding space),
// v̇ = ABA(q, v, τ); quaternions are renormalized after each step. Stage configurations are not
// normalized: the joint transforms normalize quaternions themselves.
#include "multibody/aba.hpp"
#include "multibody/configuration.hpp"

namespace dembones::test {

inline void rk4_step(const Model& model, Data& data, double dt, const VecX& tau, VecX& q, VecX& v) {
  VecX kq[4], kv[4];
  VecX qs = q, vs = v;
  for (int k = 0; k < 4; ++k) {
    if (k > 0) {
      const double c = k == 3 ? 1.0 : 0.5;
      qs = q + c * dt * kq[k - 1];
      vs = v + c * dt * kv[k - 1];
    }
    velocity_to_qdot(model, qs, vs, kq[k]);
    kv[k] = aba(model, data, qs, vs, tau);
  }
  q += dt / 6.0 * (kq[0] + 2 * kq[1] + 2 * kq[2] + kq[3]);
  v += dt / 6.0 * (kv[0] + 2 * kv[1] + 2 * kv[2] + kv[3]);
  normalize(model, q);
}

}  // namespace dembones::test
