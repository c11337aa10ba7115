#pragma once
// Helpers shared by the io tests: a fresh temporary folder per test, a command runner.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/temp_dir.hpp"

namespace dembones::io_test {

// A folder unique to the running test, removed afterwards.
class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("dembones_io_") {}
};

// The group of sweep run `run` ("/runs/00007"), as the sweep writer names it.
inline std::string run_group(int run) {
  char name[32];
  std::snprintf(name, sizeof name, "/runs/%05d", run);
  return name;
}

// `count` distinct values for run `run` (1000 run + 0.001 i): a run's data told apart from another's.
inline std::vector<double> run_values(int run, std::size_t count) {
  std::vector<double> v(count);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1000.0 * run + 0.001 * static_cast<double>(i);
  return v;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command, capturing its combined output.
inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string read_text_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

}  // namespace dembones::io_test
