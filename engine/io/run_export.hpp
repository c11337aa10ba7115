#pragma once
// One run of a result file as a text table, for `dembones export RUN.h5 --format csv|sto|mot`
// (docs/hdf5-layout.md, "Exporting"):
//
//   const Hdf5Reader r("stoop_lift.h5");
//   const std::string run = find_run_group(r, std::nullopt);                  // "/"
//   TextTable t = export_run(r, {.format = ExportFormat::mot, .run_group = run});
//   write_text_table("stoop_lift.mot", t);   // time, L5_S1_flexion, ..., hip_flexion (degrees)
//
// What each format holds by default (an explicit dataset list replaces it):
//   mot  /coordinates/q, rotational coordinates in degrees (inDegrees=yes), translations in m: the
//        motion file OpenSim's GUI plays against a model with the same coordinate names.
//   sto  one wide table of forces: /muscles/force, /joints/moment and, per load site,
//        compression, ap_shear, lateral_shear and resultant (SI, inDegrees=no).
//   csv  /coordinates/q (rad, m), /muscles/activation and everything of sto; a header row of
//        names with units, "time [s]", "muscles/force/psoas_L1 [N]", ...
// Column names: with one dataset, its channel names (the sibling `names` dataset, e.g. the muscle
// names, or the leaf name of a 1-d series); with several, "<dataset>/<channel>" or "<dataset>" for
// a 1-d series, the dataset path taken relative to the run ("loads/L5_S1/compression"), so names
// never collide.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "io/text_table.hpp"

namespace dembones {

class Hdf5Reader;

enum class ExportFormat { csv, sto, mot };

const char* to_string(ExportFormat format);  // "csv", "sto", "mot"

// "csv", "sto" or "mot", case-insensitive, with or without a leading dot (so a file extension
// works). InputError at `where` naming the allowed values otherwise.
ExportFormat parse_export_format(std::string_view text, const Location& where);

// The group holding one run: "/" in a `dembones run` file, "/runs/NNNNN" (five digits) for run N
// of a sweep file. InputError naming the file when `run` is given for a single-run file, missing
// for a sweep file, or names a run the file does not hold.
std::string find_run_group(const Hdf5Reader& reader, std::optional<int> run);

// The datasets each format exports when none are named (above), relative to the run group. Load
// sites are listed in name order; datasets absent from the file are left out.
std::vector<std::string> default_export_datasets(const Hdf5Reader& reader, const std::string& run_group,
                                                 ExportFormat format);

struct RunExportRequest {
  ExportFormat format = ExportFormat::csv;
  std::string run_group = "/";  // from find_run_group
  // Relative to run_group ("muscles/force"); a leading '/' is ignored, so "/muscles/force" names
  // the same dataset in every run of a sweep. Empty = default_export_datasets.
  std::vector<std::string> datasets{};
};

// Units of each channel of a [frames] or [frames × channels] dataset of the run: the dataset's
// `units` attribute, except for the coordinate-indexed series (coordinates/q, qdot, qddot,
// joints/moment, joints/passive_moment, reserves/torque), whose units follow /coordinates/units
// ("rad" or "m" per coordinate): rad, rad/s, rad/s^2, N*m for a rotational coordinate and m, m/s,
// m/s^2, N for a translational one.
std::vector<std::string> export_channel_units(const Hdf5Reader& reader, const std::string& run_group,
                                              const std::string& dataset, std::size_t channels);

// The table: "time" (the run's /time, s) then one column per channel of each dataset. For mot,
// every column in rad, rad/s or rad/s^2 is converted to degrees (deg, deg/s, deg/s^2) and the
// header says inDegrees=yes. The header's description lines give each dataset's units. For csv the
// column names carry the units ("time [s]"). InputError naming the file and the dataset when a
// dataset is missing, is not numeric, is not [frames] or [frames × channels], or is named twice.
TextTable export_run(const Hdf5Reader& reader, const RunExportRequest& request);

// RUN.h5 -> RUN.<format> next to it; run N of a sweep file: RUN_run00042.<format>.
std::filesystem::path default_export_path(const std::filesystem::path& input, const std::string& run_group,
                                          ExportFormat format);

}  // namespace dembones
