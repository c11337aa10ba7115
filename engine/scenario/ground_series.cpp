#include "scenario/ground_series.hpp"

#include <cstdint>
#include <vector>

namespace dembones {

void GroundSeries::resize(int F) {
  force = MatX::Zero(F, 3);
  moment = MatX::Zero(F, 3);
  cop_forward = VecX::Zero(F);
  cop_lateral = VecX::Zero(F);
  outside_support = VecX::Zero(F);
}

void GroundSeries::record(int f, const Model& model, const Data& data) {
  GroundReaction g;
  calc_ground_reaction(model, data, g);
  // Moment about o = (ankle x, 0, 0): M_o = M_O − o × F.
  const Vec3 o(support.ankle_x_m, 0.0, 0.0);
  force.row(f) = g.force_W.transpose();
  moment.row(f) = (g.moment_O_W - o.cross(g.force_W)).transpose();
  cop_forward(f) = g.cop_x_m - support.ankle_x_m;
  cop_lateral(f) = g.cop_z_m;
  outside_support(f) = cop_outside_support(g, support) ? 1.0 : 0.0;
}

int GroundSeries::frames_outside_support() const {
  int n = 0;
  for (Eigen::Index f = 0; f < outside_support.size(); ++f) n += outside_support(f) > 0 ? 1 : 0;
  return n;
}

void write_ground_series(Hdf5Writer& w, const std::string& prefix, const GroundSeries& g) {
  const std::string grp = (prefix.empty() || prefix == "/" ? std::string() : prefix) + "/loads/ground";
  const Eigen::Index F = g.force.rows();
  // The site layout of /loads/<site> (site frame = world axes: x anterior, y up, z right).
  w.write_vector(grp + "/compression", VecX(g.force.col(1)),
                 {"N", "vertical ground reaction on both feet, positive pushing up (force of the ground on the feet)", "frame"});
  w.write_vector(grp + "/ap_shear", VecX(g.force.col(0)), {"N", "forward (anterior) ground reaction on the feet", "frame"});
  w.write_vector(grp + "/lateral_shear", VecX(g.force.col(2)), {"N", "lateral ground reaction on the feet (world z, right)", "frame"});
  w.write_vector(grp + "/resultant", VecX(g.force.rowwise().norm()), {"N", "magnitude of the ground reaction", "frame"});
  w.write_matrix(grp + "/force", g.force, {"N", "force of the ground on both feet, world axes (x anterior, y up, z right)", "frame × xyz (world)"});
  w.write_matrix(grp + "/force_per_foot", g.force / g.support.feet,
                 {"N", "force of the ground on each foot (the model is left-right symmetric), world axes", "frame × xyz (world)"});
  w.write_matrix(grp + "/moment", g.moment,
                 {"N*m", "moment of the ground reaction about the ankle joint centre's projection on the floor, world axes", "frame × xyz (world)"});
  MatX position = MatX::Zero(F, 3);
  position.col(0).setConstant(g.support.ankle_x_m);
  w.write_matrix(grp + "/position", position, {"m", "site origin: the ankle joint centre's projection on the floor, world", "frame × xyz (world)"});
  std::vector<double> rotation(static_cast<std::size_t>(F) * 9, 0.0);
  for (Eigen::Index f = 0; f < F; ++f)
    for (int i = 0; i < 3; ++i) rotation[static_cast<std::size_t>(f) * 9 + i * 4] = 1.0;
  const std::uint64_t rd[] = {static_cast<std::uint64_t>(F), 3, 3};
  w.write_array(grp + "/rotation", rotation.data(), rd, {"1", "site frame axes in world (the world axes)", "frame × row × column (the columns are the site axes in the world)"});
  w.write_vector(grp + "/cop_forward", g.cop_forward,
                 {"m", "centre of pressure on the floor forward of the ankle joint centre (NaN: no push on the floor)", "frame"});
  w.write_vector(grp + "/cop_lateral", g.cop_lateral, {"m", "centre of pressure, world z (NaN: no push on the floor)", "frame"});
  w.write_vector_as_ints(grp + "/outside_support", g.outside_support,
                 {"1", "1: the centre of pressure is outside the feet (heel to toe) or the feet would lift off", "frame"});
  w.set_double_attribute(grp, "side_factor", 1.0 / g.support.feet);
  w.set_int_attribute(grp, "feet", g.support.feet);
  w.set_double_attribute(grp, "heel_forward_of_ankle_m", g.support.heel_x_m - g.support.ankle_x_m);
  w.set_double_attribute(grp, "toe_forward_of_ankle_m", g.support.toe_x_m - g.support.ankle_x_m);
}

}  // namespace dembones
