#include "muscle/sample_muscles.hpp"

#include <numbers>

#include <fmt/format.h>

#include "spatial/spatial.hpp"

namespace dembones::samples {
namespace {

HillParams hill(double f0_N, double l_opt_m, double l_ts_m, double penn_deg) {
  HillParams p;
  p.max_isometric_force_N = f0_N;
  p.optimal_fiber_length_m = l_opt_m;
  p.tendon_slack_length_m = l_ts_m;
  p.pennation_at_optimal_rad = penn_deg * std::numbers::pi / 180.0;
  return p;
}

PathPointSpec pt(const std::string& body, double x, double y, double z) {
  PathPointSpec p;
  p.body = body;
  p.p_B_m = Vec3(x, y, z);
  return p;
}

PathPointSpec conditional_pt(const std::string& body, double x, double y, double z,
                            const std::string& coordinate, double lo, double hi) {
  PathPointSpec p = pt(body, x, y, z);
  p.condition_coordinate = coordinate;
  p.range_min = lo;
  p.range_max = hi;
  return p;
}

WrapSpec cylinder(const std::string& body, const Vec3& centre, double radius, int direction,
                 int after_point, const Mat3& R = Mat3::Identity()) {
  WrapSpec w;
  w.kind = WrapKind::kCylinder;
  w.body = body;
  w.X_BS = SE3(R, centre);
  w.radius_m = radius;
  w.direction = direction;
  w.after_point = after_point;
  return w;
}

WrapSpec sphere(const std::string& body, const Vec3& centre, double radius, int after_point) {
  WrapSpec w;
  w.kind = WrapKind::kSphere;
  w.body = body;
  w.X_BS = SE3(Mat3::Identity(), centre);
  w.radius_m = radius;
  w.after_point = after_point;
  return w;
}

}  // namespace

Model pendulum_model() {
  Model m;
  SpatialInertia I;
  I.mass = 2.0;
  I.com = Vec3(0, -0.3, 0);
  I.inertia_about_com = Mat3::Identity() * 0.01;
  add_body(m, 0, Joint::revolute(Vec3::UnitZ()), SE3::Identity(), I, "pendulum", {"swing"});
  finalize(m);
  return m;
}

std::vector<MuscleSpec> leg_and_trunk_muscles(const std::string& suffix, double side) {
  const double s = side;
  const std::string t = s > 0 ? "_r" : "_l";
  const std::string femur = "femur" + t, tibia = "tibia" + t, foot = "foot" + t;
  // Hip centre in the pelvis frame (human20: (-0.07, -0.07, 0.08 s)); knee centre at femur (0, -0.4, 0);
  // ankle centre at tibia (0, -0.43, 0).
  std::vector<MuscleSpec> m;
  const auto add = [&](const std::string& name, HillParams p, std::vector<PathPointSpec> path,
                       std::vector<WrapSpec> wraps, std::vector<std::string> groups,
                       std::vector<std::string> roots) {
    MuscleSpec spec;
    spec.name = name + t + suffix;
    spec.params = p;
    spec.path = std::move(path);
    spec.wraps = std::move(wraps);
    spec.groups = std::move(groups);
    spec.nerve_roots = std::move(roots);
    m.push_back(std::move(spec));
  };
  // Psoas: anterior lumbar spine (torso) forward over the pelvic brim and back to the lesser
  // trochanter; wraps the anterior face of a medio-lateral cylinder on the pelvis.
  add("psoas", hill(1426.8, 0.1169, 0.0995, 12.3),
      {pt("torso", 0.03, -0.03, 0.03 * s), pt(femur, -0.01, -0.06, 0.0)},
      {cylinder("pelvis", Vec3(0.0, -0.05, 0.07 * s), 0.02, -1, 0)}, {"hip_flexors", "core", "iliopsoas"},
      {"L1-L3"});
  add("iliacus", hill(1021.1, 0.1066, 0.0961, 16.0),
      {pt("pelvis", -0.04, 0.03, 0.08 * s), pt("pelvis", 0.0, -0.06, 0.08 * s), pt(femur, -0.002, -0.056, 0.014 * s)},
      {}, {"hip_flexors", "iliopsoas"}, {"L2-L4"});
  // Gluteus maximus over a cylinder at the hip (axis z, posterior side).
  add("glmax", hill(1406.0, 0.157, 0.0679, 21.0),
      {pt("pelvis", -0.16, 0.0, 0.05 * s), pt(femur, -0.03, -0.10, 0.03 * s)},
      {cylinder("pelvis", Vec3(-0.07, -0.07, 0.08 * s), 0.06, +1, 0)}, {"glutes", "hip_extensors"}, {"L5-S2"});
  // Gluteus medius over a sphere at the femoral head.
  add("glmed", hill(1093.5, 0.073, 0.0558, 18.1),
      {pt("pelvis", -0.06, 0.05, 0.12 * s), pt(femur, -0.02, -0.01, 0.05 * s)},
      {sphere("pelvis", Vec3(-0.07, -0.07, 0.08 * s), 0.045, 0)}, {"glutes", "hip_abductors"}, {"L4-S1"});
  add("semimem", hill(2201.0, 0.069, 0.3476, 14.6),
      {pt("pelvis", -0.10, -0.11, 0.06 * s), pt(tibia, -0.03, -0.04, -0.02 * s)}, {},
      {"hamstrings", "hip_extensors", "knee_flexors"}, {"L5-S1"});
  add("bflh", hill(1313.2, 0.0976, 0.3252, 10.1),
      {pt("pelvis", -0.10, -0.12, 0.06 * s), pt(tibia, -0.034, -0.035, 0.025 * s), pt(tibia, -0.029, -0.046, 0.03 * s)},
      {}, {"hamstrings", "hip_extensors", "knee_flexors"}, {"L5-S2"});
  // Rectus femoris and vasti over a cylinder at the knee (axis z, anterior side), with a
  // patella-like via point active only near extension (conditional, as OpenSim's knee models).
  add("recfem", hill(2191.7, 0.0759, 0.4485, 12.4),
      {pt("pelvis", 0.0, -0.04, 0.09 * s), conditional_pt(femur, 0.045, -0.36, 0.0, "knee_angle" + t, -0.3, 0.2),
       pt(tibia, 0.04, -0.07, 0.0)},
      {cylinder(femur, Vec3(0.0, -0.4, 0.0), 0.035, -1, 1)}, {"quadriceps", "hip_flexors"}, {"L2-L4"});
  add("vaslat", hill(5148.8, 0.0994, 0.2206, 14.5),
      {pt(femur, 0.005, -0.185, 0.035 * s), pt(femur, 0.027, -0.259, 0.041 * s), pt(tibia, 0.04, -0.07, 0.005 * s)},
      {cylinder(femur, Vec3(0.0, -0.4, 0.0), 0.035, -1, 1)}, {"quadriceps", "vasti"}, {"L2-L4"});
  add("vasmed", hill(2747.8, 0.0968, 0.1999, 24.2),
      {pt(femur, 0.014, -0.21, 0.019 * s), pt(femur, 0.036, -0.277, 0.001 * s), pt(tibia, 0.04, -0.07, -0.007 * s)},
      {cylinder(femur, Vec3(0.0, -0.4, 0.0), 0.035, -1, 1)}, {"quadriceps", "vasti"}, {"L2-L4"});
  // Gastrocnemius: femoral condyles to the calcaneus, over a cylinder behind the knee.
  add("gasmed", hill(3115.5, 0.051, 0.3987, 9.5),
      {pt(femur, -0.02, -0.37, -0.02 * s), pt(foot, -0.05, 0.03, 0.0)},
      {cylinder(femur, Vec3(0.0, -0.4, 0.0), 0.025, +1, 0)}, {"calf", "plantarflexors"}, {"S1-S2"});
  // Soleus over a sphere at the back of the heel (foot frame).
  add("soleus", hill(6194.8, 0.044, 0.2768, 21.9),
      {pt(tibia, -0.02, -0.09, 0.01 * s), pt(foot, -0.06, -0.02, 0.0)},
      {sphere(foot, Vec3(-0.035, 0.015, 0.0), 0.02, 0)}, {"calf", "plantarflexors"}, {"S1-S2"});
  // Tibialis anterior over a cylinder in front of the ankle (tibia frame).
  add("tibant", hill(1227.5, 0.0683, 0.2405, 11.2),
      {pt(tibia, 0.015, -0.13, 0.016 * s), pt(tibia, 0.02, -0.37, -0.013 * s), pt(foot, 0.10, -0.03, -0.03 * s)},
      {cylinder(tibia, Vec3(0.0, -0.43, 0.0), 0.035, -1, 1)}, {"dorsiflexors"}, {"L4-L5"});
  // Trunk: Anderson & Pandy (1999) lumped muscles as in Hamner 2010 (attachments adapted to the tree).
  add("ercspn", hill(2500.0, 0.12, 0.03, 0.0),
      {pt("pelvis", -0.14, 0.044, 0.044 * s), pt("torso", -0.055, 0.11, 0.024 * s)},
      {cylinder("torso", Vec3(0.0, 0.0, 0.0), 0.035, -1, 0)}, {"core", "erector_spinae", "back_extensors"},
      {"T12-L5"});
  add("intobl", hill(900.0, 0.10, 0.10, 0.0),
      {pt("pelvis", -0.04, 0.07, 0.116 * s), pt("torso", 0.07, 0.16, 0.015 * s)}, {}, {"core", "obliques"},
      {"T7-L1"});
  add("extobl", hill(900.0, 0.12, 0.14, 0.0),
      {pt("pelvis", -0.03, -0.064, 0.01 * s), pt("torso", 0.065, 0.11, 0.11 * s)}, {}, {"core", "obliques"},
      {"T5-T12"});
  // Rectus abdominis (Christophy et al. 2012: 263 N, 0.2986 m, 0.081 m) with a conditional via point on
  // the torso active in flexion (lumbar_extension < -0.2).
  add("recabd", hill(263.0, 0.2986, 0.081, 0.0),
      {pt("pelvis", 0.04, -0.07, 0.03 * s), conditional_pt("torso", 0.10, 0.05, 0.03 * s, "lumbar_extension", -1.5, -0.2),
       pt("torso", 0.12, 0.30, 0.04 * s)},
      {}, {"core", "abdominals"}, {"T7-T12"});
  return m;
}

std::vector<MuscleSpec> human20_muscles(int n_muscles) {
  std::vector<MuscleSpec> out;
  for (int copy = 1; static_cast<int>(out.size()) < n_muscles; ++copy) {
    const std::string suffix = copy == 1 ? std::string() : fmt::format("_{}", copy);
    for (const double side : {1.0, -1.0}) {
      for (MuscleSpec& m : leg_and_trunk_muscles(suffix, side)) {
        if (static_cast<int>(out.size()) < n_muscles) out.push_back(std::move(m));
      }
    }
  }
  return out;
}

}  // namespace dembones::samples
