#pragma once
// Configuration-space operations that know about quaternions (nq != nv).
#include "multibody/model.hpp"

namespace dembones {

// q_out = q ⊕ v dt: each joint moved along its velocity for dt (quaternion joints: exact exponential
// map of the body-frame rotation; free joints: the constant body-frame twist integrated exactly,
// X_PC <- X_PC exp(v dt) on SE(3)). q_out may alias q.
void integrate(const Model& model, const VecX& q, const VecX& v, double dt, VecX& q_out);
// v_out such that integrate(q0, v_out, 1) = q1 (the inverse of integrate; nv).
void difference(const Model& model, const VecX& q0, const VecX& q1, VecX& v_out);
// q̇ (nq) from v (nv): quaternion rates ½ q ⊗ (0, ω), free-joint translation rate R v_o.
// Used to integrate (q, v) as an ODE in the embedding space (e.g. RK4).
void velocity_to_qdot(const Model& model, const VecX& q, const VecX& v, VecX& qdot);
// Renormalizes every quaternion in q.
void normalize(const Model& model, VecX& q);
// Uniform random configuration in [-range, range] for scalar coordinates and random unit
// quaternions; deterministic for a seed (tests, benchmarks).
VecX random_configuration(const Model& model, unsigned seed, double range = 1.0);

}  // namespace dembones
