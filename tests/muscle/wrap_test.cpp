// Wrapping geometry: closed-form cases, tangency (the path is the shortest: its length is stationary
// when a tangent point slides on the surface), engagement and continuity at the graze.
#include "muscle/wrap.hpp"

#include <cmath>
#include <numbers>
#include <tuple>

#include <gtest/gtest.h>

namespace dembones {
namespace {

constexpr double kPi = std::numbers::pi;

double wrapped_length(const Vec3& p, const Vec3& s, const WrapResult& w) {
  return (w.t1 - p).norm() + w.arc_length_m + (s - w.t2).norm();
}

// Length of P -> T1 -> helix -> T2 -> S with T1, T2 given by cylinder angles and heights, turning
// `direction` from T1 to T2 (the helix length is sqrt((R dphi)^2 + dz^2)).
double cylinder_path_length(const Vec3& p, const Vec3& s, double r, int direction, double phi1, double z1,
                            double phi2, double z2) {
  const Vec3 t1(r * std::cos(phi1), r * std::sin(phi1), z1);
  const Vec3 t2(r * std::cos(phi2), r * std::sin(phi2), z2);
  double dphi = direction * (phi2 - phi1);
  while (dphi < 0) dphi += 2 * kPi;
  return (t1 - p).norm() + std::hypot(r * dphi, z2 - z1) + (s - t2).norm();
}

TEST(WrapCylinder, SymmetricPlanarCase) {
  // P = (-2, 0), S = (2, 0), R = 1, passing below (counterclockwise): tangent points at 240 and 300
  // degrees, wrap angle 60 degrees, length 2 sqrt(3) + pi/3.
  const Vec3 p(-2, 0, 0), s(2, 0, 0);
  const WrapResult w = wrap_cylinder(p, s, 1.0, +1);
  ASSERT_TRUE(w.engaged);
  EXPECT_NEAR(w.t1.x(), -0.5, 1e-14);
  EXPECT_NEAR(w.t1.y(), -std::sqrt(3.0) / 2, 1e-14);
  EXPECT_NEAR(w.t2.x(), 0.5, 1e-14);
  EXPECT_NEAR(w.t2.y(), -std::sqrt(3.0) / 2, 1e-14);
  EXPECT_NEAR(w.arc_length_m, kPi / 3, 1e-14);
  EXPECT_NEAR(wrapped_length(p, s, w), 2 * std::sqrt(3.0) + kPi / 3, 1e-14);
  // Clockwise: the mirror image above.
  const WrapResult up = wrap_cylinder(p, s, 1.0, -1);
  ASSERT_TRUE(up.engaged);
  EXPECT_NEAR(up.t1.y(), std::sqrt(3.0) / 2, 1e-14);
  EXPECT_NEAR(wrapped_length(p, s, up), 2 * std::sqrt(3.0) + kPi / 3, 1e-14);
}

TEST(WrapCylinder, HelixLengthIsTheDevelopedStraightLine) {
  const Vec3 p(-2, 0, -1), s(2, 0, 1.5);
  const WrapResult w = wrap_cylinder(p, s, 1.0, +1);
  ASSERT_TRUE(w.engaged);
  const double l_xy = 2 * std::sqrt(3.0) + kPi / 3;
  EXPECT_NEAR(wrapped_length(p, s, w), std::hypot(l_xy, 2.5), 1e-13);
  // The three pieces have the same slope dz/ds in the developed plane.
  const double slope = 2.5 / l_xy;
  EXPECT_NEAR((w.t1.z() - p.z()) / std::sqrt(3.0), slope, 1e-13);
  EXPECT_NEAR((s.z() - w.t2.z()) / std::sqrt(3.0), slope, 1e-13);
}

TEST(WrapCylinder, LengthIsStationaryInTheTangentPoints) {
  // Shortest path: sliding T1 or T2 on the surface (angle or height) changes the length only to
  // second order. Several generic configurations, both directions.
  const Vec3 ps[] = {Vec3(-0.09, 0.02, -0.03), Vec3(0.05, -0.08, 0.04), Vec3(-0.03, -0.07, 0.0)};
  const Vec3 ss[] = {Vec3(0.07, 0.03, 0.05), Vec3(-0.06, -0.05, -0.02), Vec3(0.06, -0.02, 0.1)};
  const double r = 0.04;
  int engaged = 0;
  for (int c = 0; c < 3; ++c) {
    for (const int dir : {+1, -1}) {
      const WrapResult w = wrap_cylinder(ps[c], ss[c], r, dir);
      if (!w.engaged) continue;
      ++engaged;
      const double phi1 = std::atan2(w.t1.y(), w.t1.x()), phi2 = std::atan2(w.t2.y(), w.t2.x());
      const auto len = [&](double dphi1, double dz1, double dphi2, double dz2) {
        return cylinder_path_length(ps[c], ss[c], r, dir, phi1 + dphi1, w.t1.z() + dz1, phi2 + dphi2,
                                    w.t2.z() + dz2);
      };
      const double l0 = len(0, 0, 0, 0);
      EXPECT_NEAR(l0, wrapped_length(ps[c], ss[c], w), 1e-14);
      const double h = 1e-6;
      EXPECT_NEAR((len(h, 0, 0, 0) - len(-h, 0, 0, 0)) / (2 * h), 0.0, 1e-8);
      EXPECT_NEAR((len(0, h, 0, 0) - len(0, -h, 0, 0)) / (2 * h), 0.0, 1e-8);
      EXPECT_NEAR((len(0, 0, h, 0) - len(0, 0, -h, 0)) / (2 * h), 0.0, 1e-8);
      EXPECT_NEAR((len(0, 0, 0, h) - len(0, 0, 0, -h)) / (2 * h), 0.0, 1e-8);
      // And a minimum across the helix (sliding along the circle is flat to second order, because the
      // segment is tangent to it there, so only the height direction shows the minimum).
      EXPECT_GT(len(0, 1e-3, 0, 0), l0);
      EXPECT_GT(len(0, 0, 0, -1e-3), l0);
    }
  }
  EXPECT_GE(engaged, 4);
}

TEST(WrapCylinder, EngagementFollowsTheSide) {
  // The line P-S passes 1.5 below the axis: turning counterclockwise (below) clears the cylinder;
  // clockwise (forced over the top, as a muscle that cannot pass through bone) wraps.
  const Vec3 p(-2, -1.5, 0), s(2, -1.5, 0);
  EXPECT_FALSE(wrap_cylinder(p, s, 1.0, +1).engaged);
  EXPECT_TRUE(wrap_cylinder(p, s, 1.0, -1).engaged);
  // Both points on the same side, far from the cylinder: no wrap either way.
  EXPECT_FALSE(wrap_cylinder(Vec3(2, 0, 0), Vec3(3, 0.5, 0), 1.0, +1).engaged);
  EXPECT_FALSE(wrap_cylinder(Vec3(2, 0, 0), Vec3(3, 0.5, 0), 1.0, -1).engaged);
  // A point inside the cylinder is reported, not wrapped.
  const WrapResult in = wrap_cylinder(Vec3(0.5, 0, 0), Vec3(3, 0, 0), 1.0, +1);
  EXPECT_TRUE(in.inside);
  EXPECT_FALSE(in.engaged);
}

TEST(WrapCylinder, LengthAndSlopeContinuousAtEngagement) {
  // S moves down along y; the straight line grazes the cylinder at y = y_graze. The path length
  // (wrapped or straight) and its derivative dl/dy are continuous there.
  const Vec3 p(-2, -1.0, 0.3);
  const double r = 1.0;
  const auto length = [&](double y) {
    const Vec3 s(2, y, -0.2);
    const WrapResult w = wrap_cylinder(p, s, r, +1);
    return w.engaged ? wrapped_length(p, s, w) : (s - p).norm();
  };
  // Find the graze by bisection on engagement.
  double lo = -1.0, hi = 1.0;  // engaged at y = 1 (line passes above the axis), clear at y = -1
  ASSERT_TRUE(wrap_cylinder(p, Vec3(2, hi, -0.2), r, +1).engaged);
  ASSERT_FALSE(wrap_cylinder(p, Vec3(2, lo, -0.2), r, +1).engaged);
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (wrap_cylinder(p, Vec3(2, mid, -0.2), r, +1).engaged ? hi : lo) = mid;
  }
  const double y0 = 0.5 * (lo + hi);
  const double h = 1e-4;
  const double slope_below = (length(y0 - h) - length(y0 - 2 * h)) / h;
  const double slope_above = (length(y0 + 2 * h) - length(y0 + h)) / h;
  EXPECT_NEAR(length(y0 + 1e-12), length(y0 - 1e-12), 1e-10);
  EXPECT_NEAR(slope_above, slope_below, 1e-3);  // O(h) difference of one-sided slopes, no jump
}

TEST(WrapSphere, SymmetricCaseAndDegenerateCollinear) {
  // P, centre and S collinear: any great circle; length 2 sqrt(3) + pi/3 for R = 1, |P| = |S| = 2.
  const Vec3 p(-2, 0, 0), s(2, 0, 0);
  const WrapResult w = wrap_sphere(p, s, 1.0);
  ASSERT_TRUE(w.engaged);
  EXPECT_NEAR(wrapped_length(p, s, w), 2 * std::sqrt(3.0) + kPi / 3, 1e-13);
  EXPECT_NEAR(w.t1.norm(), 1.0, 1e-14);
  EXPECT_NEAR(w.t2.norm(), 1.0, 1e-14);
  EXPECT_FALSE(wrap_sphere(Vec3(-2, 1.5, 0), Vec3(2, 1.5, 0), 1.0).engaged);
  EXPECT_TRUE(wrap_sphere(Vec3(0.2, 0, 0), s, 1.0).inside);
}

template <class Len>
double moved_out_of_plane(const Len& len, const WrapResult& w, bool first, const Vec3& n, double d) {
  return first ? len(w.t1 + d * n, w.t2) : len(w.t1, w.t2 + d * n);
}

TEST(WrapSphere, LengthIsStationaryInTheTangentPoints) {
  const Vec3 p(-0.08, 0.03, 0.02), s(0.07, 0.01, -0.04);
  const double r = 0.035;
  const WrapResult w = wrap_sphere(p, s, r);
  ASSERT_TRUE(w.engaged);
  // Slide T1 or T2 on the sphere along two tangent directions; the arc is the great-circle distance.
  const auto len = [&](const Vec3& t1, const Vec3& t2) {
    const Vec3 a = t1.normalized() * r, b = t2.normalized() * r;
    const double arc = r * std::atan2(a.cross(b).norm(), a.dot(b));
    return (a - p).norm() + arc + (s - b).norm();
  };
  const double l0 = len(w.t1, w.t2);
  EXPECT_NEAR(l0, wrapped_length(p, s, w), 1e-14);
  const Vec3 n = (w.t1.cross(w.t2)).normalized();
  for (const bool first : {true, false}) {
    const Vec3& t = first ? w.t1 : w.t2;
    const Vec3 along = n.cross(t).normalized();  // along the great circle
    for (const Vec3& e : {along, n}) {
      const auto moved = [&](double d) {
        return first ? len(w.t1 + d * e, w.t2) : len(w.t1, w.t2 + d * e);
      };
      const double h = 1e-7;
      EXPECT_NEAR((moved(h) - moved(-h)) / (2 * h), 0.0, 1e-7);
    }
    // Out of the plane the length grows at second order (along the circle it is flat to second order).
    EXPECT_GT(moved_out_of_plane(len, w, first, n, 1e-3), l0);
  }
}


// ---- OpenSim rules (wrap_cylinder_opensim) ----

constexpr CylinderQuadrant kAll{0, 0};
constexpr CylinderQuadrant kPlusY{1, +1};

TEST(WrapCylinderOpenSim, UnconstrainedWrapsOnlyWhenTheSegmentCuts) {
  // Line 0.5 above the axis: cuts the unit circle, wraps over the top (the side it passes).
  const WrapResult w = wrap_cylinder_opensim(Vec3(-2, 0.5, 0), Vec3(2, 0.5, 0), 1.0, INFINITY, kAll);
  ASSERT_TRUE(w.engaged);
  EXPECT_GT(w.t1.y(), 0.0);
  EXPECT_GT(w.t2.y(), 0.0);
  // Same as the fixed-direction wrap that turns that way (clockwise over the top, left to right).
  const WrapResult fixed = wrap_cylinder(Vec3(-2, 0.5, 0), Vec3(2, 0.5, 0), 1.0, -1);
  EXPECT_NEAR(w.arc_length_m, fixed.arc_length_m, 1e-14);
  // Line 1.5 away, or cutting only beyond the segment's ends: no wrap.
  EXPECT_FALSE(wrap_cylinder_opensim(Vec3(-2, 1.5, 0), Vec3(2, 1.5, 0), 1.0, INFINITY, kAll).engaged);
  EXPECT_FALSE(wrap_cylinder_opensim(Vec3(2, 0.2, 0), Vec3(4, 0.2, 0), 1.0, INFINITY, kAll).engaged);
  EXPECT_TRUE(wrap_cylinder_opensim(Vec3(0.2, 0, 0), Vec3(3, 0, 0), 1.0, INFINITY, kAll).inside);
}

TEST(WrapCylinderOpenSim, QuadrantKeepsThePathOnItsSide) {
  // The line passes below the axis (y = -0.5) but the path must keep to +y: it goes round the top,
  // the longer way, as OpenSim does (tangent points at 133 and 47 degrees, arc 86 degrees, against
  // 30 degrees underneath).
  const Vec3 p(-2, -0.5, 0), s(2, -0.5, 0);
  const WrapResult w = wrap_cylinder_opensim(p, s, 1.0, INFINITY, kPlusY);
  ASSERT_TRUE(w.engaged);
  EXPECT_GT(w.t1.y(), 0.0);
  EXPECT_GT(w.t2.y(), 0.0);
  const double beta = std::acos(1.0 / std::hypot(2.0, 0.5));  // tangent angle seen from the centre
  const double phi_p = std::atan2(-0.5, -2.0) + 2 * kPi;      // 194 degrees
  EXPECT_NEAR(w.arc_length_m, 2 * (phi_p - beta) - kPi, 1e-12);  // T1 = phi_p - beta, T2 = pi - T1
  EXPECT_GT(w.arc_length_m, wrap_cylinder(p, s, 1.0, +1).arc_length_m);
  // Passing above (on the allowed side) without touching: no wrap.
  EXPECT_FALSE(wrap_cylinder_opensim(Vec3(-2, 1.5, 0), Vec3(2, 1.5, 0), 1.0, INFINITY, kPlusY).engaged);
  // Both points on the allowed side, the line clear of the cylinder: no wrap whatever the travel
  // direction. This is the case a fixed turning direction got wrong (a hamstring at the knee wrapped
  // the long way round its cylinder).
  EXPECT_FALSE(wrap_cylinder_opensim(Vec3(-0.045, 0.214, 0) / 0.03, Vec3(0.028, 0.018, 0) / 0.03, 1.0,
                                     INFINITY, kPlusY).engaged);
  // The same pair of points at deep knee flexion: the line cuts the cylinder, wrap over the top.
  const WrapResult deep = wrap_cylinder_opensim(Vec3(-0.127, 0.06, 0) / 0.03, Vec3(0.028, 0.018, 0) / 0.03,
                                                1.0, INFINITY, kPlusY);
  ASSERT_TRUE(deep.engaged);
  EXPECT_GT(deep.t1.y(), 0.0);
  EXPECT_LT(deep.arc_length_m, kPi / 2);
}

TEST(WrapCylinderOpenSim, FiniteLengthAndTangency) {
  // Both tangent points beyond the cylinder's end: no wrap; within: wrap.
  const Vec3 p(-2, 0.5, 3.0), s(2, 0.5, 3.2);
  EXPECT_FALSE(wrap_cylinder_opensim(p, s, 1.0, 1.0, kAll).engaged);
  EXPECT_TRUE(wrap_cylinder_opensim(p, s, 1.0, 5.0, kAll).engaged);
  // One tangent point within the length and one beyond: still wrapped (disengaged only when both are
  // beyond; a mutation audit made either one enough unseen).
  const Vec3 p2(-2, 0.5, 0.0), s2(2, 0.5, 3.0);
  const WrapResult unbounded = wrap_cylinder_opensim(p2, s2, 1.0, INFINITY, kAll);
  ASSERT_TRUE(unbounded.engaged);
  const double z_in = std::min(std::abs(unbounded.t1.z()), std::abs(unbounded.t2.z()));
  const double z_out = std::max(std::abs(unbounded.t1.z()), std::abs(unbounded.t2.z()));
  ASSERT_GT(z_out - z_in, 0.2);
  const double half = 0.5 * (z_in + z_out);  // between the two
  EXPECT_TRUE(wrap_cylinder_opensim(p2, s2, 1.0, half, kAll).engaged);
  EXPECT_FALSE(wrap_cylinder_opensim(p2, s2, 1.0, 0.5 * z_in, kAll).engaged);
  // The wrapped path is the shortest over the surface: sliding a tangent point along the circle does
  // not shorten it (first order), also for a long (forced) wrap.
  for (const auto& [pp, ss, quad] : {std::tuple{Vec3(-2, 0.3, -0.4), Vec3(1.7, 0.6, 0.5), kAll},
                                     std::tuple{Vec3(-2, -0.5, 0.2), Vec3(2.2, -0.4, -0.3), kPlusY}}) {
    const WrapResult w = wrap_cylinder_opensim(pp, ss, 1.0, INFINITY, quad);
    ASSERT_TRUE(w.engaged);
    const double phi1 = std::atan2(w.t1.y(), w.t1.x()), phi2 = std::atan2(w.t2.y(), w.t2.x());
    // Turning direction from the arc: +1 when T1 -> T2 counterclockwise covers arc/R.
    const double l0 = wrapped_length(pp, ss, w);
    for (int dir : {+1, -1}) {
      const double l = cylinder_path_length(pp, ss, 1.0, dir, phi1, w.t1.z(), phi2, w.t2.z());
      if (std::abs(l - l0) > 1e-9) continue;  // the other direction: a different path
      for (double d : {1e-4, -1e-4}) {
        EXPECT_GE(cylinder_path_length(pp, ss, 1.0, dir, phi1 + d, w.t1.z(), phi2, w.t2.z()) - l0, -1e-10);
        EXPECT_GE(cylinder_path_length(pp, ss, 1.0, dir, phi1, w.t1.z(), phi2 + d, w.t2.z()) - l0, -1e-10);
      }
    }
  }
}

TEST(WrapCylinderOpenSim, LengthContinuousWhileTheLineSweepsAcross) {
  // S moves so that the line sweeps from above the cylinder, through it, to below it: with the
  // +y quadrant the path lets go of nothing on the way (no wrap above, then over the top), so the
  // length is continuous along the sweep.
  const Vec3 p(-2, 0.0, 0.0);
  const auto length = [&](double y) {
    const Vec3 s(2, y, 0.0);
    const WrapResult w = wrap_cylinder_opensim(p, s, 1.0, INFINITY, kPlusY);
    return w.engaged ? wrapped_length(p, s, w) : (s - p).norm();
  };
  double prev = length(3.0);
  for (double y = 3.0; y > -0.5; y -= 1e-3) {
    const double l = length(y);
    EXPECT_NEAR(l, prev, 5e-3) << "y = " << y;
    prev = l;
  }
}

// wrap_circle_forced (wrap.hpp) against wrap_circle: where the plain wrap engages, the forced one is
// the same wrap to the bit (the same tangent points, lengths and angle); where the plain one clears,
// the forced one keeps the same tangent points and lengths and its angle is the turn from T1 to T2 in
// the wrap direction, in [0, 2 pi) (rotating T1 by it lands on T2); inside is inside for both.
TEST(WrapCircleForced, IsTheEngagedWrapOrTheTurnFromT1ToT2) {
  auto bits = [](const detail::PlanarWrap& w) {
    return std::make_tuple(w.engaged, w.inside, w.t1x, w.t1y, w.t2x, w.t2y, w.a, w.b, w.theta);
  };
  int engaged = 0, inside = 0, clear = 0;
  unsigned state = 12345u;
  auto uniform = [&state](double lo, double hi) {
    state = state * 1664525u + 1013904223u;
    return lo + (hi - lo) * (state >> 8) / double(1u << 24);
  };
  for (int n = 0; n < 4000; ++n) {
    const double px = uniform(-3, 3), py = uniform(-3, 3), sx = uniform(-3, 3), sy = uniform(-3, 3);
    for (const int direction : {+1, -1}) {
      const detail::PlanarWrap forced = detail::wrap_circle_forced(px, py, sx, sy, 1.0, direction);
      const detail::PlanarWrap plain = detail::wrap_circle(px, py, sx, sy, 1.0, direction);
      const auto where = ::testing::Message() << px << " " << py << " " << sx << " " << sy << " " << direction;
      if (plain.inside) {
        EXPECT_TRUE(forced.inside) << where;
        EXPECT_FALSE(forced.engaged) << where;
        ++inside;
      } else if (plain.engaged) {
        ASSERT_EQ(bits(forced), bits(plain)) << where;
        ++engaged;
      } else {
        EXPECT_TRUE(forced.engaged && !forced.inside) << where;
        EXPECT_EQ(std::make_tuple(forced.t1x, forced.t1y, forced.t2x, forced.t2y, forced.a, forced.b),
                  std::make_tuple(plain.t1x, plain.t1y, plain.t2x, plain.t2y, plain.a, plain.b))
            << where;
        EXPECT_GE(forced.theta, 0.0) << where;
        EXPECT_LT(forced.theta, 2 * kPi) << where;
        // Cleared wraps turn the long way round: more than half a turn (or none, T1 on T2).
        EXPECT_TRUE(forced.theta > kPi || forced.theta == 0.0) << where << " theta " << forced.theta;
        const double c = std::cos(direction * forced.theta), s = std::sin(direction * forced.theta);
        EXPECT_NEAR(c * forced.t1x - s * forced.t1y, forced.t2x, 1e-12) << where;
        EXPECT_NEAR(s * forced.t1x + c * forced.t1y, forced.t2y, 1e-12) << where;
        ++clear;
      }
    }
  }
  EXPECT_GT(engaged, 100);
  EXPECT_GT(inside, 100);
  EXPECT_GT(clear, 100);
}

}  // namespace
}  // namespace dembones
