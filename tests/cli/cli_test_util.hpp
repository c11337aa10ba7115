#pragma once
// Helpers for the tests that run the dembones program itself (DEMBONES_BINARY): a short run of a
// shipped scenario into a temporary folder, and running a command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/io_test_util.hpp"

namespace dembones::cli_test {

inline std::string dembones_binary() { return DEMBONES_BINARY; }

inline std::filesystem::path shipped_scenario(const std::string& name) {
  return std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / (name + ".yaml");
}

// Single-quoted for the shell (paths of temporary folders hold no quote, but be safe).
inline std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

// `dembones ARGS...`, output (stdout and stderr) captured.
inline io_test::CommandResult dembones(const std::vector<std::string>& args) {
  std::string command = quoted(dembones_binary());
  for (const auto& a : args) {
    command += ' ';
    command += quoted(a);
  }
  return io_test::run_command(command);
}

// The overrides that make a shipped scenario short for the test suite: 0.3 s at 50 Hz (16 frames).
inline std::vector<std::string> short_run_overrides() {
  return {"--set", "task.duration_s=0.3", "--set", "solver.rate_hz=50"};
}

// A sweep file over the shipped stoop lift's box mass: `masses` is the YAML list ("[5, 10]"), `series`
// the output's series (none when empty).
inline void write_box_mass_sweep(const std::filesystem::path& file, const std::string& masses,
                                 const std::string& series = "") {
  std::string text = "name: masses\nbase: " + shipped_scenario("stoop_lift").string() +
                     "\nvary:\n  task.box.mass_kg: " + masses + "\n";
  if (!series.empty()) text += "output: {file: masses.h5, series: " + series + "}\n";
  io_test::write_text_file(file, text);
}

// `dembones sweep SWEEP -o OUT ARGS...` with the short-run overrides, output captured.
inline io_test::CommandResult sweep_short(const std::filesystem::path& sweep, const std::filesystem::path& out,
                                          std::vector<std::string> args) {
  args.insert(args.begin(), {"sweep", sweep.string(), "-o", out.string()});
  for (const auto& s : short_run_overrides()) args.push_back(s);
  return dembones(args);
}

// Runs `scenario` shortened into `out`; fails the test (and returns false) when the run fails.
inline bool run_short(const std::string& scenario, const std::filesystem::path& out) {
  std::vector<std::string> args = {"run", shipped_scenario(scenario).string(), "-o", out.string(), "-q"};
  for (const auto& s : short_run_overrides()) args.push_back(s);
  const auto r = dembones(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.exit_code == 0 && std::filesystem::exists(out);
}

}  // namespace dembones::cli_test
