// `dembones merge OUT.h5 SHARD...`: not built yet (issue #9).
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace dembones::cli {

Command add_merge(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  app.add_option("files", *files, "OUT.h5 followed by shard files")->required();
  return [] { return not_built_yet("merge"); };
}

}  // namespace dembones::cli
