// Issue #5: maximum isometric joint moments of models/lifter.yaml (reference subject: de Leva 1996
// male, 1.741 m, 73 kg) at the postures of published dynamometry, against published strength of
// healthy men. All muscles that act in the tested direction at full activation, force-length (and
// pennation) at that posture, zero speed, with the elastic-tendon passive state of the inverse pipeline
// (tests/models/lifter_muscle_state.hpp); both sides for the trunk, one leg for the legs; passive
// muscle forces and passive joint moments included, as the dynamometer measures them. That state
// evaluates each muscle's active force at the fibre length of the relaxed muscle: the capacity the
// inverse pipeline's static optimization draws on. A second measure
// (max_isometric_moment_full_activation_Nm) puts each muscle in its own equilibrium at full
// activation, its tendon stretched by the force it develops. For the trunk, knee and hip the two
// differ by 1-13 % at the postures below; for the triceps surae, whose tendons are 6-7 times their
// fibres, the stretch (up to 4.9 % of the tendon slack length, 15-21 mm) is 25-33 % of the optimal
// fibre length and changes the shape of the plantarflexion curve (plantarflexion tests below). The
// rigid-tendon state matches the elastic-tendon models only for muscles with short tendons (Millard,
// Uchida, Seth & Delp 2013, J Biomech Eng 135:021005, abstract, PMC3705831).
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

// Knee extension strength of adult men at mid-range knee angles: pooled 95 % CI of the mean
// 2.92-3.45 N m/kg (Sarabon, Kozinc & Perman 2021, Front Physiol 12:767941, meta-analysis of 411
// studies, abstract, PMC8554160); mean taken as the middle, 3.185 N m/kg x 73 kg. Seated dynamometry:
// hip flexed 90 deg, knee flexed 60 deg. All knee extensors at full activation, each in its own
// equilibrium (the measure, as the dynamometer's maximal voluntary contraction): about 296 N m,
// inside the band near its upper edge (302 N m). In the pipeline's state (active force at the relaxed
// fibre length, the capacity the static optimization uses) about 316 N m, 5 % above the edge (recorded
// as a known gap). With the vasti fibre lengths of Lai, Arnold & Wakeling 2017 the vasti sit at 1.04 of
// their optimal length there and give their full force; with Rajagopal et al. 2016's shorter optimal
// lengths they sat at 1.21-1.24, on the descending limb, and the model gave 260 N m. Rajagopal's maximum
// forces (vasti 5149, 2748 and 1697 N) come from MRI volumes and 60 N/cm^2. Part of the model's strength
// is leverage: the vasti's moment arm at 60 deg is 3.4-3.6 cm (Rajagopal's own mechanism,
// scripts/models/knee_extensor_check.py), while the in vivo effective quadriceps moment arm at 50 deg
// is 31.5-32.9 mm (dynamic MRI of 40 adults, J Biomech, PMC4662057, abstract; no spread given there).
// Like for like otherwise: one leg, isometric, seated at the tested angles, passive forces included as
// the dynamometer measures them (the passive muscle moment is about -13 N m here). The knee extensors
// cannot be weaker for the lifts: in the 15 kg squat the vastus lateralis already reaches full
// activation.
TEST(LifterStrength, KneeExtensionMatchesPublishedMidRangeStrength) {
  const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", 90.0}, {"knee_angle", -60.0}});
  // One leg (knee_angle: extension positive).
  const double mean_Nm = 3.185 * kMassKg;
  expect_in_band(s.max_isometric_moment_full_activation_Nm("knee_angle", +1, /*one_side=*/true), mean_Nm,
                 "knee extension at full activation, hip 90 deg, knee 60 deg");
  const double relaxed = s.max_isometric_moment_Nm("knee_angle", +1, /*one_side=*/true);
  EXPECT_GT(relaxed, (1.0 + kBand) * mean_Nm) << "known gap: the pipeline's state, hip 90 deg, knee 60 deg";
  EXPECT_LT(relaxed, 1.1 * (1.0 + kBand) * mean_Nm) << "the pipeline's state, hip 90 deg, knee 60 deg";
}

