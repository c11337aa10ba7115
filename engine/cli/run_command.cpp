// dembones run SCENARIO.yaml [-o OUT.h5] [--set a.b=v ...]: runs one scenario, writes its HDF5 file
// (atomically: NAME.h5.partial, renamed when complete) and prints the summary table.
// dembones validate FILE.yaml [--set a.b=v ...]: checks a scenario, model or sweep file without running it.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/run_interrupt.hpp"
#include "cli/summary.hpp"
#include "io/file_in_use.hpp"
#include "io/hdf5_probe.hpp"
#include "io/hdf5_reader.hpp"
#include "io/output_path.hpp"
#include "io/hdf5_writer.hpp"
#include "common/error.hpp"
#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/input_files.hpp"
#include "scenario/run_writer.hpp"
#include "scenario/scaling.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/yaml_fields.hpp"
#include "sweep/sweep_expand.hpp"
#include "sweep/sweep_spec.hpp"

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

// A sweep's partial file (resumable: its root says format dembones-sweep) as against what a killed
// `dembones run` leaves under the same name (a run's file, or one HDF5 cannot read), which the run
// overwrites (docs/hdf5-layout.md; audit: a run killed with SIGKILL was then refused as a sweep's).
bool is_sweep_file(const std::filesystem::path& partial) {
  if (!hdf5_file_readable(partial, "/runs")) return false;
  try {
    const Hdf5Reader r(partial);
    return r.has_attribute("/", "format") && r.read_string_attribute("/", "format") == "dembones-sweep";
  } catch (const Error&) {
    return false;
  }
}

int run(const RunOptions& o) {
  std::vector<Override> overrides;
  for (const std::string& s : o.sets) overrides.push_back(parse_override(s));
  const ScenarioSpec scenario = load_scenario(o.scenario, overrides);
  const std::string out_path = o.output.empty() ? scenario.output.file : o.output;
  // Where the file goes is checked before solving, not after: its folder, and that it is not one of
  // the run's own inputs.
  const Location out_field{"", 0, 0, o.output.empty() ? "output.file" : "--output"};
  std::vector<std::filesystem::path> inputs = {scenario.file, scenario.model_file};
  if (scenario.task.type == TaskType::motion_file) inputs.emplace_back(scenario.task.motion.file);
  if (scenario.external_forces) inputs.emplace_back(scenario.external_forces->file);
  check_output_path(out_path, out_field, inputs);
  // An interrupted sweep's resumable file under the same name is not overwritten by a single run, nor
  // a file another process is writing.
  const std::filesystem::path partial = out_path + ".partial";
  if (file_in_use(partial))
    throw InputError(out_field, fmt::format("'{}' is being written by another process: choose another output file",
                                            partial.string()));
  if (std::filesystem::exists(partial) && is_sweep_file(partial))
    throw InputError(out_field, fmt::format("'{}' is an interrupted sweep's file (continue it with dembones sweep "
                                            "--resume, or delete it); choose another output file",
                                            partial.string()));
  remove_partial_on_interrupt(
      partial, o.quiet ? std::string{} : fmt::format("\ndembones run: interrupted; nothing written ({} unchanged)\n", out_path));
  const auto t0 = std::chrono::steady_clock::now();
  ModelCache models;
  const std::unique_ptr<PreparedRun> prepared = prepare_run(scenario, models);
  // Said once the run is ready to start (it was said before a bad motion file stopped the run, and the
  // file was not replaced).
  if (!o.quiet && std::filesystem::exists(out_path))
    std::fprintf(stderr, "dembones: %s exists and will be replaced when the run finishes\n", out_path.c_str());
  for (const std::string& note : prepared->notes) std::fprintf(stderr, "dembones: note: %s\n", note.c_str());
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
                     scenario.subject.height_m, scenario.subject.mass_kg, to_string(scenario.subject.sex),
                     describe_task(scenario.task), describe_impairments(scenario), prepared->input_files};
  write_provenance(writer, "dembones-run", prov);
  // Whether the arrays lost their last digits (a sweep file says it as sweep_float32).
  writer.set_int_attribute("/", "float32", wo.store_float32 ? 1 : 0);
  write_run(writer, "/", prepared->msm, record, peaks);
  write_solver_settings(writer, "/", scenario.solver);
  writer.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // A locked coordinate is held by its lock, not by its range: left out of the range-end line (audit: a
  // coordinate locked at a range end was reported as reaching it).
  VecX q_min = prepared->built->q_min, q_max = prepared->built->q_max;
  for (Eigen::Index k = 0; k < q_min.size(); ++k)
    if (static_cast<std::size_t>(k) < prepared->built->locked.size() && prepared->built->locked[static_cast<std::size_t>(k)]) {
      q_min(k) = -std::numeric_limits<double>::infinity();
      q_max(k) = std::numeric_limits<double>::infinity();
    }
  print_summary(stdout, scenario, prepared->msm, record, peaks, q_min, q_max);
  std::printf("wrote %s (%.2f s)\n", out_path.c_str(), seconds);
  return 0;
}

