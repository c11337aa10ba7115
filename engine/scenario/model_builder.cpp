#include "scenario/model_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <numeric>
#include <tuple>

#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/muscle_set.hpp"
#include "common/error.hpp"
#include "scenario/model_pose.hpp"

namespace dembones {
namespace {

namespace ms = mspec;

Location where_of(const ModelSpec& spec, const std::string& field) {
  for (const auto& p : spec.parameters)
    if (p.field.rfind(field, 0) == 0) return Location{spec.file, p.where.line, 0, field};
  return Location{spec.file, 0, 0, field};
}

SE3 frame(const Eigen::Vector3d& p, const Eigen::Vector3d& angles) {
  return SE3(rotation_xyz(angles), p);
}

CoordinateFunction to_engine(const ms::FunctionSpec& f) {
  switch (f.kind) {
    case ms::FunctionSpec::Kind::constant: return CoordinateFunction::Constant(f.constant);
    case ms::FunctionSpec::Kind::linear: return CoordinateFunction::Linear(f.slope, f.intercept);
    case ms::FunctionSpec::Kind::spline: return CoordinateFunction::Spline(f.x, f.y);
  }
  return CoordinateFunction::Constant(0);
}

// Knots for resampling an inverted custom joint: the spline knots of its functions, else a grid over
// the coordinate range (161 points, 0.625 % of the range apart: with 41 the speed of the lifter's
// inverted knee translation was up to 0.9 % off near -120 deg, 13 N of the squat's tibiofemoral force).
std::vector<double> resample_knots(const ms::JointSpec& j) {
  std::vector<double> x;
  for (const auto* f : {&j.rotation, &j.translation[0], &j.translation[1], &j.translation[2]})
    if (f->kind == ms::FunctionSpec::Kind::spline) x.insert(x.end(), f->x.begin(), f->x.end());
  const auto& c = j.coordinates[0];
  for (int i = 0; i <= 160; ++i) x.push_back(c.range_min + (c.range_max - c.range_min) * i / 160.0);
  std::sort(x.begin(), x.end());
  std::vector<double> out;
  for (double v : x)
    if (out.empty() || v - out.back() > 1e-9) out.push_back(v);
  return out;
}

// Engine joint for spec joint `j`; `reversed` when the tree runs from j.child to j.parent.
Joint engine_joint(const ModelSpec& spec, const ms::JointSpec& j, bool reversed) {
  const double s = reversed ? -1.0 : 1.0;
  switch (j.type) {
    case ms::JointType::fixed: return Joint::fixed();
    case ms::JointType::revolute: return Joint::revolute(s * j.axis);
    case ms::JointType::prismatic: return Joint::prismatic(s * j.axis);
    case ms::JointType::custom: {
      CustomJointFunctions f;
      f.rotation_axis = j.axis;
      if (!reversed) {
        f.rotation = to_engine(j.rotation);
        f.translation_x = to_engine(j.translation[0]);
        f.translation_y = to_engine(j.translation[1]);
        f.translation_z = to_engine(j.translation[2]);
        return Joint::custom_joint(f);
      }
      // Inverse motion [R(theta), t]^-1 = [R(-theta), -R(theta)^T t]: rotation negated exactly,
      // translation resampled.
      f.rotation = j.rotation.kind == ms::FunctionSpec::Kind::spline
                       ? CoordinateFunction::Spline(j.rotation.x, [&] {
                           std::vector<double> y = j.rotation.y;
                           for (double& v : y) v = -v;
                           return y;
                         }())
                       : (j.rotation.kind == ms::FunctionSpec::Kind::linear
                              ? CoordinateFunction::Linear(-j.rotation.slope, -j.rotation.intercept)
                              : CoordinateFunction::Constant(-j.rotation.constant));
      const std::vector<double> x = resample_knots(j);
      std::vector<double> ty[3];
      for (double q : x) {
        const Eigen::Vector3d t(j.translation[0].eval(q), j.translation[1].eval(q),
                                j.translation[2].eval(q));
        const Eigen::Vector3d ti =
            -(Eigen::AngleAxisd(j.rotation.eval(q), j.axis).toRotationMatrix().transpose() * t);
        for (int k = 0; k < 3; ++k) ty[k].push_back(ti[k]);
      }
      f.translation_x = CoordinateFunction::Spline(x, ty[0]);
      f.translation_y = CoordinateFunction::Spline(x, ty[1]);
      f.translation_z = CoordinateFunction::Spline(x, ty[2]);
      return Joint::custom_joint(f);
    }
    case ms::JointType::spherical:
    case ms::JointType::free:
      if (reversed)
        throw InputError(where_of(spec, "joints." + j.name),
                         fmt::format("joint '{}' ({}) would be traversed from child to parent; only "
                                     "fixed, revolute, prismatic and custom joints can be",
                                     j.name, ms::to_string(j.type)));
      return j.type == ms::JointType::spherical ? Joint::spherical() : Joint::free();
  }
  return Joint::fixed();
}

SpatialInertia engine_inertia(const ms::BodySpec& b, const SE3& X_B_E) {
  Mat3 I_B;
  const auto& d = b.inertia_kg_m2;
  const auto& p = b.products_kg_m2;  // Ixy Ixz Iyz
  I_B << d[0], p[0], p[1], p[0], d[1], p[2], p[1], p[2], d[2];
  SpatialInertia si;
  si.mass = b.mass_kg * b.sides;
  si.com = X_B_E.actInv(b.com_m);
  si.inertia_about_com = b.sides * (X_B_E.rotation.transpose() * I_B * X_B_E.rotation);
  return si;
}

// OpenSim quadrant text ("+x", "-y", "all", ...; checked by the parser) as the engine's constraint.
CylinderQuadrant cylinder_quadrant(const std::string& quadrant) {
  if (quadrant == "all" || quadrant.size() != 2) return {};
  return CylinderQuadrant{quadrant[1] == 'x' ? 0 : 1, quadrant[0] == '-' ? -1 : +1};
}

}  // namespace

namespace {
// A muscle whose tendon slack length exceeds its whole path at the model's default pose is slack
// there, and no activation makes it pull there (audit: semimembranosus with 0.75 m of tendon on a
// 0.43-0.50 m path ran at activation 1 with 2 N and left its moment to reserves, unsaid). A note, not
// an error, as OpenSim's model checks warn: a muscle may be slack in the default pose by design.
void note_slack_at_default_pose(const Model& model, BuiltModel& built, const ModelSpec& spec) {
  Data data(model);
  const VecX v = VecX::Zero(model.nv);
  forward_kinematics(model, data, built.q_default, v, v);
  calc_joint_jacobians_at_current_positions(model, data);  // as the pipeline before the geometry
  MuscleData md(model, built.muscles);
  compute_muscle_geometry(model, data, built.muscles, built.q_default, md);
  for (int i = 0; i < built.muscles.nmuscles; ++i) {
    const HillParams& p = built.muscles.params[i];
    if (md.length[i] > p.tendon_slack_length_m) continue;
    built.notes.push_back(fmt::format(
        "{}: muscle '{}': its tendon slack length, {:.4g} m, is longer than its whole path at the model's default pose, "
        "{:.4g} m (for this subject): the muscle is slack there and pulls at no activation (a tendon slack length "
        "from another model, or path points on the wrong body?)",
        spec.file, built.muscles.names[i], p.tendon_slack_length_m, md.length[i]));
  }
}
}  // namespace

BuiltModel build_model(const ModelSpec& spec) {
  BuiltModel out;
  out.spec = spec;
  Model& model = out.model;
  std::map<std::string, int> engine_index{{"ground", 0}};
  std::map<std::string, SE3> X_B_E{{"ground", SE3::Identity()}};
  struct Tree {
    const ms::JointSpec* joint;
    bool reversed;
  };
  std::map<std::string, Tree> tree_joint;

  // Breadth-first from ground; each body gets the joint that first reaches it.
  std::deque<std::string> todo{"ground"};
  std::vector<std::string> order;
  while (!todo.empty()) {
    const std::string b = todo.front();
    todo.pop_front();
    for (const auto& j : spec.joints) {
      const bool fwd = j.parent == b && !engine_index.count(j.child) && !tree_joint.count(j.child);
      const bool rev = j.child == b && !engine_index.count(j.parent) && !tree_joint.count(j.parent);
      if (!fwd && !rev) continue;
      const std::string next = fwd ? j.child : j.parent;
      tree_joint[next] = Tree{&j, rev};
      todo.push_back(next);
      order.push_back(next);
      engine_index[next] = -1;  // reserved
    }
  }
  if (order.size() != spec.bodies.size())
    throw InputError(Location{spec.file, 0, 0, "joints"},
                     fmt::format("only {} of {} bodies are connected to ground", order.size(),
                                 spec.bodies.size()));

  for (const std::string& name : order) {
    const Tree& t = tree_joint.at(name);
    const ms::JointSpec& j = *t.joint;
    const std::string parent = t.reversed ? j.child : j.parent;
    // Joint frame on the parent's side (P) and on this body's side (B), in their spec body frames.
    const SE3 X_P_Jp = t.reversed ? frame(j.location_in_child_m, j.orientation_in_child_rad)
                                  : frame(j.location_in_parent_m, j.orientation_in_parent_rad);
    const SE3 X_B_Jb = t.reversed ? frame(j.location_in_parent_m, j.orientation_in_parent_rad)
                                  : frame(j.location_in_child_m, j.orientation_in_child_rad);
    X_B_E[name] = X_B_Jb;
    const SE3 X_EP_joint = X_B_E.at(parent).inverse() * X_P_Jp;
    const ms::BodySpec& body = *spec.find_body(name);
    std::vector<std::string> coords;
    for (const auto& c : j.coordinates) coords.push_back(c.name);
    engine_index[name] = add_body(model, engine_index.at(parent), engine_joint(spec, j, t.reversed),
                                  X_EP_joint, engine_inertia(body, X_B_Jb), name, coords);
  }
  finalize(model);

  out.X_spec_engine.assign(model.nbodies, SE3::Identity());
  for (const auto& [name, X] : X_B_E) out.X_spec_engine[engine_index.at(name)] = X;
  auto to_engine_point = [&](const std::string& body, const Vec3& p) {
    return X_B_E.at(body).actInv(p);
  };

  // Coordinates: defaults and ranges by velocity index (all spec joints here have nq == nv except
  // spherical/free, whose quaternion defaults come from the neutral configuration).
  out.q_default = model.neutral_configuration();
  out.q_min = VecX::Constant(model.nv, -INFINITY);
  out.q_max = VecX::Constant(model.nv, INFINITY);
  out.locked.assign(static_cast<std::size_t>(model.nv), 0);
  for (const auto& j : spec.joints)
    for (const auto& c : j.coordinates) {
      const int v = model.find_coordinate(c.name);
      if (v < 0) continue;
      out.q_min[v] = c.range_min;
      out.q_max[v] = c.range_max;
      out.locked[static_cast<std::size_t>(v)] = c.locked ? 1 : 0;
      const int b = model.velocity_body[v];
      if (model.nq_j[b] == model.nv_j[b])
        out.q_default[model.idx_q[b] + (v - model.idx_v[b])] = c.default_value;
    }

  // Muscles.
  const auto X_GB = calc_body_poses(spec);
  std::vector<MuscleSpec> mspecs;
  for (const auto& m : spec.muscles) {
    MuscleSpec e;
    e.name = m.name;
    e.params.max_isometric_force_N = m.max_isometric_force_N;
    e.params.optimal_fiber_length_m = m.optimal_fiber_length_m;
    e.params.tendon_slack_length_m = m.tendon_slack_length_m;
    e.params.pennation_at_optimal_rad = m.pennation_at_optimal_rad;
    e.params.max_contraction_velocity_lopt_per_s = m.max_contraction_velocity_lopt_per_s;
    e.params.tendon_strain_at_max_force = m.tendon_strain_at_max_force;
    e.params.passive_strain_at_max_force = m.passive_strain_at_max_force;
    e.params.passive_curve = m.passive_curve;
    e.params.passive_shape = m.passive_shape;
    for (const auto& p : m.path) {
      PathPointSpec pp;
      pp.body = p.body;
      pp.p_B_m = to_engine_point(p.body, calc_path_point_location(p, {}));
      if (p.moving()) {
        // Every sample to the engine frame; the splines are fitted there (X_B_E is rigid, so the
        // result equals the spec-frame spline mapped pointwise).
        const std::size_t ns = p.moving_values_rad.size();
        std::vector<double> ex(ns), ey(ns), ez(ns);
        for (std::size_t s = 0; s < ns; ++s) {
          const Vec3 e = to_engine_point(p.body, Vec3(p.moving_x_m[s], p.moving_y_m[s], p.moving_z_m[s]));
          ex[s] = e.x();
          ey[s] = e.y();
          ez[s] = e.z();
        }
        pp.moving_coordinate = p.moving_coordinate;
        pp.moving_x_m = CubicSpline(p.moving_values_rad, std::move(ex));
        pp.moving_y_m = CubicSpline(p.moving_values_rad, std::move(ey));
        pp.moving_z_m = CubicSpline(p.moving_values_rad, std::move(ez));
      }
      pp.condition_coordinate = p.coordinate;
      pp.range_min = p.range_min;
      pp.range_max = p.range_max;
      e.path.push_back(pp);
    }
    // Poses at which wrap segments are compared: the default pose, plus every sample of the muscle's
    // moving points (a moving point can bring another segment onto the surface in flexion).
    std::vector<CoordinateValues> poses{CoordinateValues{}};
    for (const auto& p : m.path)
      for (double v : p.moving_values_rad) poses.push_back(CoordinateValues{{p.moving_coordinate, v}});
    std::vector<std::map<std::string, Eigen::Isometry3d>> pose_X_GB;
    for (const auto& pose : poses) pose_X_GB.push_back(pose.empty() ? X_GB : calc_body_poses(spec, pose));
    std::vector<double> along;  // per wrap: where on its segment the path passes it (0 to 1)
    for (const auto& wname : m.wraps) {
      const ms::WrapSpec* w = nullptr;
      for (const auto& ws : spec.wraps)
        if (ws.name == wname) w = &ws;
      // The segment the wrap acts on: the unconditional segment passing closest to the axis at the
      // default pose or, with moving points, at any of their samples (OpenSim instead picks per frame
      // the first segment that crosses the surface; this fixed choice agrees with it when one segment
      // is the only one to cross, as for the vasti over the femoral condyles in deep flexion). Two
      // wraps may share a segment (the gastrocnemii's origin-to-heel segment passes the femoral
      // condyles, then the calf): they chain in path order, as OpenSim applies its wrap objects one
      // after another. (Until 2026-11-27 a second wrap took another segment, and the gastrocnemii,
      // with one, lost their condyle cylinders: their paths ran up to 8 mm inside them.)
      // A segment whose two ends are both fixed on the wrap's body never moves against the surface, so
      // its wrap, engaged or not, never changes: it is chosen only when the path has no other (the
      // pelvis-to-pelvis segment of gluteus_maximus_3 passes Gmax3_at_pelvis 5.6 mm clear in every
      // posture, so its wrap never engaged, while the segment to the femur cuts the cylinder up to
      // 24 mm deep in a squat: muscle-model audit).
      // (A moving point, the patella on the femur, moves against its own body's surfaces.)
      const auto fixed_on_wrap = [&](const ms::PathPointSpec& p) { return p.body == w->body && !p.moving(); };
      const auto moves = [&](std::size_t i) { return !fixed_on_wrap(m.path[i]) || !fixed_on_wrap(m.path[i + 1]); };
      bool any_moves = false;
      for (std::size_t i = 0; i + 1 < m.path.size(); ++i) any_moves = any_moves || moves(i);
      int best = -1;
      double best_d = INFINITY, best_t = 0.0;
      for (std::size_t i = 0; i + 1 < m.path.size(); ++i) {
        if (any_moves && !moves(i)) continue;
        double dist = INFINITY, dist_t = 0.0;
        for (std::size_t k = 0; k < poses.size(); ++k) {
          const auto& X = pose_X_GB[k];
          const Eigen::Isometry3d X_GS =
              X.at(w->body) * Eigen::Translation3d(w->location_m) * Eigen::Isometry3d(rotation_xyz(w->orientation_rad));
          const Vec3 p = X_GS.inverse() * (X.at(m.path[i].body) * calc_path_point_location(m.path[i], poses[k]));
          const Vec3 s =
              X_GS.inverse() * (X.at(m.path[i + 1].body) * calc_path_point_location(m.path[i + 1], poses[k]));
          const Eigen::Vector2d a = p.head<2>(), d = (s - p).head<2>();
          const double t = d.squaredNorm() > 0 ? std::clamp(-a.dot(d) / d.squaredNorm(), 0.0, 1.0) : 0.0;
          if ((a + t * d).norm() < dist) {
            dist = (a + t * d).norm();
            dist_t = t;
          }
        }
        if (dist < best_d) {
          best_d = dist;
          best = static_cast<int>(i);
          best_t = dist_t;
        }
      }
      if (best < 0) continue;  // (a path has at least one segment)
      along.push_back(best_t);
      WrapSpec ew;
      ew.kind = w->type == ms::WrapType::cylinder ? WrapKind::kCylinder : WrapKind::kSphere;
      ew.body = w->body;
      ew.X_BS = X_B_E.at(w->body).inverse() * frame(w->location_m, w->orientation_rad);
      ew.radius_m = w->radius_m;
      ew.opensim_rules = ew.kind == WrapKind::kCylinder;
      ew.quadrant = cylinder_quadrant(w->quadrant);
      ew.half_length_m = w->length_m > 0 ? 0.5 * w->length_m : INFINITY;
      ew.after_point = best;
      e.wraps.push_back(ew);
    }
    // Path order: by segment, then along it.
    std::vector<std::size_t> order(e.wraps.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(e.wraps[a].after_point, along[a]) < std::tie(e.wraps[b].after_point, along[b]);
    });
    std::vector<WrapSpec> ordered;
    for (std::size_t k : order) ordered.push_back(e.wraps[k]);
    e.wraps = std::move(ordered);
    e.groups = m.groups;
    e.nerve_roots = m.nerve_roots;
    mspecs.push_back(std::move(e));
    out.muscle_sides.push_back(m.sides);
  }
  out.muscles = make_muscle_set(model, mspecs, Location{spec.file, 0, 0, ""});
  note_slack_at_default_pose(model, out, spec);

