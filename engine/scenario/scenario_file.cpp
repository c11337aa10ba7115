#include "scenario/scenario_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <numbers>
#include <tuple>
#include <vector>

#include "io/output_path.hpp"
#include "scenario/yaml_fields.hpp"

namespace dembones {

const char* to_string(TaskType t) {
  switch (t) {
    case TaskType::lift: return "lift";
    case TaskType::lower: return "lower";
    case TaskType::hold: return "hold";
    case TaskType::stand: return "stand";
    case TaskType::forward_bend: return "forward_bend";
    case TaskType::sit_to_stand: return "sit_to_stand";
    case TaskType::stand_to_sit: return "stand_to_sit";
    case TaskType::motion_file: return "motion_file";
  }
  return "?";
}

const char* to_string(Technique t) {
  switch (t) {
    case Technique::stoop: return "stoop";
    case Technique::squat: return "squat";
    case Technique::semi_squat: return "semi_squat";
    case Technique::custom: return "custom";
  }
  return "?";
}

std::string resolve_relative(const std::string& scenario_path, const std::string& file) {
  namespace fs = std::filesystem;
  fs::path p(file);
  if (p.is_absolute()) return p.string();
  return (fs::path(scenario_path).parent_path() / p).lexically_normal().string();
}

namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;

// A file a scenario names (model, motion, forces) is read relative to the scenario's folder; when it
// is missing, say what was written and where it was looked for (from the working directory the
// resolved path alone read as if it were the one written).
std::string resolved_file(FieldReader& r, const std::string& key, const std::string& kind, const std::string& scenario_path) {
  const std::string written = r.string(key);
  const std::string file = resolve_relative(scenario_path, written);
  if (std::error_code ec; !std::filesystem::is_regular_file(file, ec)) {
    const bool folder = std::filesystem::is_directory(file, ec);
    const std::string what = folder ? fmt::format("'{}' is a folder, not a {}", written, kind)
                                    : fmt::format("no such {} '{}'", kind, written);
    r.fail(key, std::filesystem::path(written).is_absolute()
                    ? what
                    : fmt::format("{} (looked for {}: a relative path is taken from the scenario file's folder)", what,
                                  std::filesystem::absolute(file, ec).lexically_normal().string()));
  }
  return file;
}

template <class Enum>
Enum pick(FieldReader& r, const std::string& key, const std::vector<std::pair<std::string, Enum>>& options,
          std::optional<Enum> fallback = std::nullopt) {
  std::vector<std::string> names;
  for (const auto& [n, v] : options) names.push_back(n);
  const std::string s = fallback ? r.choice_or(key, names, "") : r.choice(key, names);
  if (s.empty()) return *fallback;
  for (const auto& [n, v] : options)
    if (n == s) return v;
  return options.front().second;
}

double positive(FieldReader& r, const std::string& key, double value) {
  if (!(value > 0) || !std::isfinite(value)) r.fail(key, fmt::format("expected a positive number, got {}", value));
  return value;
}

double in_range(FieldReader& r, const std::string& key, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi))
    r.fail(key, fmt::format("expected a number from {:.10g} to {:.10g}, got {:.10g}", lo, hi, value));
  return value;
}

// Angles: `name_deg` in degrees (converted) or `name_rad`.
double angle_or(FieldReader& r, const std::string& stem, double fallback_rad) {
  if (r.has(stem + "_deg")) return r.number(stem + "_deg") * kDegToRad;
  return r.number_or(stem + "_rad", fallback_rad);
}

SagittalPoint read_point(FieldReader& parent, const std::string& key) {
  FieldReader r = parent.child(key);
  SagittalPoint p;
  p.forward_m = in_range(r, "forward_m", r.number("forward_m"), -1.0, 1.5);
  p.height_m = in_range(r, "height_m", r.number("height_m"), 0.0, 2.5);
  r.finish();
  return p;
}

BoxSpec read_box(FieldReader& parent, const std::string& key) {
  FieldReader r = parent.child(key);
  BoxSpec b;
  b.mass_kg = in_range(r, "mass_kg", r.number("mass_kg"), 0.0, 100.0);
  b.depth_m = in_range(r, "depth_m", r.number_or("depth_m", b.depth_m), 0.0, 1.5);
  b.height_m = in_range(r, "height_m", r.number_or("height_m", b.height_m), 0.0, 1.5);
  r.finish();
  return b;
}

