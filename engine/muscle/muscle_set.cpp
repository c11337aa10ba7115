#include "muscle/muscle_set.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "multibody/jacobian.hpp"
#include "muscle/wrap.hpp"

namespace dembones {
namespace {

Location with_field(const Location& where, const std::string& field) {
  Location w = where;
  w.field = w.field.empty() ? field : w.field + "." + field;
  return w;
}

int resolve_body(const Model& model, const std::string& name, const Location& where) {
  const int b = model.find_body(name);
  if (b < 0) throw InputError(where, fmt::format("expected the name of a body of the model, got '{}'", name));
  return b;
}

// Slot of `body` in the muscle's body list (appending it), -1 for the ground.
int slot_of(int body, std::vector<int>& muscle_bodies) {
  if (body == 0) return -1;
  const auto it = std::find(muscle_bodies.begin(), muscle_bodies.end(), body);
  if (it != muscle_bodies.end()) return static_cast<int>(it - muscle_bodies.begin());
  muscle_bodies.push_back(body);
  return static_cast<int>(muscle_bodies.size()) - 1;
}

// Lowest common ancestor in the tree (parent[i] < i, so the larger index steps up).
int common_ancestor(const Model& model, int a, int b) {
  while (a != b) {
    if (a > b) {
      a = model.parent[a];
    } else {
      b = model.parent[b];
    }
  }
  return a;
}

}  // namespace

int MuscleSet::find_muscle(std::string_view name) const {
  for (int i = 0; i < nmuscles; ++i) {
    if (names[i] == name) return i;
  }
  return -1;
}

namespace {

// Muscle i's entries of the arrays of the vectorized force stage, from its params and constants, and
// its place in scalar_passive (the muscles whose passive curve that stage cannot evaluate).
void fill_hill_arrays(MuscleSet& set, int i) {
  const HillParams& p = set.params[i];
  const HillConstants& c = set.constants[i];
  auto& h = set.hill;
  h.max_isometric_force_N[i] = p.max_isometric_force_N;
  h.inv_optimal_fiber_length_per_m[i] = 1.0 / p.optimal_fiber_length_m;
  h.tendon_slack_length_m[i] = p.tendon_slack_length_m;
  h.fiber_width_m[i] = c.fiber_width_m;
  h.min_fiber_along_tendon_m[i] = c.min_fiber_along_tendon_m;
  h.inv_max_fiber_velocity_s_per_m[i] = 1.0 / c.max_fiber_velocity_m_per_s;
  h.fiber_damping[i] = p.fiber_damping;
  auto& scalar = set.scalar_passive;
  const auto at = std::lower_bound(scalar.begin(), scalar.end(), i);
  const bool listed = at != scalar.end() && *at == i;
  if (!c.passive.vectorized()) {
    // The exponential form of the vectorized stage gives 0 here; the curve is evaluated after it.
    h.passive_shape_over_strain[i] = 0.0;
    h.passive_offset[i] = 1.0;
    h.passive_inv_denom[i] = 0.0;
    if (!listed) scalar.insert(at, i);
  } else {
    h.passive_shape_over_strain[i] = c.passive.shape_over_strain;
    h.passive_offset[i] = c.passive.offset;
    h.passive_inv_denom[i] = c.passive.inv_denom;
    if (listed) scalar.erase(at);
  }
}

}  // namespace

MuscleSet make_muscle_set(const Model& model, const std::vector<MuscleSpec>& specs,
                          const Location& where) {
  if (!model.finalized) throw InternalError("make_muscle_set: the Model is not finalized");
  MuscleSet set;
  set.nv = model.nv;
  set.point_begin.push_back(0);
  set.wrap_begin.push_back(0);
  set.body_begin.push_back(0);
  for (const MuscleSpec& spec : specs) {
    const Location at = with_field(where, "muscles." + spec.name);
    if (spec.name.empty()) throw InputError(with_field(where, "muscles"), "expected a muscle name, got ''");
    if (set.find_muscle(spec.name) >= 0) {
      throw InputError(at, fmt::format("muscle '{}' is defined twice", spec.name));
    }
    validate(spec.params, at);
    try {
      validate(spec.activation);
    } catch (const InputError& e) {
      throw InputError(with_field(at, "activation." + e.where().field), e.message());
    }
    if (spec.path.size() < 2) {
      throw InputError(with_field(at, "path"),
                       fmt::format("expected at least 2 path points (origin, insertion), got {}",
                                   spec.path.size()));
    }
    std::vector<int> muscle_bodies;
    const int n_points = static_cast<int>(spec.path.size());
    for (int k = 0; k < n_points; ++k) {
      const PathPointSpec& ps = spec.path[k];
      const Location pat = with_field(at, fmt::format("path[{}]", k));
      PathPoint pt;
      pt.body = resolve_body(model, ps.body, with_field(pat, "body"));
      pt.p_B_m = ps.p_B_m;
      pt.slot = slot_of(pt.body, muscle_bodies);
      if (!ps.condition_coordinate.empty()) {
        if (k == 0 || k == n_points - 1) {
          throw InputError(with_field(pat, "condition_coordinate"),
                           "expected an unconditional origin and insertion, got a condition");
        }
        const int kv = model.find_coordinate(ps.condition_coordinate);
        if (kv < 0) {
          throw InputError(with_field(pat, "condition_coordinate"),
                           fmt::format("expected a coordinate of the model, got '{}'", ps.condition_coordinate));
        }
        const int jb = model.velocity_body[kv];
        if (model.nq_j[jb] != 1 || model.nv_j[jb] != 1) {
          throw InputError(with_field(pat, "condition_coordinate"),
                           fmt::format("expected a coordinate of a 1-DoF joint, got '{}' ({}-DoF joint)",
                                       ps.condition_coordinate, model.nv_j[jb]));
        }
        if (!(ps.range_min <= ps.range_max)) {
          throw InputError(with_field(pat, "range_min"),
                           fmt::format("expected range_min <= range_max, got {} > {}", ps.range_min,
                                       ps.range_max));
        }
        pt.condition_q = model.idx_q[jb];
        pt.range_min = ps.range_min;
        pt.range_max = ps.range_max;
      }
      if (!ps.moving_coordinate.empty()) {
        const int kv = model.find_coordinate(ps.moving_coordinate);
        if (kv < 0) {
          throw InputError(with_field(pat, "moving_coordinate"),
                           fmt::format("expected a coordinate of the model, got '{}'", ps.moving_coordinate));
        }
        const int jb = model.velocity_body[kv];
        if (model.nq_j[jb] != 1 || model.nv_j[jb] != 1) {
          throw InputError(with_field(pat, "moving_coordinate"),
                           fmt::format("expected a coordinate of a 1-DoF joint, got '{}' ({}-DoF joint)",
                                       ps.moving_coordinate, model.nv_j[jb]));
        }
        for (const CubicSpline* c : {&ps.moving_x_m, &ps.moving_y_m, &ps.moving_z_m}) {
          if (c->knots_x().size() < 2) {
            throw InputError(with_field(pat, "moving_coordinate"),
                             fmt::format("expected x, y and z splines of at least 2 knots, got {}",
                                         c->knots_x().size()));
          }
        }
        pt.moving_q = model.idx_q[jb];
        pt.moving_v = kv;
        pt.moving_joint = jb;
        pt.moving_x_m = ps.moving_x_m;
        pt.moving_y_m = ps.moving_y_m;
        pt.moving_z_m = ps.moving_z_m;
      }
      set.points.push_back(pt);
    }
    for (int w = 0; w < static_cast<int>(spec.wraps.size()); ++w) {
      const WrapSpec& ws = spec.wraps[w];
      const Location wat = with_field(at, fmt::format("wraps[{}]", w));
      WrapSurface s;
      s.kind = ws.kind;
      s.body = resolve_body(model, ws.body, with_field(wat, "body"));
      s.slot = slot_of(s.body, muscle_bodies);
      s.X_BS = ws.X_BS;
      if (!(ws.radius_m > 0.0) || !std::isfinite(ws.radius_m)) {
        throw InputError(with_field(wat, "radius_m"), fmt::format("expected a finite value > 0, got {}", ws.radius_m));
      }
      s.radius_m = ws.radius_m;
      if (ws.direction != 1 && ws.direction != -1) {
        throw InputError(with_field(wat, "direction"), fmt::format("expected +1 or -1, got {}", ws.direction));
      }
      s.direction = ws.direction;
      s.opensim_rules = ws.opensim_rules;
      if (ws.opensim_rules) {
        if ((ws.quadrant.axis != 0 && ws.quadrant.axis != 1) || ws.quadrant.sign < -1 || ws.quadrant.sign > 1)
          throw InputError(with_field(wat, "quadrant"), "expected axis 0 (x) or 1 (y) and sign -1, 0 or +1");
        if (!(ws.half_length_m > 0.0))
          throw InputError(with_field(wat, "length_m"), fmt::format("expected a value > 0, got {}", 2 * ws.half_length_m));
      }
      s.quadrant = ws.quadrant;
      s.half_length_m = ws.half_length_m;
      if (ws.after_point < 0 || ws.after_point >= n_points - 1) {
        throw InputError(with_field(wat, "after_point"),
                         fmt::format("expected a path point index in [0, {}], got {}", n_points - 2, ws.after_point));
      }
      // Wraps on one segment chain in the order listed (the second starts from the first's T2), so a
      // muscle lists its wraps in path order.
      if (w > 0 && ws.after_point < spec.wraps[w - 1].after_point) {
        throw InputError(with_field(wat, "after_point"),
                         fmt::format("expected the wraps in path order (after_point not decreasing), got {} after {}",
                                     ws.after_point, spec.wraps[w - 1].after_point));
      }
      s.after_point = ws.after_point;
      set.wraps.push_back(s);
    }
    set.names.push_back(spec.name);
    set.params.push_back(spec.params);
    set.constants.push_back(make_hill_constants(spec.params));
    set.activation.push_back(spec.activation);
    set.groups.push_back(spec.groups);
    std::vector<std::string> roots;
    for (const std::string& r : spec.nerve_roots) {
      for (std::string& x : expand_nerve_roots(r)) roots.push_back(std::move(x));
    }
    set.nerve_roots.push_back(std::move(roots));
    bool touches_ground = false;
    for (int k = 0; k < n_points; ++k) touches_ground |= set.points[set.points.size() - n_points + k].body == 0;
    for (size_t w = set.wraps.size() - spec.wraps.size(); w < set.wraps.size(); ++w) {
      touches_ground |= set.wraps[w].body == 0;
    }
    int ancestor = touches_ground || muscle_bodies.empty() ? 0 : muscle_bodies[0];
    for (const int b : muscle_bodies) ancestor = common_ancestor(model, ancestor, b);
    set.common_ancestor.push_back(ancestor);
    for (int k = 0; k < n_points; ++k) set.wrap_into_point.push_back(-1);
    for (int w = set.wrap_begin.back(); w < static_cast<int>(set.wraps.size()); ++w) {
      int& first = set.wrap_into_point[set.points.size() - n_points + set.wraps[w].after_point + 1];
      if (first < 0) first = w;
    }
    set.bodies.insert(set.bodies.end(), muscle_bodies.begin(), muscle_bodies.end());
    set.point_begin.push_back(static_cast<int>(set.points.size()));
    set.wrap_begin.push_back(static_cast<int>(set.wraps.size()));
    set.body_begin.push_back(static_cast<int>(set.bodies.size()));
    set.max_nodes = std::max(set.max_nodes, n_points + 2 * static_cast<int>(spec.wraps.size()));
    ++set.nmuscles;
  }
  // The moment-arm walk of each muscle, flattened (step 4 of compute_muscle_geometry), and the
  // coordinates its column can reach.
  set.walk_begin.assign(1, 0);
  set.reach_begin.assign(1, 0);
  for (int i = 0; i < set.nmuscles; ++i) {
    const int stop = set.common_ancestor[i];
    for (int b = set.body_begin[i]; b < set.body_begin[i + 1]; ++b)
      for (int j = set.bodies[b]; j != stop; j = model.parent[j])
        for (int k = model.idx_v[j]; k < model.idx_v[j] + model.nv_j[j]; ++k) set.walk_terms.push_back({k, b});
    set.walk_begin.push_back(static_cast<int>(set.walk_terms.size()));
    for (const int k : calc_muscle_coordinates(model, set, i)) set.reach.push_back(k);
    set.reach_begin.push_back(static_cast<int>(set.reach.size()));
  }
  // Arrays of the Hill constants for the vectorized force stage.
  auto& h = set.hill;
  for (VecX* a : {&h.max_isometric_force_N, &h.inv_optimal_fiber_length_per_m, &h.tendon_slack_length_m,
                  &h.fiber_width_m, &h.min_fiber_along_tendon_m, &h.inv_max_fiber_velocity_s_per_m,
                  &h.fiber_damping, &h.passive_shape_over_strain, &h.passive_offset, &h.passive_inv_denom}) {
    a->resize(set.nmuscles);
  }
  for (int i = 0; i < set.nmuscles; ++i) fill_hill_arrays(set, i);
  return set;
}

void set_muscle_params(MuscleSet& set, int i, const HillParams& params, const Location& where) {
  if (i < 0 || i >= set.nmuscles) throw InternalError(fmt::format("set_muscle_params: no muscle {}", i));
  validate(params, with_field(where, "muscles." + set.names[i]));
  set.params[i] = params;
  set.constants[i] = make_hill_constants(params);
  fill_hill_arrays(set, i);
}

MuscleData::MuscleData(const Model& model, const MuscleSet& set)
    : length(VecX::Zero(set.nmuscles)),
      velocity(VecX::Zero(set.nmuscles)),
      moment_arm(MatX::Zero(model.nv, set.nmuscles)),
      body_wrench_W(set.bodies.size(), Force::Zero()),
      wrap_engaged(set.wraps.size(), 0),
      wrap_t1_B(set.wraps.size(), Vec3::Zero()),
      force_scale(VecX::Ones(set.nmuscles)),
      fiber_length(VecX::Zero(set.nmuscles)),
      normalized_fiber_length(VecX::Zero(set.nmuscles)),
      normalized_fiber_velocity(VecX::Zero(set.nmuscles)),
      active_force_capacity(VecX::Zero(set.nmuscles)),
      passive_force(VecX::Zero(set.nmuscles)),
      cos_pennation(VecX::Zero(set.nmuscles)),
      force_velocity_factor(VecX::Ones(set.nmuscles)),
      passive_fiber_along_tendon(VecX::Constant(set.nmuscles, std::numeric_limits<double>::quiet_NaN())),
      passive_mt_length(VecX::Zero(set.nmuscles)),
      passive_dx_dlength(VecX::Zero(set.nmuscles)),
      passive_fiber_length(VecX::Zero(set.nmuscles)),
      passive_cos_pennation(VecX::Zero(set.nmuscles)),
      passive_tendon_force(VecX::Zero(set.nmuscles)),
      passive_active_force_length(VecX::Zero(set.nmuscles)),
      work_a(VecX::Zero(set.nmuscles)),
      work_b(VecX::Zero(set.nmuscles)),
      work_c(VecX::Zero(set.nmuscles)),
      nodes(set.max_nodes) {
  if (model.nv != set.nv) {
    throw InternalError(fmt::format("MuscleData: the MuscleSet was built for nv = {}, the Model has nv = {}",
                                    set.nv, model.nv));
  }
}

namespace {

// World velocity of the material point of a body with spatial velocity v (world frame, about the
// world origin) at world position p: v_o + omega x p (Featherstone eq. 2.20).
inline Vec3 point_velocity_W(const Motion& v, const Vec3& p_W) { return v.linear + v.angular.cross(p_W); }

// Speed of the 1-DoF joint of body b: its relative spatial velocity is J_W column * q_dot (world,
// about the world origin), so q_dot = J . (v_b - v_parent) / |J|^2. Data keeps no copy of v.
inline double joint_speed(const Model& model, const Data& data, int b) {
  const int s = model.idx_s[b];
  const Motion& vb = data.v_W[b];
  const Motion& vp = data.v_W[model.parent[b]];
  const auto J = data.J_W.col(s);
  const double num = J.head<3>().dot(vb.angular - vp.angular) + J.tail<3>().dot(vb.linear - vp.linear);
  return num / J.squaredNorm();
}

inline bool point_active(const PathPoint& pt, const VecX& q) {
  if (pt.condition_q < 0) return true;
  const double x = q[pt.condition_q];
  return x >= pt.range_min && x <= pt.range_max;
}

// dl/dq_k of the moving point at node j from its motion in its body: (e_in - e_out) . R_WB p_B'(q_k)
// (the chain rule on the two straight segments at the point; a point's neighbours are points or
// wrap tangent points, whose own motion on the wrap surface does not change the length to first
// order).
double moving_point_dl_dq(const PathNode* nd, int j, int n) {
  Vec3 e = Vec3::Zero();  // e_in - e_out
  if (j > 0) {
    const Vec3 d = nd[j].p_W - nd[j - 1].p_W;
    const double s = d.norm();
    if (s > 0.0) e += d / s;
  }
  if (j + 1 < n) {
    const Vec3 d = nd[j + 1].p_W - nd[j].p_W;
    const double s = d.norm();
    if (s > 0.0) e -= d / s;
  }
  return e.dot(nd[j].dp_W);
}

// True when body b is joint body `root` or below it.
bool in_subtree(const Model& model, int b, int root) {
  for (; b > 0; b = model.parent[b]) {
    if (b == root) return true;
  }
  return false;
}

// The patella lever (step 3 of compute_muscle_geometry) for the moving points of node j's
// coordinate q_k (all of them: a patella carries two points, tendon insertion and ligament origin).
// The one straight segment that crosses q_k's joint (one end in the joint's subtree, the other on
// its parent body, where the moving points are) gets its unit-tension force pair scaled by
// (r_t + r_p) / r_t, r_t its moment arm about q_k and r_p = -sum dl/dq_k of the moving points, so
// the body forces carry the whole moment on q_k. This is the equilibrium of a massless patella: the
// tibia receives the patellar-tendon force F_P = F_Q (r_t + r_p) / r_t, the femur the difference
// (the patellofemoral contact); the ratio F_P / F_Q then follows from the patella's kinematics, as
// in van Eijden et al. 1986 (J Biomech 19:219), and is what Buff et al. 1988 measured. Marks the
// group's nodes 1 (carried) or 2 (declined: no single crossing segment, a moment arm below 1 mm or
// a ratio that would not be positive; the term then stays a generalized force on q_k).
// `wrench` is the muscle's first body wrench (slot 0).
void patella_lever(const Model& model, const Data& data, const MuscleSet& set, PathNode* nd, Force* wrench, int j,
                   int n) {
  const int kv = set.points[nd[j].point].moving_v;
  const int joint = set.points[nd[j].point].moving_joint;
  double r_p = 0.0;
  for (int m = 0; m < n; ++m) {
    if (nd[m].point >= 0 && set.points[nd[m].point].moving_v == kv) r_p -= moving_point_dl_dq(nd, m, n);
  }
  int crossing = -1, count = 0;
  for (int a = 0; a + 1 < n; ++a) {
    if (nd[a].arc) continue;
    if (in_subtree(model, nd[a].body, joint) != in_subtree(model, nd[a + 1].body, joint)) {
      crossing = a;
      ++count;
    }
  }
  int verdict = 2;
  if (count == 1) {
    const int a = crossing;
    const int inside = in_subtree(model, nd[a + 1].body, joint) ? a + 1 : a;
    const int outside = inside == a ? a + 1 : a;
    const Vec3 d = nd[a + 1].p_W - nd[a].p_W;
    const double len = d.norm();
    if (nd[outside].body == model.parent[joint] && nd[inside].slot >= 0 && nd[outside].slot >= 0 && len > 0.0) {
      const Vec3 u = d / len;
      const Vec3 f = inside == a ? u : Vec3(-u);  // unit force on the inside node (+u at a, -u at a + 1)
      const auto Jk = data.J_W.col(kv);
      const double r_t = Jk.head<3>().dot(nd[inside].p_W.cross(f)) + Jk.tail<3>().dot(f);
      if (std::abs(r_t) >= 1e-3 && (r_t + r_p) / r_t > 0.0) {
        const double extra = r_p / r_t;
        for (const int node : {a, a + 1}) {
          const Vec3 g = (node == a ? u : Vec3(-u)) * extra;
          Force& w = wrench[nd[node].slot];
          w.linear += g;
          w.angular += nd[node].p_W.cross(g);
        }
        verdict = 1;
      }
    }
  }
  for (int m = 0; m < n; ++m) {
    if (nd[m].point >= 0 && set.points[nd[m].point].moving_v == kv) nd[m].lever = verdict;
  }
}

// Appends the tangent points of wrap `ws` to the nodes nd[0..n) when the segment from the last node
// to p_next_W wraps. Returns whether it did.
bool add_wrap_nodes(const Data& data, const WrapSurface& ws, const Vec3& p_next_W, PathNode* nd, int& n,
                    int& inside_count, unsigned char& engaged) {
  const SE3& X_WB = data.oMb[ws.body];
  // X_WS = X_WB X_BS, applied to points without forming the product.
  const Vec3 o_S_W = X_WB.act(ws.X_BS.translation);
  const Mat3 R_WS = X_WB.rotation * ws.X_BS.rotation;
  const Vec3 p_S = R_WS.transpose() * (nd[n - 1].p_W - o_S_W);
  const Vec3 s_S = R_WS.transpose() * (p_next_W - o_S_W);
  const WrapResult w =
      ws.kind == WrapKind::kSphere ? wrap_sphere(p_S, s_S, ws.radius_m)
      : ws.opensim_rules           ? wrap_cylinder_opensim(p_S, s_S, ws.radius_m, ws.half_length_m, ws.quadrant)
                                   : wrap_cylinder(p_S, s_S, ws.radius_m, ws.direction);
  if (w.inside) ++inside_count;
  engaged = w.engaged ? 1 : 0;
  if (!w.engaged) return false;
  PathNode& t1 = nd[n++];
  t1.p_W = R_WS * w.t1 + o_S_W;
  t1.slot = ws.slot;
  t1.body = ws.body;
  t1.arc = 1;
  t1.arc_m = w.arc_length_m;
  t1.point = -1;  // tangent points are not moving path points
  PathNode& t2 = nd[n++];
  t2.p_W = R_WS * w.t2 + o_S_W;
  t2.slot = ws.slot;
  t2.body = ws.body;
  t2.arc = 0;
  t2.point = -1;
  return true;
}

// The wraps `ws[0..count)` of one straight segment, from the last node nd[n - 1] to p_next_W, in path
// order. One wrap is solved against the segment's end. Several are chained (the gastrocnemii pass the
// femoral condyles, then the calf): each solved against the next one's first tangent point, which
// depends on the one before, so the chain is solved again until the tangent points settle (Gauss-Seidel,
// as OpenSim's GeometryPath::applyWrapObjects repeats its wrap objects), starting from where they were
// at the last evaluation (2-3 passes along a motion instead of up to 8). Only the settled path is the
// shortest one over all its obstacles, for which the moment arms of wrap.hpp equal -dl/dq: solved once,
// each wrap against the heel, the gastrocnemii's knee moment arms were 15-33 % short of -dl/dq and the
// length jumped where the condyle wrap engaged (muscle-model audit).
constexpr int kMaxChainedWraps = 4;  // wraps solved together on one segment (more: in groups of four)

void add_chained_wraps(const Data& data, const MuscleSet& set, const int* ws, int count, const Vec3& p_next_W,
                       PathNode* nd, int& n, MuscleData& md) {
  if (count == 1) {
    add_wrap_nodes(data, set.wraps[ws[0]], p_next_W, nd, n, md.wrap_inside_count, md.wrap_engaged[ws[0]]);
    return;
  }
  constexpr int kMaxPasses = 20;
  constexpr double kSettled_m = 1e-7;
  std::array<Vec3, kMaxChainedWraps> t1;  // each wrap's first tangent point (world) in the last pass
  std::array<bool, kMaxChainedWraps> on{};
  for (int j = 0; j < count; ++j) {
    const int w = ws[j];
    on[j] = md.wrap_engaged[w] != 0;
    if (on[j]) t1[j] = data.oMb[set.wraps[w].body].act(md.wrap_t1_B[w]);
  }
  const int n0 = n;
  int inside = 0;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    n = n0;
    inside = 0;
    double moved = 0.0;
    for (int j = 0; j < count; ++j) {
      // The next wrap engaged in the last pass (or evaluation): its entry is this one's end; else the
      // segment's end.
      const Vec3* end = &p_next_W;
      for (int k = j + 1; k < count; ++k)
        if (on[k]) {
          end = &t1[k];
          break;
        }
      const int first = n;
      const bool engaged = add_wrap_nodes(data, set.wraps[ws[j]], *end, nd, n, inside, md.wrap_engaged[ws[j]]);
      if (engaged != on[j]) moved = INFINITY;
      if (engaged) {
        if (on[j]) moved = std::max(moved, (nd[first].p_W - t1[j]).norm());
        t1[j] = nd[first].p_W;
      }
      on[j] = engaged;
    }
    if (moved < kSettled_m) break;
  }
  md.wrap_inside_count += inside;
  for (int j = 0; j < count; ++j)
    if (on[j]) {
      const SE3& X = data.oMb[set.wraps[ws[j]].body];
      md.wrap_t1_B[ws[j]] = X.rotation.transpose() * (t1[j] - X.translation);
    }
}

// Step 1 of compute_muscle_geometry for muscle i: its active points, with the tangent points of
// engaged wraps between them, into nd. Returns the node count; `moving` tells whether one of them is
// a moving point.
int build_path_nodes(const Data& data, const MuscleSet& set, const VecX& q, int i, MuscleData& md, PathNode* nd,
                     bool& moving) {
  const int p0 = set.point_begin[i], p1 = set.point_begin[i + 1];
  const int w0 = set.wrap_begin[i], w1 = set.wrap_begin[i + 1];
  const PathPoint* const points = set.points.data();
  const SE3* const oMb = data.oMb.data();
  int n = 0;
  int last_point = -1;  // local index of the last active point
  moving = false;
  for (int k = p0; k < p1; ++k) {
    const PathPoint& pt = points[k];
    if (!point_active(pt, q)) continue;
    Vec3 p_B = pt.p_B_m;
    Vec3 dp_B = Vec3::Zero();
    if (pt.moving_q >= 0) {
      const double x = q[pt.moving_q];
      const FunctionValue fx = pt.moving_x_m.evaluate(x), fy = pt.moving_y_m.evaluate(x),
                          fz = pt.moving_z_m.evaluate(x);
      p_B = Vec3(fx.f, fy.f, fz.f);
      dp_B = Vec3(fx.d1, fy.d1, fz.d1);
    }
    const Vec3 p_W = oMb[pt.body].act(p_B);
    const int local = k - p0;
    // The wraps acting on the segment from the last active point to this one, in path order: with
    // the point before active only this segment's own (found once, in make_muscle_set, as the scan
    // would find them); otherwise every wrap attached to a point in [last_point, local) (a
    // conditional point between them inactive). Several are chained (add_chained_wraps).
    std::array<int, kMaxChainedWraps> chain;
    int count = 0;
    const auto take = [&](int w) {
      if (count == kMaxChainedWraps) {
        add_chained_wraps(data, set, chain.data(), count, p_W, nd, n, md);
        count = 0;
      }
      chain[static_cast<std::size_t>(count++)] = w;
    };
    if (last_point == local - 1) {
      for (int w = set.wrap_into_point[k]; w >= 0 && w < w1 && set.wraps[w].after_point == local - 1; ++w) take(w);
    } else if (last_point >= 0) {
      for (int w = w0; w < w1; ++w)
        if (set.wraps[w].after_point >= last_point && set.wraps[w].after_point < local) take(w);
    }
    if (count > 0) add_chained_wraps(data, set, chain.data(), count, p_W, nd, n, md);
    PathNode& node = nd[n++];
    node.p_W = p_W;
    node.slot = pt.slot;
    node.body = pt.body;
    node.arc = 0;
    node.point = -1;
    if (pt.moving_q >= 0) {
      node.point = k;
      node.dp_W = oMb[pt.body].rotation * dp_B;
      node.lever = 0;
      moving = true;
    }
    last_point = local;
  }
  return n;
}

// Step 2: length, lengthening speed and unit-tension wrenches of the path nd[0..n). A straight
// segment j -> j+1 with unit vector u pulls node j along +u and node j+1 along -u; r = -dl/dq =
// sum_nodes J^T f follows (for wraps, T1 and T2 act as points fixed on the wrap body, see wrap.hpp).
// `wrench` is the muscle's first body wrench (slot 0), zeroed by the caller.
void path_length_speed_wrenches(const Data& data, const PathNode* nd, int n, Force* wrench, double& length,
                                double& speed) {
  const Motion* const v_W = data.v_W.data();
  length = 0.0;
  speed = 0.0;
  for (int j = 0; j + 1 < n; ++j) {
    const PathNode& a = nd[j];
    const PathNode& b = nd[j + 1];
    if (a.arc) {
      length += a.arc_m;
      continue;
    }
    const Vec3 d = b.p_W - a.p_W;
    const double seg = d.norm();
    length += seg;
    // Same body: no work by the body forces (a moving point's own motion is added below).
    if (seg <= 0.0 || a.slot == b.slot) continue;
    const Vec3 u = d / seg;
    speed += u.dot(point_velocity_W(v_W[b.body], b.p_W) - point_velocity_W(v_W[a.body], a.p_W));
    if (a.slot >= 0) {
      Force& w = wrench[a.slot];
      w.linear += u;
      w.angular += a.p_W.cross(u);
    }
    if (b.slot >= 0) {
      Force& w = wrench[b.slot];
      w.linear -= u;
      w.angular -= b.p_W.cross(u);
    }
  }
}

// Step 4: moment-arm column i = sum over touched bodies of J_b^T w_b, r_k = J_W[:, k] . w (the
// add_body_wrench walk of multibody/jacobian.hpp), stopped at the common ancestor because the
// wrenches of one path sum to zero. The walk is flattened in set.walk_terms (the same terms in the
// same order); the column's other entries are zero from MuscleData's construction and never written.
void moment_arm_column(const Data& data, const MuscleSet& set, const Force* body_wrench, int i, double* col) {
  const int* const reach = set.reach.data();
  for (int r = set.reach_begin[i]; r < set.reach_begin[i + 1]; ++r) col[reach[r]] = 0.0;
  const MuscleSet::WalkTerm* const terms = set.walk_terms.data();
  for (int t = set.walk_begin[i]; t < set.walk_begin[i + 1]; ++t) {
    const int k = terms[t].coordinate;
    const Force& w = body_wrench[terms[t].body_slot];
    col[k] += data.J_W.col(k).head<3>().dot(w.angular) + data.J_W.col(k).tail<3>().dot(w.linear);
  }
}

}  // namespace

