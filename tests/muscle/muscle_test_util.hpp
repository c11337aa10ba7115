#pragma once
// Runs the multibody stage and the muscle geometry for (q, v), as the pipeline does before forces.
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/muscle_set.hpp"

namespace dembones::muscle_test {

inline void evaluate(const Model& model, Data& data, const MuscleSet& set, const VecX& q, const VecX& v,
                     MuscleData& md) {
  forward_kinematics(model, data, q, v);
  compute_joint_jacobians(model, data, q);
  compute_muscle_geometry(model, data, set, q, md);
}

}  // namespace dembones::muscle_test
