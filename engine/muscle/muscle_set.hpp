#pragma once
// A frozen set of muscles for one Model (names, Hill parameters, paths, wrapping, group and nerve-root
// tags) and MuscleData, the per-thread workspace sized once from it. The per-frame functions fill
// MuscleData for all muscles at once and never allocate.
//
// Per-frame order (after the multibody stage):
//   forward_kinematics(model, data, q, v); compute_joint_jacobians(model, data, q);
//   compute_muscle_geometry(model, data, set, q, mdata);   // lengths, velocities, moment arms
//   compute_muscle_forces_rigid(set, mdata);               // fibre state and force capacity
#include <string>
#include <string_view>
#include <vector>

#include "muscle/nerve_roots.hpp"

#include "common/error.hpp"
#include "multibody/data.hpp"
#include "multibody/model.hpp"
#include "muscle/activation.hpp"
#include "muscle/hill_muscle.hpp"
#include "muscle/path.hpp"

namespace dembones {

struct MuscleSpec {
  std::string name;
  HillParams params;
  ActivationParams activation;
  std::vector<PathPointSpec> path;   // origin, via points ..., insertion (at least 2 points)
  std::vector<WrapSpec> wraps;       // in path order; several on one segment chain in this order
  std::vector<std::string> groups;   // e.g. "core", "hip_flexors", "glutes", "quadriceps"
  std::vector<std::string> nerve_roots;  // myotomes, e.g. {"L2", "L3", "L4"}; see expand_nerve_roots
};

struct MuscleSet {
  int nmuscles = 0;
  int nv = 0;  // of the Model it was built for
  std::vector<std::string> names;                       // (m)
  std::vector<HillParams> params;                       // (m)
  std::vector<HillConstants> constants;                 // (m)
  std::vector<ActivationParams> activation;             // (m)
  std::vector<std::vector<std::string>> groups;         // (m)
  std::vector<std::vector<std::string>> nerve_roots;    // (m)
  // Path geometry, flattened: muscle i owns points[point_begin[i] .. point_begin[i+1]), likewise wraps
  // and bodies (the distinct non-ground bodies its path touches, points and wrap surfaces).
  std::vector<PathPoint> points;
  std::vector<int> point_begin;                         // (m + 1)
  std::vector<WrapSurface> wraps;
  std::vector<int> wrap_begin;                          // (m + 1)
  // (points) the first wrap (index into wraps) on the segment that ends at point k when the point
  // before it is active, -1 when that segment has none (the segment's others follow it in wraps).
  std::vector<int> wrap_into_point;
  std::vector<int> bodies;
  std::vector<int> body_begin;                          // (m + 1)
  // Lowest common ancestor of every body the path touches (0 when a point lies on the ground). The
  // unit-tension wrenches of a path sum to zero, so the joints above it get no moment arm: the
  // Jacobian walk stops there.
  std::vector<int> common_ancestor;                     // (m)
  // The moment-arm walk of compute_muscle_geometry flattened (make_muscle_set): muscle i's terms
  // walk_terms[walk_begin[i] .. walk_begin[i+1]) add J_W column `coordinate` · the unit-tension
  // wrench on touched body `body_slot` (an index into `bodies`), in the order of the nested walk
  // (touched body, joints up to the common ancestor, their coordinates); and the coordinates its
  // moment-arm column can reach (calc_muscle_coordinates), the only entries the column ever holds.
  struct WalkTerm {
    int coordinate;
    int body_slot;
  };
  std::vector<WalkTerm> walk_terms;
  std::vector<int> walk_begin;                          // (m + 1)
  std::vector<int> reach;                               // coordinates, muscle by muscle
  std::vector<int> reach_begin;                         // (m + 1)
  int max_nodes = 0;  // longest path: points + 2 tangent points per wrap

  // Hill constants as arrays (m), for the vectorized force stage (compute_muscle_forces_rigid).
  struct HillArrays {
    VecX max_isometric_force_N, inv_optimal_fiber_length_per_m, tendon_slack_length_m, fiber_width_m,
        min_fiber_along_tendon_m, inv_max_fiber_velocity_s_per_m, fiber_damping, passive_shape_over_strain,
        passive_offset, passive_inv_denom;
  } hill;
  std::vector<int> scalar_passive;  // muscles whose passive curve the vectorized stage cannot evaluate