void compute_muscle_geometry(const Model& model, const Data& data, const MuscleSet& set, const VecX& q,
                             MuscleData& md) {
  md.wrap_inside_count = 0;
  PathNode* const nd = md.nodes.data();
  Force* const body_wrench = md.body_wrench_W.data();
  const Eigen::Index nv = md.moment_arm.rows();
  for (int i = 0; i < set.nmuscles; ++i) {
    // 1. Path nodes.
    bool moving = false;
    const int n = build_path_nodes(data, set, q, i, md, nd, moving);

    // 2. Length, lengthening speed and unit-tension wrenches.
    const int b0 = set.body_begin[i], b1 = set.body_begin[i + 1];
    for (int b = b0; b < b1; ++b) body_wrench[b] = Force::Zero();
    double length = 0.0, speed = 0.0;
    path_length_speed_wrenches(data, nd, n, body_wrench + b0, length, speed);
    md.length[i] = length;
    md.velocity[i] = speed;

    // 3. Moving points: the patella as a lever (see path.hpp). A moving point's motion in its body
    // adds dl/dq_k = (e_in - e_out) . R_WB p_B'(q_k) to the length derivative. The segment crossing
    // the joint that moves the points (the patellar tendon, to the tibia) carries that moment too:
    // its force is scaled by (r_t + r_p) / r_t, the femur taking the difference (the patellofemoral
    // contact). Where that fails the term stays a generalized force on q_k, added to the column below.
    if (moving) {
      for (int j = 0; j < n; ++j) {
        if (nd[j].point >= 0 && nd[j].lever == 0) patella_lever(model, data, set, nd, body_wrench + b0, j, n);
      }
    }

    // 4. Moment arms.
    double* col = md.moment_arm.data() + nv * i;
    moment_arm_column(data, set, body_wrench, i, col);

    // 5. Moving points' length derivative in the speed, and in the column where no lever took it.
    if (moving) {
      for (int j = 0; j < n; ++j) {
        if (nd[j].point < 0) continue;
        const PathPoint& pt = set.points[nd[j].point];
        const double dl_dq = moving_point_dl_dq(nd, j, n);
        if (nd[j].lever != 1) col[pt.moving_v] -= dl_dq;
        md.velocity[i] += dl_dq * joint_speed(model, data, pt.moving_joint);
      }
    }
  }
}