// Known gap: knee flexion. Sarabon, Kozinc & Perman 2021 (above) give adult men's knee flexion at
// mid-range angles as a pooled 95 % CI of the mean of 1.15-1.62 N m/kg (abstract; extended knee
// 0.85-1.20, flexed 0.96-1.54); mean taken as the middle, 1.385 N m/kg x 73 kg = 101 N m. Seated, hip
// 90 deg, knee 60 deg, the model's knee flexors (hamstrings, biceps femoris short head, gastrocnemii)
// give about 216 N m at full activation (194 N m relaxed), about twice the mean: the hamstrings, which
// are also the model's main hip extensors with the knee straight, are as much stronger than dynamometry
// as the hip extension below. Not scaled down, because the lifts need them: the 15 kg stoop asks
// 82-92 N m of knee flexion per leg with the knees nearly straight and the hips flexed 73-84 deg (the
// ground reaction passes in front of the knees; Hwang et al. 2009 found the knee flexion moment
// important in stoop lifting), and with the hamstrings' forces at 0.6 times Rajagopal's the 15 kg
// stoop needs knee reserve actuators in 92 of 241 frames (up to 23 N m), at 0.5 in 130 (up to 43).
// Not part of the list (extensors); asserted so that the test fails when the knee flexors change.
TEST(LifterStrength, KneeFlexionIsAKnownGapAbovePublishedMidRangeStrength) {
  const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", 90.0}, {"knee_angle", -60.0}});
  const double mean_Nm = 1.385 * kMassKg;
  const double full = s.max_isometric_moment_full_activation_Nm("knee_angle", -1, /*one_side=*/true);
  EXPECT_GT(full, (1.0 + kBand) * mean_Nm) << "knee flexion at full activation, hip 90 deg, knee 60 deg";
  EXPECT_LT(full, 2.5 * mean_Nm) << "knee flexion at full activation, hip 90 deg, knee 60 deg";
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
// - Large normative studies with the posture stated: the 178 healthy adults (93 men, 15-83 years) of
//   "Maximal isokinetic and isometric muscle strength of major muscle groups related to age, body mass,
//   height, and sex in 178 healthy subjects" (Harbo, Brincks & Andersen, Eur J Appl Physiol 2012,
//   112:267-275; abstract at dissem.in) were tested on a motorised dynamometer (Biodex System 3 PRO),
//   not by hand-held dynamometry; the abstract gives only that age, height and mass explain 25 % of the
//   men's variation, no torques and no hip or knee angles. Eighteen young men tested at their
//   individually strongest angles on an ISOMED 2000 ("Maximum isometric torque at individually-adjusted
//   joint angles exceeds eccentric and concentric torque in lower extremity joint actions", Stotz et
//   al. 2022, BMC Sports Sci Med Rehabil 14:13, abstract): no torques or angles in the abstract. Neither
//   gives a like-for-like band; none found for young men at 45-90 deg of hip flexion.
// - Which hip extensors carry the moment: 13 young adults' maximal isometric hip extension in four hip
//   and knee positions, each muscle's share from EMG through a SIMM model ("Influence of hip and knee
//   positions on gluteus maximus and hamstrings contributions to hip extension torque production",
//   Physiother Theory Pract 2022, 38:2650-2657, abstract; no torques there): the gluteus maximus share
//   highest with the hip flexed 45 deg, the hamstrings' with the knee extended, the gluteus maximus /
//   hamstrings ratio highest at 0 deg of hip flexion with the knee flexed 90 deg. The model (active
//   capacity, one leg; hip 0 or 45 deg x knee 0 or 90 deg): gluteus maximus 154, 154, 161, 161 N m,
//   hamstrings 172, 20, 130, 150 N m, ratio highest (7.8) at hip 0 deg / knee 90 deg, as there; but at
//   45 deg of hip flexion the model's hamstrings give more with the knee flexed than straight (on the
//   descending limb with the knee straight). Recorded, not asserted (the shares are a model's).
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
// c1 is the active part alone). With each muscle at full activation (tendons stretched) 412 N m with
// the knee straight and 379 N m with it flexed 90 deg: the hamstrings' long tendons let their fibres
// shorten off the descending limb. Asserted so that the test fails when the hip extensors change
// (docs/models.md).
TEST(LifterStrength, HipExtensionIsAKnownGapAboveAndersonYoungMen) {
  const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", kHipExtension.c3_deg}});
  const double hip = s.max_isometric_moment_Nm("hip_flexion", -1, /*one_side=*/true);
  EXPECT_GT(hip, (kHipExtension.c1 + kHipExtension.c1_sd) * kWeightTimesHeightNm) << "hip extension at 53.4 deg";
  EXPECT_LT(hip, 2.0 * kHipExtension.c1 * kWeightTimesHeightNm) << "hip extension at 53.4 deg";
}

// Plantarflexion, with the triceps surae strength rule of scripts/models/make_lifter.py (Rajagopal et
// al. 2016's forces, from MRI volumes at 60 N/cm^2, times kTricepsSuraeFactor: the scale that brings
// the full-activation moment at Anderson's angle of peak torque, mean of the knee straight and flexed
// 90 deg, to his young men's mean). Anderson's young men reach 118 +- 27 N m at 23 deg of dorsiflexion
// (the knee posture of their ankle test is not known here): the model gives about 124 N m with the knee
// straight and 113 N m with it flexed 90 deg, inside the band at both. Without the rule it gave 346 and
// 317 N m, 2.7-2.9 times the mean, at every ankle angle above the band: the rule is what brings the
// ankle in. The lifts do not need the excess (no scenario needs an ankle reserve with the rule).
constexpr double kTricepsSuraeFactor = 0.357;  // scripts/models/make_lifter.py, TRICEPS_SURAE_FACTOR

void expect_in_anderson_band(double model_Nm, const AndersonPeak& a, const std::string& what) {
  EXPECT_GE(model_Nm, (a.c1 - a.c1_sd) * kWeightTimesHeightNm) << what << ": model " << model_Nm << " N m";
  EXPECT_LE(model_Nm, (a.c1 + a.c1_sd) * kWeightTimesHeightNm) << what << ": model " << model_Nm << " N m";
}

TEST(LifterStrength, PlantarflexionMatchesAndersonYoungMen) {
  const double hi = (kAnkleExtension.c1 + kAnkleExtension.c1_sd) * kWeightTimesHeightNm;
  for (double knee : {0.0, -90.0}) {
    const LifterMuscleState s(lifter_reference_subject(),
                              {{"knee_angle", knee}, {"ankle_angle", kAnkleExtension.c3_deg}});
    const double pf = s.max_isometric_moment_full_activation_Nm("ankle_angle", -1, /*one_side=*/true);
    expect_in_anderson_band(pf, kAnkleExtension, "full activation, Anderson's angle, knee " + std::to_string(knee));
    // Every plantarflexor of the model is a triceps surae muscle and the moment scales with their
    // forces (the tendon curve is normalised by F0), so undoing the factor gives the moment without it.
    EXPECT_GT(pf / kTricepsSuraeFactor, 2.0 * hi) << "without the strength rule, knee " << knee << " deg";
  }
}

// A second laboratory, like for like as far as its abstract allows: nine physically active young men,
// maximal isometric plantarflexion 154.4 +- 37.8 N m with the knee extended and 93.1 +- 22.3 N m with
// it flexed, 40 % lower (PubMed 39577118, 2024, abstract; the ankle and knee angles and body size are
// not in the abstract: the neutral ankle and 90 deg of knee flexion, the usual dynamometer settings, are
// assumed). The model at full activation: about 138 and 84 N m, inside both bands (mean +- SD), 39 %
// lower with the knee flexed: the gastrocnemii, slack with the knee flexed, carry the difference, as
// there. In the pipeline's state (relaxed fibre lengths) the knee-flexed moment is only about 9 % lower
// (next tests: that state overstates the gastrocnemii's capacity with the knee flexed).
TEST(LifterStrength, PlantarflexionKneeStraightAndFlexedMatchASecondLaboratory) {
  const LifterMuscleState straight(lifter_reference_subject(), {{"knee_angle", 0.0}, {"ankle_angle", 0.0}});
  const LifterMuscleState flexed(lifter_reference_subject(), {{"knee_angle", -90.0}, {"ankle_angle", 0.0}});
  const double pf_straight = straight.max_isometric_moment_full_activation_Nm("ankle_angle", -1, true);
  const double pf_flexed = flexed.max_isometric_moment_full_activation_Nm("ankle_angle", -1, true);
  EXPECT_GE(pf_straight, 154.4 - 37.8) << "knee extended";
  EXPECT_LE(pf_straight, 154.4 + 37.8) << "knee extended";
  EXPECT_GE(pf_flexed, 93.1 - 22.3) << "knee flexed";
  EXPECT_LE(pf_flexed, 93.1 + 22.3) << "knee flexed";
  EXPECT_LT(pf_flexed / pf_straight, 0.85) << "flexing the knee lowers plantarflexion";
}

// In the state of the inverse pipeline (active force at the relaxed fibre length) the model's
// plantarflexion moment-angle curve has another shape than Anderson's. From the neutral ankle to 30 deg
// of dorsiflexion its ratio to Anderson's mean curve falls from about 1.5 to 0.65 (4.3 to 1.8 before the
// strength rule; the curve peaks near 5 deg of plantarflexion, Anderson's young men at 23 deg of
// dorsiflexion). A specific tension or a
// scale to measured strength multiplies every angle alike, so it keeps that spread, while landing inside
// the band (c1 +- SD) at every angle allows a spread of at most (c1 + SD) / (c1 - SD) = 1.6. The model
// includes passive force (largest in dorsiflexion) and Anderson's curve is active only, so the active
// spread is wider still. Angles from the neutral ankle to 30 deg of dorsiflexion, around Anderson's
// peak. The cause is that state, not a parameter (next tests): relaxed, the gastrocnemius medialis
// sits at 1.20 of its optimal fibre length at the neutral ankle (knee straight) and 1.44 at 30 deg of
// dorsiflexion, on the descending limb, so the moment falls with dorsiflexion.
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
  // With the strength rule (set at full activation) this state lies above the band near the neutral
  // ankle and below it at 30 deg of dorsiflexion.
  EXPECT_GT(highest, 1.0 + kAnkleExtension.c1_sd / kAnkleExtension.c1) << "near the neutral ankle";
  EXPECT_LT(lowest, 1.0 - kAnkleExtension.c1_sd / kAnkleExtension.c1) << "at 30 deg of dorsiflexion";
}

