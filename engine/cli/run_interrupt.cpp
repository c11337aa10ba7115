#include "cli/run_interrupt.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace dembones::cli {

namespace {

// Set before the handler is installed; the handler uses only async-signal-safe calls.
char g_partial[4096];
char g_message[1024];

extern "C" void on_run_signal(int sig) {
  ::unlink(g_partial);
  const ssize_t ignored = ::write(STDERR_FILENO, g_message, std::strlen(g_message));
  (void)ignored;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void remove_partial_on_interrupt(const std::filesystem::path& partial, const std::string& message) {
  std::snprintf(g_partial, sizeof g_partial, "%s", partial.c_str());
  std::snprintf(g_message, sizeof g_message, "%s", message.c_str());
  std::signal(SIGINT, on_run_signal);
  std::signal(SIGTERM, on_run_signal);
  std::signal(SIGHUP, on_run_signal);
}

}  // namespace dembones::cli