  // Joint-load sites.
  for (const auto& s : spec.sites) {
    BuiltJointLoadSite b;
    b.name = s.name;
    b.kind = s.kind;
    b.per_side = s.per_side;
    if (s.kind == ms::SiteKind::joint_reaction) {
      const ms::JointSpec* j = spec.find_joint(s.joint);
      const std::string carried = tree_joint.at(j->child).joint == j ? j->child : j->parent;
      b.body = engine_index.at(carried);
      b.frame_body = engine_index.at(s.body);
      b.X_body_site = X_B_E.at(s.body).inverse() * frame(s.origin_m, s.orientation_rad);
      b.normal_axis = s.normal_axis;
      b.anterior_axis = s.anterior_axis;
    } else {
      b.coordinate = model.find_coordinate(s.coordinate);
      for (const auto& name : s.muscles) b.muscles.push_back(out.muscles.find_muscle(name));
      b.ratio = CubicSpline(s.ratio.x, s.ratio.y);
    }
    out.sites.push_back(std::move(b));
  }
  for (const auto& p : spec.passive_moments)
    out.passive_moments.push_back(
        {p.name, model.find_coordinate(p.coordinate), CubicSpline(p.moment_Nm.x, p.moment_Nm.y)});
  for (const auto& a : spec.actuators)
    out.actuators.push_back({a.name, model.find_coordinate(a.coordinate), a.optimal_force_Nm});
  for (const auto& c : spec.couplings) {
    CoordinateCoupling cc{c.name, {}, c.ratios};
    for (const auto& n : c.coordinates) cc.coordinates.push_back(model.find_coordinate(n));
    out.couplings.push_back(std::move(cc));
  }
  for (const auto& mk : spec.markers)
    out.markers.push_back({mk.name, {engine_index.at(mk.body), to_engine_point(mk.body, mk.location_m)}});
  return out;
}

}  // namespace dembones
