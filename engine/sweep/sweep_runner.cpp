#include "sweep/sweep_runner.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <atomic>
#include <chrono>
#include <deque>
#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <ctime>

#include "common/error.hpp"
#include "io/completion_marker.hpp"
#include "io/file_in_use.hpp"
#include "io/hdf5_probe.hpp"
#include "io/hdf5_rewrite.hpp"
#include "io/output_path.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "scenario/input_files.hpp"
#include "scenario/run_writer.hpp"
#include "scenario/scenario_runner.hpp"
#include "sweep/default_threads.hpp"
#include "sweep/sweep_journal.hpp"
#include "sweep/sweep_merge.hpp"
#include "sweep/sweep_mpi.hpp"
#include "sweep/sweep_summary.hpp"

namespace dembones {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// CPU time of the calling thread: the split between preparing and solving stays meaningful when the
// machine is shared (wall time would count the time the thread waited for a core).
double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

std::string clock_text(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const auto t = static_cast<long long>(s + 0.5);
  if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, (t / 60) % 60, t % 60);
  return fmt::format("{}:{:02}", t / 60, t % 60);
}

// Progress on stderr: a bar redrawn in place on a terminal, else one plain line every few seconds
// (batch logs, Slurm output files).
class Progress {
 public:
  Progress(bool enabled, int total, std::string label, double log_interval_s)
      : enabled_(enabled && total > 0), tty_(isatty(fileno(stderr)) != 0), total_(total),
        label_(std::move(label)), interval_s_(log_interval_s), t0_(Clock::now()), last_(t0_) {}

  void update(int done, int failed) {
    if (!enabled_) return;
    total_ = std::max(total_, done);  // an MPI rank's share is an estimate
    const double elapsed = seconds_since(t0_);
    const double rate = elapsed > 0 ? done / elapsed : 0.0;
    const double left = rate > 0 ? (total_ - done) / rate : -1.0;
    const std::string failures = failed ? fmt::format("  {} failed", failed) : "";
    if (tty_) {
      if (done < total_ && seconds_since(last_) < 0.1) return;
      last_ = Clock::now();
      constexpr int width = 30;
      const int filled = width * done / total_;
      std::fprintf(stderr, "\r  [%s%s] %d/%d runs  %.1f runs/s  %s left%s   ", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done, total_, rate, clock_text(left).c_str(),
                   failures.c_str());
      if (done == total_) std::fprintf(stderr, "\n");
    } else {
      if (done < total_ && seconds_since(last_) < interval_s_) return;
      last_ = Clock::now();
      std::fprintf(stderr, "dembones sweep%s: %d/%d runs (%.1f %%), %.2f runs/s, %s left%s\n", label_.c_str(), done,
                   total_, 100.0 * done / total_, rate, clock_text(left).c_str(), failures.c_str());
    }
    std::fflush(stderr);
  }

 private:
  bool enabled_, tty_;
  int total_;
  std::string label_;
  double interval_s_;
  Clock::time_point t0_, last_;
};

// One run computed, waiting for the writer.
struct RunOutcome {
  SweepRow row;
  std::unique_ptr<PreparedRun> prepared;  // kept for writing its series
  std::unique_ptr<RunRecord> record;
  double body_weight_N = 0;  // when ok
  double prepare_s = 0, execute_s = 0;
};

RunOutcome compute_run(const SweepPlan& plan, int index, const ScenarioSpec& scenario, ModelCache& models,
                       SeriesLevel series) {
  RunOutcome out;
  out.row.index = index;
  out.row.values = plan.runs[static_cast<std::size_t>(index)].values;
  try {
    const double t0 = thread_cpu_s();
    out.prepared = prepare_run(scenario, models, {.keep_model_text = false});  // the root has the model's text
    const double t1 = thread_cpu_s();
    out.prepare_s = t1 - t0;
    Pipeline pipeline(out.prepared->msm, pipeline_settings(scenario.solver));
    // Without time series in the file only the peaks' series are kept (same numbers, fewer copies).
    const RecordLevel level = series != SeriesLevel::full ? RecordLevel::peaks
                              : scenario.output.store == StoreLevel::full ? RecordLevel::full
                                                                          : RecordLevel::summary;
    out.record = std::make_unique<RunRecord>(execute_run(*out.prepared, pipeline, level));
    out.execute_s = thread_cpu_s() - t1;
    out.row.peaks = summarize(out.prepared->msm, *out.record);
    out.row.frames = out.record->frames();
    std::int64_t flagged = 0;
    for (Eigen::Index f = 0; f < out.record->reserve_flag.size(); ++f) flagged += out.record->reserve_flag(f) != 0.0;
    out.row.reserve_frames = flagged;
    out.row.cop_outside_frames = out.record->ground.frames_outside_support();
    out.row.range_end_frames = out.record->range_end_frames;
    out.row.unconverged_frames = out.record->unconverged_frames;
    out.row.coupling_max_Nm = out.record->coupling_max_Nm;
    out.row.reserve_max_Nm = out.record->reserve_max_Nm;
    if (out.record->reserve_max_coordinate >= 0) {
      out.row.reserve_max_coordinate =
          out.prepared->msm.model.coordinate_names[static_cast<std::size_t>(out.record->reserve_max_coordinate)];
      out.row.reserve_max_sign = out.record->reserve_max_sign;
    }
    out.row.status = "ok";
    out.body_weight_N = out.prepared->msm.body_mass_kg * std::abs(out.prepared->msm.model.gravity.y());
    out.row.body_weight_N = out.body_weight_N;
  } catch (const Error& e) {
    // An impossible variant (box out of reach, balance that cannot be kept, a non-finite frame):
    // recorded with its message, and the sweep goes on.
    out.row.status = "failed";
    out.row.error = e.what();
    out.row.peaks.clear();
    out.row.frames = 0;
    out.row.reserve_frames = 0;
    out.row.cop_outside_frames = 0;
    out.row.range_end_frames = 0;
    out.row.unconverged_frames = 0;
    out.row.coupling_max_Nm = std::numeric_limits<double>::quiet_NaN();
    out.row.reserve_max_Nm = std::numeric_limits<double>::quiet_NaN();
    out.row.reserve_max_coordinate.clear();
    out.row.reserve_max_sign = 0;
    out.row.body_weight_N = std::numeric_limits<double>::quiet_NaN();
    out.record.reset();
  }
  return out;
}

