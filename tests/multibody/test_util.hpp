#pragma once
// Shared helpers for the multibody tests: seeded random vectors and an abs+rel tolerance check
// (after MuJoCo's test/fixture.h).
#include <gtest/gtest.h>

#include <random>

#include "spatial/types.hpp"

namespace dembones::test {

inline VecX random_vector(int n, unsigned seed, double range = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(-range, range);
  VecX x(n);
  for (int k = 0; k < n; ++k) x[k] = uni(rng);
  return x;
}

// |a - b| <= tol * (1 + max|b|), element-wise, with a readable failure message.
template <typename A, typename B>
::testing::AssertionResult near_rel(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b, double tol) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return ::testing::AssertionFailure() << "size mismatch";
  const double scale = 1.0 + b.cwiseAbs().maxCoeff();
  const double err = (a - b).cwiseAbs().maxCoeff();
  if (err <= tol * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max abs error " << err << " > " << tol << " * " << scale << "\n a = "
                                       << a.transpose() << "\n b = " << b.transpose();
}

}  // namespace dembones::test
