#include "io/hdf5_export.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "io/hdf5_handle.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

// "/runs/00003/muscles/force" -> the first existing of /runs/00003/muscles/time, /runs/00003/time,
// /runs/time, /time.
std::string find_time_dataset(const Hdf5Reader& r, const std::string& dataset) {
  std::string group = hdf5::split_parent(dataset).first;
  while (true) {
    const std::string candidate = group == "/" ? "/time" : group + "/time";
    if (r.is_dataset(candidate)) return candidate;
    if (group == "/") break;
    group = hdf5::split_parent(group).first;
  }
  throw IoError(Location{r.path().string(), 0, 0, ""}, "no 'time' dataset above '" + dataset + "'");
}

}  // namespace

TextTable export_time_series(const Hdf5Reader& r, const ExportRequest& request) {
  const std::string file = r.path().string();
  const std::string dataset = hdf5::normalize_path(request.dataset);
  const auto dims = r.dims(dataset);
  if (dims.empty() || dims.size() > 2) {
    throw IoError(Location{file, 0, 0, ""},
                  fmt::format("'{}' has {} dimensions; only [frames] or [frames x channels] export as a table",
                              dataset, dims.size()));
  }
  const auto frames = static_cast<Eigen::Index>(dims[0]);
  const auto channels = static_cast<Eigen::Index>(dims.size() == 2 ? dims[1] : 1);
  const std::string time_path =
      request.time_dataset.empty() ? find_time_dataset(r, dataset) : hdf5::normalize_path(request.time_dataset);
  const auto time = r.read_doubles(time_path);
  if (static_cast<Eigen::Index>(time.size()) != frames) {
    throw IoError(Location{file, 0, 0, ""}, fmt::format("'{}' has {} frames but '{}' has {} times", dataset, frames,
                                                        time_path, time.size()));
  }

  const auto [group, leaf] = hdf5::split_parent(dataset);
  std::vector<std::string> names;
  if (!request.names_dataset.empty()) {
    names = r.read_strings(request.names_dataset);
    if (static_cast<Eigen::Index>(names.size()) != channels) {
      throw IoError(Location{file, 0, 0, ""}, fmt::format("'{}' has {} names for the {} channels of '{}'",
                                                          request.names_dataset, names.size(), channels, dataset));
    }
  } else {
    const std::string sibling = group == "/" ? "/names" : group + "/names";
    if (dims.size() == 2 && sibling != dataset && r.is_dataset(sibling) && r.dtype(sibling) == "string" &&
        r.dims(sibling) == std::vector<std::uint64_t>{dims[1]}) {
      names = r.read_strings(sibling);
    } else if (dims.size() == 1) {
      names = {leaf};
    } else {
      for (Eigen::Index c = 0; c < channels; ++c) names.push_back(fmt::format("{}_{}", leaf, c));
    }
  }

  TextTable t;
  t.name = request.table_name.empty() ? dataset : request.table_name;
  t.in_degrees = false;  // SI throughout: angles stay in radians
  t.column_names.reserve(names.size() + 1);
  t.column_names.push_back("time");
  for (auto& n : names) t.column_names.push_back(std::move(n));
  const auto values = r.read_doubles(dataset);
  t.data.resize(frames, channels + 1);
  for (Eigen::Index f = 0; f < frames; ++f) {
    t.data(f, 0) = time[static_cast<std::size_t>(f)];
    for (Eigen::Index c = 0; c < channels; ++c) t.data(f, c + 1) = values[static_cast<std::size_t>(f * channels + c)];
  }
  if (r.has_attribute(dataset, "units")) {
    t.description.push_back(fmt::format("Units: {} (dembones dataset {} in {})", r.read_string_attribute(dataset, "units"),
                                        dataset, r.path().filename().string()));
  }
  return t;
}

}  // namespace dembones