// A run's record: its row, and with series summary its peaks (all a run stores without time series,
// so rank 0 writes another rank's run from its message alone).
void write_run_record(Hdf5Writer& w, const SweepRow& row, double body_weight_N, SeriesLevel series) {
  const std::string g = run_group(row.index);
  if (w.exists(g)) w.remove(g);  // cannot happen after the resume scan; never append to a stale group
  write_run_row(w, row);
  if (row.status == "ok" && series == SeriesLevel::summary) write_run_peaks(w, g, body_weight_N, row.peaks);
}

void write_outcome(Hdf5Writer& w, const RunOutcome& out, SeriesLevel series) {
  write_run_record(w, out.row, out.body_weight_N, series);
  if (out.row.status == "ok" && series == SeriesLevel::full) {
    write_run(w, run_group(out.row.index), out.prepared->msm, *out.record, out.row.peaks);
    write_solver_settings(w, run_group(out.row.index), out.prepared->scenario.solver);
  }
  // The completion marker follows later, with the other runs of its batch (commit_interval_s).
}

// Messages of the ranks to rank 0 (streamed MPI sweeps): a run's record, or the sender's last message.
constexpr char kRunMessage = 'R';
constexpr char kEndMessage = 'E';

std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ResumeState {
  bool existed = false;                // our partial file was there
  std::vector<SweepRow> rows;          // complete runs in our partial file
  std::vector<std::string> incomplete; // run groups to remove and redo
  std::set<int> complete;              // complete runs (in our file, and under MPI in every rank's)
  std::vector<std::string> sessions;   // our file's earlier resumes (root attribute `resumed`)
};

// Reads a partial file (our own when `own`): which runs are complete, their rows.
void scan_partial(const fs::path& partial, const SweepPlan& plan, SeriesLevel series, bool own, ResumeState& st) {
  const Hdf5Reader r(partial);
  const SweepHeader h = read_sweep_header(r);
  if (h.fingerprint != plan.fingerprint)
    throw InputError(Location{partial.string(), 0, 0, ""},
                     "was written by another sweep (or the sweep file, its base scenario, --set or a file the runs "
                     "read, a model, motion or force table, changed): left as it is; write to another file (-o) "
                     "or delete it to start over");
  // One sweep, one build: "identical to the last bit after a resume" holds for the build that began it
  // (an audit resumed a partial of one commit with another, unsaid; the file named only the first).
  if (!h.build.empty() && h.build != this_build())
    throw InputError(Location{partial.string(), 0, 0, ""},
                     fmt::format("was written by {}, this is {}: resume with the build that began the sweep, or "
                                 "delete the file to start over with this one (the runs of one file come from one "
                                 "build)",
                                 h.build, this_build()));
  if (r.has_attribute("/", "sweep_series") && r.read_string_attribute("/", "sweep_series") != to_string(series))
    throw InputError(Location{partial.string(), 0, 0, "--series"},
                     fmt::format("its runs store series '{}', this session would store '{}': resume with the same "
                                 "--series", r.read_string_attribute("/", "sweep_series"), to_string(series)));
  const CompletionScan scan = scan_completion(r, "/runs");
  for (const std::string& name : scan.complete) {
    const int index = std::stoi(name);
    st.complete.insert(index);
    if (own) st.rows.push_back(read_run_row(r, index));
  }
  if (own) st.incomplete = scan.incomplete;
  if (own && r.has_attribute("/", "resumed")) st.sessions = r.read_string_array_attribute("/", "resumed");
}

// The storage of a partial file's runs (written since 2026-11-27) against this session's.
void check_resumed_storage(const fs::path& partial, const Hdf5WriterOptions& wo) {
  const Hdf5Reader r(partial);
  auto refuse = [&](const char* option, const std::string& was, const std::string& now) {
    throw InputError(Location{partial.string(), 0, 0, option},
                     fmt::format("its runs were stored with {} {}, this session would store {}: resume with the same "
                                 "{} (one file, one storage)",
                                 option, was, now, option));
  };
  if (r.has_attribute("/", "sweep_float32") && (r.read_int_attribute("/", "sweep_float32") != 0) != wo.store_float32)
    refuse("--float32", wo.store_float32 ? "float64" : "float32", wo.store_float32 ? "float32" : "float64");
  if (r.has_attribute("/", "sweep_compression") && r.read_int_attribute("/", "sweep_compression") != wo.compression_level)
    refuse("--compression", std::to_string(r.read_int_attribute("/", "sweep_compression")),
           std::to_string(wo.compression_level));
}

