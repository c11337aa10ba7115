#include "solvers/pipeline.hpp"

#include <cmath>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"

namespace dembones {

namespace {

bool finite(const VecX& x) { return x.allFinite(); }

StaticOptimizationSettings so_settings(const PipelineSettings& s) {
  StaticOptimizationSettings so;
  so.exponent = s.exponent;
  so.reserve_threshold_Nm = s.reserve_threshold_Nm;
  return so;
}

}  // namespace

Pipeline::Pipeline(const MusculoskeletalModel& msm, const PipelineSettings& settings)
    : msm_(msm),
      settings_(settings),
      data_(msm.model),
      mdata_(msm.model, msm.muscles),
      so_(msm.model.nv, msm.muscles.nmuscles, msm.model.nv + static_cast<int>(msm.actuators.size()),
          so_settings(settings)) {
  const int nv = msm.model.nv, m = msm.muscles.nmuscles, k = static_cast<int>(msm.actuators.size());
  f_ext_.assign(msm.model.nbodies, Force{Vec3::Zero(), Vec3::Zero()});
  total_tension_ = VecX::Zero(m);
  out_.tau_id = VecX::Zero(nv);
  out_.tau_passive = VecX::Zero(nv);
  out_.activation = VecX::Zero(m);
  out_.tension = VecX::Zero(m);
  out_.passive_force = VecX::Zero(m);
  out_.reserve = VecX::Zero(nv);
  out_.actuator = VecX::Zero(k);
  out_.tau_residual = VecX::Zero(nv);
  out_.sites.assign(msm.sites.size(), SiteLoad{});
  setup_solver();
}

void Pipeline::setup_solver() {
  const int nv = msm_.model.nv;
  StaticOptimizationProblem& pb = so_.upd_problem();
  // Reserve actuators on every coordinate, then the model's ideal torque actuators.
  pb.A_actuator.setZero();
  for (int j = 0; j < nv; ++j) pb.A_actuator(j, j) = settings_.reserve_optimal_force;
  for (std::size_t a = 0; a < msm_.actuators.size(); ++a) {
    pb.A_actuator(msm_.actuators[a].coordinate, nv + static_cast<int>(a)) = msm_.actuators[a].optimal_force;
    pb.actuator_is_reserve(nv + static_cast<int>(a)) = false;
  }
  pb.actuator_weight.setOnes();
  pb.muscle_weight.setOnes();
  pb.activation_min.setZero();
  for (int i = 0; i < msm_.muscles.nmuscles; ++i)
    pb.activation_max(i) = msm_.activation_cap.size() ? msm_.activation_cap(i) : 1.0;
}

const FrameResult& Pipeline::run_frame(const VecX& q, const VecX& qd, const VecX& qdd) {
  const Model& model = msm_.model;
  out_.status = FrameStatus::ok;
  out_.bad_quantity = "";
  if (!finite(q) || !finite(qd) || !finite(qdd)) {
    out_.status = FrameStatus::nan_input;
    out_.bad_quantity = !finite(q) ? "coordinates q" : (!finite(qd) ? "velocities qdot" : "accelerations qddot");
    return out_;
  }
  // 1. Kinematics, Jacobians and muscle geometry.
  forward_kinematics(model, data_, q, qd, qdd);
  compute_joint_jacobians(model, data_, q);
  compute_muscle_geometry(model, data_, msm_.muscles, q, mdata_);
  compute_muscle_forces_rigid(msm_.muscles, mdata_);

  // 2. The held load: its weight and inertia act on the hand, f = m (g − a).
  for (Force& f : f_ext_) f = Force{Vec3::Zero(), Vec3::Zero()};
  if (msm_.load_body >= 0) {
    const Vec3 p = data_.oMb[msm_.load_body].act(msm_.load_point_B);
    out_.load_position_W = p;
    if (load_mass_kg_ > 0) {
      const Vec3 a = point_acceleration(model, data_, msm_.load_body, p);
      const Vec3 f = load_mass_kg_ * (model.gravity - a);
      f_ext_[msm_.load_body].linear += f;
      f_ext_[msm_.load_body].angular += p.cross(f);
    }
  }

  // 3. Inverse dynamics.
  out_.tau_id = rnea(model, data_, q, qd, qdd, f_ext_);
  if (!finite(out_.tau_id)) {
    out_.status = FrameStatus::nan_input;
    out_.bad_quantity = "joint moments from inverse dynamics";
    return out_;
  }

  // 4. Static optimization.
  out_.tau_passive.setZero();
  for (const PassiveMoment& pm : msm_.passive) out_.tau_passive(pm.coordinate) += pm.moment_Nm.value(q(pm.coordinate));
  StaticOptimizationProblem& pb = so_.upd_problem();
  const VecX& sides = msm_.muscle_sides;
  for (int i = 0; i < msm_.muscles.nmuscles; ++i)
    pb.A_muscle.col(i) = mdata_.moment_arm.col(i) * (mdata_.active_force_capacity(i) * sides(i));
  pb.b = out_.tau_id - out_.tau_passive;
  total_tension_ = mdata_.passive_force.cwiseProduct(sides);  // both sides' passive force (reused below)
  pb.b.noalias() -= mdata_.moment_arm * total_tension_;
  out_.so = so_.solve();

  // 5. Muscle forces, reserves and actuators.
  out_.activation = so_.get_activations();
  out_.passive_force = mdata_.passive_force;
  out_.tension = out_.activation.cwiseProduct(mdata_.active_force_capacity) + mdata_.passive_force;
  total_tension_ = out_.tension.cwiseProduct(sides);
  const VecX& u = so_.get_actuator_controls();
  const int nv = model.nv;
  out_.reserve = u.head(nv) * settings_.reserve_optimal_force;
  for (std::size_t a = 0; a < msm_.actuators.size(); ++a)
    out_.actuator(static_cast<Eigen::Index>(a)) = u(nv + static_cast<Eigen::Index>(a)) * msm_.actuators[a].optimal_force;

  // 6. Joint reactions: inverse dynamics again with every muscle pulling on its bodies.
  apply_muscle_forces(model, data_, msm_.muscles, mdata_, total_tension_, f_ext_);
  out_.tau_residual = rnea(model, data_, q, qd, qdd, f_ext_);
  for (std::size_t s = 0; s < msm_.sites.size(); ++s) {
    const LoadSite& site = msm_.sites[s];
    out_.sites[s] = site.kind == LoadSite::Kind::patellofemoral ? patellofemoral_load(site, q, out_.tension)
                                                                : site_load(model, data_, site);
  }
  switch (out_.so.status) {
    case SoStatus::solved: out_.status = FrameStatus::ok; break;
    case SoStatus::reserve_limited: out_.status = FrameStatus::reserve_limited; break;
    case SoStatus::invalid_input: out_.status = FrameStatus::nan_input; out_.bad_quantity = out_.so.message; break;
    default: out_.status = FrameStatus::max_iterations; break;
  }
  return out_;
}

}  // namespace dembones
