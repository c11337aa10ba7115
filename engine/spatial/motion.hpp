#pragma once
// Spatial motion and force vectors in Plücker coordinates (Featherstone, Rigid Body Dynamics
// Algorithms, 2008, ch. 2). Stored as two 3-vectors, never as a 6-vector with implicit meaning, so
// that every operation below is written with 3x3 structure (cross products) rather than dense 6x6.
//   Motion m = [angular ω; linear v]   (v = velocity of the body point at the frame origin)
//   Force  f = [angular n; linear f]   (n = moment about the frame origin)
#include "spatial/types.hpp"

namespace dembones {

struct Motion {
  Vec3 angular = Vec3::Zero();
  Vec3 linear = Vec3::Zero();

  static Motion Zero() { return Motion{}; }
  Vec6 to_vector() const {
    Vec6 r;
    r << angular, linear;
    return r;
  }
  static Motion from_vector(const Eigen::Ref<const Vec6>& x) {
    return Motion{x.head<3>(), x.tail<3>()};
  }
  Motion operator+(const Motion& o) const { return Motion{angular + o.angular, linear + o.linear}; }
  Motion operator-(const Motion& o) const { return Motion{angular - o.angular, linear - o.linear}; }
  Motion operator-() const { return Motion{-angular, -linear}; }
  Motion operator*(double s) const { return Motion{angular * s, linear * s}; }
  Motion& operator+=(const Motion& o) {
    angular += o.angular;
    linear += o.linear;
    return *this;
  }
  Motion& operator-=(const Motion& o) {
    angular -= o.angular;
    linear -= o.linear;
    return *this;
  }
};

struct Force {
  Vec3 angular = Vec3::Zero();
  Vec3 linear = Vec3::Zero();

  static Force Zero() { return Force{}; }
  Vec6 to_vector() const {
    Vec6 r;
    r << angular, linear;
    return r;
  }
  static Force from_vector(const Eigen::Ref<const Vec6>& x) {
    return Force{x.head<3>(), x.tail<3>()};
  }
  Force operator+(const Force& o) const { return Force{angular + o.angular, linear + o.linear}; }
  Force operator-(const Force& o) const { return Force{angular - o.angular, linear - o.linear}; }
  Force operator-() const { return Force{-angular, -linear}; }
  Force operator*(double s) const { return Force{angular * s, linear * s}; }
  Force& operator+=(const Force& o) {
    angular += o.angular;
    linear += o.linear;
    return *this;
  }
  Force& operator-=(const Force& o) {
    angular -= o.angular;
    linear -= o.linear;
    return *this;
  }
};

// Power of a force on a motion (Featherstone eq. 2.9): m . f = ω.n + v.f.
inline double dot(const Motion& m, const Force& f) {
  return m.angular.dot(f.angular) + m.linear.dot(f.linear);
}

// Motion cross product v x m (Featherstone eq. 2.31): [ω x mω ; ω x mv + v x mω].
inline Motion cross(const Motion& v, const Motion& m) {
  return Motion{v.angular.cross(m.angular), v.angular.cross(m.linear) + v.linear.cross(m.angular)};
}

// Force cross product v x* f (Featherstone eq. 2.32): [ω x n + v x f ; ω x f].
inline Force cross(const Motion& v, const Force& f) {
  return Force{v.angular.cross(f.angular) + v.linear.cross(f.linear), v.angular.cross(f.linear)};
}

}  // namespace dembones
