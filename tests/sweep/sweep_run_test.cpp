// Running sweeps: the same file from 1 and 2 threads, from 3 shards merged (copied or linked), from
// 2 MPI ranks (runs streamed to rank 0, or shards merged with series full), and after a SIGKILL and
// --resume; each run equal to the same scenario run alone; failing runs recorded.
#include <gtest/gtest.h>

#include "common/run_checks.hpp"

#include <fstream>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <regex>

#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "sweep/sweep_expand.hpp"
#include "sweep/sweep_merge.hpp"
#include "sweep/sweep_overview.hpp"
#include "sweep/sweep_runner.hpp"
#include "sweep/sweep_summary.hpp"
#include "io/io_test_util.hpp"
#include "scenario/run_writer.hpp"
#include "sweep_test_util.hpp"

extern char** environ;

namespace dembones {
namespace {

namespace fs = std::filesystem;
using sweep_test::expect_same_sweep_files;
using sweep_test::TempDir;
using sweep_test::write_sweep;

const char* kTwoByTwo =
    "vary:\n"
    "  task.technique: [stoop, squat]\n"
    "  task.box.mass_kg: [5, 20]\n";

SweepRunStats run(const fs::path& sweep_file, const fs::path& out, int threads, int shard = 1, int shards = 1,
                  bool resume = false, std::optional<SeriesLevel> series = {}) {
  const SweepSpec spec = load_sweep(sweep_file.string());
  SweepRunOptions o;
  o.output = out.string();
  o.threads = threads;
  o.shard_index = shard;
  o.shard_count = shards;
  o.resume = resume;
  o.series = series;
  o.progress = false;
  return run_sweep(spec, expand_sweep(spec), o);
}

// --resume of `out` on one thread, quietly (the storage options left to the sweep's).
SweepRunOptions resume_options(const fs::path& out) {
  SweepRunOptions o;
  o.output = out.string();
  o.threads = 1;
  o.resume = true;
  o.progress = false;
  return o;
}

TEST(SweepRun, OneAndTwoThreadsWriteTheSameFile) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  const SweepRunStats a = run(s, dir / "a.h5", 1);
  const SweepRunStats b = run(s, dir / "b.h5", 2);
  EXPECT_EQ(a.runs_done, 4);
  EXPECT_EQ(b.runs_done, 4);
  EXPECT_EQ(b.threads, 2);
  EXPECT_EQ(a.runs_failed, 0);
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_FALSE(fs::exists(dir / "a.h5.partial"));
  expect_same_sweep_files(dir / "a.h5", dir / "b.h5");

  const Hdf5Reader r(dir / "a.h5");
  EXPECT_EQ(r.read_string_attribute("/", "format"), "dembones-sweep");
  EXPECT_EQ(r.table_rows("/summary"), 4u);
  EXPECT_EQ(r.read_table_ints("/summary", "run"), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.read_table_strings("/summary", "task.technique"),
            (std::vector<std::string>{"stoop", "stoop", "squat", "squat"}));
  EXPECT_EQ(r.read_table_doubles("/summary", "task.box.mass_kg"), (std::vector<double>{5, 20, 5, 20}));
  EXPECT_EQ(r.read_table_strings("/summary", "status"), (std::vector<std::string>(4, "ok")));
  const auto peak = r.read_table_doubles("/summary", "L5_S1_compression_peak_N");
  const auto frames = r.read_table_ints("/summary", "frames");
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(std::isfinite(peak[i]) && peak[i] > 0) << i;
    EXPECT_EQ(frames[i], 51) << i;  // 1 s at 50 Hz
  }
  EXPECT_NE(peak[0], peak[1]);  // the box mass reaches the spine
  // The 1 s lifts of 20 kg need reserves (the muscles at their limit), those of 5 kg do not: the largest
  // reserve says how far they fell short, tens of N·m against a fraction of one.
  const auto reserve_frames = r.read_table_ints("/summary", "reserve_frames");
  const auto reserve_max = r.read_table_doubles("/summary", "reserve_max_Nm");
  for (int i : {1, 3}) {
    EXPECT_GT(reserve_frames[i], 0) << i;
    EXPECT_GT(reserve_max[i], 10.0) << i;
  }
  for (int i : {0, 2}) {
    EXPECT_EQ(reserve_frames[i], 0) << i;
    EXPECT_LT(reserve_max[i], 1.0) << i;
  }
  for (const auto& c : r.table_columns("/summary"))
    if (c.name == "L5_S1_compression_peak_N") {
      EXPECT_EQ(c.units, "N");
    }
}