// Removes from a resumed partial file the groups of runs without their completion mark and the
// /summary of a finished file (rebuilt at the end), before any run is computed: a file that HDF5
// cannot change (killed while it wrote metadata) is found here and set aside, not after the runs.
int default_threads(const SweepRunOptions& o) {
  if (o.threads > 0) return o.threads;
  return default_thread_count(o.mpi ? o.mpi->local_size() : 1);
}

// The scenarios of a sweep's runs, each checked as `dembones run` would check it, in parallel.
struct ScenarioCheck {
  std::vector<ScenarioSpec> scenarios;  // of `todo` (sorted run numbers); valid where `held` is set
  std::vector<char> held;               // per position of `todo`
  int first_bad = 0;                    // first run that failed its check; the number of runs if none
  std::exception_ptr error;             // its error
};

// Checks the runs i with i % stride == offset (every run with stride 1; under MPI each rank checks
// its slice once instead of every rank checking all) and keeps the scenarios of those in `todo`.
// The first error in run order is kept, as a loop would find it. yaml-cpp nodes are not safe to read
// from several threads, so each thread clones the base first.
ScenarioCheck check_scenarios(const SweepSpec& spec, const SweepPlan& plan, const std::vector<int>& todo,
                              int threads, int offset, int stride) {
  const int n = static_cast<int>(plan.runs.size());
  std::vector<int> slot(static_cast<std::size_t>(n), -1);  // position in todo, -1 = checked only
  for (std::size_t k = 0; k < todo.size(); ++k) slot[static_cast<std::size_t>(todo[k])] = static_cast<int>(k);
  ScenarioCheck c;
  c.scenarios.resize(todo.size());
  c.held.assign(todo.size(), 0);
  c.first_bad = n;
  const int mine = n > offset ? (n - offset + stride - 1) / stride : 0;
  ModelCache models;  // thread-safe: the impairment selectors' muscle sets, one per model file
  const auto selectors = [&](const ScenarioSpec& s) { check_impairment_selectors(s, models); };
#pragma omp parallel num_threads(std::max(1, std::min(threads, mine / 64 + 1)))
  {
    SweepSpec local;
#pragma omp critical(dembones_sweep_yaml)
    {
      local = spec;
      local.base = YAML::Clone(spec.base);  // a copy of a Node shares its tree: clone it
    }
#pragma omp for schedule(dynamic, 32)
    for (int j = 0; j < mine; ++j) {
      const int i = offset + j * stride;
      try {
        const auto r = static_cast<std::size_t>(i);
        ScenarioSpec s = make_run_scenario(local, plan, plan.runs[r].index, {.keep_text = false}, selectors);
        if (slot[r] >= 0) {
          const auto k = static_cast<std::size_t>(slot[r]);
          c.scenarios[k] = std::move(s);
          c.held[k] = 1;
        }
      } catch (...) {
#pragma omp critical(dembones_sweep_check)
        if (i < c.first_bad) {
          c.first_bad = i;
          c.error = std::current_exception();
        }
      }
    }
  }
  return c;
}

// Everything that refuses this output, checked before any file is touched (a finished file is
// renamed to be resumed): another process writing it; a partial file without --resume; with
// --resume, a file or partial file of another sweep, or of runs stored otherwise. Refused files are
// left as they are, under their own names.
void check_output_files(const fs::path& file, const fs::path& partial, const Location& out_field,
                        const SweepPlan& plan, SeriesLevel series, const Hdf5WriterOptions& storage, bool resume) {
  // The same sweep still running, or a second one started on it: neither resume it nor start over.
  for (const fs::path& f : {partial, file})
    if (file_in_use(f))
      throw InputError(out_field, fmt::format("'{}' is being written by another process (is this sweep still running?): "
                                              "wait for it to finish or stop it, then resume",
                                              f.string()));
  if (!resume) {
    if (fs::exists(partial))
      throw InputError(Location{partial.string(), 0, 0, ""},
                       "exists: an interrupted sweep. Continue it with --resume, or delete it to start over");
    return;
  }
  ResumeState ignored;
  if (!fs::exists(partial) && fs::exists(file)) {
    // Only a sweep's own finished file is taken over; anything else under that name stays as it is.
    if (!hdf5_file_readable(file, "/runs"))
      throw InputError(out_field, fmt::format("'{}' exists and cannot be read as a dembones sweep file: nothing "
                                              "to resume (choose another output file)",
                                              file.string()));
    read_sweep_header(Hdf5Reader(file));  // throws, naming the file, when it is not a sweep's
    scan_partial(file, plan, series, /*own=*/false, ignored);
    check_resumed_storage(file, storage);
  } else if (fs::exists(partial) && hdf5_file_readable(partial, "/runs")) {
    // One storage for all the runs of a file (an audit mixed float64 and float32 runs). A partial
    // file HDF5 cannot read is set aside later, not refused.
    scan_partial(partial, plan, series, /*own=*/false, ignored);
    check_resumed_storage(partial, storage);
  }
}

// Under MPI: every rank throws the error of rank `owner` (the others learn its text), so that each
// ends through the CLI's MPI_Abort with the same message. Collective: every rank calls it.
[[noreturn]] void throw_from_rank(const MpiSession& mpi, int owner, const std::exception_ptr& error) {
  std::string text;
  if (mpi.rank() == owner) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      text = e.what();
    } catch (...) {
      text = "unknown error";
    }
  }
  text = mpi.broadcast(text, owner);
  if (mpi.rank() == owner) std::rethrow_exception(error);
  throw InputError(Location{}, text);
}

