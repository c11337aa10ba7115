#include "multibody/sample_models.hpp"

#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>

namespace dembones::samples {
namespace {

// Uniform solid ellipsoid of semi-axes (a, b, c) [m] rotated by R about its centre (Featherstone's
// rigid-body inertia only needs a valid SPD tensor; ellipsoids guarantee the triangle inequality).
SpatialInertia ellipsoid(double mass_kg, const Vec3& com_m, const Vec3& semi_axes_m, const Mat3& R = Mat3::Identity()) {
  const Vec3 s2 = semi_axes_m.cwiseProduct(semi_axes_m);
  const Vec3 principal(mass_kg / 5.0 * (s2.y() + s2.z()), mass_kg / 5.0 * (s2.x() + s2.z()),
                       mass_kg / 5.0 * (s2.x() + s2.y()));
  SpatialInertia I;
  I.mass = mass_kg;
  I.com = com_m;
  I.inertia_about_com = R * principal.asDiagonal() * R.transpose();
  I.inertia_about_com = 0.5 * (I.inertia_about_com + I.inertia_about_com.transpose()).eval();
  return I;
}

Mat3 rot(const Vec3& axis, double angle) { return Eigen::AngleAxisd(angle, axis.normalized()).toRotationMatrix(); }

SE3 at(double x, double y, double z, const Mat3& R = Mat3::Identity()) { return SE3(R, Vec3(x, y, z)); }

struct Rng {
  std::mt19937 gen;
  explicit Rng(unsigned seed) : gen(seed) {}
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  Vec3 vec(double lo, double hi) { return Vec3(uniform(lo, hi), uniform(lo, hi), uniform(lo, hi)); }
  Mat3 rotation() {
    Eigen::Vector4d c(uniform(-1, 1), uniform(-1, 1), uniform(-1, 1), uniform(-1, 1));
    return Quat(c[0], c[1], c[2], c[3]).normalized().toRotationMatrix();
  }
  SpatialInertia inertia() {
    return ellipsoid(uniform(0.5, 5.0), vec(-0.1, 0.1), vec(0.03, 0.25), rotation());
  }
};

// A knee-like custom joint: flexion angle = q, and the child origin translating in the sagittal
// plane as smooth functions of flexion (the shape of OpenSim's knee, Yamaguchi & Zajac 1989 as used
// by Delp 1990; knot values here are illustrative, for testing exact spline kinematics).
CustomJointFunctions knee_functions() {
  CustomJointFunctions f;
  f.rotation_axis = Vec3::UnitZ();
  f.rotation = CoordinateFunction::Linear(1.0, 0.0);
  const std::vector<double> x{-2.09, -1.22, -0.52, 0.0, 0.17};
  f.translation_x = CoordinateFunction::Spline(x, {-0.0032, 0.0022, 0.0031, 0.0, -0.0011});
  f.translation_y = CoordinateFunction::Spline(x, {-0.4226, -0.4152, -0.4065, -0.3960, -0.3942});
  return f;
}

// Patellar motion as functions of knee flexion: tilt and a sagittal path of the patella origin in
// the femur frame (shape after the OpenSim knee's patella coupler, Delp 1990; illustrative knots).
CustomJointFunctions patella_functions() {
  CustomJointFunctions f;
  f.rotation_axis = Vec3::UnitZ();
  const std::vector<double> x{-2.09, -1.22, -0.52, 0.0, 0.17};
  f.rotation = CoordinateFunction::Spline(x, {-1.2, -0.75, -0.3, 0.0, 0.08});
  f.translation_x = CoordinateFunction::Spline(x, {0.005, 0.02, 0.04, 0.05, 0.052});
  f.translation_y = CoordinateFunction::Spline(x, {-0.42, -0.40, -0.37, -0.35, -0.345});
  return f;
}

// Lumbar rhythm: an intermediate level flexing by a nonlinear share of the lumbar angle.
CustomJointFunctions lumbar_rhythm_functions() {
  CustomJointFunctions f;
  f.rotation_axis = Vec3::UnitZ();
  f.rotation = CoordinateFunction::Spline({-1.0, -0.4, 0.0, 0.3, 0.6}, {-0.5, -0.17, 0.0, 0.11, 0.2});
  return f;
}

Model human20_impl(bool custom_knee, bool coupled = false) {
  Model m;
  const int pelvis = add_body(m, 0, Joint::free(), at(0, 0.95, 0),
                              ellipsoid(11.0, Vec3(-0.07, 0, 0), Vec3(0.12, 0.1, 0.16)), "pelvis",
                              {"pelvis_rx", "pelvis_ry", "pelvis_rz", "pelvis_tx", "pelvis_ty", "pelvis_tz"});
  int torso_parent = pelvis;
  if (coupled) {
    torso_parent = add_body(m, pelvis, Joint::coupled(lumbar_rhythm_functions(), "lumbar_extension"),
                            at(-0.1, 0.04, 0), ellipsoid(2.0, Vec3(0, 0.02, 0), Vec3(0.05, 0.03, 0.05)),
                            "lumbar_l3");
  }
  const int torso = add_body(m, torso_parent, Joint::revolute(Vec3::UnitZ()),
                             coupled ? at(0, 0.04, 0) : at(-0.1, 0.08, 0),
                             ellipsoid(27.0, Vec3(-0.03, 0.32, 0), Vec3(0.12, 0.3, 0.17)), "torso",
                             {"lumbar_extension"});
  add_body(m, torso, Joint::revolute(Vec3::UnitZ()), at(0, 0.45, 0),
           ellipsoid(5.0, Vec3(0, 0.12, 0), Vec3(0.09, 0.12, 0.08)), "head", {"neck_extension"});
  for (int side = 0; side < 2; ++side) {
    const double s = side == 0 ? 1.0 : -1.0;
    const std::string tag = side == 0 ? "_r" : "_l";
    const int femur = add_body(m, pelvis, Joint::spherical(), at(-0.07, -0.07, 0.08 * s),
                               ellipsoid(8.8, Vec3(0, -0.17, 0), Vec3(0.06, 0.2, 0.06)), fmt::format("femur{}", tag),
                               {fmt::format("hip_x{}", tag), fmt::format("hip_y{}", tag), fmt::format("hip_z{}", tag)});
    const Joint knee = custom_knee ? Joint::custom_joint(knee_functions()) : Joint::revolute(Vec3::UnitZ());
    const SE3 knee_frame = custom_knee ? at(0, 0, 0) : at(0, -0.4, 0);
    const int tibia = add_body(m, femur, knee, knee_frame,
                               ellipsoid(3.5, Vec3(0, -0.19, 0), Vec3(0.05, 0.2, 0.05)), fmt::format("tibia{}", tag),
                               {fmt::format("knee_angle{}", tag)});
    if (coupled) {
      add_body(m, femur, Joint::coupled(patella_functions(), fmt::format("knee_angle{}", tag)), at(0, 0, 0),
               ellipsoid(0.1, Vec3(0, 0, 0), Vec3(0.02, 0.025, 0.02)), fmt::format("patella{}", tag));
    }
    add_body(m, tibia, Joint::revolute(Vec3::UnitZ()), at(0, -0.43, 0),
             ellipsoid(1.2, Vec3(0.1, -0.03, 0), Vec3(0.1, 0.03, 0.04)), fmt::format("foot{}", tag), {fmt::format("ankle_angle{}", tag)});
    add_body(m, torso, Joint::revolute(Vec3::UnitZ()), at(0.0, 0.4, 0.17 * s),
             ellipsoid(3.0, Vec3(0, -0.25, 0), Vec3(0.04, 0.27, 0.04)), fmt::format("arm{}", tag), {fmt::format("shoulder_flexion{}", tag)});
  }
  finalize(m);
  return m;
}

Model random_impl(unsigned seed, int n_bodies, bool free_root, bool allow_custom) {
  Rng rng(seed);
  Model m;
  for (int i = 1; i <= n_bodies; ++i) {
    int parent = 0;
    if (i > 1) parent = rng.integer(free_root ? 1 : 0, i - 1);
    Joint joint;
    if (i == 1 && free_root) {
      joint = Joint::free();
    } else {
      const int kind = rng.integer(0, allow_custom ? 8 : 7);
      switch (kind) {
        case 0: joint = Joint::revolute(Vec3::UnitX()); break;
        case 1: joint = Joint::revolute(Vec3::UnitY()); break;
        case 2: joint = Joint::revolute(Vec3::UnitZ()); break;
        case 3: joint = Joint::revolute(rng.vec(-1, 1).normalized()); break;
        case 4: joint = Joint::prismatic(rng.vec(-1, 1).normalized()); break;
        case 5:
        case 6: joint = Joint::spherical(); break;
        case 7: joint = (rng.integer(0, 3) == 0) ? Joint::fixed() : Joint::revolute(Vec3::UnitZ()); break;
        default: {
          CustomJointFunctions f;
          f.rotation_axis = rng.vec(-1, 1).normalized();
          f.rotation = CoordinateFunction::Linear(rng.uniform(0.3, 1.5), rng.uniform(-0.2, 0.2));
          const std::vector<double> x{-2.0, -1.0, 0.0, 0.7, 2.0};
          auto ys = [&] {
            std::vector<double> y;
            for (int k = 0; k < 5; ++k) y.push_back(rng.uniform(-0.08, 0.08));
            return y;
          };
          f.translation_x = CoordinateFunction::Spline(x, ys());
          f.translation_y = CoordinateFunction::Spline(x, ys());
          f.translation_z = CoordinateFunction::Linear(rng.uniform(-0.05, 0.05), 0.01);
          joint = Joint::custom_joint(f);
          break;
        }
      }
    }
    add_body(m, parent, joint, SE3(rng.rotation(), rng.vec(-0.3, 0.3)), rng.inertia(), fmt::format("b{}", i));
  }
  finalize(m);
  return m;
}

}  // namespace

Model chain(int n_links) {
  Model m;
  const Vec3 axes[4] = {Vec3::UnitZ(), Vec3::UnitY(), Vec3::UnitX(), Vec3(1, 1, 0).normalized()};
  int parent = 0;
  for (int i = 0; i < n_links; ++i) {
    const SE3 X = i == 0 ? SE3::Identity() : at(0.0, -0.3, 0.0, rot(Vec3::UnitX(), 0.1 * i));
    SpatialInertia I = ellipsoid(1.0 + 0.1 * i, Vec3(0.01, -0.15, 0.005), Vec3(0.03, 0.16, 0.04),
                                 rot(Vec3(0, 1, 1), 0.2));
    parent = add_body(m, parent, Joint::revolute(axes[i % 4]), X, I, fmt::format("link{}", i + 1),
                      {fmt::format("q{}", i + 1)});
  }
  finalize(m);
  return m;
}

Model human20() { return human20_impl(false); }
Model human20_custom_knee() { return human20_impl(true); }
Model human20_coupled() { return human20_impl(false, true); }

Model tree40() {
  Rng rng(40);
  Model m;
  const int base = add_body(m, 0, Joint::free(), at(0, 1, 0), rng.inertia(), "base");
  // Spine: 2 spherical + 4 revolute (10 DoF); four limbs of spherical + 3 revolute (6 DoF each).
  int spine = base;
  for (int k = 0; k < 6; ++k) {
    const Joint j = k < 2 ? Joint::spherical() : Joint::revolute(k % 2 ? Vec3::UnitX() : Vec3::UnitZ());
    spine = add_body(m, spine, j, SE3(rng.rotation(), Vec3(0, 0.15, 0)), rng.inertia(), fmt::format("spine{}", k));
  }
  const int roots[4] = {base, base, base + 3, base + 3};
  for (int limb = 0; limb < 4; ++limb) {
    int b = roots[limb];
    for (int k = 0; k < 4; ++k) {
      const Joint j = k == 0 ? Joint::spherical()
                             : Joint::revolute(k == 1 ? Vec3::UnitZ() : (k == 2 ? Vec3::UnitX() : Vec3::UnitY()));
      b = add_body(m, b, j, SE3(rng.rotation(), rng.vec(-0.25, 0.25)), rng.inertia(),
                   fmt::format("limb{}_{}", limb, k));
    }
  }
  finalize(m);
  return m;
}

Model random_tree(unsigned seed, int n_bodies, bool free_root) { return random_impl(seed, n_bodies, free_root, true); }
Model random_tree_peer(unsigned seed, int n_bodies, bool free_root) {
  return random_impl(seed, n_bodies, free_root, false);
}

}  // namespace dembones::samples
