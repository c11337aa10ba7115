#include <cmath>

#include "muscle/wrap.hpp"

namespace dembones {
namespace detail {

PlanarWrap wrap_circle(double px, double py, double sx, double sy, double radius_m, int direction) {
  PlanarWrap w;
  const double r = radius_m;
  const double dp2 = px * px + py * py;
  const double ds2 = sx * sx + sy * sy;
  if (dp2 <= r * r || ds2 <= r * r) {
    w.inside = true;
    return w;
  }
  const double sigma = direction >= 0 ? 1.0 : -1.0;
  const double dp = std::sqrt(dp2);
  const double ds = std::sqrt(ds2);
  w.a = std::sqrt(dp2 - r * r);
  w.b = std::sqrt(ds2 - r * r);
  // T1 = R (cos(beta_p) p^ + sigma sin(beta_p) p^perp), cos(beta_p) = R/|p|, sin(beta_p) = a/|p|:
  // the path leaves P and meets the circle moving in the direction of travel.
  const double c1 = r / dp, s1 = sigma * w.a / dp;
  w.t1x = r * (c1 * px - s1 * py) / dp;
  w.t1y = r * (c1 * py + s1 * px) / dp;
  // T2 = R (cos(beta_s) s^ - sigma sin(beta_s) s^perp): the path leaves the circle towards S.
  const double c2 = r / ds, s2 = -sigma * w.b / ds;
  w.t2x = r * (c2 * sx - s2 * sy) / ds;
  w.t2y = r * (c2 * sy + s2 * sx) / ds;
  // Wrap angle from T1 to T2 in the direction of travel, in (-pi, pi]; negative means the tangent
  // points have crossed: the straight line clears the circle. The sign test comes first so the atan2
  // is paid only by engaged wraps (sigma * cross > 0, or cross = 0 with T2 opposite T1: theta = pi).
  const double cross = sigma * (w.t1x * w.t2y - w.t1y * w.t2x);
  const double dot = w.t1x * w.t2x + w.t1y * w.t2y;
  w.engaged = cross > 0.0 || (cross == 0.0 && dot < 0.0);
  if (w.engaged) w.theta = std::atan2(cross, dot);
  return w;
}

}  // namespace detail

WrapResult wrap_cylinder(const Vec3& p, const Vec3& s, double radius_m, int direction) {
  WrapResult out;
  const detail::PlanarWrap w = detail::wrap_circle(p.x(), p.y(), s.x(), s.y(), radius_m, direction);
  out.inside = w.inside;
  out.engaged = w.engaged;
  if (!w.engaged) return out;
  // Helix: straight line in the developed cylinder (see wrap.hpp).
  const double arc_xy = radius_m * w.theta;
  const double l_xy = w.a + arc_xy + w.b;
  const double dz = s.z() - p.z();
  out.t1 = Vec3(w.t1x, w.t1y, p.z() + dz * w.a / l_xy);
  out.t2 = Vec3(w.t2x, w.t2y, p.z() + dz * (w.a + arc_xy) / l_xy);
  out.arc_length_m = arc_xy * std::sqrt(1.0 + (dz / l_xy) * (dz / l_xy));
  return out;
}

}  // namespace dembones
