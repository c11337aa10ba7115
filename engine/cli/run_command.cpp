// dembones run SCENARIO.yaml [-o OUT.h5] [--set a.b=v ...]: runs one scenario, writes its HDF5 file
// (atomically: NAME.h5.partial, renamed when complete) and prints the summary table.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/summary.hpp"
#include "io/hdf5_writer.hpp"
#include "scenario/run_writer.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::string output;
  std::vector<std::string> sets;
  int compression = -1;
  bool float32 = false;
  bool quiet = false;
};

void progress_bar(int done, int total) {
  if (!isatty(fileno(stderr))) return;
  const int width = 30;
  const int filled = total ? width * done / total : width;
  std::fprintf(stderr, "\r  [%.*s%.*s] %d/%d frames", filled, "##############################", width - filled,
               "                              ", done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

int run(const RunOptions& o) {
  std::vector<Override> overrides;
  for (const std::string& s : o.sets) overrides.push_back(parse_override(s));
  const ScenarioSpec scenario = load_scenario(o.scenario, overrides);
  const std::string out_path = o.output.empty() ? scenario.output.file : o.output;
  const auto t0 = std::chrono::steady_clock::now();
  ModelCache models;
  const std::unique_ptr<PreparedRun> prepared = prepare_run(scenario, models);
  Pipeline pipeline(prepared->msm, pipeline_settings(scenario.solver));
  if (!o.quiet)
    std::fprintf(stderr, "dembones: %s: %d frames, %d coordinates, %d muscles\n", scenario.name.c_str(),
                 prepared->kinematics.frames(), prepared->msm.model.nv, prepared->msm.muscles.nmuscles);
  const RunRecord record = execute_run(*prepared, pipeline, o.quiet ? std::function<void(int, int)>{} : progress_bar);
  const std::vector<Peak> peaks = summarize(prepared->msm, record);

  Hdf5WriterOptions wo;
  wo.compression_level = o.compression >= 0 ? o.compression : scenario.output.compression;
  wo.store_float32 = o.float32 || scenario.output.float32;
  Hdf5Writer writer(out_path, wo);
  RunProvenance prov{scenario.name, scenario.text, prepared->model_text, command_line(),
                     scenario.subject.height_m, scenario.subject.mass_kg, to_string(scenario.subject.sex)};
  write_provenance(writer, "dembones-run", prov);
  write_run(writer, "/", prepared->msm, record, peaks);
  writer.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_summary(stdout, scenario, prepared->msm, record, peaks);
  std::printf("wrote %s (%.2f s)\n", out_path.c_str(), seconds);
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("scenario", o->scenario, "Scenario file (.yaml)")->required();
  app.add_option("-o,--output", o->output, "Output file (default: the scenario's output.file)");
  app.add_option("--set", o->sets, "Override a scenario field, e.g. --set task.box.mass_kg=20 (repeatable)");
  app.add_option("--compression", o->compression, "Deflate level 0-9 (default: the scenario's, 4)")
      ->check(CLI::Range(0, 9));
  app.add_flag("--float32", o->float32, "Store time series as float32 (half the size)");
  app.add_flag("-q,--quiet", o->quiet, "No progress output");
  return [o] { return run(*o); };
}

Command add_validate(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  app.add_option("scenario", *file, "Scenario file (.yaml)")->required();
  app.add_option("--set", *sets, "Override a scenario field (repeatable)");
  return [file, sets] {
    std::vector<Override> overrides;
    for (const std::string& s : *sets) overrides.push_back(parse_override(s));
    const ScenarioSpec scenario = load_scenario(*file, overrides);
    ModelCache models;
    // Builds the model with the impairments and generates the motion, without solving any frame.
    const std::unique_ptr<PreparedRun> prepared = prepare_run(scenario, models);
    std::printf("%s: valid (%s, %d frames, %d muscles)\n", file->c_str(), to_string(scenario.task.type),
                prepared->kinematics.frames(), prepared->msm.muscles.nmuscles);
    return 0;
  };
}

}  // namespace dembones::cli