TEST(SweepRun, EachRunEqualsTheScenarioRunAlone) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  run(s, dir / "full.h5", 2, 1, 1, false, SeriesLevel::full);
  // Run 2 = squat with 5 kg: the same scenario through `dembones run`'s path.
  const ScenarioSpec scenario =
      load_scenario(sweep_test::scenarios_dir() + "/stoop_lift.yaml",
                    {{"solver.rate_hz", "50"}, {"task.duration_s", "1.0"}, {"task.pause_s", "0"},
                     {"task.technique", "squat"}, {"task.box.mass_kg", "5"}});
  ModelCache models;
  const auto prepared = prepare_run(scenario, models);
  Pipeline pipeline(prepared->msm, pipeline_settings(scenario.solver));
  const RunRecord rec = execute_run(*prepared, pipeline);
  const Hdf5Reader r(dir / "full.h5");
  const std::vector<double> time(rec.time.data(), rec.time.data() + rec.time.size());
  EXPECT_TRUE(sweep_test::same_bits(r.read_doubles("/runs/00002/time"), time));
  const VecX& c = rec.sites[0].compression;
  const std::string site = prepared->msm.sites[0].name;
  EXPECT_TRUE(sweep_test::same_bits(r.read_doubles("/runs/00002/loads/" + site + "/compression"),
                                    std::vector<double>(c.data(), c.data() + c.size())))
      << site;
  const MatX act = r.read_matrix("/runs/00002/muscles/activation");
  EXPECT_EQ(act, rec.activation);
  const std::vector<Peak> peaks = summarize(prepared->msm, rec);
  const SweepRow row = read_run_row(r, 2);
  ASSERT_EQ(row.peaks.size(), peaks.size());
  for (std::size_t k = 0; k < peaks.size(); ++k) {
    EXPECT_EQ(row.peaks[k].quantity, peaks[k].quantity);
    EXPECT_EQ(row.peaks[k].value, peaks[k].value);
    EXPECT_EQ(row.peaks[k].time_s, peaks[k].time_s);
  }
  EXPECT_TRUE(is_complete(r, "/runs/00002"));
  // The largest moment the lumbar rhythm's constraint carried, as the run's own series gives it.
  EXPECT_GT(rec.coupling.cwiseAbs().maxCoeff(), 1.0);
  EXPECT_EQ(row.coupling_max_Nm, rec.coupling.cwiseAbs().maxCoeff());
  EXPECT_EQ(r.read_table_doubles("/summary", "coupling_max_Nm")[2], row.coupling_max_Nm);
  // The largest reserve, likewise (0 when the muscles balanced every frame).
  EXPECT_EQ(row.reserve_max_Nm, rec.reserve.cwiseAbs().maxCoeff());
  EXPECT_EQ(r.read_table_doubles("/summary", "reserve_max_Nm")[2], row.reserve_max_Nm);
  // Where it acts: the coordinate of the series' largest entry and the torque's sign there.
  Eigen::Index frame = 0, k = 0;
  const double largest = rec.reserve.cwiseAbs().maxCoeff(&frame, &k);
  ASSERT_GT(largest, 0.0) << "the reserves are penalised, never exactly zero in every frame";
  EXPECT_EQ(row.reserve_max_coordinate, prepared->msm.model.coordinate_names[static_cast<std::size_t>(k)]);
  EXPECT_EQ(row.reserve_max_sign, rec.reserve(frame, k) > 0 ? 1 : -1);
  EXPECT_EQ(r.read_table_strings("/summary", "reserve_max_coordinate")[2], row.reserve_max_coordinate);
  EXPECT_EQ(r.read_table_ints("/summary", "reserve_max_sign")[2], row.reserve_max_sign);
  // Frames with a joint at an end of its range, counted from the run's own coordinates (the squat
  // reaches the box at the ankle's, knee's and hip's; population audit: not in the summary before).
  int at_end = 0;
  for (Eigen::Index f = 0; f < rec.q.rows(); ++f)
    at_end += at_range_end(rec.q.row(f), prepared->built->q_min, prepared->built->q_max) ? 1 : 0;
  EXPECT_GT(at_end, 0);
  EXPECT_EQ(row.range_end_frames, at_end);
  EXPECT_EQ(r.read_table_ints("/summary", "range_end_frames")[2], at_end);
  EXPECT_EQ(r.read_table_ints("/summary", "range_end_frames")[0], 0) << "the 5 kg stoop stays inside its ranges";
  // Frames at the static optimization's iteration limit, as the run's own count (none here).
  EXPECT_EQ(row.unconverged_frames, rec.unconverged_frames);
  EXPECT_EQ(r.read_table_ints("/summary", "unconverged_frames")[2], rec.unconverged_frames);
  // A run group keeps at most 8 attributes with its series stored (sweep_summary.cpp: more move to
  // dense storage, which `dembones merge` cannot copy with HDF5 1.10).
  for (const std::string& run : r.children("/runs"))
    EXPECT_LE(r.attribute_names("/runs/" + run).size(), 8u) << run;
}

TEST(SweepRun, ThreeShardsMergedEqualOneRun) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "vary:\n"
                                 "  task.technique: [stoop, squat]\n"
                                 "  task.box.mass_kg: [5, 12, 20]\n");
  run(s, dir / "one.h5", 2);
  std::vector<fs::path> shards;
  for (int i = 1; i <= 3; ++i) {
    const SweepRunStats st = run(s, dir / "sh.h5", 1, i, 3);
    EXPECT_EQ(st.runs_selected, 2);
    EXPECT_EQ(st.written, shard_path(dir / "sh.h5", i, 3));
    shards.push_back(st.written);
  }
  {
    // Shard 2 of 3 holds runs 1 and 4 (i % 3 == 1).
    const Hdf5Reader r(shards[1]);
    EXPECT_EQ(r.children("/runs"), (std::vector<std::string>{"00001", "00004"}));
  }
  const SweepMergeReport copy =
      merge_sweep(shards, dir / "merged.h5", MergeMode::Copy, {}, false, "dembones merge merged.h5 sh.shard-*");
  EXPECT_EQ(copy.runs_merged, 6u);
  EXPECT_TRUE(copy.missing.empty());
  expect_same_sweep_files(dir / "one.h5", dir / "merged.h5");
  {
    // Each shard's session and the merge's own (the root's command_line is the first shard's).
    const Hdf5Reader r(dir / "merged.h5");
    const auto sessions = r.read_string_array_attribute("/", "merged_shards");
    ASSERT_EQ(sessions.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(sessions[i].rfind(shards[i].filename().string() + ": ", 0), 0u) << sessions[i];
      EXPECT_NE(sessions[i].find(Hdf5Reader(shards[i]).read_string_attribute("/", "created_utc")), std::string::npos);
    }
    EXPECT_NE(r.read_string_attribute("/", "merged_by").find(": dembones merge merged.h5 sh.shard-*"), std::string::npos);
  }
  // Rank 0's merge: the first shard's file copied whole, the others' runs copied into it. Same file
  // contents as a copy into a new file, the same root attributes, and the first shard left intact.
  const SweepMergeReport reused =
      merge_sweep(shards, dir / "reused.h5", MergeMode::Copy, {}, true, "dembones merge merged.h5 sh.shard-*");
  EXPECT_EQ(reused.runs_merged, 6u);
  EXPECT_TRUE(reused.missing.empty());
  expect_same_sweep_files(dir / "one.h5", dir / "reused.h5");
  {
    const Hdf5Reader a(dir / "merged.h5"), b(dir / "reused.h5"), first(shards[0]);
    EXPECT_EQ(b.table_rows("/summary"), 6u);
    for (const char* name : {"shard", "merge_mode", "sweep_fingerprint", "sweep_name"})
      EXPECT_EQ(a.read_string_attribute("/", name), b.read_string_attribute("/", name)) << name;
    EXPECT_EQ(a.read_string_array_attribute("/", "merged_from"), b.read_string_array_attribute("/", "merged_from"));
    EXPECT_EQ(a.attribute_names("/"), b.attribute_names("/"));
    EXPECT_EQ(first.read_string_attribute("/", "shard"), "1/3");
    EXPECT_EQ(first.table_rows("/summary"), 2u);
    EXPECT_EQ(first.children("/runs"), (std::vector<std::string>{"00000", "00003"}));
  }
  const SweepMergeReport link = merge_sweep(shards, dir / "linked.h5", MergeMode::ExternalLink);
  EXPECT_EQ(link.runs_merged, 6u);
  expect_same_sweep_files(dir / "one.h5", dir / "linked.h5");
  EXPECT_LT(fs::file_size(dir / "linked.h5"), fs::file_size(dir / "merged.h5"));
  // Two shards only: the missing runs are reported.
  const SweepMergeReport part = merge_sweep({shards[0], shards[2]}, dir / "part.h5", MergeMode::Copy);
  EXPECT_EQ(part.missing, (std::vector<int>{1, 4}));
  // A shard of another sweep is refused.
  const fs::path other = write_sweep(dir, "other.yaml", kTwoByTwo);
  run(other, dir / "other.h5", 1, 1, 2);
  EXPECT_THROW(merge_sweep({shards[0], shard_path(dir / "other.h5", 1, 2)}, dir / "bad.h5", MergeMode::Copy), IoError);
  EXPECT_THROW(merge_sweep({shards[0], shards[0]}, dir / "dup.h5", MergeMode::Copy), IoError);
}

