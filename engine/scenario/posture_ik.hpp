#pragma once
// Inverse kinematics of one posture: Levenberg–Marquardt (damped least squares) on the hand, hip and
// trunk targets, the centre of mass kept over the feet, a technique's preferred posture and closeness
// to the previous frame, with the posture variables kept within their joint limits (projection).
// Analytic Jacobians from the multibody library; workspaces sized once per model.
#include <Eigen/Cholesky>
#include <optional>

#include "multibody/data.hpp"
#include "scenario/task_rig.hpp"

namespace dembones {

struct PostureTargets {
  std::optional<Eigen::Vector2d> hand;   // world (x, y) of the hand point
  std::optional<double> hip_height;      // world y of the hip joint centre
  std::optional<double> trunk_inclination;  // rad from vertical, positive leaning forward
  double trunk_weight = 0.0;             // weight of the trunk target (per rad)
  double com_lo = -1e9, com_hi = 1e9;    // band of world x the centre of mass must stay in
  double load_mass_kg = 0.0;             // a load held at the hand point counts in the centre of mass
  VecX preferred;                        // (nvars) preferred posture
  VecX weights;                          // (nvars) weight of each preference (per rad)
  double smooth_weight = 0.0;            // pull toward the previous frame (per rad)
};

struct PostureResult {
  double hand_error_m = 0.0;   // distance from the hand target (0 without one)
  double hip_error_m = 0.0;
  double com_x = 0.0;          // world x of the centre of mass (body and held load)
  double trunk_inclination = 0.0;
  int iterations = 0;
  bool converged = false;
};

class PostureSolver {
 public:
  PostureSolver(const Model& model, const TaskRig& rig);
  // theta: start guess in, solution out (nvars). theta_prev: the previous frame (smoothness term).
  // Stops when a step moves θ by less than tolerance_rad (or no longer lowers the cost).
  // initial_damping: the Levenberg-Marquardt μ of the first step (relative to 1 + diag(JᵀJ)); small
  // when theta starts next to the solution, e.g. the previous frame of a smooth motion.
  PostureResult solve(const PostureTargets& targets, VecX& theta, const VecX& theta_prev, double tolerance_rad = 1e-10,
                      double initial_damping = 1e-3);
  // Hand point, hip point, trunk inclination and COM x at theta (for tests and the generator).
  PostureResult evaluate(const VecX& theta);
  const VecX& configuration() const { return q_; }

 private:
  // positions: residuals only (trial points); jacobian: residuals and their Jacobian at theta;
  // jacobian_at_current_positions: the same when data_ already holds theta's kinematics (the trial
  // point just evaluated with positions), skipping the second forward kinematics.
  enum class Evaluation { positions, jacobian, jacobian_at_current_positions };
  int residuals(const PostureTargets& t, const VecX& theta, const VecX& theta_prev, Evaluation what);

  const Model& model_;
  const TaskRig& rig_;
  Data data_;
  MatX T_;         // (nv x nvars) q = q_offset + T θ
  VecX q_;         // (nq)
  VecX r_;         // residuals
  MatX J_;         // (nres x nvars)
  Matrix3Xd Jp_;   // (3 x nv) point Jacobian
  MatX H_, A_;     // (nvars x nvars) Gauss-Newton matrix, and damped
  Eigen::LDLT<MatX> ldlt_;
  VecX g_, step_, trial_;
  Eigen::RowVectorXd com_dx_;     // (nvars) d(centre-of-mass x)/dθ, body and load
  double com_second_order_ = 0;   // r·r'' of the centre-of-mass penalty (per m²), ≥ 0
};

// data.J_W and data.J_com as center_of_mass_jacobian (multibody/energy.hpp) computes them, bit for
// bit, when data already holds the forward kinematics and subtree centres of mass at that
// configuration (forward_kinematics then subtree_centers_of_mass): no second kinematics pass.
void calc_com_jacobian_at_current_positions(const Model& model, Data& data);

// Trunk inclination from vertical (rad, positive forward) of a body whose y axis runs along the trunk.
double trunk_inclination(const SE3& X_WB);

}  // namespace dembones
