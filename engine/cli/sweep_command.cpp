// `dembones sweep SWEEP.yaml`: not built yet (issue #9).
#include <memory>
#include <string>

#include "cli/commands.hpp"

namespace dembones::cli {

Command add_sweep(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("sweep", *file, "Sweep file (.yaml)")->required();
  return [] { return not_built_yet("sweep"); };
}

}  // namespace dembones::cli
