#pragma once
// compute_muscle_geometry as it was at 4abaf72 (before its path nodes became one PathNode array and
// its per-muscle loops lost their bookkeeping), kept verbatim as the reference the engine's version
// must equal bit for bit: the same floating-point operations in the same order.
#include <vector>

#include "multibody/data.hpp"
#include "multibody/model.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/wrap.hpp"

namespace dembones::geometry_reference {

// The outputs of the geometry stage and the scratch the old version kept in MuscleData.
struct ReferenceGeometry {
  ReferenceGeometry(const Model& model, const MuscleSet& set)
      : length(VecX::Zero(set.nmuscles)),
        velocity(VecX::Zero(set.nmuscles)),
        moment_arm(MatX::Zero(model.nv, set.nmuscles)),
        body_wrench_W(set.bodies.size(), Force::Zero()),
        wrap_engaged(set.wraps.size(), 0),
        node_p_W(set.max_nodes, Vec3::Zero()),
        node_slot(set.max_nodes, -1),
        node_body(set.max_nodes, 0),
        node_arc_m(set.max_nodes, 0.0),
        node_arc(set.max_nodes, 0),
        node_point(set.max_nodes, -1),
        node_dp_W(set.max_nodes, Vec3::Zero()),
        node_lever(set.max_nodes, 0) {}
  VecX length, velocity;
  MatX moment_arm;
  std::vector<Force> body_wrench_W;
  std::vector<unsigned char> wrap_engaged;
  int wrap_inside_count = 0;
  std::vector<Vec3> node_p_W;
  std::vector<int> node_slot;
  std::vector<int> node_body;
  std::vector<double> node_arc_m;
  std::vector<unsigned char> node_arc;
  std::vector<int> node_point;
  std::vector<Vec3> node_dp_W;
  std::vector<unsigned char> node_lever;
};


// World velocity of the material point of body b at world position p: v_o + omega x p (spatial
// velocity about the world origin, Featherstone eq. 2.20).
inline Vec3 point_velocity_W(const Data& data, int body, const Vec3& p_W) {
  const Motion& v = data.v_W[body];
  return v.linear + v.angular.cross(p_W);
}

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

// Appends the tangent points of wrap `ws` to the node list when the segment from the last node to
// p_next_W wraps. Returns whether it did.
// dl/dq_k of the moving point at node j from its motion in its body: (e_in - e_out) . R_WB p_B'(q_k)
// (the chain rule on the two straight segments at the point; a point's neighbours are points or
// wrap tangent points, whose own motion on the wrap surface does not change the length to first
// order).
inline double moving_point_dl_dq(const ReferenceGeometry& md, int j, int n) {
  Vec3 e = Vec3::Zero();  // e_in - e_out
  if (j > 0) {
    const Vec3 d = md.node_p_W[j] - md.node_p_W[j - 1];
    const double s = d.norm();
    if (s > 0.0) e += d / s;
  }
  if (j + 1 < n) {
    const Vec3 d = md.node_p_W[j + 1] - md.node_p_W[j];
    const double s = d.norm();
    if (s > 0.0) e -= d / s;
  }
  return e.dot(md.node_dp_W[j]);
}

// True when body b is joint body `root` or below it.
inline bool in_subtree(const Model& model, int b, int root) {
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
inline void patella_lever(const Model& model, const Data& data, const MuscleSet& set, ReferenceGeometry& md, int b0, int j,
                   int n) {
  const int kv = set.points[md.node_point[j]].moving_v;
  const int joint = set.points[md.node_point[j]].moving_joint;
  double r_p = 0.0;
  for (int m = 0; m < n; ++m) {
    if (md.node_point[m] >= 0 && set.points[md.node_point[m]].moving_v == kv) r_p -= moving_point_dl_dq(md, m, n);
  }
  int crossing = -1, count = 0;
  for (int a = 0; a + 1 < n; ++a) {
    if (md.node_arc[a]) continue;
    if (in_subtree(model, md.node_body[a], joint) != in_subtree(model, md.node_body[a + 1], joint)) {
      crossing = a;
      ++count;
    }
  }
  unsigned char verdict = 2;
  if (count == 1) {
    const int a = crossing;
    const int inside = in_subtree(model, md.node_body[a + 1], joint) ? a + 1 : a;
    const int outside = inside == a ? a + 1 : a;
    const Vec3 d = md.node_p_W[a + 1] - md.node_p_W[a];
    const double len = d.norm();
    if (md.node_body[outside] == model.parent[joint] && md.node_slot[inside] >= 0 && md.node_slot[outside] >= 0 &&
        len > 0.0) {
      const Vec3 u = d / len;
      const Vec3 f = inside == a ? u : Vec3(-u);  // unit force on the inside node (+u at a, -u at a + 1)
      const auto Jk = data.J_W.col(kv);
      const double r_t = Jk.head<3>().dot(md.node_p_W[inside].cross(f)) + Jk.tail<3>().dot(f);
      if (std::abs(r_t) >= 1e-3 && (r_t + r_p) / r_t > 0.0) {
        const double extra = r_p / r_t;
        for (const int node : {a, a + 1}) {
          const Vec3 g = (node == a ? u : Vec3(-u)) * extra;
          Force& w = md.body_wrench_W[b0 + md.node_slot[node]];
          w.linear += g;
          w.angular += md.node_p_W[node].cross(g);
        }
        verdict = 1;
      }
    }
  }
  for (int m = 0; m < n; ++m) {
    if (md.node_point[m] >= 0 && set.points[md.node_point[m]].moving_v == kv) md.node_lever[m] = verdict;
  }
}

inline bool add_wrap_nodes(const Data& data, const WrapSurface& ws, const Vec3& p_next_W, int& n,
                    ReferenceGeometry& md, unsigned char& engaged) {
  const SE3& X_WB = data.oMb[ws.body];
  // X_WS = X_WB X_BS, applied to points without forming the product.
  const Vec3 o_S_W = X_WB.act(ws.X_BS.translation);
  const Mat3 R_WS = X_WB.rotation * ws.X_BS.rotation;
  const Vec3 p_S = R_WS.transpose() * (md.node_p_W[n - 1] - o_S_W);
  const Vec3 s_S = R_WS.transpose() * (p_next_W - o_S_W);
  const WrapResult w =
      ws.kind == WrapKind::kSphere ? wrap_sphere(p_S, s_S, ws.radius_m)
      : ws.opensim_rules           ? wrap_cylinder_opensim(p_S, s_S, ws.radius_m, ws.half_length_m, ws.quadrant)
                                   : wrap_cylinder(p_S, s_S, ws.radius_m, ws.direction);
  if (w.inside) ++md.wrap_inside_count;
  engaged = w.engaged ? 1 : 0;
  if (!w.engaged) return false;
  md.node_p_W[n] = R_WS * w.t1 + o_S_W;
  md.node_slot[n] = ws.slot;
  md.node_body[n] = ws.body;
  md.node_arc[n] = 1;
  md.node_arc_m[n] = w.arc_length_m;
  md.node_point[n] = -1;  // tangent points are not moving path points
  ++n;
  md.node_p_W[n] = R_WS * w.t2 + o_S_W;
  md.node_slot[n] = ws.slot;
  md.node_body[n] = ws.body;
  md.node_arc[n] = 0;
  md.node_point[n] = -1;
  ++n;
  return true;
}

inline void reference_muscle_geometry(const Model& model, const Data& data, const MuscleSet& set, const VecX& q,
                             ReferenceGeometry& md) {
  md.wrap_inside_count = 0;
  for (int i = 0; i < set.nmuscles; ++i) {
    // 1. Path nodes: active points, with the tangent points of engaged wraps between them.
    const int p0 = set.point_begin[i], p1 = set.point_begin[i + 1];
    const int w0 = set.wrap_begin[i], w1 = set.wrap_begin[i + 1];
    int n = 0;
    int last_point = -1;  // local index of the last active point
    for (int k = p0; k < p1; ++k) {
      const PathPoint& pt = set.points[k];
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
      const Vec3 p_W = data.oMb[pt.body].act(p_B);
      const int local = k - p0;
      if (last_point >= 0) {
        // A wrap attached to any point in [last_point, local) acts on this segment.
        for (int w = w0; w < w1; ++w) {
          const WrapSurface& ws = set.wraps[w];
          if (ws.after_point >= last_point && ws.after_point < local) {
            // Two wraps on one segment (a conditional point between them inactive) are chained:
            // the second starts from the first's T2 (an approximation of the two-obstacle path).
            add_wrap_nodes(data, ws, p_W, n, md, md.wrap_engaged[w]);
          }
        }
      }
      md.node_p_W[n] = p_W;
      md.node_slot[n] = pt.slot;
      md.node_body[n] = pt.body;
      md.node_arc[n] = 0;
      md.node_point[n] = pt.moving_q >= 0 ? k : -1;
      if (pt.moving_q >= 0) md.node_dp_W[n] = data.oMb[pt.body].rotation * dp_B;
      ++n;
      last_point = local;
    }

    // 2. Length, lengthening speed and unit-tension wrenches. A straight segment j -> j+1 with unit
    // vector u pulls node j along +u and node j+1 along -u; r = -dl/dq = sum_nodes J^T f follows
    // (for wraps, T1 and T2 act as points fixed on the wrap body, see wrap.hpp).
    const int b0 = set.body_begin[i], b1 = set.body_begin[i + 1];
    for (int b = b0; b < b1; ++b) md.body_wrench_W[b] = Force::Zero();
    double length = 0.0, speed = 0.0;
    for (int j = 0; j + 1 < n; ++j) {
      if (md.node_arc[j]) {
        length += md.node_arc_m[j];
        continue;
      }
      const Vec3 d = md.node_p_W[j + 1] - md.node_p_W[j];
      const double seg = d.norm();
      length += seg;
      // Same body: no work by the body forces (a moving point's own motion is added below).
      if (seg <= 0.0 || md.node_slot[j] == md.node_slot[j + 1]) continue;
      const Vec3 u = d / seg;
      speed += u.dot(point_velocity_W(data, md.node_body[j + 1], md.node_p_W[j + 1]) -
                     point_velocity_W(data, md.node_body[j], md.node_p_W[j]));
      if (md.node_slot[j] >= 0) {
        Force& w = md.body_wrench_W[b0 + md.node_slot[j]];
        w.linear += u;
        w.angular += md.node_p_W[j].cross(u);
      }
      if (md.node_slot[j + 1] >= 0) {
        Force& w = md.body_wrench_W[b0 + md.node_slot[j + 1]];
        w.linear -= u;
        w.angular -= md.node_p_W[j + 1].cross(u);
      }
    }
    md.length[i] = length;
    md.velocity[i] = speed;

    // 3. Moving points: the patella as a lever (see path.hpp). A moving point's motion in its body
    // adds dl/dq_k = (e_in - e_out) . R_WB p_B'(q_k) to the length derivative. The segment crossing
    // the joint that moves the points (the patellar tendon, to the tibia) carries that moment too:
    // its force is scaled by (r_t + r_p) / r_t, the femur taking the difference (the patellofemoral
    // contact). Where that fails the term stays a generalized force on q_k, added to the column below.
    for (int j = 0; j < n; ++j) md.node_lever[j] = 0;
    for (int j = 0; j < n; ++j) {
      if (md.node_point[j] >= 0 && md.node_lever[j] == 0) patella_lever(model, data, set, md, b0, j, n);
    }

    // 4. Moment arms: column i = sum over touched bodies of J_b^T w_b, r_k = J_W[:, k] . w (the
    // add_body_wrench walk of multibody/jacobian.hpp), stopped at the common ancestor because the
    // wrenches of one path sum to zero.
    // The walk is flattened in set.walk_terms (the same terms in the same order); the column's other
    // entries are zero from MuscleData's construction and never written.
    double* col = md.moment_arm.col(i).data();
    for (int r = set.reach_begin[i]; r < set.reach_begin[i + 1]; ++r) col[set.reach[r]] = 0.0;
    for (int t = set.walk_begin[i]; t < set.walk_begin[i + 1]; ++t) {
      const int k = set.walk_terms[t].coordinate;
      const Force& w = md.body_wrench_W[set.walk_terms[t].body_slot];
      col[k] += data.J_W.col(k).head<3>().dot(w.angular) + data.J_W.col(k).tail<3>().dot(w.linear);
    }

    // 5. Moving points' length derivative in the speed, and in the column where no lever took it.
    for (int j = 0; j < n; ++j) {
      if (md.node_point[j] < 0) continue;
      const PathPoint& pt = set.points[md.node_point[j]];
      const double dl_dq = moving_point_dl_dq(md, j, n);
      if (md.node_lever[j] != 1) col[pt.moving_v] -= dl_dq;
      md.velocity[i] += dl_dq * joint_speed(model, data, pt.moving_joint);
    }
  }
}
}  // namespace dembones::geometry_reference
