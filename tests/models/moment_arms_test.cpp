// Issue #5: moment arms of models/lifter.yaml at the neutral standing posture (every coordinate zero,
// reference subject: de Leva 1996 male, 1.741 m, 73 kg) against published in vivo measurements. The
// engine's moment arm is r = -dl/dq over the whole path (wraps and the moving patella included), the
// same quantity as /muscles/moment_arm in the output; groups of fascicles are reduced as
// scripts/validate.py does (mean over the fascicles that cross the level, weighted by maximum
// isometric force). Each reference range and its source is next to its check.
//
// Not checked here: the hip extensors through hip flexion beyond the gluteus maximus curve below (no in
// vivo curve for the hamstrings or the adductor magnus was readable: the in vivo CT values of Nemeth &
// Ohlsen 1985 for them, and Visser et al. 1990's cadaver biceps femoris, were found only as abstracts or
// first pages; hip_extensor_arms_test.cpp compares them, into deep flexion, with Dostal & Andrews
// 1981's cadaver lines); the erector spinae per lumbar level against a per-level published table
// (Jorgensen et al. 2001's tables were not readable).
//
// The erector spinae moment arm is a known gap (docs/models.md, tests/validation/cases.yaml): its check
// asserts where the model stands today and fails when a geometry change moves it, so the gap is either
// closed (then assert the published range and set the validation case to `validated`) or explained.
// Measured as MRI measures it (distance behind the joint centre in the disc plane), the model's erector
// spinae is inside the published range at L4/L5 and at its edge at L5/S1 (the last test).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "models/lifter_muscle_state.hpp"