// A mapping with the user's own keys (coordinate names), e.g. task.columns: each entry's key, value
// node and dotted field path.
std::vector<std::tuple<std::string, YAML::Node, std::string>> free_mapping(FieldReader& r, const std::string& key) {
  const YAML::Node n = r.node(key);
  if (!n.IsMap()) r.fail(key, "expected a mapping of coordinate names, e.g. {knee_angle: knee_angle_r}");
  std::vector<std::tuple<std::string, YAML::Node, std::string>> out;
  const std::string base = r.path().empty() ? key : r.path() + "." + key;
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    out.emplace_back(name, kv.second, base + "." + name);
  }
  return out;
}

// motion_file: the file and how its columns drive the model (checked against the model when the run
// is prepared: scenario/motion_file.cpp).
MotionFileSpec read_motion_spec(FieldReader& r, const std::string& scenario_path) {
  MotionFileSpec m;
  m.file = resolved_file(r, "file", "motion file", scenario_path);
  m.where = r.where("file");
  if (r.has("columns")) {
    for (const auto& [coordinate, value, field] : free_mapping(r, "columns")) {
      if (!value.IsScalar())
        throw InputError(location_of(value, r.file(), field), "expected the name of a column of the motion file");
      m.columns[coordinate] = value.as<std::string>();
      m.columns_where[coordinate] = location_of(value, r.file(), field);
    }
  }
  if (r.has("ignore_columns")) {
    m.ignore_columns = r.strings("ignore_columns");
    m.ignore_where = r.where("ignore_columns");
  }
  if (r.has("fixed_deg")) {
    for (const auto& [coordinate, value, field] : free_mapping(r, "fixed_deg"))
      m.fixed[coordinate] = PrescribedAngle{parse_number(value, r.file(), field) * kDegToRad,
                                            location_of(value, r.file(), field)};
  }
  return m;
}

// A task field that belongs to other task types (a `technique` on a stand) is named as such, with the
// types it applies to, rather than as an unknown field.
void reject_fields_of_other_tasks(const FieldReader& r, TaskType type) {
  static const std::vector<std::pair<std::string, std::vector<TaskType>>> kFields = {
      {"technique", {TaskType::lift, TaskType::lower, TaskType::hold}},
      {"weights", {TaskType::lift, TaskType::lower, TaskType::hold}},
      {"box", {TaskType::lift, TaskType::lower, TaskType::hold, TaskType::forward_bend}},
      {"start", {TaskType::lift, TaskType::lower}},
      {"end", {TaskType::lift, TaskType::lower}},
      {"position", {TaskType::hold}},
      {"low_point_knee_deg", {TaskType::lift, TaskType::lower}},
      {"low_point_hip_deg", {TaskType::lift, TaskType::lower}},
      {"low_point_trunk_inclination_deg", {TaskType::lift, TaskType::lower}},
      {"trunk_flexion_deg", {TaskType::forward_bend}},
      {"chair_height_m", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"hip_above_seat_m", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_trunk_inclination_deg", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_lumbar_share", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_hip_deg", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_knee_deg", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_ankle_deg", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_com_velocity_forward_m_s", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"seat_off_com_velocity_up_m_s", {TaskType::sit_to_stand, TaskType::stand_to_sit}},
      {"file", {TaskType::motion_file}},
      {"columns", {TaskType::motion_file}},
      {"ignore_columns", {TaskType::motion_file}},
      {"fixed_deg", {TaskType::motion_file}}};
  for (const auto& [key, types] : kFields) {
    if (!r.has(key) || std::find(types.begin(), types.end(), type) != types.end()) continue;
    std::string list;
    for (TaskType k : types) list += std::string(list.empty() ? "" : ", ") + to_string(k);
    r.fail(key, fmt::format("does not apply to a {} task (it is a field of: {})", to_string(type), list));
  }
}

