#include "scenario/model_parser.hpp"

#include "muscle/nerve_roots.hpp"

#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <span>

namespace dembones {

using namespace mspec;  // NOLINT: the model-file parts
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;

// Unit slips in a model file change the loads without a word (audit: an orientation given in degrees
// under `_rad` turned the hip's frame and took the patellofemoral force from 9331 to 58 N). Angles
// beyond one turn and lengths beyond a body's size are refused, with the likely slip named.
constexpr double kMaxModelLength_m = 5.0;  // any point of a human model, in its body's frame
// A muscle point, a wrap surface's centre, a marker or a joint's location in a body that is an
// anthropometric segment (`segment:`): within it, and no human segment is a metre long (the lifter's
// largest such coordinate is 0.46 m); bodies without a segment (a tool) keep kMaxModelLength_m. A centimetre
// slip of a lumbar attachment (a few cm) passed the 5 m limit and failed later as an infinite joint
// load (model-authoring audit).
constexpr double kMaxSegmentPoint_m = 1.0;
constexpr double kMaxWrapRadius_m = 1.0;
constexpr double kMaxCouplingRatio = 100.0;

// `turns`: 1 for an orientation; 2 for the abscissae of a curve or a moving point's table, which
// OpenSim-derived splines pad beyond the coordinate's range (to +-10 rad, review).
void check_within_turn(const FieldReader& r, const std::string& key, std::span<const double> rad, int turns = 1) {
  const double limit = turns * 2 * std::numbers::pi;
  for (double v : rad)
    if (std::abs(v) > limit)
      r.fail(key, fmt::format("expected angles within {} (+-{:.4f} rad, +-{} deg), got {:g}{}",
                              turns == 1 ? "one turn" : "two turns", limit, 360 * turns,
                              key.ends_with("_deg") ? v / kDegToRad : v,
                              key.ends_with("_rad") ? fmt::format(" (degrees given as radians? use {}_deg)",
                                                                  key.substr(0, key.size() - 4))
                                                    : ""));
}

void check_length(const FieldReader& r, const std::string& key, std::span<const double> m, double limit_m) {
  for (double v : m)
    if (!(std::abs(v) <= limit_m))
      r.fail(key, fmt::format("expected lengths of at most {:g} m, got {:g} (centimetres or millimetres given as "
                              "metres?)",
                              limit_m, v));
}

Eigen::Vector3d read_location(FieldReader& r, const std::string& key, double limit_m = kMaxSegmentPoint_m) {
  const Eigen::Vector3d v = r.vector3(key);
  check_length(r, key, std::span<const double>(v.data(), 3), limit_m);
  return v;
}

Eigen::Vector3d read_location_or(FieldReader& r, const std::string& key, double limit_m = kMaxSegmentPoint_m) {
  return r.has(key) ? read_location(r, key, limit_m) : Eigen::Vector3d::Zero();
}

// `base_rad` or `base_deg` (exactly one) as radians.
double read_angle(FieldReader& r, const std::string& base) {
  const bool rad = r.has(base + "_rad"), deg = r.has(base + "_deg");
  if (rad && deg) r.fail(base + "_deg", fmt::format("give either {0}_rad or {0}_deg, not both", base));
  if (!rad && !deg) {
    r.throw_if_misspelt(base + "_rad");
    r.throw_if_misspelt(base + "_deg");
    r.fail("", fmt::format("missing required field {0}_rad (or {0}_deg)", base));
  }
  return rad ? r.number(base + "_rad") : r.number(base + "_deg") * kDegToRad;
}

double read_angle_or(FieldReader& r, const std::string& base, double fallback_rad) {
  const bool rad = r.has(base + "_rad"), deg = r.has(base + "_deg");
  return (rad || deg) ? read_angle(r, base) : fallback_rad;
}

Eigen::Vector3d read_angles3_or(FieldReader& r, const std::string& base) {
  const bool rad = r.has(base + "_rad"), deg = r.has(base + "_deg");
  if (rad && deg) r.fail(base + "_deg", fmt::format("give either {0}_rad or {0}_deg, not both", base));
  if (!rad && !deg) return Eigen::Vector3d::Zero();
  const std::string key = base + (rad ? "_rad" : "_deg");
  const Eigen::Vector3d v = rad ? r.vector3(key) : Eigen::Vector3d(r.vector3(key) * kDegToRad);
  check_within_turn(r, key, std::span<const double>(v.data(), 3));
  return v;
}

// What a coordinate measures, for its range's and default's units: a revolute or custom joint's turns
// (`_rad`/`_deg`), a prismatic joint's slides (`_m`); any for the multi-coordinate joints.
enum class CoordinateKind { angle, length, any };

// Refuses a unit suffix of the other kind (audit: hip `range_m: [-30, 120]` passed as metres, and the
// hip's range was gone).
void check_unit_kind(FieldReader& r, const std::string& key, CoordinateKind kind, const std::string& what) {
  const bool length = key.ends_with("_m");
  if (kind == CoordinateKind::angle && length)
    r.fail(key, fmt::format("{} turns: give it in degrees or radians ({}_deg or {}_rad), not metres", what,
                            key.substr(0, key.size() - 2), key.substr(0, key.size() - 2)));
  if (kind == CoordinateKind::length && !length)
    r.fail(key, fmt::format("{} slides: give it in metres ({}_m)", what, key.substr(0, key.rfind('_'))));
}

// Two-number range [min, max] as `base_rad`/`base_deg` (or `base_m` for lengths); checks min <= max.
void read_range(FieldReader& r, const std::string& base, double& lo, double& hi,
                CoordinateKind kind = CoordinateKind::any, const std::string& what = "") {
  std::vector<double> v;
  std::string key;
  for (const char* suffix : {"_rad", "_deg", "_m"}) {
    if (r.has(base + suffix)) {
      if (!key.empty()) r.fail(base + suffix, fmt::format("give only one of {}_rad/_deg/_m", base));
      key = base + suffix;
    }
  }
  if (key.empty()) {
    for (const char* suffix : {"_rad", "_deg", "_m"}) r.throw_if_misspelt(base + suffix);
    r.fail("", fmt::format("missing required field {0}_rad (or {0}_deg, {0}_m)", base));
  }
  check_unit_kind(r, key, kind, what);
  v = r.numbers(key);
  if (v.size() != 2) r.fail(key, fmt::format("expected [min, max], got a list of {}", v.size()));
  const double k = key.ends_with("_deg") ? kDegToRad : 1.0;
  lo = v[0] * k;
  hi = v[1] * k;
  if (lo > hi) r.fail(key, fmt::format("expected min <= max, got [{}, {}]", v[0], v[1]));
  // An angle range beyond one turn is a unit slip (degrees under _rad), which would let the posture
  // IK and the range-end checks wander through impossible postures.
  if (!key.ends_with("_m") && (std::abs(lo) > 2 * std::numbers::pi || std::abs(hi) > 2 * std::numbers::pi))
    r.fail(key, fmt::format("expected angles within one turn (+-{:.4f} rad, +-360 deg), got [{}, {}]{}", 2 * std::numbers::pi,
                            v[0], v[1], key.ends_with("_rad") ? " (degrees given as radians? use range_deg)" : ""));
}

double positive(FieldReader& r, const std::string& key) {
  const double v = r.number(key);
  if (!(v > 0)) r.fail(key, fmt::format("expected a positive number, got {}", v));
  return v;
}

int read_sides(FieldReader& r) {
  const int s = r.integer_or("sides", 1);
  if (s != 1 && s != 2) r.fail("sides", fmt::format("expected 1 or 2, got {}", s));
  return s;
}

int read_axis_name(FieldReader& r, const std::string& key, int fallback) {
  if (!r.has(key)) return fallback;
  const std::string a = r.choice(key, {"x", "y", "z"});
  return a[0] - 'x';
}

// Element path "list.NAME" when the item has a name, else "list[i]".
std::string element_path(const std::string& list, const YAML::Node& item, std::size_t i) {
  if (item.IsMap() && item["name"] && item["name"].IsScalar())
    return fmt::format("{}.{}", list, item["name"].Scalar());
  return fmt::format("{}[{}]", list, i);
}

void check_increasing(FieldReader& r, const std::string& key, const std::vector<double>& x) {
  // Values of a `_deg` field arrive in radians: the message gives them as the file does.
  const double k = key.ends_with("_deg") ? 1.0 / kDegToRad : 1.0;
  for (std::size_t i = 1; i < x.size(); ++i)
    if (!(x[i] > x[i - 1]))
      r.fail(key, fmt::format("expected strictly increasing values, got {:g} after {:g}", x[i] * k, x[i - 1] * k));
}

CurveSpec read_curve(FieldReader& r, const std::string& x_base, const std::string& y_key) {
  CurveSpec c;
  std::string x_key;
  double k = 1.0;
  if (r.has(x_base + "_rad")) x_key = x_base + "_rad";
  if (r.has(x_base + "_deg")) {
    if (!x_key.empty()) r.fail(x_base + "_deg", "give either _rad or _deg, not both");
    x_key = x_base + "_deg";
    k = kDegToRad;
  }
  if (x_key.empty()) {
    r.throw_if_misspelt(x_base + "_rad");
    r.throw_if_misspelt(x_base + "_deg");
    r.fail("", fmt::format("missing required field {0}_rad (or {0}_deg)", x_base));
  }
  c.x = r.numbers(x_key);
  for (double& v : c.x) v *= k;
  check_within_turn(r, x_key, c.x, 2);
  c.y = r.numbers(y_key);
  if (c.x.size() != c.y.size() || c.x.size() < 2)
    r.fail(y_key, fmt::format("expected as many values as {} ({}, at least 2), got {}", x_key,
                              c.x.size(), c.y.size()));
  check_increasing(r, x_key, c.x);
  return c;
}

// A passive moment resists the motion: positive along the coordinate below its neutral angle and
// falling as the angle grows (a restoring spring). A reversed sign pushed L5/S1 further into flexion and
// lowered its compression by 9 %; radians under angle_deg made a curve 57 times too stiff (42 kN at
// L5/S1) (model-authoring audit). Checked at the points given (a natural spline through points of
// unequal steps may overshoot a little between them).
void check_restoring(FieldReader& r, const CurveSpec& c) {
  const std::string key = r.has("angle_deg") ? "angle_deg" : "angle_rad";
  const double k = key == "angle_deg" ? 1.0 / kDegToRad : 1.0;
  for (std::size_t i = 1; i < c.y.size(); ++i)
    if (c.y[i] > c.y[i - 1])
      r.fail("moment_Nm", fmt::format("a passive moment resists the motion: it must fall (or stay) as the angle grows "
                                      "(positive moment along the coordinate's positive direction), got {:g} N*m at "
                                      "{:g} then {:g} N*m at {:g} (signs reversed?)",
                                      c.y[i - 1], c.x[i - 1] * k, c.y[i], c.x[i] * k));
  const double span_deg = (c.x.back() - c.x.front()) / kDegToRad;
  if (key == "angle_deg" && span_deg < 1.0)
    r.fail(key, fmt::format("the curve spans {:.3g} deg in all: radians given as degrees? (angle_rad)", span_deg));
}

FunctionSpec read_function(FieldReader& parent, const std::string& key) {
  FieldReader r = parent.child(key);
  FunctionSpec f;
  const std::string kind = r.choice("type", {"constant", "linear", "spline"});
  if (kind == "constant") {
    f.kind = FunctionSpec::Kind::constant;
    f.constant = r.number("value");
  } else if (kind == "linear") {
    f.kind = FunctionSpec::Kind::linear;
    f.slope = r.number("slope");
    f.intercept = r.number_or("intercept", 0.0);
  } else {
    f.kind = FunctionSpec::Kind::spline;
    f.x = r.numbers("x");
    f.y = r.numbers("y");
    if (f.x.size() != f.y.size() || f.x.size() < 2)
      r.fail("y", fmt::format("expected as many values as x ({}, at least 2), got {}", f.x.size(),
                              f.y.size()));
    check_increasing(r, "x", f.x);
  }
  r.finish();
  return f;
}

SegmentSexData read_segment_sex(FieldReader& parent, const std::string& key) {
  FieldReader r = parent.child(key);
  SegmentSexData d;
  d.mass_fraction = positive(r, "mass_fraction");
  d.length_fraction_of_height = positive(r, "length_fraction_of_height");
  r.finish();
  return d;
}

CoordinateSpec read_coordinate(FieldReader& r, CoordinateKind kind) {
  CoordinateSpec c;
  c.name = r.string("name");
  read_range(r, "range", c.range_min, c.range_max, kind, fmt::format("coordinate '{}'", c.name));
  for (const char* key : {"default_m", "default_deg", "default_rad"})
    if (r.has(key)) check_unit_kind(r, key, kind, fmt::format("coordinate '{}'", c.name));
  c.default_value = r.has("default_rad") || r.has("default_deg") ? read_angle(r, "default")
                                                                  : r.number_or("default_m", 0.0);
  c.locked = r.boolean_or("locked", false);
  if (c.default_value < c.range_min || c.default_value > c.range_max)
    r.fail("", fmt::format("default {} outside range [{}, {}]", c.default_value, c.range_min,
                           c.range_max));
  r.finish();
  return c;
}

class Parser {
 public:
  Parser(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}