// Under MPI: the first bad run over all ranks' slices is reported by every rank, with the error
// text of the rank that checked it.
void throw_first_bad_scenario(const MpiSession& mpi, const ScenarioCheck& c, int runs) {
  const int first_bad = mpi.min(c.first_bad);
  if (first_bad >= runs) return;
  throw_from_rank(mpi, first_bad % mpi.size(), c.error);  // rank r checks the runs i with i % size == r
}

// Under MPI: when any rank's `error` is set, every rank throws the lowest such rank's. Collective.
void throw_any_rank_error(const MpiSession& mpi, const std::exception_ptr& error) {
  const int owner = mpi.min(error ? mpi.rank() : mpi.size());
  if (owner < mpi.size()) throw_from_rank(mpi, owner, error);
}

}  // namespace

fs::path shard_path(const fs::path& output, int index, int count) {
  fs::path p = output;
  const std::string ext = p.has_extension() ? p.extension().string() : ".h5";
  p.replace_filename(fmt::format("{}.shard-{}-of-{}{}", output.stem().string(), index, count, ext));
  return p;
}

std::pair<int, int> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  int i = 0, n = 0;
  try {
    std::size_t u1 = 0, u2 = 0;
    if (slash != std::string::npos) {
      i = std::stoi(text.substr(0, slash), &u1);
      n = std::stoi(text.substr(slash + 1), &u2);
    }
    if (slash == std::string::npos || u1 != slash || u2 != text.size() - slash - 1) n = 0;
  } catch (const std::exception&) {
    n = 0;
  }
  if (n < 1 || i < 1 || i > n)
    throw InputError(Location{"", 0, 0, "--shard"}, fmt::format("expected I/N with 1 <= I <= N (e.g. 2/8), got '{}'", text));
  return {i, n};
}

