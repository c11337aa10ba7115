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

int not_built_yet(const std::string& what) {
  std::fprintf(stderr, "dembones: error: '%s' is not built yet in this version\n", what.c_str());
  return kExitInternal;
}

}  // namespace dembones::cli
