#include "io/file_in_use.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

namespace dembones {

bool file_in_use(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  // A shared lock is refused only while someone holds the exclusive one HDF5 takes for writing.
  const bool in_use = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases our lock, if we got it
  return in_use;
}

}  // namespace dembones
