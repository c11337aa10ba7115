#pragma once
// Forward dynamics: the articulated-body algorithm (Featherstone 2008, Table 7.1, world coordinates),
// or CRBA + Cholesky for models with coupled joints.
#include "multibody/data.hpp"

namespace dembones {

// q̈ = M^-1 (τ - b(q, v)). Returns data.ddq; also fills data.oMb, data.a_W (true accelerations, world
// frame) and data.J_W. Body-frame quantities (data.v, data.a) are not filled: the recursion runs in
// world coordinates, and a body-frame acceleration is data.oMb[i].actInv(data.a_W[i]) when needed
// (MuJoCo's mj_forward does not compute body accelerations either).
// Models with coupled joints (model.has_couplers()) are not trees in velocity space: a driver's
// velocity moves bodies that are not its descendants, so the O(n) articulated-body recursion, which
// eliminates each joint's velocities from its own subtree only, does not apply. For them aba()
// computes forward dynamics by forward_dynamics_via_crba below (O(n²) CRBA + O(nv³) Cholesky, still
// allocation-free); models without couplers use the articulated-body algorithm.
const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau);
// With external wrenches f_ext_W (nbodies, world frame about the world origin).
const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                const std::vector<Force>& f_ext_W);

// Forward dynamics for any model: b = RNEA(q, v, 0[, f_ext]), M = CRBA(q), q̈ = M^-1 (τ - b) by
// Cholesky (data.M_llt). Same outputs as aba(); overwrites data.tau, data.M and the RNEA work arrays.
const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau);
const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau, const std::vector<Force>& f_ext_W);

}  // namespace dembones
