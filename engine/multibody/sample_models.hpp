#pragma once
// Sample models built in code, shared by tests (tests/multibody) and benchmarks (bench/multibody).
// Masses and lengths are plausible round numbers for algorithm testing, not anthropometry: the
// human-like tree is a benchmark shape, not a subject model (models/ holds those, with sources).
#include "multibody/model.hpp"

namespace dembones::samples {

// n revolute links in a chain, axes cycling z, y, x, general; 0.3 m links.
Model chain(int n_links);
// 20-DoF human-like tree: pelvis free base (6), lumbar revolute (1), neck revolute (1), each leg:
// hip spherical (3), knee revolute (1), ankle revolute (1); each arm: shoulder revolute (1).
Model human20();
// Same shape as human20 with the knees as custom joints (flexion with spline-driven translations,
// after the OpenSim knee); not usable by MuJoCo/Simbody peers.
Model human20_custom_knee();
// human20 with coupled joints (no coordinates of their own; still nv = 20): a lumbar level L3 between
// pelvis and torso whose flexion is a spline of lumbar_extension (the torso's coordinate: the driver
// is a DESCENDANT), and a patella on each femur whose rotation and translation follow knee_angle
// (the tibia's coordinate: the driver is in another branch). Knot values are illustrative.
Model human20_coupled();
// 40-DoF branching tree: free base plus revolute and spherical joints.
Model tree40();
// Random tree with mixed joint types (revolute x/y/z/general, prismatic, spherical, custom, fixed;
// optionally a free root), random inertias and placements; deterministic for a seed.
Model random_tree(unsigned seed, int n_bodies, bool free_root);
// Random tree restricted to joints MuJoCo can express (revolute, prismatic, spherical, fixed, free).
Model random_tree_peer(unsigned seed, int n_bodies, bool free_root);

}  // namespace dembones::samples
