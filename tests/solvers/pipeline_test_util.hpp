#pragma once
// The pipeline tests' fixture: samples::human20 with the sample leg and trunk muscles (or none), a
// load site across every joint in its child body's frame, a load point on the last body, and random
// states (seeded).
#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/data.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/sample_muscles.hpp"
#include "solvers/musculoskeletal_model.hpp"

namespace dembones::pipeline_test {

inline MusculoskeletalModel human20_with_muscles(bool with_muscles = true) {
  MusculoskeletalModel msm;
  msm.model = samples::human20();
  msm.muscles = make_muscle_set(msm.model, with_muscles ? samples::leg_and_trunk_muscles() : std::vector<MuscleSpec>{});
  const int m = msm.muscles.nmuscles;
  // Every other muscle stands for a left-right pair (sides 2, as the lifter's): the pipeline must count
  // its force twice in the moments it balances (a mutation audit dropped the factor unseen while every
  // fixture muscle had one side).
  msm.muscle_sides = VecX::Ones(m);
  for (int i = 1; i < m; i += 2) msm.muscle_sides(i) = 2.0;
  msm.activation_cap = VecX::Ones(m);
  for (int b = 1; b < msm.model.nbodies; ++b) {
    LoadSite s;
    s.name = msm.model.body_names[b];
    s.body = b;
    s.frame_body = b;
    msm.sites.push_back(s);
  }
  msm.load_body = msm.model.nbodies - 1;
  msm.load_point_B = Vec3(0.02, -0.05, 0.0);
  msm.body_mass_kg = msm.model.total_mass();
  return msm;
}

struct State {
  VecX q, qd, qdd;
};

inline State random_state(const Model& model, unsigned seed) {
  State s;
  s.q = random_configuration(model, seed, 0.4);
  std::srand(seed);
  s.qd = 0.5 * VecX::Random(model.nv);
  s.qdd = 2.0 * VecX::Random(model.nv);
  return s;
}

// Newton–Euler of every body after a pipeline frame: the joint force from the parent, minus the
// children's, plus the external wrenches and gravity, equals the rate of momentum (world, about the
// origin). kin holds the frame's velocities and accelerations, joints the pipeline's joint forces
// (f_joint_W); extra_scale_N widens the force scale by forces the caller adds (e.g. ligament tension).
inline void expect_newton_euler_closes(const Model& model, const Data& kin, const Data& joints,
                                       const std::vector<Force>& f_ext, double extra_scale_N, unsigned seed) {
  for (int b = 1; b < model.nbodies; ++b) {
    const Motion& v = kin.v[b];
    const Force h = model.inertia[b].apply(v);
    const Force Ia = model.inertia[b].apply(kin.a[b]);
    const Force hdot_B{Ia.angular + v.angular.cross(h.angular) + v.linear.cross(h.linear),
                       Ia.linear + v.angular.cross(h.linear)};
    const Force hdot_W = kin.oMb[b].act(hdot_B);
    const Vec3 c_W = kin.oMb[b].act(model.inertia[b].com);
    Force sum = joints.f_joint_W[b];
    for (int c : model.children[b]) {
      sum.angular -= joints.f_joint_W[c].angular;
      sum.linear -= joints.f_joint_W[c].linear;
    }
    sum.angular += f_ext[b].angular + c_W.cross(model.inertia[b].mass * model.gravity);
    sum.linear += f_ext[b].linear + model.inertia[b].mass * model.gravity;
    const double scale = 1.0 + hdot_W.linear.norm() + joints.f_joint_W[b].linear.norm() + extra_scale_N;
    EXPECT_LT((sum.linear - hdot_W.linear).norm(), 1e-9 * scale) << "body " << b << " seed " << seed;
    EXPECT_LT((sum.angular - hdot_W.angular).norm(),
              1e-9 * (scale + hdot_W.angular.norm() + joints.f_joint_W[b].angular.norm()))
        << "body " << b << " seed " << seed;
  }
}

}  // namespace dembones::pipeline_test
