#include "scenario/pendulum_balance.hpp"

#include <Eigen/SparseCholesky>

#include <algorithm>
#include <vector>

#include "common/error.hpp"

namespace dembones {

// Each row multiplied by g / z_f, the system is symmetric positive definite (a positive diagonal plus
// the discrete −d²/dt² with zero ends): a sparse LDLᵀ, whatever the motion's length.
VecX lipm_com_shift(const VecX& cop_shift, const VecX& com_height_m, double gravity, double dt, int begin, int end) {
  VecX delta = VecX::Zero(cop_shift.size());
  const int n = end - begin - 2;
  if (n < 1) return delta;
  const double k = 1.0 / (dt * dt);
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(3 * n);
  VecX rhs(n);
  for (int i = 0; i < n; ++i) {
    const int f = begin + 1 + i;
    const double w = gravity / std::max(com_height_m(f), 0.1);
    entries.emplace_back(i, i, w + 2.0 * k);
    if (i > 0) entries.emplace_back(i, i - 1, -k);
    if (i + 1 < n) entries.emplace_back(i, i + 1, -k);
    rhs(i) = w * cop_shift(f);
  }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());
  const Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(a);
  if (ldlt.info() != Eigen::Success) throw InternalError("lipm_com_shift: pendulum balance system not positive definite");
  delta.segment(begin + 1, n) = ldlt.solve(rhs);
  return delta;
}

}  // namespace dembones
