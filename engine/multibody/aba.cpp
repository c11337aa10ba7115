#include "multibody/aba.hpp"

#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/LU>

#include "multibody/crba.hpp"
#include "multibody/joint_motion.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"

namespace dembones {
namespace {

// x = A^-1 b for a symmetric positive definite 6x6 A (the free base's articulated inertia): the
// square-root-free factorisation A = L D L^T (unit lower L; Golub & Van Loan, Matrix Computations,
// alg. 4.1.2) with fixed loop bounds the compiler unrolls, then the two unit triangular solves. One
// division per column and no square root: the factorisation is a serial chain at the head of the
// acceleration pass, so its latency counts, not only its instructions.
inline Vec6 solve_spd6(const Mat6& A, const Vec6& b) {
  double L[6][6];
  double LD[6][6];  // L[i][k] d_k
  double inv_d[6];
#pragma GCC unroll 6
  for (int j = 0; j < 6; ++j) {
    double d = A(j, j);
#pragma GCC unroll 6
    for (int k = 0; k < j; ++k) d -= L[j][k] * LD[j][k];
    inv_d[j] = 1.0 / d;
#pragma GCC unroll 6
    for (int i = j + 1; i < 6; ++i) {
      double s = A(i, j);
#pragma GCC unroll 6
      for (int k = 0; k < j; ++k) s -= L[i][k] * LD[j][k];
      LD[i][j] = s;
      L[i][j] = s * inv_d[j];
    }
  }
  Vec6 x;
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    double s = b[i];
#pragma GCC unroll 6
    for (int k = 0; k < i; ++k) s -= L[i][k] * x[k];
    x[i] = s;
  }
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) x[i] *= inv_d[i];
#pragma GCC unroll 6
  for (int i = 5; i >= 0; --i) {
    double s = x[i];
#pragma GCC unroll 6
    for (int k = i + 1; k < 6; ++k) s -= L[k][i] * x[k];
    x[i] = s;
  }
  return x;
}

// World motion-subspace columns S_W = X_Wi S of body i's joint into data.J_W, and v_J = S_W q̇.
// Unit-axis joints read the columns straight off R_Wi: the column for body axis e_k is
// [R e_k ; t x R e_k] (rotation) or [0 ; R e_k] (translation), no 6D transform needed.
inline Motion world_joint_columns(const Model& model, Data& data, int i, const VecX& v) {
  const SE3& X = data.oMb[i];
  const Mat3& R = X.rotation;
  const Vec3& t = X.translation;
  const int iv = model.idx_v[i];
  auto rotation_column = [&](int col, const Vec3& w) {
    data.J_W.col(col).head<3>() = w;
    data.J_W.col(col).tail<3>() = t.cross(w);
  };
  Motion vJ;
  switch (model.kind[i]) {
    case JointKind::kRevoluteX:
    case JointKind::kRevoluteY:
    case JointKind::kRevoluteZ: {
      const int axis = static_cast<int>(model.kind[i]) - static_cast<int>(JointKind::kRevoluteX);
      rotation_column(iv, R.col(axis));
      break;
    }
    case JointKind::kSpherical:
      for (int k = 0; k < 3; ++k) rotation_column(iv + k, R.col(k));
      break;
    case JointKind::kFree:
      for (int k = 0; k < 3; ++k) {
        rotation_column(iv + k, R.col(k));
        data.J_W.col(iv + 3 + k).head<3>().setZero();
        data.J_W.col(iv + 3 + k).tail<3>() = R.col(k);
      }
      break;
    default:
      for (int k = iv; k < iv + model.nv_j[i]; ++k) {
        const Motion s = X.act(detail::column_motion(data.S, k));
        data.J_W.col(k).head<3>() = s.angular;
        data.J_W.col(k).tail<3>() = s.linear;
      }
  }
  for (int k = iv; k < iv + model.nv_j[i]; ++k) {
    vJ.angular += data.J_W.col(k).head<3>() * v[k];
    vJ.linear += data.J_W.col(k).tail<3>() * v[k];
  }
  return vJ;
}

