#pragma once
// Whether another process is writing a file: HDF5 (>= 1.10) holds a lock (flock) on every file it has
// open for writing. A sweep resumed while the same sweep still runs must not read that file as
// damaged and start over under its name (an audit: the running sweep then renamed the resuming one's
// half-written file to the final name).
#include <filesystem>

namespace dembones {

// True when `path` exists and another process holds an exclusive lock on it.
bool file_in_use(const std::filesystem::path& path);

}  // namespace dembones