  ModelSpec run() {
    spec_.file = file_;
    FieldReader top(root_, file_, "", &spec_.parameters);
    reject_unknown_sections(top);
    const std::string format = top.string("format");
    if (format != "dembones-model/1")
      top.fail("format", fmt::format("expected 'dembones-model/1', got '{}'", format));
    spec_.name = top.string("name");
    spec_.description = top.string_or("description", "");
    if (top.has("references")) read_references(top.node("references"));
    {
      FieldReader s = top.child("reference_subject");
      spec_.reference_subject = read_subject(s);
    }
    if (top.has("segments"))
      for_each(top, "segments", [&](FieldReader& r) { spec_.segments.push_back(segment(r)); });
    for_each(top, "bodies", [&](FieldReader& r) { spec_.bodies.push_back(body(r)); });
    for_each(top, "joints", [&](FieldReader& r) { spec_.joints.push_back(joint(r)); });
    if (top.has("wraps"))
      for_each(top, "wraps", [&](FieldReader& r) { spec_.wraps.push_back(wrap(r)); });
    if (top.has("muscles"))
      for_each(top, "muscles", [&](FieldReader& r) { spec_.muscles.push_back(muscle(r)); });
    if (top.has("sites"))
      for_each(top, "sites", [&](FieldReader& r) { spec_.sites.push_back(site(r)); });
    if (top.has("passive_moments"))
      for_each(top, "passive_moments",
               [&](FieldReader& r) { spec_.passive_moments.push_back(passive(r)); });
    if (top.has("actuators"))
      for_each(top, "actuators", [&](FieldReader& r) { spec_.actuators.push_back(actuator(r)); });
    if (top.has("markers"))
      for_each(top, "markers", [&](FieldReader& r) { spec_.markers.push_back(marker(r)); });
    if (top.has("couplings"))
      for_each(top, "couplings", [&](FieldReader& r) { spec_.couplings.push_back(coupling(r)); });
    top.finish();
    check_tree(top);
    check_masses(top);
    return std::move(spec_);
  }

