#include "scenario/input_files.hpp"

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace dembones {

namespace {
InputFile read_input_file(const char* field, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(Location{path, 0, 0, field}, "cannot open file for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  return InputFile{field, path, ss.str()};
}
}  // namespace

std::vector<InputFile> read_scenario_input_files(const ScenarioSpec& scenario) {
  std::vector<InputFile> files;
  if (scenario.task.type == TaskType::motion_file) files.push_back(read_input_file("task.file", scenario.task.motion.file));
  if (scenario.external_forces) files.push_back(read_input_file("external_forces.file", scenario.external_forces->file));
  return files;
}

}  // namespace dembones
