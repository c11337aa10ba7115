#pragma once
// What `dembones info SWEEP.h5` says first about a sweep file, from its /summary table (docs/sweeps.md):
// how many runs ran and failed (with the first errors), the varied parameters' ranges, how many runs
// needed reserve actuators and where their largest reserve acted, how many left the feet, what the
// lumbar rhythm's constraint carried, and each peak load's range over the runs that ran. A sweep read
// without a /summary (interrupted, not yet resumed) says so and counts its run groups.
//
//   sweep 'lift_population' (latin_hypercube): 1000 runs of 1000 in this file, 1000 ok, 0 failed
//   runs needing reserves: 261 of 1000 (largest reserve 65.0 N*m, run 412); where each run's largest
//   reserve acts: L1_L2_extension +, 261
#include <string>

namespace dembones {

class Hdf5Reader;

std::string describe_sweep(const Hdf5Reader& reader);

}  // namespace dembones
