#include "sweep/sweep_expand.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>

#include "common/shell_quote.hpp"
#include "scenario/run_writer.hpp"  // sha256_hex
#include "scenario/scenario_file.hpp"  // resolve_relative
#include "scenario/scenario_runner.hpp"  // check_scenario_files, check_impairment_selectors
#include "scenario/yaml_fields.hpp"
#include "sweep/sweep_random.hpp"

namespace dembones {

namespace {

std::string number_text(double x) { return fmt::format("{}", x); }

// Units of a numeric field from its name (docs/scenarios.md: units are in the field names).
std::string units_of(const std::string& path) {
  static const std::pair<const char*, const char*> suffixes[] = {
      {"_kg", "kg"}, {"_m_s", "m/s"}, {"_m", "m"}, {"_s", "s"}, {"_deg", "deg"}, {"_rad", "rad"}, {"_hz", "Hz"},
      {"_Nm", "N*m"}, {"_N", "N"}};
  for (const auto& [suffix, units] : suffixes) {
    const std::string s = suffix;
    if (path.size() > s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0) return units;
  }
  return "1";
}

// A value drawn for a field from u in [0, 1) (a list picks floor(u·k)); for normal fields in the
// random design, `z` is the standard normal drawn for it.
std::string value_from_u(const VariedField& v, double u) {
  switch (v.kind) {
    case ValueSetKind::list: {
      const auto k = static_cast<std::size_t>(u * static_cast<double>(v.values.size()));
      return v.values[std::min(k, v.values.size() - 1)];
    }
    case ValueSetKind::uniform: return number_text(v.a + (v.b - v.a) * u);
    case ValueSetKind::normal: {
      // p must be in (0, 1); u = 0 has probability 2^-53 per draw.
      const double p = std::max(u, 0x1.0p-54);
      return number_text(v.a + v.b * inverse_normal_cdf(p));
    }
  }
  return {};
}

void expand_grid(const SweepSpec& spec, SweepPlan& plan) {
  std::size_t total = 1;
  for (const VariedField& v : spec.vary) {
    total *= v.values.size();
    // Every run's scenario is built and checked before the first runs: about 6 minutes and 2.5 GB per
    // million runs on one core (sweep-design audit: 10^7 would have taken an hour and 25 GB unsaid).
    if (total > 1'000'000)
      throw InputError(v.where, "the grid has more than 1,000,000 runs (each is checked before the first starts: about "
                                "6 minutes and 2.5 GB per million); use design latin_hypercube or random, or split it "
                                "into several sweeps");
  }
  std::vector<std::size_t> idx(spec.vary.size(), 0);
  for (std::size_t r = 0; r < total; ++r) {
    SweepRunSpec run{static_cast<int>(r), {}};
    for (std::size_t k = 0; k < spec.vary.size(); ++k) run.values.push_back(spec.vary[k].values[idx[k]]);
    plan.runs.push_back(std::move(run));
    // Odometer: the last field varies fastest.
    for (std::size_t k = spec.vary.size(); k-- > 0;) {
      if (++idx[k] < spec.vary[k].values.size()) break;
      idx[k] = 0;
    }
  }
}

void expand_zip(const SweepSpec& spec, SweepPlan& plan) {
  const std::size_t n = spec.vary.front().values.size();
  for (std::size_t r = 0; r < n; ++r) {
    SweepRunSpec run{static_cast<int>(r), {}};
    for (const VariedField& v : spec.vary) run.values.push_back(v.values[r]);
    plan.runs.push_back(std::move(run));
  }
}

// Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21:239): for each field in file
// order, a Fisher–Yates permutation π of the n strata (draws for i = n-1 … 1, j = uniform_index(i+1)),
// then run i gets u = (π(i) + jitter_i) / n with jitter_i = uniform01 for i = 0 … n-1 (a list field:
// jitter_0 for every run, so its values are used n/k +-1 times). Each field's
// n values therefore hit each of its n equal-probability strata exactly once.
void expand_latin_hypercube(const SweepSpec& spec, SweepPlan& plan) {
  const auto n = static_cast<std::size_t>(spec.samples);
  std::mt19937_64 rng(spec.seed);
  plan.runs.resize(n);
  for (std::size_t r = 0; r < n; ++r) plan.runs[r].index = static_cast<int>(r);
  std::vector<std::size_t> perm(n);
  for (const VariedField& v : spec.vary) {
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    for (std::size_t i = n; i-- > 1;) std::swap(perm[i], perm[uniform_index(rng, i + 1)]);
    double offset = 0.0;  // a list field's: run 0's jitter, the same for all its runs
    for (std::size_t r = 0; r < n; ++r) {
      // The jitter is drawn for every run of every field (the draws of the fields after it do not
      // depend on its kind). A list field takes one offset for all its strata, so that each of its k
      // values is used n/k times (+-1) as documented (with a jitter per stratum, a stratum across a value
      // boundary took either value: 10 kg 3 times in 5 runs of [5, 10, 15]; sweep-design audit), and
      // the values that get the extra runs change with the seed (with the strata's centres they did not;
      // review).
      const double jitter = uniform01(rng);
      if (r == 0) offset = jitter;
      const double u = (static_cast<double>(perm[r]) + (v.kind == ValueSetKind::list ? offset : jitter)) /
                       static_cast<double>(n);
      plan.runs[r].values.push_back(value_from_u(v, std::min(u, 1.0 - 0x1.0p-53)));
    }
  }
}

// Independent draws: run by run, field by field in file order; a list or uniform field takes one
// uniform01 draw, a normal field one standard_normal (two draws).
void expand_random(const SweepSpec& spec, SweepPlan& plan) {
  std::mt19937_64 rng(spec.seed);
  for (int r = 0; r < spec.samples; ++r) {
    SweepRunSpec run{r, {}};
    for (const VariedField& v : spec.vary) {
      if (v.kind == ValueSetKind::normal)
        run.values.push_back(number_text(v.a + v.b * standard_normal(rng)));
      else
        run.values.push_back(value_from_u(v, uniform01(rng)));
    }
    plan.runs.push_back(std::move(run));
  }
}

// "impairments[0].strength_scale" (FieldReader) -> "impairments.0.strength_scale" (--set paths).
std::string dotted(const std::string& field) {
  std::string out;
  for (char c : field) {
    if (c == '[') out += '.';
    else if (c != ']') out += c;
  }
  return out;
}

bool starts_with_path(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0 &&
         (s.size() == prefix.size() || s[prefix.size()] == '.');
}

}  // namespace

double parameter_number(const std::string& value) {
  const char* begin = value.c_str();
  char* end = nullptr;
  const double x = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  return x;
}

std::string parameter_label(const std::string& value) {
  try {
    const YAML::Node n = YAML::Load(value);
    if (n.IsScalar()) return n.Scalar();
  } catch (const YAML::Exception&) {
  }
  return value;
}

namespace {

// The YAML of a file as parsed (comments and layout dropped) without its description: what defines
// the runs, not how the file is written.
std::string semantic_yaml(YAML::Node root) {
  root = YAML::Clone(root);
  if (root.IsMap()) root.remove("description");
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

// The scenario fields that name a file the runs read.
constexpr const char* kInputFileFields[] = {"model", "task.file", "external_forces.file"};

// The text of a file the runs read, for the fingerprint: a changed model between a crash and its
// resume must not mix two models in one file.
std::string file_text_or_missing(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<missing>";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything that defines the runs, independent of how the paths are spelt and of the working
// directory (a Slurm shard rerun by hand with an absolute path, a resume from another folder): the
// sweep and its base scenario as parsed (`set:` and --set applied), and the text of every file the
// runs read (the model, a motion or force table), by the value the scenario gives and its content.
std::string sweep_identity(const SweepSpec& spec) {
  std::string identity = "--- sweep\n" + semantic_yaml(YAML::Load(spec.text)) + "\n--- base\n" + semantic_yaml(spec.base);
  for (const char* key : kInputFileFields) {
    std::vector<std::string> values;
    YAML::Node n = spec.base;
    bool found = true;
    std::string part, path = key;
    for (std::size_t start = 0; start <= path.size();) {
      const std::size_t dot = std::min(path.find('.', start), path.size());
      part = path.substr(start, dot - start);
      if (!n.IsMap() || !n[part]) {
        found = false;
        break;
      }
      YAML::Node next = n[part];
      n.reset(next);
      start = dot + 1;
    }
    if (found && n.IsScalar()) values.push_back(n.Scalar());
    for (const VariedField& v : spec.vary)
      if (v.path == key)
        for (const std::string& value : v.values) values.push_back(value);
    // The value as the runs read it: a name that needs YAML quoting ("[b]lifter.yaml") is varied as
    // its quoted YAML text, which names no file (its content was left out: a review).
    for (const std::string& value : values)
      identity += fmt::format("\n--- {} {}\n", key, value) +
                  file_text_or_missing(resolve_relative(spec.base_file, parameter_label(value)));
  }
  return identity;
}

}  // namespace

std::vector<VariedInputFile> varied_input_files(const SweepSpec& spec) {
  std::vector<VariedInputFile> files;
  for (const char* key : kInputFileFields)
    for (const VariedField& v : spec.vary) {
      if (v.path != key) continue;
      for (const std::string& value : v.values) {
        const std::string label = parameter_label(value);
        if (std::any_of(files.begin(), files.end(),
                        [&](const VariedInputFile& f) { return f.field == key && f.value == label; }))
          continue;
        VariedInputFile f{key, label, file_text_or_missing(resolve_relative(spec.base_file, label)), ""};
        f.sha256 = sha256_hex(f.text);
        files.push_back(std::move(f));
      }
    }
  return files;
}

SweepPlan expand_sweep(const SweepSpec& spec) {
  SweepPlan plan;
  switch (spec.design) {
    case SweepDesign::grid: expand_grid(spec, plan); break;
    case SweepDesign::zip: expand_zip(spec, plan); break;
    case SweepDesign::latin_hypercube: expand_latin_hypercube(spec, plan); break;
    case SweepDesign::random: expand_random(spec, plan); break;
  }
  for (std::size_t k = 0; k < spec.vary.size(); ++k) {
    SweepParameter p{spec.vary[k].path, true, ""};
    for (const SweepRunSpec& r : plan.runs)
      if (std::isnan(parameter_number(r.values[k]))) p.numeric = false;
    p.units = p.numeric ? units_of(p.path) : "-";
    plan.parameters.push_back(std::move(p));
  }
  plan.fingerprint = sha256_hex(sweep_identity(spec));
  return plan;
}

ScenarioSpec make_run_scenario(const SweepSpec& spec, const SweepPlan& plan, int index,
                               const ScenarioParseOptions& options,
                               const std::function<void(const ScenarioSpec&)>& check) {
  const SweepRunSpec& run = plan.runs.at(static_cast<std::size_t>(index));
  YAML::Node root = YAML::Clone(spec.base);
  try {
    for (std::size_t k = 0; k < spec.vary.size(); ++k) apply_override(root, Override{spec.vary[k].path, run.values[k]}, spec.file);
    ScenarioSpec s = parse_scenario(root, spec.base_file, options);
    // A prescribed angle that the generator later cannot meet names its vary entry, not the base file.
    for (const VariedField& v : spec.vary) relocate_prescribed_angles(s, v.path, v.where);
    if (check) check(s);
    return s;
  } catch (const InputError& e) {
    // Point at the vary entry the error is about, else at `base:` (then a fixed override or the
    // combination is at fault).
    const std::string field = dotted(e.where().field);
    Location where = spec.base_where;
    bool varied = false;
    for (const VariedField& v : spec.vary)
      if (!field.empty() && (starts_with_path(field, v.path) || starts_with_path(v.path, field))) {
        where = v.where;
        varied = true;
      }
    // A field missing from an item that only a vary entry made (impairments.0.length_scale varied on a
    // base without impairments: impairments.0.type missing): that entry, and what to do about it.
    std::string hint;
    for (const VariedField& v : spec.vary) {
      if (varied || field.empty()) break;
      for (std::string holder = v.path; !varied;) {
        const std::size_t dot = holder.rfind('.');
        if (dot == std::string::npos) break;
        holder.resize(dot);
        if (!starts_with_path(field, holder) || in_file(spec.base, holder)) continue;
        where = v.where;
        varied = true;
        hint = fmt::format(" (the base scenario has no '{}', which this entry's values make on their own: give it "
                           "there, or vary the whole '{}' with complete values)", holder, holder);
      }
    }
    // A value of `set:` (or --set) at fault: its entry, not `base:`.
    if (!varied)
      for (std::size_t i = 0; i < spec.fixed.size() && i < spec.fixed_where.size(); ++i)
        if (!field.empty() && (starts_with_path(field, spec.fixed[i].path) || starts_with_path(spec.fixed[i].path, field))) {
          where = spec.fixed_where[i];
          varied = true;
        }
    std::string values;
    for (std::size_t k = 0; k < spec.vary.size(); ++k)
      values += fmt::format("{}{} = {}", k ? ", " : "", spec.vary[k].path, parameter_label(run.values[k]));
    // A value the sweep put in: the base file's line and column would be those of the node the value
    // replaced (or 1:1 for one it added), which say nothing; the vary entry is located already.
    const std::string inner = varied ? fmt::format("field '{}': {}", e.where().field, e.message()) : e.what();
    throw InputError(where, fmt::format("run {:05d} ({}): {}{}", index, values, inner, hint));
  }
}

void check_varied_files(const SweepSpec& spec, const SweepPlan& plan) {
  ModelCache models;
  for (std::size_t k = 0; k < spec.vary.size(); ++k) {
    const VariedField& v = spec.vary[k];
    if (v.path != "model" && v.path != "task.file") continue;
    std::vector<std::string> seen;
    for (const SweepRunSpec& r : plan.runs) {
      if (std::find(seen.begin(), seen.end(), r.values[k]) != seen.end()) continue;
      seen.push_back(r.values[k]);
      const ScenarioSpec s = make_run_scenario(spec, plan, r.index, {.keep_text = false});
      try {
        check_scenario_files(s, models);
      } catch (const InputError& e) {
        throw InputError(v.where, fmt::format("run {:05d} ({} = {}): {}", r.index, v.path,
                                              parameter_label(r.values[k]), e.what()));
      }
    }
  }
}

std::vector<ScenarioSpec> validate_sweep(const SweepSpec& spec, const SweepPlan& plan, const std::vector<int>& runs) {
  check_varied_files(spec, plan);
  ModelCache models;
  const auto selectors = [&](const ScenarioSpec& s) { check_impairment_selectors(s, models); };
  std::vector<ScenarioSpec> out;
  if (runs.empty()) {
    out.reserve(plan.runs.size());
    for (const SweepRunSpec& r : plan.runs) out.push_back(make_run_scenario(spec, plan, r.index, {}, selectors));
  } else {
    out.reserve(runs.size());
    for (int r : runs) out.push_back(make_run_scenario(spec, plan, r, {}, selectors));
  }
  return out;
}

std::string format_run_table(const SweepSpec& spec, const SweepPlan& plan, std::size_t of_runs) {
  std::vector<std::string> header{"run"};
  for (const SweepParameter& p : plan.parameters) header.push_back(p.path);
  std::vector<std::vector<std::string>> rows;
  for (const SweepRunSpec& r : plan.runs) {
    std::vector<std::string> row{fmt::format("{:05d}", r.index)};
    for (const std::string& v : r.values) row.push_back(parameter_label(v));
    rows.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string out = fmt::format("{}: {} run{}{}, design {}, base {}", spec.file, plan.runs.size(),
                                plan.runs.size() == 1 ? "" : "s", of_runs > 0 ? fmt::format(" of {}", of_runs) : "",
                                to_string(spec.design), shell_quoted(spec.base_file));
  // Every run also gets the sweep's set: and --set values: a run repeated alone needs them too
  // (`dembones run BASE --set ...`; they were left out of this list: provenance audit), shell-quoted
  // as YAML gives them (a quoted '007' stays a string) so that the line can be pasted.
  if (!spec.fixed.empty()) {
    out += "; every run also";
    for (const Override& f : spec.fixed) out += " --set " + shell_quoted(f.path + "=" + f.value);
  }
  out += "\n";
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c)
      out += fmt::format("{}{:<{}}", c ? "  " : "", cells[c], c + 1 == cells.size() ? 0 : width[c]);
    out += "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace dembones
