#include "scenario/motion_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include "common/error.hpp"
#include "io/text_table.hpp"
#include "scenario/yaml_fields.hpp"

namespace dembones {
namespace {

constexpr double kRadToDeg = 180.0 / std::numbers::pi;

// The table, a file that cannot be read reported at the scenario field that names it.
TextTable read_table(const MotionFileSpec& spec) {
  try {
    return read_text_table(spec.file);
  } catch (const IoError& e) {
    throw InputError(spec.where, fmt::format("motion file '{}': {}", spec.file, e.message()));
  }
}

Eigen::Index time_column(const TextTable& table, const MotionFileSpec& spec) {
  for (std::size_t c = 0; c < table.column_names.size(); ++c) {
    std::string lower = table.column_names[c];
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "time") return static_cast<Eigen::Index>(c);
  }
  throw InputError(spec.where, fmt::format("motion file '{}' has no 'time' column (expected time in s and one column "
                                           "of angles per model coordinate)", spec.file));
}

// The file line of data row r (0-based), for messages.
int line_of(const TextTable& table, Eigen::Index r) {
  return r < static_cast<Eigen::Index>(table.row_lines.size()) ? table.row_lines[static_cast<std::size_t>(r)] : 0;
}

// The file column driving each model coordinate (-1: held by task.fixed_deg), after checking that
// every mapping names a coordinate and a column, that every column drives something or is ignored, and
// that every coordinate is driven.
// kFollowsCoupling: a coordinate the file does not give that follows its coupling's other members.
// kFromCouplingColumn - c: a member of a coupling whose angle θ is column c (task.columns maps the
// coupling's name). kHeldLocked: a coordinate locked in the model that the file does not give.
constexpr Eigen::Index kHeldFixed = -1, kFollowsCoupling = -2, kFromCouplingColumn = -3, kHeldLocked = -1000000;

std::vector<Eigen::Index> column_of_each_coordinate(const MotionFileSpec& spec, const TextTable& table,
                                                    const Model& model, const std::map<std::string, double>& locked,
                                                    Eigen::Index t_col,
                                                    const std::vector<CoordinateCoupling>& couplings) {
  const std::vector<std::string>& coords = model.coordinate_names;
  std::vector<std::string> columns;  // the file's, without time
  for (std::size_t c = 0; c < table.column_names.size(); ++c)
    if (static_cast<Eigen::Index>(c) != t_col) columns.push_back(table.column_names[c]);
  auto is_coordinate = [&](const std::string& n) { return model.find_coordinate(n) >= 0; };

  auto is_coupling = [&](const std::string& n) {
    return std::any_of(couplings.begin(), couplings.end(), [&](const CoordinateCoupling& cc) { return cc.name == n; });
  };
  for (const auto& [coordinate, column] : spec.columns) {
    const Location& at = spec.columns_where.at(coordinate);
    if (!is_coordinate(coordinate) && !is_coupling(coordinate))
      throw InputError(at, fmt::format("the model has no coordinate '{}'{} (its coordinates: {})", coordinate,
                                       did_you_mean(coordinate, coords), fmt::join(coords, ", ")));
    if (table.find_column(column) < 0)
      throw InputError(at, fmt::format("motion file '{}' has no column '{}'{} (its columns: {})", spec.file, column,
                                       did_you_mean(column, columns), fmt::join(columns, ", ")));
  }
  for (const auto& [coordinate, angle] : spec.fixed) {
    if (!is_coordinate(coordinate))
      throw InputError(angle.where, fmt::format("the model has no coordinate '{}'{} (its coordinates: {})", coordinate,
                                                did_you_mean(coordinate, coords), fmt::join(coords, ", ")));
    if (spec.columns.count(coordinate) > 0 || (table.find_column(coordinate) >= 0 &&
                                               std::find(spec.ignore_columns.begin(), spec.ignore_columns.end(),
                                                         coordinate) == spec.ignore_columns.end()))
      throw InputError(angle.where, fmt::format("coordinate '{}' is driven by the motion file; hold it fixed only "
                                                "when the file does not give it (or list its column in "
                                                "task.ignore_columns)", coordinate));
  }
  const std::set<std::string> ignored(spec.ignore_columns.begin(), spec.ignore_columns.end());
  for (const std::string& c : spec.ignore_columns)
    if (table.find_column(c) < 0)
      throw InputError(spec.ignore_where, fmt::format("motion file '{}' has no column '{}'{} to ignore", spec.file, c,
                                                      did_you_mean(c, columns)));

  // Each coordinate's column: the mapped one, else the one of its name unless ignored.
  std::vector<Eigen::Index> source(coords.size(), -1);
  std::set<std::string> used;
  std::vector<std::string> undriven;
  for (std::size_t k = 0; k < coords.size(); ++k) {
    const auto mapped = spec.columns.find(coords[k]);
    std::string column = mapped != spec.columns.end() ? mapped->second : coords[k];
    if (mapped != spec.columns.end() && ignored.count(column) > 0)
      throw InputError(spec.columns_where.at(coords[k]),
                       fmt::format("column '{}' is mapped to '{}' and listed in task.ignore_columns", column, coords[k]));
    const Eigen::Index c = ignored.count(column) > 0 ? -1 : table.find_column(column);
    if (c >= 0) {
      source[k] = c;
      used.insert(column);
    } else if (locked.count(coords[k]) > 0 && spec.fixed.count(coords[k]) == 0) {
      source[k] = kHeldLocked;  // locked in the model: held at its default
    } else if (spec.fixed.count(coords[k]) == 0) {
      undriven.push_back(coords[k]);
    }
  }
  // A column mapped to a coupling (task.columns: {lumbar_rhythm: lumbar_extension}) is its angle θ:
  // each member not driven by a column of its own is r_k θ.
  for (const CoordinateCoupling& cc : couplings) {
    const auto mapped = spec.columns.find(cc.name);
    if (mapped == spec.columns.end()) continue;
    if (ignored.count(mapped->second) > 0)
      throw InputError(spec.columns_where.at(cc.name),
                       fmt::format("column '{}' is mapped to '{}' and listed in task.ignore_columns", mapped->second, cc.name));
    used.insert(mapped->second);
    for (int k : cc.coordinates) {
      const auto u = std::find(undriven.begin(), undriven.end(), coords[static_cast<std::size_t>(k)]);
      if (u == undriven.end()) continue;
      source[static_cast<std::size_t>(k)] = kFromCouplingColumn - table.find_column(mapped->second);
      undriven.erase(u);
    }
  }
  // An undriven member of a coupling follows it when the file gives another member.
  for (const CoordinateCoupling& cc : couplings) {
    const bool any_given = std::any_of(cc.coordinates.begin(), cc.coordinates.end(),
                                       [&](int k) { return source[static_cast<std::size_t>(k)] >= 0; });
    if (!any_given) continue;
    for (int k : cc.coordinates) {
      const auto u = std::find(undriven.begin(), undriven.end(), coords[static_cast<std::size_t>(k)]);
      if (u == undriven.end()) continue;
      source[static_cast<std::size_t>(k)] = kFollowsCoupling;
      undriven.erase(u);
    }
  }
  std::vector<std::string> unknown;
  for (const std::string& c : columns)
    if (used.count(c) == 0 && ignored.count(c) == 0) {
      // A column named like a coordinate that task.columns gives another column read as "'knee_angle'
      // (did you mean 'knee_angle'?)" (audit): say which column drives it.
      if (const auto mapped = spec.columns.find(c); mapped != spec.columns.end()) {
        unknown.push_back(fmt::format("'{}' (coordinate '{}' takes column '{}' by task.columns)", c, c, mapped->second));
        continue;
      }
      const std::string hint = closest_match(c, coords);
      unknown.push_back(hint.empty() ? "'" + c + "'" : fmt::format("'{}' (did you mean '{}'?)", c, hint));
    }
  if (!unknown.empty())
    throw InputError(spec.where,
                     fmt::format("motion file '{}': {} {} no coordinate of the model: {}. Name each column like the "
                                 "coordinate it drives (the model's: {}), map it (task.columns: {{coordinate: column}}) "
                                 "or list it in task.ignore_columns",
                                 spec.file, unknown.size() == 1 ? "column" : "columns",
                                 unknown.size() == 1 ? "drives" : "drive", fmt::join(unknown, ", "),
                                 fmt::join(coords, ", ")));
  if (!undriven.empty())
    throw InputError(spec.where,
                     fmt::format("motion file '{}' gives no column for {} {} (add the column, map one with "
                                 "task.columns, or hold the coordinate with task.fixed_deg: {{{}: 0}})",
                                 spec.file, undriven.size() == 1 ? "coordinate" : "coordinates",
                                 fmt::join(undriven, ", "), undriven.front()));
  return source;
}

// "the header does not say inDegrees=yes" hint for a value that looks like degrees read as radians.
std::string units_hint(const TextTable& table, const std::string& unit, double value) {
  if (unit != "rad" || table.in_degrees || std::abs(value) <= 2.0 * std::numbers::pi) return "";
  return "; the file is read in radians (a .mot/.sto header says inDegrees=yes for degrees; a CSV is always "
         "read in radians): are its angles in degrees?";
}

}  // namespace

