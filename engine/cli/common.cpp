#include <fmt/format.h>

#include <cstdio>
#include <string>

#include "cli/commands.hpp"
#include "common/error.hpp"

namespace dembones::cli {
namespace {
std::string g_command_line;
}

const std::string& command_line() { return g_command_line; }

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    g_command_line += argv[i];
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
