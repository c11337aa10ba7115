#pragma once
// A sweep's /summary table (one row per run: its parameters, status and peaks) as CSV, for
// `dembones export SWEEP.h5 --summary`: spreadsheets, R and MATLAB's readtable read it without an
// HDF5 library, and a compound table's dotted column names ("task.box.mass_kg"), which MATLAB
// cannot take as struct fields, stay plain CSV headers.
#include <filesystem>

namespace dembones {

class Hdf5Reader;

// Writes /summary to `out` (under OUT.partial, renamed when complete): a header row "name [units]"
// (the name alone where the column has no units or is text, "-"), then one row per run in run order; numbers as the
// shortest text that reads back to the same double ("nan" where a failed run has no value), text
// quoted when it holds a comma or quote. Returns the number of rows. InputError naming the file
// when it has no /summary (not a sweep's file).
std::size_t export_summary_csv(const Hdf5Reader& reader, const std::filesystem::path& out);

// SWEEP.h5 -> SWEEP_summary.csv next to it.
std::filesystem::path default_summary_export_path(const std::filesystem::path& input);

}  // namespace dembones
