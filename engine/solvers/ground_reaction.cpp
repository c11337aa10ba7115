#include "solvers/ground_reaction.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dembones {

void calc_ground_reaction(const Model& model, const Data& data, GroundReaction& out) {
  Vec3 f = Vec3::Zero(), m = Vec3::Zero();
  // Bodies jointed to the ground (body 0): what their joints transmit is what the ground gives.
  for (int b = 1; b < model.nbodies; ++b)
    if (model.parent[b] == 0) {
      f += data.f_joint_W[b].linear;
      m += data.f_joint_W[b].angular;
    }
  out.force_W = f;
  out.moment_O_W = m;
  if (!(f.y() > 0.0)) {
    // No push on the floor: no centre of pressure (the feet would lift off).
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.cop_x_m = out.cop_z_m = out.free_moment_Nm = nan;
    return;
  }
  // Moment about p = (x, 0, z): M − p × F; its x and z components vanish (Winter 2009, force-plate COP).
  out.cop_x_m = m.z() / f.y();
  out.cop_z_m = -m.x() / f.y();
  out.free_moment_Nm = m.y() - (out.cop_z_m * f.x() - out.cop_x_m * f.z());
}

bool cop_outside_support(const GroundReaction& g, const FootSupport& support) {
  if (!(g.force_W.y() > 0.0)) return true;
  const double lo = std::min(support.heel_x_m, support.toe_x_m), hi = std::max(support.heel_x_m, support.toe_x_m);
  return !(g.cop_x_m >= lo && g.cop_x_m <= hi);
}

}  // namespace dembones
