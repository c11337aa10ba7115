#include "sweep/sweep_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/output_path.hpp"
#include "scenario/scenario_file.hpp"  // resolve_relative
#include "scenario/yaml_fields.hpp"

namespace dembones {

const char* to_string(SweepDesign d) {
  switch (d) {
    case SweepDesign::grid: return "grid";
    case SweepDesign::zip: return "zip";
    case SweepDesign::latin_hypercube: return "latin_hypercube";
    case SweepDesign::random: return "random";
  }
  return "?";
}

const char* to_string(SeriesLevel s) {
  switch (s) {
    case SeriesLevel::none: return "none";
    case SeriesLevel::summary: return "summary";
    case SeriesLevel::full: return "full";
  }
  return "?";
}

namespace {

// YAML text that reads back as the same node (apply_override parses the value as YAML).
std::string emit(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << n;
  return e.c_str();
}

// Shortest text that reads back as the same double (fmt's "{}" is round-trip exact).
std::string number_text(double x) { return fmt::format("{}", x); }

double number_at(const YAML::Node& n, const std::string& file, const std::string& field) {
  return parse_number(n, file, field);
}

// The numbers of `{kind: [..]}`, exactly `count` of them.
std::vector<double> numbers_of(const YAML::Node& args, std::size_t count, const std::string& file,
                               const std::string& field, const char* form) {
  if (!args.IsSequence() || args.size() != count)
    throw InputError(location_of(args, file, field), fmt::format("expected {}", form));
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) {
    const double x = number_at(args[i], file, field);
    if (!std::isfinite(x)) throw InputError(location_of(args[i], file, field), "expected a finite number");
    out.push_back(x);
  }
  return out;
}

int point_count(const YAML::Node& args, double n, const std::string& file, const std::string& field) {
  if (n < 1 || n != std::floor(n) || n > 1e6)
    throw InputError(location_of(args[2], file, field),
                     fmt::format("expected a whole number of points from 1 to 1000000, got {}", n));
  return static_cast<int>(n);
}

VariedField read_varied(const std::string& path, const YAML::Node& key, const YAML::Node& value,
                        const std::string& file) {
  const std::string field = "vary." + path;
  VariedField v;
  v.path = path;
  v.where = location_of(key, file, field);
  if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos)
    throw InputError(v.where, fmt::format("expected a dotted scenario field such as task.box.mass_kg, got '{}'", path));
  if (value.IsSequence()) {
    if (value.size() == 0) throw InputError(v.where, "expected at least one value, got an empty list");
    for (const YAML::Node& item : value) v.values.push_back(emit(item));
    return v;
  }
  const char* expected =
      "expected a list of values, or a mapping with one of linspace: [a, b, n], logspace: [a, b, n], "
      "uniform: [a, b], normal: [mean, sd]";
  if (!value.IsMap() || value.size() != 1) throw InputError(v.where, expected);
  const std::string kind = value.begin()->first.Scalar();
  const YAML::Node args = value.begin()->second;
  const std::string kfield = field + "." + kind;
  if (kind == "linspace" || kind == "logspace") {
    const std::vector<double> x = numbers_of(args, 3, file, kfield, "[first, last, count]");
    const int n = point_count(args, x[2], file, kfield);
    if (kind == "logspace" && !(x[0] > 0 && x[1] > 0))
      throw InputError(location_of(args, file, kfield),
                       fmt::format("logspace spaces values geometrically from first to last: both must be positive, "
                                   "got {} and {}", x[0], x[1]));
    // numpy's linspace(60, 80, 1) is [60]: the last value silently dropped, rarely what was meant.
    if (n == 1 && x[0] != x[1])
      throw InputError(location_of(args, file, kfield),
                       fmt::format("a count of 1 would keep only the first value ({}) and drop the last ({}): give a "
                                   "count of at least 2, or a list such as [{}]",
                                   number_text(x[0]), number_text(x[1]), number_text(x[0])));
    if (kind == "linspace" && !std::isfinite(x[1] - x[0]))
      throw InputError(location_of(args, file, kfield),
                       fmt::format("the range from {} to {} is too wide to divide in doubles", x[0], x[1]));
    // logspace as numpy.geomspace: even steps of log10, so that decades come out exact (0.1 to 100 in 4:
    // 1 and 10, not 0.9999999999999999 and 9.999999999999998; sweep-design audit).
    const double l0 = std::log10(x[0]), l1 = std::log10(x[1]);
    for (int i = 0; i < n; ++i) {
      const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
      double xi = kind == "linspace" ? x[0] + (x[1] - x[0]) * t : std::pow(10.0, l0 + (l1 - l0) * t);
      if (i == 0) xi = x[0];                   // the first and last points exactly as written
      if (i == n - 1 && n > 1) xi = x[1];
      v.values.push_back(number_text(xi));
    }
    return v;
  }
  if (kind == "uniform") {
    const std::vector<double> x = numbers_of(args, 2, file, kfield, "[low, high]");
    if (!(x[0] < x[1]))
      throw InputError(location_of(args, file, kfield), fmt::format("expected low < high, got [{}, {}]", x[0], x[1]));
    if (!std::isfinite(x[1] - x[0]))
      throw InputError(location_of(args, file, kfield),
                       fmt::format("the range from {} to {} is too wide to draw from in doubles", x[0], x[1]));
    v.kind = ValueSetKind::uniform;
    v.a = x[0];
    v.b = x[1];
    return v;
  }
  if (kind == "normal") {
    const std::vector<double> x = numbers_of(args, 2, file, kfield, "[mean, standard deviation]");
    if (!(x[1] > 0))
      throw InputError(location_of(args, file, kfield),
                       fmt::format("expected a positive standard deviation, got {}", x[1]));
    v.kind = ValueSetKind::normal;
    v.a = x[0];
    v.b = x[1];
    return v;
  }
  throw InputError(location_of(value.begin()->first, file, field),
                   fmt::format("unknown value set '{}'{}: {}", kind,
                               did_you_mean(kind, {"linspace", "logspace", "uniform", "normal"}), expected));
}

