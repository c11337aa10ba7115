#pragma once
// Inverse kinematics of one posture: Levenberg–Marquardt (damped least squares) on the hand, hip and
// trunk targets, the centre of mass kept over the feet, a technique's preferred posture and closeness
// to the previous frame, with the posture variables kept within their joint limits (projection).
// Analytic Jacobians from the multibody library, or for a model moving in the x-y plane (the lifter)
// from scenario/planar_kinematics.hpp, the same doubles; workspaces sized once per model.
#include <Eigen/Cholesky>
#include <optional>

#include "multibody/data.hpp"
#include "scenario/planar_kinematics.hpp"
#include "scenario/task_rig.hpp"

namespace dembones {

// Inclination of the line from point a (on body_a) to point b (on body_b), from vertical, positive
// leaning forward (b ahead of a when b is above a): the way kinematics studies give a trunk angle
// measured between two landmarks (e.g. hip joint centre to shoulder) rather than a segment's frame.
struct LineInclinationTarget {
  int body_a = -1;
  Vec3 p_a_B = Vec3::Zero();  // in body_a's frame
  int body_b = -1;
  Vec3 p_b_B = Vec3::Zero();  // in body_b's frame
  double inclination = 0.0;   // rad from vertical, positive forward
  double weight = 0.0;        // per rad
};

struct PostureTargets {
  std::optional<Eigen::Vector2d> hand;   // world (x, y) of the hand point
  std::optional<double> hip_height;      // world y of the hip joint centre
  std::optional<double> trunk_inclination;  // rad from vertical, positive leaning forward
  double trunk_weight = 0.0;             // weight of the trunk target (per rad)
  std::optional<LineInclinationTarget> line;  // a landmark line's inclination (sit-to-stand seat-off)
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
  double cost = 0.0;            // sum of the squared residuals at the solution (comparable between
                                // solutions of the same targets: smoothness off)
  int iterations = 0;
  bool converged = false;
};

// Upper bounds of the Levenberg-Marquardt workspace (PostureSolver): a posture has a handful of
// variables (7 for the lifter) and at most 6 + 2 nvars residuals (hand 2, hip 1, trunk 1, trunk line 1,
// centre of mass 1, preferences nvars, smoothness nvars), so J, JᵀJ and its LDLT live inside the
// solver (Eigen's fixed maximum sizes: no heap, the same operations in the same order) rather than
// behind dynamic allocations whose bookkeeping cost as much as the 7 × 7 factorisation itself.
inline constexpr int kMaxPostureVariables = 16;
inline constexpr int kMaxPostureResiduals = 6 + 2 * kMaxPostureVariables;

class PostureSolver {
 public:
  // planar_when_possible: evaluate the kinematics in the x-y plane when the model allows
  // (PlanarKinematics::applies; the same doubles as the multibody library's, in a fraction of the
  // operations); false keeps the library's 3D kinematics (for tests and benchmarks).
  PostureSolver(const Model& model, const TaskRig& rig, bool planar_when_possible = true);
  bool planar() const { return planar_.has_value(); }
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
  // jacobian_at_current_positions: the same when the kinematics already hold theta's positions (the
  // trial point just evaluated with positions), skipping the second forward kinematics.
  enum class Evaluation { positions, jacobian, jacobian_at_current_positions };
  // Kinematics: the planar chain's (planar models) or the multibody library's (posture_ik.cpp), the
  // same doubles either way.
  template <class Kinematics>
  PostureResult solve_with(Kinematics& kin, const PostureTargets& targets, VecX& theta, const VecX& theta_prev,
                           double tolerance_rad, double initial_damping);
  template <class Kinematics>
  int residuals(Kinematics& kin, const PostureTargets& t, const VecX& theta, const VecX& theta_prev, Evaluation what);

  const Model& model_;
  const TaskRig& rig_;
  Data data_;
  std::optional<PlanarKinematics> planar_;  // when the model qualifies (PlanarKinematics::applies)
  MatX T_;         // (nv x nvars) q = q_offset + T θ
  // T's non-zeros variable by variable, in rig.vars' order (coordinate and ratio of entry e, the
  // entries of variable k at var_begin_[k] ..< var_begin_[k + 1]): flat arrays for the products with T
  // in every evaluation, the same operations in the same order as through rig.vars.
  std::vector<int> var_begin_, var_coord_;
  std::vector<double> var_ratio_;
  void to_configuration(const VecX& theta);  // q_ = TaskRig::to_configuration(theta)
  VecX q_;         // (nq)
  VecX r_;         // residuals
  using ResidualJacobian = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxPostureResiduals,
                                         kMaxPostureVariables>;
  using SquareMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxPostureVariables,
                                  kMaxPostureVariables>;
  ResidualJacobian J_;  // (nres x nvars)
  Matrix3Xd Jp_;   // (3 x nv) point Jacobian of the hand
  Matrix3Xd Jp_a_, Jp_b_;  // (3 x nv) point Jacobians of the hip, of a line target's two points
  Eigen::Matrix2Xd Jp2_, Jp2_a_, Jp2_b_;  // (2 x nv) the same, x and y rows, of the planar kinematics
  Eigen::RowVectorXd dphi_dv_;  // (nv) gradient of a line target's inclination
  SquareMat H_, A_;  // (nvars x nvars) Gauss-Newton matrix, and damped
  Eigen::LDLT<SquareMat> ldlt_;
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

// Inclination from vertical (rad, positive forward: +x ahead, +y up) of the line from p_a_W to p_b_W.
double line_inclination(const Vec3& p_a_W, const Vec3& p_b_W);

// The line target's inclination φ at the kinematics `data` holds, and its gradient dφ/dv (1 x nv) when
// data also holds the joint Jacobians (J_W; compute_joint_jacobians): φ = atan2(Δx, Δy) with
// Δ = p_b − p_a, so dφ = (Δy dΔx − Δx dΔy) / |Δ|², dΔ from the two points' Jacobians. Jp_a, Jp_b
// (3 x nv) are scratch.
double calc_line_inclination(const Model& model, const Data& data, const LineInclinationTarget& line,
                             Eigen::Ref<Eigen::RowVectorXd> dphi_dv, Eigen::Ref<Matrix3Xd> Jp_a,
                             Eigen::Ref<Matrix3Xd> Jp_b);
// The inclination only (kinematics in data).
double calc_line_inclination(const Data& data, const LineInclinationTarget& line);

}  // namespace dembones
