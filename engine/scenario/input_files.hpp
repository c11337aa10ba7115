#pragma once
// The files a scenario reads besides its model: a motion_file task's table (task.file) and the
// measured external forces (external_forces.file). Output files keep their text and SHA-256 as they
// keep the model's, so that a result alone says, and reproduces, what it was computed from
// (docs/hdf5-layout.md, "Root attributes").
#include <string>
#include <vector>

#include "scenario/scenario_spec.hpp"

namespace dembones {

struct InputFile {
  std::string field;  // the scenario field that names it: "task.file" or "external_forces.file"
  std::string path;   // as the run opened it (resolved against the scenario file's folder)
  std::string text;   // its bytes
};

// The scenario's input files in field order (task.file, external_forces.file), read now; an
// unreadable file is an IoError naming it.
std::vector<InputFile> read_scenario_input_files(const ScenarioSpec& scenario);

}  // namespace dembones