// A sweep over model files keeps each file it varies at the root (the root's model_yaml is the base
// scenario's): its value as the runs' `model` column gives it, its text and the text's SHA-256, also
// in the merge of its shards. Two copies of the lifter that differ by a comment give the same loads.
TEST(SweepRun, ASweepOverModelsKeepsEachModelsText) {
  TempDir dir;
  const std::string lifter = io_test::read_text_file(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  const std::string copy_text = lifter + "\n# the same lifter, another file\n";
  sweep_test::write_text(dir / "copy.yaml", copy_text);
  const std::string copy = (dir / "copy.yaml").string();
  const fs::path s = write_sweep(dir, "s.yaml", "vary:\n  model: [../models/lifter.yaml, " + copy + "]\n");
  run(s, dir / "one.h5", 2);
  std::vector<fs::path> shards;
  for (int i = 1; i <= 2; ++i) shards.push_back(run(s, dir / "sh.h5", 1, i, 2).written);
  merge_sweep(shards, dir / "merged.h5", MergeMode::Copy);
  for (const char* name : {"one.h5", "merged.h5"}) {
    const Hdf5Reader r(dir / name);
    EXPECT_EQ(r.read_string_array_attribute("/", "sweep_varied_file_fields"),
              (std::vector<std::string>{"model", "model"})) << name;
    const auto values = r.read_string_array_attribute("/", "sweep_varied_file_values");
    EXPECT_EQ(values, (std::vector<std::string>{"../models/lifter.yaml", copy})) << name;
    EXPECT_EQ(r.read_string_array_attribute("/", "sweep_varied_file_texts"),
              (std::vector<std::string>{lifter, copy_text})) << name;
    EXPECT_EQ(r.read_string_array_attribute("/", "sweep_varied_file_sha256"),
              (std::vector<std::string>{sha256_hex(lifter), sha256_hex(copy_text)})) << name;
    EXPECT_EQ(r.read_table_strings("/summary", "model"), values) << name;
    const auto peak = r.read_table_doubles("/summary", "L5_S1_compression_peak_N");
    ASSERT_EQ(peak.size(), 2u);
    EXPECT_EQ(peak[0], peak[1]) << name;
    // `dembones info` shows each model with its short hash: the same text, the same hash.
    const std::string h = sha256_hex(lifter).substr(0, 12);
    EXPECT_NE(describe_sweep(r).find(fmt::format("varied: model ../models/lifter.yaml (sha256 {}), {} (sha256 {})", h,
                                                 copy, sha256_hex(copy_text).substr(0, 12))),
              std::string::npos)
        << describe_sweep(r);
  }
  // A sweep that varies no file has none of them.
  const fs::path plain = write_sweep(dir, "plain.yaml", "vary:\n  task.box.mass_kg: [5]\n");
  run(plain, dir / "plain.h5", 1);
  const auto names = Hdf5Reader(dir / "plain.h5").attribute_names("/");
  EXPECT_EQ(std::count(names.begin(), names.end(), "sweep_varied_file_values"), 0);
}

// A sweep whose base scenario reads a force table it does not vary keeps the table at the root
// (input_file_*, as a run file does); varied, the table is kept per value (sweep_varied_file_*) only.
TEST(SweepRun, ASweepKeepsTheBaseScenariosForceTable) {
  TempDir dir;
  const std::string table = "time,Fx,Fy,Fz\n0,0,-20,0\n2,5,-30,0\n";
  sweep_test::write_text(dir / "forces.csv", table);
  sweep_test::write_text(dir / "other.csv", table + "# another table\n");
  sweep_test::write_text(dir / "pushed.yaml",
                         "name: pushed\nmodel: " + std::string(DEMBONES_SOURCE_DIR) +
                             "/models/lifter.yaml\n"
                             "subject: {height_m: 1.75, mass_kg: 75, sex: male}\n"
                             "task: {type: forward_bend, trunk_flexion_deg: 30, duration_s: 0.6, pause_s: 0.1}\n"
                             "solver: {rate_hz: 50}\n"
                             "external_forces:\n  file: forces.csv\n  forces:\n"
                             "    - {name: push, body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}\n");
  sweep_test::write_text(dir / "s.yaml", "base: pushed.yaml\nvary:\n  task.trunk_flexion_deg: [20, 30]\n");
  run(dir / "s.yaml", dir / "s.h5", 1);
  {
    const Hdf5Reader r(dir / "s.h5");
    EXPECT_EQ(r.read_string_array_attribute("/", "input_file_fields"), std::vector<std::string>{"external_forces.file"});
    EXPECT_EQ(r.read_string_array_attribute("/", "input_file_paths"), std::vector<std::string>{(dir / "forces.csv").string()});
    EXPECT_EQ(r.read_string_array_attribute("/", "input_file_texts"), std::vector<std::string>{table});
    EXPECT_EQ(r.read_string_array_attribute("/", "input_file_sha256"), std::vector<std::string>{sha256_hex(table)});
  }
  sweep_test::write_text(dir / "v.yaml", "base: pushed.yaml\nvary:\n  external_forces.file: [forces.csv, other.csv]\n");
  run(dir / "v.yaml", dir / "v.h5", 1);
  // Varied through the map that holds it: not the base's table either (review: it was listed).
  sweep_test::write_text(dir / "m.yaml",
                         "base: pushed.yaml\nvary:\n  external_forces:\n"
                         "    - {file: forces.csv, forces: [{body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}]}\n"
                         "    - {file: other.csv, forces: [{body: hand, force_columns: [Fx, Fy, Fz], point_m: [0, 0, 0]}]}\n");
  run(dir / "m.yaml", dir / "m.h5", 1);
  const auto map_names = Hdf5Reader(dir / "m.h5").attribute_names("/");
  EXPECT_EQ(std::count(map_names.begin(), map_names.end(), "input_file_fields"), 0);
  const Hdf5Reader r(dir / "v.h5");
  const auto names = r.attribute_names("/");
  EXPECT_EQ(std::count(names.begin(), names.end(), "input_file_fields"), 0);
  EXPECT_EQ(r.read_string_array_attribute("/", "sweep_varied_file_fields"),
            (std::vector<std::string>{"external_forces.file", "external_forces.file"}));
}

// The sweep file `s` is refused by `validate` and by `sweep` before any run: at vary entry `field`
// (line 4: base, set, vary, then the entry), naming run 00001 and `words`; no output file written.
void expect_stopped_before_any_run(const TempDir& dir, const fs::path& s, const std::string& field,
                                   const std::string& words) {
  const SweepSpec spec = load_sweep(s.string());
  const SweepPlan plan = expand_sweep(spec);
  for (const bool running : {false, true}) {
    try {
      if (running)
        run(s, dir / "out.h5", 1);
      else
        validate_sweep(spec, plan);
      ADD_FAILURE() << "not refused";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.where().field, field) << what;
      EXPECT_EQ(e.where().line, 4) << what;
      EXPECT_NE(what.find("run 00001"), std::string::npos) << what;
      EXPECT_NE(what.find(words), std::string::npos) << what;
    }
  }
  EXPECT_FALSE(fs::exists(dir / "out.h5"));
  EXPECT_FALSE(fs::exists(dir / "out.h5.partial"));
}

