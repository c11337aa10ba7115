#include "io/hdf5_rewrite.hpp"

#include <algorithm>
#include <string_view>

#include "io/forked_child.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"

namespace dembones {
namespace {

std::string child_path(const std::string& group, const std::string& name) {
  return group == "/" ? "/" + name : group + "/" + name;
}

// Whether `path` is an ancestor of a dropped object: then it is rebuilt child by child; otherwise it is
// copied whole (or left out, when dropped itself).
bool holds_dropped(const std::string& path, const std::vector<std::string>& drop) {
  const std::string prefix = path == "/" ? "/" : path + "/";
  return std::any_of(drop.begin(), drop.end(), [&](const std::string& d) { return d.starts_with(prefix); });
}

void copy_group(const Hdf5Reader& source, Hdf5Writer& dest, const std::string& group,
                const std::vector<std::string>& drop) {
  dest.create_group(group);
  dest.copy_attributes_from(source, group, group);
  for (const std::string& name : source.children(group)) {
    const std::string path = child_path(group, name);
    if (std::find(drop.begin(), drop.end(), path) != drop.end()) continue;
    if (holds_dropped(path, drop) && source.is_group(path))
      copy_group(source, dest, path, drop);
    else
      dest.copy_from(source, path, path);
  }
}

}  // namespace

bool rewrite_hdf5_without(const std::filesystem::path& path, const std::vector<std::string>& drop) {
  const bool ok = succeeds_in_child([&] {
    const Hdf5Reader source(path);
    Hdf5WriterOptions o;
    o.temporary_path = path.string() + ".rewrite";
    o.remove_partial_on_abort = true;
    Hdf5Writer dest(path, o);  // commit() renames the .rewrite file onto `path`
    copy_group(source, dest, "/", drop);
    dest.commit();
    return true;
  });
  // A child that crashed left its half-written copy; the original is untouched.
  if (!ok) {
    std::error_code ignored;
    std::filesystem::remove(path.string() + ".rewrite", ignored);
  }
  return ok;
}

}  // namespace dembones
