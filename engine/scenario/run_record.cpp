#include "scenario/run_record.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>

namespace dembones {

RunRecord::RunRecord(const MusculoskeletalModel& msm, int F, bool store_full)
    : RunRecord(msm, F, store_full ? RecordLevel::full : RecordLevel::summary) {}

RunRecord::RunRecord(const MusculoskeletalModel& msm, int F, RecordLevel level)
    : full(level == RecordLevel::full), series(level != RecordLevel::peaks) {
  const int nv = msm.model.nv, m = msm.muscles.nmuscles, k = static_cast<int>(msm.actuators.size());
  const int B = msm.model.nbodies;
  time = VecX::Zero(F);
  sites.resize(msm.sites.size());
  for (SiteSeries& s : sites)
    for (VecX* x : {&s.compression, &s.ap_shear, &s.lateral_shear, &s.resultant}) *x = VecX::Zero(F);
  for (VecX* x : {&iterations, &kkt_residual, &reserve_flag, &status}) *x = VecX::Zero(F);
  ground.resize(F);
  if (!series) return;
  for (MatX* x : {&q, &qd, &qdd, &tau_id, &tau_passive, &reserve, &coupling}) *x = MatX::Zero(F, nv);
  actuator = MatX::Zero(F, k);
  posterior_tension = MatX::Zero(F, static_cast<Eigen::Index>(msm.passive.size()));
  for (MatX* x : {&activation, &tension, &passive_force, &fiber_length, &mt_length, &mt_velocity}) *x = MatX::Zero(F, m);
  for (int i = 0; i < m; ++i)
    max_points = std::max(max_points, msm.muscles.point_begin[i + 1] - msm.muscles.point_begin[i]);
  if (full) {
    moment_arm.assign(static_cast<std::size_t>(F) * m * nv, 0.0);
    path_points.assign(static_cast<std::size_t>(F) * m * max_points * 3, std::numeric_limits<double>::quiet_NaN());
  }
  for (SiteSeries& s : sites) {
    s.force = MatX::Zero(F, 3);
    s.moment = MatX::Zero(F, 3);
    s.position = MatX::Constant(F, 3, std::numeric_limits<double>::quiet_NaN());
    s.rotation.assign(static_cast<std::size_t>(F) * 9, std::numeric_limits<double>::quiet_NaN());
  }
  body_position.assign(static_cast<std::size_t>(F) * B * 3, 0.0);
  body_rotation.assign(static_cast<std::size_t>(F) * B * 9, 0.0);
  load_position = MatX::Zero(F, 3);
}

void RunRecord::record(int f, double t, const VecX& qv, const VecX& qdv, const VecX& qddv, const Pipeline& p) {
  const FrameResult& r = p.result();
  const MusculoskeletalModel& msm = p.model();
  const MuscleData& md = p.muscle_data();
  const Data& d = p.data();
  time(f) = t;
  for (std::size_t s = 0; s < sites.size(); ++s) {
    const SiteLoad& l = r.sites[s];
    sites[s].compression(f) = l.compression;
    sites[s].ap_shear(f) = l.ap_shear;
    sites[s].lateral_shear(f) = l.lateral_shear;
    sites[s].resultant(f) = l.resultant;
  }
  iterations(f) = r.so.iterations;
  kkt_residual(f) = r.so.kkt_residual;
  reserve_flag(f) = r.status == FrameStatus::reserve_limited ? 1.0 : 0.0;
  status(f) = static_cast<double>(static_cast<int>(r.status));
  unconverged_frames += r.status == FrameStatus::max_iterations ? 1 : 0;
  ground.record(f, msm.model, d);
  coupling_max_Nm = std::max(coupling_max_Nm, r.coupling.cwiseAbs().maxCoeff());
  if (r.reserve.size() > 0) {
    Eigen::Index k = 0;
    const double largest = r.reserve.cwiseAbs().maxCoeff(&k);
    if (largest > reserve_max_Nm) {
      reserve_max_Nm = largest;
      reserve_max_coordinate = static_cast<int>(k);
      reserve_max_sign = r.reserve(k) > 0 ? 1 : -1;
    }
  }
  if (!series) return;
  q.row(f) = qv.transpose();
  qd.row(f) = qdv.transpose();
  qdd.row(f) = qddv.transpose();
  tau_id.row(f) = r.tau_id.transpose();
  tau_passive.row(f) = r.tau_passive.transpose();
  reserve.row(f) = r.reserve.transpose();
  coupling.row(f) = r.coupling.transpose();
  actuator.row(f) = r.actuator.transpose();
  activation.row(f) = r.activation.transpose();
  tension.row(f) = r.tension.transpose();
  passive_force.row(f) = r.passive_force.transpose();
  fiber_length.row(f) = md.fiber_length.transpose();
  mt_length.row(f) = md.length.transpose();
  mt_velocity.row(f) = md.velocity.transpose();
  const int m = msm.muscles.nmuscles, nv = msm.model.nv;
  if (full) {
    // [frames × muscles × coordinates]: moment_arm is (nv × m) column-major, so column i is muscle i.
    double* dst = moment_arm.data() + static_cast<std::size_t>(f) * m * nv;
    for (int i = 0; i < m; ++i)
      for (int k = 0; k < nv; ++k) dst[i * nv + k] = md.moment_arm(k, i);
    double* pts = path_points.data() + static_cast<std::size_t>(f) * m * max_points * 3;
    for (int i = 0; i < m; ++i) {
      int slot = 0;
      for (int j = msm.muscles.point_begin[i]; j < msm.muscles.point_begin[i + 1]; ++j, ++slot) {
        const PathPoint& pp = msm.muscles.points[j];
        // A moving point (e.g. the patella) sits where its splines put it at this frame's coordinate.
        const double x = pp.moving_q >= 0 ? qv[pp.moving_q] : 0.0;
        const Vec3 p_B = pp.moving_q >= 0 ? Vec3(pp.moving_x_m.value(x), pp.moving_y_m.value(x), pp.moving_z_m.value(x))
                                          : pp.p_B_m;
        const Vec3 w = d.oMb[pp.body].act(p_B);
        for (int c = 0; c < 3; ++c) pts[(static_cast<std::size_t>(i) * max_points + slot) * 3 + c] = w(c);
      }
    }
  }
  for (std::size_t s = 0; s < sites.size(); ++s) {
    const SiteLoad& l = r.sites[s];
    sites[s].force.row(f) = l.force_S.transpose();
    sites[s].moment.row(f) = l.moment_S.transpose();
    const LoadSite& site = msm.sites[s];
    if (site.kind == LoadSite::Kind::joint_reaction) {
      const SE3 X_WS = d.oMb[site.frame_body] * site.X_BS;
      sites[s].position.row(f) = X_WS.translation.transpose();
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) sites[s].rotation[static_cast<std::size_t>(f) * 9 + i * 3 + j] = X_WS.rotation(i, j);
    }
  }
  const int B = msm.model.nbodies;
  for (int b = 0; b < B; ++b) {
    const SE3& X = d.oMb[b];
    for (int c = 0; c < 3; ++c) body_position[(static_cast<std::size_t>(f) * B + b) * 3 + c] = X.translation(c);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) body_rotation[(static_cast<std::size_t>(f) * B + b) * 9 + i * 3 + j] = X.rotation(i, j);
  }
  load_position.row(f) = r.load_position_W.transpose();
  posterior_tension.row(f) = r.posterior_tension.transpose();
  record_external_forces(f, p);
}

