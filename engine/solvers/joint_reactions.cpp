#include "solvers/joint_reactions.hpp"

namespace dembones {

SiteLoad site_load(const Model& /*model*/, const Data& data, const LoadSite& site) {
  const Force& f_W = data.f_joint_W[site.body];  // about the world origin
  const SE3 X_WS = data.oMb[site.frame_body] * site.X_BS;
  const Vec3 f = f_W.linear;
  // Moment about the site origin: n_S = n_O − p × f.
  const Vec3 n = f_W.angular - X_WS.translation.cross(f);
  SiteLoad out;
  const Mat3 R_SW = X_WS.rotation.transpose();
  out.force_S = site.side_factor * (R_SW * f);
  out.moment_S = site.side_factor * (R_SW * n);
  const int lateral_axis = 3 - site.normal_axis - site.anterior_axis;
  out.compression = out.force_S(site.normal_axis);
  // The joint pushes the upper segment posteriorly when the load drives it anteriorly.
  out.ap_shear = -out.force_S(site.anterior_axis);
  out.lateral_shear = -out.force_S(lateral_axis);
  out.resultant = out.force_S.norm();
  return out;
}

SiteLoad patellofemoral_load(const LoadSite& site, const VecX& q, const VecX& tension_per_side_N) {
  double quadriceps = 0.0;
  for (int i : site.muscles) quadriceps += tension_per_side_N(i);
  SiteLoad out;
  out.compression = site.ratio.value(q(site.coordinate)) * quadriceps;
  out.resultant = std::abs(out.compression);
  out.force_S = Vec3(0.0, out.compression, 0.0);
  return out;
}

}  // namespace dembones
