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
//
// Moving path points (OpenSim MovingPathPoint): a point whose location in its body is a function of
// one coordinate, p_B(q_k) = (x(q_k), y(q_k), z(q_k)), natural cubic splines. Used for the patella
// points of the quadriceps, expressed in the femur and moved with knee flexion (the kinematics of
// Rajagopal 2016's patellofemoral joint). Its motion in the body adds to the length derivative
//   dl/dq_k += (e_in - e_out) . R_WB p_B'(q_k)
// (e_in: unit vector of the segment arriving at the point, e_out: of the segment leaving it), so the
// moment arm r_k = -dl/dq_k and the speed dl/dt get that term. The body forces carry it through
// the patella as a lever (compute_muscle_geometry, step 3): the segment from the point into the
// subtree of the joint that moves it (the patellar tendon, on the tibia) carries the force
// T (r_t + r_p) / r_t, r_t its own moment arm about q_k and r_p = -(e_in - e_out) . R_WB p_B', and
// the body the point is expressed in (the femur) takes the difference at the point: the equilibrium
// of a massless patella, whose tendon-to-quadriceps force ratio then follows from the patella's
// kinematics (Buff et al. 1988 measured it; van Eijden et al. 1986 derive it this way). So
// sum_b J_b^T f_b = moment_arm * T in every row, and the tibiofemoral reaction sees the patellar
// tendon force, not the whole quadriceps tension. Where no such segment exists (a path ending at
// the point) the term stays a generalized force on q_k, left in the joint moment of coordinate k's
// joint by the joint-reaction RNEA, as OpenSim's GeometryPath::addInEquivalentForces adds it as a
// mobility force.
#include <cmath>
#include <string>
#include <vector>

#include "multibody/spline.hpp"
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
  // Moving point: empty = fixed at p_B_m; otherwise p_B = (moving_x_m(q), moving_y_m(q),
  // moving_z_m(q)) of this coordinate, m (p_B_m is ignored). Only 1-DoF joint coordinates.
  std::string moving_coordinate;
  CubicSpline moving_x_m, moving_y_m, moving_z_m;
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
  // Moving point: moving_q >= 0 is the q index of the coordinate, moving_v its velocity index and
  // moving_joint the body whose 1-DoF joint owns it (its speed is read off the joint's relative
  // velocity, see compute_muscle_geometry); p_B = splines(q[moving_q]).
  int moving_q = -1;
  int moving_v = -1;
  int moving_joint = -1;
  CubicSpline moving_x_m, moving_y_m, moving_z_m;
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
