#pragma once
// Reading scenario files (docs/scenarios.md). Every field is checked: unknown fields, wrong types and
// values out of range are InputErrors naming the file, line, field and what was expected.
#include <string>
#include <vector>

#include "scenario/scenario_spec.hpp"

namespace dembones {

// One "--set a.b.c=VALUE" override; VALUE is parsed as YAML (a number, a word, a list).
struct Override {
  std::string path;
  std::string value;
};

// Parses "a.b.c=VALUE"; throws InputError naming the option when malformed.
Override parse_override(const std::string& text);

// A path written in a file, relative to that file's folder (an absolute path as it is): a scenario's
// model, motion and force tables, a sweep's base scenario.
std::string resolve_relative(const std::string& from_file, const std::string& file);

// Sets the field at the dotted path, creating mappings as needed. Sequence elements are addressed
// by index ("impairments.0.strength_scale").
void apply_override(YAML::Node& root, const Override& o, const std::string& file);

// Loads and checks a scenario file, after applying the overrides in order.
ScenarioSpec load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

struct ScenarioParseOptions {
  // Emit the scenario back to YAML into ScenarioSpec::text (the provenance a run file stores). A
  // sweep's runs leave it empty: the sweep file stores its base scenario's text once, and emitting
  // each run's was half the CPU time of checking a sweep's scenarios.
  bool keep_text = true;
};

// Parses scenario text; `path` locates relative files (model, motion file) and names errors.
ScenarioSpec parse_scenario(YAML::Node root, const std::string& path, const ScenarioParseOptions& options = {});

// The angles a scenario prescribes for the motion generator (task.low_point_*) keep where they are
// written, for the generator's errors. One whose field is `path` or lies inside it was set from
// outside the file (--set, a sweep's varied field), where its value's own line means nothing: it is
// located at `where` instead. load_scenario does this for its overrides.
void relocate_prescribed_angles(ScenarioSpec& s, const std::string& path, const Location& where);

// Whether a dotted path ("impairments.0", "task.box.mass_kg") names a node of a scenario's YAML.
bool in_file(const YAML::Node& root, const std::string& dotted);

}  // namespace dembones
