#pragma once
// Umbrella header for the spatial algebra.
#include "spatial/inertia.hpp"
#include "spatial/motion.hpp"
#include "spatial/se3.hpp"
#include "spatial/types.hpp"
