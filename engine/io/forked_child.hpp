#pragma once
// Work on an HDF5 file that a killed writer may have damaged, done in a forked child: reading such a
// file can make libhdf5 abort or corrupt the heap instead of returning an error (HDF5 1.10 has no
// journal), and the caller must survive it (a resumed sweep's probe and rewrite, io/hdf5_probe.hpp,
// io/hdf5_rewrite.hpp).
#include <functional>

namespace dembones {

// Runs `work` in a forked child and waits for it: true when it returned true and the child exited
// normally. An exception, an abort or a crash in the child is false. The child leaves by _exit, so
// the parent's atexit handlers (HDF5's among them) run only in the parent.
bool succeeds_in_child(const std::function<bool()>& work);

}  // namespace dembones
