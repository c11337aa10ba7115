#pragma once
// Each subcommand of the dembones program registers its options on the CLI11 app and returns the
// callback that runs it. The callbacks throw project errors; main() turns them into exit codes.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace dembones::cli {

using Command = std::function<int()>;

// Full command line as typed, recorded in output files for provenance.
const std::string& command_line();
void set_command_line(int argc, char** argv);

Command add_info(CLI::App& app);
Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_sweep(CLI::App& app);
Command add_merge(CLI::App& app);
Command add_export(CLI::App& app);

// Checks a file-name option's value: `-o ''` is an error, not the default name.
const CLI::Validator& nonempty_file_name();

// Subcommands whose machinery has not landed yet say so and fail (exit 1), never fake success.
int not_built_yet(const std::string& what);

}  // namespace dembones::cli
