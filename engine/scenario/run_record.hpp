#pragma once
// The time series of one run, filled frame by frame from the Pipeline into arrays sized once for the
// whole run, and the summary of its peaks. run_writer.cpp stores it (docs/hdf5-layout.md).
#include <string>
#include <vector>

#include "scenario/ground_series.hpp"
#include "solvers/pipeline.hpp"

namespace dembones {

struct SiteSeries {
  VecX compression, ap_shear, lateral_shear, resultant;  // (F) N
  MatX force, moment;                                     // (F × 3) site frame, N and N·m
  MatX position;                                          // (F × 3) site origin, world, m
  std::vector<double> rotation;                           // (F × 3 × 3) site frame in world
};

struct Peak {
  std::string quantity;  // e.g. "L5_S1_compression"
  double value = 0.0;    // N
  double time_s = 0.0;
  double value_bw = 0.0; // in body weights
};

// What a RunRecord keeps per frame. `peaks`: the time, the load sites' compression, shear and
// resultant series, and the per-frame status (iterations, KKT residual, reserve flag): all that
// summarize() and a sweep's summary row read; the other series stay empty (size 0), which saves
// a sweep in summary mode the copies and memory it never writes. `summary`: every series but the
// moment arms and path points; `full`: everything.
enum class RecordLevel { peaks, summary, full };

struct RunRecord {
  bool full = true;       // store moment arms and path points
  bool series = true;     // store the series beyond the peaks' (false: RecordLevel::peaks)
  VecX time;              // (F)
  MatX q, qd, qdd;        // (F × nv)
  MatX tau_id, tau_passive, reserve;  // (F × nv)
  MatX coupling;          // (F × nv) carried by the coupling constraints (FrameResult::coupling)
  double coupling_max_Nm = 0.0;  // largest |coupling| of any frame and coordinate, every level
  double reserve_max_Nm = 0.0;   // largest |reserve| of any frame and coordinate, every level
  // Where that largest reserve acts: its coordinate (velocity index; -1 while no reserve was non-zero)
  // and its sign on that coordinate (+1 or -1; 0 with none), every level.
  int reserve_max_coordinate = -1;
  int reserve_max_sign = 0;
  // Frames with a coordinate at an end of the model's range (common/run_checks.hpp), every level: the
  // sweep's range_end_frames (a generated squat held by the knee's 120 deg, not by the box).
  int range_end_frames = 0;
  // Frames the static optimization stopped at its iteration limit (FrameStatus::max_iterations, status 1
  // in /solver/status), every level: their muscle forces are the solver's last iterate.
  int unconverged_frames = 0;
  MatX posterior_tension;             // (F × passive moments) summed posterior-ligament tension, N
  MatX actuator;          // (F × k)
  MatX activation, tension, passive_force, fiber_length, mt_length, mt_velocity;  // (F × m)
  std::vector<double> moment_arm;   // (F × m × nv) when full
  std::vector<double> path_points;  // (F × m × P × 3) when full, NaN-padded
  int max_points = 0;               // P
  std::vector<SiteSeries> sites;    // (sites)
  VecX iterations, kkt_residual, reserve_flag, status;  // (F)
  std::vector<double> body_position;  // (F × B × 3)
  std::vector<double> body_rotation;  // (F × B × 3 × 3)
  MatX load_position;                 // (F × 3)
  Eigen::Vector2d box_size_m = Eigen::Vector2d::Zero();  // held box (depth, height), m; 0 without one
  // Ground reaction on the feet and its centre of pressure, every level (its support set by execute_run).
  GroundSeries ground;
  // Measured external forces (the scenario's `external_forces`, as the pipeline applied them), E of
  // them; sized at the first recorded frame that has any (E = 0: none).
  std::vector<std::string> external_names;   // (E) force names
  std::vector<int> external_body;            // (E) body index
  std::vector<std::string> external_force_frame, external_point_frame;  // (E) "ground" or "body", as given
  std::vector<double> external_force;        // (F × E × 3) force on the body, world frame, N
  std::vector<double> external_point;        // (F × E × 3) point of application, world frame, m
  int frames() const { return static_cast<int>(time.size()); }

  RunRecord(const MusculoskeletalModel& msm, int frames, bool full);
  RunRecord(const MusculoskeletalModel& msm, int frames, RecordLevel level);
  // Copies frame f from the pipeline's last run_frame.
  void record(int f, double t, const VecX& q, const VecX& qd, const VecX& qdd, const Pipeline& p);

 private:
  // The external forces of frame f (Pipeline::last_external_forces), in world coordinates.
  void record_external_forces(int f, const Pipeline& p);
};

// Peaks of the loads that answer the users' questions: L5/S1 and L4/L5 compression and shear, hip,
// tibiofemoral and patellofemoral force (those present in the model), in N and body weights.
std::vector<Peak> summarize(const MusculoskeletalModel& msm, const RunRecord& r);

// Muscles ranked by peak activation (highest first), at most n.
std::vector<std::pair<std::string, double>> most_active_muscles(const MusculoskeletalModel& msm,
                                                                const RunRecord& r, int n);

}  // namespace dembones