// A rigid body's inertia in world axes in the centre-of-mass form {m, c, I_c} (c = world position
// of the centre of mass, I_c = R I_C R^T about it): transforming it is one rotation of a symmetric
// 3x3 (two rank-1 terms when the body's inertia is given in its principal axes, as MuJoCo stores
// it), against the parallel-axis terms of the about-the-origin form, which are only formed where a
// 6x6 articulated inertia needs them (Featherstone 2008, eqs. 2.62-2.63).
// apply() and write() are forced inline (GCC 12 leaves them out of line in aba_impl, which then
// spills the inertia to memory for each call: 2-4 % of the call on human20, callgrind).
struct WorldInertia {
  double m = 0.0;                                          // kg
  Vec3 c;                                                  // m, world
  double xx, yy, zz, xy, xz, yz;                           // kg m^2, I_c in world axes

  // principal: I.inertia_about_com is diagonal (Model::BodyTraits::principal_inertia).
  WorldInertia(const SpatialInertia& I, bool principal, const Mat3& R, const Vec3& t) : m(I.mass) {
    const Vec3& cb = I.com;
    c.noalias() = R * cb;
    c += t;
    const Mat3& J = I.inertia_about_com;
    if (principal) {
      // J = diag(j1, j2, j3) and R R^T = 1 = Σ_k r_k r_k^T (r_k = columns of R) give
      // R J R^T = j3 1 + (j1 - j3) r_1 r_1^T + (j2 - j3) r_2 r_2^T: two rank-1 terms instead of three.
      const double j3 = J(2, 2), d1 = J(0, 0) - j3, d2 = J(1, 1) - j3;
      const double ax = d1 * R(0, 0), ay = d1 * R(1, 0), az = d1 * R(2, 0);
      const double bx = d2 * R(0, 1), by = d2 * R(1, 1), bz = d2 * R(2, 1);
      xx = j3 + ax * R(0, 0) + bx * R(0, 1);
      yy = j3 + ay * R(1, 0) + by * R(1, 1);
      zz = j3 + az * R(2, 0) + bz * R(2, 1);
      xy = ax * R(1, 0) + bx * R(1, 1);
      xz = ax * R(2, 0) + bx * R(2, 1);
      yz = ay * R(2, 0) + by * R(2, 1);
      return;
    }
    // I_c = R J R^T = Σ_j T_j R_j^T over the columns j of T = R J and R (entry (a, b) =
    // Σ_j T(a, j) R(b, j)).
    Mat3 T;
    T.noalias() = R * J;
    xx = T(0, 0) * R(0, 0) + T(0, 1) * R(0, 1) + T(0, 2) * R(0, 2);
    xy = T(0, 0) * R(1, 0) + T(0, 1) * R(1, 1) + T(0, 2) * R(1, 2);
    xz = T(0, 0) * R(2, 0) + T(0, 1) * R(2, 1) + T(0, 2) * R(2, 2);
    yy = T(1, 0) * R(1, 0) + T(1, 1) * R(1, 1) + T(1, 2) * R(1, 2);
    yz = T(1, 0) * R(2, 0) + T(1, 1) * R(2, 1) + T(1, 2) * R(2, 2);
    zz = T(2, 0) * R(2, 0) + T(2, 1) * R(2, 1) + T(2, 2) * R(2, 2);
  }
  // Momentum of the motion [w; v_o] (about the world origin): the centre of mass moves with
  // v_c = v_o + w x c, so f = m v_c and n = I_c w + c x f. Written on scalars: Eigen's 3-vector
  // temporaries cost more loads and stores than the arithmetic here (callgrind).
  [[gnu::always_inline]] Force apply(const Vec3& w, const Vec3& v_o) const {
    const double wx = w.x(), wy = w.y(), wz = w.z(), cx = c.x(), cy = c.y(), cz = c.z();
    const double fx = m * (v_o.x() + wy * cz - wz * cy);
    const double fy = m * (v_o.y() + wz * cx - wx * cz);
    const double fz = m * (v_o.z() + wx * cy - wy * cx);
    Force f;
    f.linear = Vec3(fx, fy, fz);
    f.angular = Vec3(xx * wx + xy * wy + xz * wz + cy * fz - cz * fy,
                     xy * wx + yy * wy + yz * wz + cz * fx - cx * fz,
                     xz * wx + yz * wy + zz * wz + cx * fy - cy * fx);
    return f;
  }
  // Bias force v x* I v of the body moving with v = [w; v_o]: the force that keeps its spatial
  // acceleration zero, i.e. the centre of mass accelerating by w x v_c and no angular
  // acceleration: f = m w x v_c, n = w x I_c w + c x f (equal to v x* I v, fewer products).
  Force bias(const Motion& v) const {
    const double wx = v.angular.x(), wy = v.angular.y(), wz = v.angular.z();
    const double cx = c.x(), cy = c.y(), cz = c.z();
    const double vcx = v.linear.x() + wy * cz - wz * cy;
    const double vcy = v.linear.y() + wz * cx - wx * cz;
    const double vcz = v.linear.z() + wx * cy - wy * cx;
    const double fx = m * (wy * vcz - wz * vcy), fy = m * (wz * vcx - wx * vcz), fz = m * (wx * vcy - wy * vcx);
    const double ix = xx * wx + xy * wy + xz * wz, iy = xy * wx + yy * wy + yz * wz, iz = xz * wx + yz * wy + zz * wz;
    Force f;
    f.linear = Vec3(fx, fy, fz);
    f.angular = Vec3(wy * iz - wz * iy + cy * fz - cz * fy, wz * ix - wx * iz + cz * fx - cx * fz,
                     wx * iy - wy * ix + cx * fy - cy * fx);
    return f;
  }
  // v x* Y v + Y a in one pass (a leaf's p^A + Y c): the two centre-of-mass forces share the
  // c x f term, f = m (w x v_c + a_o + a_w x c), n = w x I_c w + I_c a_w + c x f.
  [[gnu::always_inline]] Force bias_plus_apply(const Motion& v, const Motion& a) const {
    const double wx = v.angular.x(), wy = v.angular.y(), wz = v.angular.z();
    const double ax = a.angular.x(), ay = a.angular.y(), az = a.angular.z();
    const double cx = c.x(), cy = c.y(), cz = c.z();
    const double vcx = v.linear.x() + wy * cz - wz * cy;
    const double vcy = v.linear.y() + wz * cx - wx * cz;
    const double vcz = v.linear.z() + wx * cy - wy * cx;
    const double fx = m * (wy * vcz - wz * vcy + a.linear.x() + ay * cz - az * cy);
    const double fy = m * (wz * vcx - wx * vcz + a.linear.y() + az * cx - ax * cz);
    const double fz = m * (wx * vcy - wy * vcx + a.linear.z() + ax * cy - ay * cx);
    const double ix = xx * wx + xy * wy + xz * wz, iy = xy * wx + yy * wy + yz * wz, iz = xz * wx + yz * wy + zz * wz;
    Force f;
    f.linear = Vec3(fx, fy, fz);
    f.angular = Vec3(wy * iz - wz * iy + xx * ax + xy * ay + xz * az + cy * fz - cz * fy,
                     wz * ix - wx * iz + xy * ax + yy * ay + yz * az + cz * fx - cx * fz,
                     wx * iy - wy * ix + xz * ax + yz * ay + zz * az + cx * fy - cy * fx);
    return f;
  }
  // M += the 6x6 below minus w u^T (a rank-1 downdate), column by column.
  [[gnu::always_inline]] void add_to_minus_rank1(Mat6& M, const Vec6& w, const Vec6& u) const {
    Mat6 Y6;
    write(Y6);
    for (int j = 0; j < 6; ++j) M.col(j) += Y6.col(j) - w * u[j];
  }
  // The 6x6 about the world origin: [I_O, [h]x; [h]x^T, m 1], h = m c, I_O = I_c + m (|c|^2 1 - c c^T).
  [[gnu::always_inline]] void write(Mat6& M) const {
    const Vec3 h = m * c;
    const double mc2 = h.dot(c);
    M(0, 0) = xx + mc2 - h.x() * c.x();
    M(1, 1) = yy + mc2 - h.y() * c.y();
    M(2, 2) = zz + mc2 - h.z() * c.z();
    M(0, 1) = M(1, 0) = xy - h.x() * c.y();
    M(0, 2) = M(2, 0) = xz - h.x() * c.z();
    M(1, 2) = M(2, 1) = yz - h.y() * c.z();
    M(0, 3) = M(1, 4) = M(2, 5) = M(3, 0) = M(4, 1) = M(5, 2) = 0.0;
    M(0, 4) = M(4, 0) = -h.z();
    M(0, 5) = M(5, 0) = h.y();
    M(1, 3) = M(3, 1) = h.z();
    M(1, 5) = M(5, 1) = -h.x();
    M(2, 3) = M(3, 2) = -h.y();
    M(2, 4) = M(4, 2) = h.x();
    M(3, 3) = M(4, 4) = M(5, 5) = m;
    M(3, 4) = M(3, 5) = M(4, 3) = M(4, 5) = M(5, 3) = M(5, 4) = 0.0;
  }
};

