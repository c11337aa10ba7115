#pragma once
// A scenario file as plain data (docs/scenarios.md): which model and subject, which task, which
// impairments, how to solve and what to write. Parsed by scenario_file.cpp; SI units throughout
// (fields ending in _deg in the file are converted to rad here).
#include <Eigen/Core>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/model_spec.hpp"
#include "scenario/task_spec.hpp"

namespace dembones {

enum class ImpairmentType { tight_muscle, weak_muscle, strong_muscle, nerve_root, posture };

// The range one impairment may set (scenario_file.cpp); impairments that compound keep it
// (scenario_runner.cpp).
inline constexpr double kMinStrengthScale = 0.01;
// strong_muscle (a trained muscle, an intervention to compare): at most twice the published strength,
// a bound on input, beyond the gains strength-training studies report, not a claim about any muscle.
inline constexpr double kMaxStrengthScale = 2.0;
inline constexpr double kMinLengthScale = 0.5;
inline constexpr double kMaxPostureOffset_deg = 30.0;

struct ImpairmentSpec {
  ImpairmentType type = ImpairmentType::weak_muscle;
  std::vector<std::string> muscles;  // selectors: exact name, group tag or glob
  // tight_muscle: optimal fibre and tendon slack lengths scaled by this (< 1 shortens)
  double length_scale = 1.0;
  double strength_scale = 1.0;       // weak_muscle: F0 multiplier in (0, 1]; strong_muscle: (1, 2]
  std::string root;                  // nerve_root: e.g. "L4"
  double activation_cap = 1.0;       // nerve_root: maximum activation in (0, 1]
  // nerve_root, a muscle innervated by several roots: false (`multi_root: cap`) caps it as a muscle of
  // the root alone; true (`multi_root: share`) caps only the root's equal share of its motor units,
  // 1 − (1 − activation_cap) / n for n roots.
  bool root_share = false;
  double pelvic_tilt_rad = 0.0;      // posture: anterior pelvic tilt offset
  double lumbar_flexion_rad = 0.0;   // posture: lumbar flexion offset (distributed by the rhythm)
  Location where;                    // for messages about this impairment
  std::vector<Location> muscles_where;  // where each selector of `muscles` (or the `root`) is written
};

// "weak_muscle glutes, abdominals (strength x0.5)": what the run summary prints for each impairment.
std::string describe_impairment(const ImpairmentSpec& imp);

struct SolverSpec {
  double rate_hz = 100.0;
  int exponent = 2;
  double filter_cutoff_hz = 6.0;
  double reserve_optimal_force = 1.0;  // N·m per unit reserve control: small = heavily penalised
  double reserve_threshold_Nm = 1.0;   // a frame is flagged when a reserve exceeds this
  bool elastic_tendon = true;          // `tendon: elastic` (default) or `rigid`
  bool couple_coordinates = true;      // `couplings: enforce` (default) or `ignore`
};

enum class StoreLevel { summary, full };

struct OutputSpec {
  std::string file;  // resolved relative to the working directory
  StoreLevel store = StoreLevel::full;
  int compression = 4;
  bool float32 = false;
};

// `external_forces:` (docs/scenarios.md, "Measured external forces"): forces read from a table
// (.mot/.sto/CSV with a time column), after OpenSim's ExternalLoads/ExternalForce.
struct ExternalForceSpec {
  std::string name;                        // defaults to "<body>_force<i>"
  std::string body;                        // body the force acts on (model body name)
  std::vector<std::string> force_columns;  // 3 column labels: Fx, Fy, Fz (N)
  bool force_in_body = false;              // `frame: body` (default ground)
  // The point of application: a constant point in the body frame (point_m), or 3 columns
  // (point_columns) expressed in `point_frame` (default ground, as force-plate centres of pressure).
  bool has_point_m = false;
  Eigen::Vector3d point_m = Eigen::Vector3d::Zero();
  std::vector<std::string> point_columns;
  bool point_in_body = false;
  Location where;                          // of this entry, for messages (field external_forces.forces[i])
};

struct ExternalForcesSpec {
  std::string file;  // resolved relative to the scenario file
  std::vector<ExternalForceSpec> forces;
  Location where;    // of the `file` field
  // Zero-lag Butterworth low-pass of the table's force and point columns at its own sampling rate
  // before resampling (`filter_cutoff_hz`, Hz); 0: the table as read.
  double filter_cutoff_hz = 0.0;
  Location filter_where;  // of the `filter_cutoff_hz` field
};

struct ScenarioSpec {
  std::string file;       // the scenario file as given
  std::string text;       // the YAML text after overrides (stored in the output for provenance)
  std::string name;
  std::string description;
  std::string model_file;  // resolved path
  SubjectSpec subject;
  TaskSpec task;
  std::vector<ImpairmentSpec> impairments;
  SolverSpec solver;
  OutputSpec output;
  std::optional<ExternalForcesSpec> external_forces;
};

// The scenario's impairments, each described (describe_impairment), "; "-joined; empty without any.
std::string describe_impairments(const ScenarioSpec& scenario);

}  // namespace dembones