void compute_muscle_forces_rigid(const MuscleSet& set, MuscleData& md) {
  // The rigid-tendon state of compute_rigid_tendon_state (hill_muscle.hpp) for all muscles at once,
  // written as Eigen array expressions so exp/log/sqrt run on SIMD packets; every expression is
  // evaluated into a preallocated array (no temporaries, no allocation).
  const auto& h = set.hill;
  auto x = md.work_a.array();  // fibre along the tendon, m
  x = (md.length.array() - h.tendon_slack_length_m.array()).max(h.min_fiber_along_tendon_m.array());
  md.clamped_fiber_count =
      static_cast<int>((md.length.array() - h.tendon_slack_length_m.array() < h.min_fiber_along_tendon_m.array()).count());
  auto l_m = md.fiber_length.array();
  l_m = (x.square() + h.fiber_width_m.array().square()).sqrt();
  auto cos_a = md.cos_pennation.array();
  cos_a = x / l_m;
  auto l_n = md.normalized_fiber_length.array();
  l_n = l_m * h.inv_optimal_fiber_length_per_m.array();
  // v_M = v_MT cos(alpha); zero for a clamped fibre (it no longer follows the path).
  auto v_n = md.normalized_fiber_velocity.array();
  v_n = (md.length.array() - h.tendon_slack_length_m.array() < h.min_fiber_along_tendon_m.array())
            .select(0.0, md.velocity.array() * cos_a * h.inv_max_fiber_velocity_s_per_m.array());
  // f_L: the three Gaussian terms of curves::active_force_length.
  auto f_l = md.work_b.array();
  f_l.setZero();
  for (const auto& t : curves::kActiveForceLength) {
    f_l += t.b1 * (-0.5 * ((l_n - t.b2) / (t.b3 + t.b4 * l_n)).square()).exp();
  }
  // f_V = d1 asinh(w) + d4, asinh(w) = sign(w) log(|w| + sqrt(w^2 + 1)) (curves::force_velocity).
  auto w = md.work_c.array();
  w = curves::kFvD2 * v_n + curves::kFvD3;
  w = w.sign() * (w.abs() + (w.square() + 1.0).sqrt()).log();
  // work_c now holds asinh(w).
  auto f_v = md.force_velocity_factor.array();
  // Zero beyond the maximum shortening velocity (v~ < -1), where the curve turns negative: a fibre
  // shortening that fast makes no active force, and a negative capacity would let the static
  // optimization push with the muscle (review; OpenSim's Moco bounds v~ to [-1, 1] instead).
  f_v = (curves::kFvD1 * w + curves::kFvD4).max(0.0);
  md.active_force_capacity.array() = md.force_scale.array() * h.max_isometric_force_N.array() * cos_a * f_l * f_v;
  // f_PE = (exp(kPE (l~ - 1)/e0) - offset) / denom, zero where it would turn negative (below 0.2 for
  // De Groote's curve, 1 for Thelen's: curves::PassiveForceLengthCurve); the other curves after.
  md.passive_force.array() =
      h.max_isometric_force_N.array() * cos_a *
      ((((h.passive_shape_over_strain.array() * (l_n - 1.0)).exp() - h.passive_offset.array()) *
        h.passive_inv_denom.array())
           .max(0.0) +
       h.fiber_damping.array() * v_n);
  for (const int i : set.scalar_passive) {
    md.passive_force[i] = h.max_isometric_force_N[i] * md.cos_pennation[i] *
                          (set.constants[i].passive.value(md.normalized_fiber_length[i]) +
                           h.fiber_damping[i] * md.normalized_fiber_velocity[i]);
  }
}