// The plantarflexors' operating range at full activation (issue #5). In vivo the triceps surae work on
// the ascending limb of their force-length relation in maximal plantarflexion: the gastrocnemius from
// moments at systematically varied knee and ankle angles ("Experimental determination of force-length
// relations of intact human gastrocnemius muscles", Clin Biomech 1991, 6:230-238, University of
// Calgary; PubMed abstract) and in 24 of 28 young adults by the same method (Winter & Challis 2008, J Appl
// Biomech 24:207-214, abstract: 3 on the descending limb, 1 on the plateau); the triceps surae from
// fixed-end maximal contractions at 18 deg of plantarflexion to 24 deg of dorsiflexion in 14 subjects,
// on the ascending limb and plateau in 12 (Holzer et al. 2020, Sci Rep 10:19559, abstract, PMC7658232).
// Their fibres shorten during the contraction by a tendon stretch ultrasound measures: from 15 deg of
// dorsiflexion to 30 deg of plantarflexion gastrocnemius medialis, lateralis and soleus fibres shorten
// by 15-28 mm (32-34 %) at rest but 8-10 mm (27-30 %) during maximal contractions (six men, Maganaris,
// Baltzopoulos & Sargeant 1998, J Physiol 512:603-614, abstract, PMC2231202). The model, each muscle at
// full activation (its tendon at up to 4.9 % strain), puts every triceps surae muscle below its optimal
// fibre length from 30 deg of plantarflexion to the neutral ankle, its fibres lengthening with
// dorsiflexion, with the knee straight and flexed: the ascending limb. Relaxed (the pipeline's state)
// the gastrocnemius medialis is above it from 15 deg of plantarflexion on (knee straight).
// Not matched: the size of the excursion during maximal contractions. From 15 deg of dorsiflexion to
// 30 deg of plantarflexion (knee straight) the model's fibres shorten by 29-30 mm relaxed (31, 34 and
// 50 % for the lateralis, medialis and soleus) and by 19-30 mm at full activation (36-42 %), against
// Maganaris's 8-10 mm (27-30 %) during maximal contractions: in vivo the larger tendon stretch at the
// stronger, dorsiflexed angles takes up more of the excursion than the model's tendon (4.9 % strain at
// F0, the default of Rajagopal's file) does. Recorded, not asserted (docs/models.md).
TEST(LifterStrength, TricepsSuraeAtFullActivationWorkOnTheAscendingLimbInPlantarflexion) {
  const BuiltModel& b = lifter_reference_subject();
  for (double knee : {0.0, -90.0})
    for (const char* name : {"soleus", "gastrocnemius_medialis", "gastrocnemius_lateralis"}) {
      double previous = 0;
      for (double ankle : {-30.0, -20.0, -10.0, 0.0}) {
        const LifterMuscleState s(b, {{"knee_angle", knee}, {"ankle_angle", ankle}});
        const double l = s.full_activation_state(s.muscle(name)).normalized_fiber_length;
        EXPECT_LT(l, 1.0) << name << ", ankle " << ankle << " deg, knee " << knee << " deg";
        EXPECT_GT(l, previous) << name << ", ankle " << ankle << " deg, knee " << knee << " deg";
        previous = l;
      }
    }
  const LifterMuscleState neutral(b);
  EXPECT_GT(neutral.muscle_data().normalized_fiber_length[neutral.muscle("gastrocnemius_medialis")], 1.1)
      << "relaxed gastrocnemius medialis at the neutral ankle";
}

