// dembones: the command-line program. Every error is caught here, once, and printed as
// "dembones: error: ..." with exit code 2 for bad input and 1 for internal failures.
#include <fmt/format.h>
#include <hdf5.h>

#include <cstdio>
#include <exception>
#include <new>
#include <algorithm>
#include <map>
#include <string>

#include "cli/commands.hpp"
#include "common/build_info.hpp"
#include "common/error.hpp"

int main(int argc, char** argv) {
  using namespace dembones;
  // HDF5 closes files still open when the process exits. A file whose flush failed (a full disk)
  // cannot be closed, and HDF5's own clean-up then crashed on it (segmentation fault after the error
  // was printed); every file is closed explicitly or abandoned on error, so the exit-time clean-up
  // has nothing to do. Must precede any other HDF5 call.
  H5dont_atexit();
  cli::set_command_line(argc, argv);
  CLI::App app{"dembones: musculoskeletal simulation of how the back, hips and knees share load"};
  app.set_version_flag("--version", fmt::format("dembones {} ({})", build::kVersion, build::kGitCommit));
  app.require_subcommand(1);

  std::map<CLI::App*, cli::Command> commands;
  auto add = [&](const char* name, const char* help, cli::Command (*make)(CLI::App&)) {
    CLI::App* sub = app.add_subcommand(name, help);
    commands[sub] = make(*sub);
  };
  add("run", "Run a scenario file and write its HDF5 time series", cli::add_run);
  add("sweep", "Run a parameter sweep over a scenario", cli::add_sweep);
  add("validate", "Check a scenario, model or sweep file without running it", cli::add_validate);
  add("info", "Show build information, or describe a model or result file", cli::add_info);
  add("export", "Export a result file to CSV or OpenSim .mot/.sto", cli::add_export);
  add("merge", "Merge sweep shard files into one", cli::add_merge);

  // A first word that names no command is an error even with --help after it (CLI11 printed the
  // general help and exited 0 for `dembones inspect --help`: a script's typo went unnoticed; audit).
  // The first word that is not an option (`dembones --help inspect` too).
  int first_word = 1;
  while (first_word < argc && argv[first_word][0] == '-') ++first_word;
  if (first_word < argc &&
      std::none_of(commands.begin(), commands.end(), [&](const auto& c) { return c.first->get_name() == argv[first_word]; })) {
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + sub->get_name();
    std::fprintf(stderr, "dembones: error: unknown command '%s' (the commands: %s; dembones --help)\n",
                 argv[first_word], names.c_str());
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  }
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
    return kExitBadInput;
  } catch (const InputError& e) {
    std::fprintf(stderr, "dembones: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "dembones: error: out of memory (a run keeps every frame in memory: a long run with "
                         "output.store: full keeps each frame's moment arms and path points; try store: summary, a "
                         "shorter run or a lower solver.rate_hz)\n");
    return kExitInternal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dembones: error: internal: %s\n", e.what());
    return kExitInternal;
  }
}
