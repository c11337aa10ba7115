#pragma once
// A fresh copy of an HDF5 file that a killed writer left, without some of its objects. HDF5 1.10 has no
// journal: a file killed while the library was writing metadata can read correctly and still refuse
// its next allocation (a group's link heap whose free-space sections fail their checksum: "can't
// locate free space in fractal heap"), so a sweep resumed in place could never write another run, at
// every --resume (audit: 3 of 14 kills of a `series: full` sweep). Objects are read, never updated,
// by the copy, so it does not touch what the damage is in.
#include <filesystem>
#include <string>
#include <vector>

namespace dembones {

enum class RewriteResult {
  done,               // `path` is the fresh copy
  source_unreadable,  // the old file could not be opened and listed: it is damaged
  write_failed,       // the copy could not be written (disk full, file-size limit, a crash while copying)
};

// Rewrites `path` as a new file holding every object and attribute of the old one but the objects at
// `drop` (absolute paths, e.g. "/runs/00034") and what is below them: each kept object is copied
// (H5Ocopy, data, layout, filters and attributes as they are) into `path`.rewrite, which then replaces
// `path` by a rename. Done in a forked child, because reading a damaged file can abort libhdf5. Unless
// done, `path` is as it was and no `.rewrite` file is left behind. Throws IoError, before copying,
// when the folder has less free space than the file takes.
RewriteResult rewrite_hdf5_without(const std::filesystem::path& path, const std::vector<std::string>& drop);

}  // namespace dembones
