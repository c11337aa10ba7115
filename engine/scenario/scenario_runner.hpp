#pragma once
// From a scenario to its results: load and scale the model for the subject, apply the impairments,
// build the engine objects, generate (or read) the motion, prepare its kinematics, and run the
// pipeline over every frame.
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "scenario/model_builder.hpp"
#include "scenario/run_record.hpp"
#include "scenario/scenario_spec.hpp"
#include "scenario/task_generator.hpp"
#include "solvers/external_loads.hpp"
#include "scenario/input_files.hpp"
#include "solvers/kinematic_series.hpp"

namespace dembones {

// A scenario made ready to run; shared read-only by the threads that run it.
struct PreparedRun {
  explicit PreparedRun(std::shared_ptr<const MusculoskeletalModel> engine_model)
      : msm_owner(std::move(engine_model)), msm(*msm_owner) {}
  PreparedRun(const PreparedRun&) = delete;
  PreparedRun& operator=(const PreparedRun&) = delete;

  ScenarioSpec scenario;
  std::vector<std::string> notes;  // for the user, before the run: what looks wrong but may be right
  std::string model_text;  // the model file as read (stored in the output for provenance); empty
                           // unless PrepareRunOptions::keep_model_text
  // The motion and force tables the run read (read_scenario_input_files, before they were parsed),
  // kept with model_text for the output's input_file_* attributes.
  std::vector<InputFile> input_files;
  std::shared_ptr<const BuiltModel> built;  // shared with other runs of the same subject (ModelCache)
  // The engine model, shared with the other runs of the same subject (ModelCache) unless impairments
  // changed it: a copy per run was ~1 % of a sweep's lift (its names, muscle paths and sites).
  std::shared_ptr<const MusculoskeletalModel> msm_owner;
  const MusculoskeletalModel& msm;  // *msm_owner
  TaskRig rig;
  KinematicSeries kinematics;
  double load_mass_kg = 0.0;
  // The held box's size (depth, height), m; zero without a box (written as /box's size_m for plots).
  Eigen::Vector2d box_size_m = Eigen::Vector2d::Zero();
  ExternalLoadSeries external;  // measured forces at the kinematics' frames (`external_forces:`), may be empty
};

// The scenario's `external_forces:` read from their file and resampled (piecewise linear) at
// `time`, bodies resolved in `model`. InputError naming the file, field or column for an unknown
// body, a missing column, non-increasing times or a time range that does not cover `time`.
// X_spec_engine: each body's engine frame in its model-file frame (BuiltModel::X_spec_engine): forces
// and points given in a body's frame are in the model file's.
ExternalLoadSeries load_external_forces(const ExternalForcesSpec& spec, const Model& model,
                                        const std::vector<SE3>& X_spec_engine, const VecX& time);

// A model scaled to one subject and built, without impairments, with what every run of that subject
// starts from: its engine model and its task rig (before posture offsets and activation caps).
struct SubjectModel {
  BuiltModel built;
  MusculoskeletalModel msm;
  TaskRig rig;
  std::string key;  // the model file and the subject's exact fields (ModelCache::subject_model)
};

// A generated task's motion as a run uses it: the frames' times and coordinates, and the coordinates
// low-pass filtered and differentiated with the run's settings.
struct CachedMotion {
  VecX time;
  MatX q;
  KinematicSeries kinematics;
};

// What a generated motion depends on: the subject's model (its cache key), the posture variables'
// offsets (posture impairments), the task, and the kinematics settings. Not the muscles: muscle and
// nerve-root impairments and the solver's other settings leave the motion as it is.
struct MotionKey {
  std::string subject;
  VecX q_offset;
  TaskSpec task;
  double rate_hz = 0, filter_cutoff_hz = 0;
  bool operator==(const MotionKey& o) const {
    return subject == o.subject && q_offset.size() == o.q_offset.size() &&
           (q_offset.array() == o.q_offset.array()).all() && task == o.task && rate_hz == o.rate_hz &&
           filter_cutoff_hz == o.filter_cutoff_hz;
  }
};

// Caches parsed model files by path, so a sweep parses each model once, and the models built for the
// most recent subjects, so variants that differ only in what the model does not depend on (box,
// technique, task, solver settings, nerve-root caps, posture offsets) share one build. Thread-safe:
// a sweep's threads share one (each subject is then built once, not once per thread); builds run
// outside the lock, and when two threads build the same subject at once the first one stored is
// kept. The results do not depend on it: a model is built from (file, stature, mass, sex) alone, by
// the same deterministic code, whether built now, earlier or by another thread.
class ModelCache {
 public:
  const ModelSpec& get(const std::string& path, std::string* text = nullptr);
  // The model of `path` scaled to `subject`, built (cached, keyed by the path and the exact bits of
  // the subject's fields).
  std::shared_ptr<const SubjectModel> subject_model(const std::string& path, const SubjectSpec& subject);
  int subject_model_builds() const;  // how many subject_model calls built one (and stored it)

