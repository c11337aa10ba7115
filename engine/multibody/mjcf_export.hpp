#pragma once
// Writes a Model as MuJoCo MJCF XML (bodies nested as in the tree, explicit inertials, contacts
// off, same gravity), so that MuJoCo can serve as an independent reference (tests) and as a peer
// (benchmarks). Joint mapping: revolute -> hinge, prismatic -> slide, spherical -> ball (same q and
// v conventions), free -> free (MuJoCo's q is the world pose, v = [world linear velocity of the body
// origin; body-frame ω]), fixed -> no joint. Custom joints have no MuJoCo equivalent: InputError.
#include <string>

#include "multibody/model.hpp"

namespace dembones {

std::string to_mjcf(const Model& model, const std::string& model_name = "dembones");

}  // namespace dembones
