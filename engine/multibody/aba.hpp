#pragma once
// Articulated-body algorithm (Featherstone 2008, Table 7.1, body coordinates): forward dynamics.
#include "multibody/data.hpp"

namespace dembones {

// q̈ = M^-1 (τ - b(q, v)). Returns data.ddq.
const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau);
// With external wrenches f_ext_W (nbodies, world frame about the world origin).
const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                const std::vector<Force>& f_ext_W);

}  // namespace dembones