// A model file the sweep varies is read before any run (audit: an edited copy with a misspelt field
// passed `validate` and `--list`, and every run of it failed): the error names the vary entry, the run
// and the model's own field; nothing is written.
TEST(SweepRun, AVariedModelWithAnErrorStopsTheSweepBeforeAnyRun) {
  TempDir dir;
  std::string text = io_test::read_text_file(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
  const std::size_t at = text.find("max_isometric_force_N");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("max_isometric_force_N").size(), "max_isometric_forse_N");
  sweep_test::write_text(dir / "bad.yaml", text);
  const fs::path s = write_sweep(dir, "s.yaml", "vary:\n  model: [../models/lifter.yaml, " + (dir / "bad.yaml").string() + "]\n");
  expect_stopped_before_any_run(dir, s, "vary.model", "max_isometric_forse_N");
}

// An impairment selector that matches no muscle is resolved against the model when the sweep is
// checked: the sweep stops before any run, at the vary entry, naming the run (audit: `validate` said
// valid, then every run failed with the base scenario's line 1 and the sweep exited 0).
TEST(SweepRun, AnImpairmentSelectingNoMuscleStopsTheSweepBeforeAnyRun) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "vary:\n  impairments: [[], [{type: weak_muscle, muscles: abs, strength_scale: 0.5}]]\n");
  expect_stopped_before_any_run(dir, s, "vary.impairments", "'abs' matches no muscle name, group or nerve root");
  // A nerve root the model has and a group it has pass.
  const fs::path ok = write_sweep(dir, "ok.yaml",
                                  "vary:\n  impairments: [[{type: nerve_root, root: L4, activation_cap: 0.3}], "
                                  "[{type: weak_muscle, muscles: core, strength_scale: 0.5}]]\n");
  const SweepSpec ok_spec = load_sweep(ok.string());
  EXPECT_NO_THROW(validate_sweep(ok_spec, expand_sweep(ok_spec)));
}

TEST(SweepRun, FullSeriesShardsMergedEqualOneRun) {
  // Runs with every time series (write_run's layout, its attributes included) survive H5Ocopy.
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", "vary:\n  task.box.mass_kg: [5, 20]\noutput: {series: full}\n");
  run(s, dir / "one.h5", 1);
  const fs::path a = run(s, dir / "sh.h5", 1, 1, 2).written, b = run(s, dir / "sh.h5", 1, 2, 2).written;
  EXPECT_EQ(merge_sweep({a, b}, dir / "merged.h5", MergeMode::Copy).runs_merged, 2u);
  expect_same_sweep_files(dir / "one.h5", dir / "merged.h5");
  const Hdf5Reader r(dir / "merged.h5");
  EXPECT_TRUE(r.is_dataset("/runs/00001/muscles/activation"));
  EXPECT_EQ(r.read_vector("/runs/00001/time").size(), 51);
}

