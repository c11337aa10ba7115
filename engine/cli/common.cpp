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

namespace {
// An argument as a POSIX shell reads it back: as it is when it holds only characters no shell treats
// specially, else in single quotes (a quote inside as '\''). The stored line then runs again as it
// is (provenance audit: `--set "impairments=[{type: weak_muscle, ...}]"` came back as several words).
std::string shell_quoted(const std::string& arg) {
  const bool plain = !arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                           "0123456789_-+=./:,@%") == std::string::npos;
  if (plain) return arg;
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
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
