#pragma once
// Geometry straight from a ModelSpec, before any engine object exists: the pose of every body for
// given coordinate values (OpenSim joint convention, any root direction), whole-body centre of mass,
// and straight-line musculotendon lengths and moment arms (wrap surfaces ignored). Used by the model
// checks (tests/models) and by model_builder to place bodies; set-up code, not the per-frame loop.
#include <Eigen/Geometry>
#include <map>
#include <string>

#include "scenario/model_spec.hpp"

namespace dembones {

using CoordinateValues = std::map<std::string, double>;  // name -> rad or m; missing = default

// Rotation of an OpenSim X-Y-Z body-fixed sequence: R = Rx(a) Ry(b) Rz(c).
Eigen::Matrix3d rotation_xyz(const Eigen::Vector3d& angles_rad);

// Pose of the child body frame in the parent body frame (X_PC) for the joint's coordinate values.
Eigen::Isometry3d calc_joint_transform(const mspec::JointSpec& joint, const CoordinateValues& q);

// Pose of every body (and "ground") in the ground frame, X_GB.
std::map<std::string, Eigen::Isometry3d> calc_body_poses(const ModelSpec& spec,
                                                         const CoordinateValues& q = {});

// Whole-body centre of mass in ground (bodies counted `sides` times).
Eigen::Vector3d calc_center_of_mass(const ModelSpec& spec,
                                    const std::map<std::string, Eigen::Isometry3d>& X_GB);

// Location of a path point in its body frame at q: location_m, or a moving point's splines at its
// coordinate's value (0 when missing from q, as for conditional points).
Eigen::Vector3d calc_path_point_location(const mspec::PathPointSpec& point, const CoordinateValues& q);

// Straight-line path length through the active path points (conditional points by their range,
// moving points at their coordinate's value).
double calc_path_length(const mspec::MuscleSpec& muscle, const CoordinateValues& q,
                        const std::map<std::string, Eigen::Isometry3d>& X_GB);

// Moment arm r = -dl/dq about `coordinate` by central differences (step 1e-6), straight-line path.
double calc_moment_arm(const ModelSpec& spec, const mspec::MuscleSpec& muscle,
                       const std::string& coordinate, const CoordinateValues& q = {});

}  // namespace dembones