TEST(SweepRun, FailingRunsAreRecordedAndTheSweepGoesOn) {
  TempDir dir;
  // A box 1.4 m in front of the ankles cannot be reached: prepare_run throws an InputError.
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "design: zip\n"
                                 "vary:\n"
                                 "  task.start.forward_m: [0.4, 1.4, 0.35]\n"
                                 "  task.box.mass_kg: [10, 10, 15]\n");
  const SweepRunStats st = run(s, dir / "f.h5", 2);
  EXPECT_EQ(st.runs_done, 3);
  EXPECT_EQ(st.runs_failed, 1);
  const Hdf5Reader r(dir / "f.h5");
  EXPECT_EQ(r.read_table_strings("/summary", "status"), (std::vector<std::string>{"ok", "failed", "ok"}));
  const auto errors = r.read_table_strings("/summary", "error");
  EXPECT_EQ(errors[0], "");
  EXPECT_FALSE(errors[1].empty());
  const auto peak = r.read_table_doubles("/summary", "L5_S1_compression_peak_N");
  EXPECT_TRUE(std::isfinite(peak[0]));
  EXPECT_TRUE(std::isnan(peak[1]));
  EXPECT_TRUE(std::isfinite(peak[2]));
  EXPECT_EQ(r.read_table_ints("/summary", "frames")[1], 0);
  EXPECT_TRUE(is_complete(r, "/runs/00001"));  // a failure is a result: not redone on resume
  // The subject's body weight per run (NaN for the failed one), to normalise a sweep over subjects
  // whose root attributes describe the base scenario's subject only (population-study audit).
  const auto bw = r.read_table_doubles("/summary", "body_weight_N");
  EXPECT_NEAR(bw[0], peak[0] / r.read_table_doubles("/summary", "L5_S1_compression_peak_bw")[0], 1e-9 * bw[0]);
  EXPECT_TRUE(std::isnan(bw[1]));
}

// A sweep over body mass: each run's body weight is its own subject's (m g).
TEST(SweepRun, TheSummaryHasEachRunsBodyWeight) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", "design: grid\nvary:\n  subject.mass_kg: [60, 90]\n");
  run(s, dir / "m.h5", 1);
  const Hdf5Reader r(dir / "m.h5");
  const auto bw = r.read_table_doubles("/summary", "body_weight_N");
  ASSERT_EQ(bw.size(), 2u);
  EXPECT_NEAR(bw[0], 60.0 * 9.81, 1e-9);
  EXPECT_NEAR(bw[1], 90.0 * 9.81, 1e-9);
  EXPECT_EQ(read_run_row(r, 1).body_weight_N, bw[1]);
}

TEST(SweepRun, PartialFileNeedsResumeAndTheSameSweep) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  run(s, dir / "a.h5", 1);
  fs::rename(dir / "a.h5", dir / "a.h5.partial");
  EXPECT_THROW(run(s, dir / "a.h5", 1), InputError);  // no silent restart over an interrupted sweep
  const SweepRunStats st = run(s, dir / "a.h5", 1, 1, 1, true);
  EXPECT_EQ(st.runs_resumed, 4);
  EXPECT_EQ(st.runs_done, 0);
  EXPECT_TRUE(fs::exists(dir / "a.h5"));
  const fs::path other = write_sweep(dir, "o.yaml", "vary:\n  task.box.mass_kg: [5, 20]\n");
  fs::rename(dir / "a.h5", dir / "a.h5.partial");
  EXPECT_THROW(run(other, dir / "a.h5", 1, 1, 1, true), InputError);
  // Resuming with other series than the runs already stored would mix layouts.
  EXPECT_THROW(run(s, dir / "a.h5", 1, 1, 1, true, SeriesLevel::full), InputError);
  EXPECT_EQ(run(s, dir / "a.h5", 1, 1, 1, true, SeriesLevel::summary).runs_resumed, 4);
  // So would other storage (an audit resumed with --float32 --compression 1 and got a mixed file).
  const SweepSpec spec = load_sweep(s.string());
  SweepRunOptions o = resume_options(dir / "a.h5");
  for (const bool f32 : {false, true}) {
    o.float32 = f32;
    o.compression = f32 ? 4 : 1;
    fs::rename(dir / "a.h5", dir / "a.h5.partial");
    EXPECT_THROW(run_sweep(spec, expand_sweep(spec), o), InputError) << (f32 ? "float32" : "compression 1");
    fs::rename(dir / "a.h5.partial", dir / "a.h5");
  }
  o.float32 = false;
  o.compression = 4;
  EXPECT_EQ(run_sweep(spec, expand_sweep(spec), o).runs_resumed, 4);
}

// Sets a root attribute of a finished sweep file (or shard) in place.
void set_root_attribute(const fs::path& file, const char* name, const std::string& value) {
  fs::rename(file, file.string() + ".partial");
  {
    Hdf5Writer w(file, {.resume_existing = true, .remove_partial_on_abort = false});
    w.set_string_attribute("/", name, value);
  }
  fs::rename(file.string() + ".partial", file);
}

// One file, one build: a partial file begun by another build is not resumed, and shards of different
// builds are not merged (an audit did both unsaid; the file then named the first build only).
TEST(SweepRun, ResumeAndMergeRefuseAnotherBuildsFiles) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  run(s, dir / "a.h5", 1);
  set_root_attribute(dir / "a.h5", "git_commit", "0123456789ab");
  fs::rename(dir / "a.h5", dir / "a.h5.partial");
  try {
    run(s, dir / "a.h5", 1, 1, 1, true);
    ADD_FAILURE() << "another build's partial file was resumed";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(commit 0123456789ab, "), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir / "a.h5.partial")) << "left as it was";
  std::vector<fs::path> shards;
  for (int i = 1; i <= 2; ++i) shards.push_back(run(s, dir / "sh.h5", 1, i, 2).written);
  // Another version, or the same commit built otherwise (a Debug build).
  for (const auto& [name, value] : {std::pair{"dembones_version", "0.0.1"}, std::pair{"build_type", "Debug"}}) {
    const std::string kept = Hdf5Reader(shards[1]).read_string_attribute("/", name);
    set_root_attribute(shards[1], name, value);
    try {
      merge_sweep(shards, dir / "m.h5", MergeMode::Copy);
      ADD_FAILURE() << "shards of two builds were merged: " << name;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("merge shards of one build"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(value), std::string::npos) << e.what();
    }
    set_root_attribute(shards[1], name, kept);
  }
  EXPECT_FALSE(fs::exists(dir / "m.h5"));
  EXPECT_FALSE(fs::exists(dir / "m.h5.partial"));
}

// --resume on a finished file of another sweep, or of runs stored otherwise, is refused and leaves the
// finished file as it was, under its own name (an audit found it renamed to .partial, then refused as
// "an interrupted sweep: delete it").
TEST(SweepRun, ARefusedResumeLeavesAFinishedFileAsItIs) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  run(s, dir / "a.h5", 1);
  const std::string bytes = io_test::read_text_file(dir / "a.h5");
  const fs::path other = write_sweep(dir, "o.yaml", "vary:\n  task.box.mass_kg: [5, 20]\n");
  const SweepSpec spec = load_sweep(s.string());
  SweepRunOptions f32 = resume_options(dir / "a.h5");
  f32.float32 = true;
  const std::vector<std::pair<std::string, std::function<void()>>> refused{
      {"another sweep", [&] { run(other, dir / "a.h5", 1, 1, 1, true); }},
      {"other series", [&] { run(s, dir / "a.h5", 1, 1, 1, true, SeriesLevel::full); }},
      {"float32", [&] { run_sweep(spec, expand_sweep(spec), f32); }}};
  for (const auto& [why, attempt] : refused) {
    try {
      attempt();
      ADD_FAILURE() << why << ": not refused";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find((dir / "a.h5").string() + ":"), std::string::npos) << why << ": " << e.what();
    }
    EXPECT_FALSE(fs::exists(dir / "a.h5.partial")) << why;
    EXPECT_EQ(io_test::read_text_file(dir / "a.h5"), bytes) << why;
  }
  EXPECT_EQ(run(s, dir / "a.h5", 1, 1, 1, true).runs_resumed, 4);  // its own sweep finds every run done
}

