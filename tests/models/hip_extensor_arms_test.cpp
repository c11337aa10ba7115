// Issue #5 / #10: the hip extensors' sagittal moment arms of models/lifter.yaml from full extension into
// the deep flexion of sit-to-stand and squat lifts (0-120 deg of hip flexion), against what published
// data could be read, as a model test and as the check of one suspected cause of the hip contact force
// gaps (docs/validation.md: the sit-to-stand peak sits at about 110 deg of hip flexion, where the
// model's extensors have 1.9-3.4 cm levers). Reference subject (de Leva 1996 male, 1.741 m, 73 kg);
// r = -dl/dq about hip_flexion, so an extensor's arm is -r. The model's values, per muscle, with the
// knee straight (with the knee flexed 90 deg the one-joint muscles are identical and the hamstrings
// within 0.2 cm; docs/models.md "Hip extensor moment arms in deep flexion" sets them beside the published
// values):
//
//   hip flexion (deg)              0     15    30    45    60    75    90   105   120
//   gluteus_maximus_1            5.03  4.62  4.48  4.28  3.94  3.53  3.11  2.74  2.53
//   gluteus_maximus_2            6.37  5.84  5.32  4.84  4.23  3.55  2.83  2.11  1.47
//   gluteus_maximus_3            7.52  7.73  7.43  6.83  6.01  5.04  3.95  2.77  1.53
//   biceps_femoris_long_head     4.82  5.72  6.16  6.16  5.76  5.02  4.01  2.79  1.43
//   semimembranosus              4.29  5.09  5.48  5.49  5.13  4.47  3.56  2.47  1.25
//   semitendinosus               4.79  5.91  6.53  6.66  6.35  5.66  4.66  3.42  2.03
//   adductor_magnus_distal       2.26  3.57  4.49  4.99  5.11  4.88  4.38  3.65  2.76
//   adductor_magnus_ischial      3.90  5.09  5.83  6.11  5.97  5.46  4.64  3.58  2.35
//   adductor_magnus_middle      -0.45  0.86  2.02  2.93  3.51  3.79  3.79  3.54  3.11
//   adductor_magnus_proximal    -2.30 -1.86 -1.22 -0.44  0.39  1.14  1.75  2.17  2.40
//
// Published data read for this file (the searches and what was not readable are listed in
// docs/models.md): the in vivo gluteus maximus curve of Nemeth & Ohlsen 1985 (5-90 deg, computed
// tomography; checked point by point in moment_arms_test.cpp), and the straight-line cadaver geometry of
// Dostal & Andrews 1981 for the hamstrings and the adductor magnus, turned through flexion here. No
// readable source gave an in vivo value for any hip extensor beyond 90 deg of hip flexion, nor the
// hamstrings' or adductor magnus's in vivo curves (Nemeth & Ohlsen 1985 measured them, but only their
// gluteus maximus values were found, transcribed by Modenese & Kohout 2020).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "models/lifter_muscle_state.hpp"

