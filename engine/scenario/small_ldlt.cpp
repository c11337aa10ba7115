#include "scenario/small_ldlt.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "common/error.hpp"

namespace dembones {

namespace {

// Σ x_i y_i over contiguous vectors as Eigen 3.4's vectorized sum forms it (Core/Redux.h,
// redux_impl<LinearVectorizedTraversal, NoUnrolling>, packets of two doubles, first aligned index 0
// for a product expression): two packet accumulators over blocks of four, joined, one more packet,
// the two lanes added, then the odd last term.
double packet_order_dot(const double* x, const double* y, int size) {
  if (size < 2) return x[0] * y[0];
  const int end2 = (size / 4) * 4, end = (size / 2) * 2;
  double a0 = x[0] * y[0], a1 = x[1] * y[1];
  if (end > 2) {
    double b0 = x[2] * y[2], b1 = x[3] * y[3];
    for (int i = 4; i < end2; i += 4) {
      a0 = a0 + x[i] * y[i];
      a1 = a1 + x[i + 1] * y[i + 1];
      b0 = b0 + x[i + 2] * y[i + 2];
      b1 = b1 + x[i + 3] * y[i + 3];
    }
    a0 = a0 + b0;
    a1 = a1 + b1;
    if (end > end2) {
      a0 = a0 + x[end2] * y[end2];
      a1 = a1 + x[end2 + 1] * y[end2 + 1];
    }
  }
  double sum = a0 + a1;
  for (int i = end; i < size; ++i) sum = sum + x[i] * y[i];
  return sum;
}

}  // namespace

bool SmallLdlt::written_out(int n) {
  return n <= kWrittenOutMaxSize && Eigen::internal::packet_traits<double>::size == 2 &&
         Eigen::internal::packet_traits<double>::Vectorizable;
}

SmallLdlt::SmallLdlt(int n) : n_(n), ldl_(Matrix::Zero(n, n)) {
  if (n < 0 || n > kMaxSize) throw InternalError("SmallLdlt: size out of range");
  for (int k = 0; k < kMaxSize; ++k) transpositions_[k] = k;
  if (!written_out(n)) eigen_.compute(Matrix::Identity(n, n));  // sizes it once
}

// ldlt_inplace<Lower>::unblocked: pivot on the largest remaining |diagonal| (first of equals), swap
// in the lower triangle, then column k of L from the previous columns (the dot product of a matrix
// row: a plain sum from its first term; the matrix-vector product below it: a sum from zero per row,
// as the column-major GEMV kernel accumulates, or the dot product when one row remains).
void SmallLdlt::compute(const Matrix& a) {
  if (!written_out(n_)) {
    eigen_.compute(a);
    return;
  }
  const int n = n_;
  for (int j = 0; j < n; ++j)
    for (int i = j; i < n; ++i) ldl_(i, j) = a(i, j);
  if (n == 1) {
    transpositions_[0] = 0;
    return;
  }
  double temp[kMaxSize];
  Matrix& m = ldl_;
  for (int k = 0; k < n; ++k) {
    int big = k;
    double big_abs = std::abs(m(k, k));
    for (int i = k + 1; i < n; ++i) {
      const double v = std::abs(m(i, i));
      if (v > big_abs) {
        big_abs = v;
        big = i;
      }
    }
    transpositions_[k] = big;
    if (big != k) {
      for (int j = 0; j < k; ++j) std::swap(m(k, j), m(big, j));
      for (int i = big + 1; i < n; ++i) std::swap(m(i, k), m(i, big));
      std::swap(m(k, k), m(big, big));
      for (int i = k + 1; i < big; ++i) {
        const double t = m(i, k);
        m(i, k) = m(big, i);
        m(big, i) = t;
      }
    }
    const int rs = n - k - 1;
    if (k > 0) {
      for (int j = 0; j < k; ++j) temp[j] = m(j, j) * m(k, j);
      double dot = m(k, 0) * temp[0];
      for (int j = 1; j < k; ++j) dot = dot + m(k, j) * temp[j];
      m(k, k) = m(k, k) - dot;
      if (rs == 1) {
        double d = m(k + 1, 0) * temp[0];
        for (int j = 1; j < k; ++j) d = d + m(k + 1, j) * temp[j];
        m(k + 1, k) = m(k + 1, k) + (-1.0 * d);
      } else if (rs > 1) {
        for (int i = k + 1; i < n; ++i) {
          double c = 0.0;
          for (int j = 0; j < k; ++j) c = m(i, j) * temp[j] + c;
          m(i, k) = c * -1.0 + m(i, k);
        }
      }
    }
    const double akk = m(k, k);
    const bool pivot_valid = std::abs(akk) > 0.0;
    if (k == 0 && !pivot_valid) {
      // An all-zero diagonal: Eigen stops here with identity transpositions.
      for (int j = 0; j < n; ++j) transpositions_[j] = j;
      return;
    }
    if (rs > 0 && pivot_valid)
      for (int i = k + 1; i < n; ++i) m(i, k) = m(i, k) / akk;
  }
}

// _solve_impl_transposed: x = P b; L x' = x (unit lower, column by column, skipping zero entries);
// x' /= D (zero where |d| ≤ the smallest normal double); Lᵀ x'' = x' (unit upper, row by row, each
// row's sum in Eigen's packet order); x = Pᵀ x''.
void SmallLdlt::solve_in_place(Eigen::Ref<Eigen::VectorXd> b) const {
  if (!written_out(n_)) {
    b = eigen_.solve(b);
    return;
  }
  const int n = n_;
  double* x = b.data();
  for (int k = 0; k < n; ++k)
    if (transpositions_[k] != k) std::swap(x[k], x[transpositions_[k]]);
  for (int i = 0; i < n; ++i) {
    if (x[i] == 0.0) continue;
    for (int s = i + 1; s < n; ++s) x[s] = x[s] - x[i] * ldl_(s, i);
  }
  for (int i = 0; i < n; ++i) {
    const double d = ldl_(i, i);
    if (std::abs(d) > std::numeric_limits<double>::min())
      x[i] = x[i] / d;
    else
      x[i] = 0.0;
  }
  for (int k = 1; k < n; ++k) {
    const int i = n - k - 1;
    x[i] = x[i] - packet_order_dot(&ldl_(i + 1, i), &x[i + 1], k);
  }
  for (int k = n - 1; k >= 0; --k)
    if (transpositions_[k] != k) std::swap(x[k], x[transpositions_[k]]);
}

}  // namespace dembones