 private:
  template <class F>
  void for_each(FieldReader& top, const std::string& key, F&& f) {
    const auto items = top.sequence(key);
    std::set<std::string> names;
    for (std::size_t i = 0; i < items.size(); ++i) {
      FieldReader r = top.element(items[i], element_path(key, items[i], i));
      if (r.has("name")) {
        const std::string n = r.string("name");
        if (!names.insert(n).second) r.fail("name", fmt::format("duplicate name '{}' in {}", n, key));
      }
      f(r);
      r.finish();
    }
  }

  // References: key -> full citation text.
  void read_references(const YAML::Node& n) {
    if (!n.IsMap())
      throw InputError(location_of(n, file_, "references"), "expected a mapping key: citation");
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      if (!kv.second.IsScalar() || kv.second.Scalar().empty())
        throw InputError(location_of(kv.second, file_, "references." + key),
                         "expected a citation text");
      spec_.references[key] = kv.second.Scalar();
    }
  }

  std::vector<std::string> names_of_bodies() const {
    std::vector<std::string> v{"ground"};
    for (const auto& b : spec_.bodies) v.push_back(b.name);
    return v;
  }

  // "unknown <kind> 'x' (did you mean 'y'?)" at `key` when `name` is not among `names`.
  // `index` >= 0: the name is item `index` of the list at `key`, and the error points at that item
  // (a bad name in a long list was located at the list's start).
  static void require_known(FieldReader& r, const std::string& key, const char* kind, const std::string& name,
                            const std::vector<std::string>& names, int index = -1) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    const std::string message = fmt::format("unknown {} '{}'{}", kind, name, did_you_mean(name, names));
    if (index >= 0) {
      const YAML::Node list = r.node(key);
      if (list.IsSequence() && static_cast<std::size_t>(index) < list.size()) {
        Location at = r.where(key);
        const YAML::Mark m = list[static_cast<std::size_t>(index)].Mark();
        if (m.line >= 0) at.line = m.line + 1, at.column = m.column + 1;
        throw InputError(at, message);
      }
    }
    r.fail(key, message);
  }

  void require_body(FieldReader& r, const std::string& key, const std::string& name) const {
    require_known(r, key, "body", name, names_of_bodies());
  }

  std::vector<std::string> coordinate_names() const {
    std::vector<std::string> v;
    for (const auto& j : spec_.joints)
      for (const auto& c : j.coordinates) v.push_back(c.name);
    return v;
  }

  // How far from its origin a point of `body` may be: within an anthropometric segment (a body with
  // `segment:`) 1 m, on the ground or another body (a tool, a pole, an exoskeleton frame) 5 m.
  double point_limit_m(const std::string& body) const {
    for (const auto& b : spec_.bodies)
      if (b.name == body) return b.segment.empty() ? kMaxModelLength_m : kMaxSegmentPoint_m;
    return kMaxModelLength_m;
  }

  void require_coordinate(FieldReader& r, const std::string& key, const std::string& name) const {
    require_known(r, key, "coordinate", name, coordinate_names());
  }

  // The joint and coordinate spec of a coordinate require_coordinate has found.
  std::pair<const JointSpec*, const CoordinateSpec*> find_coordinate(const std::string& name) const {
    for (const auto& j : spec_.joints)
      for (const auto& c : j.coordinates)
        if (c.name == name) return {&j, &c};
    throw InternalError("coordinate '" + name + "' checked but not found");
  }

  void require_muscle(FieldReader& r, const std::string& key, const std::string& name, int index = -1) const {
    std::vector<std::string> names;
    for (const auto& m : spec_.muscles) names.push_back(m.name);
    require_known(r, key, "muscle", name, names, index);
  }

  SegmentSpec segment(FieldReader& r) {
    SegmentSpec s;
    s.name = r.string("name");
    s.male = read_segment_sex(r, "male");
    s.female = read_segment_sex(r, "female");
    return s;
  }

  BodySpec body(FieldReader& r) {
    BodySpec b;
    b.name = r.string("name");
    body_where_[b.name] = r.where("mass_kg");
    body_name_where_[b.name] = r.where("name");
    if (b.name == "ground") r.fail("name", "'ground' is reserved for the fixed world");
    b.segment = r.string_or("segment", "");
    if (!b.segment.empty()) {
      std::vector<std::string> names;
      for (const auto& s : spec_.segments) names.push_back(s.name);
      require_known(r, "segment", "segment", b.segment, names);
    }
    b.segment_share = r.number_or("segment_share", 1.0);
    if (!(b.segment_share > 0 && b.segment_share <= 1))
      r.fail("segment_share", fmt::format("expected a fraction in (0, 1], got {}", b.segment_share));
    b.sides = read_sides(r);
    b.mass_kg = positive(r, "mass_kg");
    // Bounds far beyond any body segment (the whole body is at most 300 kg, read_subject), which catch
    // unit slips (grams, millimetres) before they make a model that balances nothing.
    if (b.mass_kg > 300) r.fail("mass_kg", fmt::format("expected a segment mass of at most 300 kg, got {}", b.mass_kg));
    b.com_m = r.vector3("com_m");
    if (b.com_m.norm() > 2.0)
      r.fail("com_m", fmt::format("expected a centre of mass within 2 m of the body's origin, got {:.4g} m away (millimetres?)",
                                  b.com_m.norm()));
    b.inertia_kg_m2 = r.vector3("inertia_kg_m2");
    for (int i = 0; i < 3; ++i)
      if (!(b.inertia_kg_m2[i] > 0))
        r.fail("inertia_kg_m2", fmt::format("expected positive moments of inertia, got {}",
                                            b.inertia_kg_m2[i]));
    // Triangle inequality of principal moments (a physical rigid body); a flat plate is the limit,
    // so allow round-off of the published values.
    const auto& I = b.inertia_kg_m2;
    const double tol = 1e-4 * I.sum();
    if (I[0] + I[1] + tol < I[2] || I[1] + I[2] + tol < I[0] || I[0] + I[2] + tol < I[1])
      r.fail("inertia_kg_m2", "moments of inertia violate the triangle inequality");
    b.products_kg_m2 = r.vector3_or("products_kg_m2", Eigen::Vector3d::Zero());
    // With products of inertia the principal moments are the matrix's eigenvalues (the matrix as
    // model_builder.cpp assembles it): positive and satisfying the triangle inequality.
    if (!b.products_kg_m2.isZero()) {
      const auto& p = b.products_kg_m2;
      Eigen::Matrix3d M;
      M << I[0], p[0], p[1], p[0], I[1], p[2], p[1], p[2], I[2];
      const Eigen::Vector3d e = Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d>(M).eigenvalues();
      if (!(e[0] > 0) || e[0] + e[1] + tol < e[2])
        r.fail("products_kg_m2",
               fmt::format("with these products the inertia matrix is not a rigid body's: principal moments {:.4g}, "
                           "{:.4g}, {:.4g} kg m^2 (expected positive, each at most the sum of the other two)",
                           e[0], e[1], e[2]));
    }
    return b;
  }

  JointSpec joint(FieldReader& r) {
    JointSpec j;
    j.name = r.string("name");
    joint_where_[j.name] = r.where("");
    const std::string t =
        r.choice("type", {"fixed", "revolute", "prismatic", "custom", "spherical", "free"});
    static const std::map<std::string, JointType> types{
        {"fixed", JointType::fixed},         {"revolute", JointType::revolute},
        {"prismatic", JointType::prismatic}, {"custom", JointType::custom},
        {"spherical", JointType::spherical}, {"free", JointType::free}};
    j.type = types.at(t);
    j.parent = r.string("parent");
    require_body(r, "parent", j.parent);
    j.child = r.string("child");
    require_body(r, "child", j.child);
    if (j.child == "ground") r.fail("child", "ground cannot be a child");
    if (j.child == j.parent) r.fail("child", "a joint needs two different bodies");
    // In the ground a joint may stand anywhere; in a moving body it lies within the segment.
    j.location_in_parent_m = read_location_or(r, "location_in_parent_m", point_limit_m(j.parent));
    j.orientation_in_parent_rad = read_angles3_or(r, "orientation_in_parent");
    j.location_in_child_m = read_location_or(r, "location_in_child_m", point_limit_m(j.child));
    j.orientation_in_child_rad = read_angles3_or(r, "orientation_in_child");
    const bool one_dof = j.type == JointType::revolute || j.type == JointType::prismatic ||
                         j.type == JointType::custom;
    if (one_dof) {
      j.axis = r.vector3("axis");
      if (j.axis.norm() < 1e-9) r.fail("axis", "expected a non-zero axis");
      j.axis.normalize();
      FieldReader c = r.child("coordinate");
      // A custom joint's coordinate may drive a slide (a constant rotation): not checked.
      j.coordinates.push_back(read_coordinate(c, j.type == JointType::prismatic ? CoordinateKind::length
                                                 : j.type == JointType::revolute ? CoordinateKind::angle
                                                                                 : CoordinateKind::any));
    } else if (j.type != JointType::fixed) {
      for (const auto& item : r.sequence("coordinates")) {
        FieldReader c = r.element(item, r.path() + ".coordinates");
        // A ball joint's three coordinates turn; a free joint's are rotations and translations.
        j.coordinates.push_back(
            read_coordinate(c, j.type == JointType::spherical ? CoordinateKind::angle : CoordinateKind::any));
      }
      const std::size_t want = j.type == JointType::spherical ? 3 : 6;
      if (j.coordinates.size() != want)
        r.fail("coordinates", fmt::format("a {} joint has {} coordinates, got {}", t, want,
                                          j.coordinates.size()));
    }
    if (j.type == JointType::custom) {
      j.rotation = read_function(r, "rotation");
      const char* keys[3] = {"translation_x", "translation_y", "translation_z"};
      for (int i = 0; i < 3; ++i)
        if (r.has(keys[i])) j.translation[i] = read_function(r, keys[i]);
      // A custom joint whose rotation follows its coordinate turns (the lifter's knee); one with a
      // constant rotation may slide, and is not checked.
      if (j.rotation.kind != FunctionSpec::Kind::constant) {
        FieldReader c = r.child("coordinate");
        for (const char* key : {"range_m", "default_m"})
          if (c.has(key)) check_unit_kind(c, key, CoordinateKind::angle, fmt::format("coordinate '{}'", j.coordinates[0].name));
      }
    }
    const auto known = coordinate_names();
    for (const auto& c : j.coordinates)
      if (std::find(known.begin(), known.end(), c.name) != known.end())
        r.fail("coordinate", fmt::format("coordinate '{}' is already defined", c.name));
    return j;
  }

  WrapSpec wrap(FieldReader& r) {
    WrapSpec w;
    w.name = r.string("name");
    w.type = r.choice("type", {"cylinder", "sphere"}) == "cylinder" ? WrapType::cylinder
                                                                    : WrapType::sphere;
    w.body = r.string("body");
    require_body(r, "body", w.body);
    w.location_m = read_location(r, "location_m", point_limit_m(w.body));
    w.orientation_rad = read_angles3_or(r, "orientation");
    w.radius_m = positive(r, "radius_m");
    check_length(r, "radius_m", std::span<const double>(&w.radius_m, 1), kMaxWrapRadius_m);
    if (w.type == WrapType::cylinder) {
      w.length_m = positive(r, "length_m");
    } else if (r.has("length_m")) {
      // A cylinder changed to a sphere keeps its length_m line: "unknown field" would not say why.
      r.fail("length_m", "a sphere has no length (length_m is a cylinder's): remove it, or use type: cylinder");
    }
    w.quadrant = r.choice_or("quadrant", {"all", "+x", "-x", "+y", "-y"}, "all");
    return w;
  }

  PathPointSpec path_point(FieldReader& r) {
    PathPointSpec p;
    p.body = r.string("body");
    require_body(r, "body", p.body);
    if (p.body == "ground") r.fail("body", "muscles attach to bodies, not to ground");
    if (r.has("moving")) {
      // A point moving in its body with one coordinate: {coordinate, coordinate_values_rad, x_m,
      // y_m, z_m} (the sampled OpenSim MovingPathPoint, e.g. a patella point in the femur).
      if (r.has("location_m")) r.fail("moving", "expected either location_m or moving, got both");
      FieldReader mr = r.child("moving");
      p.moving_coordinate = mr.string("coordinate");
      require_coordinate(mr, "coordinate", p.moving_coordinate);
      // In radians or degrees, as every other angle of a model file.
      const std::string values_key = mr.has("coordinate_values_deg") && !mr.has("coordinate_values_rad")
                                         ? "coordinate_values_deg"
                                         : "coordinate_values_rad";
      if (mr.has("coordinate_values_deg") && mr.has("coordinate_values_rad"))
        mr.fail("coordinate_values_deg", "give either coordinate_values_rad or coordinate_values_deg, not both");
      p.moving_values_rad = mr.numbers(values_key);
      if (values_key.ends_with("_deg"))
        for (double& v : p.moving_values_rad) v *= std::numbers::pi / 180.0;
      check_within_turn(mr, values_key, p.moving_values_rad, 2);
      if (p.moving_values_rad.size() < 2)
        mr.fail(values_key, fmt::format("expected at least 2 values, got {}", p.moving_values_rad.size()));
      check_increasing(mr, values_key, p.moving_values_rad);
      const char* keys[3] = {"x_m", "y_m", "z_m"};
      std::vector<double>* dst[3] = {&p.moving_x_m, &p.moving_y_m, &p.moving_z_m};
      for (int c = 0; c < 3; ++c) {
        *dst[c] = mr.numbers(keys[c]);
        check_length(mr, keys[c], *dst[c], kMaxSegmentPoint_m);
        if (dst[c]->size() != p.moving_values_rad.size())
          mr.fail(keys[c], fmt::format("expected as many values as {} ({}), got {}", values_key,
                                       p.moving_values_rad.size(), dst[c]->size()));
      }
      mr.finish();
    } else {
      p.location_m = read_location(r, "location_m");
    }
    if (r.has("coordinate")) {
      p.coordinate = r.string("coordinate");
      require_coordinate(r, "coordinate", p.coordinate);
      const auto [joint, coordinate] = find_coordinate(p.coordinate);
      const bool turns = joint->type == JointType::revolute || joint->type == JointType::spherical ||
                         (joint->type == JointType::custom && joint->rotation.kind != FunctionSpec::Kind::constant);
      const CoordinateKind kind = joint->type == JointType::prismatic ? CoordinateKind::length
                                  : turns                             ? CoordinateKind::angle
                                                                      : CoordinateKind::any;
      read_range(r, "range", p.range_min, p.range_max, kind, fmt::format("coordinate '{}'", p.coordinate));
      // Active only where the coordinate can be (audit: a range beyond the knee's never activated).
      if (p.range_max < coordinate->range_min || p.range_min > coordinate->range_max) {
        const std::string key = r.has("range_deg") ? "range_deg" : r.has("range_rad") ? "range_rad" : "range_m";
        const double k = key == "range_deg" ? 1.0 / kDegToRad : 1.0;
        r.fail(key, fmt::format("the via point is active for {} in [{:g}, {:g}], outside its range [{:g}, {:g}]: it "
                                "would never be on the path",
                                p.coordinate, p.range_min * k, p.range_max * k, coordinate->range_min * k,
                                coordinate->range_max * k));
      }
    }
    return p;
  }

  MuscleSpec muscle(FieldReader& r) {
    MuscleSpec m;
    m.name = r.string("name");
    m.sides = read_sides(r);
    m.max_isometric_force_N = positive(r, "max_isometric_force_N");
    m.optimal_fiber_length_m = positive(r, "optimal_fiber_length_m");
    m.tendon_slack_length_m = positive(r, "tendon_slack_length_m");
    // Bounds far beyond human muscles (the longest fibres, sartorius's, are about 0.5 m; the lifter's
    // longest tendon 0.47 m; its strongest muscle 5.1 kN), which catch unit slips (mm, cm, kN).
    if (m.max_isometric_force_N > 50000)
      r.fail("max_isometric_force_N", fmt::format("expected at most 50000 N, got {}", m.max_isometric_force_N));
    if (m.optimal_fiber_length_m > 1.0)
      r.fail("optimal_fiber_length_m", fmt::format("expected at most 1 m, got {} (millimetres?)", m.optimal_fiber_length_m));
    if (m.tendon_slack_length_m > 1.0)
      r.fail("tendon_slack_length_m", fmt::format("expected at most 1 m, got {} (millimetres?)", m.tendon_slack_length_m));
    // And below: no muscle of a human model has a fibre under a millimetre or a tendon under a tenth
    // of one (the lifter's shortest: 14.6 mm, 1 mm); 1e-300 m loaded and stopped the first frame with
    // a non-finite muscle matrix naming no muscle (audit).
    if (m.optimal_fiber_length_m < 1e-3)
      r.fail("optimal_fiber_length_m", fmt::format("expected at least 0.001 m (1 mm), got {:g}", m.optimal_fiber_length_m));
    if (m.tendon_slack_length_m < 1e-4)
      r.fail("tendon_slack_length_m", fmt::format("expected at least 0.0001 m (0.1 mm), got {:g}", m.tendon_slack_length_m));
    m.pennation_at_optimal_rad = read_angle_or(r, "pennation_at_optimal", 0.0);
    if (m.pennation_at_optimal_rad < 0 || m.pennation_at_optimal_rad >= std::numbers::pi / 2) {
      const std::string key = r.has("pennation_at_optimal_deg") ? "pennation_at_optimal_deg" : "pennation_at_optimal_rad";
      r.fail(key, fmt::format("expected an angle from 0 up to 90 deg (1.5708 rad), got {:.4g} rad ({:.4g} deg){}",
                              m.pennation_at_optimal_rad, m.pennation_at_optimal_rad * 180.0 / std::numbers::pi,
                              key.ends_with("_rad") && m.pennation_at_optimal_rad < 90.0 ? ": degrees given as radians? use pennation_at_optimal_deg" : ""));
    }
    m.max_contraction_velocity_lopt_per_s =
        r.has("max_contraction_velocity_lopt_per_s") ? positive(r, "max_contraction_velocity_lopt_per_s")
                                                     : 10.0;
    m.tendon_strain_at_max_force =
        r.has("tendon_strain_at_max_force") ? positive(r, "tendon_strain_at_max_force") : 0.049;
    m.passive_strain_at_max_force =
        r.has("passive_strain_at_max_force") ? positive(r, "passive_strain_at_max_force") : 0.6;
    // Strains are fractions: published tendon strains at F0 are 0.033-0.1 (Zajac 1989; Thelen 2003:
    // 0.04-0.1), passive fibre strains 0.5-0.7 (Thelen 2003). A percent (4.9, 70) made the muscle's
    // tendon or passive fibre nearly force-free without a word (model-authoring audit).
    if (m.tendon_strain_at_max_force > 0.3)
      r.fail("tendon_strain_at_max_force",
             fmt::format("expected a fraction of at most 0.3 (published: 0.033-0.1), got {:g} (a percent? 4.9 % is "
                         "0.049)", m.tendon_strain_at_max_force));
    if (m.passive_strain_at_max_force > 2.0)
      r.fail("passive_strain_at_max_force",
             fmt::format("expected a fraction of at most 2 (published: 0.5-0.7), got {:g} (a percent? 60 % is 0.6)",
                         m.passive_strain_at_max_force));
    if (r.has("passive_curve")) {
      const std::string kind = r.string("passive_curve");
      using curves::PassiveCurveKind;
      bool known = false;
      for (const PassiveCurveKind k :
           {PassiveCurveKind::kDeGroote2016, PassiveCurveKind::kThelen2003, PassiveCurveKind::kThelen2003Deprecated,
            PassiveCurveKind::kMillard2012}) {
        if (kind == curves::passive_curve_name(k)) m.passive_curve = k, known = true;
      }
      if (!known)
        r.fail("passive_curve",
               fmt::format("expected degroote2016, thelen2003, thelen2003_deprecated or millard2012, got '{}'", kind));
    }
    if (r.has("passive_shape")) {
      if (m.passive_curve == curves::PassiveCurveKind::kMillard2012)
        r.fail("passive_shape", "the millard2012 curve has no exponential shape: remove passive_shape");
      m.passive_shape = positive(r, "passive_shape");
      if (m.passive_shape > curves::kMaxPassiveShape)
        r.fail("passive_shape", fmt::format("expected at most {:g} (published shapes are 4-5), got {:g}",
                                            curves::kMaxPassiveShape, m.passive_shape));
    }
    if (m.passive_curve == curves::PassiveCurveKind::kMillard2012 &&
        !(m.passive_strain_at_max_force < curves::MillardPassiveCurve::kMaxStrainAtOne))
      r.fail(r.has("passive_strain_at_max_force") ? "passive_strain_at_max_force" : "passive_curve",
             fmt::format("expected a passive_strain_at_max_force below {:g} for the millard2012 curve (its toe "
                         "stiffness 0.2 must stay below 1/strain, as OpenSim requires), got {:g}",
                         curves::MillardPassiveCurve::kMaxStrainAtOne, m.passive_strain_at_max_force));
    const auto items = r.sequence("path");
    for (std::size_t i = 0; i < items.size(); ++i) {
      FieldReader p = r.element(items[i], fmt::format("{}.path[{}]", r.path(), i));
      m.path.push_back(path_point(p));
      p.finish();
    }
    if (m.path.size() < 2) r.fail("path", fmt::format("expected at least 2 path points, got {}", m.path.size()));
    if (m.path.front().conditional() || m.path.back().conditional())
      r.fail("path", "origin and insertion cannot be conditional via points");
    // A path on one body crosses no joint: no moment arm, a muscle that can never act.
    if (std::all_of(m.path.begin(), m.path.end(), [&](const PathPointSpec& p) { return p.body == m.path.front().body; }))
      r.fail("path", fmt::format("every path point is on body '{}': a muscle must cross at least one joint",
                                 m.path.front().body));
    m.wraps = r.strings_or_empty("wraps");
    std::vector<std::string> wrap_names;
    for (const auto& w : spec_.wraps) wrap_names.push_back(w.name);
    for (std::size_t i = 0; i < m.wraps.size(); ++i)
      require_known(r, "wraps", "wrap surface", m.wraps[i], wrap_names, static_cast<int>(i));
    m.groups = r.strings_or_empty("groups");
    m.nerve_roots = r.strings_or_empty("nerve_roots");
    // Checked here, where the file, line and muscle are known (the builder expands the ranges).
    for (const std::string& root : m.nerve_roots) {
      try {
        expand_nerve_roots(root);
      } catch (const InputError& e) {
        r.fail("nerve_roots", e.message());
      }
    }
    return m;
  }

  JointLoadSiteSpec site(FieldReader& r) {
    JointLoadSiteSpec s;
    s.name = r.string("name");
    const std::string kind = r.choice("kind", {"joint_reaction", "patellofemoral"});
    s.kind = kind == "joint_reaction" ? SiteKind::joint_reaction : SiteKind::patellofemoral;
    s.per_side = r.boolean_or("per_side", false);
    if (s.kind == SiteKind::joint_reaction) {
      s.joint = r.string("joint");
      std::vector<std::string> names;
      for (const auto& j : spec_.joints) names.push_back(j.name);
      require_known(r, "joint", "joint", s.joint, names);
      s.body = r.string("body");
      require_body(r, "body", s.body);
      s.origin_m = r.vector3_or("origin_m", Eigen::Vector3d::Zero());
      s.orientation_rad = read_angles3_or(r, "orientation");
      s.normal_axis = read_axis_name(r, "normal_axis", 1);
      s.anterior_axis = read_axis_name(r, "anterior_axis", 0);
      if (s.normal_axis == s.anterior_axis)
        r.fail("anterior_axis", "expected an axis different from normal_axis");
    } else {
      s.coordinate = r.string("coordinate");
      require_coordinate(r, "coordinate", s.coordinate);
      s.muscles = r.strings("muscles");
      for (std::size_t i = 0; i < s.muscles.size(); ++i) require_muscle(r, "muscles", s.muscles[i], static_cast<int>(i));
      FieldReader c = r.child("ratio");
      s.ratio = read_curve(c, "coordinate", "ratio");
      c.finish();
    }
    return s;
  }

  PassiveMomentSpec passive(FieldReader& r) {
    PassiveMomentSpec p;
    p.name = r.string("name");
    p.coordinate = r.string("coordinate");
    require_coordinate(r, "coordinate", p.coordinate);
    p.moment_Nm = read_curve(r, "angle", "moment_Nm");
    check_restoring(r, p.moment_Nm);
    if (r.has("posterior_elements")) read_posterior_elements(r, p);
    return p;
  }

  // posterior_elements: {site: <joint_reaction site of the coordinate's joint>, structures: [{name,
  // share, lever_arm_m}, ...]}. The site gives the disc frame; shares sum to at most 1.
  void read_posterior_elements(FieldReader& parent, PassiveMomentSpec& p) const {
    FieldReader r = parent.child("posterior_elements");
    p.site = r.string("site");
    const JointLoadSiteSpec* site = nullptr;
    std::vector<std::string> names;
    for (const auto& s : spec_.sites) {
      names.push_back(s.name);
      if (s.name == p.site) site = &s;
    }
    require_known(r, "site", "joint-load site", p.site, names);
    if (site->kind != SiteKind::joint_reaction)
      r.fail("site", fmt::format("expected a joint_reaction site, '{}' is patellofemoral", p.site));
    const JointSpec* joint = nullptr;
    for (const auto& j : spec_.joints)
      if (j.name == site->joint) joint = &j;
    bool owns = false;
    for (const auto& c : joint->coordinates) owns = owns || c.name == p.coordinate;
    if (!owns)
      r.fail("site", fmt::format("expected the site of the joint owning coordinate '{}', got '{}' (joint '{}')",
                                 p.coordinate, p.site, site->joint));
    const auto items = r.sequence("structures");
    if (items.empty()) r.fail("structures", "expected at least one structure");
    std::set<std::string> seen;
    double total = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      FieldReader e = r.element(items[i], r.path() + "." + element_path("structures", items[i], i));
      PosteriorElementSpec el;
      el.name = e.string("name");
      if (!seen.insert(el.name).second) e.fail("name", fmt::format("duplicate structure '{}'", el.name));
      el.share = e.number("share");
      if (!(el.share > 0 && el.share <= 1))
        e.fail("share", fmt::format("expected a fraction of the passive moment in (0, 1], got {}", el.share));
      el.lever_arm_m = positive(e, "lever_arm_m");
      if (el.lever_arm_m > 0.2)
        e.fail("lever_arm_m", fmt::format("expected metres behind the disc centre (at most 0.2), got {}", el.lever_arm_m));
      total += el.share;
      e.finish();
      p.posterior_elements.push_back(el);
    }
    if (total > 1 + 1e-9)
      r.fail("structures", fmt::format("expected shares summing to at most 1, got {}", total));
    r.finish();
  }

  ActuatorSpec actuator(FieldReader& r) {
    ActuatorSpec a;
    a.name = r.string("name");
    a.coordinate = r.string("coordinate");
    require_coordinate(r, "coordinate", a.coordinate);
    a.optimal_force_Nm = positive(r, "optimal_force_Nm");
    return a;
  }

  MarkerSpec marker(FieldReader& r) {
    MarkerSpec m;
    m.name = r.string("name");
    m.body = r.string("body");
    require_body(r, "body", m.body);
    m.location_m = read_location(r, "location_m", point_limit_m(m.body));
    return m;
  }

  CouplingSpec coupling(FieldReader& r) {
    CouplingSpec c;
    c.name = r.string("name");
    c.coordinates = r.strings("coordinates");
    for (const auto& n : c.coordinates) require_coordinate(r, "coordinates", n);
    c.ratios = r.numbers("ratios");
    if (c.ratios.size() != c.coordinates.size())
      r.fail("ratios", fmt::format("expected {} ratios (one per coordinate), got {}",
                                   c.coordinates.size(), c.ratios.size()));
    for (std::size_t i = 0; i < c.coordinates.size(); ++i)
      for (std::size_t k = 0; k < i; ++k)
        if (c.coordinates[i] == c.coordinates[k])
          r.fail("coordinates", fmt::format("coordinate '{}' is listed twice", c.coordinates[i]));
    // Every member moves with the driver: a zero ratio would hold its coordinate still (and a
    // coupling of zeros moves nothing), which is what leaving it out of the coupling means.
    for (std::size_t i = 0; i < c.ratios.size(); ++i)
      if (!(std::isfinite(c.ratios[i]) && c.ratios[i] != 0.0))
        r.fail("ratios", fmt::format("expected a non-zero ratio for '{}', got {} (leave a coordinate that does not "
                                     "move with the others out of the coupling)",
                                     c.coordinates[i], c.ratios[i]));
    // Ratios are shares of one motion (the lumbar rhythm's sum to 1): a huge one is a slip, and made
    // the other members' share vanish (1e300: L5/S1 compression 5064 -> 646 N, audit).
    for (std::size_t i = 0; i < c.ratios.size(); ++i)
      if (std::abs(c.ratios[i]) > kMaxCouplingRatio)
        r.fail("ratios", fmt::format("expected ratios of magnitude at most {:g} (shares of the coupling's motion), "
                                     "got {:g} for '{}'",
                                     kMaxCouplingRatio, c.ratios[i], c.coordinates[i]));
    return c;
  }

  // A misspelt section (`muscels:`) is named before the sections are read: otherwise a reference into
  // it (a site's muscles) is reported as unknown first.
  void reject_unknown_sections(const FieldReader& top) const {
    static const std::vector<std::string> kSections = {
        "format", "name",   "description", "references", "reference_subject", "segments", "bodies", "joints", "wraps",
        "muscles", "sites", "passive_moments", "actuators", "markers",         "couplings", "source"};
    if (!root_.IsMap()) return;  // FieldReader has said so
    for (const auto& kv : root_) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      if (std::find(kSections.begin(), kSections.end(), key) == kSections.end()) {
        const std::string hint = did_you_mean(key, kSections);
        throw InputError(location_of(kv.first, file_, key),
                         "unknown field" + (hint.empty() ? fmt::format(" (a model's sections: {})", fmt::join(kSections, ", ")) : hint));
      }
    }
    (void)top;
  }

  // The scaling keeps each body's share of body mass (scaling.cpp), so the model's masses must add up
  // to its reference subject's, and a body on a segment must carry its stated share of that
  // segment's mass (de Leva's fraction of the reference subject's mass): an edited mass_kg, fraction
  // or share that breaks either would make every scaled subject weigh other than stated.
  void check_masses(FieldReader& top) const {
    const double reference = spec_.reference_subject.mass_kg;
    for (const BodySpec& b : spec_.bodies) {
      const SegmentSpec* seg = spec_.find_segment(b.segment);
      if (seg == nullptr) continue;
      const double expected = b.segment_share * seg->of(spec_.reference_subject.sex).mass_fraction * reference;
      if (std::abs(b.mass_kg - expected) > 0.005 * expected)
        throw InputError(body_where_.at(b.name),
                         fmt::format("mass_kg {:.4g} disagrees with its segment: segment_share {:.4g} x mass_fraction "
                                     "{:.4g} of '{}' x the reference subject's {:.4g} kg = {:.4g} kg; change them "
                                     "together (the scaling keeps each body's share of body mass)",
                                     b.mass_kg, b.segment_share, seg->of(spec_.reference_subject.sex).mass_fraction,
                                     b.segment, reference, expected));
    }
    const double total = spec_.total_mass_kg();
    if (!spec_.bodies.empty() && std::abs(total - reference) > 0.005 * reference)
      top.fail("bodies", fmt::format("the bodies' masses (sides counted) add up to {:.4g} kg, the reference subject's "
                                     "mass_kg is {:.4g}: they must agree (to 0.5 %), or every scaled subject weighs "
                                     "{:.3g} times what its scenario says",
                                     total, reference, total / reference));
  }

  // The joints must connect ground and every body into one tree (any root direction): no body left
  // out, no loop, one piece with ground. Each failure names the body or joint at fault.
  void check_tree(FieldReader& top) const {
    const std::size_t n = spec_.bodies.size() + 1;
    std::map<std::string, std::size_t> index{{"ground", 0}};
    for (std::size_t i = 0; i < spec_.bodies.size(); ++i) index[spec_.bodies[i].name] = i + 1;
    std::vector<int> touching(n, 0);
    for (const auto& j : spec_.joints) ++touching[index.at(j.parent)], ++touching[index.at(j.child)];
    for (std::size_t i = 1; i < n; ++i)
      if (touching[i] == 0)
        throw InputError(body_name_where_.at(spec_.bodies[i - 1].name),
                         fmt::format("body '{}' is in no joint: add a joint with it as child (the model is a tree "
                                     "from ground)",
                                     spec_.bodies[i - 1].name));
    std::vector<std::size_t> root(n);
    for (std::size_t i = 0; i < n; ++i) root[i] = i;
    auto find = [&](std::size_t i) {
      while (root[i] != i) i = root[i] = root[root[i]];
      return i;
    };
    for (const auto& j : spec_.joints) {
      const std::size_t a = find(index.at(j.parent)), b = find(index.at(j.child));
      if (a == b)
        throw InputError(joint_where_.at(j.name),
                         fmt::format("joint '{}' closes a loop ('{}' and '{}' are already joined through other "
                                     "joints); the model must be a tree",
                                     j.name, j.parent, j.child));
      root[a] = b;
    }
    std::vector<std::string> apart;
    for (std::size_t i = 1; i < n; ++i)
      if (find(i) != find(0)) apart.push_back(spec_.bodies[i - 1].name);
    if (!apart.empty())
      top.fail("joints", fmt::format("bodies {} are joined to each other but not to ground: add a joint from ground "
                                     "(or from a body joined to it) to one of them",
                                     fmt::join(apart, ", ")));
  }

  YAML::Node root_;
  std::string file_;
  ModelSpec spec_;
  std::map<std::string, Location> joint_where_;
  std::map<std::string, Location> body_where_;       // at mass_kg
  std::map<std::string, Location> body_name_where_;  // at name
};

}  // namespace