// Fibre shortening by the contraction is larger at longer fibre lengths (Kawakami et al.
// 1998, J Appl Physiol 85:398-404, abstract at scilit.com: six men, ankle at 15 deg of dorsiflexion to 30 deg of
// plantarflexion, knee at 0, 45 and 90 deg). The model: from the relaxed to the full-activation
// equilibrium the fibres shorten by 12-16 mm at the longest of those postures (knee straight, 15 deg of
// dorsiflexion) and by 1-2 mm at the shortest (knee 90 deg, 30 deg of plantarflexion), where the
// muscles, short and slack, develop little force to stretch the tendon.
// Known gap: the same abstract's passive fascicle lengths change from 59, 65 and 43 mm (gastrocnemius
// medialis, lateralis, soleus; knee straight, 15 deg of dorsiflexion) to 32, 41 and 30 mm (knee 90 deg,
// 30 deg of plantarflexion); the model's relaxed fibres from 87, 97 and 57 mm to 24, 31 and 29 mm:
// the gastrocnemii's fibres span 3.2-3.6 times their shortest length against 1.6-1.8 in vivo, because
// the model's relaxed tendon barely stretches and its fibres take the whole excursion, while in vivo
// the tendon takes about half of a relaxed gastrocnemius' lengthening (six subjects: 52 +- 12 % of the
// muscle-tendon unit's lengthening above its slack length, "Passive mechanical properties of human
// gastrocnemius muscle tendon units, muscle fascicles and tendons in vivo", J Exp Biol 2007,
// 210:4159, abstract). Asserted so that the test fails when the gastrocnemii change.
TEST(LifterStrength, TricepsSuraeShortenMoreByContractionAtLongerLengths) {
  const BuiltModel& b = lifter_reference_subject();
  const LifterMuscleState longest(b, {{"knee_angle", 0.0}, {"ankle_angle", 15.0}});
  const LifterMuscleState shortest(b, {{"knee_angle", -90.0}, {"ankle_angle", -30.0}});
  const auto shortening_m = [](const LifterMuscleState& s, int i) {
    return s.muscle_data().fiber_length[i] - s.full_activation_state(i).fiber_length_m;
  };
  for (const char* name : {"soleus", "gastrocnemius_medialis", "gastrocnemius_lateralis"}) {
    const int i = longest.muscle(name);
    EXPECT_GT(shortening_m(longest, i), 0.010) << name;
    EXPECT_GT(shortening_m(longest, i), 3.0 * shortening_m(shortest, i)) << name;
  }
  for (const char* name : {"gastrocnemius_medialis", "gastrocnemius_lateralis"}) {
    const int i = longest.muscle(name);
    const double span = longest.muscle_data().fiber_length[i] / shortest.muscle_data().fiber_length[i];
    EXPECT_GT(span, 2.5) << name << ": known gap, in vivo 59 / 32 and 65 / 41 mm";
  }
}