std::vector<int> calc_muscle_coordinates(const Model& model, const MuscleSet& set, int i) {
  std::vector<int> coords;
  // The walk of step 4 of compute_muscle_geometry.
  const int stop = set.common_ancestor[i];
  for (int b = set.body_begin[i]; b < set.body_begin[i + 1]; ++b)
    for (int j = set.bodies[b]; j != stop; j = model.parent[j])
      for (int k = model.idx_v[j]; k < model.idx_v[j] + model.nv_j[j]; ++k) coords.push_back(k);
  // Step 5: a moving point's own motion.
  for (int k = set.point_begin[i]; k < set.point_begin[i + 1]; ++k)
    if (set.points[k].moving_q >= 0) coords.push_back(set.points[k].moving_v);
  std::sort(coords.begin(), coords.end());
  coords.erase(std::unique(coords.begin(), coords.end()), coords.end());
  return coords;
}

double calc_pennation_rad(const MuscleSet& set, const MuscleData& md, int i) {
  return std::atan(set.hill.fiber_width_m[i] / (md.fiber_length[i] * md.cos_pennation[i]));
}

int compute_passive_equilibrium(const MuscleSet& set, MuscleData& md, double min_passive_fraction) {
  int changed = 0;
  for (int i = 0; i < set.nmuscles; ++i) {
    const HillParams& p = set.params[i];
    if (!(md.passive_force[i] > min_passive_fraction * p.max_isometric_force_N)) continue;
    const double l_mt = md.length[i];
    const double x_prev = md.passive_fiber_along_tendon[i];
    if (std::isfinite(x_prev) && l_mt == md.passive_mt_length[i]) {
      // Bit-identical length: the last root is this frame's (the solve from it stops at once).
      ++md.passive_reused;
    } else {
      const HillConstants& c = set.constants[i];
      // Warm start: the previous root moved along its tangent dx/dl_MT (without a previous root, NaN:
      // the bracketed solve). A predicted guess outside the feasible range falls back to the root.
      double guess = x_prev;
      if (std::isfinite(x_prev)) {
        const double predicted = x_prev + md.passive_dx_dlength[i] * (l_mt - md.passive_mt_length[i]);
        if (std::isfinite(predicted) && predicted > c.min_fiber_along_tendon_m) guess = predicted;
      }
      const CompliantTendonState s = solve_passive_equilibrium_from(p, c, l_mt, guess, 1e-9);
      ++md.passive_solves;
      md.passive_fiber_along_tendon[i] = s.fiber_length_m * s.cos_pennation;
      md.passive_mt_length[i] = l_mt;
      // Implicit function theorem on R(x, l_MT) = 0: dx/dl_MT = -(dR/dl_MT)/(dR/dx).
      md.passive_dx_dlength[i] =
          s.residual_slope_N_per_m != 0.0 ? -s.tendon_stiffness_N_per_m / s.residual_slope_N_per_m : 0.0;
      md.passive_fiber_length[i] = s.fiber_length_m;
      md.passive_cos_pennation[i] = s.cos_pennation;
      md.passive_tendon_force[i] = s.tendon_force_N;
      md.passive_active_force_length[i] = curves::active_force_length(s.normalized_fiber_length);
    }
    // Active capacity at the new fibre length: F0 f_L f_V cos(alpha) with the rigid-tendon f_V kept
    // (the factors in compute_muscle_forces_rigid's order).
    md.active_force_capacity[i] = md.force_scale[i] * p.max_isometric_force_N * md.passive_cos_pennation[i] *
                                  md.passive_active_force_length[i] * md.force_velocity_factor[i];
    md.fiber_length[i] = md.passive_fiber_length[i];
    md.normalized_fiber_length[i] = md.passive_fiber_length[i] / p.optimal_fiber_length_m;
    md.cos_pennation[i] = md.passive_cos_pennation[i];
    md.passive_force[i] = md.passive_tendon_force[i];
    ++changed;
  }
  return changed;
}

