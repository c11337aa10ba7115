#pragma once
// The generalized force the muscles' passive (stretched-fibre) forces exert on one coordinate in one
// frame of a run: what a posture asks the opposing muscles to hold off. A stoop with straight knees
// and the hips flexed past the hamstrings' length, for example, pulls the hips toward extension harder
// than the body's weight does; the hip flexors then reach their limit and the reserve actuators act in
// flexion. `dembones run` prints it beside the largest reserve so that a user can tell a posture
// beyond the muscles' length from a load beyond their strength.
#include <string>
#include <vector>

#include "scenario/run_record.hpp"

namespace dembones {

struct PassiveStretch {
  std::string muscle;
  double force_N = 0;           // passive tendon force, per side
  double fiber_per_optimal = 0; // fibre length / optimal fibre length
};

struct PassiveMusclePull {
  double moment_Nm = 0;                 // sum over the muscles (both sides), about the coordinate
  std::vector<PassiveStretch> largest;  // the muscles contributing most to it, largest first
};

// Recomputes the moment arms at the frame's posture (the record keeps them only when stored `full`);
// needs the record's q, passive_force and fiber_length series. Not for the per-frame loop: it
// allocates a Data and a MuscleData.
PassiveMusclePull passive_muscle_pull(const MusculoskeletalModel& msm, const RunRecord& r, int frame, int coordinate,
                                      int how_many = 2);

}  // namespace dembones
