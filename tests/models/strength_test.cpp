// Issue #5: maximum isometric joint moments of models/lifter.yaml (reference subject: de Leva 1996
// male, 1.741 m, 73 kg) at the postures of published dynamometry, against published strength of
// healthy men. All muscles that act in the tested direction at full activation, force-length (and
// pennation) at that posture, zero speed, with the elastic-tendon passive state of the inverse pipeline
// (tests/models/lifter_muscle_state.hpp); both sides for the trunk, one leg for the legs; passive
// muscle forces and passive joint moments included, as the dynamometer measures them.
//
// Accepted band for the trunk, and the band the knee is compared with (a known gap), against the
// meta-analyses: the published mean +- 30 %.
// Isometric strength of healthy adults varies between subjects with a coefficient of variation of
// 20-30 % (Benfica et al. 2018, Braz J Phys Ther 22:355-369, meta-analysis of 14 muscle groups,
// abstract), so the band is the mean +- one standard deviation at the upper end of that range: a
// generic model of the reference subject must land within the middle two thirds of men.
//
// Trunk extension shows the erector spinae strength rule (scripts/models/make_lifter.py: Christophy
// et al. 2012 fascicles scaled to the lumped erector spinae of Hamner et al. 2010): without it the
// model falls below the band.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "models/lifter_muscle_state.hpp"

