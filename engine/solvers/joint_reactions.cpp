#include "solvers/joint_reactions.hpp"

#include <cmath>

namespace dembones {

SiteLoad site_load(const Model& /*model*/, const Data& data, const LoadSite& site) {
  const Force& f_W = data.f_joint_W[site.body];  // about the world origin
  const SE3 X_WS = data.oMb[site.frame_body] * site.X_BS;
  Vec3 f = f_W.linear;
  // Moment about the site origin: n_S = n_O − p × f.
  Vec3 n = f_W.angular - X_WS.translation.cross(f);
  if (site.mirror_pair) {
    // The lumped copy (f, n) and its mirror image about the plane z = z_S through the site origin
    // (f_x, f_y, −f_z; −n_x, −n_y, n_z) are the pair, carried by the lumped model twice over: their
    // mean is the pair's load. n_z does not involve f_z (it is p_x f_y − p_y f_x about the origin).
    f.z() = 0.0;
    n.x() = 0.0;
    n.y() = 0.0;
  }
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

double add_posterior_element_forces(const Model& model, const Data& data, const LoadSite& site,
                                    const PassiveMoment& pm, double moment_Nm, std::vector<Force>& f_ext_W) {
  const int upper = site.body;
  const int lower = model.parent[upper];
  // The column of the upper body's joint that moves pm.coordinate (its motion per unit velocity).
  int column = -1;
  for (int s = model.idx_s[upper]; s < model.idx_s[upper] + model.ns_j[upper]; ++s)
    if (model.column_v[s] == pm.coordinate) column = s;
  if (column < 0) return 0.0;  // the builder pairs a passive moment only with its own joint's site
  const Vec3 omega = data.J_W.col(column).head<3>();
  const Vec3 v_origin = data.J_W.col(column).tail<3>();
  const SE3 X_WS = data.oMb[site.frame_body] * site.X_BS;
  const Vec3 n = X_WS.rotation.col(site.normal_axis);     // disc normal, towards the upper vertebra
  const Vec3 a = X_WS.rotation.col(site.anterior_axis);   // anterior
  double total = 0.0;
  for (const PosteriorElement& e : pm.posterior) {
    const Vec3 p = X_WS.translation - e.lever_arm_m * a;
    // Generalized force on the coordinate per unit tension: the force −n on the upper vertebra at p
    // times the velocity of p per unit coordinate velocity (the lower vertebra does not move with it).
    const double h = (v_origin + omega.cross(p)).dot(-n);
    if (!(std::abs(h) > 1e-9) || moment_Nm * h <= 0.0) continue;  // slack: M is not a flexion resistance
    const double T = e.share * moment_Nm / h;
    const Vec3 f_upper = -T * n;
    f_ext_W[upper].linear += f_upper;
    f_ext_W[upper].angular += p.cross(f_upper);
    if (lower >= 0) {
      f_ext_W[lower].linear -= f_upper;
      f_ext_W[lower].angular -= p.cross(f_upper);
    }
    total += T;
  }
  return total;
}

SiteLoad patellofemoral_load(const Model& model, const LoadSite& site, const VecX& q, const VecX& tension_per_side_N) {
  double quadriceps = 0.0;
  for (int i : site.muscles) quadriceps += tension_per_side_N(i);
  // site.coordinate is a velocity index; its angle is the joint's q entry (they differ after a
  // quaternion joint, as pipeline.cpp's passive_moment maps them; review).
  const int body = model.velocity_body[site.coordinate];
  const double angle = q(model.idx_q[body] + (site.coordinate - model.idx_v[body]));
  SiteLoad out;
  out.compression = site.ratio.value(angle) * quadriceps;
  out.resultant = std::abs(out.compression);
  out.force_S = Vec3(0.0, out.compression, 0.0);
  return out;
}

}  // namespace dembones
