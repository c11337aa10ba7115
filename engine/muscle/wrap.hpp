#pragma once
// Shortest paths of a muscle over a wrapping surface, in the surface's own frame (pure geometry: the
// caller maps points in and out of the frame).
//
// Both surfaces use the same construction: the two straight segments P-T1 and T2-S are tangent to the
// surface and join a geodesic arc T1-T2. Because that path is the shortest one around the surface,
// its length is stationary with respect to the tangent points (envelope theorem), so dl/dq equals the
// derivative with T1 and T2 held fixed on the wrap body: the moment arms follow from forces -u_in at
// T1 and +u_out at T2 on the wrap body, with no finite differences (Garner & Pandy 2000, Comput
// Methods Biomech Biomed Engin 3:1-30, "obstacle-set method"). At engagement the path grazes the
// surface (T1 = T2, arc 0), so the length and its first derivative are continuous.
#include "spatial/types.hpp"

namespace dembones {

struct WrapResult {
  bool engaged = false;   // false: the straight line P-S does not touch the surface (T1, T2 unset)
  bool inside = false;    // P or S inside the surface: no wrap is computed (counted in MuscleData)
  Vec3 t1 = Vec3::Zero();  // first tangent point (surface frame), path P -> T1 -> arc -> T2 -> S
  Vec3 t2 = Vec3::Zero();  // second tangent point (surface frame)
  double arc_length_m = 0.0;  // geodesic length T1 -> T2 on the surface
};

// Infinite cylinder of radius R about the frame's z axis. The path passes the cylinder turning in a
// fixed direction about +z when travelling from P to S: direction = +1 counterclockwise, -1 clockwise
// (so the side of the bone the muscle slides on never flips). The geodesic is a helix: unrolling the
// cylinder maps it to the straight line from P to S in the developed plane, so with planar lengths
// a = |P_xy - T1_xy|, R theta, b = |T2_xy - S_xy| and L = a + R theta + b, the tangent points sit at
// heights z_P + (z_S - z_P) a / L and z_P + (z_S - z_P)(a + R theta)/L, and the arc is
// R theta sqrt(1 + ((z_S - z_P)/L)^2). Engaged when the wrap angle theta, measured in the
// direction of travel, lies in (0, pi]: a path forced to the wrong side still wraps (muscles do not
// pass through bone) until theta would exceed pi.
WrapResult wrap_cylinder(const Vec3& p, const Vec3& s, double radius_m, int direction);

// Which side of a cylinder a path may pass, as OpenSim's WrapCylinder `quadrant` ("+x", "-y", ...,
// or "all"): axis 0 (x) or 1 (y) and sign +1/-1; sign 0 = unconstrained.
struct CylinderQuadrant {
  int axis = 0;
  int sign = 0;
};

// Finite cylinder (length 2 h along z, centred at the origin) with OpenSim's wrapping rules
// (opensim-core WrapCylinder::wrapLine, Apache-2.0; rules re-stated here, not copied):
//  - unconstrained: wraps only when the segment P-S cuts the cylinder, on the side it passes;
//  - constrained to a quadrant: when P or S lies on the allowed side (sign of its axis coordinate),
//    wraps when the segment cuts the cylinder, or when P and S are on opposite sides and the
//    segment's closest approach to the axis is on the forbidden side; when neither lies on the
//    allowed side, it always wraps. The path then turns the way whose arc midpoint lies on the
//    allowed side (the shorter way if both or neither do); the wrap angle may exceed pi.
//  - no wrap when both tangent points lie beyond the cylinder's ends (|z| > h).
// The geodesic is the helix of wrap_cylinder.
WrapResult wrap_cylinder_opensim(const Vec3& p, const Vec3& s, double radius_m, double half_length_m,
                                 CylinderQuadrant quadrant);

// Sphere of radius R centred at the frame's origin. The shortest path lies in the plane through the
// centre, P and S (a great circle arc), on the side the straight line passes; the planar
// construction is the cylinder's with theta in (0, pi).
WrapResult wrap_sphere(const Vec3& p, const Vec3& s, double radius_m);

namespace detail {

// Planar wrap of the path p -> s around the circle of radius R at the origin, turning in `direction`
// (+1 counterclockwise). Tangent points from the tangent-line angle beta = acos(R/|p|), written with
// vectors (T1 = R (cos beta p^ + dir sin beta p^perp)) so the only transcendental call is the atan2 of
// the wrap angle.
struct PlanarWrap {
  bool engaged = false;
  bool inside = false;
  double t1x = 0, t1y = 0, t2x = 0, t2y = 0;
  double a = 0;      // |p - T1|
  double b = 0;      // |T2 - s|
  double theta = 0;  // wrap angle, rad, in (0, pi] when engaged (not computed otherwise)
};
PlanarWrap wrap_circle(double px, double py, double sx, double sy, double radius_m, int direction);

// As wrap_circle, but always engaged (unless inside): theta in [0, 2 pi), the angle from T1 to T2
// in `direction`, however far round that is.
PlanarWrap wrap_circle_forced(double px, double py, double sx, double sy, double radius_m, int direction);

}  // namespace detail

}  // namespace dembones