TaskSpec read_task(FieldReader r, const std::string& scenario_path) {
  TaskSpec t;
  t.type = pick<TaskType>(r, "type",
                          {{"lift", TaskType::lift}, {"lower", TaskType::lower}, {"hold", TaskType::hold},
                           {"stand", TaskType::stand}, {"forward_bend", TaskType::forward_bend},
                           {"sit_to_stand", TaskType::sit_to_stand}, {"stand_to_sit", TaskType::stand_to_sit},
                           {"motion_file", TaskType::motion_file}});
  // A motion file's own time column sets its duration and timing: these would be ignored.
  if (t.type == TaskType::motion_file)
    for (const char* key : {"duration_s", "pause_s", "profile"})
      if (r.has(key))
        r.fail(key, "does not apply to a motion_file task (the file's time column sets the motion's duration and "
                    "timing)");
  t.duration_s = positive(r, "duration_s", r.number_or("duration_s", t.duration_s));
  t.pause_s = in_range(r, "pause_s", r.number_or("pause_s", 0.0), 0.0, 60.0);
  t.profile = pick<TimingProfile>(r, "profile",
                                  {{"minimum_jerk", TimingProfile::minimum_jerk}, {"linear", TimingProfile::linear}},
                                  TimingProfile::minimum_jerk);
  switch (t.type) {
    case TaskType::lift:
    case TaskType::lower: {
      t.technique = pick<Technique>(r, "technique",
                                    {{"stoop", Technique::stoop}, {"squat", Technique::squat},
                                     {"semi_squat", Technique::semi_squat}, {"custom", Technique::custom}});
      if (t.technique == Technique::custom) {
        FieldReader w = r.child("weights");
        for (const char* k : {"knee", "hip", "lumbar", "ankle", "trunk_upright"})
          if (w.has(k)) t.technique_weights[k] = in_range(w, k, w.number(k), 0.0, 1e3);
        w.finish();
        if (t.technique_weights.empty()) r.fail("weights", "expected at least one of knee, hip, lumbar, ankle, trunk_upright");
      } else if (r.has("weights")) {
        // Unread, it was "unknown field (did you mean 'weights'?)" (audit).
        r.fail("weights", fmt::format("applies only to technique: custom (the {} technique has its own weights): set "
                                      "technique: custom to give them",
                                      to_string(t.technique)));
      }
      t.box = read_box(r, "box");
      t.start = read_point(r, "start");
      t.end = read_point(r, "end");
      // Low-point posture (optional): the human ranges as for the seat-off angles (knee flexion up to
      // 150 deg, hip flexion up to 140 deg) and the trunk from upright to the range of trunk_flexion_deg;
      // the model's joint ranges, the box and balance are checked when the motion is generated.
      auto low_point = [&](const char* key, double lo_deg, double hi_deg) {
        return PrescribedAngle{in_range(r, key, r.number(key), lo_deg, hi_deg) * kDegToRad, r.where(key)};
      };
      if (r.has("low_point_knee_deg")) t.low_point_knee_flexion = low_point("low_point_knee_deg", 0.0, 150.0);
      if (r.has("low_point_hip_deg")) t.low_point_hip_flexion = low_point("low_point_hip_deg", 0.0, 140.0);
      if (r.has("low_point_trunk_inclination_deg"))
        t.low_point_trunk_inclination = low_point("low_point_trunk_inclination_deg", 0.0, 120.0);
      break;
    }
    case TaskType::hold:
      // Default: knees nearly straight (the stoop preset), the trunk free. Holding a box at waist height
      // a person stands and leans back against it; the semi-squat default drew the knees toward 45 deg
      // and the balance band then sat the hips back into a crouch (hold_close.yaml: knees 44 deg).
      t.technique = pick<Technique>(r, "technique",
                                    {{"stoop", Technique::stoop}, {"squat", Technique::squat},
                                     {"semi_squat", Technique::semi_squat}},
                                    Technique::stoop);
      t.box = read_box(r, "box");
      t.start = read_point(r, "position");
      t.end = t.start;
      break;
    case TaskType::forward_bend:
      t.trunk_flexion_rad = angle_or(r, "trunk_flexion", std::numeric_limits<double>::quiet_NaN());
      if (std::isnan(t.trunk_flexion_rad)) r.missing("trunk_flexion_deg");
      in_range(r, "trunk_flexion_deg", t.trunk_flexion_rad / kDegToRad, 0.0, 120.0);
      // Optional: a load carried in the hanging hands (Nachemson's lean holding 20 kg).
      if (r.has("box")) t.box = read_box(r, "box");
      break;
    case TaskType::sit_to_stand:
    case TaskType::stand_to_sit:
      t.chair_height_m = in_range(r, "chair_height_m", r.number("chair_height_m"), 0.25, 0.8);
      // NaN: not given; read_scenario sets it from the subject's stature.
      t.hip_above_seat_m = r.has("hip_above_seat_m")
                               ? in_range(r, "hip_above_seat_m", r.number("hip_above_seat_m"), 0.0, 0.3)
                               : std::numeric_limits<double>::quiet_NaN();
      // Seat-off posture (task_spec.hpp: Tully et al. 2005 by default).
      if (r.has("seat_off_trunk_inclination_deg"))
        t.seat_off_trunk_inclination_rad =
            in_range(r, "seat_off_trunk_inclination_deg", r.number("seat_off_trunk_inclination_deg"), 0.0, 80.0) *
            kDegToRad;
      if (r.has("seat_off_lumbar_share"))
        t.seat_off_lumbar_share = in_range(r, "seat_off_lumbar_share", r.number("seat_off_lumbar_share"), 0.0, 1.0);
      // Seat-off joint angles (optional): ranges of the human joints (hip flexion up to 140 deg, knee
      // flexion up to 150 deg, ankle from 40 deg of plantarflexion to 40 deg of dorsiflexion); the
      // model's own joint ranges are checked when the motion is generated.
      if (r.has("seat_off_hip_deg"))
        t.seat_off_hip_flexion_rad = in_range(r, "seat_off_hip_deg", r.number("seat_off_hip_deg"), 0.0, 140.0) * kDegToRad;
      if (r.has("seat_off_knee_deg"))
        t.seat_off_knee_flexion_rad =
            in_range(r, "seat_off_knee_deg", r.number("seat_off_knee_deg"), 0.0, 150.0) * kDegToRad;
      if (r.has("seat_off_ankle_deg"))
        t.seat_off_ankle_dorsiflexion_rad =
            in_range(r, "seat_off_ankle_deg", r.number("seat_off_ankle_deg"), -40.0, 40.0) * kDegToRad;
      // Dynamic seat-off (optional): the centre of mass's velocity as the rise leaves the seat. A
      // plausibility check only (a rise leaves the seat moving forward and not down; 1.5 m/s is past
      // any chair rise); whether the feet can take that momentum is checked on the generated motion.
      if (r.has("seat_off_com_velocity_forward_m_s"))
        t.seat_off_com_velocity_forward_m_s = in_range(r, "seat_off_com_velocity_forward_m_s",
                                                       r.number("seat_off_com_velocity_forward_m_s"), 0.0, 1.5);
      if (r.has("seat_off_com_velocity_up_m_s"))
        t.seat_off_com_velocity_up_m_s =
            in_range(r, "seat_off_com_velocity_up_m_s", r.number("seat_off_com_velocity_up_m_s"), 0.0, 1.5);
      break;
    case TaskType::motion_file:
      t.motion = read_motion_spec(r, scenario_path);
      break;
    case TaskType::stand:
      break;
  }
  reject_fields_of_other_tasks(r, t.type);
  r.finish();
  return t;
}

