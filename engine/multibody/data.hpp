#pragma once
// Every work array of the multibody algorithms, sized once from a Model. One Data per thread.
// Fields are grouped by the stage that fills them; frames are named: "_W" = world frame about the
// world origin (Plücker), otherwise the body's own frame about its origin.
#include <vector>

#include <Eigen/Cholesky>

#include "multibody/model.hpp"

namespace dembones {

struct Data {
  explicit Data(const Model& model);

  // ---- position stage (forward_kinematics with q) ----
  std::vector<SE3> X_parent;   // (nbodies) pose of body i in its parent body frame, X_λ(i)i
  std::vector<SE3> oMb;        // (nbodies) X_WB: world pose of each body frame
  Matrix6Xd S;                 // (6 x ns) joint motion subspace, columns model.idx_s[i].. in body i's frame
                               //          (ns = nv without couplers; see Model::column_v)
  Matrix6Xd J_W;               // (6 x ns) column s: motion of column s of its joint per unit v[column_v[s]],
                               //          world frame about the world origin (filled by compute_joint_jacobians
                               //          and aba; forward_kinematics does not). Without couplers column k is
                               //          coordinate k's; with couplers use body_jacobian_world & co.
  std::vector<double> custom_theta_d2;  // (nbodies) θ''(q) of custom and coupled joints
  std::vector<Vec3> custom_p_d2;        // (nbodies) R_J^T p''(q) of custom and coupled joints (child frame)

  // ---- velocity stage (forward_kinematics with q, v) ----
  std::vector<Motion> v;       // (nbodies) spatial velocity, body frame
  std::vector<Motion> v_W;     // (nbodies) spatial velocity, world frame about the world origin
  std::vector<Motion> c_J;     // (nbodies) joint velocity-product term Ṡ q̇, body frame (Featherstone c_J)

  // ---- acceleration stage (forward_kinematics with q, v, a; rnea; aba) ----
  std::vector<Motion> a;       // (nbodies) spatial acceleration, body frame (true acceleration, no gravity
                               //           offset; after forward_kinematics/rnea: of the last call's q, v, a;
                               //           aba() does not fill it, see a_W)
  std::vector<Motion> a_W;     // (nbodies) after aba: spatial acceleration, world frame about the world origin
  std::vector<Motion> a_bias;  // (nbodies) J̇q̇ per body: acceleration with q̈ = 0 (compute_jdot_qdot)

  // ---- force stage ----
  std::vector<Force> f;        // (nbodies) work: net body force in the RNEA sweeps, body frame
  std::vector<Force> f_joint;  // (nbodies) after rnea: spatial force the parent exerts on body i through
                               //           its joint, in body i's frame about its origin (= joint child frame)
  std::vector<Force> f_joint_W;  // (nbodies) same force, world frame about the world origin
  std::vector<Force> f_ext_body; // (nbodies) work: external forces in body frames
  std::vector<Force> f_motion;   // (nbodies) after rnea: I a + v x* I v - I [0; g] of each body, body frame
                                 //           (what its own motion and weight ask for, before external forces;
                                 //           rnea_with_other_external_forces starts from it)
  std::vector<Motion> c;       // (nbodies) work: ABA's velocity-product acceleration, world frame
  VecX tau;                    // (nv) rnea output, N m or N
  VecX nle;                    // (nv) nonlinear_effects output b(q, v) (Coriolis, centrifugal, gravity)
  VecX g;                      // (nv) work / generalized gravity

  // ---- CRBA ----
  std::vector<InertiaAtOrigin> Ic;  // (nbodies) composite inertia of the subtree, body frame
  MatX M;                      // (nv x nv) joint-space inertia matrix, full symmetric

  // ---- ABA (world frame about the world origin; see aba.cpp) ----
  std::vector<InertiaAtOrigin> Y_W;  // (nbodies) rigid body inertia, world frame about the world origin
  std::vector<Mat6> IA;        // (nbodies) articulated inertia (bodies with children; leaves use Y_W)
  std::vector<Force> pA;       // (nbodies) articulated bias force
  Matrix6Xd W;                 // (6 x nv) U D^-1 per joint (U = IA S, D = S^T IA S; ball joints in the
                               //          world-aligned basis S', see aba.cpp)
  VecX kappa;                  // (nv) κ = D^-1 (τ - S^T (pA + IA c)) + W^T [0; g]: q̈ = κ - W^T a_λ
  VecX ddq;                    // (nv) aba output
  Eigen::LLT<MatX> M_llt;      // (nv x nv) Cholesky factor of M for forward_dynamics_via_crba

  // ---- centre of mass, momentum, energy ----
  double mass = 0.0;           // kg, total
  Vec3 com = Vec3::Zero();     // m, world
  Vec3 vcom = Vec3::Zero();    // m/s, world (when velocities were given)
  Matrix3Xd J_com;             // (3 x nv) centre-of-mass Jacobian, world
  Force momentum_W;            // spatial momentum of the system, world frame about the world origin
  double kinetic_energy = 0.0;    // J
  double potential_energy = 0.0;  // J, relative to the world origin (−Σ m g·c)

  // ---- scratch ----
  VecX zero_nv;                // (nv) zeros
};

}  // namespace dembones
