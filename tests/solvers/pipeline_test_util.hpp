#pragma once
// The pipeline tests' fixture: samples::human20 with the sample leg and trunk muscles (or none), a
// load site across every joint in its child body's frame, a load point on the last body, and random
// states (seeded).
#include <cstdlib>
#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/sample_muscles.hpp"
#include "solvers/musculoskeletal_model.hpp"

namespace dembones::pipeline_test {

inline MusculoskeletalModel human20_with_muscles(bool with_muscles = true) {
  MusculoskeletalModel msm;
  msm.model = samples::human20();
  msm.muscles = make_muscle_set(msm.model, with_muscles ? samples::leg_and_trunk_muscles() : std::vector<MuscleSpec>{});
  const int m = msm.muscles.nmuscles;
  msm.muscle_sides = VecX::Ones(m);
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

}  // namespace dembones::pipeline_test
