#pragma once
// Can this HDF5 file be read without taking the reader down? HDF5 1.10 has no journal: a process
// killed while the library was writing metadata (SIGKILL, node failure) can leave a file whose
// reading makes libhdf5 abort or corrupt the heap, not return an error. A resumed sweep must not
// die on it, so the file is first opened and scanned in a forked child (the caller survives
// whatever happens there).
#include <filesystem>
#include <string_view>

namespace dembones {

// True when a child process could open `path`, scan the completion markers of the groups under
// `group` (completion_marker.hpp) and read every complete group's attributes, and exited normally.
bool hdf5_file_readable(const std::filesystem::path& path, std::string_view group);

}  // namespace dembones
