#pragma once
// Composite-rigid-body algorithm (Featherstone 2008, Table 6.2): joint-space inertia matrix.
#include "multibody/data.hpp"

namespace dembones {

// Fills data.M (nv x nv, both triangles) and runs the position pass. Returns data.M.
const MatX& crba(const Model& model, Data& data, const VecX& q);

}  // namespace dembones