ImpairmentSpec read_impairment(FieldReader r, const YAML::Node& at, const std::string& file) {
  ImpairmentSpec m;
  m.where = location_of(at, file, r.path());
  m.type = pick<ImpairmentType>(r, "type",
                                {{"tight_muscle", ImpairmentType::tight_muscle},
                                 {"weak_muscle", ImpairmentType::weak_muscle},
                                 {"strong_muscle", ImpairmentType::strong_muscle},
                                 {"nerve_root", ImpairmentType::nerve_root},
                                 {"posture", ImpairmentType::posture}});
  auto selectors = [&] {
    const YAML::Node n = r.node("muscles");
    const std::string field = r.path().empty() ? "muscles" : r.path() + ".muscles";
    if (n.IsScalar()) {
      m.muscles_where.push_back(location_of(n, file, field));
      return std::vector<std::string>{n.Scalar()};
    }
    std::vector<std::string> list = r.strings("muscles");
    // An empty list selects nothing: the impairment would do nothing, silently.
    if (list.empty()) r.fail("muscles", "expected at least one muscle, group tag or '*', got an empty list");
    // Each selector's own line, so that a misspelt one in a long list is found where it is written.
    for (std::size_t k = 0; k < n.size(); ++k) m.muscles_where.push_back(location_of(n[k], file, field));
    return list;
  };
  // A field of another impairment type: "unknown field" would read as a misspelling.
  const bool selects_muscles = m.type == ImpairmentType::tight_muscle || m.type == ImpairmentType::weak_muscle ||
                               m.type == ImpairmentType::strong_muscle;
  if (!selects_muscles && r.has("muscles"))
    r.fail("muscles", fmt::format("does not apply to a {} impairment (a field of tight_muscle, weak_muscle and "
                                  "strong_muscle{})",
                                  m.type == ImpairmentType::nerve_root ? "nerve_root" : "posture",
                                  m.type == ImpairmentType::nerve_root ? "; a nerve_root impairment selects the muscles "
                                                                         "its `root` supplies"
                                                                       : ""));
  if (m.type != ImpairmentType::nerve_root && r.has("root"))
    r.fail("root", "does not apply to this impairment (a field of nerve_root; to select the muscles of a root here, "
                   "give the root in `muscles`, e.g. muscles: L4)");
  // The lifter is one leg and one arm chain for both sides (`sides: 2`): "unknown field" would read as a
  // misspelling of a field that does not exist for any impairment.
  if (r.has("side") || r.has("sides"))
    r.fail(r.has("side") ? "side" : "sides",
           "impairments act on both sides: the model is sagittal and symmetric (each muscle stands for the left and "
           "right one, `sides: 2`), so a one-sided impairment needs a bilateral model");
  switch (m.type) {
    case ImpairmentType::tight_muscle:
      m.muscles = selectors();
      m.length_scale = in_range(r, "length_scale", r.number("length_scale"), kMinLengthScale, 0.999);
      break;
    case ImpairmentType::weak_muscle:
      m.muscles = selectors();
      m.strength_scale = in_range(r, "strength_scale", r.number("strength_scale"), kMinStrengthScale, 1.0);
      break;
    case ImpairmentType::strong_muscle:
      m.muscles = selectors();
      m.strength_scale = in_range(r, "strength_scale", r.number("strength_scale"), 1.0, kMaxStrengthScale);
      break;
    case ImpairmentType::nerve_root: {
      m.root = r.choice("root", {"L1", "L2", "L3", "L4", "L5", "S1", "S2"});
      m.muscles_where.push_back(location_of(r.node("root"), file, r.path().empty() ? "root" : r.path() + ".root"));
      m.activation_cap = in_range(r, "activation_cap", r.number("activation_cap"), 0.0, 1.0);
      m.root_share = r.choice_or("multi_root", {"cap", "share"}, "cap") == "share";
      break;
    }
    case ImpairmentType::posture:
      m.pelvic_tilt_rad = angle_or(r, "pelvic_tilt", 0.0);
      m.lumbar_flexion_rad = angle_or(r, "lumbar_flexion", 0.0);
      in_range(r, "pelvic_tilt_deg", m.pelvic_tilt_rad / kDegToRad, -kMaxPostureOffset_deg, kMaxPostureOffset_deg);
      in_range(r, "lumbar_flexion_deg", m.lumbar_flexion_rad / kDegToRad, -kMaxPostureOffset_deg, kMaxPostureOffset_deg);
      break;
  }
  r.finish();  // a misspelt angle is named as such before the check below
  if (m.type == ImpairmentType::posture && !r.has("pelvic_tilt_deg") && !r.has("pelvic_tilt_rad") &&
      !r.has("lumbar_flexion_deg") && !r.has("lumbar_flexion_rad"))
    r.fail("type", "a posture impairment needs pelvic_tilt_deg or lumbar_flexion_deg (or both)");
  return m;
}