  int find_muscle(std::string_view name) const;  // -1 when missing
};

// Resolves body and coordinate names, validates every parameter and builds the set. Errors are
// InputError whose field reads "muscles.<name>.<...>" (prefixed with where.field when given).
MuscleSet make_muscle_set(const Model& model, const std::vector<MuscleSpec>& specs,
                          const Location& where = {});

// Replaces muscle i's Hill parameters (validated; InputError field "muscles.<name>.<...>") and what is
// derived from them: the same set make_muscle_set builds from specs with these parameters, without
// rebuilding the paths (muscle impairments change only these).
void set_muscle_params(MuscleSet& set, int i, const HillParams& params, const Location& where = {});

// One node of a muscle path in the current frame (compute_muscle_geometry's scratch): an active path
// point or a wrap tangent point.
struct PathNode {
  Vec3 p_W = Vec3::Zero();   // world position, m
  Vec3 dp_W = Vec3::Zero();  // moving point: R_WB p_B'(q_k), world, m per unit q_k
  double arc_m = 0.0;        // length of the wrap arc to the next node when `arc`, m
  int slot = -1;             // body slot (index into the muscle's body list), -1 = ground
  int body = 0;
  int point = -1;            // index into set.points of a moving point, -1 otherwise
  int arc = 0;               // 1: the segment to the next node is a wrap arc
  int lever = 0;             // moving point: 1 = a patella lever carries its term, 2 = declined
};

struct MuscleData {
  MuscleData(const Model& model, const MuscleSet& set);

  // ---- geometry stage (compute_muscle_geometry) ----
  VecX length;        // (m) musculotendon path length, m
  VecX velocity;      // (m) lengthening speed dl/dt, m/s
  MatX moment_arm;    // (nv x m) column i: r_k = -dl_i/dq_k over velocity indices, m (or unitless for
                      //          translations); generalized force of tensions T is moment_arm * T
  std::vector<Force> body_wrench_W;  // (set.bodies.size()) wrench of unit tension on each touched
                                     // body, world frame about the world origin
  std::vector<unsigned char> wrap_engaged;  // (set.wraps.size()) 1 when the path wraps this frame
  // (set.wraps.size()) first tangent point of each wrap in its body's frame at the last evaluation:
  // the starting guess of a chain of wraps on one segment (add_chained_wraps), valid when
  // wrap_engaged. The result does not depend on it beyond the chain's tolerance (0.1 um).
  std::vector<Vec3> wrap_t1_B;
  int wrap_inside_count = 0;  // wraps skipped this frame because a path point lay inside the surface

  // ---- force stage (compute_muscle_forces_rigid) ----
  VecX force_scale;                // (m) input: multiplies the active force capacity (1 = intact)
  VecX fiber_length;               // (m) m
  VecX normalized_fiber_length;    // (m) l_M / l_opt
  VecX normalized_fiber_velocity;  // (m) v_M / (v_max l_opt), positive lengthening
  VecX active_force_capacity;      // (m) N per unit activation, along the tendon (scaled by force_scale)
  VecX passive_force;              // (m) N along the tendon
  int clamped_fiber_count = 0;     // muscles whose path was too short this frame (fibre at max pennation)
  VecX cos_pennation;              // (m)
  VecX force_velocity_factor;      // (m) f_V of the rigid-tendon fibre velocity (1 at rest)
  // The last elastic-tendon passive equilibrium of each muscle (compute_passive_equilibrium): the next
  // frame's starting guess, and its result when the musculotendon length has not changed at all.
  // passive_fiber_along_tendon = NaN marks "none" (the other fields are then not read).
  VecX passive_fiber_along_tendon;  // (m) x = l_M cos(alpha) at the root, m
  VecX passive_mt_length;           // (m) l_MT it was solved at, m
  VecX passive_dx_dlength;          // (m) dx/dl_MT at the root (implicit function theorem), 1
  VecX passive_fiber_length;        // (m) l_M at the root, m
  VecX passive_cos_pennation;       // (m)
  VecX passive_tendon_force;        // (m) F_T at the root, N
  VecX passive_active_force_length; // (m) f_L(l_M / l_opt) at the root
  long passive_solves = 0;          // equilibrium solves run (counters, for benchmarks and tests)
  long passive_reused = 0;          // roots reused because l_MT was bit-identical to the last solve's
  VecX work_a, work_b, work_c;     // (m) scratch of the vectorized force stage

