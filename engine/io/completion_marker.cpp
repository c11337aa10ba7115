#include "io/completion_marker.hpp"

#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"

namespace dembones {

void mark_complete(Hdf5Writer& writer, std::string_view group) {
  // Flush the run's data first: H5Fflush writes raw-data chunks and metadata in no guaranteed order,
  // so a kill during a single flush could leave the marker on disk with some of the data still in
  // the chunk cache (a run read back as complete with stale values). After this first flush the
  // data is in the file; the marker follows in a second one.
  writer.flush();
  writer.set_int_attribute(group, kCompleteAttribute, 1);
  writer.flush();
}

void mark_complete(Hdf5Writer& writer, std::span<const std::string> groups) {
  if (groups.empty()) return;
  writer.flush();  // every group's data first, as above
  for (const std::string& g : groups) writer.set_int_attribute(g, kCompleteAttribute, 1);
  writer.flush();
}

bool is_complete(const Hdf5Reader& reader, std::string_view group) {
  if (!reader.is_group(group) || !reader.has_attribute(group, kCompleteAttribute)) return false;
  return reader.read_int_attribute(group, kCompleteAttribute) == 1;
}

CompletionScan scan_completion(const Hdf5Reader& reader, std::string_view parent) {
  CompletionScan scan;
  if (!reader.is_group(parent)) return scan;
  const std::string base = parent == "/" ? std::string() : std::string(parent);
  for (const auto& name : reader.children(parent)) {
    const std::string path = base + "/" + name;
    if (!reader.exists(path)) {
      scan.incomplete.push_back(name);  // a dangling link: its run must be redone
    } else if (reader.is_group(path)) {
      (is_complete(reader, path) ? scan.complete : scan.incomplete).push_back(name);
    }
  }
  return scan;
}

}  // namespace dembones