SolverSpec read_solver(FieldReader r) {
  SolverSpec s;
  s.rate_hz = in_range(r, "rate_hz", r.number_or("rate_hz", s.rate_hz), 10.0, 2000.0);
  s.exponent = r.integer_or("exponent", s.exponent);
  if (s.exponent != 2 && s.exponent != 3) r.fail("exponent", fmt::format("expected 2 or 3, got {}", s.exponent));
  // The default 6 Hz is lowered to 0.4 x the rate for slow rates (below 15 Hz), where it would be an
  // error the user never wrote; a cutoff given explicitly must fit the rate.
  s.filter_cutoff_hz = in_range(r, "filter_cutoff_hz",
                                r.number_or("filter_cutoff_hz", std::min(s.filter_cutoff_hz, 0.4 * s.rate_hz)), 0.5,
                                0.4 * s.rate_hz);
  s.reserve_optimal_force =
      positive(r, "reserve_optimal_force", r.number_or("reserve_optimal_force", s.reserve_optimal_force));
  // Bounded: a large threshold would hide frames the muscles cannot balance (the summary still names
  // the largest reserve under it).
  s.reserve_threshold_Nm =
      in_range(r, "reserve_threshold_Nm", r.number_or("reserve_threshold_Nm", s.reserve_threshold_Nm), 0.0, 50.0);
  s.elastic_tendon = r.choice_or("tendon", {"elastic", "rigid"}, "elastic") == "elastic";
  s.couple_coordinates = r.choice_or("couplings", {"enforce", "ignore"}, "enforce") == "enforce";
  r.finish();
  return s;
}

OutputSpec read_output(FieldReader r, const std::string& name) {
  OutputSpec o;
  o.file = r.string_or("file", name + ".h5");
  if (!hdf5_file_name(o.file)) r.fail("file", "'" + o.file + "': " + hdf5_file_name_expected(o.file));
  o.store = pick<StoreLevel>(r, "store", {{"full", StoreLevel::full}, {"summary", StoreLevel::summary}},
                             StoreLevel::full);
  o.compression = r.integer_or("compression", o.compression);
  if (o.compression < 0 || o.compression > 9)
    r.fail("compression", fmt::format("expected an integer from 0 to 9, got {}", o.compression));
  o.float32 = r.boolean_or("float32", false);
  r.finish();
  return o;
}