int equilibrate_fiber_lengths(const MuscleSet& set, const MuscleData& md, const VecX& activation,
                              VecX& fiber_length_m) {
  int unconverged = 0;
  for (int i = 0; i < set.nmuscles; ++i) {
    const CompliantTendonState s = solve_compliant_equilibrium(
        set.params[i], set.constants[i], md.length[i], activation[i], md.normalized_fiber_velocity[i]);
    fiber_length_m[i] = s.fiber_length_m;
    if (s.status != EquilibriumStatus::kConverged) ++unconverged;
  }
  return unconverged;
}

void compute_muscle_forces_compliant(const MuscleSet& set, const MuscleData& md, const VecX& activation,
                                     const VecX& fiber_length_m, VecX& tendon_force_N,
                                     VecX& fiber_velocity_m_per_s) {
  for (int i = 0; i < set.nmuscles; ++i) {
    const CompliantTendonState s = evaluate_compliant_tendon(set.params[i], set.constants[i], md.length[i],
                                                             fiber_length_m[i], activation[i], 0.0);
    tendon_force_N[i] = s.tendon_force_N;
    fiber_velocity_m_per_s[i] = compliant_fiber_velocity(set.params[i], set.constants[i], md.length[i],
                                                         fiber_length_m[i], activation[i]);
  }
}