namespace dembones {
namespace {

using lifter_test::LifterMuscleState;
using lifter_test::lifter_reference_subject;

constexpr double kCm = 0.01;

// Gluteus maximus and the four adductor magnus parts of Rajagopal et al. 2016 run from the pelvis to the
// femur, so their hip moment arms cannot depend on the knee angle: a check that no one-joint hip
// extensor's path (points, wrap surfaces) was attached to the tibia when the model was generated.
TEST(HipExtensorArms, OneJointExtensorsDoNotDependOnTheKnee) {
  const std::array<const char*, 7> one_joint = {"gluteus_maximus_1",      "gluteus_maximus_2",
                                                "gluteus_maximus_3",      "adductor_magnus_distal",
                                                "adductor_magnus_ischial", "adductor_magnus_middle",
                                                "adductor_magnus_proximal"};
  for (double hip_deg = 0; hip_deg <= 120.0; hip_deg += 15.0) {
    const LifterMuscleState straight(lifter_reference_subject(), {{"hip_flexion", hip_deg}});
    const LifterMuscleState flexed(lifter_reference_subject(), {{"hip_flexion", hip_deg}, {"knee_angle", -90.0}});
    for (const char* m : one_joint)
      EXPECT_NEAR(straight.moment_arm_m(m, "hip_flexion"), flexed.moment_arm_m(m, "hip_flexion"), 1e-9)
          << m << " at " << hip_deg << " deg";
  }
}

// Gluteus maximus into deep flexion. In vivo (computed tomography, Nemeth & Ohlsen 1985, J Biomech
// 18:129-140; values in 5-deg steps as transcribed from the paper by Modenese & Kohout 2020, Ann Biomed
// Eng, repository modenaxe/3d-muscles, d1_Table1_mom_arms_compare.m) the moment arm falls from 5.1 cm at
// 60 deg to 3.1 cm at 90 deg, the deepest angle measured, and is still falling there (3.4 cm at 85 deg).
// The model's force-weighted mean of its three parts follows that curve within 20 % from 5 to 90 deg
// (moment_arms_test.cpp); this test asks the question the sit-to-stand gap raises: does the model lose its
// gluteus maximus leverage faster than in vivo as the hip flexes deep? Over the deepest 30 deg measured it
// does not: the model keeps 0.69 of its 60-deg arm at 90 deg, the subjects kept 3.1/5.1 = 0.61. Beyond 90
// deg no measurement was found readable (Nemeth & Ohlsen stop at 90 deg); the model's arm keeps falling,
// as the in vivo curve does up to its last point, to 2.5 cm at 105 deg and 1.8 cm at 120 deg: the
// Rajagopal wrap cylinders (Gmax1-3_at_pelvis, 4 cm radius, axes 2-3 cm behind and 0.5-2 cm below the hip
// centre) set it there. Dostal's straight line for the gluteus maximus cannot stand in: without a wrap it
// passes in front of the hip centre beyond about 58 deg (a flexor), which is why the models wrap it.
TEST(HipExtensorArms, GluteusMaximusLosesLeverageNoFasterThanInVivoUpTo90Degrees) {
  constexpr double kNemeth60cm = 5.1, kNemeth90cm = 3.1;  // Nemeth & Ohlsen 1985 (Modenese & Kohout 2020)
  auto gluteus_maximus = [](double hip_deg) {
    const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", hip_deg}});
    return -s.force_weighted_moment_arm_m("gluteus_maximus_*", "hip_flexion");  // extensor
  };
  const double r60 = gluteus_maximus(60.0), r90 = gluteus_maximus(90.0);
  EXPECT_GE(r90 / r60, kNemeth90cm / kNemeth60cm) << "model " << r60 / kCm << " -> " << r90 / kCm << " cm";
  // Past the last measured angle the model keeps the in vivo curve's direction (no rise from a wrap
  // surface letting go), and stays an extensor through the model's whole flexion range.
  const double r105 = gluteus_maximus(105.0), r120 = gluteus_maximus(120.0);
  EXPECT_LT(r105, r90);
  EXPECT_LT(r120, r105);
  EXPECT_GT(r120, 0.0);
}

// Dostal & Andrews 1981 (J Biomech 14:803-812) straight-line cadaver model: their Table 1 coordinates
// (cm; origin at the hip centre, x anterior, y superior, z lateral; pelvis origin, femur insertion), as
// transcribed in RWTHmediTEC/HipJointForceModel, data/Dostal1981.m (Fischer et al. 2021, J Biomech
// 110526); moment_arms_test.cpp checks the transcription against Dostal, Soderberg & Andrews 1986's
// published neutral value for the gluteus maximus. The hamstrings' insertions are on the tibia: with the
// knee straight they move with the femur.
struct DostalLine {
  const char* dostal_name;
  const char* lifter_muscle;
  Vec3 origin_cm;     // on the pelvis
  Vec3 insertion_cm;  // on the femur (tibia at full knee extension)
};

const std::array<DostalLine, 3> kDostalHamstrings = {{
    {"semimembranosus", "semimembranosus", Vec3(-4.4, -3.1, -0.8), Vec3(-2.9, -42.8, -3.4)},
    {"semitendinosus", "semitendinosus", Vec3(-5.3, -3.6, -1.3), Vec3(-2.2, -43.3, -4.0)},
    {"biceps femoris", "biceps_femoris_long_head", Vec3(-5.3, -3.6, -1.3), Vec3(-2.3, -44.1, 3.9)},
}};

// Extension moment arm (cm) of the straight line with the femur flexed by hip_deg about the medio-lateral
// (z) axis through the hip centre: the insertion rotates with the femur (flexion carries the knee
// forward, +z rotation in this frame), the origin stays on the pelvis; the moment of a unit pull on the
// insertion towards the origin, sign flipped so that an extensor is positive.
double dostal_extension_moment_arm_cm(const DostalLine& m, double hip_deg) {
  const double a = hip_deg * std::numbers::pi / 180.0;
  const Vec3 insertion(m.insertion_cm.x() * std::cos(a) - m.insertion_cm.y() * std::sin(a),
                       m.insertion_cm.x() * std::sin(a) + m.insertion_cm.y() * std::cos(a), m.insertion_cm.z());
  const Vec3 pull = (m.origin_cm - insertion).normalized();
  return -insertion.cross(pull).z();
}

// Hamstrings through flexion against Dostal's straight lines. Neither model wraps the hamstrings about the
// hip, so both are straight lines there and the curves differ only by where the origin (the ischial
// tuberosity) sits round the hip centre and how far from it. Fitting the model's curve (0-120 deg, knee
// straight) with Dostal's, shifted by an angle and scaled, leaves residuals of 0.01-0.02 cm rms: the
// model's curve is Dostal's shifted about 6 (semimembranosus), 13 (semitendinosus) and 8 (biceps femoris)
// deg towards flexion, scaled 1.03, 1.04 and 0.98. The shift is where the ischial tuberosity sits round
// the hip centre in each pelvic frame at zero hip flexion (Dostal's frame has the anterior superior iliac
// spine and the pubic tubercle on one vertical line; the lifter's hip_flexion is measured from Rajagopal's
// pelvis frame, and the two need not agree), so at the same nominal hip angle the model's hamstrings sit
// 6-13 deg "less flexed" than Dostal's: near extension their arms are 5-14 % shorter
// (moment_arms_test.cpp), and in deep flexion, on the falling side of the curve, longer (at 105 deg: 2.5 /
// 3.4 / 2.8 cm against Dostal's 2.0 / 2.1 / 2.1 cm). So the model's short hamstring levers at the
// sit-to-stand peak are those of a cadaver's straight lines, not a porting error, and if anything longer.
// Asserted: the fit (residual below 0.1 cm rms, scale within 20 %, the file's tolerance for Dostal), a
// shift towards flexion (positive) and below 15 deg, so that a change of the hamstrings' origin or a hip
// wrap surface for them must revisit this; and, the consequence that matters for the contact force, the
// model's hamstrings not shorter than Dostal's at 90-120 deg.
TEST(HipExtensorArms, HamstringsAreDostalsStraightLinesShiftedTowardsFlexion) {
  std::vector<LifterMuscleState> states;
  std::vector<double> angles_deg;
  for (double deg = 0; deg <= 120.0; deg += 7.5) {
    states.emplace_back(lifter_reference_subject(), lifter_test::Posture{{"hip_flexion", deg}});
    angles_deg.push_back(deg);
  }
  for (const DostalLine& m : kDostalHamstrings) {
    std::vector<double> model_cm;
    for (const LifterMuscleState& s : states)
      model_cm.push_back(-s.moment_arm_m(m.lifter_muscle, "hip_flexion") / kCm);  // extensor
    double best_rms = 1e9, best_shift = 0, best_scale = 0;
    for (double shift = -30.0; shift <= 30.0; shift += 0.25) {
      double md = 0, dd = 0;
      for (std::size_t i = 0; i < angles_deg.size(); ++i) {
        const double d = dostal_extension_moment_arm_cm(m, angles_deg[i] - shift);
        md += model_cm[i] * d;
        dd += d * d;
      }
      const double scale = md / dd;  // least squares for this shift
      double sq = 0;
      for (std::size_t i = 0; i < angles_deg.size(); ++i) {
        const double e = model_cm[i] - scale * dostal_extension_moment_arm_cm(m, angles_deg[i] - shift);
        sq += e * e;
      }
      const double rms = std::sqrt(sq / static_cast<double>(angles_deg.size()));
      if (rms < best_rms) best_rms = rms, best_shift = shift, best_scale = scale;
    }
    EXPECT_LT(best_rms, 0.1) << m.dostal_name << ": shift " << best_shift << " deg, scale " << best_scale;
    EXPECT_GT(best_scale, 0.8) << m.dostal_name;
    EXPECT_LT(best_scale, 1.2) << m.dostal_name;
    EXPECT_GT(best_shift, 0.0) << m.dostal_name << ": scale " << best_scale << ", rms " << best_rms << " cm";
    EXPECT_LT(best_shift, 15.0) << m.dostal_name << ": scale " << best_scale << ", rms " << best_rms << " cm";
    for (std::size_t i = 0; i < angles_deg.size(); ++i) {
      if (angles_deg[i] < 90.0) continue;
      EXPECT_GE(model_cm[i], dostal_extension_moment_arm_cm(m, angles_deg[i]))
          << m.dostal_name << " at " << angles_deg[i] << " deg";
    }
  }
}

// Adductor magnus, the part from the ischial tuberosity to the adductor tubercle (Rajagopal's "ischial"
// part; Dostal's "posterior" part, origin (-4.8, -5.9, -3.4) cm, insertion (0.1, -40.4, -3.1) cm, same
// transcription), in deep flexion where it is one of the model's largest hip extensors at the
// sit-to-stand peak. Accepted: within 20 % of Dostal's straight line at 90, 105 and 120 deg (the
// tolerance moment_arms_test.cpp uses for Dostal's hamstrings at neutral; Dostal gives no spread). The
// model gives 0.89, 0.93 and 1.03 of Dostal's 5.2, 3.8 and 2.3 cm. Near extension it is shorter (3.9
// against 5.6 cm at 0 deg, not asserted): the model's origin sits 1.5 cm further forward. The other
// three parts have no counterpart with matching attachments in Dostal's table (his "middle" part
// inserts at mid-femur, between Rajagopal's middle and distal parts).
TEST(HipExtensorArms, AdductorMagnusIschialPartMatchesDostalInDeepFlexion) {
  const DostalLine posterior{"adductor magnus posterior", "adductor_magnus_ischial", Vec3(-4.8, -5.9, -3.4),
                             Vec3(0.1, -40.4, -3.1)};
  for (double deg : {90.0, 105.0, 120.0}) {
    const LifterMuscleState s(lifter_reference_subject(), {{"hip_flexion", deg}});
    const double model = -s.moment_arm_m(posterior.lifter_muscle, "hip_flexion");
    const double dostal = dostal_extension_moment_arm_cm(posterior, deg) * kCm;
    EXPECT_GE(model, 0.8 * dostal) << deg << " deg: model " << model / kCm << " cm, Dostal " << dostal / kCm;
    EXPECT_LE(model, 1.2 * dostal) << deg << " deg: model " << model / kCm << " cm, Dostal " << dostal / kCm;
  }
}

}  // namespace
}  // namespace dembones