std::vector<std::string> three_columns(FieldReader& r, const std::string& key) {
  std::vector<std::string> c = r.strings(key);
  if (c.size() != 3)
    r.fail(key, fmt::format("expected 3 column labels (x, y, z), got {}", c.size()));
  return c;
}

ExternalForceSpec read_external_force(FieldReader r, const YAML::Node& at, const std::string& file, int index) {
  ExternalForceSpec f;
  f.where = location_of(at, file, r.path());
  f.body = r.string("body");
  f.name = r.string_or("name", fmt::format("{}_force{}", f.body, index));
  f.force_columns = three_columns(r, "force_columns");
  f.force_in_body = r.choice_or("frame", {"ground", "body"}, "ground") == "body";
  const bool fixed = r.has("point_m"), tracked = r.has("point_columns");
  if (fixed == tracked)
    r.fail("", "expected exactly one of point_m (a point fixed in the body, m) or point_columns (3 column labels)");
  if (fixed) {
    f.has_point_m = true;
    f.point_m = r.vector3("point_m");
    if (f.point_m.norm() > 5.0)  // as the table's points: millimetres read as metres (audit)
      r.fail("point_m", fmt::format("a point {:.4g} m from the body's origin: in millimetres? (points are in m)",
                                    f.point_m.norm()));
  } else {
    f.point_columns = three_columns(r, "point_columns");
    f.point_in_body = r.choice_or("point_frame", {"ground", "body"}, "ground") == "body";
  }
  r.finish();
  return f;
}

ExternalForcesSpec read_external_forces(FieldReader r, const std::string& scenario_path) {
  ExternalForcesSpec e;
  e.where = r.where("file");
  e.file = resolved_file(r, "file", "external forces file", scenario_path);
  int i = 0;
  for (const YAML::Node& item : r.sequence("forces")) {
    e.forces.push_back(
        read_external_force(r.element(item, fmt::format("{}.forces[{}]", r.path(), i)), item, scenario_path, i));
    ++i;
  }
  if (e.forces.empty()) r.fail("forces", "expected at least one force");
  if (r.has("filter_cutoff_hz")) {
    // Checked against the table's sampling rate when the table is read (load_external_forces).
    e.filter_where = r.where("filter_cutoff_hz");
    e.filter_cutoff_hz = positive(r, "filter_cutoff_hz", r.number("filter_cutoff_hz"));
  }
  r.finish();
  return e;
}

YAML::Node empty_map() { return YAML::Node(YAML::NodeType::Map); }

}  // namespace

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(Location{"", 0, 0, "--set"}, fmt::format("expected FIELD=VALUE, got '{}'", text));
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

void apply_override(YAML::Node& root, const Override& o, const std::string& file) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : o.path) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  YAML::Node value = load_yaml_string(o.value, "--set " + o.path);
  // yaml-cpp nodes are handles: walk down with copies that alias the tree.
  YAML::Node cur = root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    if (key.empty()) throw InputError(Location{file, 0, 0, o.path}, "--set: empty field name in the dotted path");
    const bool last = i + 1 == parts.size();
    // A field below a value (subject.mass_kg.x): yaml-cpp would throw from operator[] on a scalar.
    if (cur.IsScalar()) {
      std::string above;
      for (std::size_t j = 0; j < i; ++j) above += (j ? "." : "") + parts[j];
      throw InputError(Location{file, 0, 0, o.path},
                       fmt::format("--set: '{}' is a value ({}), not a mapping or list: it has no field '{}'", above,
                                   cur.Scalar(), key));
    }
    if (cur.IsSequence()) {
      char* end = nullptr;
      const long idx = std::strtol(key.c_str(), &end, 10);
      // Index size adds an item at the end (as `--set impairments.0.type=...` on a scenario without
      // impairments adds the first); any other index must name an existing item.
      if (*end != '\0' || idx < 0 || static_cast<std::size_t>(idx) > cur.size()) {
        std::string list;  // the dotted path of the list
        for (std::size_t j = 0; j < i; ++j) list += (j ? "." : "") + parts[j];
        throw InputError(Location{file, 0, 0, o.path},
                         cur.size() == 0
                             ? fmt::format("--set: '{}' is an empty list: no index {} (index 0 adds the first item, "
                                           "or set the whole list, e.g. --set '{}=[...]')", list, key, list)
                             : fmt::format("--set: '{}' has {} item{} (index 0{}, or {} to add one); got index '{}'",
                                           list, cur.size(), cur.size() == 1 ? "" : "s",
                                           cur.size() == 1 ? "" : fmt::format(" to {}", cur.size() - 1), cur.size(),
                                           key));
      }
      if (static_cast<std::size_t>(idx) == cur.size()) cur.push_back(last ? value : empty_map());
      if (last) {
        cur[idx] = value;
        return;
      }
      YAML::Node next = cur[idx];
      cur.reset(next);
      continue;
    }
    if (last) {
      cur[key] = value;
      return;
    }
    if (!cur[key] || cur[key].IsNull()) {
      // A numeric key below a missing field starts a list (impairments.0.type), any other a mapping.
      const std::string& below = parts[i + 1];
      const auto digits = [](const std::string& t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      };
      const bool index = digits(below);
      if (below.size() > 1 && below[0] == '-' && digits(below.substr(1)))
        throw InputError(Location{file, 0, 0, o.path},
                         fmt::format("--set: list indices count from 0 (index 0 adds the first item); got '{}'", below));
      cur[key] = index ? YAML::Node(YAML::NodeType::Sequence) : empty_map();
    }
    YAML::Node next = cur[key];
    cur.reset(next);
  }
}