void compute_activation_rates(const MuscleSet& set, const VecX& excitation, const VecX& activation,
                              VecX& rate_per_s) {
  for (int i = 0; i < set.nmuscles; ++i) {
    rate_per_s[i] = activation_rate(set.activation[i], activation[i], excitation[i]);
  }
}

void apply_muscle_forces(const Model& model, const Data& /*data*/, const MuscleSet& set,
                         const MuscleData& md, const VecX& tension_N, std::vector<Force>& f_ext_W) {
  if (static_cast<int>(f_ext_W.size()) != model.nbodies || tension_N.size() != set.nmuscles) {
    throw InternalError(fmt::format("apply_muscle_forces: expected {} body forces and {} tensions, got {} and {}",
                                    model.nbodies, set.nmuscles, f_ext_W.size(), tension_N.size()));
  }
  // Through local pointers: the wrench products and sums of `f += w * T`, without reloading the
  // vectors' storage after every store.
  Force* const f = f_ext_W.data();
  const Force* const wrench = md.body_wrench_W.data();
  const int* const bodies = set.bodies.data();
  const int* const body_begin = set.body_begin.data();
  const double* const tension = tension_N.data();
  for (int i = 0; i < set.nmuscles; ++i) {
    const double t = tension[i];
    for (int b = body_begin[i]; b < body_begin[i + 1]; ++b) {
      Force& fb = f[bodies[b]];
      fb.angular += wrench[b].angular * t;
      fb.linear += wrench[b].linear * t;
    }
  }
}

