#pragma once
// A sweep file (docs/sweeps.md) as plain data: the base scenario, the varied fields with their value
// sets or distributions, the design that combines them, and where the results go. Parsed by
// sweep_spec.cpp with the same checked-field reader as scenario files, so every mistake is an
// InputError naming the sweep file, line and field.
//
//   base: ../stoop_lift.yaml            # scenario file, relative to the sweep file
//   design: grid                        # grid | zip | latin_hypercube | random
//   vary:
//     task.technique: [stoop, squat]
//     task.box.mass_kg: {linspace: [0, 25, 6]}
//   set: {solver.rate_hz: 50}           # fixed overrides for every run (optional)
//   output: {file: lifts.h5, series: summary}
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "scenario/scenario_file.hpp"

namespace dembones {

enum class SweepDesign { grid, zip, latin_hypercube, random };

// What is stored per run besides its /summary row: nothing, its peaks table, or every time series.
enum class SeriesLevel { none, summary, full };

const char* to_string(SweepDesign d);
const char* to_string(SeriesLevel s);

// How the values of one varied field are given.
enum class ValueSetKind {
  list,      // explicit values (numbers, words or any YAML), also linspace/logspace expanded
  uniform,   // continuous uniform on [a, b]
  normal,    // normal with mean mu and standard deviation sigma
};

struct VariedField {
  std::string path;  // dotted scenario path, as for --set ("task.box.mass_kg", "impairments.0.muscles")
  ValueSetKind kind = ValueSetKind::list;
  // list: each value as the YAML text given to apply_override (numbers in shortest round-trip form)
  std::vector<std::string> values;
  double a = 0.0, b = 0.0;  // uniform: [a, b]; normal: mu = a, sigma = b
  Location where;           // the entry in the sweep file
};

struct SweepOutputSpec {
  std::string file;  // relative to the working directory; default "<name>.h5"
  SeriesLevel series = SeriesLevel::summary;
  int compression = 4;
  bool float32 = false;
};

struct SweepSpec {
  std::string file;       // the sweep file as given
  std::string text;       // its text (stored in the output for provenance)
  std::string name;       // default: the sweep file's stem
  std::string description;
  std::string base_file;  // resolved scenario path
  YAML::Node base;        // the base scenario's YAML after `set:` and command-line overrides
  std::string base_text;  // the base scenario file as read
  std::vector<Override> fixed;  // `set:` then command-line --set, applied to every run
  std::vector<Location> fixed_where;  // of each: its `set:` entry, or --set
  Location base_where;
  SweepDesign design = SweepDesign::grid;
  int samples = 0;        // latin_hypercube / random: number of runs
  std::uint64_t seed = 0; // latin_hypercube / random
  std::vector<VariedField> vary;  // in file order
  SweepOutputSpec output;
};

// Loads and checks a sweep file; `extra_sets` are command-line overrides applied after `set:`.
// The base scenario is read and the fixed overrides applied (errors name the sweep file), but the
// variants are checked by expand_sweep / validate_sweep (sweep_expand.hpp).
SweepSpec load_sweep(const std::string& path, const std::vector<Override>& extra_sets = {});

// Parses sweep text; `path` locates the base scenario and names errors.
SweepSpec parse_sweep(const YAML::Node& root, const std::string& text, const std::string& path,
                      const std::vector<Override>& extra_sets = {});

}  // namespace dembones