ScenarioSpec parse_scenario(YAML::Node root, const std::string& path, const ScenarioParseOptions& options) {
  ScenarioSpec s;
  s.file = path;
  if (options.keep_text) {
    YAML::Emitter emitter;
    emitter << root;
    s.text = emitter.c_str();
    s.text += "\n";
  }
  FieldReader r(root, path, "");
  s.name = r.string("name");
  for (char c : s.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      r.fail("name", fmt::format("expected letters, digits, '_' or '-', got '{}'", s.name));
  s.description = r.string_or("description", "");
  // Checked here, where the field is known (the model is read when the run is prepared).
  s.model_file = resolved_file(r, "model", "model file", path);
  {
    FieldReader sub = r.child("subject");
    s.subject.height_m = in_range(sub, "height_m", sub.number("height_m"), 1.0, 2.3);
    s.subject.mass_kg = in_range(sub, "mass_kg", sub.number("mass_kg"), 25.0, 250.0);
    s.subject.sex = pick<Sex>(sub, "sex", {{"male", Sex::male}, {"female", Sex::female}});
    if (const std::string why = body_mass_index_problem(s.subject); !why.empty()) sub.fail("mass_kg", why);
    sub.finish();
  }
  s.task = read_task(r.child("task"), path);
  if (std::isnan(s.task.hip_above_seat_m)) s.task.hip_above_seat_m = kHipAboveSeatPerStature * s.subject.height_m;
  if (r.has("impairments")) {
    int i = 0;
    for (const YAML::Node& item : r.sequence("impairments")) {
      s.impairments.push_back(read_impairment(r.element(item, fmt::format("impairments[{}]", i)), item, path));
      ++i;
    }
  }
  // A posture offset shapes the generated motion; a motion file brings its own posture, which it would
  // leave unchanged without a word (impairment audit).
  if (s.task.type == TaskType::motion_file)
    for (const ImpairmentSpec& imp : s.impairments)
      if (imp.type == ImpairmentType::posture) {
        Location where = imp.where;
        where.field += ".type";
        throw InputError(where, "a posture impairment shifts the generated motion's posture; a motion_file task's "
                                "posture is the file's (change its angles, or use a generated task)");
      }
  s.solver = r.has("solver") ? read_solver(r.child("solver")) : SolverSpec{};
  // A generated motion needs at least 4 frames (3 intervals at the solver's rate) to be filtered and
  // differentiated, and at most an hour of them (the arrays are sized for the whole run).
  if (s.task.type != TaskType::motion_file) {
    FieldReader task = r.child("task");
    if (s.task.duration_s * s.solver.rate_hz < 3.0)
      task.fail("duration_s", fmt::format("expected at least 3 frame intervals at solver.rate_hz = {:g} ({:g} s), got {:g} s",
                                          s.solver.rate_hz, 3.0 / s.solver.rate_hz, s.task.duration_s));
    if (s.task.duration_s > 3600.0)
      task.fail("duration_s", fmt::format("expected at most 3600 s (an hour), got {:g} s", s.task.duration_s));
  }
  s.output = r.has("output") ? read_output(r.child("output"), s.name) : OutputSpec{s.name + ".h5"};
  if (r.has("external_forces")) s.external_forces = read_external_forces(r.child("external_forces"), path);
  r.finish();
  return s;
}

void relocate_prescribed_angles(ScenarioSpec& s, const std::string& path, const Location& where) {
  for (std::optional<PrescribedAngle>* a :
       {&s.task.low_point_knee_flexion, &s.task.low_point_hip_flexion, &s.task.low_point_trunk_inclination}) {
    if (!*a) continue;
    const std::string field = (*a)->where.field;
    if (field != path && !field.starts_with(path + ".")) continue;
    (*a)->where = where;
    (*a)->where.field = field;
  }
}

// Whether a dotted path ("impairments.0") names a node of the scenario file as written.
bool in_file(const YAML::Node& root, const std::string& dotted) {
  YAML::Node cur = root;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = std::min(dotted.find('.', start), dotted.size());
    const std::string key = dotted.substr(start, dot - start);
    YAML::Node next;
    if (cur.IsSequence()) {
      char* end = nullptr;
      const long idx = std::strtol(key.c_str(), &end, 10);
      if (*end != '\0' || idx < 0 || static_cast<std::size_t>(idx) >= cur.size()) return false;
      next = cur[idx];
    } else if (const YAML::Node& map = cur; map.IsMap() && map[key]) {  // const: a look-up adds no key
      next = map[key];
    } else {
      return false;
    }
    cur.reset(next);
    start = dot + 1;
  }
  return true;
}

