#pragma once
// The ground reaction of every frame of a run (solvers/ground_reaction.hpp): force on the feet, its
// moment about the ankle joint centre's projection on the floor, the centre of pressure forward of
// the ankle joint centre, and a flag for frames whose COP leaves the feet (heel to toe, the base of
// support the task generator uses) or whose feet would have to be pulled down. Stored by
// write_ground_series as /loads/ground (docs/hdf5-layout.md); `dembones run` counts the flagged
// frames next to the reserve-limited ones. A flagged frame is reported, never hidden.
#include <string>

#include "io/hdf5_writer.hpp"
#include "multibody/data.hpp"
#include "solvers/ground_reaction.hpp"

namespace dembones {

struct GroundSeries {
  FootSupport support;   // set before the first frame (execute_run: from the task rig)
  MatX force;            // (F × 3) force of the ground on both feet, world axes, N
  MatX moment;           // (F × 3) its moment about (ankle x, 0, 0), world axes, N·m
  VecX cop_forward;      // (F) centre of pressure forward of the ankle joint centre, m (NaN: feet unloaded)
  VecX cop_lateral;      // (F) world z of the centre of pressure, m (NaN: feet unloaded)
  VecX outside_support;  // (F) 1: COP outside heel..toe, or no push on the floor

  void resize(int frames);
  // Frame f from data after rnea with the frame's external forces (the pipeline's last run_frame).
  void record(int f, const Model& model, const Data& data);
  int frames_outside_support() const;
};

// /loads/ground under `prefix` ("/" or a sweep's run group): the same datasets as a joint-reaction
// site (compression, ap_shear, lateral_shear, resultant, force, moment, position, rotation; site
// frame = world axes at the ankle's projection on the floor, the ground the lower "segment" and the
// feet the upper one) plus the COP and the support flag, each with units and description.
void write_ground_series(Hdf5Writer& w, const std::string& prefix, const GroundSeries& g);

}  // namespace dembones
