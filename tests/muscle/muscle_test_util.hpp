#pragma once
// Runs the multibody stage and the muscle geometry for (q, v), as the pipeline does before forces.
#include <gtest/gtest.h>

#include <string>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/muscle_set.hpp"

namespace dembones::muscle_test {

// A straight two-point muscle from `origin` on the ground to `insertion` on the pendulum
// (samples::pendulum_model), with the given maximum force, optimal fibre and tendon slack lengths.
inline MuscleSpec ground_to_pendulum_muscle(const std::string& name, double max_force_N, double optimal_fiber_m,
                                            double tendon_slack_m, const Vec3& origin, const Vec3& insertion) {
  MuscleSpec m;
  m.name = name;
  m.params.max_isometric_force_N = max_force_N;
  m.params.optimal_fiber_length_m = optimal_fiber_m;
  m.params.tendon_slack_length_m = tendon_slack_m;
  m.path.resize(2);
  m.path[0].body = "ground";
  m.path[0].p_B_m = origin;
  m.path[1].body = "pendulum";
  m.path[1].p_B_m = insertion;
  return m;
}

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
