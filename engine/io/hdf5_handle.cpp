#include "io/hdf5_handle.hpp"

#include <string>
#include <vector>

#include "common/error.hpp"

namespace dembones::hdf5 {

void silence_hdf5_error_printing() {
  // In a thread-safe HDF5 (Debian's libhdf5 is built thread-safe) the error stack and its automatic
  // printing belong to each thread: silenced once per process, a sweep's writer threads printed two
  // HDF5-DIAG traces per run group they looked up (path_exists below) on stderr.
  thread_local bool silenced = false;
  if (silenced) return;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

namespace {

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* err, void* client) {
  auto* messages = static_cast<std::vector<std::string>*>(client);
  if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
    std::string m = err->desc;
    if (err->func_name != nullptr) m = std::string(err->func_name) + ": " + m;
    messages->push_back(std::move(m));
  }
  return 0;
}

}  // namespace

std::string take_hdf5_error_message() {
  std::vector<std::string> messages;
  // Downward: from the API call the user made to the innermost cause.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &messages);
  H5Eclear2(H5E_DEFAULT);
  if (messages.empty()) return "unknown HDF5 error";
  std::string out;
  for (const auto& m : messages) {
    if (!out.empty()) out += "; ";
    out += m;
  }
  return out;
}

namespace {

// The operating system's reason when HDF5 failed on a system call ("No space left on device",
// "Permission denied"): its file driver writes it into the error stack as "error message = '...'".
// That reason is what the user can act on; the stack of a full disk is kilobytes of HDF5 internals.
std::string system_error_in(const std::string& stack) {
  static constexpr std::string_view kKey = "error message = '";
  const std::size_t at = stack.find(kKey);
  if (at == std::string::npos) return {};
  const std::size_t from = at + kKey.size(), to = stack.find('\'', from);
  return to == std::string::npos ? std::string{} : stack.substr(from, to - from);
}

[[noreturn]] void throw_io(std::string_view file, std::string_view what, std::string_view object) {
  std::string message(what);
  if (!object.empty()) message += " '" + std::string(object) + "'";
  const std::string stack = take_hdf5_error_message();
  const std::string system = system_error_in(stack);
  message += ": " + (system.empty() ? stack : system);
  throw IoError(Location{std::string(file), 0, 0, ""}, message);
}

}  // namespace

herr_t check(herr_t status, std::string_view file, std::string_view what, std::string_view object) {
  if (status < 0) throw_io(file, what, object);
  return status;
}

hid_t check_id(hid_t id, std::string_view file, std::string_view what, std::string_view object) {
  if (id < 0) throw_io(file, what, object);
  return id;
}

PropertyList make_file_access_plist(bool strong_close) {
  PropertyList fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (strong_close) H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 10, 7)
  H5Pset_file_locking(fapl.get(), /*use_file_locking=*/1, /*ignore_when_disabled=*/1);
#endif
  return fapl;
}

Datatype make_vl_utf8_string_type() {
  Datatype t(H5Tcopy(H5T_C_S1));
  if (!t || H5Tset_size(t.get(), H5T_VARIABLE) < 0 || H5Tset_cset(t.get(), H5T_CSET_UTF8) < 0) {
    throw InternalError("HDF5: cannot create a variable-length UTF-8 string type: " +
                        take_hdf5_error_message());
  }
  return t;
}

std::string normalize_path(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const std::size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    if (i > start) {
      out += '/';
      out.append(path.substr(start, i - start));
    }
  }
  return out.empty() ? std::string("/") : out;
}

std::pair<std::string, std::string> split_parent(std::string_view normalized_path) {
  const std::size_t slash = normalized_path.rfind('/');
  if (slash == std::string_view::npos) return {"/", std::string(normalized_path)};
  // Built without assigning a literal to a possibly-empty string: GCC 12 flags that with a false
  // -Wrestrict (GCC bug 105651).
  std::string parent = slash == 0 ? std::string(1, '/') : std::string(normalized_path.substr(0, slash));
  return {std::move(parent), std::string(normalized_path.substr(slash + 1))};
}

bool path_exists(hid_t loc, std::string_view path) {
  silence_hdf5_error_printing();  // an expected failure below; this thread may not have been silenced
  const std::string norm = normalize_path(path);
  if (norm == "/") return true;
  // H5Lexists fails (rather than returning false) when an intermediate group is missing or cannot be
  // traversed, which means false here too; when it finds the last link, every group on the way
  // resolved. Then only the last link may dangle (an external link whose file is gone). Two lookups
  // of the whole path instead of two per component (a sweep checks each run group it writes).
  const htri_t link = H5Lexists(loc, norm.c_str(), H5P_DEFAULT);
  const htri_t object = link > 0 ? H5Oexists_by_name(loc, norm.c_str(), H5P_DEFAULT) : 0;
  if (object <= 0) H5Eclear2(H5E_DEFAULT);
  return object > 0;
}

}  // namespace dembones::hdf5
