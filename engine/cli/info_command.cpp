#include <fmt/format.h>

#include <string>

#include "cli/commands.hpp"
#include "common/build_info.hpp"
#include "common/error.hpp"
#include "io/hdf5_describe.hpp"
#include "io/hdf5_reader.hpp"
#include "scenario/model_parser.hpp"
#include "sweep/sweep_overview.hpp"

namespace dembones::cli {

namespace {
void print_build_info() {
  fmt::print("dembones {}\n", build::kVersion);
  fmt::print("  git commit : {}\n", build::kGitCommit);
  fmt::print("  build type : {}\n", build::kBuildType);
  fmt::print("  compiler   : {}\n", build::kCompiler);
  fmt::print("  libraries  : {}\n", build::kLibraries);
#ifdef _OPENMP
  fmt::print("  OpenMP     : yes ({})\n", _OPENMP);
#else
  fmt::print("  OpenMP     : no\n");
#endif
#ifdef DEMBONES_WITH_MPI
  fmt::print("  MPI        : yes\n");
#else
  fmt::print("  MPI        : no\n");
#endif
}
// A result file: a sweep's overview from /summary and its layout with one run group shown, or a
// run's overview (peaks and checks) and layout.
int describe_file(const std::string& path) {
  const Hdf5Reader reader(path);
  if (reader.has_attribute("/", "format") && reader.read_string_attribute("/", "format") == "dembones-sweep") {
    fmt::print("{}", describe_sweep(reader));
    fmt::print("{}", describe_hdf5(reader, {.run_overview = false, .collapse_runs = true}));
    return 0;
  }
  fmt::print("{}", describe_hdf5(reader));
  return 0;
}

}  // namespace

Command add_info(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto model = std::make_shared<std::string>();
  app.add_option("file", *file, "A result file (.h5) to describe");
  app.add_option("--model", *model, "A model file (.yaml) whose parameters and sources to list");
  return [file, model]() {
    if (!model->empty() && !file->empty())
      throw InputError(Location{"", 0, 0, "--model"},
                       fmt::format("give a result file or --model FILE, not both (got '{}' and --model '{}')", *file,
                                   *model));
    if (!model->empty()) {
      // Every parameter of the model file with its published source.
      fmt::print("{}", format_model_parameters(load_model_spec(*model)));
      return 0;
    }
    if (!file->empty()) {
      try {
        return describe_file(*file);
      } catch (const IoError& e) {
        if (!file->ends_with(".partial")) throw;
        // A run killed while writing leaves its .partial file with unfinished HDF5 metadata (a sweep's
        // is readable: describe_sweep says what it holds).
        const std::string& why = e.message();
        throw IoError(Location{*file, 0, 0, ""},
                      fmt::format("an unfinished output file: the run writing it was stopped before it was complete, "
                                  "and it cannot be read ({}). Run the scenario again (a sweep: the same command "
                                  "with --resume)", why.substr(0, why.find(';'))));
      }
    }
    print_build_info();
    return 0;
  };
}

}  // namespace dembones::cli
