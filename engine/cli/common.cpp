#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "common/shell_quote.hpp"

namespace dembones::cli {
namespace {
std::string g_command_line;
}

const std::string& command_line() { return g_command_line; }


void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    // Quoted where a shell needs it: the stored line runs again as it is (provenance audit:
    // `--set "impairments=[{type: weak_muscle, ...}]"` came back as several words).
    g_command_line += shell_quoted(argv[i]);
  }
}

const CLI::Validator& nonempty_file_name() {
  static const CLI::Validator v(
      [](std::string& value) { return value.empty() ? std::string("expected a file name, got an empty one") : std::string(); },
      "FILE");
  return v;
}

int not_built_yet(const std::string& what) {
  std::fprintf(stderr, "dembones: error: '%s' is not built yet in this version\n", what.c_str());
  return kExitInternal;
}

}  // namespace dembones::cli
