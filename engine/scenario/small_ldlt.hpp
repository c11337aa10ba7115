#pragma once
// LDLᵀ with diagonal pivoting of a small symmetric matrix (the posture IK's damped Gauss-Newton
// matrix, 7 × 7 for the lifter): Eigen::LDLT<M, Lower>'s algorithm (Eigen 3.4, Cholesky/LDLT.h,
// ldlt_inplace<Lower>::unblocked and _solve_impl_transposed) written out for n ≤ 8, the same
// operations in the same order, so the same bits, without the dynamic-size block expressions and
// matrix-vector kernel calls that made Eigen's factorisation and solve a twentieth of a lift's CPU.
// Larger matrices, or a build whose SIMD packets are not two doubles wide (the order of Eigen's
// vectorized sums depends on it), use Eigen::LDLT itself. Reads only the lower triangle.
#include <Eigen/Cholesky>
#include <Eigen/Core>

namespace dembones {

class SmallLdlt {
 public:
  static constexpr int kMaxSize = 16;
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxSize, kMaxSize>;
  using Vector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxSize, 1>;

  // Largest size written out: one panel of Eigen's triangular solves (EIGEN_TUNE_TRIANGULAR_PANEL_WIDTH).
  static constexpr int kWrittenOutMaxSize = 8;
  // True when this build uses the written-out factorisation for size n (else Eigen::LDLT).
  static bool written_out(int n);

  // Sizes the workspaces for n × n matrices (no allocation afterwards; at most kMaxSize).
  explicit SmallLdlt(int n);
  // Factorises a (n × n, lower triangle read).
  void compute(const Matrix& a);
  // x = A⁻¹ b (D's pseudo-inverse for zero pivots, as Eigen), in place; b has n entries.
  void solve_in_place(Eigen::Ref<Eigen::VectorXd> b) const;

 private:
  int n_;
  Matrix ldl_;                   // (n × n) L below the diagonal, D on it
  int transpositions_[kMaxSize];  // row k swapped with transpositions_[k] before step k
  Eigen::LDLT<Matrix> eigen_;    // sizes above kWrittenOutMaxSize
};

}  // namespace dembones
