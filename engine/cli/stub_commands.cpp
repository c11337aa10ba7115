// Subcommands whose engine parts have not landed yet. Each parses its documented options so that
// --help already describes it, then fails with a clear message.
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace dembones::cli {

Command add_sweep(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("sweep", *file, "Sweep file (.yaml)")->required();
  return [] { return not_built_yet("sweep"); };
}

Command add_merge(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  app.add_option("files", *files, "OUT.h5 followed by shard files")->required();
  return [] { return not_built_yet("merge"); };
}

Command add_export(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  app.add_option("file", *file, "Result file (.h5)")->required();
  return [] { return not_built_yet("export"); };
}

}  // namespace dembones::cli