ScenarioSpec load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  YAML::Node root = load_yaml_file(path);
  if (!root.IsMap()) throw InputError(location_of(root, path, ""), "expected a mapping of scenario fields");
  const YAML::Node original = YAML::Clone(root);
  for (const Override& o : overrides) apply_override(root, o, path);
  try {
    ScenarioSpec s = parse_scenario(root, path);
    // A prescribed angle set by --set has no line in the file: its errors (raised when the motion is
    // generated) name the override, as parse errors do below (the last override that set it wins).
    for (const Override& o : overrides)
      relocate_prescribed_angles(s, o.path, Location{fmt::format("--set {}={}", o.path, o.value), 0, 0, ""});
    // An impairment given or changed by --set: errors found when the run is prepared (a selector that
    // matches no muscle) name the override, not a line of the file, which may have no impairments.
    for (std::size_t k = 0; k < s.impairments.size(); ++k) {
      const std::string item = fmt::format("impairments.{}", k);
      const bool created = !in_file(original, item);
      const Override* by = nullptr;  // the override that set the selector, else the one that set the item
      for (auto o = overrides.rbegin(); o != overrides.rend() && !by; ++o)
        if (o->path == item + ".muscles" || o->path == item + ".root") by = &*o;
      for (auto o = overrides.rbegin(); o != overrides.rend() && !by; ++o)
        if (o->path == "impairments" || o->path == item || (created && o->path.starts_with(item + "."))) by = &*o;
      if (by) {
        Location& where = s.impairments[k].where;
        where = Location{fmt::format("--set {}={}", by->path, by->value), 0, 0, where.field};
        s.impairments[k].muscles_where.clear();  // the override's text has no line in the file
      }
    }
    // A motion or force table given by --set: errors found when it is read (a missing column, too few
    // rows) name the override, not the file's 1:1 (audit).
    auto last_setting = [&](std::initializer_list<const char*> paths) -> const Override* {
      for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
        for (const char* p : paths)
          if (o->path == p) return &*o;
      return nullptr;
    };
    if (const Override* by = last_setting({"task.file", "task"}))
      s.task.motion.where = Location{fmt::format("--set {}={}", by->path, by->value), 0, 0, s.task.motion.where.field};
    if (const Override* by = last_setting({"external_forces.file", "external_forces"}); by && s.external_forces)
      s.external_forces->where =
          Location{fmt::format("--set {}={}", by->path, by->value), 0, 0, s.external_forces->where.field};
    return s;
  } catch (const InputError& e) {
    // A field set by --set has no line in the file: name the override instead (the last one that set
    // the field or a mapping or list holding it), not the file's 1:1 its value node's mark points at.
    std::string field = e.where().field;  // "impairments[0].x" -> "impairments.0.x", as --set writes it
    for (std::size_t open; (open = field.find('[')) != std::string::npos;) {
      const std::size_t close = field.find(']', open);
      field = field.substr(0, open) + "." + field.substr(open + 1, close - open - 1) + field.substr(close + 1);
    }
    auto blame = [&](const Override& o) {
      return InputError(Location{fmt::format("--set {}={}", o.path, o.value), 0, 0, e.where().field}, e.message());
    };
    for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
      if (field == o->path || field.starts_with(o->path + ".")) throw blame(*o);
    // A field missing from a list item or mapping that --set created (impairments.0.type=... on a
    // scenario without impairments): name the override that created it, not the file.
    for (std::string holder = field; !holder.empty();) {
      const std::size_t dot = holder.rfind('.');
      holder = dot == std::string::npos ? "" : holder.substr(0, dot);
      if (holder.empty() || in_file(original, holder)) break;
      for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
        if (o->path.starts_with(holder + ".")) throw blame(*o);
    }
    throw;
  }
}

}  // namespace dembones
