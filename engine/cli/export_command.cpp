// `dembones export RUN.h5`: not built yet (issue #8).
#include <memory>
#include <string>

#include "cli/commands.hpp"

namespace dembones::cli {

Command add_export(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("file", *file, "Result file (.h5)")->required();
  return [] { return not_built_yet("export"); };
}

}  // namespace dembones::cli
