#pragma once
// From a sweep file to its numbered runs, and the check of every run's scenario before any is run.
//
// Numbering is deterministic: grid runs are the nested loops over the varied fields in file order,
// the first field outermost (run = Σ i_k · Π_{j>k} n_j); zip run i takes the i-th value of every
// field; latin_hypercube and random draw `samples` runs from std::mt19937_64(seed) with the portable
// mappings of sweep_random.hpp, in a fixed order (documented in docs/sweeps.md).
#include <functional>
#include <string>
#include <vector>

#include "scenario/scenario_file.hpp"
#include "scenario/scenario_spec.hpp"
#include "sweep/sweep_spec.hpp"

namespace dembones {

struct SweepParameter {
  std::string path;     // dotted scenario field
  bool numeric = true;  // every value is a number: a float64 column in /summary, else a string column
  std::string units;    // from the field name's suffix (_kg, _m, _s, _deg, ...), "1" or "-" for text
};

struct SweepRunSpec {
  int index = 0;
  std::vector<std::string> values;  // per parameter: YAML text applied with apply_override
};

struct SweepPlan {
  std::vector<SweepParameter> parameters;  // the varied fields, in file order
  std::vector<SweepRunSpec> runs;          // runs[i].index == i
  // SHA-256 of everything that defines the runs (sweep text, base scenario text, fixed overrides):
  // a partial file or shard is resumed or merged only with the sweep that wrote it.
  std::string fingerprint;
};

SweepPlan expand_sweep(const SweepSpec& spec);

// The value of a parameter in /summary: the number (NaN when not numeric) or the text. Numbers
// were written in shortest round-trip form, so the parsed double is the one the scenario gets.
double parameter_number(const std::string& value);
// Text of a value without YAML quoting ("stoop", not "'stoop'").
std::string parameter_label(const std::string& value);

// The scenario of run `index`: the base (with fixed overrides) plus the run's values, parsed and
// checked. An InputError is located at the vary entry it concerns (else at `base:`) in the sweep
// file and names the run and its values. Not thread-safe (yaml-cpp nodes). `options.keep_text =
// false` leaves ScenarioSpec::text empty (run_sweep: the file stores the base scenario's text).
// `check`, when given, is run on the parsed scenario, its InputErrors located the same way (the
// impairments' selectors against the model: check_impairment_selectors).
ScenarioSpec make_run_scenario(const SweepSpec& spec, const SweepPlan& plan, int index,
                               const ScenarioParseOptions& options = {},
                               const std::function<void(const ScenarioSpec&)>& check = {});

// Each model or motion file the sweep varies, read once as the first run that names it reads it
// (check_scenario_files: the model loaded and built for that run's subject, a motion table against
// it), before any run: a typo in an edited copy of the model is an error at its vary entry naming the
// run, not a sweep of failed runs. Force tables are read by the runs (their rows must cover the motion).
void check_varied_files(const SweepSpec& spec, const SweepPlan& plan);

// make_run_scenario for the given runs (all when empty), in order, after check_varied_files, each
// run's impairment selectors resolved against its model: the load-time check of a sweep (`dembones
// validate`, `sweep --list`).
std::vector<ScenarioSpec> validate_sweep(const SweepSpec& spec, const SweepPlan& plan,
                                         const std::vector<int>& runs = {});

// A file a sweep varies (a `model`, `task.file` or `external_forces.file` value set): the value as the
// runs' /summary column shows it (relative to the base scenario, as its own fields), the file's text
// as the sweep read it at its start ("<missing>" when it could not be read) and that text's SHA-256.
// The output's root keeps them (docs/hdf5-layout.md), so each run's model can be told apart and
// rebuilt after the files have changed; each distinct value once, in the vary entries' order.
struct VariedInputFile {
  std::string field, value, text, sha256;
};
std::vector<VariedInputFile> varied_input_files(const SweepSpec& spec);

// Text table of the runs (run number and one column per parameter), as `dembones sweep --list`
// prints it.
// `of_runs`: the whole sweep's count when `plan` holds a shard's runs only (0: plan is the whole sweep).
std::string format_run_table(const SweepSpec& spec, const SweepPlan& plan, std::size_t of_runs = 0);

}  // namespace dembones
