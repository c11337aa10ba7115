#pragma once
// Stores one run in an HDF5 file following docs/hdf5-layout.md: at the root for `dembones run`, under
// /runs/NNNNN/ for a sweep. Every dataset carries `units` and `description`.
#include <string>
#include <vector>

#include "io/hdf5_writer.hpp"
#include "scenario/input_files.hpp"
#include "scenario/run_record.hpp"
#include "scenario/scenario_spec.hpp"

namespace dembones {

// Provenance written as root attributes of a run file.
struct RunProvenance {
  std::string scenario_name;
  std::string scenario_yaml;
  std::string model_yaml;
  std::string command_line;
  double subject_height_m = 0, subject_mass_kg = 0;
  std::string subject_sex;
  std::string task;  // describe_task() of the task as run; not written when empty (a sweep's root)
  // describe_impairment() of each impairment as run, "; "-joined as `dembones run` prints them; written
  // with `task` (run files; "none" when there are none).
  std::string impairments;
  // Files the scenario reads besides the model (motion table, external forces): written as the
  // input_file_* attributes when there are any.
  std::vector<InputFile> input_files;
};

// Root attributes: format, versions, time, host, scenario, model and input-file texts with their SHA-256.
void write_provenance(Hdf5Writer& w, const std::string& format, const RunProvenance& p);

// All datasets of one run under `prefix` ("/" or "/runs/00042").
void write_run(Hdf5Writer& w, const std::string& prefix, const MusculoskeletalModel& msm, const RunRecord& r,
               const std::vector<Peak>& peaks);

// The solver settings the run used, defaults included, as attributes of `prefix`/solver (written after
// write_run): rate_hz, filter_cutoff_hz, exponent, reserve_optimal_force, reserve_threshold_Nm, tendon
// (elastic or rigid) and couplings (enforce or ignore), as scenario files spell them.
void write_solver_settings(Hdf5Writer& w, const std::string& prefix, const SolverSpec& solver);

// "<UTC time> on <host> in <working directory>: <command line>": one session of a file written in
// several (a resumed sweep's `resumed`, a merge's `merged_by` and `merged_shards`).
std::string describe_session(const std::string& command_line);

// SHA-256 of a text, lowercase hex (FIPS 180-4).
std::string sha256_hex(const std::string& text);

}  // namespace dembones
