#include "io/hdf5_probe.hpp"

#include <string>

#include "io/completion_marker.hpp"
#include "io/forked_child.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {

bool hdf5_file_readable(const std::filesystem::path& path, std::string_view group) {
  return exit_code_in_child([&] {
           const Hdf5Reader r(path);
           const CompletionScan scan = scan_completion(r, group);
           for (const std::string& name : scan.complete) (void)r.attribute_names(std::string(group) + "/" + name);
           return 0;
         }) == 0;
}

}  // namespace dembones
