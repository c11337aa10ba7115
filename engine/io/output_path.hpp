#pragma once
// The check of an output path made before any work: a sweep of thousands of runs must not fail at its
// end because of where it writes, and a run must not write over its own input.
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace dembones {

// Whether `out` is named like an HDF5 file (.h5, .hdf5, .hdf, .he5, any case), and what to say when not.
bool hdf5_file_name(const std::filesystem::path& out);
std::string hdf5_file_name_expected(const std::filesystem::path& out);

// Throws InputError (at `where`: --output or output.file) unless `out` can take the result: it ends
// in .h5 (.hdf5, .hdf, .he5), its folder exists and is writable, `out` is not a folder, a device or
// another special file, and it is none of the `inputs` (the scenario, its model, motion and force tables, the sweep file): writing
// over them would destroy the run's own input.
void check_output_path(const std::filesystem::path& out, const Location& where,
                       const std::vector<std::filesystem::path>& inputs);

}  // namespace dembones