// Starts `dembones sweep`, reads its progress lines (one per run with --log-interval 0) and
// SIGKILLs it once `kill_after` runs are on disk. Returns false when it finished first.
bool run_and_kill(const std::vector<std::string>& args, int kill_after, std::string& log) {
  int fds[2];
  if (::pipe(fds) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "cannot start " << args[0] << ": " << std::strerror(rc);
    return false;
  }
  FILE* err = ::fdopen(fds[0], "r");
  const std::regex done_re(R"(: (\d+)/(\d+) runs)");
  bool killed = false;
  char line[4096];
  while (std::fgets(line, sizeof line, err) != nullptr) {
    log += line;
    std::cmatch m;
    if (std::regex_search(line, m, done_re) && std::stoi(m[1].str()) >= kill_after) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
  }
  std::fclose(err);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// A stoop/squat x `masses` box-mass sweep written to `dir`, run with `threads` threads and progress
// lines every `log_interval` s, SIGKILLed after `kill_after` runs. Returns the sweep file; `killed`
// and `log` say whether the kill happened mid-sweep and what the sweep printed.
fs::path kill_lift_sweep(const TempDir& dir, int masses, const std::string& series, const fs::path& out,
                         const std::string& threads, const std::string& log_interval, int kill_after, bool& killed,
                         std::string& log) {
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "vary:\n"
                                 "  task.technique: [stoop, squat]\n"
                                 "  task.box.mass_kg: {linspace: [0, 25, " + std::to_string(masses) + "]}\n"
                                 "output: " + series + "\n");
  killed = run_and_kill({DEMBONES_BINARY, "sweep", s.string(), "-o", out.string(), "--threads", threads,
                         "--log-interval", log_interval},
                        kill_after, log);
  return s;
}

// The 12-run lift sweep (stoop/squat x 6 masses, one thread) SIGKILLed after 3 runs, as the resume
// tests start from: the final file not committed, its partial file holding some but not all runs.
struct KilledSweep {
  fs::path sweep;
  int complete = 0;  // runs marked complete in OUT.h5.partial
};

void kill_twelve_run_sweep(const TempDir& dir, const std::string& series, const fs::path& out, KilledSweep& k) {
  std::string log;
  bool killed = false;
  k.sweep = kill_lift_sweep(dir, 6, series, out, "1", "0", 3, killed, log);
  ASSERT_TRUE(killed) << "the sweep was not killed mid-way; its output:\n" << log;
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(out.string() + ".partial"));
  const Hdf5Reader r(out.string() + ".partial");
  k.complete = static_cast<int>(scan_completion(r, "/runs").complete.size());
  EXPECT_GE(k.complete, 3);
  EXPECT_LT(k.complete, 12);
}

TEST(SweepRun, ResumeAfterSigkillEqualsAnUninterruptedSweep) {
  TempDir dir;
  const fs::path out = dir / "k.h5";
  KilledSweep k;
  ASSERT_NO_FATAL_FAILURE(kill_twelve_run_sweep(dir, "{series: full, compression: 1}", out, k));
  const SweepRunStats st = run(k.sweep, out, 2, 1, 1, /*resume=*/true);
  EXPECT_EQ(st.runs_resumed, k.complete);
  EXPECT_EQ(st.runs_done, 12 - k.complete);  // only the unfinished runs are redone
  run(k.sweep, dir / "straight.h5", 1);
  expect_same_sweep_files(dir / "straight.h5", out);
  // The root keeps the first session's command line (the killed `dembones sweep`) and names the resume.
  const Hdf5Reader r(out);
  EXPECT_NE(r.read_string_attribute("/", "command_line").find("dembones sweep"), std::string::npos);
  const auto resumed = r.read_string_array_attribute("/", "resumed");
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_NE(resumed[0].find(" on "), std::string::npos) << resumed[0];
  EXPECT_NE(resumed[0].find(" in " + fs::current_path().string() + ": "), std::string::npos) << resumed[0];
  const auto names = Hdf5Reader(dir / "straight.h5").attribute_names("/");
  EXPECT_EQ(std::count(names.begin(), names.end(), "resumed"), 0) << "an uninterrupted sweep has no resumes";
}