MotionSamples read_motion_file(const MotionFileSpec& spec, const Model& model, const VecX& q_min, const VecX& q_max,
                               const std::vector<CoordinateCoupling>& couplings,
                               const std::map<std::string, double>& locked) {
  if (model.nq != model.nv)
    throw InputError(spec.where, "motion files drive models without ball or free joints (one value per coordinate)");
  const TextTable table = read_table(spec);
  const Eigen::Index t_col = time_column(table, spec);
  const Eigen::Index rows = table.data.rows();
  if (rows < 2)
    throw InputError(spec.where, fmt::format("motion file '{}' has {} data rows; a motion needs at least 2", spec.file, rows));
  const std::vector<Eigen::Index> source = column_of_each_coordinate(spec, table, model, locked, t_col, couplings);
  const std::vector<std::string> units = model.coordinate_units();

  MotionSamples m;
  m.time = table.data.col(t_col);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const Location at{spec.file, line_of(table, r), 0, table.column_names[static_cast<std::size_t>(t_col)]};
    if (!std::isfinite(m.time(r))) throw InputError(at, fmt::format("time {} is not a finite number", m.time(r)));
    if (r > 0 && !(m.time(r) > m.time(r - 1)))
      throw InputError(at, fmt::format("time {} s does not increase (previous row: {} s)", m.time(r), m.time(r - 1)));
  }
  m.q = MatX::Zero(rows, model.nq);
  double largest_angle_deg = -1.0;  // over the angle columns read in degrees (none: -1)
  for (int k = 0; k < model.nv; ++k) {
    const std::string& name = model.coordinate_names[static_cast<std::size_t>(k)];
    const std::string& unit = units[static_cast<std::size_t>(k)];
    const bool degrees = unit == "rad" && table.in_degrees;
    const double to_si = degrees ? std::numbers::pi / 180.0 : 1.0;
    const std::string shown = degrees ? "deg" : unit;
    const double lo = q_min(k) - kMotionRangeTolerance_rad, hi = q_max(k) + kMotionRangeTolerance_rad;
    auto range_text = [&] {
      std::string t = fmt::format("{:.6g} to {:.6g} {}", q_min(k) / to_si, q_max(k) / to_si, shown);
      if (shown == "rad") t += fmt::format(" ({:.6g} to {:.6g} deg)", q_min(k) * kRadToDeg, q_max(k) * kRadToDeg);
      return t;
    };
    if (source[static_cast<std::size_t>(k)] == kFollowsCoupling) continue;  // below, from the given members
    if (source[static_cast<std::size_t>(k)] == kHeldLocked) {
      m.q.col(k).setConstant(locked.at(name));
      continue;
    }
    double ratio = 1.0;  // the coordinate is ratio x the column (a coupling's angle, or its own)
    Eigen::Index column = source[static_cast<std::size_t>(k)];
    if (column <= kFromCouplingColumn) {
      column = kFromCouplingColumn - column;
      for (const CoordinateCoupling& cc : couplings)
        for (std::size_t i = 0; i < cc.coordinates.size(); ++i)
          if (cc.coordinates[i] == k && spec.columns.count(cc.name) > 0) ratio = cc.ratios[i];
    }
    if (source[static_cast<std::size_t>(k)] == kHeldFixed) {  // task.fixed_deg
      const PrescribedAngle& a = spec.fixed.at(name);
      if (unit != "rad") throw InputError(a.where, fmt::format("coordinate '{}' is a translation (m), not an angle", name));
      if (!(a.rad >= lo && a.rad <= hi))
        throw InputError(a.where, fmt::format("{:g} deg is outside the model's range of '{}', {:.6g} to {:.6g} deg", a.rad * kRadToDeg,
                                              name, q_min(k) * kRadToDeg, q_max(k) * kRadToDeg));
      m.q.col(k).setConstant(a.rad);
      continue;
    }
    const Eigen::Index c = column;
    const std::string& label = table.column_names[static_cast<std::size_t>(c)];
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double v = table.data(r, c);
      const Location at{spec.file, line_of(table, r), 0, label};
      if (!std::isfinite(v))
        throw InputError(at, fmt::format("{} is not a number (t = {:g} s): a gap in the capture? Fill it "
                                         "(interpolate across it) or cut the trial there",
                                         v, m.time(r)));
      const double si = ratio * v * to_si;
      if (!(si >= lo && si <= hi))
        throw InputError(at, fmt::format("{:g} {} (t = {:g} s) is outside the model's range of '{}', {}{}{}", v, shown,
                                         m.time(r), name, range_text(),
                                         ratio != 1.0 ? fmt::format(" (the column times its share {:g})", ratio) : "",
                                         units_hint(table, unit, v)));
      m.q(r, k) = si;
    }
    if (degrees) largest_angle_deg = std::max(largest_angle_deg, table.data.col(c).cwiseAbs().maxCoeff());
  }
  // Radians under a header that says degrees read as a posture within 3 deg of neutral: a lift ran
  // as quiet standing, 643 N at L5/S1 for 3860 (audit). A real trial in degrees moves more than that,
  // but a quiet-standing one may not: a note, not an error.
  if (largest_angle_deg >= 0.0 && largest_angle_deg <= std::numbers::pi)
    m.notes.push_back(fmt::format("'{}' says inDegrees=yes, but its angles all lie within {:.2f} deg of zero: if "
                                  "they are radians (as a lift's would be), set inDegrees=no",
                                  spec.file, largest_angle_deg));
  for (const CoordinateCoupling& cc : couplings) {
    double rr = 0.0;  // Σ r_k² over the members the file gives
    for (std::size_t i = 0; i < cc.coordinates.size(); ++i)
      if (source[static_cast<std::size_t>(cc.coordinates[i])] >= 0) rr += cc.ratios[i] * cc.ratios[i];
    for (std::size_t j = 0; j < cc.coordinates.size(); ++j) {
      const int k = cc.coordinates[j];
      if (source[static_cast<std::size_t>(k)] != kFollowsCoupling || !(rr > 0.0)) continue;
      for (Eigen::Index r = 0; r < rows; ++r) {
        double rq = 0.0;
        for (std::size_t i = 0; i < cc.coordinates.size(); ++i)
          if (source[static_cast<std::size_t>(cc.coordinates[i])] >= 0) rq += cc.ratios[i] * m.q(r, cc.coordinates[i]);
        // Within the range: the members given are, and the coupling's ranges are its ratios times one.
        m.q(r, k) = std::clamp(cc.ratios[j] * rq / rr, q_min(k), q_max(k));
      }
    }
  }
  return m;
}

}  // namespace dembones
