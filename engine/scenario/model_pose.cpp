#include "scenario/model_pose.hpp"

#include <fmt/format.h>

#include <deque>

#include "multibody/spline.hpp"

namespace dembones {

using namespace mspec;  // NOLINT: the model-file parts

Eigen::Matrix3d rotation_xyz(const Eigen::Vector3d& a) {
  return (Eigen::AngleAxisd(a[0], Eigen::Vector3d::UnitX()) *
          Eigen::AngleAxisd(a[1], Eigen::Vector3d::UnitY()) *
          Eigen::AngleAxisd(a[2], Eigen::Vector3d::UnitZ()))
      .toRotationMatrix();
}

namespace {

double value_of(const CoordinateSpec& c, const CoordinateValues& q) {
  const auto it = q.find(c.name);
  return it == q.end() ? c.default_value : it->second;
}

Eigen::Isometry3d frame(const Eigen::Vector3d& p, const Eigen::Vector3d& angles) {
  Eigen::Isometry3d X = Eigen::Isometry3d::Identity();
  X.linear() = rotation_xyz(angles);
  X.translation() = p;
  return X;
}

}  // namespace

Eigen::Isometry3d calc_joint_transform(const JointSpec& j, const CoordinateValues& q) {
  // OpenSim: X_PC = X_P,Jp * X_Jp,Jc(q) * X_C,Jc^-1.
  Eigen::Isometry3d motion = Eigen::Isometry3d::Identity();
  switch (j.type) {
    case JointType::fixed: break;
    case JointType::revolute:
      motion.linear() = Eigen::AngleAxisd(value_of(j.coordinates[0], q), j.axis).toRotationMatrix();
      break;
    case JointType::prismatic:
      motion.translation() = j.axis * value_of(j.coordinates[0], q);
      break;
    case JointType::custom: {
      // SpatialTransform: translations in the parent joint frame, rotation about the axis.
      const double x = value_of(j.coordinates[0], q);
      motion.linear() = Eigen::AngleAxisd(j.rotation.eval(x), j.axis).toRotationMatrix();
      motion.translation() = Eigen::Vector3d(j.translation[0].eval(x), j.translation[1].eval(x),
                                             j.translation[2].eval(x));
      break;
    }
    case JointType::spherical:
    case JointType::free: {
      const std::size_t r0 = j.type == JointType::free ? 3 : 0;
      Eigen::Vector3d angles;
      for (int i = 0; i < 3; ++i) angles[i] = value_of(j.coordinates[r0 + i], q);
      motion.linear() = rotation_xyz(angles);
      if (j.type == JointType::free)
        for (int i = 0; i < 3; ++i) motion.translation()[i] = value_of(j.coordinates[i], q);
      break;
    }
  }
  return frame(j.location_in_parent_m, j.orientation_in_parent_rad) * motion *
         frame(j.location_in_child_m, j.orientation_in_child_rad).inverse();
}

std::map<std::string, Eigen::Isometry3d> calc_body_poses(const ModelSpec& spec,
                                                         const CoordinateValues& q) {
  std::map<std::string, Eigen::Isometry3d> X_GB{{"ground", Eigen::Isometry3d::Identity()}};
  // Breadth-first from ground over joints in either direction (the tree may be rooted anywhere).
  std::deque<std::string> todo{"ground"};
  while (!todo.empty()) {
    const std::string b = todo.front();
    todo.pop_front();
    for (const auto& j : spec.joints) {
      if (j.parent == b && !X_GB.count(j.child)) {
        X_GB[j.child] = X_GB.at(b) * calc_joint_transform(j, q);
        todo.push_back(j.child);
      } else if (j.child == b && !X_GB.count(j.parent)) {
        X_GB[j.parent] = X_GB.at(b) * calc_joint_transform(j, q).inverse();
        todo.push_back(j.parent);
      }
    }
  }
  if (X_GB.size() != spec.bodies.size() + 1)
    throw InputError(Location{spec.file, 0, 0, "joints"},
                     fmt::format("only {} of {} bodies are connected to ground", X_GB.size() - 1,
                                 spec.bodies.size()));
  return X_GB;
}

Eigen::Vector3d calc_center_of_mass(const ModelSpec& spec,
                                    const std::map<std::string, Eigen::Isometry3d>& X_GB) {
  Eigen::Vector3d sum = Eigen::Vector3d::Zero();
  double m = 0;
  for (const auto& b : spec.bodies) {
    const double mb = b.mass_kg * b.sides;
    sum += mb * (X_GB.at(b.name) * b.com_m);
    m += mb;
  }
  return sum / m;
}

Eigen::Vector3d calc_path_point_location(const PathPointSpec& p, const CoordinateValues& q) {
  if (!p.moving()) return p.location_m;
  const auto it = q.find(p.moving_coordinate);
  const double v = it == q.end() ? 0.0 : it->second;
  // The same natural cubic splines as the engine's moving point (multibody/spline.hpp).
  return {CubicSpline(p.moving_values_rad, p.moving_x_m).value(v),
          CubicSpline(p.moving_values_rad, p.moving_y_m).value(v),
          CubicSpline(p.moving_values_rad, p.moving_z_m).value(v)};
}

double calc_path_length(const MuscleSpec& muscle, const CoordinateValues& q,
                        const std::map<std::string, Eigen::Isometry3d>& X_GB) {
  double length = 0;
  Eigen::Vector3d prev = Eigen::Vector3d::Zero();
  bool first = true;
  for (const auto& p : muscle.path) {
    if (p.conditional()) {
      const auto it = q.find(p.coordinate);
      const double v = it == q.end() ? 0.0 : it->second;
      if (v < p.range_min || v > p.range_max) continue;
    }
    const Eigen::Vector3d g = X_GB.at(p.body) * calc_path_point_location(p, q);
    if (!first) length += (g - prev).norm();
    prev = g;
    first = false;
  }
  return length;
}

double calc_moment_arm(const ModelSpec& spec, const MuscleSpec& muscle,
                       const std::string& coordinate, const CoordinateValues& q) {
  const JointSpec* j = spec.find_coordinate_joint(coordinate);
  if (j == nullptr)
    throw InputError(Location{spec.file, 0, 0, "coordinates"},
                     fmt::format("unknown coordinate '{}'", coordinate));
  double q0 = 0;
  for (const auto& c : j->coordinates)
    if (c.name == coordinate) q0 = q.count(coordinate) ? q.at(coordinate) : c.default_value;
  const double h = 1e-6;
  CoordinateValues qp = q, qm = q;
  qp[coordinate] = q0 + h;
  qm[coordinate] = q0 - h;
  const double lp = calc_path_length(muscle, qp, calc_body_poses(spec, qp));
  const double lm = calc_path_length(muscle, qm, calc_body_poses(spec, qm));
  return -(lp - lm) / (2 * h);
}

}  // namespace dembones
