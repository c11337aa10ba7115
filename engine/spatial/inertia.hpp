#pragma once
// Rigid-body spatial inertia (Featherstone 2008, sec. 2.13).
//   SpatialInertia: the user-facing form {mass, centre of mass, inertia about the centre of mass}.
//   InertiaAtOrigin: the same inertia about the frame origin, {m, h = m c, I_O}, the form the
//   recursive algorithms use because applying, adding and transforming it are 3x3 operations
//   (Featherstone eq. 2.63: I = [I_O, [h]x; [h]x^T, m 1]).
#include "spatial/se3.hpp"

namespace dembones {

struct InertiaAtOrigin;

struct SpatialInertia {
  double mass = 0.0;                          // kg
  Vec3 com = Vec3::Zero();                    // m, in the body frame
  Mat3 inertia_about_com = Mat3::Zero();      // kg m^2, body-frame axes, about the centre of mass

  static SpatialInertia Zero() { return SpatialInertia{}; }
  // Inertia about the frame origin: I_O = I_C - m [c]x [c]x (parallel axis theorem).
  InertiaAtOrigin at_origin() const;
  // Momentum f = I v of a body moving with spatial velocity v (same frame).
  Force apply(const Motion& v) const;
  Mat6 to_matrix() const;  // dense 6x6, for tests only
};

struct InertiaAtOrigin {
  double mass = 0.0;              // kg
  Vec3 h = Vec3::Zero();          // kg m, first moment m c
  Mat3 I_O = Mat3::Zero();        // kg m^2, about the frame origin (symmetric)

  static InertiaAtOrigin Zero() { return InertiaAtOrigin{}; }