  // ---- scratch for one path ----
  std::vector<PathNode> nodes;     // (max_nodes) the path of the muscle being computed
};

// Lengths, lengthening speeds, moment arms and unit-tension body wrenches of every muscle. Needs
// forward_kinematics(q, v) and compute_joint_jacobians(q) on `data`; q is read only for conditional
// via points and moving points (whose coordinate speed is read off their joint's relative velocity in
// `data`). Does not allocate.
void compute_muscle_geometry(const Model& model, const Data& data, const MuscleSet& set, const VecX& q,
                             MuscleData& mdata);

// Rigid-tendon fibre state and force capacity of every muscle from mdata.length and mdata.velocity.
void compute_muscle_forces_rigid(const MuscleSet& set, MuscleData& mdata);

// The velocity indices at which compute_muscle_geometry can make muscle i's moment-arm column
// nonzero (sorted, unique): the joints on the paths from the bodies its path touches up to their
// common ancestor, and the coordinates that move its moving points. Every other entry is exactly 0,
// at every configuration; a muscle crosses 1-4 of the lifter's 11 coordinates.
std::vector<int> calc_muscle_coordinates(const Model& model, const MuscleSet& set, int i);

// Pennation angle of muscle i at the fibre state of the last compute_muscle_forces_rigid (or
// compute_passive_equilibrium), rad: atan(w / (l_M cos α)), w the fibre width of the constant-width
// pennation model. On demand: the pipeline needs cos α only, and the angle (an atan per muscle and
// frame, an acos per passive solve) was a twentieth of the force stage.
double calc_pennation_rad(const MuscleSet& set, const MuscleData& mdata, int i);

// Passive state with an elastic tendon, for static optimization (as OpenSim's StaticOptimization,
// whose passive forces come from the muscles' compliant-tendon equilibrium while the active capacity
// is that of an inextensible tendon). After compute_muscle_forces_rigid: every muscle whose rigid-
// tendon passive force exceeds `min_passive_fraction` of F0 (the others are unchanged: an elastic
// tendon only lowers the passive force, and below that it is negligible) gets the fibre length of the
// static equilibrium F_T = F_PE cos(alpha) at zero activation (solve_compliant_equilibrium), its
// passive force, and its active capacity re-evaluated at that fibre length (force-length and
// pennation; the rigid-tendon force-velocity factor is kept). With a rigid tendon the whole
// musculotendon stretch goes into the fibre: hamstrings with long tendons (semimembranosus: tendon
// slack 5 times its fibre) then reach several times F0 in a stoop, which the tendon in fact takes up.
// Each solve starts from the previous frame's root moved along the root's tangent,
// x_guess = x_prev + dx/dl_MT (l_MT - l_MT,prev) (first-order predictor; Newton then verifies the
// tolerance, 1e-9 F0); when l_MT is bit-identical to the last solve's, that root is reused as it is
// (the solve would return it at its first residual). Reset by setting passive_fiber_along_tendon to NaN.
// Returns the number of muscles re-evaluated. Does not allocate.
int compute_passive_equilibrium(const MuscleSet& set, MuscleData& mdata, double min_passive_fraction = 0.01);

// ---- Compliant tendon (the fibre length is a state) and activation dynamics, all muscles ----

// Initial fibre lengths (m): the equilibrium F_T = F_M cos(alpha) of solve_compliant_equilibrium at
// mdata.length, each muscle's activation and normalized fibre velocity mdata.normalized_fiber_velocity
// (the rigid-tendon estimate after compute_muscle_forces_rigid; zero for a static equilibrium).
// Returns how many muscles ended without kConverged (slack tendon: shortest fibre; overstretched).
int equilibrate_fiber_lengths(const MuscleSet& set, const MuscleData& mdata, const VecX& activation,
                              VecX& fiber_length_m);

// Right-hand side of the fibre-length state: the tendon force (N) at the state and the fibre velocity
// (m/s, compliant_fiber_velocity) that makes the fibre force match it.
void compute_muscle_forces_compliant(const MuscleSet& set, const MuscleData& mdata, const VecX& activation,
                                     const VecX& fiber_length_m, VecX& tendon_force_N,
                                     VecX& fiber_velocity_m_per_s);

// da/dt (1/s) of every muscle, De Groote 2016 form with each muscle's ActivationParams.
void compute_activation_rates(const MuscleSet& set, const VecX& excitation, const VecX& activation,
                              VecX& rate_per_s);

// f_ext_W[b] += tension_N[i] * (unit-tension wrench of muscle i on body b) for every muscle and touched
// body (world frame about the world origin). Consistent with the moment arms: sum over bodies of
// J_b^T f_ext_W[b] = moment_arm * tension_N.
void apply_muscle_forces(const Model& model, const Data& data, const MuscleSet& set,
                         const MuscleData& mdata, const VecX& tension_N, std::vector<Force>& f_ext_W);

// Muscles matching `selector`: an exact muscle name, a group tag, a nerve root (e.g. "L4"), a range of
// roots ("L2-L4": innervated by any of them), or a glob on names with '*' and '?' ("psoas*").
// Ascending indices, no duplicates; empty when nothing matches.
std::vector<int> select(const MuscleSet& set, std::string_view selector);

}  // namespace dembones