// Inverse of a symmetric positive definite 3x3 (a ball joint's D = S'^T I^A S') from its six
// distinct cofactors (adjugate / determinant), reading only the upper triangle.
inline Mat3 inverse_symmetric3(const Mat3& D) {
  const double a = D(0, 0), b = D(0, 1), c = D(0, 2), d = D(1, 1), e = D(1, 2), f = D(2, 2);
  const double A00 = d * f - e * e, A01 = c * e - b * f, A02 = b * e - c * d;
  const double inv_det = 1.0 / (a * A00 + b * A01 + c * A02);
  const double A11 = a * f - c * c, A12 = b * c - a * e, A22 = a * d - b * b;
  Mat3 X;
  X(0, 0) = A00 * inv_det;
  X(1, 1) = A11 * inv_det;
  X(2, 2) = A22 * inv_det;
  X(0, 1) = X(1, 0) = A01 * inv_det;
  X(0, 2) = X(2, 0) = A02 * inv_det;
  X(1, 2) = X(2, 1) = A12 * inv_det;
  return X;
}

// [angular; linear] as one 6-vector by two block copies (Motion/Force::to_vector's comma
// initializer is an out-of-line call in aba_impl).
template <class SpatialVector>
inline Vec6 stacked(const SpatialVector& x) {
  Vec6 r;
  r.head<3>() = x.angular;
  r.tail<3>() = x.linear;
  return r;
}

