#pragma once
// Work on an HDF5 file that a killed writer may have damaged, done in a forked child: reading such a
// file can make libhdf5 abort or corrupt the heap instead of returning an error (HDF5 1.10 has no
// journal), and the caller must survive it (a resumed sweep's probe and rewrite, io/hdf5_probe.hpp,
// io/hdf5_rewrite.hpp).
#include <functional>

namespace dembones {

// Runs `work` in a forked child and waits for it; returns the exit code `work` returned (an exception
// in it: 1), or -1 when the child could not be started or did not exit normally (an abort, a crash, a
// signal such as SIGXFSZ at the file-size limit). The child dies with its parent (a copy left running
// by a killed sweep would rename its file over the next sweep's), takes the default action for SIGINT
// and SIGTERM (not the parent's handlers), and leaves by _exit, so the parent's atexit handlers (HDF5's
// among them) run only in the parent.
int exit_code_in_child(const std::function<int()>& work);

}  // namespace dembones
