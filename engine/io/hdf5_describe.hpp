#pragma once
// A human-readable listing of an HDF5 file for `dembones info RUN.h5`: for a dembones run, an
// overview (scenario, frames, time span, peak loads in N and body weights, frames that needed
// reserves); then the root attributes and every group and dataset with its type, shape, units and
// description.
//
//   run: scenario 'stoop_lift', 201 frames, 0 to 2 s (100 Hz)
//   peak loads                         N      BW    at s
//     L5_S1_compression             3980    5.41    1.02
//   frames the muscles could not balance without reserves: 0 of 201
//   format = dembones-run
//   scenario_yaml = (42 lines)
//   /muscles                      group
//   /muscles/force                float64 [300 x 12]    N     muscle-tendon force
#include <cstddef>
#include <string>
#include <string_view>

namespace dembones {

class Hdf5Reader;

struct DescribeOptions {
  std::string group = "/";          // list below this group only
  bool root_attributes = true;      // print the attributes of `group` first
  std::size_t max_value_chars = 60;  // longer attribute strings are cut with "..."
  // When `group` holds a run (a `time` dataset), the overview above first; for a sweep file's
  // root, the number of runs.
  bool run_overview = true;
  // A sweep file's /runs: list the first run group in full and count the others (all laid out alike;
  // a sweep with series full has a run file's layout in each of thousands of runs).
  bool collapse_runs = false;
};

std::string describe_hdf5(const Hdf5Reader& reader, const DescribeOptions& options = {});

}  // namespace dembones
