#include "solvers/pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"

namespace dembones {

namespace {

bool finite(const VecX& x) { return x.allFinite(); }

// Rows of the static optimization: coordinates not in a coupling keep their own row; each coupling
// gets one row with its ratios (generalized force on θ = Σ r_k τ_k).
MatX coupling_rows(const MusculoskeletalModel& msm, bool couple) {
  const int nv = msm.model.nv;
  std::vector<int> row_of(nv, -1);
  std::vector<std::vector<std::pair<int, double>>> rows;
  if (couple)
    for (const CoordinateCoupling& c : msm.couplings) {
      std::vector<std::pair<int, double>> row;
      for (std::size_t i = 0; i < c.coordinates.size(); ++i) {
        row_of[c.coordinates[i]] = static_cast<int>(rows.size());
        row.emplace_back(c.coordinates[i], c.ratios[i]);
      }
      rows.push_back(row);
    }
  MatX P = MatX::Zero(0, nv);
  std::vector<std::vector<std::pair<int, double>>> ordered;
  // Keep the coordinate order: a row appears where its first coordinate is.
  std::vector<bool> placed(rows.size(), false);
  for (int k = 0; k < nv; ++k) {
    if (row_of[k] < 0) {
      ordered.push_back({{k, 1.0}});
    } else if (!placed[row_of[k]]) {
      placed[row_of[k]] = true;
      ordered.push_back(rows[row_of[k]]);
    }
  }
  P = MatX::Zero(static_cast<Eigen::Index>(ordered.size()), nv);
  for (std::size_t r = 0; r < ordered.size(); ++r)
    for (const auto& [k, ratio] : ordered[r]) P(static_cast<Eigen::Index>(r), k) = ratio;
  return P;
}

// The moment of one passive relation at q. Its coordinate is a velocity index of a one-coordinate
// joint; its position is the joint's q entry (q and v indices differ after a quaternion joint).
double passive_moment(const Model& model, const PassiveMoment& pm, const VecX& q) {
  const int body = model.velocity_body[pm.coordinate];
  return pm.moment_Nm.value(q(model.idx_q[body] + (pm.coordinate - model.idx_v[body])));
}

StaticOptimizationSettings so_settings(const PipelineSettings& s) {
  StaticOptimizationSettings so;
  so.exponent = s.exponent;
  so.reserve_threshold_Nm = s.reserve_threshold_Nm;
  so.max_iterations = s.max_iterations;
  return so;
}

}  // namespace

Pipeline::Pipeline(const MusculoskeletalModel& msm, const PipelineSettings& settings)
    : msm_(msm),
      settings_(settings),
      data_(msm.model),
      mdata_(msm.model, msm.muscles),
      rows_(static_cast<int>(coupling_rows(msm, settings.couple_coordinates).rows())),
      coupled_(rows_ != msm.model.nv),
      P_(coupling_rows(msm, settings.couple_coordinates)),
      row_norm2_(P_.rowwise().squaredNorm()),
      b_full_(VecX::Zero(msm.model.nv)),
      row_tmp_(VecX::Zero(rows_)),
      so_(rows_, msm.muscles.nmuscles, rows_ + static_cast<int>(msm.actuators.size()), so_settings(settings)) {
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
  out_.coupling = VecX::Zero(nv);
  out_.posterior_tension = VecX::Zero(static_cast<Eigen::Index>(msm.passive.size()));
  out_.sites.assign(msm.sites.size(), SiteLoad{});
  P_row_begin_.push_back(0);
  for (int r = 0; r < rows_; ++r) {
    for (int k = 0; k < nv; ++k)
      if (P_(r, k) != 0.0) P_entries_.push_back({k, P_(r, k)});
    P_row_begin_.push_back(static_cast<int>(P_entries_.size()));
  }
  muscle_row_begin_.push_back(0);
  for (int i = 0; i < m; ++i) {
    const std::vector<int> coords = calc_muscle_coordinates(msm.model, msm.muscles, i);
    for (int r = 0; r < rows_; ++r) {
      bool touched = false;
      for (int e = P_row_begin_[r]; e < P_row_begin_[r + 1] && !touched; ++e)
        touched = std::binary_search(coords.begin(), coords.end(), P_entries_[e].coordinate);
      if (touched) muscle_rows_.push_back(r);
    }
    muscle_row_begin_.push_back(static_cast<int>(muscle_rows_.size()));
  }
  setup_solver();
}

void Pipeline::setup_solver() {
  StaticOptimizationProblem& pb = so_.upd_problem();
  // Reserve actuators on every row, then the model's ideal torque actuators (through P).
  pb.A_actuator.setZero();
  for (int j = 0; j < rows_; ++j) pb.A_actuator(j, j) = settings_.reserve_optimal_force;
  for (std::size_t a = 0; a < msm_.actuators.size(); ++a) {
    pb.A_actuator.col(rows_ + static_cast<int>(a)) = P_.col(msm_.actuators[a].coordinate) * msm_.actuators[a].optimal_force;
    pb.actuator_is_reserve(rows_ + static_cast<int>(a)) = false;
  }
  pb.actuator_weight.setOnes();
  pb.muscle_weight.setOnes();
  pb.activation_min.setZero();
  for (int i = 0; i < msm_.muscles.nmuscles; ++i)
    pb.activation_max(i) = msm_.activation_cap.size() ? msm_.activation_cap(i) : 1.0;
  // A muscle's column of P·R·diag(F) is zero outside the rows it crosses (muscle_rows_; run_frame
  // writes exact zeros there, or fills the whole column when its scale is not finite, declared rows
  // included): the solver compresses A from those rows only.
  so_.set_muscle_column_rows(muscle_rows_, muscle_row_begin_);
}

const FrameResult& Pipeline::run_frame(const VecX& q, const VecX& qd, const VecX& qdd) {
  return run_frame(q, qd, qdd, std::span<const AppliedForce>{});
}

const FrameResult& Pipeline::run_frame(const VecX& q, const VecX& qd, const VecX& qdd,
                                       std::span<const AppliedForce> external) {
  const Model& model = msm_.model;
  external_ = external;
  out_.status = FrameStatus::ok;
  out_.bad_quantity = "";
  if (!finite(q) || !finite(qd) || !finite(qdd)) {
    out_.status = FrameStatus::nan_input;
    out_.bad_quantity = !finite(q) ? "coordinates q" : (!finite(qd) ? "velocities qdot" : "accelerations qddot");
    return out_;
  }
  // Stage timer (benchmarks only): adds the time since the previous lap to one stage.
  using Clock = std::chrono::steady_clock;
  Clock::time_point last = timer_ ? Clock::now() : Clock::time_point{};
  auto lap = [&](double PipelineStageTimes::*stage) {
    if (!timer_) return;
    const Clock::time_point now = Clock::now();
    timer_->*stage += std::chrono::duration<double>(now - last).count();
    last = now;
  };
  // 1. Kinematics, Jacobians and muscle geometry.
  // One position pass per frame: the Jacobians and both inverse dynamics below reuse this one's poses
  // (the same bits as running it again at the same q).
  forward_kinematics(model, data_, q, qd, qdd);
  calc_joint_jacobians_at_current_positions(model, data_);
  lap(&PipelineStageTimes::kinematics_id_s);
  compute_muscle_geometry(model, data_, msm_.muscles, q, mdata_);
  lap(&PipelineStageTimes::muscle_geometry_s);
  compute_muscle_forces_rigid(msm_.muscles, mdata_);
  if (settings_.elastic_tendon_passive) compute_passive_equilibrium(msm_.muscles, mdata_);
  lap(&PipelineStageTimes::muscle_forces_s);

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
  for (const AppliedForce& a : external)
    if (a.body < 0 || a.body >= model.nbodies || !a.force_N.allFinite() || !a.point_m.allFinite()) {
      out_.status = FrameStatus::nan_input;
      out_.bad_quantity = "external forces (body index or values)";
      return out_;
    }
  add_applied_forces(data_, external, f_ext_);

  // 3. Inverse dynamics.
  out_.tau_id = rnea_after_forward_kinematics(model, data_, qd, qdd, f_ext_);
  if (!finite(out_.tau_id)) {
    out_.status = FrameStatus::nan_input;
    out_.bad_quantity = "joint moments from inverse dynamics";
    return out_;
  }
  lap(&PipelineStageTimes::kinematics_id_s);

  // 4. Static optimization.
  out_.tau_passive.setZero();
  for (const PassiveMoment& pm : msm_.passive) out_.tau_passive(pm.coordinate) += passive_moment(model, pm, q);
  StaticOptimizationProblem& pb = so_.upd_problem();
  const VecX& sides = msm_.muscle_sides;
  VecX& b = coupled_ ? b_full_ : pb.b;
  if (coupled_) {
    // Rows of P·A, P being the identity but for the coupled rows: each row sums its few
    // coordinates' entries (P_entries_, from P_) instead of a dense (rows × nv)·(nv × m) product,
    // and only the rows the muscle crosses (muscle_rows_): the others sum exact zeros to +0. A
    // non-finite scale takes every row, so that it still reaches the solver's input check.
    auto row_sum = [&](int r, int i, double scale) {
      double sum = 0.0;
      for (int e = P_row_begin_[r]; e < P_row_begin_[r + 1]; ++e)
        sum += P_entries_[e].ratio * (mdata_.moment_arm(P_entries_[e].coordinate, i) * scale);
      return sum;
    };
    // The rows a muscle does not cross hold the exact zeros written once (the solver's constructor,
    // or here after a frame that filled whole columns), not rewritten every frame.
    if (!a_muscle_zero_elsewhere_) {
      pb.A_muscle.setZero();
      a_muscle_zero_elsewhere_ = true;
    }
    for (int i = 0; i < msm_.muscles.nmuscles; ++i) {
      const double scale = mdata_.active_force_capacity(i) * sides(i);
      double* col = pb.A_muscle.col(i).data();
      if (!std::isfinite(scale)) {
        for (int r = 0; r < rows_; ++r) col[r] = row_sum(r, i, scale);
        a_muscle_zero_elsewhere_ = false;
        continue;
      }
      for (int t = muscle_row_begin_[i]; t < muscle_row_begin_[i + 1]; ++t) col[muscle_rows_[t]] = row_sum(muscle_rows_[t], i, scale);
    }
  } else {
    for (int i = 0; i < msm_.muscles.nmuscles; ++i)
      pb.A_muscle.col(i) = mdata_.moment_arm.col(i) * (mdata_.active_force_capacity(i) * sides(i));
  }
  b = out_.tau_id - out_.tau_passive;
  total_tension_ = mdata_.passive_force.cwiseProduct(sides);  // both sides' passive force (reused below)
  b.noalias() -= mdata_.moment_arm * total_tension_;
  if (coupled_) {
    for (int r = 0; r < rows_; ++r) {
      double sum = 0.0;
      for (int e = P_row_begin_[r]; e < P_row_begin_[r + 1]; ++e) sum += P_entries_[e].ratio * b_full_(P_entries_[e].coordinate);
      pb.b(r) = sum;
    }
  }
  out_.so = so_.solve();

  // 5. Muscle forces, reserves and actuators.
  out_.activation = so_.get_activations();
  out_.passive_force = mdata_.passive_force;
  out_.tension = out_.activation.cwiseProduct(mdata_.active_force_capacity) + mdata_.passive_force;
  total_tension_ = out_.tension.cwiseProduct(sides);
  const VecX& u = so_.get_actuator_controls();
  if (coupled_) {
    // Least-norm split of each row's reserve over its coordinates: τ = Pᵀ (u / |P_row|²).
    row_tmp_ = u.head(rows_).cwiseQuotient(row_norm2_) * settings_.reserve_optimal_force;
    out_.reserve.noalias() = P_.transpose() * row_tmp_;
  } else {
    out_.reserve = u.head(rows_) * settings_.reserve_optimal_force;
  }
  for (std::size_t a = 0; a < msm_.actuators.size(); ++a)
    out_.actuator(static_cast<Eigen::Index>(a)) = u(rows_ + static_cast<Eigen::Index>(a)) * msm_.actuators[a].optimal_force;
  if (coupled_) {
    // Each coordinate's equilibrium with what acts on it; the coupled rows balance only their sum
    // Σ r_k τ_k, so the per-level remainder is the constraint's (Σ r_k coupling_k = 0: it does no
    // work along the rhythm). Two steps keep the product free of temporaries.
    out_.coupling = out_.tau_id - out_.tau_passive - out_.reserve;
    out_.coupling.noalias() -= mdata_.moment_arm * total_tension_;
    for (std::size_t a = 0; a < msm_.actuators.size(); ++a)
      out_.coupling(msm_.actuators[a].coordinate) -= out_.actuator(static_cast<Eigen::Index>(a));
    for (int r = 0; r < rows_; ++r)
      if (P_row_begin_[r + 1] - P_row_begin_[r] == 1) out_.coupling(P_entries_[P_row_begin_[r]].coordinate) = 0.0;
  }

  lap(&PipelineStageTimes::static_optimization_s);

  // 6. Joint reactions: inverse dynamics again with every muscle pulling on its bodies.
  apply_muscle_forces(model, data_, msm_.muscles, mdata_, total_tension_, f_ext_);
  // Posterior ligaments as forces: their share of each passive moment presses the disc together.
  for (std::size_t i = 0; i < msm_.passive.size(); ++i) {
    const PassiveMoment& pm = msm_.passive[i];
    out_.posterior_tension(static_cast<Eigen::Index>(i)) =
        pm.site < 0 || pm.posterior.empty()
            ? 0.0
            : add_posterior_element_forces(model, data_, msm_.sites[pm.site], pm, passive_moment(model, pm, q), f_ext_);
  }
  // The same q, q̇, q̈ as the inverse dynamics of step 3: only the external forces differ.
  out_.tau_residual = rnea_with_other_external_forces(model, data_, f_ext_);
  for (std::size_t s = 0; s < msm_.sites.size(); ++s) {
    const LoadSite& site = msm_.sites[s];
    out_.sites[s] = site.kind == LoadSite::Kind::patellofemoral ? patellofemoral_load(model, site, q, out_.tension)
                                                                : site_load(model, data_, site);
  }
  lap(&PipelineStageTimes::joint_reactions_s);
  if (timer_) ++timer_->frames;
  switch (out_.so.status) {
    case SoStatus::solved: out_.status = FrameStatus::ok; break;
    case SoStatus::reserve_limited: out_.status = FrameStatus::reserve_limited; break;
    case SoStatus::invalid_input: out_.status = FrameStatus::nan_input; out_.bad_quantity = out_.so.message; break;
    default: out_.status = FrameStatus::max_iterations; break;
  }
  return out_;
}

}  // namespace dembones