void RunRecord::record_external_forces(int f, const Pipeline& p) {
  const std::span<const AppliedForce> ext = p.last_external_forces();
  const std::size_t E = ext.size();
  if (E == 0) return;
  if (external_names.size() != E) {
    // First frame with forces: the run's force list (the same every frame) and its arrays.
    external_names.clear();
    external_body.clear();
    external_force_frame.clear();
    external_point_frame.clear();
    for (std::size_t e = 0; e < E; ++e) {
      external_names.push_back(ext[e].name.empty() ? "force" + std::to_string(e) : std::string(ext[e].name));
      external_body.push_back(ext[e].body);
      external_force_frame.push_back(ext[e].force_frame == ExpressedIn::body ? "body" : "ground");
      external_point_frame.push_back(ext[e].point_frame == ExpressedIn::body ? "body" : "ground");
    }
    const std::size_t n = static_cast<std::size_t>(frames()) * E * 3;
    external_force.assign(n, std::numeric_limits<double>::quiet_NaN());
    external_point.assign(n, std::numeric_limits<double>::quiet_NaN());
  }
  for (std::size_t e = 0; e < E; ++e) {
    Vec3 f_W, p_W;
    resolve_in_world(p.data(), ext[e], f_W, p_W);
    for (int c = 0; c < 3; ++c) {
      external_force[(static_cast<std::size_t>(f) * E + e) * 3 + c] = f_W(c);
      external_point[(static_cast<std::size_t>(f) * E + e) * 3 + c] = p_W(c);
    }
  }
}

std::vector<Peak> summarize(const MusculoskeletalModel& msm, const RunRecord& r) {
  const double bw = msm.body_mass_kg * std::abs(msm.model.gravity.y());
  std::vector<Peak> peaks;
  auto add = [&](const std::string& name, const VecX& series, bool absolute) {
    if (series.size() == 0) return;
    Eigen::Index i = 0;
    if (absolute)
      series.cwiseAbs().maxCoeff(&i);
    else
      series.maxCoeff(&i);
    const double v = absolute ? std::abs(series(i)) : series(i);
    peaks.push_back({name, v, r.time(i), v / bw});
  };
  for (std::size_t s = 0; s < msm.sites.size(); ++s) {
    const LoadSite& site = msm.sites[s];
    const SiteSeries& ss = r.sites[s];
    add(site.name + "_compression", ss.compression, false);
    if (site.kind == LoadSite::Kind::joint_reaction) {
      add(site.name + "_ap_shear", ss.ap_shear, true);
      add(site.name + "_resultant", ss.resultant, false);
    }
  }
  return peaks;
}

std::vector<std::pair<std::string, double>> most_active_muscles(const MusculoskeletalModel& msm, const RunRecord& r,
                                                                int n) {
  std::vector<std::pair<std::string, double>> out;
  for (int i = 0; i < msm.muscles.nmuscles; ++i)
    out.emplace_back(msm.muscles.names[i], r.activation.rows() ? r.activation.col(i).maxCoeff() : 0.0);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (static_cast<int>(out.size()) > n) out.resize(n);
  return out;
}

}  // namespace dembones
