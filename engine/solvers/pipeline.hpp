#pragma once
// The per-frame inverse pipeline (docs/README.md): kinematics → inverse dynamics → muscle geometry →
// static optimization → joint reactions. Built once per model with every workspace sized; run_frame
// never allocates. One Pipeline per thread; the MusculoskeletalModel is shared read-only.
//
// Per frame, with q, q̇, q̈ given:
//   τ_ID = RNEA(q, q̇, q̈, held load)                          net generalized forces
//   b    = τ_ID − τ_passive(q) − R (s ⊙ F_passive)             what activations must supply
//   min Σ a_i^p + Σ u_j²  s.t.  R (s ⊙ F_active) a + A_u u = b,  0 ≤ a ≤ cap
//   T_i  = a_i F_active,i + F_passive,i                        tendon force per side
//   RNEA again with the muscle forces (and posterior-ligament tensions, joint_reactions.hpp) applied to
//   their bodies                                              → joint reactions at the sites
// (Crowninshield & Brand 1981; Anderson & Pandy 2001; OpenSim StaticOptimization + JointReaction).
#include <limits>
#include <span>
#include <vector>

#include "multibody/data.hpp"
#include "muscle/muscle_set.hpp"
#include "solvers/external_loads.hpp"
#include "solvers/joint_reactions.hpp"
#include "solvers/musculoskeletal_model.hpp"
#include "solvers/static_optimization.hpp"

namespace dembones {

struct PipelineSettings {
  int exponent = 2;                     // p in Σ a^p
  double reserve_optimal_force = 1.0;   // N·m per unit reserve control (small = expensive)
  double reserve_threshold_Nm = 1.0;    // reserve above this flags the frame
  // Passive muscle forces from the elastic tendon's static equilibrium (compute_passive_equilibrium,
  // as OpenSim's StaticOptimization) instead of a rigid tendon.
  bool elastic_tendon_passive = true;
  // Balance coupled coordinates together (MusculoskeletalModel::couplings) rather than one by one.
  bool couple_coordinates = true;
  // Newton iterations of the static optimization per frame (StaticOptimizationSettings::max_iterations);
  // a frame that reaches it is FrameStatus::max_iterations.
  int max_iterations = 100;
};

// Wall-clock seconds spent in each stage of run_frame, accumulated over the frames run while the
// timer is attached (Pipeline::set_stage_timer). For benchmarks and profiling only: detached (the
// default), run_frame reads no clock.
struct PipelineStageTimes {
  double kinematics_id_s = 0.0;        // kinematics, Jacobians, held and external loads, RNEA
  double muscle_geometry_s = 0.0;      // path lengths, velocities, moment arms
  double muscle_forces_s = 0.0;        // rigid-tendon capacities and passive (elastic-tendon) forces
  double static_optimization_s = 0.0;  // assembly, solve, tensions and reserves
  double joint_reactions_s = 0.0;      // muscle forces on the bodies, RNEA again, site loads
  long frames = 0;
};

enum class FrameStatus { ok = 0, max_iterations = 1, reserve_limited = 2, nan_input = 3 };

// Everything one frame produces, sized once.
struct FrameResult {
  VecX tau_id;          // (nv) net generalized force from inverse dynamics
  VecX tau_passive;     // (nv) passive joint moments
  VecX activation;      // (m)
  VecX tension;         // (m) tendon force per side, N
  VecX passive_force;   // (m) passive part of the tension, per side, N
  VecX reserve;         // (nv) reserve generalized forces (a coupled group's reserve on θ is spread
                        //      over its coordinates as r_k u / Σ r_j², the least-norm split)
  VecX actuator;        // (k) ideal actuator torques, N·m
  VecX coupling;        // (nv) generalized force the coupling constraints carry (coupled coordinates,
                        //      couple_coordinates only; 0 elsewhere): what is left of each coordinate's
                        //      net moment after passive moments, muscles, reserves and actuators. No
                        //      muscle or tissue carries it, so it adds no joint compression.
  VecX tau_residual;    // (nv) what the joints carry after muscles: passive + reserves + actuators
  VecX posterior_tension;  // (passive moments) summed tension of each passive moment's posterior
                           //      elements (ligaments) pressing its disc, N (0 without elements)
  std::vector<SiteLoad> sites;  // (sites)
  Vec3 load_position_W = Vec3::Zero();
  StaticOptimizationInfo so;
  FrameStatus status = FrameStatus::ok;
  const char* bad_quantity = "";  // which input was not finite when status == nan_input
};

class Pipeline {
 public:
  Pipeline(const MusculoskeletalModel& msm, const PipelineSettings& settings);