inline bool is_axis_revolute(JointKind kind) {
  return kind == JointKind::kRevoluteX || kind == JointKind::kRevoluteY || kind == JointKind::kRevoluteZ;
}

// I^A_λ += I^A - W U^T (W = U D^-1) column by column: one vectorised pass over the parent's 36
// entries for the rank-1 (revolute) or rank-3 (ball) downdate and the accumulation together.
template <int N>
inline void add_projected_inertia(const Mat6& IA, const Eigen::Matrix<double, 6, N>& W,
                                  const Eigen::Matrix<double, 6, N>& U, Mat6& IAp) {
  for (int j = 0; j < 6; ++j) IAp.col(j) += IA.col(j) - W * U.row(j).transpose();
}

// Articulated-body algorithm (Featherstone 2008, Table 7.1) with every quantity in world
// coordinates about the world origin (as Pinocchio does since v2): articulated inertias then add
// to the parent's without any spatial transform, which saves the dominant 6x6 congruence per body.
// Gravity is a fictitious base acceleration a_0 = [0; -g] (Featherstone 2008, sec. 5.3), so no body
// needs its weight wrench; in world coordinates about the origin the offset [0; g] is the same
// spatial vector for every body and is added back to give data.a_W / data.a true accelerations.
//   pass 1: X_Wi, S_W = X_Wi S, v_i = v_λ + S_W q̇, c_i = v_λ x S_W q̇ (= v_i x S_W q̇) + X_Wi c_J,
//           Y_i (centre-of-mass form, WorldInertia), p^A_i = v_i x* Y_i v_i - f_ext,i
//   pass 2: I^A_i = Y_i + Σ_children I^a, U = I^A S_W, D = S_W^T U, u = τ - S_W^T p^A,
//           I^a = I^A - U D^-1 U^T, I^A_λ += I^a, p^A_λ += p^A + I^a c + U D^-1 u
//   pass 3: a' = a_λ + c, q̈ = D^-1 (u - U^T a'), a = a' + S_W q̈.
// Rearranged (I^A symmetric, so U^T c = S^T I^A c): with P = p^A + I^A c and W = U D^-1,
//   p^A_λ += P + U k, k = D^-1 (τ - S_W^T P);   q̈ = κ - W^T a_λ, κ = k + W^T [0; g],
// with a_λ the parent's true acceleration: u is never formed, and pass 3 (a serial chain from the
// root) is one dot product and one update per body, gravity off its path (data.W, data.kappa).
// Per joint kind (the work Pinocchio's JointModel visitors specialise):
// - axis-aligned revolute joints form R_Wi by rotating two columns of R_Wλ R_λJ, and their
//   column is [r; t x r] with r a column of R_Wi; a leaf body of such a joint (I^A = Y_i) does its
//   pass-2 step in pass 1 with the 3x3 centre-of-mass products, and never assembles a 6x6 of its own;
// - ball joints use the world-aligned basis S' = [1; [t]x] = S_W R_Wi^T (t = joint centre), whose
//   products with I^A are column combinations; the unknown is then x = R_Wi q̈ (same c_i: only the
//   basis of the same subspace changes), q̈ = R_Wi^T x;
// - free joints (S invertible) transmit no inertia: I^a = 0, p^a = X_Wi^* τ, and their body solves
//   I^A a = X_Wi^* τ - p^A directly (6x6 Cholesky).
template <bool kWithExternal>
const VecX& aba_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                     const std::vector<Force>* f_ext_W) {
  const int nb = model.nbodies;
  for (int i = 1; i < nb; ++i) {
    const int p = model.parent[i];
    const int iv = model.idx_v[i];
    const JointKind kind = model.kind[i];
    const SE3& oMp = data.oMb[p];
    SE3& oMi = data.oMb[i];
    Motion vJ;
    if (is_axis_revolute(kind) || kind == JointKind::kSpherical || kind == JointKind::kFree) {
      // Joint frame in the world, X_WJ = X_Wλ X_λJ, skipping the products by identities: the
      // ground's pose, and joint frames that are pure translations (R_λJ = 1, the usual case).
      const SE3& Xpj = model.X_parent_joint[i];
      const double* qi = &q[model.idx_q[i]];
      Mat3 R_product;
      const Mat3* R_WJ = &Xpj.rotation;
      Vec3 t_WJ = Xpj.translation;
      if (p > 0) {
        if (model.traits[i].joint_rotation_free) {
          R_WJ = &oMp.rotation;
        } else {
          R_product.noalias() = oMp.rotation * Xpj.rotation;
          R_WJ = &R_product;
        }
        t_WJ = oMp.rotation * Xpj.translation + oMp.translation;
      }
      Mat3& R = oMi.rotation;
      Vec3& t = oMi.translation;
      if (kind == JointKind::kFree) {
        if (p == 0 && model.traits[i].joint_rotation_free) {  // R_WJ = 1: the usual floating base
          R = detail::quaternion_matrix(qi + 3);
          t = Vec3(qi[0], qi[1], qi[2]) + t_WJ;
        } else {
          R.noalias() = *R_WJ * detail::quaternion_matrix(qi + 3);
          t.noalias() = *R_WJ * Vec3(qi[0], qi[1], qi[2]);
          t += t_WJ;
        }
      } else {
        t = t_WJ;
      }
      if (kind == JointKind::kSpherical || kind == JointKind::kFree) {
        if (kind == JointKind::kSpherical) R.noalias() = *R_WJ * detail::quaternion_matrix(qi);
        for (int k = 0; k < 3; ++k) {
          data.J_W.col(iv + k).head<3>() = R.col(k);
          data.J_W.col(iv + k).tail<3>() = t.cross(R.col(k));
        }
        vJ.angular.noalias() = R * v.segment<3>(iv);
        vJ.linear = t.cross(vJ.angular);
        if (kind == JointKind::kFree) {
          // Translation columns [0; R e_k]; v_J = [R ω ; t x R ω + R v] (body-frame free velocity).
          for (int k = 0; k < 3; ++k) {
            data.J_W.col(iv + 3 + k).head<3>().setZero();
            data.J_W.col(iv + 3 + k).tail<3>() = R.col(k);
          }
          vJ.linear.noalias() += R * v.segment<3>(iv + 3);
        }
      } else {
        double cq, sq;
        detail::sin_cos(*qi, sq, cq);
        const int axis = static_cast<int>(kind) - static_cast<int>(JointKind::kRevoluteX);
        if (axis == 0) detail::rotate_x(*R_WJ, cq, sq, R);
        else if (axis == 1) detail::rotate_y(*R_WJ, cq, sq, R);
        else detail::rotate_z(*R_WJ, cq, sq, R);
        const Vec3 r = R.col(axis);
        const Vec3 tr = t.cross(r);
        data.J_W.col(iv).head<3>() = r;
        data.J_W.col(iv).tail<3>() = tr;
        vJ.angular = r * v[iv];
        vJ.linear = tr * v[iv];
      }
    } else {
      detail::joint_position(model, data, i, q);
      oMi = oMp * data.X_parent[i];
      vJ = world_joint_columns(model, data, i, v);
    }
    const Motion& vp = data.v_W[p];
    Motion& ci = data.c[i];
    ci = cross(vp, vJ);
    Motion& vi = data.v_W[i];
    vi = vp + vJ;
    if (kind == JointKind::kCustom) {
      data.c_J[i] = detail::joint_bias(model, data, i, v);
      ci += oMi.act(data.c_J[i]);
    }
    const Model::BodyTraits& traits = model.traits[i];
    const WorldInertia Y(model.inertia[i], traits.principal_inertia, oMi.rotation, oMi.translation);
    if (!traits.leaf || !is_axis_revolute(kind)) {
      Force& pA = data.pA[i];
      pA = Y.bias(vi);
      if constexpr (kWithExternal) pA -= (*f_ext_W)[i];
      Y.write(data.IA[i]);
      continue;
    }
    // Leaf body on an axis-aligned revolute joint: I^A = Y_i, pass 2 right here, on
    // P = p^A + Y c (see pass 2).
    const Vec3 r = data.J_W.col(iv).head<3>();
    const Vec3 tr = data.J_W.col(iv).tail<3>();
    const Force U = Y.apply(r, tr);
    Force P = Y.bias_plus_apply(vi, ci);
    if constexpr (kWithExternal) P -= (*f_ext_W)[i];
    const double Dinv = 1.0 / (r.dot(U.angular) + tr.dot(U.linear));
    const double k = Dinv * (tau[iv] - (r.dot(P.angular) + tr.dot(P.linear)));
    const Vec3 W_ang = U.angular * Dinv, W_lin = U.linear * Dinv;
    data.W.col(iv).head<3>() = W_ang;
    data.W.col(iv).tail<3>() = W_lin;
    data.kappa[iv] = k + W_lin.dot(model.gravity);
    if (p == 0) continue;
    Force& pAp = data.pA[p];
    pAp.angular += P.angular + k * U.angular;
    pAp.linear += P.linear + k * U.linear;
    Vec6 U6, W6;
    U6.head<3>() = U.angular;
    U6.tail<3>() = U.linear;
    W6.head<3>() = W_ang;
    W6.tail<3>() = W_lin;
    Y.add_to_minus_rank1(data.IA[p], W6, U6);
  }
  for (int i = nb - 1; i > 0; --i) {
    const JointKind kind = model.kind[i];
    if (model.traits[i].leaf && is_axis_revolute(kind)) continue;  // done in pass 1
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const Mat6& IA = data.IA[i];
    const Force& pA = data.pA[i];
    if (kind == JointKind::kFree) {
      data.f[i] = data.oMb[i].act(Force{tau.segment<3>(iv), tau.segment<3>(iv + 3)});  // X^* τ
      if (p > 0) data.pA[p] += data.f[i];
      continue;
    }
    if (n == 0) {
      if (p > 0) {
        data.IA[p] += IA;
        data.pA[p] += pA;  // c = 0 for a fixed joint
      }
      continue;
    }
    // P = p^A + I^A c gives u - U^T c = τ - S^T P (U = I^A S, I^A symmetric), so the parent's
    // p^a = P + U k with k = D^-1 (τ - S^T P), and pass 3's q̈ = D^-1 (u - U^T a') = k - W^T a_λ
    // + W^T [0; g] (W = U D^-1, a_λ the parent's true acceleration): pass 3 reads W and
    // κ = k + W^T [0; g], two numbers per coordinate, with neither u nor gravity on its chain.
    const Vec6 c = stacked(data.c[i]);
    Vec6 P = stacked(pA);
    for (int j = 0; j < 6; ++j) P += IA.col(j) * c[j];
    if (n == 1) {
      const Vec6 s = data.J_W.col(iv);
      // U = I^A s as a sum of columns (Eigen's 6x6 product kernel is called out of line).
      Vec6 U = IA.col(0) * s[0];
      for (int j = 1; j < 6; ++j) U += IA.col(j) * s[j];
      const double Dinv = 1.0 / s.dot(U);
      const double k = Dinv * (tau[iv] - s.dot(P));
      const Vec6 W = U * Dinv;
      data.W.col(iv) = W;
      data.kappa[iv] = k + W.tail<3>().dot(model.gravity);
      if (p > 0) {
        data.pA[p] += Force::from_vector(P + U * k);
        add_projected_inertia<1>(IA, W, U, data.IA[p]);
      }
      continue;
    }
    // Ball joint in the world-aligned basis S' = [1; [t]x]: column k of I^A S' is
    // I^A_k + I^A_{3:6} (t x e_k), and S'^T f = n - t x f (the moment about the joint centre).
    const Vec3& t = data.oMb[i].translation;
    Eigen::Matrix<double, 6, 3> U;
    U.col(0) = IA.col(0) + t.z() * IA.col(4) - t.y() * IA.col(5);
    U.col(1) = IA.col(1) - t.z() * IA.col(3) + t.x() * IA.col(5);
    U.col(2) = IA.col(2) + t.y() * IA.col(3) - t.x() * IA.col(4);
    Mat3 D;
    for (int k = 0; k < 3; ++k) {
      const Vec3 top = U.col(k).head<3>();
      const Vec3 bottom = U.col(k).tail<3>();
      D.col(k) = top - t.cross(bottom);
    }
    const Mat3 Dinv = inverse_symmetric3(D);
    Vec3 u;
    u.noalias() = data.oMb[i].rotation * tau.segment<3>(iv);  // τ' = R τ
    u -= P.head<3>() - t.cross(Vec3(P.tail<3>()));
    const Vec3 k = Dinv * u;
    Eigen::Matrix<double, 6, 3> W;
    for (int j = 0; j < 3; ++j) W.col(j) = U.col(0) * Dinv(0, j) + U.col(1) * Dinv(1, j) + U.col(2) * Dinv(2, j);
    data.W.middleCols<3>(iv) = W;
    data.kappa.segment<3>(iv).noalias() = k + W.bottomRows<3>().transpose() * model.gravity;
    if (p > 0) {
      P.noalias() += U * k;
      data.pA[p] += Force::from_vector(P);
      add_projected_inertia<3>(IA, W, U, data.IA[p]);
    }
  }
  // Accelerations: a_i = a_λ + c_i + S q̈ with q̈ = κ - W^T a_λ (true accelerations a_λ, see pass 2);
  // the free base solves I^A a = X^* τ - p^A for its acceleration relative to the fictitious base
  // acceleration [0; -g].
  for (int i = 1; i < nb; ++i) {
    const int iv = model.idx_v[i];
    const int n = model.nv_j[i];
    const int p = model.parent[i];
    const JointKind kind = model.kind[i];
    const Motion& a_p = data.a_W[p];
    Motion& a_W = data.a_W[i];
    if (kind == JointKind::kFree) {
      const Vec6 rhs = stacked(data.f[i] - data.pA[i]);
      a_W = Motion::from_vector(solve_spd6(data.IA[i], rhs));
      // q̈ = S^-1 (a - a'), S = X_Wi, a' = a_λ + c - [0; g]: the body-frame form of the relative acceleration.
      Motion a_prime = a_p + data.c[i];
      a_prime.linear -= model.gravity;
      const Motion qdd = data.oMb[i].actInv(a_W - a_prime);
      data.ddq.segment<3>(iv) = qdd.angular;
      data.ddq.segment<3>(iv + 3) = qdd.linear;
      a_W.linear += model.gravity;
    } else if (n == 0) {
      a_W = a_p + data.c[i];
    } else if (n == 1) {
      const auto W = data.W.col(iv);
      const double qdd = data.kappa[iv] - W.head<3>().dot(a_p.angular) - W.tail<3>().dot(a_p.linear);
      data.ddq[iv] = qdd;
      a_W.angular = a_p.angular + data.c[i].angular + data.J_W.col(iv).head<3>() * qdd;
      a_W.linear = a_p.linear + data.c[i].linear + data.J_W.col(iv).tail<3>() * qdd;
    } else {
      // Ball: x = κ - W^T a_λ, a = a_λ + c + S' x, q̈ = R^T x.
      const auto W = data.W.middleCols<3>(iv);
      const Vec3 x = data.kappa.segment<3>(iv) - W.topRows<3>().transpose() * a_p.angular -
                     W.bottomRows<3>().transpose() * a_p.linear;
      const SE3& oMi = data.oMb[i];
      data.ddq.segment<3>(iv).noalias() = oMi.rotation.transpose() * x;
      a_W.angular = a_p.angular + data.c[i].angular + x;
      a_W.linear = a_p.linear + data.c[i].linear + oMi.translation.cross(x);
    }
  }
  return data.ddq;
}

