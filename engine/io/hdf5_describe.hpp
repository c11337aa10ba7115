#pragma once
// A human-readable listing of an HDF5 file for `dembones info RUN.h5`: the root attributes, then
// every group and dataset with its type, shape, units and description.
//
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
};

std::string describe_hdf5(const Hdf5Reader& reader, const DescribeOptions& options = {});

}  // namespace dembones