  // Mass of the object held at the load point (0 = none), kg.
  void set_load_mass(double kg) { load_mass_kg_ = kg; }
  const FrameResult& run_frame(const VecX& q, const VecX& qd, const VecX& qdd);
  // The same with measured external forces of this frame (external_loads.hpp) added to the held
  // load; they enter inverse dynamics and the joint reactions. Allocation-free.
  const FrameResult& run_frame(const VecX& q, const VecX& qd, const VecX& qdd, std::span<const AppliedForce> external);

  const Data& data() const { return data_; }
  const MuscleData& muscle_data() const { return mdata_; }
  const MusculoskeletalModel& model() const { return msm_; }
  const FrameResult& result() const { return out_; }
  // The measured external forces of the last run_frame (empty without): a view of the caller's
  // array, valid until the caller changes or frees it (read it right after run_frame, as
  // RunRecord::record does).
  std::span<const AppliedForce> last_external_forces() const { return external_; }
  // Forget the previous frame (static optimization multipliers, passive fibre lengths): the next frame
  // is solved as if it were the first.
  void reset_warm_start() {
    so_.reset_warm_start();
    mdata_.passive_fiber_along_tendon.setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  // Attach (or detach with nullptr) a stage timer; not owned.
  void set_stage_timer(PipelineStageTimes* timer) { timer_ = timer; }

 private:
  void setup_solver();

  const MusculoskeletalModel& msm_;
  PipelineSettings settings_;
  Data data_;
  MuscleData mdata_;
  // Static optimization rows: one per coordinate, or per coupled group (row = P · generalized forces).
  int rows_ = 0;
  bool coupled_ = false;
  MatX P_;                     // (rows × nv)
  VecX row_norm2_;             // (rows) Σ_k P(row, k)²
  struct RowEntry {
    int coordinate;
    double ratio;
  };
  std::vector<RowEntry> P_entries_;  // nonzeros of P_, row by row
  std::vector<int> P_row_begin_;     // (rows + 1) row r's entries: [P_row_begin_[r], P_row_begin_[r + 1])
  // Rows of P·R where muscle i's column can be nonzero (rows holding one of calc_muscle_coordinates):
  // [muscle_row_begin_[i], muscle_row_begin_[i + 1]) in muscle_rows_. The other rows are exactly 0.
  std::vector<int> muscle_rows_;
  std::vector<int> muscle_row_begin_;  // (m + 1)
  // Coupled rows: A_muscle holds exact zeros outside muscle_rows_ (false after a frame whose
  // non-finite scale filled whole columns; the next frame zeroes A_muscle first).
  bool a_muscle_zero_elsewhere_ = true;
  VecX b_full_;                // (nv)
  VecX row_tmp_;               // (rows)
  StaticOptimizationSolver so_;
  std::vector<Force> f_ext_;   // (nbodies) world wrenches on each body
  VecX total_tension_;         // (m) both sides
  double load_mass_kg_ = 0.0;
  std::span<const AppliedForce> external_;  // the last run_frame's external forces (not owned)
  PipelineStageTimes* timer_ = nullptr;
  FrameResult out_;
};

}  // namespace dembones