// q̈ = M^-1 (τ - b): the joint-space form of the equations of motion (Featherstone 2008, eq. 6.1),
// valid for couplers because RNEA and CRBA both project coupled joints onto their drivers.
const VecX& crba_forward_impl(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                              const std::vector<Force>* f_ext_W) {
  if (&tau != &data.ddq) data.ddq = tau;  // tau may be data.tau, which rnea overwrites
  const VecX& b = f_ext_W ? rnea(model, data, q, v, data.zero_nv, *f_ext_W) : rnea(model, data, q, v, data.zero_nv);
  data.ddq -= b;
  data.M_llt.compute(crba(model, data, q));
  data.M_llt.solveInPlace(data.ddq);
  // Body accelerations and world Jacobian columns, as aba() leaves them.
  forward_kinematics(model, data, q, v, data.ddq);
  for (int i = 1; i < model.nbodies; ++i) {
    data.a_W[i] = data.oMb[i].act(data.a[i]);
    const int is = model.idx_s[i];
    for (int s = is; s < is + model.ns_j[i]; ++s) {
      const Motion m = data.oMb[i].act(detail::column_motion(data.S, s));
      data.J_W.col(s).head<3>() = m.angular;
      data.J_W.col(s).tail<3>() = m.linear;
    }
  }
  return data.ddq;
}

}  // namespace

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau) {
  if (model.has_couplers()) return crba_forward_impl(model, data, q, v, tau, nullptr);
  return aba_impl<false>(model, data, q, v, tau, nullptr);
}

const VecX& aba(const Model& model, Data& data, const VecX& q, const VecX& v, const VecX& tau,
                const std::vector<Force>& f_ext_W) {
  if (model.has_couplers()) return crba_forward_impl(model, data, q, v, tau, &f_ext_W);
  return aba_impl<true>(model, data, q, v, tau, &f_ext_W);
}

const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau) {
  return crba_forward_impl(model, data, q, v, tau, nullptr);
}

const VecX& forward_dynamics_via_crba(const Model& model, Data& data, const VecX& q, const VecX& v,
                                      const VecX& tau, const std::vector<Force>& f_ext_W) {
  return crba_forward_impl(model, data, q, v, tau, &f_ext_W);
}

}  // namespace dembones
