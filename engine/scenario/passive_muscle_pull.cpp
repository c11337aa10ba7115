#include "scenario/passive_muscle_pull.hpp"

#include <algorithm>
#include <cmath>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/muscle_set.hpp"

namespace dembones {

PassiveMusclePull passive_muscle_pull(const MusculoskeletalModel& msm, const RunRecord& r, int frame, int coordinate,
                                      int how_many) {
  PassiveMusclePull out;
  const Model& model = msm.model;
  const MuscleSet& set = msm.muscles;
  const int m = set.nmuscles;
  // The record stores q in velocity order (F x nv); only a model without quaternions maps it back.
  if (model.nq != model.nv || frame < 0 || frame >= r.q.rows() || coordinate < 0 || coordinate >= model.nv ||
      r.passive_force.rows() != r.q.rows() || r.passive_force.cols() != m)
    return out;
  Data data(model);
  MuscleData mdata(model, set);
  const VecX q = r.q.row(frame).transpose();
  forward_kinematics(model, data, q, VecX::Zero(model.nv));
  compute_joint_jacobians(model, data, q);
  compute_muscle_geometry(model, data, set, q, mdata);
  std::vector<std::pair<double, int>> parts;
  for (int i = 0; i < m; ++i) {
    const double sides = msm.muscle_sides.size() == m ? msm.muscle_sides(i) : 1.0;
    const double part = r.passive_force(frame, i) * mdata.moment_arm(coordinate, i) * sides;
    out.moment_Nm += part;
    parts.emplace_back(part, i);
  }
  // The largest contributors in the direction of the sum.
  const double sign = out.moment_Nm < 0 ? -1.0 : 1.0;
  std::sort(parts.begin(), parts.end(), [sign](const auto& a, const auto& b) { return sign * a.first > sign * b.first; });
  for (int j = 0; j < how_many && j < m && sign * parts[j].first > 0; ++j) {
    const int i = parts[j].second;
    const double lopt = set.params[i].optimal_fiber_length_m;
    out.largest.push_back({set.names[i], r.passive_force(frame, i),
                           lopt > 0 && r.fiber_length.cols() == m ? r.fiber_length(frame, i) / lopt : 0.0});
  }
  return out;
}

}  // namespace dembones
