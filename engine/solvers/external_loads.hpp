#pragma once
// Measured external forces (force plates, push/pull gauges, instrumented handles) applied to the
// bodies of the inverse pipeline, after OpenSim's ExternalForce (opensim-core
// OpenSim/Simulation/Model/ExternalForce.h): a force vector and its point of application, each
// expressed in ground or in the body's frame, sampled at the time of every solver frame.
//
// Per frame the pipeline turns each AppliedForce into a world wrench about the world origin,
//   f_W = R_WB f_B (or f as given in ground),   p_W = X_WB p_B (or p as given in ground),
//   w_W = [p_W × f_W ; f_W],
// and adds it to the body's external wrench for inverse dynamics and joint reactions; the net
// generalized forces then change by Jᵀ f with J the point Jacobian of p on the body.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "multibody/data.hpp"
#include "multibody/model.hpp"

namespace dembones {

enum class ExpressedIn { ground, body };

// One force on one body for one frame.
struct AppliedForce {
  int body = -1;
  Vec3 force_N = Vec3::Zero();   // in force_frame
  Vec3 point_m = Vec3::Zero();   // point of application, in point_frame
  ExpressedIn force_frame = ExpressedIn::ground;
  ExpressedIn point_frame = ExpressedIn::body;
  // The body frame forces and points are given in (the model file's, OpenSim's: the femur's origin at
  // the hip) in the engine's body frame (whose origin is the joint to its tree parent: the femur's at
  // the knee for a model standing on its feet). An audit's thigh force landed 0.42 m off without it.
  SE3 X_body_given = SE3::Identity();
  std::string_view name;  // label for the output (ExternalForceTrack::name; empty = none); not owned
};

// The force and its point of application in world coordinates (data: forward kinematics done):
// f_W = R_WB f (body frame) or f (ground), p_W = X_WB p (body frame) or p (ground), B the body frame
// the force is given in.
inline void resolve_in_world(const Data& data, const AppliedForce& a, Vec3& f_W, Vec3& p_W) {
  const SE3 X_WB = data.oMb[a.body] * a.X_body_given;
  f_W = a.force_frame == ExpressedIn::body ? Vec3(X_WB.rotation * a.force_N) : a.force_N;
  p_W = a.point_frame == ExpressedIn::body ? X_WB.act(a.point_m) : a.point_m;
}

// Adds each force as a world wrench about the world origin to f_ext_W[body] (data: forward
// kinematics already done). Never allocates.
void add_applied_forces(const Data& data, std::span<const AppliedForce> forces, std::vector<Force>& f_ext_W);

// One measured force resampled at the solver's frames.
struct ExternalForceTrack {
  std::string name;          // for messages and output
  AppliedForce applied;      // body and frames; point_m is the constant point when !point_varies
  Eigen::MatrixXd force_N;   // (frames × 3) in applied.force_frame
  bool point_varies = false;
  Eigen::MatrixXd point_m;   // (frames × 3) in applied.point_frame, when point_varies
};

struct ExternalLoadSeries {
  std::vector<ExternalForceTrack> tracks;

  bool empty() const { return tracks.empty(); }
  // Frame `frame` of every track into out (resized once by the caller to tracks.size()); each
  // AppliedForce's name views its track's name (valid while this series lives).
  void get_frame(int frame, std::vector<AppliedForce>& out) const;
};

// Piecewise-linear interpolation of the rows of `values` (samples at ascending times t_src) at the
// times t_dst, which must lie within [t_src(0), t_src(end)] up to `slack_s` (ends clamp inside it).
// Returns the index of the first t_dst outside that range, or −1 when all are inside (then `out`,
// (t_dst.size() × values.cols()), holds the result).
Eigen::Index resample_linear(const Eigen::VectorXd& t_src, const Eigen::MatrixXd& values, const Eigen::VectorXd& t_dst,
                             Eigen::MatrixXd& out, double slack_s = 1e-9);

}  // namespace dembones
