// dembones merge OUT.h5 SHARD.h5 ... [--link]: joins sweep shards (Slurm array tasks, `--shard I/N`
// runs, MPI ranks' files) into one sweep file with its /summary in run order (sweep/sweep_merge.hpp).
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "io/hdf5_probe.hpp"
#include "io/hdf5_reader.hpp"
#include "io/output_path.hpp"
#include "sweep/sweep_merge.hpp"

namespace dembones::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> files;
  bool link = false;
  int compression = 4;
  bool allow_missing = false;
};

// An existing OUT is replaced only when it is a merged sweep file (a merge done again). An audit ran
// `dembones merge lifts.shard-*.h5`: the shell made shard 1 the output, and the merge wrote the other
// shards' runs over it (its own runs lost); a run's result file was overwritten the same way.
void check_existing_output(const std::filesystem::path& out) {
  std::error_code ec;
  if (!std::filesystem::exists(out, ec)) return;
  std::string shard;
  if (hdf5_file_readable(out, "/runs")) {
    const Hdf5Reader r(out);
    if (r.has_attribute("/", "shard")) shard = r.read_string_attribute("/", "shard");
  }
  if (shard == "merged") return;
  const Location at{out.string(), 0, 0, ""};
  if (shard.empty() || shard == "all")
    throw InputError(at, fmt::format("exists and is not a merged sweep file ({}): merge writes a new file; choose "
                                     "another output name, or delete this one first",
                                     shard == "all" ? "a whole sweep's file" : "a run's result or another file"));
  const std::string name = out.filename().string();
  const std::string merged = std::regex_replace(name, std::regex(R"(\.shard-\d+-of-\d+)"), "");
  throw InputError(at, fmt::format("exists and is shard {} of a sweep, not a merged file: merge takes the output "
                                   "first (did the shell expand a pattern such as *.shard-*.h5 into it?), e.g. "
                                   "dembones merge {} {}",
                                   shard, merged == name ? "merged.h5" : merged,
                                   std::regex_replace(name, std::regex(R"(\.shard-\d+-of-(\d+))"), ".shard-*-of-$1")));
}

// An interrupted shard's .partial file was merged as if finished (its runs so far; an audit), and shards
// of two splits of the sweep (a glob over an earlier --shard I/5 and this --shard I/3) were refused only
// as "run '/runs/00006' is also in ...".
void check_shards(const std::vector<std::filesystem::path>& shards) {
  std::string split, split_from;
  for (const auto& s : shards) {
    const std::string name = s.filename().string();
    if (name.size() > 8 && name.ends_with(".partial"))
      throw InputError(Location{s.string(), 0, 0, ""},
                       "is an interrupted shard (a .partial file): finish it first (its `dembones sweep ... --shard "
                       "I/N` command again with --resume), then merge the finished shard");
    if (!hdf5_file_readable(s, "/runs")) continue;  // merge_sweep names what is wrong with it
    const Hdf5Reader r(s);
    if (!r.has_attribute("/", "shard")) continue;
    const std::string shard = r.read_string_attribute("/", "shard");
    const auto slash = shard.find('/');
    if (slash == std::string::npos) continue;
    const std::string of = shard.substr(slash + 1);
    if (split.empty()) {
      split = of, split_from = s.string();
    } else if (of != split) {
      throw InputError(Location{s.string(), 0, 0, ""},
                       fmt::format("is shard {} (of {}), '{}' one of {}: shards of two splits of the sweep (an "
                                   "earlier --shard I/{} left over?): merge the shards of one split",
                                   shard, of, split_from, split, of));
    }
  }
}

int merge(const MergeOptions& o) {
  if (o.files.size() < 2) throw InputError(Location{"", 0, 0, "merge"}, "expected OUT.h5 followed by at least one shard");
  const std::filesystem::path out = o.files.front();
  std::vector<std::filesystem::path> shards(o.files.begin() + 1, o.files.end());
  for (const auto& s : shards)
    if (std::error_code ec; std::filesystem::equivalent(s, out, ec))
      throw InputError(Location{s.string(), 0, 0, ""}, "is also the output file");
  check_output_path(out, Location{"", 0, 0, "OUT"}, {});
  check_existing_output(out);
  check_shards(shards);
  Hdf5WriterOptions wo;
  wo.compression_level = o.compression;
  const SweepMergeReport rep = merge_sweep(shards, out, o.link ? MergeMode::ExternalLink : MergeMode::Copy, wo,
                                             /*reuse_first_shard=*/false, command_line());
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
