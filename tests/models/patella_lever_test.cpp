// The patella of the shipped lifter model as a lever (engine/muscle/path.hpp): the tibia receives the
// patellar-tendon force F_P = F_Q (r_t + r_p) / r_t, the ratio that Rajagopal 2016's patella
// kinematics imply. Buff, Jones & Hungerford 1988 (J Biomech 21:17-23, abstract) measured it in
// cadaver knees: F_Q / F_P = 0.86 at 10 deg and 1.55 at 70 deg of flexion, i.e. F_P / F_Q = 1.16
// and 0.65: the tendon force falls below the quadriceps tension as the knee flexes. With Rajagopal's
// own tibiofemoral translation (walker knee) under the patella track the model gives about 0.72 at
// 70 deg (within 15 % of Buff) and 0.86 at 10 deg (a known gap: the track never lets the tendon force
// exceed the quadriceps tension); with the Yamaguchi & Zajac translation used before it gave 0.83 at
// 70 deg. Reference values of Rajagopal's mechanism: scripts/models/knee_extensor_check.py.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "lifter_muscle_state.hpp"

namespace dembones {
namespace {

using lifter_test::LifterMuscleState;
using lifter_test::lifter_reference_subject;

// Patellar-tendon force on the tibia per unit quadriceps tension, at knee flexion `flexion_deg`.
double tendon_over_quadriceps(const std::string& muscle, double flexion_deg) {
  const BuiltModel& built = lifter_reference_subject();
  const LifterMuscleState state(built, {{"knee_angle", -flexion_deg}});  // flexion is negative
  const Model& model = built.model;
  const MuscleSet& set = built.muscles;
  const int tibia = model.find_body("tibia");
  const int i = state.muscle(muscle);
  for (int b = set.body_begin[i]; b < set.body_begin[i + 1]; ++b) {
    if (set.bodies[b] == tibia) return state.muscle_data().body_wrench_W[b].linear.norm();
  }
  ADD_FAILURE() << muscle << " does not reach the tibia";
  return 0.0;
}

// F_P / F_Q of the quadriceps, weighted by maximum isometric force.
double quadriceps_ratio(double flexion_deg) {
  const BuiltModel& built = lifter_reference_subject();
  double sum = 0, weight = 0;
  for (const char* m : {"rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius"}) {
    const double f0 = built.muscles.params[built.muscles.find_muscle(m)].max_isometric_force_N;
    sum += f0 * tendon_over_quadriceps(m, flexion_deg);
    weight += f0;
  }
  return sum / weight;
}

TEST(PatellaLever, TendonForceFallsBelowTheQuadricepsTensionWithFlexion) {
  const double at10 = quadriceps_ratio(10.0), at70 = quadriceps_ratio(70.0), at90 = quadriceps_ratio(90.0);
  EXPECT_LT(at70, at10);
  EXPECT_LT(at90, at70);
  EXPECT_LT(at70, 1.0);
  for (double deg = 0.0; deg <= 120.0; deg += 10.0) EXPECT_GT(quadriceps_ratio(deg), 0.0) << deg;
}

// Rajagopal's mechanism recomputed from the OpenSim file without the engine
// (scripts/models/knee_extensor_check.py, sagittal port on the lifter's reference bones): F_P / F_Q of
// the vastus intermedius and medialis at 90 and 100 deg. Tolerance 0.03: interpolation between the
// patella track's knots (the script and the engine agree within 0.01 at 10-70 deg).
TEST(PatellaLever, DeepFlexionRatioReproducesRajagopalsTrack) {
  EXPECT_NEAR(tendon_over_quadriceps("vastus_intermedius", 90.0), 0.565, 0.03);
  EXPECT_NEAR(tendon_over_quadriceps("vastus_medialis", 90.0), 0.508, 0.03);
  EXPECT_NEAR(tendon_over_quadriceps("vastus_intermedius", 100.0), 0.519, 0.03);
  EXPECT_NEAR(tendon_over_quadriceps("vastus_medialis", 100.0), 0.488, 0.03);
}

// Buff et al. 1988: at 70 deg the model is within 15 % (the threshold the gap assertion used before);
// at 10 deg it stays more than 15 % below, a known gap.
TEST(PatellaLever, RatioAgainstBuff1988) {
  constexpr double kBuffAt10 = 1.0 / 0.86, kBuffAt70 = 1.0 / 1.55;  // F_P / F_Q
  EXPECT_NEAR(quadriceps_ratio(70.0), kBuffAt70, 0.15 * kBuffAt70);
  EXPECT_LT(quadriceps_ratio(10.0), 0.85 * kBuffAt10);  // known gap
}

}  // namespace
}  // namespace dembones
