#pragma once
// Recursive Newton-Euler inverse dynamics (Featherstone 2008, Table 5.1, body coordinates, gravity as
// a fictitious base acceleration −g). Also fills data.f_joint / f_joint_W: the spatial force the
// parent exerts on each body through its joint (joint reaction loads are built from it).
#include "multibody/data.hpp"

namespace dembones {

// τ = M(q) a + b(q, v). Returns data.tau.
const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a);
// Same with external wrenches: f_ext_W[i] acts on body i, world frame about the world origin
// (size nbodies; entry 0 is ignored).
const VecX& rnea(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& a,
                 const std::vector<Force>& f_ext_W);
// b(q, v) = rnea(q, v, 0): Coriolis, centrifugal and gravity terms. Returns data.nle.
const VecX& nonlinear_effects(const Model& model, Data& data, const VecX& q, const VecX& v);
// g(q) = rnea(q, 0, 0). Returns data.g.
const VecX& generalized_gravity(const Model& model, Data& data, const VecX& q);

}  // namespace dembones