  // About 2 MB each. 128 holds every subject of a grid over up to 128 of them (lifts_10000.yaml has
  // 100, cycled run after run: with 32 every run rebuilt its model, prepare 170 against 63 CPU-s); a
  // population sweep (a new subject every run) reuses the memory of the oldest after that instead of
  // taking fresh pages for each build: the 1,000 lifts of lift_population.yaml held 590 MB and ran
  // 17-18 s on two threads with 256, 314 MB and 15.6 s with 128, the same numbers to the bit
  // (performance audit).
  static constexpr std::size_t kMaxSubjectModels = 128;

  // The generated motions of the most recent runs: a sweep over muscle impairments or solver settings
  // generates its motion once (the generator, with its balance passes, is about 40 % of a lift's run).
  // Null when not cached. A motion is generated by deterministic code from its key alone, so a cached
  // one is the one the run would generate, to the bit (tests/scenario/motion_cache_test.cpp).
  std::shared_ptr<const CachedMotion> find_motion(const MotionKey& key) const;
  void store_motion(MotionKey key, std::shared_ptr<const CachedMotion> motion);
  int motion_hits() const;  // how many find_motion calls found one
  // About 0.3 MB each (a 2 s lift at 100 Hz).
  static constexpr std::size_t kMaxMotions = 32;

 private:
  std::vector<std::pair<std::string, std::shared_ptr<const std::pair<ModelSpec, std::string>>>> cache_;
  std::vector<std::pair<std::string, std::shared_ptr<const SubjectModel>>> subjects_;  // oldest first
  int builds_ = 0;
  std::vector<std::pair<MotionKey, std::shared_ptr<const CachedMotion>>> motions_;  // oldest first
  mutable int motion_hits_ = 0;
  mutable std::mutex mutex_;  // guards cache_, subjects_, builds_, motions_ and motion_hits_
};

struct PrepareRunOptions {
  // Copy the model file's text into PreparedRun::model_text (a run file stores it for provenance).
  // A sweep stores it once at its root: its runs skip the copy (180 kB per run for the lifter).
  bool keep_model_text = true;
};

// Throws InputError (with the scenario's file and field) for impossible requests: a selector that
// matches no muscle, a box out of reach, balance that cannot be kept.
std::unique_ptr<PreparedRun> prepare_run(const ScenarioSpec& scenario, ModelCache& models,
                                         const PrepareRunOptions& options = {});

// The files a scenario reads, read as prepare_run reads them (its model loaded and built for the
// subject; a motion file's table against that model), without impairments or a generated motion: what
// a sweep checks once for each file it varies. Throws InputError as prepare_run would.
void check_scenario_files(const ScenarioSpec& scenario, ModelCache& models);

// Every impairment's muscle selectors (`muscles`, a nerve `root`) resolved against the scenario's model,
// as prepare_run resolves them, without building the impaired model: a selector that matches no muscle
// is the same InputError, found when a sweep is checked instead of failing every run. Muscle names,
// groups and roots do not depend on the subject: the model at its reference subject is built once per
// model file (cached in `models`).
void check_impairment_selectors(const ScenarioSpec& scenario, ModelCache& models);

// The engine model of a built spec, ready for the pipeline (sites, passive moments, actuators, the
// grip where loads are held).
MusculoskeletalModel make_musculoskeletal_model(const BuiltModel& built, double body_mass_kg);

// The posture variables and landmarks the task generator needs, from the lifter model's names.
TaskRig make_task_rig(const BuiltModel& built, const SubjectSpec& subject);

// The pipeline settings a scenario's `solver:` block asks for.
PipelineSettings pipeline_settings(const SolverSpec& solver);

// Runs every frame. `progress(frame, frames)` is called now and then (may be empty). A non-finite
// quantity in a frame, or a joint load beyond any physiological one (the model diverged), stops the
// run with an InputError naming the scenario file, the frame, its time and the quantity.
RunRecord execute_run(const PreparedRun& run, Pipeline& pipeline,
                      const std::function<void(int, int)>& progress = {});
// The same, keeping what `level` asks for instead of what the scenario's output.store says (a sweep
// in summary mode keeps RecordLevel::peaks: the numbers of every frame are the same).
RunRecord execute_run(const PreparedRun& run, Pipeline& pipeline, RecordLevel level,
                      const std::function<void(int, int)>& progress = {});

}  // namespace dembones