enum class YamlKind { scenario, model, sweep };

// What a YAML file is, from its top-level fields: a sweep has `base:` or `vary:` (docs/sweeps.md), a
// model `bodies:` or `joints:` (docs/models.md); anything else is read as a scenario, whose reader
// then names what is wrong with it.
YamlKind detect_yaml_kind(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  if (!root.IsMap()) return YamlKind::scenario;
  if (root["base"] || root["vary"]) return YamlKind::sweep;
  if (root["bodies"] || root["joints"]) return YamlKind::model;
  return YamlKind::scenario;
}

// A sweep is valid when every run's scenario is (what `dembones sweep --list` checks up front).
int validate_sweep_file(const std::string& path, const std::vector<Override>& overrides) {
  const SweepSpec spec = load_sweep(path, overrides);
  const SweepPlan plan = expand_sweep(spec);
  validate_sweep(spec, plan);
  std::printf("%s: valid sweep (%zu runs, %s design, %zu parameters)\n", path.c_str(), plan.runs.size(),
              to_string(spec.design), plan.parameters.size());
  return 0;
}

// A model is valid when it reads (every field, as `dembones info --model` lists them) and builds at
// its reference subject's size.
int validate_model_file(const std::string& path, const std::vector<Override>& overrides) {
  if (!overrides.empty())
    throw InputError(Location{path, 0, 0, "--set"}, "--set overrides scenario fields; this is a model file");
  const ModelSpec spec = load_model_spec(path);
  const BuiltModel built = build_model(scale_model(spec, spec.reference_subject));
  std::printf("%s: valid model (%zu bodies, %d coordinates, %d muscles)\n", path.c_str(), spec.bodies.size(),
              built.model.nv, built.muscles.nmuscles);
  // Sources are the model file's contract (docs/models.md): say when some numbers lack one, and which.
  std::vector<std::string> unsourced;
  for (const auto& p : spec.parameters)
    if (p.source.empty()) unsourced.push_back(p.field);
  if (!unsourced.empty())
    std::printf("%s: %zu numbers have no source: %s%s (dembones info --model marks them [NO SOURCE])\n", path.c_str(),
                unsourced.size(), fmt::format("{}", fmt::join(unsourced.begin(), unsourced.begin() + std::min<std::size_t>(5, unsourced.size()), ", ")).c_str(),
                unsourced.size() > 5 ? ", ..." : "");
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("scenario", o->scenario, "Scenario file (.yaml)")->required();
  app.add_option("-o,--output", o->output, "Output file (default: the scenario's output.file)")
      ->check(nonempty_file_name());
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
  app.add_option("file", *file, "Scenario, model or sweep file (.yaml)")->required();
  app.add_option("--set", *sets, "Override a scenario field (a sweep's base scenario; repeatable)");
  return [file, sets] {
    std::vector<Override> overrides;
    for (const std::string& s : *sets) overrides.push_back(parse_override(s));
    switch (detect_yaml_kind(*file)) {
      case YamlKind::sweep: return validate_sweep_file(*file, overrides);
      case YamlKind::model: return validate_model_file(*file, overrides);
      case YamlKind::scenario: break;
    }
    const ScenarioSpec scenario = load_scenario(*file, overrides);
    ModelCache models;
    // Builds the model with the impairments and generates the motion, without solving any frame.
    const std::unique_ptr<PreparedRun> prepared = prepare_run(scenario, models);
    for (const std::string& note : prepared->notes) std::fprintf(stderr, "dembones: note: %s\n", note.c_str());
    std::printf("%s: valid (%s, %d frames, %d muscles)\n", file->c_str(), to_string(scenario.task.type),
                prepared->kinematics.frames(), prepared->msm.muscles.nmuscles);
    // What would run, with every --set applied: a mistyped override shows here, not after the run.
    print_scenario_lines(stdout, scenario, prepared->msm.body_mass_kg * std::abs(prepared->msm.model.gravity.y()));
    return 0;
  };
}

}  // namespace dembones::cli