namespace dembones {
namespace {

using lifter_test::LifterMuscleState;
using lifter_test::lifter_reference_subject;

constexpr double kCm = 0.01;

const LifterMuscleState& standing() {
  static const LifterMuscleState s(lifter_reference_subject());
  return s;
}

// Patellar tendon / quadriceps at the knee, full extension. MRI of the knee of healthy adults at 0,
// 20, 40 and 60 deg of flexion: patellar tendon moment arm 42.55 +- 4.20 mm at full extension
// (Hosseinzadeh, Barzegari, Taghipour, Mehr Aein & Gholinia 2020, Arch Bone Jt Surg 8:641-645,
// abstract); accepted: mean +- 2 SD, 34.15-50.95 mm. In the model the patella is a moving point of
// the femur, so a quadriceps' r about the knee is the effective quadriceps moment arm: the patellar
// tendon moment arm times the patellar-ligament / quadriceps-tendon force ratio, 1/0.86 near full
// extension (Buff, Jones & Hungerford 1988, J Biomech 21:17-23: F_Q/F_P = 0.86 at 10 deg, the value
// the model's patellofemoral site uses). Accepted band: 34.15/0.86 - 50.95/0.86 mm = 39.7-59.2 mm.
TEST(LifterMomentArms, QuadricepsAtTheKneeMatchPatellarTendonMri) {
  constexpr double kQuadOverPatellarForce = 0.86;  // Buff et al. 1988, 10 deg of flexion
  const double lo = (42.55e-3 - 2 * 4.20e-3) / kQuadOverPatellarForce;
  const double hi = (42.55e-3 + 2 * 4.20e-3) / kQuadOverPatellarForce;
  for (const char* m : {"vastus_lateralis", "vastus_medialis", "vastus_intermedius", "rectus_femoris"}) {
    const double r = standing().moment_arm_m(m, "knee_angle");  // extension positive
    EXPECT_GE(r, lo) << m;
    EXPECT_LE(r, hi) << m;
  }
}

// Quadriceps at 90 deg of knee flexion (deep flexion: sit-to-stand, knee bend, squat lifts). No in
// vivo effective quadriceps moment arm at 90 deg was found readable in this session (the dynamic MRI of
// 40 adults, "The effective quadriceps and patellar tendon moment arms relative to the tibiofemoral
// finite helical axis", J Biomech, PMC4662057, abstract, stops at 50 deg: 31.5-32.9 mm), so this check
// is against Rajagopal et al. 2016's own mechanism, recomputed without the engine from their OpenSim
// file by scripts/models/knee_extensor_check.py (walker knee translation, patellofemoral track and
// KnExt_at_fem cylinder, sagittal part, on the lifter's reference bones: thigh x1.0347, shank x1.1105):
// vastus intermedius 2.25 cm, vastus medialis 2.04 cm (the full 3D walker knee: 2.14 / 1.89 cm
// unscaled). Tolerance 0.15 cm: the spline interpolation between the patella track's 10-deg knots and
// the script's central differences (agreement at 10-70 deg is within 0.06 cm). The lifter's vastus
// lateralis wraps Lai et al. 2017's KnExtVL cylinder instead and is not compared. The same script
// showed that the Yamaguchi & Zajac 1989 tibiofemoral translation the lifter used before put the
// patellar ligament 1.2 cm closer to the knee centre at 90 deg (F_P/F_Q 0.75 instead of 0.54).
TEST(LifterMomentArms, VastiAtNinetyDegreesReproduceRajagopalsExtensorMechanism) {
  const LifterMuscleState flexed(lifter_reference_subject(), {{"knee_angle", -90.0}});
  EXPECT_NEAR(flexed.moment_arm_m("vastus_intermedius", "knee_angle"), 2.25 * kCm, 0.15 * kCm);
  EXPECT_NEAR(flexed.moment_arm_m("vastus_medialis", "knee_angle"), 2.04 * kCm, 0.15 * kCm);
  // Deep flexion costs the quadriceps more than half its leverage of full extension (Rajagopal: 4.7 ->
  // 2.3 cm); the in vivo trend from 10 to 50 deg (47 -> 32 mm, PMC4662057) points the same way.
  EXPECT_LT(flexed.moment_arm_m("vastus_intermedius", "knee_angle"),
            0.6 * standing().moment_arm_m("vastus_intermedius", "knee_angle"));
}

// Quadriceps tendon excursion, the integral of the effective quadriceps moment arm over flexion, in ten
// cadaver legs under constant quadriceps tension: 66.2 +- 5.51 mm from 0 to 90 deg of knee flexion,
// 5.40 +- 0.67 mm from 80 to 90 deg (the smallest 10-deg increment; abstract read at
// scilit.com/publications/9a11931f3c4a76a74db37cc38ad6cb6c, attributed to Wendt & Johnson 1985,
// J Bone Joint Surg Am 67:726-732, from memory: authors and journal not shown there). The model's path
// length difference between the two postures is the same integral; the cadaver tendon was pulled as a
// whole, so the model's four heads are averaged, weighted by maximum isometric force (each head is
// printed when a check fails). 0-90 deg: accepted mean +- 2 SD, 55.2-77.2 mm; the model gives about
// 59 mm. 80-90 deg: the model gives about 4.07 mm (Rajagopal et al. 2016's own geometry 3.7-4.2 mm
// per vastus, scripts/models/knee_extensor_check.py), an effective moment arm of 23 mm against the
// cadavers' 31 +- 4 mm: at the lower edge of mean - 2 SD (4.06 mm), a known gap of Rajagopal's patella
// track in deep flexion (it raises the quadriceps force needed there by about a quarter), asserted as
// below mean - 1 SD so that a change of the track must revisit it.
TEST(LifterMomentArms, QuadricepsExcursionMatchesCadaverData) {
  const BuiltModel& built = lifter_reference_subject();
  const LifterMuscleState at0(built), at80(built, {{"knee_angle", -80.0}}), at90(built, {{"knee_angle", -90.0}});
  double full = 0, last = 0, weight = 0;
  std::string heads;
  for (const char* m : {"vastus_intermedius", "vastus_medialis", "vastus_lateralis", "rectus_femoris"}) {
    const int i = at0.muscle(m);
    const double f0 = built.muscles.params[i].max_isometric_force_N;
    const double d_full = at90.muscle_data().length[i] - at0.muscle_data().length[i];
    const double d_last = at90.muscle_data().length[i] - at80.muscle_data().length[i];
    full += f0 * d_full;
    last += f0 * d_last;
    weight += f0;
    heads += std::string(" ") + m + " " + std::to_string(d_full * 1e3) + " / " + std::to_string(d_last * 1e3) + " mm;";
  }
  full /= weight;
  last /= weight;
  EXPECT_GE(full, (66.2 - 2 * 5.51) * 1e-3) << heads;
  EXPECT_LE(full, (66.2 + 2 * 5.51) * 1e-3) << heads;
  EXPECT_LT(last, (5.40 - 0.67) * 1e-3) << heads;  // known gap
  EXPECT_GT(last, (5.40 - 3 * 0.67) * 1e-3) << heads;
}

// Patellar tendon at 60 deg of flexion: MRI of healthy adults, 36.18 +- 2.90 mm (Hosseinzadeh et al.
// 2020, Arch Bone Jt Surg 8:641-645, abstract; perpendicular distance to the knee axis); mean +- 2 SD:
// 30.4-42.0 mm. The model's patellar-ligament moment arm is the quadriceps' r divided by its F_P/F_Q
// (the patella lever, engine/muscle/muscle_set.cpp). Rajagopal's track gives about 44 mm here, above
// that band: a known gap, asserted so that a change of the track must revisit it. Cadaver screw-axis
// measurements peak at 40-60 mm near 45 deg (Krevolin, Pandy & Pearce 2004, J Biomech 37:785-788,
// abstract), so the gap may lie partly in the axis definition of the MRI study.
TEST(LifterMomentArms, PatellarTendonAtSixtyDegreesIsAKnownGapAboveMri) {
  const BuiltModel& built = lifter_reference_subject();
  const LifterMuscleState flexed(built, {{"knee_angle", -60.0}});
  const int i = flexed.muscle("vastus_intermedius");
  const int tibia = built.model.find_body("tibia");
  double tendon_over_quadriceps = 0.0;
  for (int b = built.muscles.body_begin[i]; b < built.muscles.body_begin[i + 1]; ++b) {
    if (built.muscles.bodies[b] == tibia) tendon_over_quadriceps = flexed.muscle_data().body_wrench_W[b].linear.norm();
  }
  ASSERT_GT(tendon_over_quadriceps, 0.0);
  const double r_pt = flexed.moment_arm_m("vastus_intermedius", "knee_angle") / tendon_over_quadriceps;
  EXPECT_GT(r_pt, (36.18 + 2 * 2.90) * 1e-3);  // known gap: above the MRI band
  EXPECT_LT(r_pt, 60e-3);                      // within the cadaver peak range
}

// Achilles tendon at the ankle, neutral. MRI, centre-of-rotation method, ankle at 0 deg and the foot
// neutral in inversion/eversion: 47.93 +- 4.54 mm (Wolfram, Morse, Winwood, Hodson-Tole & McEwan 2018,
// R Soc Open Sci 5:171358, abstract; 11 participants); accepted: mean +- 2 SD, 38.9-57.0 mm. The
// resting means of Maganaris, Baltzopoulos & Sargeant 2000 (Eur J Appl Physiol 83:363-369, abstract:
// 4.3-5.6 cm from 15 deg of dorsiflexion to 30 deg of plantarflexion) lie inside that band. The
// model's triceps surae share the Achilles insertion on the calcaneus; plantarflexion is the negative
// ankle direction.
TEST(LifterMomentArms, TricepsSuraeAtTheAnkleMatchAchillesMri) {
  const double lo = 47.93e-3 - 2 * 4.54e-3;
  const double hi = 47.93e-3 + 2 * 4.54e-3;
  for (const char* m : {"soleus", "gastrocnemius_medialis", "gastrocnemius_lateralis"}) {
    const double r = -standing().moment_arm_m(m, "ankle_angle");
    EXPECT_GE(r, lo) << m;
    EXPECT_LE(r, hi) << m;
  }
}

// Gluteus maximus at the hip, neutral: 7.5 cm at 5 deg of hip flexion in vivo (Nemeth & Ohlsen 1985,
// J Biomech 18:129-140, computed tomography), 4.6 cm at 0 deg in the cadaver straight-line model of
// Dostal, Soderberg & Andrews 1986 (Phys Ther 66:351-361); both values as tabulated from the papers
// by Modenese & Kohout 2020 (Ann Biomed Eng, doi 10.1007/s10439-020-02490-4; repository
// modenaxe/3d-muscles).
// Accepted: the force-weighted mean of the three Rajagopal et al. 2016 parts between the two.
TEST(LifterMomentArms, GluteusMaximusAtTheHipBetweenCadaverAndInVivo) {
  const double r = -standing().force_weighted_moment_arm_m("gluteus_maximus_*", "hip_flexion");  // extensor
  EXPECT_GE(r, 4.6 * kCm);
  EXPECT_LE(r, 7.5 * kCm);
}

// Gluteus maximus through hip flexion (the lever of the hip extension a lift needs): in vivo moment arm
// from computed tomography at 5-90 deg of hip flexion (Nemeth & Ohlsen 1985, J Biomech 18:129-140),
// falling from 7.5 cm at 5 deg to 3.1 cm at 90 deg; the values in 5-deg steps as transcribed from the
// paper by Modenese & Kohout 2020 (repository modenaxe/3d-muscles, d1_Table1_mom_arms_compare.m).
// Accepted: the model's force-weighted mean within 20 % of theirs at every angle. No spread between
// subjects is at hand; at the neutral posture the in vivo and cadaver values (above) differ by 39 %,
// so the check asks the model to follow the in vivo curve within half that. The model gives 0.83-1.04
// of it (shorter near extension, equal at 90 deg): the hip extension strength gap (strength_test.cpp)
// is not gluteus maximus leverage.
TEST(LifterMomentArms, GluteusMaximusThroughHipFlexionFollowsInVivoCurve) {
  const std::vector<double> nemeth_cm = {7.5, 7.4, 7.2, 7.0, 6.9, 6.6, 6.4, 6.2, 5.9,
                                         5.6, 5.4, 5.1, 4.8, 4.4, 4.1, 3.8, 3.4, 3.1};  // 5, 10, ..., 90 deg
  for (std::size_t i = 0; i < nemeth_cm.size(); ++i) {
    const double hip_deg = 5.0 * static_cast<double>(i + 1);
    const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", hip_deg}});
    const double r = -s.force_weighted_moment_arm_m("gluteus_maximus_*", "hip_flexion");  // extensor
    EXPECT_GE(r, 0.8 * nemeth_cm[i] * kCm) << "hip flexion " << hip_deg << " deg";
    EXPECT_LE(r, 1.2 * nemeth_cm[i] * kCm) << "hip flexion " << hip_deg << " deg";
  }
}

// Hamstrings at the hip, neutral posture, against the cadaver straight-line model of Dostal & Andrews
// 1981 (J Biomech 14:803-812), whose moment arms Dostal, Soderberg & Andrews 1986 (Phys Ther
// 66:351-361) tabulated at the anatomical position. Dostal's Table 1 coordinates (cm; origin at the
// hip centre, x anterior, y superior, z lateral; pelvis origin, femur insertion), as transcribed in
// RWTHmediTEC/HipJointForceModel, data/Dostal1981.m (Fischer et al. 2021, J Biomech 110526). Their
// straight lines give the extension moment arm about the medio-lateral axis through the hip centre
// computed below; the same computation gives 4.58 cm for their gluteus maximus, the 4.6 cm of Dostal et
// al. 1986 as tabulated by Modenese & Kohout 2020 (the test above), which is how the transcription and
// the construction are checked against the published table: semimembranosus 4.50 cm, semitendinosus
// 5.55 cm, biceps femoris (long head) 5.51 cm.
// Accepted (stated before comparing): each muscle within 20 % of Dostal's, the tolerance of the gluteus
// maximus curve above (half the 39 % by which Dostal's cadaver value and the in vivo value of Nemeth &
// Ohlsen 1985 differ for the one hip extensor both give); no spread between specimens is given. Two
// differences the band has to hold, both stated rather than corrected: Dostal's pelvis is larger (16.9
// cm between the hip centres against 15.5 cm in Rajagopal et al. 2016's pelvis, a ratio of 0.91), and
// the two pelvic frames' neutral orientations need not agree (near neutral the model's hamstrings gain
// about 0.07 cm per degree of hip flexion). The model gives about 0.95 (semimembranosus) and 0.87 (the
// others) of Dostal's values, 1.04 and 0.95 after the size ratio.
// Through hip flexion the model's force-weighted hamstrings moment arm rises to about 5.9 cm at 30-45
// deg and falls to 3.9 cm at 90 deg (no in vivo curve at hand, see the top of the file; against Dostal's
// lines turned through flexion: hip_extensor_arms_test.cpp).
struct DostalLine {
  const char* dostal_name;
  const char* lifter_muscle;
  Vec3 origin_cm;     // on the pelvis
  Vec3 insertion_cm;  // on the femur (tibia at full knee extension)
};

// Extension moment arm (cm) of a straight line about the medio-lateral (z) axis through the hip centre
// (the origin): the moment of a unit pull on the insertion towards the origin, sign flipped so that an
// extensor is positive.
double dostal_extension_moment_arm_cm(const DostalLine& m) {
  const Vec3 pull = (m.origin_cm - m.insertion_cm).normalized();
  return -m.insertion_cm.cross(pull).z();
}

TEST(LifterMomentArms, HamstringsAtTheHipMatchDostalsCadaverModel) {
  const DostalLine gluteus_maximus{"gluteus maximus", "", Vec3(-8.7, 6.8, -4.4), Vec3(-0.9, -10.3, 4.7)};
  // The construction reproduces the published gluteus maximus value (4.6 cm, to its rounding).
  EXPECT_NEAR(dostal_extension_moment_arm_cm(gluteus_maximus), 4.6, 0.05);
  const std::array<DostalLine, 3> hamstrings = {{
      {"semimembranosus", "semimembranosus", Vec3(-4.4, -3.1, -0.8), Vec3(-2.9, -42.8, -3.4)},
      {"semitendinosus", "semitendinosus", Vec3(-5.3, -3.6, -1.3), Vec3(-2.2, -43.3, -4.0)},
      {"biceps femoris", "biceps_femoris_long_head", Vec3(-5.3, -3.6, -1.3), Vec3(-2.3, -44.1, 3.9)},
  }};
  for (const DostalLine& m : hamstrings) {
    const double dostal = dostal_extension_moment_arm_cm(m) * kCm;
    const double model = -standing().moment_arm_m(m.lifter_muscle, "hip_flexion");  // extensor
    EXPECT_GE(model, 0.8 * dostal) << m.dostal_name << ": model " << model / kCm << " cm, Dostal " << dostal / kCm;
    EXPECT_LE(model, 1.2 * dostal) << m.dostal_name << ": model " << model / kCm << " cm, Dostal " << dostal / kCm;
  }
}

// The hamstrings are larger levers at the hip than at the knee: "The hamstrings' maximum moment arms are
// greater at the hip than knee" (Kellis & Blazevich 2022, BMC Sports Sci Med Rehabil 14:166, narrative
// review, abstract), and in six cadaver limbs "the effect of changing the hip angle on the biceps femoris
// muscle length is much larger than that of changing the knee angle" (Visser, Hoogkamer, Bobbert &
// Huijing 1990, Eur J Appl Physiol 61:453-460, abstract, read on its first page at studylib.net). Each
// muscle's largest extension moment arm over 0-90 deg of hip flexion (knee straight) against its largest
// flexion moment arm over 0-120 deg of knee flexion (hip neutral). Model: semimembranosus 5.5 / 4.7 cm,
// semitendinosus 6.7 / 5.9 cm, biceps femoris long head 6.2 / 4.7 cm. Not asserted: Visser et al. also
// found the biceps femoris moment arm at the knee constant over the whole range of knee flexion, while
// the model's (Rajagopal et al. 2016's path) goes from 3.2 cm at full extension to 4.7 cm at 45 deg and
// 1.4 cm at 120 deg; no value was given in the abstract to compare with.
TEST(LifterMomentArms, HamstringsAreLongerLeversAtTheHipThanAtTheKnee) {
  for (const char* m : {"semimembranosus", "semitendinosus", "biceps_femoris_long_head"}) {
    double hip_max = 0, knee_max = 0;
    for (double deg = 0; deg <= 90.0; deg += 15.0) {
      const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", deg}});
      hip_max = std::max(hip_max, -s.moment_arm_m(m, "hip_flexion"));  // extensor
    }
    for (double deg = 0; deg <= 120.0; deg += 15.0) {
      const LifterMuscleState s(lifter_reference_subject(), {{"knee_angle", -deg}});
      knee_max = std::max(knee_max, -s.moment_arm_m(m, "knee_angle"));  // flexor (extension positive)
    }
    EXPECT_GT(knee_max, 0.0) << m;
    EXPECT_GT(hip_max, knee_max) << m << ": hip " << hip_max / kCm << " cm, knee " << knee_max / kCm << " cm";
  }
}

// Rectus abdominis, sagittal moment arm: about 7-10 cm at the lumbar levels in the MRI database of
// Jorgensen, Marras, Granata & Wiand 2001, Clin Biomech 16:182-193 (range as stated in issue #5);
// 8.5 cm at L4/L5 and 9.8 cm at L5/S1 in upright standing (Jorgensen, Marras, Smith & Pope 2005,
// Clin Biomech 20:242-246, abstract). The lifter's rectus abdominis follows the abdominal wall through
// via points placed at the 2005 standing distances in front of each intervertebral joint centre
// (scripts/models/make_lifter.py), so this checks that construction (the path between the via points
// and the pubis and ribs keeps the moment arm in the published range), not an independent prediction.
// Christophy et al. 2012's straight pubis-to-ribs line gave 5.6 cm at L4/L5 and 6.4 cm at L5/S1.
TEST(LifterMomentArms, RectusAbdominisFollowsTheAbdominalWall) {
  for (const char* level : {"L1_L2_extension", "L2_L3_extension", "L3_L4_extension", "L4_L5_extension",
                            "L5_S1_extension"}) {
    const double r = -standing().force_weighted_moment_arm_m("rect_abd", level);  // a flexor
    EXPECT_GE(r, 7.0 * kCm) << level;
    EXPECT_LE(r, 10.0 * kCm) << level;
  }
}

// External and internal obliques: all twelve Christophy et al. 2012 fascicles per side, EO1-EO4 and
// IO1-IO3 with their "Abdomen" points as via points on the abdominal wall and their aponeuroses along
// it (scripts/models/make_lifter.py, docs/models.md). Acting on both sides the obliques flex the trunk
// (Standring 2016, Gray's Anatomy 41st ed.): every wall fascicle is a flexor at each lumbar level it
// spans at the neutral posture, and the wall keeps them in front of the spine (no further than the
// rectus abdominis' 10 cm at the lower levels). No published oblique moment arm was at hand, so no
// value is asserted. Their groups and nerve roots put them under the weak_core impairment
// (`weak_muscle` on `abdominals`) and the T7-T12 / L1 roots (Standring 2016).
TEST(LifterMomentArms, ObliquesOnTheAbdominalWallFlexTheLumbarSpine) {
  const BuiltModel& b = lifter_reference_subject();
  for (const char* name : {"EO1", "EO2", "EO3", "EO4", "EO5", "EO6", "IO1", "IO2", "IO3", "IO4", "IO5", "IO6"}) {
    const int i = b.muscles.find_muscle(name);
    ASSERT_GE(i, 0) << name;
    const auto& groups = b.muscles.groups[i];
    EXPECT_NE(std::find(groups.begin(), groups.end(), "abdominals"), groups.end()) << name;
  }
  for (const char* name : {"EO1", "EO2", "EO3", "EO4", "IO1", "IO2", "IO3"})
    for (const char* level : {"L4_L5_extension", "L5_S1_extension"}) {
      const double r = -standing().moment_arm_m(name, level);  // flexor: positive
      EXPECT_GT(r, 1.0 * kCm) << name << " " << level;
      EXPECT_LT(r, 10.0 * kCm) << name << " " << level;
    }
}

// Erector spinae (iliocostalis lumborum, longissimus thoracis pars thoracis and lumborum) at L4/L5 and
// L5/S1: about 5-7 cm in the MRI database of Jorgensen et al. 2001, Clin Biomech 16:182-193 (range as
// stated in issue #5; validation case erector_spinae_arm_L4_L5).
// Known gap: Christophy et al. 2012's own fascicle geometry gives 4.2 cm (L5/S1) and 4.7 cm (L4/L5)
// with this reduction (computed from the published path points and joint centres by finite
// differences of path length; the port reproduces it, docs/models.md). Christophy's muscle file wraps
// 13 of these fascicles over surfaces (Cylinder, Cylinder2, Chest_r) whose geometry is not in the
// public skeleton model; the lifter stands in for them with via points 6 cm behind the L4/L5 and
// L5/S1 joint centres (the middle of that MRI range) where such a fascicle runs closer and the point
// lowers none of its moment arms (scripts/models/make_lifter.py). That moves the means by less than
// 1 mm: the gap is in the fascicles Christophy does not wrap (next test). Multifidus sits closer to
// the spine, as in vivo.
TEST(LifterMomentArms, ErectorSpinaeIsAKnownGapBelowMri) {
  const double r45 = standing().force_weighted_moment_arm_m("erector_spinae", "L4_L5_extension");
  const double r51 = standing().force_weighted_moment_arm_m("erector_spinae", "L5_S1_extension");
  EXPECT_GT(r45, 4.0 * kCm);
  EXPECT_GT(r51, 3.5 * kCm);
  EXPECT_LT(r45, 5.0 * kCm);
  EXPECT_LT(r51, 5.0 * kCm);
  const double mf45 = standing().force_weighted_moment_arm_m("multifidus", "L4_L5_extension");
  EXPECT_GT(mf45, 0.0);
  EXPECT_LT(mf45, r45);
}

// Why the erector spinae gap at L5/S1 is not the missing wrap surfaces: even if every fascicle that
// Christophy et al. 2012 wrap (their muscle file's `wrapobject` lines: iliocostalis L1-L4, R5-R6,
// longissimus pars thoracis T1-T5 and R12, pars lumborum L1) sat at the via points' 6 cm, the middle
// of the MRI range (Jorgensen et al. 2001), the force-weighted mean at L5/S1 would stay below the
// range's 5 cm, because the fascicles they do not wrap carry two thirds of the force there at about
// 3.9 cm. (At the top of the range, 7 cm, it would reach 4.97 cm.)
TEST(LifterMomentArms, ErectorSpinaeL5S1GapLiesInTheFasciclesChristophyDoesNotWrap) {
  const std::vector<std::string> wrapped = {"IL_L1",    "IL_L2",    "IL_L3",    "IL_L4",   "IL_R5",
                                            "IL_R6",    "LTpT_T1",  "LTpT_T2",  "LTpT_T3", "LTpT_T4",
                                            "LTpT_T5",  "LTpT_R12", "LTpL_L1"};
  const auto& built = lifter_reference_subject();
  const int k = standing().coordinate("L5_S1_extension");
  double sum_unwrapped = 0, f_unwrapped = 0, f_wrapped = 0;
  for (int i : select(built.muscles, "erector_spinae")) {
    const double r = standing().muscle_data().moment_arm(k, i);
    if (std::abs(r) <= 1e-4) continue;  // does not cross L5/S1 (the reduction of validate.py)
    const double f0 = built.muscles.params[i].max_isometric_force_N;
    if (std::find(wrapped.begin(), wrapped.end(), built.muscles.names[i]) != wrapped.end()) {
      f_wrapped += f0;
    } else {
      sum_unwrapped += r * f0;
      f_unwrapped += f0;
    }
  }
  ASSERT_GT(f_wrapped, 0.0);
  ASSERT_GT(f_unwrapped, 0.0);
  EXPECT_GT(f_unwrapped, f_wrapped);
  const double wrapped_at_via_points = (sum_unwrapped + 6.0 * kCm * f_wrapped) / (f_unwrapped + f_wrapped);
  EXPECT_LT(wrapped_at_via_points, 5.0 * kCm);
  EXPECT_LT(sum_unwrapped / f_unwrapped, 5.0 * kCm);
}

// The erector spinae per lumbar level, measured as MRI measures it. MRI and CT give the distance from
// the vertebral body (or disc) centroid to the muscle's cross-sectional centroid in a transverse slice
// (Jorgensen et al. 2001, abstract: "between the muscle centroid and vertebral body centroid ... at each
// vertebral level", read at c.coek.info; McGill, Santaguida & Stevens, "Measurement of the trunk
// musculature from T5 to L5 using MRI scans of 15 young males corrected for muscle fibre orientation",
// abstract on semanticscholar.org: "distances from muscle centroids to their respective intervertebral
// disc centroid"), while the model's moment arm is
// -dl/dq about the intervertebral joint centre. The like-for-like quantity in the model: where each
// fascicle's path crosses the disc's mid-plane (the plane through the joint centre normal to the disc
// frame's normal, the lifter's joint-load site), its distance behind the joint centre along the site's
// antero-posterior axis, averaged over the fascicles that cross the plane weighted by maximum isometric
// force (the lifter's erector spinae forces are Christophy et al. 2012's PCSA times one factor, so this is
// a PCSA weighting; the MRI centroid weights anatomical area). A fascicle attached above the plane on both
// sides (iliocostalis from the iliac crest at L5/S1) lies outside that slice, as in the image.
struct LevelLever {
  double moment_arm_m = 0;     // force-weighted -dl/dq of the fascicles that cross the plane
  double plane_distance_m = 0; // force-weighted distance behind the joint centre in the disc mid-plane
  int crossing = 0;            // fascicles with a moment arm that cross the plane
  int not_crossing = 0;        // fascicles with a moment arm whose path stays on one side of the plane
};

LevelLever lever_in_disc_plane(const LifterMuscleState& s, const std::string& selector, const std::string& level) {
  const BuiltModel& b = lifter_reference_subject();
  const auto site = std::find_if(b.sites.begin(), b.sites.end(), [&](const BuiltJointLoadSite& x) { return x.name == level; });
  EXPECT_NE(site, b.sites.end()) << level;
  if (site == b.sites.end()) return {};
  const SE3 X_W_disc = s.data().oMb[site->frame_body] * site->X_body_site;
  const Vec3 centre = X_W_disc.translation;
  const Vec3 normal = X_W_disc.rotation.col(site->normal_axis);
  const Vec3 anterior = X_W_disc.rotation.col(site->anterior_axis);
  const int k = s.coordinate(level + "_extension");
  LevelLever out;
  double weight = 0;
  for (int i : select(b.muscles, selector)) {
    const double r = s.muscle_data().moment_arm(k, i);
    if (std::abs(r) <= 1e-4) continue;  // does not cross the level (the reduction of validate.py)
    // The back muscles have neither wraps nor conditional or moving points: the path is the polyline.
    EXPECT_EQ(b.muscles.wrap_begin[i], b.muscles.wrap_begin[i + 1]) << b.muscles.names[i];
    bool crossed = false;
    for (int p = b.muscles.point_begin[i]; p + 1 < b.muscles.point_begin[i + 1] && !crossed; ++p) {
      EXPECT_LT(b.muscles.points[p].condition_q, 0) << b.muscles.names[i];
      EXPECT_LT(b.muscles.points[p].moving_q, 0) << b.muscles.names[i];
      const Vec3 a = s.data().oMb[b.muscles.points[p].body].act(b.muscles.points[p].p_B_m);
      const Vec3 c = s.data().oMb[b.muscles.points[p + 1].body].act(b.muscles.points[p + 1].p_B_m);
      const double ha = (a - centre).dot(normal), hc = (c - centre).dot(normal);
      if (ha * hc > 0 || ha == hc) continue;
      const Vec3 x = a + (ha / (ha - hc)) * (c - a);
      const double f0 = b.muscles.params[i].max_isometric_force_N;
      out.plane_distance_m += -(x - centre).dot(anterior) * f0;
      out.moment_arm_m += r * f0;
      weight += f0;
      crossed = true;
    }
    ++(crossed ? out.crossing : out.not_crossing);
  }
  EXPECT_GT(weight, 0.0) << selector << " " << level;
  if (weight > 0) {
    out.plane_distance_m /= weight;
    out.moment_arm_m /= weight;
  }
  return out;
}

// Model, reference subject, neutral posture (force-weighted; erector spinae = iliocostalis and
// longissimus; cm):                         L1/L2  L2/L3  L3/L4  L4/L5  L5/S1
//   moment arm -dl/dq, all that cross        3.9    4.1    4.6    4.8    4.2
//   moment arm of those in the disc plane    3.9    4.1    4.6    4.8    4.8
//   distance in the disc plane               4.0    4.3    4.9    5.1    5.0
// With the multifidus (MRI cannot always part it from the erector spinae at the lowest levels) the
// distance is 4.0, 4.3, 4.8, 5.05, 4.9 cm. Measured as MRI measures it, the model's erector spinae lies
// inside the 5-7 cm quoted for L4/L5 and at its lower edge at L5/S1 (issue #5; Jorgensen et al. 2001).
// Two effects separate the quantities. At L5/S1 the selection: 8 of the 29 fascicles with a moment arm
// there (iliocostalis from the iliac crest, above the disc plane) are not in the slice, and their short
// levers pull the moment arm of all fascicles down from 4.8 to 4.2 cm. At every level the obliquity: a
// fascicle running at an angle to the disc's normal has a shorter lever about the joint centre than its
// distance behind it (0.1-0.3 cm here). Two differences stay: MRI measures from the vertebral body or
// disc centroid, the model from Christophy's joint centre (where that centre lies in the disc is not in
// the model, which has no vertebral geometry); and the per-level, per-sex values of Jorgensen et al. 2001
// were not readable (the full text was found only as its first page), so no level is compared with a
// per-level published value.
TEST(LifterMomentArms, ErectorSpinaeInTheDiscPlaneAsMriMeasuresIt) {
  for (const char* level : {"L1_L2", "L2_L3", "L3_L4", "L4_L5", "L5_S1"}) {
    const LevelLever es = lever_in_disc_plane(standing(), "erector_spinae", level);
    EXPECT_GT(es.crossing, 0) << level;
    // A fascicle's lever about the joint centre cannot exceed its distance in the plane through that
    // centre (equal only where it runs along the disc normal): checks the construction at every level.
    EXPECT_LE(es.moment_arm_m, es.plane_distance_m + 1e-9) << level;
    EXPECT_GT(es.moment_arm_m, 0.0) << level;
  }
  const LevelLever l45 = lever_in_disc_plane(standing(), "erector_spinae", "L4_L5");
  EXPECT_GE(l45.plane_distance_m, 5.0 * kCm) << "L4/L5 " << l45.plane_distance_m / kCm << " cm";
  EXPECT_LE(l45.plane_distance_m, 7.0 * kCm) << "L4/L5 " << l45.plane_distance_m / kCm << " cm";
  // L5/S1: at the lower edge of the range, just below it (a known gap of a few tenths of a millimetre,
  // asserted so that a geometry change must revisit it); the iliocostalis fascicles from the iliac crest
  // stay above this plane.
  const LevelLever l51 = lever_in_disc_plane(standing(), "erector_spinae", "L5_S1");
  EXPECT_LT(l51.plane_distance_m, 5.0 * kCm) << "L5/S1 " << l51.plane_distance_m / kCm << " cm";
  EXPECT_GT(l51.plane_distance_m, 4.5 * kCm) << "L5/S1 " << l51.plane_distance_m / kCm << " cm";
  EXPECT_GT(l51.not_crossing, 0);
  // Obliquity at L4/L5 (0.26 cm) and selection at L5/S1 (0.57 cm), as described above.
  EXPECT_GT(l45.plane_distance_m - l45.moment_arm_m, 0.2 * kCm);
  EXPECT_GT(l51.moment_arm_m - standing().force_weighted_moment_arm_m("erector_spinae", "L5_S1_extension"), 0.4 * kCm);
}

}  // namespace
}  // namespace dembones
