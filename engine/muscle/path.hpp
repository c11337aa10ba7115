#pragma once
// Muscle path description: origin, via points and insertion fixed in bodies, conditional via points
// (active only while one coordinate lies in a range, as OpenSim's ConditionalPathPoint), and wrapping
// surfaces (cylinders, spheres) fixed in bodies. The *Spec structs are the user-facing input, by names;
// MuscleSet resolves them into the index-based structs below once.
//
// Cylinders wrap either with a fixed turning direction (infinite cylinder; a path forced to the wrong
// side lets go when its wrap angle would pass half a turn) or with OpenSim's rules (finite cylinder,
// quadrant; wrap_cylinder_opensim), which model files use. Limits (documented, not hidden): a path
// point inside a wrap surface disables that wrap for the frame (counted in
// MuscleData::wrap_inside_count, the length jumps there, as in OpenSim); OpenSim's rules switch a
// quadrant-constrained wrap on discontinuously when the line swings past the cylinder on the
// forbidden side without touching it (as OpenSim does); two wraps on one segment (possible only when a conditional
// point between them is inactive) are chained, not solved as one two-obstacle geodesic; a conditional
// via point switches the path (and its moment arms) discontinuously at its range bounds, as in OpenSim.
#include <cmath>
#include <string>
#include <vector>

#include "muscle/wrap.hpp"
#include "spatial/se3.hpp"

namespace dembones {

struct PathPointSpec {
  std::string body;                   // body name
  Vec3 p_B_m = Vec3::Zero();          // position in the body frame, m
  // Conditional via point: empty = always active; otherwise active while
  // range_min <= q[coordinate] <= range_max (rad or m). Only 1-DoF joint coordinates.
  std::string condition_coordinate;
  double range_min = 0.0;
  double range_max = 0.0;
};

enum class WrapKind { kCylinder, kSphere };

struct WrapSpec {
  WrapKind kind = WrapKind::kCylinder;
  std::string body;                   // body the surface is fixed in
  SE3 X_BS = SE3::Identity();         // surface frame in the body frame; cylinder axis = frame z axis,
                                      // sphere centre = frame origin
  double radius_m = 0.0;
  // Cylinders only: the path turns counterclockwise (+1) or clockwise (-1) about the cylinder's +z
  // axis when travelling from origin to insertion (see wrap_cylinder).
  int direction = +1;
  // Cylinders only: OpenSim's rules instead of a fixed direction (wrap_cylinder_opensim): the side
  // the path may pass (OpenSim `quadrant`) and the cylinder's half length.
  bool opensim_rules = false;
  CylinderQuadrant quadrant{};
  double half_length_m = INFINITY;
  // The wrap acts on the path segment that leaves path point `after_point` (0 = origin) towards the
  // next active point.
  int after_point = 0;
};

// ---- resolved (index-based) forms, built by make_muscle_set ----
struct PathPoint {
  int body = 0;
  Vec3 p_B_m = Vec3::Zero();
  int slot = -1;           // index into the muscle's body list (-1 for the ground)
  int condition_q = -1;    // q index of the condition coordinate, -1 = always active
  double range_min = 0.0;
  double range_max = 0.0;
};

struct WrapSurface {
  WrapKind kind = WrapKind::kCylinder;
  int body = 0;
  int slot = -1;           // index into the muscle's body list (-1 for the ground)
  SE3 X_BS = SE3::Identity();
  double radius_m = 0.0;
  int direction = +1;
  bool opensim_rules = false;
  CylinderQuadrant quadrant{};
  double half_length_m = INFINITY;
  int after_point = 0;     // index within the muscle's points
};

}  // namespace dembones
