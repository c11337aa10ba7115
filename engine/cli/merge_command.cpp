// dembones merge OUT.h5 SHARD.h5 ... [--link]: joins sweep shards (Slurm array tasks, `--shard I/N`
// runs, MPI ranks' files) into one sweep file with its /summary in run order (sweep/sweep_merge.hpp).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "sweep/sweep_merge.hpp"

namespace dembones::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> files;
  bool link = false;
  int compression = 4;
  bool allow_missing = false;
};

int merge(const MergeOptions& o) {
  if (o.files.size() < 2) throw InputError(Location{"", 0, 0, "merge"}, "expected OUT.h5 followed by at least one shard");
  const std::filesystem::path out = o.files.front();
  std::vector<std::filesystem::path> shards(o.files.begin() + 1, o.files.end());
  for (const auto& s : shards)
    if (std::error_code ec; std::filesystem::equivalent(s, out, ec))
      throw InputError(Location{s.string(), 0, 0, ""}, "is also the output file");
  Hdf5WriterOptions wo;
  wo.compression_level = o.compression;
  const SweepMergeReport rep = merge_sweep(shards, out, o.link ? MergeMode::ExternalLink : MergeMode::Copy, wo);
  for (const std::string& s : rep.skipped_incomplete)
    std::fprintf(stderr, "dembones merge: note: incomplete run left out: %s\n", s.c_str());
  std::printf("wrote %s: %zu of %lld runs from %zu shards (%s)\n", out.string().c_str(), rep.runs_merged,
              static_cast<long long>(rep.runs_expected), shards.size(), o.link ? "external links" : "copied");
  if (!rep.missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < rep.missing.size() && i < 20; ++i) list += (i ? ", " : "") + std::to_string(rep.missing[i]);
    std::fprintf(stderr, "dembones merge: %s: %zu runs are in no shard: %s%s\n", o.allow_missing ? "warning" : "error",
                 rep.missing.size(), list.c_str(), rep.missing.size() > 20 ? ", ..." : "");
    if (!o.allow_missing) return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

Command add_merge(CLI::App& app) {
  auto o = std::make_shared<MergeOptions>();
  app.add_option("files", o->files, "OUT.h5 followed by shard files")->required()->expected(2, -1);
  app.add_flag("--link", o->link, "Link the shards' runs (HDF5 external links; keep the shards next to OUT.h5) "
                                  "instead of copying them");
  app.add_option("--compression", o->compression, "Deflate level 0-9 of the merged /summary (default 4)")
      ->check(CLI::Range(0, 9));
  app.add_flag("--allow-missing", o->allow_missing, "Exit 0 even when some runs are in no shard");
  return [o] { return merge(*o); };
}

}  // namespace dembones::cli
