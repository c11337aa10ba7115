#include <cmath>
#include <numbers>

#include "muscle/wrap.hpp"

namespace dembones {
namespace detail {

namespace {

// The tangent points and straight lengths of wrap_circle, without the wrap angle: T1 = R (cos(beta_p)
// p^ + sigma sin(beta_p) p^perp), cos(beta_p) = R/|p|, sin(beta_p) = a/|p|: the path leaves P and meets
// the circle moving in the direction of travel; T2 = R (cos(beta_s) s^ - sigma sin(beta_s) s^perp):
// the path leaves the circle towards S. Sets `inside` (and nothing else) when P or S is inside.
PlanarWrap tangent_points(double px, double py, double sx, double sy, double radius_m, double sigma) {
  PlanarWrap w;
  const double r = radius_m;
  const double dp2 = px * px + py * py;
  const double ds2 = sx * sx + sy * sy;
  if (dp2 <= r * r || ds2 <= r * r) {
    w.inside = true;
    return w;
  }
  const double dp = std::sqrt(dp2);
  const double ds = std::sqrt(ds2);
  w.a = std::sqrt(dp2 - r * r);
  w.b = std::sqrt(ds2 - r * r);
  const double c1 = r / dp, s1 = sigma * w.a / dp;
  w.t1x = r * (c1 * px - s1 * py) / dp;
  w.t1y = r * (c1 * py + s1 * px) / dp;
  const double c2 = r / ds, s2 = -sigma * w.b / ds;
  w.t2x = r * (c2 * sx - s2 * sy) / ds;
  w.t2y = r * (c2 * sy + s2 * sx) / ds;
  return w;
}

}  // namespace

PlanarWrap wrap_circle(double px, double py, double sx, double sy, double radius_m, int direction) {
  const double sigma = direction >= 0 ? 1.0 : -1.0;
  PlanarWrap w = tangent_points(px, py, sx, sy, radius_m, sigma);
  if (w.inside) return w;
  // Wrap angle from T1 to T2 in the direction of travel, in (-pi, pi]; negative means the tangent
  // points have crossed: the straight line clears the circle. The sign test comes first so the atan2
  // is paid only by engaged wraps (sigma * cross > 0, or cross = 0 with T2 opposite T1: theta = pi).
  const double cross = sigma * (w.t1x * w.t2y - w.t1y * w.t2x);
  const double dot = w.t1x * w.t2x + w.t1y * w.t2y;
  w.engaged = cross > 0.0 || (cross == 0.0 && dot < 0.0);
  if (w.engaged) w.theta = std::atan2(cross, dot);
  return w;
}

// The tangent points once and one atan2 (wrap_circle's own angle, when engaged, was the same atan2
// of the same numbers).
PlanarWrap wrap_circle_forced(double px, double py, double sx, double sy, double radius_m, int direction) {
  const double sigma = direction >= 0 ? 1.0 : -1.0;
  PlanarWrap w = tangent_points(px, py, sx, sy, radius_m, sigma);
  if (w.inside) return w;
  const double cross = sigma * (w.t1x * w.t2y - w.t1y * w.t2x);
  const double dot = w.t1x * w.t2x + w.t1y * w.t2y;
  w.theta = std::atan2(cross, dot);
  if (w.theta < 0.0) w.theta += 2.0 * std::numbers::pi;
  w.engaged = true;
  return w;
}

}  // namespace detail

namespace {

// Helix over the cylinder from the planar wrap (see wrap.hpp).
WrapResult helix(const Vec3& p, const Vec3& s, double radius_m, const detail::PlanarWrap& w) {
  WrapResult out;
  out.engaged = true;
  const double arc_xy = radius_m * w.theta;
  const double l_xy = w.a + arc_xy + w.b;
  const double dz = s.z() - p.z();
  out.t1 = Vec3(w.t1x, w.t1y, p.z() + dz * w.a / l_xy);
  out.t2 = Vec3(w.t2x, w.t2y, p.z() + dz * (w.a + arc_xy) / l_xy);
  out.arc_length_m = arc_xy * std::sqrt(1.0 + (dz / l_xy) * (dz / l_xy));
  return out;
}

double component(double x, double y, int axis) { return axis == 0 ? x : y; }
int sign_of(double v) { return v >= 0.0 ? 1 : -1; }  // OpenSim DSIGN: 0 counts as positive

}  // namespace

WrapResult wrap_cylinder(const Vec3& p, const Vec3& s, double radius_m, int direction) {
  const detail::PlanarWrap w = detail::wrap_circle(p.x(), p.y(), s.x(), s.y(), radius_m, direction);
  if (!w.engaged) {
    WrapResult out;
    out.inside = w.inside;
    return out;
  }
  return helix(p, s, radius_m, w);
}

WrapResult wrap_cylinder_opensim(const Vec3& p, const Vec3& s, double radius_m, double half_length_m,
                                 CylinderQuadrant quadrant) {
  WrapResult none;
  const double r2 = radius_m * radius_m;
  if (p.x() * p.x() + p.y() * p.y() <= r2 || s.x() * s.x() + s.y() * s.y() <= r2) {
    none.inside = true;
    return none;
  }
  // Closest approach of the line P-S to the axis (xy projection), and whether the segment cuts it.
  const double dx = s.x() - p.x(), dy = s.y() - p.y();
  const double d2 = dx * dx + dy * dy;
  const double t = d2 > 0.0 ? -(p.x() * dx + p.y() * dy) / d2 : 0.0;
  const double nx = p.x() + t * dx, ny = p.y() + t * dy;
  const bool cuts = nx * nx + ny * ny < r2 && t > 0.0 && t < 1.0;
  const int axis = quadrant.axis, sign = quadrant.sign;
  if (sign == 0) {
    if (!cuts) return none;
  } else {
    const int sp = sign_of(component(p.x(), p.y(), axis)), ss = sign_of(component(s.x(), s.y(), axis));
    if ((sp == sign || ss == sign) && !cuts &&
        !(sp != ss && sign_of(component(nx, ny, axis)) != sign))
      return none;
  }
  // The two ways round; keep the one whose arc midpoint is on the allowed side (unconstrained: the
  // side the line passes, i.e. the shorter way).
  detail::PlanarWrap best;
  double best_score = -INFINITY;
  for (int dir : {+1, -1}) {
    const detail::PlanarWrap w = detail::wrap_circle_forced(p.x(), p.y(), s.x(), s.y(), radius_m, dir);
    const double a1 = std::atan2(w.t1y, w.t1x) + dir * 0.5 * w.theta;
    const double mid = sign == 0 ? 0.0 : sign * (axis == 0 ? std::cos(a1) : std::sin(a1));
    // Allowed side first, then the shorter wrap.
    const double score = (mid > 0.0 ? 10.0 : 0.0) - w.theta;
    if (score > best_score) {
      best_score = score;
      best = w;
    }
  }
  WrapResult out = helix(p, s, radius_m, best);
  if (std::abs(out.t1.z()) > half_length_m && std::abs(out.t2.z()) > half_length_m) return none;
  return out;
}

}  // namespace dembones
