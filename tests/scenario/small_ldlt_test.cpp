// SmallLdlt (scenario/small_ldlt.hpp) must be Eigen::LDLT<M, Lower> to the last bit, factor and
// solution, for the matrices the posture IK builds: symmetric positive definite with a damped
// diagonal, with rows and columns of variables held at a joint limit replaced by the identity, and
// beyond (indefinite, a zero diagonal, exact zeros in the right-hand side); and it must solve.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "scenario/small_ldlt.hpp"

namespace dembones {
namespace {

using Matrix = SmallLdlt::Matrix;

bool same_bits(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

// J^T J (+ mu (1 + diag)) of a random tall J, as the IK's damped Gauss-Newton matrix; `held`
// variables get an identity row and column; the upper triangle is left as garbage (only the lower
// is read).
Matrix ik_like(std::mt19937& rng, int n, double mu, int held) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const int m = 2 * n + 3;
  Eigen::MatrixXd J(m, n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) J(i, j) = u(rng) * (i < 3 ? 1000.0 : 5.0);
  Matrix A = J.transpose() * J;
  A.diagonal().array() += mu * (1.0 + A.diagonal().array());
  if (held >= 0 && held < n) {
    A.row(held).setZero();
    A.col(held).setZero();
    A(held, held) = 1.0;
  }
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < j; ++i) A(i, j) = u(rng) * 1e6;  // never read
  return A;
}

Matrix symmetric_lower(std::mt19937& rng, int n) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Matrix A(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) A(i, j) = u(rng);
  return A;
}

void expect_same_as_eigen(const Matrix& A, const Eigen::VectorXd& b, const char* what, int n) {
  Eigen::LDLT<Matrix> ref(A);
  const Eigen::VectorXd x_ref = ref.solve(b);
  SmallLdlt ldlt(n);
  ldlt.compute(A);
  Eigen::VectorXd x = b;
  ldlt.solve_in_place(x);
  EXPECT_TRUE(same_bits(x_ref, x)) << what << ", n = " << n << "\nEigen " << x_ref.transpose() << "\nours  "
                                   << x.transpose();
}

TEST(SmallLdlt, SameBitsAsEigenOnPostureMatrices) {
  std::mt19937 rng(20261126);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int n = 1; n <= 12; ++n) {
    for (int trial = 0; trial < 40; ++trial) {
      const double mu = trial % 3 == 0 ? 1e-9 : (trial % 3 == 1 ? 1e-3 : 10.0);
      const Matrix A = ik_like(rng, n, mu, trial % 4 == 0 ? trial % n : -1);
      Eigen::VectorXd b(n);
      for (int i = 0; i < n; ++i) b(i) = u(rng) * 100.0;
      if (trial % 5 == 0) b(trial % n) = 0.0;  // an exact zero entry (skipped by the forward solve)
      expect_same_as_eigen(A, b, "posture matrix", n);
    }
  }
}

TEST(SmallLdlt, SameBitsAsEigenOnIndefiniteAndSingularMatrices) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int n = 1; n <= 10; ++n) {
    for (int trial = 0; trial < 30; ++trial) {
      Matrix A = symmetric_lower(rng, n);
      if (trial % 3 == 0) A.diagonal().setZero();                   // pivots from off-diagonal fill
      if (trial % 7 == 0) A.setZero();                              // the all-zero diagonal stop
      if (trial % 4 == 1) A.row(trial % n).setZero(), A.col(trial % n).setZero();  // a zero pivot
      Eigen::VectorXd b(n);
      for (int i = 0; i < n; ++i) b(i) = u(rng);
      expect_same_as_eigen(A, b, "indefinite or singular", n);
    }
  }
}

TEST(SmallLdlt, Solves) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int n = 1; n <= 12; ++n) {
    Matrix A = ik_like(rng, n, 1e-3, -1);
    Eigen::VectorXd b(n);
    for (int i = 0; i < n; ++i) b(i) = u(rng);
    SmallLdlt ldlt(n);
    ldlt.compute(A);
    Eigen::VectorXd x = b;
    ldlt.solve_in_place(x);
    const Eigen::MatrixXd full = A.selfadjointView<Eigen::Lower>();
    EXPECT_LT((full * x - b).norm(), 1e-9 * (1.0 + full.norm() * x.norm())) << "n = " << n;
  }
}

TEST(SmallLdlt, PostureSizesAreWrittenOut) {
  // The lifter's 7 posture variables take the written-out path in the release build (SSE2 packets);
  // otherwise the tests above compare Eigen with itself.
  EXPECT_EQ(SmallLdlt::written_out(7), Eigen::internal::packet_traits<double>::size == 2);
  EXPECT_FALSE(SmallLdlt::written_out(9));
}

}  // namespace
}  // namespace dembones
