#include "io/hdf5_rewrite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "common/error.hpp"
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

RewriteResult rewrite_hdf5_without(const std::filesystem::path& path, const std::vector<std::string>& drop) {
  // A copy needs room for the file again: said before anything is written (a full disk made the copy
  // fail, and the file was then set aside as damaged; review).
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto space = std::filesystem::space(path.parent_path().empty() ? "." : path.parent_path(), ec);
  if (!ec && space.available < size)
    throw IoError(Location{path.string(), 0, 0, ""},
                  fmt::format("--resume copies the finished runs into a fresh file, which needs {:.1f} MB; the "
                              "folder has {:.1f} MB free: free some space and resume again (the file is left as it is)",
                              size / 1e6, space.available / 1e6));
  constexpr int kSourceUnreadable = 3;
  const int code = exit_code_in_child([&] {
    std::optional<Hdf5Reader> source;
    try {
      source.emplace(path);
      (void)source->children("/");
    } catch (...) {
      return kSourceUnreadable;
    }
    Hdf5WriterOptions o;
    o.temporary_path = path.string() + ".rewrite";
    o.remove_partial_on_abort = true;
    Hdf5Writer dest(path, o);  // commit() renames the .rewrite file onto `path`
    copy_group(*source, dest, "/", drop);
    // The copy keeps the old file's permission bits (a group-readable sweep file stays so; review).
    std::error_code ignored;
    std::filesystem::permissions(o.temporary_path, std::filesystem::status(path).permissions(), ignored);
    dest.commit();
    return 0;
  });
  if (code == 0) return RewriteResult::done;
  // A child that crashed left its half-written copy; the original is untouched.
  std::filesystem::remove(path.string() + ".rewrite", ec);
  return code == kSourceUnreadable ? RewriteResult::source_unreadable : RewriteResult::write_failed;
}

}  // namespace dembones
