#include "solvers/external_loads.hpp"

#include <algorithm>

namespace dembones {

void add_applied_forces(const Data& data, std::span<const AppliedForce> forces, std::vector<Force>& f_ext_W) {
  for (const AppliedForce& a : forces) {
    Vec3 f_W, p_W;
    resolve_in_world(data, a, f_W, p_W);
    f_ext_W[a.body].linear += f_W;
    f_ext_W[a.body].angular += p_W.cross(f_W);
  }
}

void ExternalLoadSeries::get_frame(int frame, std::vector<AppliedForce>& out) const {
  for (std::size_t i = 0; i < tracks.size(); ++i) {
    const ExternalForceTrack& t = tracks[i];
    out[i] = t.applied;
    out[i].force_N = t.force_N.row(frame).transpose();
    if (t.point_varies) out[i].point_m = t.point_m.row(frame).transpose();
    out[i].name = t.name;
  }
}

Eigen::Index resample_linear(const Eigen::VectorXd& t_src, const Eigen::MatrixXd& values, const Eigen::VectorXd& t_dst,
                             Eigen::MatrixXd& out, double slack_s) {
  const Eigen::Index n = t_src.size();
  out.resize(t_dst.size(), values.cols());
  for (Eigen::Index k = 0; k < t_dst.size(); ++k) {
    const double t = t_dst(k);
    if (n == 0 || t < t_src(0) - slack_s || t > t_src(n - 1) + slack_s) return k;
    if (n == 1 || t <= t_src(0)) {
      out.row(k) = values.row(0);
      continue;
    }
    if (t >= t_src(n - 1)) {
      out.row(k) = values.row(n - 1);
      continue;
    }
    // First sample strictly after t; t lies in [t_src(j−1), t_src(j)).
    const Eigen::Index j = std::upper_bound(t_src.data(), t_src.data() + n, t) - t_src.data();
    const double t0 = t_src(j - 1), t1 = t_src(j);
    const double w = t1 > t0 ? (t - t0) / (t1 - t0) : 0.0;
    out.row(k) = (1.0 - w) * values.row(j - 1) + w * values.row(j);
  }
  return -1;
}

}  // namespace dembones
