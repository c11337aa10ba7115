#include "io/output_path.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace dembones {

namespace fs = std::filesystem;

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

}  // namespace

// What an HDF5 file is called: a name ending in .csv or .mot would hold HDF5 and mislead whoever opens
// it (dembones export writes those formats).
bool hdf5_file_name(const fs::path& out) {
  std::string ext = out.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".h5" || ext == ".hdf5" || ext == ".hdf" || ext == ".he5";
}

std::string hdf5_file_name_expected(const fs::path& out) {
  return fmt::format("expected a file name ending in .h5 (or .hdf5): the result is an HDF5 file{}",
                     out.has_extension() ? "; for CSV, .sto or .mot tables run dembones export on it" : "");
}

void check_output_path(const fs::path& out, const Location& where, const std::vector<fs::path>& inputs) {
  if (out.empty()) throw InputError(where, "expected a file name, got an empty one");
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw InputError(where, fmt::format("no folder '{}' to write '{}' in", folder.string(), out.string()));
  if (fs::exists(out, ec)) {
    if (fs::is_directory(out, ec))
      throw InputError(where, fmt::format("'{}' is a folder; expected a file name, e.g. {}/result.h5", out.string(),
                                          out.string()));
    if (!fs::is_regular_file(out, ec))
      throw InputError(where, fmt::format("'{}' is not a regular file (a device, pipe or socket); expected a file "
                                          "name to write the HDF5 file to",
                                          out.string()));
  }
  for (const fs::path& input : inputs)
    if (!input.empty() && same_file(out, input))
      throw InputError(where, fmt::format("'{}' is one of this run's input files{}; writing the result there "
                                          "would destroy it: choose another output file",
                                          out.string(),
                                          input.string() == out.string() ? "" : " ('" + input.string() + "')"));
  if (!hdf5_file_name(out)) throw InputError(where, fmt::format("'{}': {}", out.string(), hdf5_file_name_expected(out)));
  if (::access(folder.c_str(), W_OK) != 0)
    throw InputError(where, fmt::format("cannot write in folder '{}': {}", folder.string(), std::strerror(errno)));
}

}  // namespace dembones