std::string read_text(const std::string& path, const Location& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(where, fmt::format("cannot read the base scenario '{}'", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SweepOutputSpec read_output(FieldReader r, const std::string& name) {
  SweepOutputSpec o;
  o.file = r.string_or("file", name + ".h5");
  if (!hdf5_file_name(o.file)) r.fail("file", "'" + o.file + "': " + hdf5_file_name_expected(o.file));
  const std::string s = r.choice_or("series", {"none", "summary", "full"}, "summary");
  o.series = s == "none" ? SeriesLevel::none : s == "full" ? SeriesLevel::full : SeriesLevel::summary;
  o.compression = r.integer_or("compression", o.compression);
  if (o.compression < 0 || o.compression > 9)
    r.fail("compression", fmt::format("expected an integer from 0 to 9, got {}", o.compression));
  o.float32 = r.boolean_or("float32", false);
  r.finish();
  return o;
}

}  // namespace

SweepSpec parse_sweep(const YAML::Node& root_in, const std::string& text, const std::string& path,
                      const std::vector<Override>& extra_sets) {
  YAML::Node root = root_in;
  if (!root.IsMap()) throw InputError(location_of(root, path, ""), "expected a mapping of sweep fields");
  SweepSpec s;
  s.file = path;
  s.text = text;
  FieldReader r(root, path, "");
  s.name = r.string_or("name", std::filesystem::path(path).stem().string());
  for (char c : s.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      r.fail("name", fmt::format("expected letters, digits, '_' or '-', got '{}'", s.name));
  s.description = r.string_or("description", "");
  s.base_where = r.where("base");
  s.base_file = resolve_relative(path, r.string("base"));
  s.base_text = read_text(s.base_file, s.base_where);
  s.base = load_yaml_string(s.base_text, s.base_file);
  if (!s.base.IsMap()) throw InputError(s.base_where, "the base scenario is not a mapping of scenario fields");
  // Another sweep as the base: its own `base:` was reported as an unknown scenario field (audit).
  const YAML::Node& base = s.base;  // const: a lookup must not insert the key
  if (base["base"] && base["vary"])
    throw InputError(s.base_where, fmt::format("'{}' is a sweep file: a sweep's base is a scenario file (give that "
                                               "sweep's base, with its set: values in this sweep's set:)",
                                               s.base_file));
  if (base["bodies"] || base["joints"])
    throw InputError(s.base_where, fmt::format("'{}' is a model file: a sweep's base is a scenario file (which "
                                               "names its model; vary `model` to compare models)",
                                               s.base_file));

  const std::string design = r.choice_or("design", {"grid", "zip", "latin_hypercube", "random"}, "grid");
  s.design = design == "zip"               ? SweepDesign::zip
             : design == "latin_hypercube" ? SweepDesign::latin_hypercube
             : design == "random"          ? SweepDesign::random
                                           : SweepDesign::grid;
  const bool sampled = s.design == SweepDesign::latin_hypercube || s.design == SweepDesign::random;
  if (r.has("samples")) {
    if (!sampled) r.fail("samples", fmt::format("samples applies to designs latin_hypercube and random, not {}", design));
    // Read as a number first: 1e12 was "expected an integer", where the range is what is wrong (audit).
    const double samples = r.number("samples");
    if (!(samples >= 1 && samples <= 1'000'000 && samples == std::floor(samples)))
      r.fail("samples", fmt::format("expected a whole number of runs from 1 to 1000000 (each is checked before the "
                                    "first starts: about 6 minutes and 2.5 GB per million), got {:.15g}", samples));
    s.samples = static_cast<int>(samples);
  } else if (sampled) {
    r.fail("samples", fmt::format("missing required field (design {} draws this many runs)", design));
  }
  if (r.has("seed")) {
    if (!sampled) r.fail("seed", fmt::format("seed applies to designs latin_hypercube and random, not {}", design));
    const double seed = r.number("seed");
    if (seed < 0 || seed != std::floor(seed) || seed > 9.007199254740992e15)
      r.fail("seed", fmt::format("expected a whole number from 0 to 2^53, got {}", seed));
    s.seed = static_cast<std::uint64_t>(seed);
  }

  const YAML::Node vary = r.node("vary");
  if (!vary.IsMap() || vary.size() == 0)
    throw InputError(location_of(vary, path, "vary"), "expected a mapping of dotted scenario fields to their values");
  for (auto it = vary.begin(); it != vary.end(); ++it) {
    const std::string key = it->first.Scalar();
    for (const VariedField& other : s.vary) {
      if (other.path == key) throw InputError(location_of(it->first, path, "vary." + key), "field varied twice");
      // `task.box` and `task.box.mass_kg` both varied: the second overwrote part of the first's values
      // while /summary recorded both as given (audit).
      const std::string& outer = other.path.size() < key.size() ? other.path : key;
      const std::string& inner = other.path.size() < key.size() ? key : other.path;
      if (inner.starts_with(outer + "."))
        throw InputError(location_of(it->first, path, "vary." + key),
                         fmt::format("overlaps '{}', also varied: '{}' is part of '{}', so one would overwrite the "
                                     "other's values; vary only one of them",
                                     other.path, inner, outer));
    }
    // The output file is the sweep's (its own output section, or -o): a run's output fields but
    // `store` (what a series-full run records) are not used, so varying them changed nothing (audit).
    if ((key == "output" || key.starts_with("output.")) && key != "output.store")
      throw InputError(location_of(it->first, path, "vary." + key),
                       "a sweep writes one file, set by its own output section (or -o): the runs' output fields "
                       "but output.store are not used, so varying them changes nothing");
    s.vary.push_back(read_varied(key, it->first, it->second, path));
    const VariedField& v = s.vary.back();
    if (!sampled && v.kind != ValueSetKind::list)
      throw InputError(v.where, fmt::format("a distribution needs design latin_hypercube or random (with samples), "
                                            "not {}; give a list, linspace or logspace", design));
  }
  if (s.design == SweepDesign::zip)
    for (const VariedField& v : s.vary)
      if (v.values.size() != s.vary.front().values.size())
        throw InputError(v.where, fmt::format("design zip pairs the i-th values of every field: expected {} values "
                                              "(as {}), got {}", s.vary.front().values.size(),
                                              s.vary.front().path, v.values.size()));

  if (r.has("set")) {
    const YAML::Node set = r.node("set");
    if (!set.IsMap()) throw InputError(location_of(set, path, "set"), "expected a mapping of dotted fields to values");
    for (auto it = set.begin(); it != set.end(); ++it) {
      const std::string key = it->first.Scalar();
      s.fixed.push_back(Override{key, emit(it->second)});
      s.fixed_where.push_back(location_of(it->second, path, "set." + key));
    }
  }
  for (const Override& o : extra_sets) {
    // `--set vary.x=...` read as "run 00000: field 'vary': unknown field" (audit): say what --set reaches.
    const std::string head = o.path.substr(0, o.path.find('.'));
    for (const char* sweep_only : {"base", "design", "vary", "set", "samples", "seed"})
      if (head == sweep_only)
        throw InputError(Location{"", 0, 0, "--set " + o.path},
                         fmt::format("'{}' is a field of the sweep file, not of its base scenario: --set changes "
                                     "the base scenario of every run; edit the sweep file (or a copy) to change '{}'",
                                     head, head));
    // The runs' output fields but store are not used (as for vary): --set output.series=full read as
    // "run 00000: unknown field", --set output.file was accepted and did nothing (review).
    if ((o.path == "output" || o.path.starts_with("output.")) && o.path != "output.store")
      throw InputError(Location{"", 0, 0, "--set " + o.path},
                       "a sweep writes one file, set by its own output section: give -o, --series, --compression "
                       "or --float32 instead (of the runs' output fields only output.store is used)");
    s.fixed.push_back(o);
    s.fixed_where.push_back(Location{"", 0, 0, "--set " + o.path});
  }
  for (const Override& o : s.fixed) {
    for (const VariedField& v : s.vary) {
      if (v.path == o.path)
        throw InputError(v.where, fmt::format("'{}' is both varied and set to a fixed value", o.path));
      // A value set inside a varied field is replaced by each run's value (the runs' task.box replaced
      // the set task.box.mass_kg, while --list said every run got it; sweep-design audit).
      if (o.path.starts_with(v.path + "."))
        throw InputError(v.where, fmt::format("'{}' is varied as a whole, so the fixed value of '{}' inside it would be "
                                              "replaced in every run: put it in each varied value, or vary '{}' alone",
                                              v.path, o.path, o.path));
    }
    apply_override(s.base, o, path);
  }
  s.output = r.has("output") ? read_output(r.child("output"), s.name) : SweepOutputSpec{s.name + ".h5"};
  r.finish();
  return s;
}

SweepSpec load_sweep(const std::string& path, const std::vector<Override>& extra_sets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(Location{path, 0, 0, ""}, "cannot read the sweep file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const YAML::Node root = load_yaml_string(ss.str(), path);
  return parse_sweep(root, ss.str(), path, extra_sets);
}

}  // namespace dembones
