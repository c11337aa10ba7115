#pragma once
// The check of an output path made before any work: a sweep of thousands of runs must not fail at its
// end because of where it writes, and a run must not write over its own input.
#include <filesystem>
#include <vector>

#include "common/error.hpp"

namespace dembones {

// Throws InputError (at `where`: --output or output.file) unless `out` can take the result: its
// folder exists and is writable, `out` is not a folder, a device or another special file, and it is
// none of the `inputs` (the scenario, its model, motion and force tables, the sweep file): writing
// over them would destroy the run's own input.
void check_output_path(const std::filesystem::path& out, const Location& where,
                       const std::vector<std::filesystem::path>& inputs);

}  // namespace dembones
