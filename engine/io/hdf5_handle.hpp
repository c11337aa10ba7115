#pragma once
// RAII ownership of HDF5 C-API identifiers (hid_t) and the translation of HDF5 failures into
// dembones::IoError. Used by hdf5_writer.cpp and hdf5_reader.cpp; other code should not need it.
//
// Errors: the HDF5 library prints its error stack to stderr by default. We switch that printing off
// (silence_hdf5_error_printing, once per thread) so that expected failures stay quiet; a real failure is caught
// by check(), which reads the message off the HDF5 error stack and throws an IoError naming the file
// and the object path.
//
// Threads: Debian's libhdf5 is built thread-safe (libhdf5.settings: "Threadsafety: yes"), which
// serialises calls inside the library and keeps an error stack, and its printing switch, per thread.
// We still make a file's calls from one thread at a time (a sweep's writes go through one writer
// mutex), so a build without thread safety would work too.
#include <hdf5.h>

#include <string>
#include <string_view>
#include <utility>

namespace dembones::hdf5 {

// Owns one hid_t and closes it with CloseFn. Move-only.
template <herr_t (*CloseFn)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.release();
    }
    return *this;
  }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  explicit operator bool() const { return valid(); }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  // Closes now; returns the HDF5 status of the close (negative on failure, 0 when nothing to close).
  herr_t reset() {
    herr_t status = 0;
    if (id_ >= 0) status = CloseFn(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using PropertyList = Handle<H5Pclose>;
using Attribute = Handle<H5Aclose>;
using Object = Handle<H5Oclose>;  // a group or dataset opened without knowing which

// Turns off HDF5's automatic printing of its error stack for the calling thread (idempotent, cheap).
void silence_hdf5_error_printing();

// The current HDF5 error stack as one line, innermost (most specific) message last; then clears it.
std::string take_hdf5_error_message();

// Throws IoError "FILE: WHAT 'OBJECT': HDF5 message" when status < 0; returns status otherwise.
// `file` is the file path as the user gave it; `object` the path inside the file (may be empty).
herr_t check(herr_t status, std::string_view file, std::string_view what, std::string_view object);
// Same for identifiers (negative hid_t = failure).
hid_t check_id(hid_t id, std::string_view file, std::string_view what, std::string_view object);

// File access properties used for every file we open: HDF5's file locking stays on, but a file
// system without lock support (Lustre, some NFS mounts on clusters) is not an error (otherwise HDF5
// >= 1.10 fails with "unable to lock file" unless HDF5_USE_FILE_LOCKING=FALSE is set).
// strong_close: H5Fclose also closes objects still open, so the file is complete when it returns.
PropertyList make_file_access_plist(bool strong_close);

// A variable-length UTF-8 string type (h5py reads attributes of this type as str, datasets via
// .asstr(); MATLAB h5read returns char/cellstr).
Datatype make_vl_utf8_string_type();

// True when every component of `path` ("a/b/c", absolute or relative to loc) exists as a link that
// resolves to an object. Never leaves anything on the error stack.
bool path_exists(hid_t loc, std::string_view path);

// Canonical absolute form of a path inside a file.
std::string normalize_path(std::string_view path);  // "/a//b/" -> "/a/b"; "" -> "/"
std::pair<std::string, std::string> split_parent(std::string_view normalized_path);  // "/a/b" -> {"/a", "b"}

}  // namespace dembones::hdf5