namespace {

// Glob with '*' (any run) and '?' (any one character), iterative with backtracking to the last '*'.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool contains(const std::vector<std::string>& tags, std::string_view s) {
  return std::find(tags.begin(), tags.end(), s) != tags.end();
}

// Spinal nerve roots in cranio-caudal order.
std::vector<std::string> all_nerve_roots() {
  std::vector<std::string> roots;
  const std::array<std::pair<char, int>, 4> regions{{{'C', 8}, {'T', 12}, {'L', 5}, {'S', 5}}};
  for (const auto& [letter, count] : regions) {
    for (int k = 1; k <= count; ++k) roots.push_back(fmt::format("{}{}", letter, k));
  }
  return roots;
}

}  // namespace

std::vector<int> select(const MuscleSet& set, std::string_view selector) {
  std::vector<int> out;
  const bool is_glob = selector.find_first_of("*?") != std::string_view::npos;
  // A range of roots ("L2-L4", as `dembones info --model` lists a muscle's tags) selects the muscles
  // innervated by any root in it.
  std::vector<std::string> range;
  if (selector.find('-') != std::string_view::npos) {
    try {
      range = expand_nerve_roots(selector);
    } catch (const InputError&) {
      range.clear();  // not a range of roots: a name or group with a dash
    }
  }
  const auto in_range = [&](int i) {
    return std::any_of(range.begin(), range.end(), [&](const std::string& r) { return contains(set.nerve_roots[i], r); });
  };
  for (int i = 0; i < set.nmuscles; ++i) {
    const bool match = set.names[i] == selector || contains(set.groups[i], selector) ||
                       contains(set.nerve_roots[i], selector) || in_range(i) ||
                       (is_glob && glob_match(selector, set.names[i]));
    if (match) out.push_back(i);
  }
  return out;
}

std::vector<std::string> expand_nerve_roots(std::string_view range) {
  static const std::vector<std::string> roots = all_nerve_roots();
  const auto index_of = [&](std::string_view r) {
    const auto it = std::find(roots.begin(), roots.end(), r);
    if (it == roots.end()) {
      throw InputError(Location{"", 0, 0, "nerve_roots"},
                       fmt::format("expected a spinal nerve root C1-C8, T1-T12, L1-L5 or S1-S5 (or a range "
                                   "such as L2-L4), got '{}'",
                                   r));
    }
    return static_cast<int>(it - roots.begin());
  };
  const size_t dash = range.find('-');
  if (dash == std::string_view::npos) return {roots[index_of(range)]};
  const int lo = index_of(range.substr(0, dash));
  const int hi = index_of(range.substr(dash + 1));
  if (lo > hi) {
    throw InputError(Location{"", 0, 0, "nerve_roots"},
                     fmt::format("expected a cranio-caudal range such as L2-L4, got '{}'", range));
  }
  return {roots.begin() + lo, roots.begin() + hi + 1};
}

}  // namespace dembones
