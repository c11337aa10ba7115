// Passive forces with an elastic tendon (compute_passive_equilibrium): at the returned fibre length
// the tendon and the passive fibre carry the same force, an elastic tendon never gives more passive
// force than a rigid one, and muscles with negligible passive force are left as they were.
#include <cmath>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/sample_muscles.hpp"
#include "muscle/curves.hpp"
#include "muscle/hill_muscle.hpp"
#include "muscle/muscle_set.hpp"

namespace dembones {
namespace {

// Two muscles from the ground to a pendulum 0.6 m long, both stretched as the pendulum swings:
// one with a tendon five times its fibre (a hamstring), one with a short tendon.
std::vector<MuscleSpec> stretched_muscles() {
  std::vector<MuscleSpec> out;
  for (const auto& [name, l_opt, l_ts] : {std::tuple{"long_tendon", 0.07, 0.35}, std::tuple{"short_tendon", 0.30, 0.12}}) {
    MuscleSpec m;
    m.name = name;
    m.params.max_isometric_force_N = 2000.0;
    m.params.optimal_fiber_length_m = l_opt;
    m.params.tendon_slack_length_m = l_ts;
    m.params.pennation_at_optimal_rad = 0.25;
    m.params.passive_strain_at_max_force = 0.7;
    m.path.resize(2);
    m.path[0].body = "ground";
    m.path[0].p_B_m = Vec3(0.0, 0.0, 0.0);
    m.path[1].body = "pendulum";
    m.path[1].p_B_m = Vec3(0.0, -0.6, 0.0);
    out.push_back(m);
  }
  return out;
}

TEST(PassiveEquilibrium, TendonAndFibreCarryTheSameForce) {
  const Model model = samples::pendulum_model();
  Data data(model);
  const MuscleSet set = make_muscle_set(model, stretched_muscles());
  MuscleData rigid(model, set), elastic(model, set);
  VecX q = VecX::Zero(1), v = VecX::Zero(1);
  forward_kinematics(model, data, q, v);
  compute_joint_jacobians(model, data, q);
  int changed_total = 0;
  // Stretch the muscles by moving their origin: scale the path through the ground point's length.
  for (double extra : {0.0, 0.02, 0.05, 0.08, 0.12}) {
    compute_muscle_geometry(model, data, set, q, rigid);
    for (int i = 0; i < set.nmuscles; ++i)
      rigid.length[i] = set.params[i].tendon_slack_length_m + set.params[i].optimal_fiber_length_m * std::cos(0.25) + extra;
    compute_muscle_forces_rigid(set, rigid);
    elastic = rigid;
    const int changed = compute_passive_equilibrium(set, elastic, 0.01);
    changed_total += changed;
    for (int i = 0; i < set.nmuscles; ++i) {
      const HillParams& p = set.params[i];
      EXPECT_LE(elastic.passive_force[i], rigid.passive_force[i] * (1 + 1e-12) + 1e-9) << p.optimal_fiber_length_m;
      if (rigid.passive_force[i] <= 0.01 * p.max_isometric_force_N) {
        EXPECT_EQ(elastic.passive_force[i], rigid.passive_force[i]);
        continue;
      }
      // Equilibrium: tendon force (from its strain) = passive fibre force along the tendon.
      const double l_m = elastic.fiber_length[i];
      const double cos_a = elastic.cos_pennation[i];
      const double l_t = elastic.length[i] - l_m * cos_a;
      const double f_t = p.max_isometric_force_N *
                         curves::tendon_force_length(l_t / p.tendon_slack_length_m,
                                                     curves::tendon_stiffness_shape(p.tendon_strain_at_max_force));
      const double f_pe = p.max_isometric_force_N *
                          curves::PassiveForceLengthCurve::make(p.passive_strain_at_max_force).value(l_m / p.optimal_fiber_length_m) *
                          cos_a;
      EXPECT_NEAR(f_t, f_pe, 1e-6 * p.max_isometric_force_N);
      EXPECT_NEAR(elastic.passive_force[i], f_t, 1e-6 * p.max_isometric_force_N);
      // The fibre is shorter than with a rigid tendon (the tendon took up part of the stretch).
      EXPECT_LT(elastic.fiber_length[i], rigid.fiber_length[i]);
    }
  }
  EXPECT_GT(changed_total, 0);
  // With a long tendon the difference is large: at 0.12 m past slack + optimal the rigid fibre is
  // at 2.7 l_opt, the elastic one much shorter.
  EXPECT_LT(elastic.passive_force[0], 0.5 * rigid.passive_force[0]);
}

}  // namespace
}  // namespace dembones
