#pragma once
// Reads a model file (docs/models.md) into a ModelSpec. Every error is an InputError naming the file,
// line, column and field and what was expected; unknown fields and references to unknown bodies,
// joints, coordinates, wraps or muscles are errors.
#include <string>

#include "scenario/model_spec.hpp"

namespace dembones {

// Reads and checks a model file.
ModelSpec load_model_spec(const std::string& path);

// Same from text; `file` names the text in error messages.
ModelSpec parse_model_spec(const std::string& yaml_text, const std::string& file);

// Reads a subject mapping {height_m, mass_kg, sex} (also used by scenario files).
SubjectSpec read_subject(FieldReader& reader);

// Lines "field = value  [source]" for every numeric parameter, as `dembones info --model` prints.
std::string format_model_parameters(const ModelSpec& spec);

}  // namespace dembones