SweepRunStats run_sweep(const SweepSpec& spec, const SweepPlan& plan, const SweepRunOptions& o) {
  const auto t_start = Clock::now();
  SweepRunStats stats;
  stats.runs_total = static_cast<int>(plan.runs.size());
  const MpiSession* mpi = o.mpi;
  const bool multi_rank = mpi != nullptr && mpi->size() > 1;
  if (multi_rank && o.shard_count > 1)
    throw InputError(Location{"", 0, 0, "--shard"}, "--shard splits a sweep across separate jobs; under mpirun the ranks "
                                                    "share the runs already: use one or the other");
  const fs::path final_out = o.output.empty() ? fs::path(spec.output.file) : fs::path(o.output);
  const SeriesLevel series = o.series.value_or(spec.output.series);
  // Under mpirun, runs without time series (about 1 kB each) are streamed: every rank sends each
  // finished run's record to rank 0, which writes the final file as it goes (docs/sweeps.md), so
  // nothing is left to copy at the end. With series full (or --link) each rank writes its own
  // shard and rank 0 merges them at the end.
  const bool streamed = multi_rank && series != SeriesLevel::full && o.mpi_merge == MergeMode::Copy;
  const bool collector = streamed && mpi->rank() == 0;  // writes the streamed sweep's file
  const bool writes_file = !streamed || collector;
  fs::path file = final_out;
  std::string label;
  if (o.shard_count > 1) {
    file = shard_path(final_out, o.shard_index, o.shard_count);
    label = fmt::format(" [shard {}/{}]", o.shard_index, o.shard_count);
  }
  if (multi_rank) {
    if (!streamed) file = shard_path(final_out, mpi->rank() + 1, mpi->size());
    // A streamed sweep's progress is rank 0's count of every rank's runs.
    label = streamed ? fmt::format(" [{} MPI ranks]", mpi->size()) : fmt::format(" [rank {}/{}]", mpi->rank(), mpi->size());
  }
  const fs::path partial = file.string() + ".partial";
  // Where the file goes is checked before any run: its folder, and that it is neither the sweep file
  // nor its base scenario (the models are checked with the runs' scenarios below).
  const Location out_field{"", 0, 0, o.output.empty() ? "output.file" : "--output"};
  check_output_path(file, out_field, {spec.file, spec.base_file});

  // --- Which runs: this shard's, minus those complete in a partial file being resumed ---
  std::vector<int> selected;
  for (const SweepRunSpec& r : plan.runs)
    if (o.shard_count <= 1 || r.index % o.shard_count == o.shard_index - 1) selected.push_back(r.index);
  stats.runs_selected = static_cast<int>(selected.size());

  // Each model or motion file the sweep varies, read before anything is touched (a finished file is
  // renamed below to be resumed; a review found one renamed and then refused for a bad model copy).
  // Every rank alike, before any collective call: all throw, or none.
  check_varied_files(spec, plan);

  ResumeState resume;
  // A summary-series sweep journals its finished runs (sweep_journal.hpp): a partial file HDF5 cannot
  // read is rebuilt from the journal instead of started over.
  const fs::path journal_path = file.string() + ".journal";
  const bool journaled = writes_file && series == SeriesLevel::summary;
  std::vector<JournalRecord> journal =
      journaled && o.resume ? read_sweep_journal(journal_path, plan.fingerprint) : std::vector<JournalRecord>{};
  Hdf5WriterOptions storage;
  storage.compression_level = o.compression.value_or(spec.output.compression);
  storage.store_float32 = o.float32.value_or(spec.output.float32);
  std::exception_ptr refusal;
  if (writes_file) {
    try {
      check_output_files(file, partial, out_field, plan, series, storage, o.resume);
    } catch (...) {
      refusal = std::current_exception();
    }
  }
  // Under mpirun every rank decides before any renames its file: a rank refusing its own after the
  // others had renamed their finished shards left those as .partial files (MPI_Abort).
  if (multi_rank)
    throw_any_rank_error(*mpi, refusal);
  else if (refusal)
    std::rethrow_exception(refusal);
  if (o.resume) {
    // A finished file (or a rank's committed shard) is reopened as partial, so that --resume after
    // a completed sweep finds every run done.
    if (writes_file && !fs::exists(partial) && fs::exists(file)) fs::rename(file, partial);
    // Killed while HDF5 was writing metadata: the file cannot be read safely (hdf5_probe.hpp), or
    // its incomplete runs cannot be removed. Kept for inspection, and the sweep starts over rather
    // than crash or stop at every --resume.
    auto set_aside_damaged = [&](const std::string& why) {
      const fs::path damaged = partial.string() + ".damaged";
      fs::rename(partial, damaged);
      std::fprintf(stderr, "dembones sweep: %s is damaged (%s); kept as %s, %s\n", partial.string().c_str(),
                   why.c_str(), damaged.string().c_str(),
                   !journal.empty() ? "starting over from the finished runs in its journal"
                   : journaled && sweep_journal_is_another_sweeps(journal_path, plan.fingerprint)
                       ? "starting the sweep over (its journal is another sweep's: the sweep file, its base "
                         "scenario, --set or a file the runs read, a model, motion or force table, changed)"
                       : "starting the sweep over");
    };
    if (writes_file && fs::exists(partial) && !hdf5_file_readable(partial, "/runs"))
      set_aside_damaged("the sweep was killed while HDF5 was writing its metadata");
    resume.existed = writes_file && fs::exists(partial);
    if (resume.existed) {
      scan_partial(partial, plan, series, /*own=*/true, resume);
      // The finished runs are copied into a fresh file rather than the unfinished ones unlinked in
      // place: a file killed mid-write can read correctly and refuse its next allocation, at every
      // --resume (io/hdf5_rewrite.hpp).
      std::vector<std::string> drop{"/summary"};
      for (const std::string& name : resume.incomplete) drop.push_back("/runs/" + name);
      switch (rewrite_hdf5_without(partial, drop)) {
        case RewriteResult::done: break;
        case RewriteResult::source_unreadable:
          set_aside_damaged("its finished runs cannot be read");
          resume = ResumeState{};
          break;
        case RewriteResult::write_failed:
          // Not the file's fault (a full disk, a file-size limit): it is kept for the next --resume.
          throw IoError(Location{partial.string(), 0, 0, ""},
                        "could not copy its finished runs into a fresh file (disk full? a file-size limit?); the "
                        "file is left as it is: resume again once that is fixed (or move it away to start the "
                        "sweep over)");
      }
    }
    if (multi_rank) {
      mpi->barrier();  // every rank has renamed its file
      if (streamed) {
        // Rank 0's file holds every rank's runs: the others learn which are done from it.
        if (!collector && fs::exists(partial)) scan_partial(partial, plan, series, /*own=*/false, resume);
      } else {
        for (int s = 0; s < mpi->size(); ++s) {
          const fs::path other = shard_path(final_out, s + 1, mpi->size()).string() + ".partial";
          if (s != mpi->rank() && fs::exists(other)) scan_partial(other, plan, series, /*own=*/false, resume);
        }
      }
      mpi->barrier();  // nobody opens its file for writing while others read it
    }
  }
  // The journal's runs: those the partial file holds are journaled again; without the file (set aside
  // as damaged) they are rebuilt from their records.
  std::vector<JournalRecord> kept, restored;
  {
    std::set<int> seen;
    const std::set<int> mine(selected.begin(), selected.end());
    for (JournalRecord& r : journal) {
      const int index = r.row.index;
      if (!seen.insert(index).second || !mine.count(index)) continue;
      if (resume.existed) {
        if (resume.complete.count(index)) kept.push_back(std::move(r));
      } else {
        resume.complete.insert(index);
        restored.push_back(std::move(r));
      }
    }
  }
  stats.runs_resumed = 0;
  std::vector<int> todo;
  for (int index : selected) {
    if (resume.complete.count(index))
      ++stats.runs_resumed;
    else
      todo.push_back(index);
  }
  if (multi_rank) stats.runs_resumed = static_cast<int>(resume.rows.size());
  // Said up front (the progress counts the runs still to do): what a resume found, and that a
  // finished file of the same name is replaced.
  if (o.progress && writes_file) {
    if (o.resume)
      std::fprintf(stderr, "dembones sweep: resuming %s%s: %d of %zu runs done, %zu to run\n", partial.string().c_str(),
                   label.c_str(), stats.runs_resumed, selected.size(), todo.size());
    else if (fs::exists(file))
      std::fprintf(stderr, "dembones sweep: %s exists and will be replaced when the sweep finishes\n",
                   file.string().c_str());
  }

  // --- Check every run's scenario before running any (load-time errors name the sweep file) ---
  const auto t_validate = Clock::now();
  const int threads = default_threads(o);
  ScenarioCheck checked = multi_rank ? check_scenarios(spec, plan, todo, threads, mpi->rank(), mpi->size())
                                     : check_scenarios(spec, plan, todo, threads, 0, 1);
  if (multi_rank)
    throw_first_bad_scenario(*mpi, checked, static_cast<int>(plan.runs.size()));
  else if (checked.error)
    std::rethrow_exception(checked.error);
  stats.validate_s = seconds_since(t_validate);
  {
    std::vector<fs::path> models;
    for (const ScenarioSpec& sc : checked.scenarios) models.emplace_back(sc.model_file);
    check_output_path(file, out_field, models);
  }
  // Moment arms and path points only when the time series are kept and the base asks for them.
  auto set_store = [&](ScenarioSpec& s) {
    if (series != SeriesLevel::full) s.output.store = StoreLevel::summary;
  };
  for (ScenarioSpec& s : checked.scenarios) set_store(s);

  // --- The output file ---
  Hdf5WriterOptions wo = storage;  // compression and float32
  wo.resume_existing = o.resume;
  wo.remove_partial_on_abort = false;  // an interrupted sweep keeps its partial file for --resume
  std::optional<Hdf5Writer> writer;    // none on the ranks of a streamed sweep but rank 0
  if (writes_file) {
    writer.emplace(file, wo);
    if (!resume.existed) {
      const ScenarioSpec base = parse_scenario(YAML::Clone(spec.base), spec.base_file);
      RunProvenance prov{base.name, base.text, read_file_text(base.model_file), o.command_line,
                         base.subject.height_m, base.subject.mass_kg, to_string(base.subject.sex),
                         /*task=*/"", /*impairments=*/"", {}};  // the runs' tasks differ: no root task line
      // The base scenario's motion table and force table when the sweep does not vary them (a varied
      // one is kept per value in sweep_varied_file_*, below).
      for (InputFile& f : read_scenario_input_files(base))
        // Varied itself or through a map that holds it (vary: external_forces: [{file: ...}, ...]).
        if (std::none_of(spec.vary.begin(), spec.vary.end(), [&](const VariedField& v) {
              return v.path == f.field || f.field.starts_with(v.path + ".");
            }))
          prov.input_files.push_back(std::move(f));
      write_provenance(*writer, "dembones-sweep", prov);
      write_sweep_header(*writer, SweepHeader{plan.parameters, plan.fingerprint, stats.runs_total, this_build()});
      writer->set_string_attribute("/", "sweep_name", spec.name);
      writer->set_string_attribute("/", "sweep_description", spec.description);
      writer->set_string_attribute("/", "sweep_file", spec.file);
      writer->set_string_attribute("/", "sweep_yaml", spec.text);
      writer->set_string_attribute("/", "sweep_design", to_string(spec.design));
      writer->set_int_attribute("/", "sweep_samples", spec.samples);
      writer->set_int_attribute("/", "sweep_seed", static_cast<std::int64_t>(spec.seed));
      writer->set_string_attribute("/", "sweep_series", to_string(series));
      writer->set_int_attribute("/", "sweep_float32", wo.store_float32 ? 1 : 0);
      writer->set_int_attribute("/", "sweep_compression", wo.compression_level);
      std::vector<std::string> fixed;
      for (const Override& f : spec.fixed) fixed.push_back(f.path + "=" + f.value);
      writer->set_string_array_attribute("/", "sweep_fixed_overrides", fixed);
      // The root's model_yaml is the base scenario's model; a sweep over models (or motion or force
      // files) keeps each file it varies, so a run's file is known by its /summary value.
      if (const std::vector<VariedInputFile> files = varied_input_files(spec); !files.empty()) {
        std::vector<std::string> fields, values, texts, hashes;
        for (const VariedInputFile& f : files) {
          fields.push_back(f.field);
          values.push_back(f.value);
          texts.push_back(f.text);
          hashes.push_back(f.sha256);
        }
        writer->set_string_array_attribute("/", "sweep_varied_file_fields", fields);
        writer->set_string_array_attribute("/", "sweep_varied_file_values", values);
        writer->set_string_array_attribute("/", "sweep_varied_file_sha256", hashes);
        writer->set_string_array_attribute("/", "sweep_varied_file_texts", texts);
      }
      writer->set_string_attribute("/", "shard",
                                   multi_rank && !streamed ? fmt::format("{}/{}", mpi->rank() + 1, mpi->size())
                                   : o.shard_count > 1      ? fmt::format("{}/{}", o.shard_index, o.shard_count)
                                                            : "all");
      writer->create_group("/runs");
    } else {
      // The root keeps the first session's provenance (command_line, created_utc, host); each resume
      // is added to `resumed` (provenance audit: a resumed file did not say it was).
      resume.sessions.push_back(describe_session(o.command_line));
      writer->set_string_array_attribute("/", "resumed", resume.sessions);
    }
    if (!restored.empty()) {
      std::vector<std::string> groups;
      for (const JournalRecord& r : restored) {
        write_run_record(*writer, r.row, r.body_weight_N, series);
        groups.push_back(run_group(r.row.index));
        resume.rows.push_back(r.row);
      }
      mark_complete(*writer, groups);
      // A resume all the same, though the root's provenance is this session's: the first session's
      // was in the file set aside (review).
      const std::vector<std::string> session{
          describe_session(o.command_line) + " (the partial file was unreadable: its finished runs rebuilt from " +
          journal_path.filename().string() + "; the first session's command line and time were in that file)"};
      writer->set_string_array_attribute("/", "resumed", session);
      std::fprintf(stderr, "dembones sweep: %zu finished runs rebuilt from %s\n", restored.size(),
                   journal_path.string().c_str());
    }
    writer->flush();
  }
  std::optional<SweepJournal> journal_out;
  std::vector<JournalRecord> journal_pending;  // runs written, journaled at their marks
  if (journaled) {
    std::vector<JournalRecord> records = std::move(kept);
    for (JournalRecord& r : restored) records.push_back(std::move(r));
    journal_out.emplace(journal_path, plan.fingerprint, records);
  }

  // --- The runs, in parallel ---
  stats.threads = threads;
  std::unique_ptr<MpiCounter> counter;
  if (multi_rank) counter = std::make_unique<MpiCounter>(*mpi);
  std::unique_ptr<MpiMailbox> mailbox;
  if (streamed) mailbox = std::make_unique<MpiMailbox>(*mpi);
  std::atomic<std::size_t> next_position{0};
  std::vector<SweepRow> rows = std::move(resume.rows);
  // Under MPI each rank reports its own runs against its expected share (an estimate: the shares
  // are dynamic); on a terminal only rank 0 draws a bar. A streamed sweep's rank 0 reports every
  // rank's runs as it marks them, and the other ranks nothing.
  const int expected = multi_rank && !streamed ? static_cast<int>((todo.size() + mpi->size() - 1) / mpi->size())
                                               : static_cast<int>(todo.size());
  const bool reports = streamed ? collector : !multi_rank || mpi->rank() == 0 || !isatty(fileno(stderr));
  Progress progress(o.progress && reports, expected, label, o.log_interval_s);
  std::exception_ptr failure;
  std::atomic<bool> stop{false};
  double prepare_s = 0, execute_s = 0, write_s = 0;
  // Runs written but not yet marked complete; the progress shows the marked ones only.
  std::vector<std::string> unmarked;
  int marked_done = 0, marked_failed = 0, failed_unmarked = 0;
  const bool logging = o.progress && !isatty(fileno(stderr));
  const double commit_interval_s =
      std::max(0.0, logging ? std::min(o.commit_interval_s, o.log_interval_s) : o.commit_interval_s);
  auto last_commit = Clock::now();
  auto commit = [&] {
    mark_complete(*writer, unmarked);
    if (journal_out) {
      for (const JournalRecord& r : journal_pending) journal_out->append(r.row, r.body_weight_N);
      journal_out->sync();
      journal_pending.clear();
    }
    marked_done += static_cast<int>(unmarked.size());
    marked_failed += failed_unmarked;
    unmarked.clear();
    failed_unmarked = 0;
    last_commit = Clock::now();
    progress.update(marked_done, marked_failed);
  };
  // Rank 0 of a streamed sweep: another rank's message, written like its own runs (in the writer's
  // critical section; after a failure the runs are dropped, and --resume redoes them).
  int ranks_ended = 0;
  auto take_message = [&](const std::string& message) {
    if (message.empty() || (message[0] != kRunMessage && message[0] != kEndMessage))
      throw InternalError("an MPI rank sent an unknown message");
    if (message[0] == kEndMessage) {
      ++ranks_ended;
      return;
    }
    double body_weight_N = 0;
    SweepRow row = unpack_run_row(std::string_view(message).substr(1), body_weight_N);
    if (stop.load()) return;
    write_run_record(*writer, row, body_weight_N, series);
    if (journal_out) journal_pending.push_back({row, body_weight_N});
    unmarked.push_back(run_group(row.index));
    if (row.status != "ok") ++failed_unmarked;
    rows.push_back(std::move(row));
  };

  // A computed run goes to the writer (libhdf5 is not thread-safe: one thread writes at a time). A
  // thread that finds another writing queues its run and computes its next one instead of waiting:
  // the writing thread writes the queued runs before it lets go of the writer.
  std::mutex writer_mutex;  // held while writing (and to set `failure`)
  std::mutex queue_mutex;
  std::deque<RunOutcome> queue;  // computed runs not yet written
  auto write_one = [&](RunOutcome& out) {
    if (stop.load()) return;  // after a failure the runs are dropped, and --resume redoes them
    try {
      const double tw = thread_cpu_s();
      ++stats.runs_done;
      if (out.row.status != "ok") ++stats.runs_failed;
      stats.frames += out.row.frames;
      if (streamed && !collector) {
        // The record goes to rank 0 (MPI calls one thread at a time: MPI_THREAD_SERIALIZED).
        std::string message(1, kRunMessage);
        message += pack_run_row(out.row, out.body_weight_N);
#pragma omp critical(dembones_sweep_mpi)
        mailbox->send(0, std::move(message));
      } else {
        write_outcome(*writer, out, series);
        if (journal_out) journal_pending.push_back({out.row, out.body_weight_N});
        unmarked.push_back(run_group(out.row.index));
        if (out.row.status != "ok") ++failed_unmarked;
        rows.push_back(std::move(out.row));
        if (collector) {
          // The other ranks' runs that have arrived meanwhile.
          for (;;) {
            std::optional<std::string> message;
#pragma omp critical(dembones_sweep_mpi)
            message = mailbox->try_receive();
            if (!message) break;
            take_message(*message);
          }
        }
        if (seconds_since(last_commit) >= commit_interval_s) commit();
      }
      write_s += thread_cpu_s() - tw;
    } catch (...) {
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };
  // Writes queued runs until the queue is empty; the caller holds writer_mutex.
  auto write_queued = [&] {
    for (;;) {
      RunOutcome next;
      {
        const std::lock_guard<std::mutex> lock(queue_mutex);
        if (queue.empty()) return;
        next = std::move(queue.front());
        queue.pop_front();
      }
      write_one(next);
    }
  };
  auto hand_over = [&](RunOutcome&& out) {
    {
      const std::lock_guard<std::mutex> lock(queue_mutex);
      queue.push_back(std::move(out));
    }
    while (writer_mutex.try_lock()) {
      write_queued();
      writer_mutex.unlock();
      // A run queued after the writer's last look and before its unlock found the writer busy:
      // whoever looks next writes it.
      const std::lock_guard<std::mutex> lock(queue_mutex);
      if (queue.empty()) break;
    }
  };
  auto drain_writer_queue = [&] {
    const std::lock_guard<std::mutex> lock(writer_mutex);
    write_queued();
  };

  ModelCache models;  // shared by the threads: each subject's model is built once
#pragma omp parallel num_threads(threads) reduction(+ : prepare_s, execute_s)
  {
    // Under MPI a rank builds the scenarios of the runs it takes from another rank's checked slice
    // (already checked there), from its own clone of the base (yaml-cpp nodes are not thread-safe).
    std::optional<SweepSpec> local;
    for (;;) {
      if (stop.load()) break;
      std::int64_t position = 0;
      if (counter) {
#pragma omp critical(dembones_sweep_mpi)
        position = counter->next();
      } else {
        position = static_cast<std::int64_t>(next_position.fetch_add(1));
      }
      if (position >= static_cast<std::int64_t>(todo.size())) break;
      const auto p = static_cast<std::size_t>(position);
      RunOutcome out;
      try {
        if (!checked.held[p]) {
          if (!local) {
#pragma omp critical(dembones_sweep_yaml)
            {
              local = spec;
              local->base = YAML::Clone(spec.base);
            }
          }
          checked.scenarios[p] = make_run_scenario(*local, plan, todo[p], {.keep_text = false});
          set_store(checked.scenarios[p]);
          checked.held[p] = 1;
        }
        out = compute_run(plan, todo[p], checked.scenarios[p], models, series);
      } catch (...) {
        {
          const std::lock_guard<std::mutex> lock(writer_mutex);
          if (!failure) failure = std::current_exception();
        }
        stop = true;
        break;
      }
      prepare_s += out.prepare_s;
      execute_s += out.execute_s;
      hand_over(std::move(out));
    }
  }
  drain_writer_queue();  // (empty: the last thread to queue a run wrote it)
  counter.reset();
  const auto t_end_of_runs = Clock::now();
  if (collector) {
    // The other ranks' last runs, until each has sent its end message (also after a failure here,
    // so that no rank waits for its sends forever).
    const double tw = thread_cpu_s();
    while (ranks_ended < mpi->size() - 1) {
      const std::string message = mailbox->receive();
      try {
        take_message(message);
        if (!stop.load() && !unmarked.empty() && seconds_since(last_commit) >= commit_interval_s) commit();
      } catch (...) {
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    }
    write_s += thread_cpu_s() - tw;
  } else if (streamed) {
    mailbox->send(0, std::string(1, kEndMessage));
    mailbox->flush();
  }
  mailbox.reset();
  if (writes_file) {
    // The last batch. After a failure too: those runs are wholly written (a run whose writing failed
    // is not in the batch), and --resume need not redo them.
    const double tw = thread_cpu_s();
    try {
      commit();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
    write_s += thread_cpu_s() - tw;
  }
  stats.prepare_s = prepare_s;
  stats.execute_s = execute_s;
  stats.write_s = write_s;
  if (multi_rank) {
    // Every rank must reach the merge, or none: an error on one rank ends them all.
    if (mpi->any(static_cast<bool>(failure))) {
      if (failure) std::rethrow_exception(failure);
      throw InternalError(streamed ? "another MPI rank failed; the runs written so far are kept for --resume"
                                   : "another MPI rank failed; its shard is kept for --resume");
    }
  } else if (failure) {
    std::rethrow_exception(failure);
  }

  // --- Summary in run order, then the atomic rename ---
  if (writes_file) {
    const std::size_t runs_in_file = rows.size();
    write_summary_table(*writer, plan.parameters, std::move(rows));
    if (streamed) {
      // The same root attributes as a merge of the ranks' shards (docs/sweeps.md).
      std::vector<std::string> ranks;
      for (int r = 0; r < mpi->size(); ++r) ranks.push_back(fmt::format("rank {} of {}", r, mpi->size()));
      writer->set_string_attribute("/", "shard", "merged");
      writer->set_string_array_attribute("/", "merged_from", ranks);
      writer->set_string_attribute("/", "merge_mode", "copy");
      writer->set_int_attribute("/", "runs_missing", stats.runs_total - static_cast<std::int64_t>(runs_in_file));
    }
    writer->commit();
    if (journal_out) journal_out->remove();
    stats.written = file;
  }

  stats.streamed = streamed;
  if (streamed) {
    if (collector) stats.merge_s = seconds_since(t_end_of_runs);
    mpi->barrier();  // the file is committed before any rank returns
  } else if (multi_rank) {
    mpi->barrier();  // every shard committed
    if (mpi->rank() == 0) {
      const auto tm = Clock::now();
      std::vector<fs::path> shards;
      for (int s = 0; s < mpi->size(); ++s) shards.push_back(shard_path(final_out, s + 1, mpi->size()));
      Hdf5WriterOptions mo;
      mo.compression_level = wo.compression_level;
      mo.store_float32 = wo.store_float32;
      // Rank 0's shard file is copied whole to the final file; only the other ranks' runs one by one.
      const SweepMergeReport rep =
          merge_sweep(shards, final_out, o.mpi_merge, mo, /*reuse_first_shard=*/true, o.command_line);
      if (o.mpi_merge == MergeMode::Copy && !o.keep_shards)
        for (const fs::path& s : shards) fs::remove(s);
      stats.merge_s = seconds_since(tm);
      stats.written = final_out;
      if (!rep.missing.empty())
        std::fprintf(stderr, "dembones sweep: warning: %zu runs missing from the merged file\n", rep.missing.size());
    }
    mpi->barrier();
  }
  stats.wall_s = seconds_since(t_start);
  return stats;
}

}  // namespace dembones
