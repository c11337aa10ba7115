#include "scenario/pendulum_balance.hpp"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseQR>

#include <algorithm>
#include <vector>

#include "common/error.hpp"

namespace dembones {

// Weight of the rows whose centre of pressure must move, against 1 for the others: 10-100 all bring the
// study sweep's lifts off the feet from 13 to 8 (docs/scenarios.md); 3 leaves 9.
constexpr double kMustMoveWeight = 100.0;

// The pendulum's equation is written for every inner frame of the movement (begin + 1 ... end - 2),
// in metres of centre of pressure; the shift is 0 on the two first and the two last frames of the
// movement (and outside it), so the shifted motion starts and ends at rest. Two more equations than
// unknowns: the weighted least-squares solution by sparse QR (the normal equations would square the
// condition number, about s·(n/π)² for s = z/(g·dt²): 10¹³ at 100 Hz, beyond double precision at
// 1 kHz).
VecX lipm_com_shift(const VecX& cop_shift, const VecX& com_height_m, double gravity, double dt, int begin, int end) {
  VecX delta = VecX::Zero(cop_shift.size());
  const int rows = end - begin - 2, unknowns = end - begin - 4, first = begin + 2;
  if (unknowns < 1) return delta;
  const double k = 1.0 / (dt * dt);
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(3 * rows);
  VecX rhs(rows);
  for (int r = 0; r < rows; ++r) {
    const int f = begin + 1 + r;
    const double s = std::max(com_height_m(f), 0.1) / gravity * k;  // z/g / dt²
    const double w = cop_shift(f) != 0.0 ? kMustMoveWeight : 1.0;
    // δ_f − (z/g)(δ_{f+1} − 2δ_f + δ_{f−1})/dt² = c_f, for the unknowns among f−1, f, f+1.
    for (const auto& [g, a] : {std::pair{f - 1, -s}, std::pair{f, 1.0 + 2.0 * s}, std::pair{f + 1, -s}})
      if (g >= first && g < first + unknowns) entries.emplace_back(r, g - first, w * a);
    rhs(r) = w * cop_shift(f);
  }
  Eigen::SparseMatrix<double> a(rows, unknowns);
  a.setFromTriplets(entries.begin(), entries.end());
  a.makeCompressed();
  const Eigen::SparseQR<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> qr(a);
  if (qr.info() != Eigen::Success) throw InternalError("lipm_com_shift: pendulum balance system could not be factorised");
  delta.segment(first, unknowns) = qr.solve(rhs);
  return delta;
}

}  // namespace dembones
