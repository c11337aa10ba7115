// dembones export RUN.h5 [--format csv|sto|mot] [-o OUT] [--dataset D ...] [--run N]: one run of a
// result file as an OpenSim .mot motion, an OpenSim .sto force table or a CSV table
// (io/run_export.hpp says what each holds; docs/hdf5-layout.md, "Exporting"); or
// dembones export SWEEP.h5 --summary [-o OUT.csv]: a sweep's table of all runs as CSV
// (io/summary_export.hpp). The output is written under OUT.partial and renamed when complete.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "io/file_in_use.hpp"
#include "io/hdf5_probe.hpp"
#include "io/hdf5_reader.hpp"
#include "io/run_export.hpp"
#include "io/summary_export.hpp"
#include "io/text_table.hpp"

namespace dembones::cli {

namespace {

struct ExportOptions {
  std::string file;
  std::string format;
  std::string output;
  std::vector<std::string> datasets;
  int run = -1;
  bool summary = false;
};

int export_summary(const ExportOptions& o) {
  const Location flag{"", 0, 0, "--summary"};
  if (o.run >= 0) throw InputError(flag, "--summary exports every run's row: leave out --run");
  if (!o.datasets.empty()) throw InputError(flag, "--summary exports the /summary table: leave out --dataset");
  if (!o.format.empty() && parse_export_format(o.format, Location{"", 0, 0, "--format"}) != ExportFormat::csv)
    throw InputError(flag, "the summary table exports as CSV only (--format csv)");
  const std::filesystem::path out = o.output.empty() ? default_summary_export_path(o.file) : std::filesystem::path(o.output);
  if (!o.output.empty() && out.has_extension() &&
      parse_export_format(out.extension().string(), Location{o.output, 0, 0, "-o"}) != ExportFormat::csv)
    throw InputError(Location{o.output, 0, 0, "-o"}, "the summary table exports as CSV only: name the output .csv");
  const Hdf5Reader reader(o.file);
  const std::size_t rows = export_summary_csv(reader, out);
  std::printf("wrote %s (%zu runs)\n", out.string().c_str(), rows);
  return 0;
}

// A .partial file is an output still being written, or left by a stopped run or sweep: say so and
// what to do (an audit was told "not a dembones result file" and "not a sweep's file" of them). An
// interrupted sweep's finished runs do export (--run N).
void check_partial_input(const ExportOptions& o) {
  const std::string finished = o.file.substr(0, o.file.size() - std::string(".partial").size());
  auto unfinished = [&](const std::string& why) {
    throw IoError(Location{o.file, 0, 0, ""},
                  fmt::format("an unfinished output file ({}): export the finished file, {}, once the scenario "
                              "has been run again or the sweep continued with the same command and --resume",
                              why, finished));
  };
  // A live writer's lock makes the file unreadable here too: not damaged, just not finished yet.
  if (file_in_use(o.file))
    throw IoError(Location{o.file, 0, 0, ""},
                  fmt::format("is being written by a running dembones run or sweep: wait for it to finish, then "
                              "export {}",
                              finished));
  if (!hdf5_file_readable(o.file, "/"))
    unfinished("its writer was stopped while HDF5 wrote its metadata, and it cannot be read");
  const Hdf5Reader r(o.file);
  if (r.is_group("/runs")) {
    if (o.summary && !r.is_dataset("/summary"))
      unfinished("an interrupted sweep's: /summary is written when the sweep finishes; its finished runs export "
                 "one at a time with --run N");
    return;  // a finished run of it exports (find_run_group refuses the others)
  }
  // A run renames its file when it is complete: a run's .partial is unfinished, whatever it holds.
  unfinished("a run's, stopped before it was complete");
}

int export_file_or_throw(const ExportOptions& o);

int export_file(const ExportOptions& o) {
  if (o.file.ends_with(".partial") && std::filesystem::is_regular_file(o.file)) check_partial_input(o);
  return export_file_or_throw(o);
}

int export_file_or_throw(const ExportOptions& o) {
  if (o.summary) return export_summary(o);
  // The format: --format, else the output's extension.
  ExportFormat format = ExportFormat::csv;
  if (!o.format.empty()) {
    format = parse_export_format(o.format, Location{"", 0, 0, "--format"});
    if (!o.output.empty() && std::filesystem::path(o.output).has_extension()) {
      const std::string ext = std::filesystem::path(o.output).extension().string();
      if (parse_export_format(ext, Location{o.output, 0, 0, "-o"}) != format) {
        throw InputError(Location{o.output, 0, 0, "-o"},
                         fmt::format("the extension '{}' contradicts --format {}", ext, to_string(format)));
      }
    }
  } else if (!o.output.empty()) {
    const std::filesystem::path out(o.output);
    if (!out.has_extension())
      throw InputError(Location{o.output, 0, 0, "--format"}, "expected --format csv, sto or mot (or an output "
                                                             "file ending in .csv, .sto or .mot)");
    format = parse_export_format(out.extension().string(), Location{o.output, 0, 0, "-o"});
  } else {
    throw InputError(Location{"", 0, 0, "--format"}, "expected --format csv, sto or mot (or -o OUT.csv|.sto|.mot)");
  }

  const Hdf5Reader reader(o.file);
  const std::string run_group = find_run_group(reader, o.run >= 0 ? std::optional<int>(o.run) : std::nullopt);
  const TextTable table = export_run(reader, {.format = format, .run_group = run_group, .datasets = o.datasets});
  const std::filesystem::path out =
      o.output.empty() ? default_export_path(o.file, run_group, format) : std::filesystem::path(o.output);
  // write_storage_file / write_csv_file write OUT.partial and rename it (text_table.hpp).
  if (format == ExportFormat::csv)
    write_csv_file(out, table);
  else
    write_storage_file(out, table);
  std::printf("wrote %s (%lld frames, %lld columns%s)\n", out.string().c_str(),
              static_cast<long long>(table.data.rows()), static_cast<long long>(table.data.cols()),
              table.in_degrees ? ", angles in degrees" : "");
  return 0;
}

}  // namespace

Command add_export(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  app.add_option("file", o->file, "Result file (.h5) from dembones run or sweep")->required();
  app.add_option("-f,--format", o->format,
                 "csv (spreadsheet, header row with units), sto (OpenSim: muscle forces, joint moments, loads) or "
                 "mot (OpenSim motion: coordinates, angles in degrees); default: the output's extension");
  app.add_option("-o,--output", o->output, "Output file (default: RUN.<format> next to the input)")
      ->check(nonempty_file_name());
  app.add_option("--dataset", o->datasets,
                 "Dataset to export instead of the format's default, relative to the run, e.g. /muscles/force "
                 "(repeatable: one wide table)");
  app.add_option("--run", o->run, "Run number in a sweep file (/runs/NNNNN)")->check(CLI::NonNegativeNumber);
  app.add_flag("--summary", o->summary,
               "A sweep file's table of all runs (parameters, status, peaks) as CSV (default: SWEEP_summary.csv)");
  return [o] { return export_file(*o); };
}

}  // namespace dembones::cli
