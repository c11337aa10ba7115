#pragma once
// Runs the multibody stage and the muscle geometry for (q, v), as the pipeline does before forces.
#include <gtest/gtest.h>

#include "multibody/configuration.hpp"
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

// The lengthening speed at (q, v) equals -r^T v (exactly, from the moment arms) and the central
// difference of the length along the motion q(t) = q (+) v t (h = 1e-6). Leaves md at (q - h v).
inline void expect_lengthening_speed_matches(const Model& model, Data& data, const MuscleSet& set, const VecX& q,
                                             const VecX& v, MuscleData& md) {
  evaluate(model, data, set, q, v, md);
  const VecX speed = md.velocity;
  const VecX from_r = -(md.moment_arm.transpose() * v);  // dl/dt = (dl/dq) v = -r^T v
  const double h = 1e-6;
  VecX qp(model.nq), qm(model.nq);
  integrate(model, q, v, h, qp);
  integrate(model, q, v, -h, qm);
  evaluate(model, data, set, qp, v, md);
  const VecX lp = md.length;
  evaluate(model, data, set, qm, v, md);
  for (int i = 0; i < set.nmuscles; ++i) {
    EXPECT_NEAR(speed[i], from_r[i], 1e-12) << set.names[i];
    EXPECT_NEAR(speed[i], (lp[i] - md.length[i]) / (2 * h), 1e-6) << set.names[i];
  }
}

}  // namespace dembones::muscle_test