// Not the moment arm: the Achilles moment arm grows from dorsiflexion to plantarflexion in vivo, at rest
// from 4.3 cm at 15 deg of dorsiflexion to 5.6 cm at 30 deg of plantarflexion (Maganaris,
// Baltzopoulos & Sargeant 2000, Eur J Appl Physiol 83:363-369, abstract; ratio 1.30). The model's
// triceps surae moment arms grow the same way but less (soleus 3.72 -> 4.52 cm, gastrocnemius medialis
// 4.12 -> 4.31, lateralis 4.05 -> 4.35: ratios 1.07-1.22), so their angle dependence favours
// plantarflexion less than the human one does and cannot be what moves the model's peak there.
TEST(LifterStrength, TricepsSuraeMomentArmsGrowTowardsPlantarflexionLessThanInVivo) {
  const LifterMuscleState dorsi(lifter_reference_subject(), {{"ankle_angle", 15.0}});
  const LifterMuscleState plantar(lifter_reference_subject(), {{"ankle_angle", -30.0}});
  for (const char* name : {"soleus", "gastrocnemius_medialis", "gastrocnemius_lateralis"}) {
    const double ratio = plantar.moment_arm_m(name, "ankle_angle") / dorsi.moment_arm_m(name, "ankle_angle");
    EXPECT_GT(ratio, 1.0) << name;
    EXPECT_LT(ratio, 5.6 / 4.3) << name;
  }
}