  // f = I v: n = I_O ω + h x v ; f = m v - h x ω (Featherstone eq. 2.63).
  Force apply(const Motion& v) const {
    Force f;
    f.angular.noalias() = I_O * v.angular;
    f.angular += h.cross(v.linear);
    f.linear = mass * v.linear - h.cross(v.angular);
    return f;
  }
  InertiaAtOrigin& operator+=(const InertiaAtOrigin& o) {
    mass += o.mass;
    h += o.h;
    I_O += o.I_O;
    return *this;
  }
  // Express an inertia given in frame B in frame A, with X = X_AB (Featherstone eq. 2.66):
  //   m' = m ; h' = R h + m t ;
  //   I_O' = R I_O R^T - ([t]x[Rh]x + [Rh]x[t]x) - m [t]x[t]x,
  // with [a]x[b]x + [b]x[a]x = a b^T + b a^T - 2 (a.b) 1 and [t]x[t]x = t t^T - |t|^2 1, so that the
  // translation costs a few outer products instead of three 3x3 matrix products.
  InertiaAtOrigin transformed_by(const SE3& X) const {
    InertiaAtOrigin r;
    r.mass = mass;
    const Mat3& R = X.rotation;
    const Vec3& t = X.translation;
    const Vec3 Rh = R * h;
    const Vec3 w = Rh + mass * t;
    r.h = w;
    // R I_O R^T on the 6 entries of the symmetric result: T = R I_O, then rows of T dotted with
    // rows of R; then the translation terms - t w^T - Rh t^T + (2 t.Rh + m |t|^2) 1, whose sum is
    // symmetric (t w^T + Rh t^T = t Rh^T + Rh t^T + m t t^T).
    // T = R I_O written out with I_O's symmetry (6 loads instead of 9; fewer instructions than
    // Eigen's 3x3 product on SSE2, measured with callgrind).
    const double i00 = I_O(0, 0), i01 = I_O(0, 1), i02 = I_O(0, 2), i11 = I_O(1, 1), i12 = I_O(1, 2),
                 i22 = I_O(2, 2);
    double T[3][3];
    for (int k = 0; k < 3; ++k) {
      const double r0 = R(k, 0), r1 = R(k, 1), r2 = R(k, 2);
      T[k][0] = r0 * i00 + r1 * i01 + r2 * i02;
      T[k][1] = r0 * i01 + r1 * i11 + r2 * i12;
      T[k][2] = r0 * i02 + r1 * i12 + r2 * i22;
    }
    const double diag = 2.0 * t.dot(Rh) + mass * t.squaredNorm();
    auto entry = [&](int i, int j) {
      return T[i][0] * R(j, 0) + T[i][1] * R(j, 1) + T[i][2] * R(j, 2) - t[i] * w[j] - Rh[i] * t[j];
    };
    r.I_O(0, 0) = entry(0, 0) + diag;
    r.I_O(1, 1) = entry(1, 1) + diag;
    r.I_O(2, 2) = entry(2, 2) + diag;
    r.I_O(0, 1) = r.I_O(1, 0) = entry(0, 1);
    r.I_O(0, 2) = r.I_O(2, 0) = entry(0, 2);
    r.I_O(1, 2) = r.I_O(2, 1) = entry(1, 2);
    return r;
  }
  double kinetic_energy(const Motion& v) const { return 0.5 * dot(v, apply(v)); }
  // f = I v on a 6-vector [ω; v] (same as apply).
  Vec6 apply(const Vec6& v) const {
    const Vec3 w = v.head<3>();
    const Vec3 l = v.tail<3>();
    Vec6 f;
    f.head<3>().noalias() = I_O * w;
    f.head<3>() += h.cross(l);
    f.tail<3>() = mass * l - h.cross(w);
    return f;
  }
  // M += this inertia as a dense 6x6 (eq. 2.63 above), touching only its 21 structural entries.
  void add_to(Mat6& M) const {
    M.topLeftCorner<3, 3>() += I_O;
    M(0, 4) -= h.z(); M(0, 5) += h.y(); M(1, 3) += h.z();
    M(1, 5) -= h.x(); M(2, 3) -= h.y(); M(2, 4) += h.x();
    M(4, 0) -= h.z(); M(5, 0) += h.y(); M(3, 1) += h.z();
    M(5, 1) -= h.x(); M(3, 2) -= h.y(); M(4, 2) += h.x();
    M(3, 3) += mass; M(4, 4) += mass; M(5, 5) += mass;
  }
  Mat6 to_matrix() const {
    Mat6 M;
    M.topLeftCorner<3, 3>() = I_O;
    // [h]x and its transpose, written entry by entry.
    M(0, 3) = 0.0;     M(0, 4) = -h.z(); M(0, 5) = h.y();
    M(1, 3) = h.z();   M(1, 4) = 0.0;    M(1, 5) = -h.x();
    M(2, 3) = -h.y();  M(2, 4) = h.x();  M(2, 5) = 0.0;
    M.bottomLeftCorner<3, 3>() = M.topRightCorner<3, 3>().transpose();
    M.bottomRightCorner<3, 3>().setZero();
    M.bottomRightCorner<3, 3>().diagonal().setConstant(mass);
    return M;
  }
};

inline InertiaAtOrigin SpatialInertia::at_origin() const {
  const Mat3 c = skew(com);
  return InertiaAtOrigin{mass, mass * com, inertia_about_com - mass * (c * c)};
}
inline Force SpatialInertia::apply(const Motion& v) const { return at_origin().apply(v); }
inline Mat6 SpatialInertia::to_matrix() const { return at_origin().to_matrix(); }

// A general symmetric 6x6 articulated-body inertia (Featherstone sec. 7.1) expressed in frame B,
// transformed to frame A with X = X_AB: I_A = X^* I_B X^{-1}. Written with 3x3 blocks
// [A B; B^T C] (A angular-angular): rotate each block, then shift by t:
//   A'' = A' - B'[t] + [t]B'^T - [t]C'[t] ; B'' = B' + [t]C' ; C'' = C'.
inline void add_transformed_articulated_inertia(const SE3& X, const Mat6& I_B, Mat6& I_A) {
  const Mat3& R = X.rotation;
  const Mat3 A = R * I_B.topLeftCorner<3, 3>() * R.transpose();
  const Mat3 B = R * I_B.topRightCorner<3, 3>() * R.transpose();
  const Mat3 C = R * I_B.bottomRightCorner<3, 3>() * R.transpose();
  const Mat3 t = skew(X.translation);
  const Mat3 tC = t * C;
  const Mat3 Bn = B + tC;
  const Mat3 tBt = t * B.transpose();
  I_A.topLeftCorner<3, 3>() += A + tBt + tBt.transpose() - tC * t;
  I_A.topRightCorner<3, 3>() += Bn;
  I_A.bottomLeftCorner<3, 3>() += Bn.transpose();
  I_A.bottomRightCorner<3, 3>() += C;
}

}  // namespace dembones
