#include <cmath>

#include "muscle/wrap.hpp"

namespace dembones {

WrapResult wrap_sphere(const Vec3& p, const Vec3& s, double radius_m) {
  WrapResult out;
  const double dp = p.norm();
  if (dp <= radius_m || s.norm() <= radius_m) {
    out.inside = true;
    return out;
  }
  // Plane of the great circle: through the centre, P and S. Basis e1 = P^, e2 = n x e1 with
  // n = P x S, so S has a positive e2 component and the short way round turns counterclockwise.
  const Vec3 e1 = p / dp;
  Vec3 n = p.cross(s);
  double n_norm = n.norm();
  if (n_norm <= 1e-12 * dp * s.norm()) {
    // P, centre and S collinear: every plane through them is a geodesic plane; pick one
    // perpendicular to e1 (the choice is arbitrary but deterministic).
    n = e1.unitOrthogonal();
    n_norm = 1.0;
  }
  n /= n_norm;
  const Vec3 e2 = n.cross(e1);
  const detail::PlanarWrap w = detail::wrap_circle(dp, 0.0, s.dot(e1), s.dot(e2), radius_m, +1);
  out.inside = w.inside;
  out.engaged = w.engaged;
  if (!w.engaged) return out;
  out.t1 = w.t1x * e1 + w.t1y * e2;
  out.t2 = w.t2x * e1 + w.t2y * e2;
  out.arc_length_m = radius_m * w.theta;
  return out;
}

}  // namespace dembones