// A summary-series sweep killed, then its partial file unreadable (as when HDF5 is killed while it
// writes metadata: an audit lost every finished run in 13 of 25 such kills): --resume rebuilds the
// finished runs from OUT.h5.journal instead of redoing them, and the file equals an uninterrupted
// sweep's. The journal is written after the marks and before the progress line, so it holds at least
// the runs a line counted.
TEST(SweepRun, ADamagedPartialFileIsRebuiltFromTheJournal) {
  TempDir dir;
  const fs::path out = dir / "j.h5";
  KilledSweep k;
  ASSERT_NO_FATAL_FAILURE(kill_twelve_run_sweep(dir, "{series: summary}", out, k));
  ASSERT_TRUE(fs::exists(out.string() + ".journal"));
  {
    std::fstream f(out.string() + ".partial", std::ios::in | std::ios::out | std::ios::binary);
    const std::string zeros(4096, '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));  // the superblock and more: unreadable
  }
  const SweepRunStats st = run(k.sweep, out, 2, 1, 1, /*resume=*/true);
  EXPECT_GE(st.runs_resumed, 3);
  EXPECT_LE(st.runs_resumed, k.complete);
  EXPECT_EQ(st.runs_done, 12 - st.runs_resumed);
  EXPECT_TRUE(fs::exists(out.string() + ".partial.damaged"));
  EXPECT_FALSE(fs::exists(out.string() + ".journal"));  // removed with the finished file
  run(k.sweep, dir / "straight.h5", 1);
  expect_same_sweep_files(dir / "straight.h5", out);
  // A resume all the same: named, with where the first session's provenance went.
  const auto resumed = Hdf5Reader(out).read_string_array_attribute("/", "resumed");
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_NE(resumed[0].find("rebuilt from j.h5.journal"), std::string::npos) << resumed[0];
}

// Runs are marked complete in batches (at most every second, and whenever a progress line is printed):
// a SIGKILL loses at most the runs written since the last line, never one a line counted, and --resume
// redoes exactly the unmarked ones.
TEST(SweepRun, BatchedMarkersResumeAfterSigkillAndProgressNeverCountsLostRuns) {
  TempDir dir;
  const fs::path out = dir / "b.h5";
  std::string log;
  bool killed = false;
  const fs::path s = kill_lift_sweep(dir, 60, "{series: summary}", out, "2", "0.2", 1, killed, log);
  ASSERT_TRUE(killed) << "the sweep was not killed mid-way; its output:\n" << log;
  int reported = -1;  // the count of the last progress line
  const std::regex line_re(R"(: (\d+)/120 runs)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), line_re); it != std::sregex_iterator(); ++it)
    reported = std::stoi((*it)[1].str());
  ASSERT_GE(reported, 1) << log;
  int complete_before = 0;
  {
    const Hdf5Reader r(out.string() + ".partial");
    complete_before = static_cast<int>(scan_completion(r, "/runs").complete.size());
  }
  EXPECT_GE(complete_before, reported);  // what the progress line counted is on disk
  EXPECT_LT(complete_before, 120);
  const SweepRunStats st = run(s, out, 2, 1, 1, /*resume=*/true);
  EXPECT_EQ(st.runs_resumed, complete_before);
  EXPECT_EQ(st.runs_done, 120 - complete_before);
  run(s, dir / "straight.h5", 1);
  expect_same_sweep_files(dir / "straight.h5", out);
}

// Runs `mpirun --oversubscribe -np N dembones ARGS...` (as root too: Open MPI's two environment
// variables), its stdout and stderr in `log`. Returns the exit code (-1 when it did not exit).
int run_mpi(int ranks, const std::vector<std::string>& args, std::string& log) {
  std::vector<std::string> cmd{"mpirun", "--oversubscribe", "-np", std::to_string(ranks), DEMBONES_BINARY};
  cmd.insert(cmd.end(), args.begin(), args.end());
  std::vector<std::string> env_text{"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"};
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  std::vector<char*> env;
  for (std::string& e : env_text) env.push_back(e.data());
  env.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::vector<char*> argv;
  for (std::string& a : cmd) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "mpirun", &fa, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "cannot start mpirun (Open MPI is a build dependency: scripts/debian-packages.txt): "
                  << std::strerror(rc);
    return -1;
  }
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) log.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// "rank R: N runs done (F failed), M resumed" lines of an MPI sweep: per rank, {done, resumed}.
std::map<int, std::pair<int, int>> rank_counts(const std::string& log) {
  std::map<int, std::pair<int, int>> out;
  const std::regex re(R"(rank (\d+): (\d+) runs done \(\d+ failed\), (\d+) resumed)");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it)
    out[std::stoi((*it)[1].str())] = {std::stoi((*it)[2].str()), std::stoi((*it)[3].str())};
  return out;
}

// Nothing but the final file is left in `dir` by an MPI sweep (no shard, no partial file).
std::vector<std::string> leftovers(const fs::path& dir, const std::string& stem) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(stem, 0) == 0 && name != stem + ".h5") out.push_back(name);
  }
  return out;
}

// Without time series the ranks send every finished run's record to rank 0, which writes the final
// file as it goes: the file equals one thread's, bit for bit, with the root attributes of a merge,
// and no shard file is written. Also with 2 threads per rank (MPI calls one thread at a time).
TEST(SweepRun, TwoMpiRanksStreamTheirRunsToRankZero) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "vary:\n"
                                 "  task.technique: [stoop, squat]\n"
                                 "  task.box.mass_kg: {linspace: [0, 25, 6]}\n"
                                 "output: {series: summary}\n");
  run(s, dir / "one.h5", 1);
  for (const std::string threads : {"1", "2"}) {
    SCOPED_TRACE("threads per rank: " + threads);
    const std::string stem = "mpi" + threads;
    std::string log;
    ASSERT_EQ(run_mpi(2, {"sweep", s.string(), "-o", (dir / (stem + ".h5")).string(), "--threads", threads}, log), 0)
        << log;
    const auto counts = rank_counts(log);
    ASSERT_EQ(counts.size(), 2u) << log;
    EXPECT_EQ(counts.at(0).first + counts.at(1).first, 12) << log;
    EXPECT_GE(counts.at(1).first, 1) << "rank 1 ran nothing, so nothing was streamed:\n" << log;
    expect_same_sweep_files(dir / "one.h5", dir / (stem + ".h5"));
    const Hdf5Reader r(dir / (stem + ".h5"));
    EXPECT_EQ(r.read_string_attribute("/", "shard"), "merged");
    EXPECT_EQ(r.read_string_attribute("/", "merge_mode"), "copy");
    EXPECT_EQ(r.read_string_array_attribute("/", "merged_from"),
              (std::vector<std::string>{"rank 0 of 2", "rank 1 of 2"}));
    EXPECT_EQ(r.read_int_attribute("/", "runs_missing"), 0);
    EXPECT_EQ(leftovers(dir.path(), stem), std::vector<std::string>{});
  }
}

