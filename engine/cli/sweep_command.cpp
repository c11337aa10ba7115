// dembones sweep SWEEP.yaml [--list] [--threads N] [--shard I/N] [--resume] [-o OUT.h5] [--set a.b=v ...]
// Runs a parameter sweep (docs/sweeps.md): OpenMP threads on one machine, a slice of it with
// --shard (Slurm job arrays; join with `dembones merge`), or MPI ranks under mpirun.
#include <fmt/format.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <regex>
#include <vector>

#include "cli/commands.hpp"
#include "common/error.hpp"
#include "sweep/sweep_expand.hpp"
#include "sweep/sweep_mpi.hpp"
#include "sweep/sweep_runner.hpp"
#include "sweep/sweep_spec.hpp"

namespace dembones::cli {

namespace {

// What an interrupted sweep (Ctrl-C, or a batch system's SIGTERM) prints before it stops as it would
// have: the marked runs stay in the .partial file, and the same command with --resume continues it
// (docs/sweeps.md, "Resume"). Prepared before the sweep starts: a signal handler may only write(2).
char g_interrupted_message[1024] = "";

extern "C" void on_interrupt(int sig) {
  const std::size_t n = std::strlen(g_interrupted_message);
  if (n > 0 && ::write(STDERR_FILENO, g_interrupted_message, n) < 0) {
    // Nothing to do: the process is stopping anyway.
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void announce_resume_on_interrupt(const std::string& partial) {
  const std::string m = fmt::format("\ndembones sweep: interrupted; the runs finished so far are kept in {}: run the "
                                    "same command with --resume to continue\n", partial);
  std::snprintf(g_interrupted_message, sizeof g_interrupted_message, "%s", m.c_str());
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

struct SweepOptions {
  std::string file;
  std::string output;
  std::vector<std::string> sets;
  bool list = false;
  int threads = 0;
  std::string shard;
  bool resume = false;
  std::string series;
  int compression = -1;
  bool float32 = false;
  bool link = false;
  bool keep_shards = false;
  bool quiet = false;
  double log_interval_s = 5.0;
  double commit_interval_s = 1.0;
};

// --resume continues this session's own file(s) only: the rank shards of an MPI sweep resumed in one
// process (or with another -np), or --shard I/N partials resumed without --shard, were left unread and
// the sweep started over without a word (cluster audit). Named here; nothing is refused.
void note_other_shard_partials(const SweepOptions& o, const SweepSpec& spec, const SweepRunOptions& ro,
                               const MpiSession* mpi) {
  namespace fs = std::filesystem;
  const fs::path out = o.output.empty() ? fs::path(spec.output.file) : fs::path(o.output);
  const int this_split = ro.shard_count > 1 ? ro.shard_count : mpi ? mpi->size() : 1;
  const std::string ext = out.has_extension() ? out.extension().string() : ".h5";
  const std::regex shard_partial(std::regex_replace(out.stem().string(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                                 R"(\.shard-(\d+)-of-(\d+))" +
                                 std::regex_replace(ext, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + R"(\.partial)");
  std::map<int, std::vector<std::string>> by_split;
  std::error_code ec;
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, shard_partial) && std::stoi(m[2].str()) != this_split)
      by_split[std::stoi(m[2].str())].push_back(name);
  }
  for (auto& [n, names] : by_split) {
    std::sort(names.begin(), names.end());
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
    std::fprintf(stderr,
                 "dembones sweep: note: %s: the interrupted shards of a sweep split %d ways (mpirun -np %d, or "
                 "--shard I/%d); this session resumes only its own file: continue those with the same split and "
                 "--resume\n",
                 list.c_str(), n, n, n);
  }
}

int run_sweep_command(const SweepOptions& o, const MpiSession* mpi) {
  std::vector<Override> overrides;
  for (const std::string& s : o.sets) overrides.push_back(parse_override(s));
  const SweepSpec spec = load_sweep(o.file, overrides);
  const SweepPlan plan = expand_sweep(spec);
  const bool root = mpi == nullptr || mpi->rank() == 0;
  SweepRunOptions ro;
  if (!o.shard.empty()) std::tie(ro.shard_index, ro.shard_count) = parse_shard(o.shard);  // checked first, --list too
  if (o.list) {
    validate_sweep(spec, plan);  // every variant's scenario, so --list also checks the file
    // With --shard, the runs of that shard (the numbers they keep in the whole sweep).
    SweepPlan listed = plan;
    if (ro.shard_count > 1)
      std::erase_if(listed.runs, [&](const SweepRunSpec& r) { return r.index % ro.shard_count != ro.shard_index - 1; });
    if (root)
      std::fputs(format_run_table(spec, listed, ro.shard_count > 1 ? plan.runs.size() : 0).c_str(), stdout);
    return kExitOk;
  }
  ro.output = o.output;
  ro.threads = o.threads;
  ro.resume = o.resume;
  if (!o.series.empty())
    ro.series = o.series == "none" ? SeriesLevel::none : o.series == "full" ? SeriesLevel::full : SeriesLevel::summary;
  if (o.compression >= 0) ro.compression = o.compression;
  if (o.float32) ro.float32 = true;
  ro.command_line = command_line();
  ro.progress = !o.quiet;
  ro.log_interval_s = o.log_interval_s;
  ro.commit_interval_s = o.commit_interval_s;
  ro.mpi_merge = o.link ? MergeMode::ExternalLink : MergeMode::Copy;
  ro.keep_shards = o.keep_shards;
  ro.mpi = mpi;
  if (!o.quiet && root)
    std::fprintf(stderr, "dembones sweep: %s: %zu run%s (%s design)%s\n", spec.name.c_str(), plan.runs.size(),
                 plan.runs.size() == 1 ? "" : "s",
                 to_string(spec.design), mpi ? fmt::format(", {} MPI ranks", mpi->size()).c_str() : "");
  if (root && mpi == nullptr) {
    // The file run_sweep writes (sweep_runner.cpp): -o or the sweep's output.file, a shard's own name.
    std::filesystem::path file = o.output.empty() ? std::filesystem::path(spec.output.file) : std::filesystem::path(o.output);
    if (ro.shard_count > 1) file = shard_path(file, ro.shard_index, ro.shard_count);
    announce_resume_on_interrupt(file.string() + ".partial");
  }
  if (root && o.resume) note_other_shard_partials(o, spec, ro, mpi);
  const SweepRunStats st = run_sweep(spec, plan, ro);
  if (!o.quiet) {
    const std::string who = mpi && mpi->size() > 1 ? fmt::format("rank {}: ", mpi->rank()) : "";
    std::printf("%s%d runs done (%d failed), %d resumed, %lld frames, %d threads, %.2f s (%.1f runs/s; "
                "check %.2f s, prepare %.2f CPU-s, frames %.2f CPU-s, write %.2f s)\n",
                who.c_str(), st.runs_done, st.runs_failed, st.runs_resumed, st.frames, st.threads, st.wall_s,
                st.wall_s > 0 ? st.runs_done / st.wall_s : 0.0, st.validate_s, st.prepare_s, st.execute_s, st.write_s);
    if (mpi && mpi->size() > 1 && root)
      std::printf(st.streamed ? "%sfinished the file in %.2f s after its last run\n" : "%smerged the ranks' shards in %.2f s\n",
                  who.c_str(), st.merge_s);
    if (root) std::printf("wrote %s\n", st.written.string().c_str());
  }
  if (st.runs_failed > 0 && !o.quiet)
    std::fprintf(stderr, "dembones sweep: %d runs failed; their errors are in the status and error columns of /summary\n",
                 st.runs_failed);
  return kExitOk;
}

}  // namespace

Command add_sweep(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  app.add_option("sweep", o->file, "Sweep file (.yaml), see docs/sweeps.md")->required();
  app.add_flag("--list", o->list, "Print the numbered runs (and check every variant) without running");
  app.add_option("-o,--output", o->output, "Output file (default: the sweep's output.file)")
      ->check(nonempty_file_name());
  app.add_option("--set", o->sets, "Override a base scenario field for every run, e.g. --set solver.rate_hz=50");
  app.add_option("--threads", o->threads, "Threads (default: OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK, else the CPUs this process may use, divided among MPI ranks on a node)")
      ->check(CLI::Range(1, 4096));
  app.add_option("--shard", o->shard, "Run only shard I of N (runs i with i % N == I-1), e.g. 2/8; "
                                      "writes NAME.shard-I-of-N.h5 for `dembones merge`");
  app.add_flag("--resume", o->resume, "Continue an interrupted sweep from NAME.partial, redoing only unfinished runs");
  app.add_option("--series", o->series, "What each run stores besides its /summary row (default: the sweep's)")
      ->check(CLI::IsMember({"none", "summary", "full"}));
  app.add_option("--compression", o->compression, "Deflate level 0-9 (default: the sweep's, 4)")->check(CLI::Range(0, 9));
  app.add_flag("--float32", o->float32, "Store time series as float32");
  app.add_flag("--link", o->link, "Under mpirun: join the ranks' shards with external links instead of copying");
  app.add_flag("--keep-shards", o->keep_shards, "Under mpirun: keep the ranks' shard files after copying them");
  app.add_option("--log-interval", o->log_interval_s, "Seconds between progress lines when stderr is not a terminal")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--commit-interval", o->commit_interval_s,
                 "Seconds between batches of completion markers (0 = after every run); a SIGKILL loses at most "
                 "that much work, which --resume redoes (default 1)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_flag("-q,--quiet", o->quiet, "No progress output");
  return [o] {
    if (!launched_under_mpi()) return run_sweep_command(*o, nullptr);
    MpiSession mpi;
    try {
      return run_sweep_command(*o, &mpi);
    } catch (const std::exception& e) {
      // One rank's error would leave the others waiting at the next collective call.
      std::fprintf(stderr, "dembones: error (rank %d): %s\n", mpi.rank(), e.what());
      std::fflush(stderr);
      mpi.abort(dynamic_cast<const InputError*>(&e) ? kExitBadInput : kExitInternal);
    }
  };
}

}  // namespace dembones::cli
