#include "io/hdf5_probe.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {

bool hdf5_file_readable(const std::filesystem::path& path, std::string_view group) {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    // Child: any exception, abort or crash means "not readable". _exit skips the parent's atexit
    // handlers (HDF5's included), which belong to the parent.
    int code = 1;
    try {
      const Hdf5Reader r(path);
      const CompletionScan scan = scan_completion(r, group);
      for (const std::string& name : scan.complete) (void)r.attribute_names(std::string(group) + "/" + name);
      code = 0;
    } catch (...) {
      code = 1;
    }
    ::_exit(code);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace dembones