SubjectSpec read_subject(FieldReader& r) {
  SubjectSpec s;
  s.height_m = positive(r, "height_m");
  s.mass_kg = positive(r, "mass_kg");
  s.sex = r.choice("sex", {"male", "female"}) == "male" ? Sex::male : Sex::female;
  if (s.height_m < 0.5 || s.height_m > 2.5)
    r.fail("height_m", fmt::format("expected a stature between 0.5 and 2.5 m, got {}", s.height_m));
  if (s.mass_kg < 10 || s.mass_kg > 300)
    r.fail("mass_kg", fmt::format("expected a body mass between 10 and 300 kg, got {}", s.mass_kg));
  if (const std::string why = body_mass_index_problem(s); !why.empty()) r.fail("mass_kg", why);
  r.finish();
  return s;
}

ModelSpec parse_model_spec(const std::string& yaml_text, const std::string& file) {
  return Parser(load_yaml_string(yaml_text, file), file).run();
}

ModelSpec load_model_spec(const std::string& path) {
  return Parser(load_yaml_file(path), path).run();
}

// What a scenario names, before the parameters: coordinates (with their ranges in degrees for angles),
// couplings, load sites, and the muscle group tags and nerve roots selectors take.
std::string format_model_overview(const ModelSpec& spec) {
  std::string out;
  std::vector<std::string> coords;
  for (const auto& j : spec.joints)
    for (const auto& c : j.coordinates) {
      const bool angle = j.type != mspec::JointType::prismatic;
      const double k = angle ? 180.0 / std::numbers::pi : 1.0;
      coords.push_back(fmt::format("{} ({:.4g} to {:.4g} {})", c.name, c.range_min * k, c.range_max * k, angle ? "deg" : "m"));
    }
  out += fmt::format("coordinates ({}): {}\n", coords.size(), fmt::join(coords, ", "));
  for (const auto& c : spec.couplings) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < c.coordinates.size(); ++i) parts.push_back(fmt::format("{} {:g}", c.coordinates[i], c.ratios[i]));
    out += fmt::format("coupling {}: {}\n", c.name, fmt::join(parts, ", "));
  }
  std::vector<std::string> sites;
  for (const auto& s : spec.sites) sites.push_back(s.name);
  out += fmt::format("load sites ({}): {}\n", sites.size(), fmt::join(sites, ", "));
  std::set<std::string> groups, roots;
  for (const auto& m : spec.muscles) {
    groups.insert(m.groups.begin(), m.groups.end());
    roots.insert(m.nerve_roots.begin(), m.nerve_roots.end());
  }
  out += fmt::format("muscles: {}; group tags: {}\n", spec.muscles.size(), fmt::join(groups, ", "));
  out += fmt::format("nerve roots: {}\n", fmt::join(roots, ", "));
  return out;
}

std::string format_model_parameters(const ModelSpec& spec) {
  std::string out = fmt::format("model {} ({}): {} numeric parameters\n", spec.name, spec.file,
                                spec.parameters.size());
  out += format_model_overview(spec);
  out += "parameters and their sources:\n";
  for (const auto& p : spec.parameters)
    out += fmt::format("  {} = {}  [{}]\n", p.field, p.value,
                       p.source.empty() ? "NO SOURCE" : p.source);
  if (!spec.references.empty()) {
    out += "references:\n";
    for (const auto& [key, cite] : spec.references) out += fmt::format("  {}: {}\n", key, cite);
  }
  return out;
}

}  // namespace dembones