// Why the plantarflexion curve peaks in plantarflexion in the pipeline's state: the active force is
// taken at the relaxed fibre length. With each muscle at full activation the tendon stretch moves the
// fibres 25-33 % of their optimal length down the ascending limb, so the moment's peak moves to
// dorsiflexion as Anderson's does (23 deg): 5 deg with the knee straight, 15 deg with it flexed 45 deg,
// 20 deg with it flexed 90 deg (pipeline state: 5 deg of plantarflexion, the neutral ankle, 5 deg of
// dorsiflexion). (With the knee straight it was 10 deg until the gastrocnemii's second wrap cylinders,
// over the femoral condyles, were applied on 2026-11-27: held off the condyles, their paths and fibres
// are longer with the knee straight, further down the descending limb.) From the neutral ankle to 30
// deg of dorsiflexion the ratio to Anderson's mean curve then spreads by 1.69 (knee straight; 1.58
// before), 1.20 (knee 45 deg) and 1.15 (knee 90 deg), within the 1.6 a
// single factor on the forces could bring inside the band (asserted with the knee flexed; straight it
// is just above it; the knee posture of Anderson's ankle test is not known here), against 2.37 (2.44
// before), 2.23 and 1.64 in the pipeline's state.
// Tried, not adopted (docs/models.md): tendon slack lengths of the triceps surae lengthened (x1.014,
// 1.041, 1.033) so that, relaxed at the neutral pose, each sits at the normalised fibre length of Delp
// et al. 1990's muscle in its own geometry (gait2392; about 0.93, 0.98, 1.01): the full-activation
// peak moves to 20 deg of dorsiflexion (knee straight, 361 N m, spread 1.08) and 25 deg (knee 90 deg,
// 232 N m), the lifts move by under 1.5 %; but how Delp et al. chose those lengths could not be read,
// so the transfer would be fitted to the curve it is tested against.
TEST(LifterStrength, PlantarflexionAtFullActivationPeaksInDorsiflexion) {
  const double band_spread =
      (kAnkleExtension.c1 + kAnkleExtension.c1_sd) / (kAnkleExtension.c1 - kAnkleExtension.c1_sd);
  for (double knee : {0.0, -45.0, -90.0}) {
    double peak_full_deg = -90, peak_full = 0, peak_relaxed_deg = -90, peak_relaxed = 0;
    double lowest = 1e9, highest = 0, lowest_relaxed = 1e9, highest_relaxed = 0;
    for (double ankle = -30.0; ankle <= 30.0; ankle += 5.0) {
      const LifterMuscleState s(lifter_reference_subject(), {{"knee_angle", knee}, {"ankle_angle", ankle}});
      const double full = s.max_isometric_moment_full_activation_Nm("ankle_angle", -1, /*one_side=*/true);
      const double relaxed = s.max_isometric_moment_Nm("ankle_angle", -1, /*one_side=*/true);
      if (full > peak_full) peak_full = full, peak_full_deg = ankle;
      if (relaxed > peak_relaxed) peak_relaxed = relaxed, peak_relaxed_deg = ankle;
      if (ankle < 0.0) continue;
      const double anderson = anderson_active_Nm(kAnkleExtension, ankle);
      lowest = std::min(lowest, full / anderson);
      highest = std::max(highest, full / anderson);
      lowest_relaxed = std::min(lowest_relaxed, relaxed / anderson);
      highest_relaxed = std::max(highest_relaxed, relaxed / anderson);
    }
    EXPECT_GE(peak_full_deg, knee == 0.0 ? 5.0 : 10.0) << "knee " << knee << " deg: full-activation peak in dorsiflexion";
    EXPECT_LE(peak_relaxed_deg, 5.0) << "knee " << knee << " deg: pipeline-state peak";
    EXPECT_LT(highest / lowest, highest_relaxed / lowest_relaxed) << "knee " << knee << " deg";
    if (knee != 0.0) {
      EXPECT_LT(highest / lowest, band_spread) << "knee " << knee << " deg";
    }
  }
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