namespace dembones {
namespace {

using lifter_test::LifterMuscleState;
using lifter_test::lifter_reference_subject;
using lifter_test::Posture;

constexpr double kBand = 0.30;  // Benfica et al. 2018: CV of isometric strength 20-30 %
constexpr double kMassKg = 73.0;  // de Leva 1996 male reference subject

// Lumbar flexion of `deg` shared over the levels by the model's lumbar rhythm (Christophy et al. 2012
// coordinate couplers: 0.125, 0.185, 0.204, 0.231, 0.255 from L5/S1 up); extension is positive.
Posture lumbar_flexion(double deg) {
  return {{"L5_S1_extension", -0.125 * deg}, {"L4_L5_extension", -0.185 * deg},
          {"L3_L4_extension", -0.204 * deg}, {"L2_L3_extension", -0.231 * deg},
          {"L1_L2_extension", -0.255 * deg}};
}

void expect_in_band(double model_Nm, double mean_Nm, const std::string& what) {
  EXPECT_GE(model_Nm, (1.0 - kBand) * mean_Nm) << what << ": model " << model_Nm << " N m, mean " << mean_Nm;
  EXPECT_LE(model_Nm, (1.0 + kBand) * mean_Nm) << what << ": model " << model_Nm << " N m, mean " << mean_Nm;
}

// Torso extension strength of men, standing, trunk flexed 20 deg: 288 N m (Chaffin, Andersson &
// Martin 1999, Occupational Biomechanics 3rd ed., Table 4.5, as tabulated in J Electromyogr Kinesiol
// 2012;22(6):814-820, Table 2). The moment is taken about L5/S1, the pivot of those data, and about
// L4/L5, which the same extensors cross (the multifidus, iliocostalis and longissimus fascicles that
// end on L5 do not, so L4/L5 is a little weaker).
TEST(LifterStrength, TrunkExtensionMatchesPublishedTorsoStrength) {
  const LifterMuscleState s(lifter_reference_subject(), lumbar_flexion(20.0));
  const double l5s1 = s.max_isometric_moment_Nm("L5_S1_extension", +1);
  const double l4l5 = s.max_isometric_moment_Nm("L4_L5_extension", +1);
  expect_in_band(l5s1, 288.0, "L5/S1 extension, trunk flexed 20 deg");
  expect_in_band(l4l5, 288.0, "L4/L5 extension, trunk flexed 20 deg");
}

// The strength rule is what brings the trunk into the band: the erector spinae carry most of the
// extension moment, and with Christophy's own fascicle forces (the scale factor undone) the same
// posture falls below it.
TEST(LifterStrength, ErectorSpinaeStrengthRuleIsNeededForTrunkExtension) {
  const BuiltModel& b = lifter_reference_subject();
  const LifterMuscleState s(b, lumbar_flexion(20.0));
  const MuscleData& md = s.muscle_data();
  const int k = b.model.find_coordinate("L5_S1_extension");
  double es = 0;
  for (int i : select(b.muscles, "erector_spinae"))
    if (md.moment_arm(k, i) > 0) es += b.muscle_sides[i] * md.moment_arm(k, i) * md.active_force_capacity[i];
  const double total = s.max_isometric_moment_Nm("L5_S1_extension", +1);
  EXPECT_GT(es, 0.5 * total) << "erector spinae " << es << " N m of " << total << " N m";
  // Christophy et al. 2012 erector spinae total 1285 N per side, scaled to 2500 N (Hamner et al. 2010).
  const double without_rule = total - es * (1.0 - 1285.0 / 2500.0);
  EXPECT_LT(without_rule, (1.0 - kBand) * 288.0) << "without the strength rule: " << without_rule << " N m";
}

// Known gap: knee extension strength of adult men at mid-range knee angles: pooled 95 % CI of the
// mean 2.92-3.45 N m/kg (Sarabon, Kozinc & Perman 2021, Front Physiol 12:767941, meta-analysis of 411
// studies, abstract); mean taken as the middle, 3.185 N m/kg x 73 kg. Seated dynamometry: hip flexed
// 90 deg, knee flexed 60 deg. The model gives about 315 N m, above the band (+30 %): with the vasti
// fibre lengths of Lai, Arnold & Wakeling 2017 the vasti sit at 1.04 of their optimal length there and
// give their full force; with Rajagopal et al. 2016's shorter optimal lengths they sat at 1.21-1.24, on
// the descending limb, and the model gave 260 N m, inside the band only for that reason. Rajagopal's
// maximum forces (vasti 5149, 2748 and 1697 N) come from MRI volumes and 60 N/cm^2, above voluntary
// dynamometry, as for the hip extensors and plantarflexors below. Part of the excess is leverage: the
// vasti's moment arm at 60 deg is 3.4-3.6 cm (Rajagopal's own mechanism, scripts/models/
// knee_extensor_check.py), while the in vivo effective quadriceps moment arm at 50 deg is 31.5-32.9 mm
// (dynamic MRI of 40 adults, J Biomech, PMC4662057, abstract; no spread given there); at 32 mm the model
// would give about 290 N m. Like for like otherwise: one leg, isometric, seated at the tested angles,
// passive forces included as the dynamometer measures them (the passive muscle moment is about
// -13 N m here). Asserted as a gap so that the test fails when the knee extensors change
// (docs/models.md).
TEST(LifterStrength, KneeExtensionIsAKnownGapAbovePublishedMidRangeStrength) {
  const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", 90.0}, {"knee_angle", -60.0}});
  // One leg (knee_angle: extension positive).
  const double knee = s.max_isometric_moment_Nm("knee_angle", +1, /*one_side=*/true);
  const double mean_Nm = 3.185 * kMassKg;
  EXPECT_GT(knee, (1.0 + kBand) * mean_Nm) << "knee extension, hip 90 deg, knee 60 deg";
  EXPECT_LT(knee, 2.0 * mean_Nm) << "knee extension, hip 90 deg, knee 60 deg";
}

// Lower-limb strength of young men (18-25 years) from Anderson, Madigan & Nussbaum 2007, J Biomech
// 40:3105-3113, Table 3 (as transcribed in the RBDL muscle addon, Millard2016TorqueMuscle.cc): peak
// isometric torque c1 x body weight x height, at the joint angle c3, with the standard deviation of
// c1 across subjects; their active isometric torque at angle theta is c1 m g h cos(c2 (theta - c3))
// (the form RBDL's SmoothSegmentedFunctionFactory::createAnderson2007ActiveTorqueAngleCurve builds
// from c2 and c3). Band there: the mean +- one of their standard deviations (every joint tested
// against it is a known gap, above the band).
struct AndersonPeak {
  double c1;          // peak torque / (m g h)
  double c1_sd;       // its standard deviation
  double c3_deg;      // joint angle of the peak
  double c2_per_rad;  // width of the cosine torque-angle curve
};
constexpr double kWeightTimesHeightNm = kMassKg * 9.81 * 1.741;  // m g h of the reference subject
constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr AndersonPeak kHipExtension{0.161, 0.049, 0.932 / kDegToRad, 0.958};   // hip flexion
constexpr AndersonPeak kKneeExtension{0.163, 0.040, 1.133 / kDegToRad, 1.258};  // knee flexion
constexpr AndersonPeak kAnkleExtension{0.095, 0.022, 0.408 / kDegToRad, 1.391};  // dorsiflexion

// Anderson's mean active isometric torque (N m) of the reference subject at a joint angle (deg).
double anderson_active_Nm(const AndersonPeak& a, double angle_deg) {
  return a.c1 * kWeightTimesHeightNm * std::cos(a.c2_per_rad * (angle_deg - a.c3_deg) * kDegToRad);
}

// Leg strength rules tried against these gaps (issue #5; numbers from the reference subject, one leg):
// every leg force from a published rule, Rajagopal et al. 2016's paths and Lai et al. 2017's fibre and
// tendon lengths kept, trunk unchanged.
// - The maximum isometric forces of Delp et al. 1990 as distributed in the OpenSim gait2392 model
//   (per muscle; the adductor magnus total, 1212 N, shared over Rajagopal's four parts as Rajagopal
//   shares its own): knee extension 148 N m at 60 deg (below Sarabon's band, 163-302) and 146 N m at
//   64.9 deg (below Anderson's, 153-253); hip extension 228 N m (inside, 140-262); plantarflexion
//   133 N m at 23.4 deg of dorsiflexion (inside, 91-146). The 15 kg squat lift (scenarios/
//   squat_lift.yaml) then needs hip and knee reserve actuators in 91 of 241 frames (hip up to 58 N m)
//   and the 25 kg stoop knee reserves in 84: not adopted.
// - One specific tension on Rajagopal's MRI-based forces (F0 x sigma / 60 N/cm^2, Rajagopal's 60):
//   every leg moment scales with sigma, and the four bands overlap only for sigma = 31-35 N/cm^2 (knee
//   at Sarabon's lower edge, plantarflexion at Anderson's upper edge), while the 15 kg lifts run
//   without reserves only from sigma = 45 (35: squat 84 frames with hip/knee reserves, stoop 79 with
//   knee/ankle reserves; 40: squat 63 frames). No sigma satisfies both. In the squat's deepest frames
//   (hip and knee flexed 115-120 deg) the inverse dynamics ask about 110 N m of hip extension per leg
//   whatever the forces, while Anderson's fitted curve gives their young men 89 N m of active hip
//   extension at 120 deg (the model, with Rajagopal's forces: 139 N m there, knee flexed).

// Other published strength data looked for (issue #5; none changes a band, so none is asserted):
// - Hip extension of young men elsewhere: 297.7 +- 82.7 N m at full inspiration and 266.4 +- 84.5 N m at
//   full expiration, 12 healthy males ("Causal effect of intra-abdominal pressure on maximal voluntary
//   isometric hip extension torque", Eur J Appl Physiol, doi 10.1007/s00421-017-3748-0, abstract at
//   link.springer.com; hip and knee angles and body size not in the abstract, so no like-for-like test).
//   That is 1.3-1.5 times Anderson's 201 N m: the published means of two laboratories differ by more than
//   Anderson's SD. The model (one leg, knee straight) gives 406, 480, 385, 307, 267, 218 and 149 N m at
//   0, 30, 53.4, 75, 90, 105 and 120 deg of hip flexion (knee flexed 90 deg: 229, 314, 434, 385, 310,
//   220, 139 N m): inside mean +- 1 SD of that inspiratory value from 75 to 105 deg (at 53 deg, 385 N m
//   against 380, just above), and weaker, not stronger, in deep flexion, as Anderson's fitted curve is
//   (peak at 53 deg). So the expectation that hip extension is much larger in deep flexion is not borne
//   out by either; no published isometric hip extension at 90-120 deg of flexion was found readable.
// - Plantarflexion with the knee extended or flexed: static plantarflexion strength is "about 15 % lower
//   with flexed than with extended knees" in 135 sedentary adults ("Isokinetic and static plantar flexion
//   characteristics", abstract at scilit.com; knee and ankle angles not in the abstract). The model at
//   the neutral ankle: 429 N m knee straight, 391 N m knee flexed 90 deg (9 % lower); at 10 deg of
//   plantarflexion 437 and 287 N m (34 % lower); at 10 deg of dorsiflexion 363 and 387 N m (flexed
//   stronger), and with the knee flexed 45 deg stronger than straight at neutral (457 N m): with the knee
//   straight and the ankle dorsiflexed the gastrocnemii sit on the descending limb. The published
//   direction holds in plantarflexion and at neutral, not in dorsiflexion. Isometric plantarflexion at -10 to 30 deg was measured in 53 healthy adults by
//   Hussain & Frey-Law 2016 (J Foot Ankle Res, "3D strength surfaces for ankle plantar- and dorsi-flexion
//   in healthy adults"), but only the abstract, without values, was readable.
// - What Rajagopal et al. 2016 compared their model's strength with: only the abstract was readable
//   (PMC5507211: walking and running simulations, joint moments within 3 % RMSE, EMG); a public script
//   that computes the isometric and passive moments of Rajagopal2016 and its successors
//   (nicos1993/model_personalization, Scripts/calculate_model_moments.m) plots model curves only, with no
//   dynamometry to compare.

// Known gap: knee extension at Anderson's angle of peak torque (64.9 deg of flexion), seated (hip 90
// deg): 203 +- 50 N m for the reference subject; the model gives about 307 N m, above the band, for
// the reasons given above (with Rajagopal's vasti fibre lengths it gave 245 N m, inside). Anderson's c1
// is the active part of their fit; the model's number includes passive muscle force, here about
// -9 N m (the stretched hamstrings), so the active comparison is slightly further apart.
TEST(LifterStrength, KneeExtensionIsAKnownGapAboveAndersonYoungMen) {
  const LifterMuscleState s(lifter_reference_subject(),
                            {{"hip_flexion", 90.0}, {"knee_angle", -kKneeExtension.c3_deg}});
  const double knee = s.max_isometric_moment_Nm("knee_angle", +1, /*one_side=*/true);
  EXPECT_GT(knee, (kKneeExtension.c1 + kKneeExtension.c1_sd) * kWeightTimesHeightNm) << "knee extension at 64.9 deg";
  EXPECT_LT(knee, 2.0 * kKneeExtension.c1 * kWeightTimesHeightNm) << "knee extension at 64.9 deg";
}

// Known gap: hip extension. Anderson's young men reach 201 +- 61 N m at 53.4 deg of hip flexion (knee
// extended). With every hip extensor of Rajagopal et al. 2016 in the model — the adductor magnus
// included, whose four parts extend the flexed hip — the model gives about 385 N m, above the band
// (without the adductor magnus it gave 254 N m, inside it, only because a major hip extensor was
// missing; with Rajagopal's own gluteus maximus tendon slack lengths, before those of Lai, Arnold &
// Wakeling 2017, 337 N m: its fibres sat at 1.30-1.34 of optimal length, now 1.05-1.15). Rajagopal's
// maximum forces come from MRI muscle volumes (Handsfield et al. 2014) and a specific tension of
// 60 N/cm^2, above what dynamometry of voluntary contractions shows, as for the
// plantarflexors below. Like for like: the knee posture of Anderson's hip test is not known here; it
// does not explain the gap, because the model is stronger still with the knee flexed (434 N m at 90
// deg, 475 N m at 45 deg: the hamstrings, on the descending limb of their force-length curve with the
// knee straight, get shorter), and the passive part with the knee straight is about 46 N m (Anderson's
// c1 is the active part alone). Asserted so that the test fails when the hip extensors change
// (docs/models.md).
TEST(LifterStrength, HipExtensionIsAKnownGapAboveAndersonYoungMen) {
  const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", kHipExtension.c3_deg}});
  const double hip = s.max_isometric_moment_Nm("hip_flexion", -1, /*one_side=*/true);
  EXPECT_GT(hip, (kHipExtension.c1 + kHipExtension.c1_sd) * kWeightTimesHeightNm) << "hip extension at 53.4 deg";
  EXPECT_LT(hip, 2.0 * kHipExtension.c1 * kWeightTimesHeightNm) << "hip extension at 53.4 deg";
}

// Known gap: plantarflexion. Anderson's young men reach 118 +- 27 N m at their peak angle (23 deg of
// dorsiflexion); the model's triceps surae (Rajagopal et al. 2016 maximum isometric forces: soleus
// 6195 N, gastrocnemii 3116 and 1575 N) give about 250 N m there (44 N m of it passive) and about
// 430 N m at the neutral ankle (390 N m with the knee flexed 90 deg, gastrocnemii slack), two to four
// times Anderson's, at every ankle angle from 20 deg of plantarflexion to 30 deg of dorsiflexion: not
// a posture effect. With the gait2392 forces of Delp et al. 1990 the model gives 133 N m at Anderson's
// angle (inside), but those forces fail the lifts (above). Asserted so that the test fails when the
// plantarflexors change, and the gap is then closed or re-explained (docs/models.md).
TEST(LifterStrength, PlantarflexionIsAKnownGapAboveAndersonYoungMen) {
  const double hi = (kAnkleExtension.c1 + kAnkleExtension.c1_sd) * kWeightTimesHeightNm;
  for (double knee : {0.0, -90.0})
    for (double ankle : {-20.0, 0.0, 10.0, 20.0, 30.0}) {
      const LifterMuscleState s(lifter_reference_subject(), {{"knee_angle", knee}, {"ankle_angle", ankle}});
      const double pf = s.max_isometric_moment_Nm("ankle_angle", -1, /*one_side=*/true);
      EXPECT_GT(pf, hi) << "ankle " << ankle << " deg, knee " << knee << " deg";
      EXPECT_LT(pf, 4.0 * kAnkleExtension.c1 * kWeightTimesHeightNm)
          << "ankle " << ankle << " deg, knee " << knee << " deg";
    }
}

// Why one factor on the forces cannot close the plantarflexion gap: the model's moment-angle curve has
// another shape than Anderson's. From the neutral ankle to 30 deg of dorsiflexion its ratio to
// Anderson's mean curve falls from about 4.3 to 1.8 (the model peaks near 10 deg of plantarflexion,
// Anderson's young men at 23 deg of dorsiflexion). A specific tension or a scale to measured strength
// multiplies every angle alike, so it keeps that spread, while landing inside the band (c1 +- SD) at
// every angle allows a spread of at most (c1 + SD) / (c1 - SD) = 1.6. The model includes passive force
// (largest in dorsiflexion) and Anderson's curve is active only, so the active spread is wider still.
// Angles from the neutral ankle to 30 deg of dorsiflexion, around Anderson's peak.
TEST(LifterStrength, PlantarflexionCurveShapeDiffersFromAndersonYoungMen) {
  double lowest = 1e9, highest = 0;
  for (double ankle : {0.0, 10.0, 20.0, 30.0}) {
    const LifterMuscleState s(lifter_reference_subject(), {{"ankle_angle", ankle}});
    const double ratio = s.max_isometric_moment_Nm("ankle_angle", -1, /*one_side=*/true) /
                         anderson_active_Nm(kAnkleExtension, ankle);
    lowest = std::min(lowest, ratio);
    highest = std::max(highest, ratio);
  }
  const double band_spread =
      (kAnkleExtension.c1 + kAnkleExtension.c1_sd) / (kAnkleExtension.c1 - kAnkleExtension.c1_sd);
  EXPECT_GT(highest / lowest, band_spread) << "model / Anderson from " << lowest << " to " << highest;
  EXPECT_GT(lowest, 1.0) << "the model is above Anderson's mean at every one of these angles";
}

// By contrast, around their peaks the hip and knee curves have Anderson's shape closely enough for one
// factor to fit them: over the angles below the model / Anderson ratio spreads less than the band
// allows (hip 1.88, knee 1.65; model about 1.6 and 1.4), so there the gaps are of magnitude, not shape.
// Hip: 30-120 deg of flexion, knee straight (Anderson's peak at 53 deg; with the hip straight the ratio
// is 3.2, the model's hamstrings and gluteus maximus strong near full extension); knee: 45-90 deg of
// flexion, hip at 90 deg (peak at 65 deg; beyond 95 deg the quadriceps tendon wraps the condyles and the
// model's moment rises again, ratio 3.8 at 120 deg).
TEST(LifterStrength, HipAndKneeExtensionCurvesHaveAndersonsShape) {
  const auto spread = [](const AndersonPeak& a, const std::string& coordinate, int sign,
                         const std::vector<double>& angles, const Posture& fixed) {
    double lowest = 1e9, highest = 0;
    for (double angle : angles) {
      Posture p = fixed;
      p.emplace_back(coordinate, coordinate == "knee_angle" ? -angle : angle);
      const LifterMuscleState s(lifter_reference_subject(), p);
      const double ratio = s.max_isometric_moment_Nm(coordinate, sign, /*one_side=*/true) / anderson_active_Nm(a, angle);
      lowest = std::min(lowest, ratio);
      highest = std::max(highest, ratio);
    }
    return highest / lowest;
  };
  const double hip = spread(kHipExtension, "hip_flexion", -1, {30.0, 53.4, 75.0, 90.0, 105.0, 120.0}, {});
  const double knee = spread(kKneeExtension, "knee_angle", +1, {45.0, 64.9, 90.0}, {{"hip_flexion", 90.0}});
  EXPECT_LT(hip, (kHipExtension.c1 + kHipExtension.c1_sd) / (kHipExtension.c1 - kHipExtension.c1_sd));
  EXPECT_LT(knee, (kKneeExtension.c1 + kKneeExtension.c1_sd) / (kKneeExtension.c1 - kKneeExtension.c1_sd));
}

}  // namespace
}  // namespace dembones