// A failed run streamed from either rank keeps its status and error (the record message carries them).
TEST(SweepRun, TwoMpiRanksStreamFailedRuns) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml",
                                 "design: zip\n"
                                 "vary:\n"
                                 "  task.start.forward_m: [0.4, 1.4, 0.35, 1.5, 0.4, 1.45]\n"
                                 "  task.box.mass_kg: [10, 10, 15, 5, 0, 20]\n"
                                 "output: {series: summary}\n");
  run(s, dir / "one.h5", 1);
  std::string log;
  ASSERT_EQ(run_mpi(2, {"sweep", s.string(), "-o", (dir / "mpi.h5").string(), "--threads", "1"}, log), 0) << log;
  expect_same_sweep_files(dir / "one.h5", dir / "mpi.h5");
  const Hdf5Reader r(dir / "mpi.h5");
  EXPECT_EQ(r.read_table_strings("/summary", "status"),
            (std::vector<std::string>{"ok", "failed", "ok", "failed", "ok", "failed"}));
  EXPECT_FALSE(r.read_table_strings("/summary", "error")[3].empty());
}

// With time series each rank writes its shard and rank 0 merges them (copying the other ranks' runs).
TEST(SweepRun, TwoMpiRanksWithFullSeriesMergeTheirShards) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  run(s, dir / "one.h5", 1, 1, 1, false, SeriesLevel::full);
  std::string log;
  ASSERT_EQ(run_mpi(2, {"sweep", s.string(), "-o", (dir / "mpi.h5").string(), "--threads", "1", "--series", "full"},
                    log),
            0)
      << log;
  expect_same_sweep_files(dir / "one.h5", dir / "mpi.h5");
  const Hdf5Reader r(dir / "mpi.h5");
  EXPECT_EQ(r.read_string_attribute("/", "shard"), "merged");
  EXPECT_EQ(r.read_string_array_attribute("/", "merged_from"),
            (std::vector<std::string>{"mpi.shard-1-of-2.h5", "mpi.shard-2-of-2.h5"}));
  EXPECT_TRUE(r.is_dataset("/runs/00003/time"));
  EXPECT_EQ(leftovers(dir.path(), "mpi"), std::vector<std::string>{});  // shards removed after the copy
}

// --resume on 2 ranks whose kept shards are finished: rank 1's shard is refused (not a sweep file),
// so no rank touches its own. Each rank used to rename its shard before the others had checked
// theirs: rank 0's finished shard was left as a .partial file when rank 1 refused and MPI_Abort ended both.
TEST(SweepRun, TwoMpiRanksRefusingAShardLeaveEveryShardAsItWas) {
  TempDir dir;
  const fs::path s = write_sweep(dir, "s.yaml", kTwoByTwo);
  std::string log;
  ASSERT_EQ(run_mpi(2, {"sweep", s.string(), "-o", (dir / "mpi.h5").string(), "--threads", "1", "--series", "full",
                        "--keep-shards"},
                    log),
            0)
      << log;
  const fs::path first = dir / "mpi.shard-1-of-2.h5", second = dir / "mpi.shard-2-of-2.h5";
  ASSERT_TRUE(fs::exists(first) && fs::exists(second)) << log;
  std::ofstream(second, std::ios::trunc) << "not an HDF5 file\n";
  log.clear();
  EXPECT_NE(run_mpi(2, {"sweep", s.string(), "-o", (dir / "mpi.h5").string(), "--threads", "1", "--series", "full",
                        "--resume"},
                    log),
            0)
      << log;
  EXPECT_NE(log.find("cannot be read as a dembones sweep file"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(first));
  EXPECT_FALSE(fs::exists(first.string() + ".partial"));
  EXPECT_FALSE(fs::exists(second.string() + ".partial"));
  EXPECT_EQ(Hdf5Reader(first).read_string_attribute("/", "shard"), "1/2");
}

// A streamed sweep's file is the one a single process writes (OUT.h5.partial): a sweep killed on one
// process is resumed on 2 ranks (each rank learns the finished runs from it), and the other way round.
TEST(SweepRun, TwoMpiRanksResumeASweepKilledOnOneProcess) {
  TempDir dir;
  const fs::path out = dir / "k.h5";
  KilledSweep k;
  ASSERT_NO_FATAL_FAILURE(kill_twelve_run_sweep(dir, "{series: summary}", out, k));
  std::string mpi_log;
  ASSERT_EQ(run_mpi(2, {"sweep", k.sweep.string(), "-o", out.string(), "--threads", "1", "--resume"}, mpi_log), 0) << mpi_log;
  const auto counts = rank_counts(mpi_log);
  ASSERT_EQ(counts.size(), 2u) << mpi_log;
  EXPECT_EQ(counts.at(0).second, k.complete) << mpi_log;  // rank 0 reports the runs its file held
  EXPECT_EQ(counts.at(0).first + counts.at(1).first, 12 - k.complete) << mpi_log;  // only the others redone
  run(k.sweep, dir / "straight.h5", 1);
  expect_same_sweep_files(dir / "straight.h5", out);
  // A finished file resumed on 2 ranks: every run done, nothing recomputed; then on one process.
  mpi_log.clear();
  ASSERT_EQ(run_mpi(2, {"sweep", k.sweep.string(), "-o", out.string(), "--threads", "1", "--resume"}, mpi_log), 0) << mpi_log;
  EXPECT_EQ(rank_counts(mpi_log).at(0), (std::pair<int, int>{0, 12})) << mpi_log;
  EXPECT_EQ(rank_counts(mpi_log).at(1).first, 0) << mpi_log;
  EXPECT_EQ(run(k.sweep, out, 1, 1, 1, /*resume=*/true).runs_resumed, 12);
  expect_same_sweep_files(dir / "straight.h5", out);
}

}  // namespace
}  // namespace dembones
