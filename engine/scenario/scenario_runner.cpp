#include "scenario/scenario_runner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <set>
#include <sstream>

#include "common/run_checks.hpp"
#include "io/text_table.hpp"
#include "multibody/kinematics.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/motion_file.hpp"
#include "solvers/butterworth.hpp"
#include "scenario/scaling.hpp"
#include "scenario/yaml_fields.hpp"

namespace dembones {

namespace {

// A motion file's widest step between rows that is still read as sampling, not as missing rows: both a
// tenth of a second and ten of its typical steps (dropped frames of a capture are a few samples).
constexpr double kMaxMotionGap_s = 0.1;
constexpr double kMaxMotionGapSamples = 10.0;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(Location{path, 0, 0, ""}, "cannot open file for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mspec::MuscleSpec& spec_muscle(ModelSpec& spec, const std::string& name) {
  for (auto& m : spec.muscles)
    if (m.name == name) return m;
  throw InternalError("muscle '" + name + "' of the built model is missing from its spec");
}

// Muscles matched by the impairment's selectors; an empty match is the user's error.
std::vector<int> select_all(const MuscleSet& set, const std::vector<std::string>& selectors, const ImpairmentSpec& imp,
                            const char* field) {
  std::set<int> out;
  for (std::size_t k = 0; k < selectors.size(); ++k) {
    const std::string& s = selectors[k];
    const std::vector<int> hit = select(set, s);
    if (hit.empty()) {
      // At the selector's own line when the file gives it (a --set gives the override's text).
      Location where = imp.where;
      where.field += std::string(".") + field;
      if (k < imp.muscles_where.size() && imp.muscles_where[k].line > 0) where = imp.muscles_where[k];
      std::vector<std::string> known(set.names.begin(), set.names.begin() + set.nmuscles);
      for (int i = 0; i < set.nmuscles; ++i) {
        known.insert(known.end(), set.groups[i].begin(), set.groups[i].end());
        known.insert(known.end(), set.nerve_roots[i].begin(), set.nerve_roots[i].end());
      }
      throw InputError(where, fmt::format("'{}' matches no muscle name, group or nerve root of the model{} "
                                          "(dembones info --model lists them)", s, did_you_mean(s, known)));
    }
    out.insert(hit.begin(), hit.end());
  }
  return {out.begin(), out.end()};
}

// The model's locked coordinates and the values they are held at.
std::map<std::string, double> locked_coordinates(const BuiltModel& built) {
  std::map<std::string, double> out;
  for (int k = 0; k < built.model.nv; ++k)
    if (built.locked[static_cast<std::size_t>(k)])
      out[built.model.coordinate_names[static_cast<std::size_t>(k)]] = built.q_default(k);
  return out;
}

int coordinate_of(const Model& model, const std::string& name) {
  const int k = model.find_coordinate(name);
  if (k < 0) throw InputError(fmt::format("the model has no coordinate '{}', which the task generator needs", name));
  return k;
}

}  // namespace

void check_impairment_selectors(const ScenarioSpec& scenario, ModelCache& models) {
  const bool selects = std::any_of(scenario.impairments.begin(), scenario.impairments.end(),
                                   [](const ImpairmentSpec& imp) { return imp.type != ImpairmentType::posture; });
  if (!selects) return;
  const ModelSpec& spec = models.get(scenario.model_file);
  const MuscleSet& muscles = models.subject_model(scenario.model_file, spec.reference_subject)->built.muscles;
  for (const ImpairmentSpec& imp : scenario.impairments) {
    switch (imp.type) {
      case ImpairmentType::weak_muscle:
      case ImpairmentType::strong_muscle:
      case ImpairmentType::tight_muscle: (void)select_all(muscles, imp.muscles, imp, "muscles"); break;
      case ImpairmentType::nerve_root: (void)select_all(muscles, {imp.root}, imp, "root"); break;
      case ImpairmentType::posture: break;
    }
  }
}

const ModelSpec& ModelCache::get(const std::string& path, std::string* text) {
  auto find = [&]() -> const std::pair<ModelSpec, std::string>* {
    for (const auto& [p, entry] : cache_)
      if (p == path) return entry.get();
    return nullptr;
  };
  const std::pair<ModelSpec, std::string>* found = nullptr;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    found = find();
  }
  if (!found) {
    // Parsed outside the lock; entries are never removed, so the one kept stays valid.
    auto entry = std::make_shared<const std::pair<ModelSpec, std::string>>(load_model_spec(path), read_text(path));
    const std::lock_guard<std::mutex> lock(mutex_);
    found = find();
    if (!found) {
      cache_.emplace_back(path, entry);
      found = entry.get();
    }
  }
  if (text) *text = found->second;
  return found->first;
}

std::shared_ptr<const SubjectModel> ModelCache::subject_model(const std::string& path, const SubjectSpec& subject) {
  // Hexadecimal floats: two subjects share an entry only if their fields are the same doubles.
  const std::string key = fmt::format("{:a} {:a} {} {}", subject.height_m, subject.mass_kg,
                                      static_cast<int>(subject.sex), path);
  auto find = [&]() -> std::shared_ptr<const SubjectModel> {
    for (const auto& [k, entry] : subjects_)
      if (k == key) return entry;
    return nullptr;
  };
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (auto entry = find()) return entry;
  }
  // Built outside the lock (milliseconds), so that the other threads' look-ups do not wait on it.
  auto entry = std::make_shared<SubjectModel>();
  entry->built = build_model(scale_model(get(path), subject));
  entry->msm = make_musculoskeletal_model(entry->built, subject.mass_kg);
  entry->rig = make_task_rig(entry->built, subject);
  entry->key = key;
  const std::lock_guard<std::mutex> lock(mutex_);
  if (auto stored = find()) return stored;  // another thread built it meanwhile: the same model
  ++builds_;
  if (subjects_.size() >= kMaxSubjectModels) subjects_.erase(subjects_.begin());
  subjects_.emplace_back(key, entry);
  return entry;
}

int ModelCache::subject_model_builds() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return builds_;
}

std::shared_ptr<const CachedMotion> ModelCache::find_motion(const MotionKey& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [k, motion] : motions_)
    if (k == key) {
      ++motion_hits_;
      return motion;
    }
  return nullptr;
}

void ModelCache::store_motion(MotionKey key, std::shared_ptr<const CachedMotion> motion) {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [k, stored] : motions_)
    if (k == key) return;  // another thread generated it meanwhile: the same motion
  if (motions_.size() >= kMaxMotions) motions_.erase(motions_.begin());
  motions_.emplace_back(std::move(key), std::move(motion));
}

int ModelCache::motion_hits() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return motion_hits_;
}

MusculoskeletalModel make_musculoskeletal_model(const BuiltModel& built, double body_mass_kg) {
  MusculoskeletalModel msm;
  msm.model = built.model;
  msm.muscles = built.muscles;
  const int m = built.muscles.nmuscles;
  msm.muscle_sides = VecX(m);
  for (int i = 0; i < m; ++i) msm.muscle_sides(i) = built.muscle_sides[i];
  msm.activation_cap = VecX::Ones(m);
  // A model that lumps left-right pairs into one side is left-right symmetric: its midline sites
  // report the mirror pair (LoadSite::mirror_pair).
  const bool lumped = std::any_of(built.muscle_sides.begin(), built.muscle_sides.end(), [](int s) { return s == 2; }) ||
                      std::any_of(built.spec.bodies.begin(), built.spec.bodies.end(),
                                  [](const mspec::BodySpec& b) { return b.sides == 2; });
  for (const BuiltJointLoadSite& s : built.sites) {
    LoadSite site;
    site.name = s.name;
    site.kind = s.kind == mspec::SiteKind::patellofemoral ? LoadSite::Kind::patellofemoral : LoadSite::Kind::joint_reaction;
    site.body = s.body;
    site.frame_body = s.frame_body;
    site.X_BS = s.X_body_site;
    site.normal_axis = s.normal_axis;
    site.anterior_axis = s.anterior_axis;
    site.side_factor = s.per_side ? 0.5 : 1.0;
    site.mirror_pair = lumped && !s.per_side;
    site.coordinate = s.coordinate;
    site.muscles = s.muscles;
    site.ratio = s.ratio;
    // Patellofemoral force is computed from per-side tensions already.
    if (site.kind == LoadSite::Kind::patellofemoral) site.side_factor = 1.0;
    msm.sites.push_back(site);
  }
  for (std::size_t i = 0; i < built.passive_moments.size(); ++i) {
    const PassiveJointMoment& p = built.passive_moments[i];
    PassiveMoment pm{p.name, p.coordinate, p.moment_Nm, -1, {}};
    // Posterior elements (model_spec.hpp): the site named in the spec (same order as built.sites).
    const mspec::PassiveMomentSpec& ps = built.spec.passive_moments[i];
    for (std::size_t s = 0; s < built.sites.size(); ++s)
      if (!ps.site.empty() && built.sites[s].name == ps.site) pm.site = static_cast<int>(s);
    for (const mspec::PosteriorElementSpec& e : ps.posterior_elements)
      pm.posterior.push_back({e.name, e.share, e.lever_arm_m});
    msm.passive.push_back(std::move(pm));
  }
  for (const TorqueActuator& a : built.actuators) msm.actuators.push_back({a.name, a.coordinate, a.optimal_force_Nm});
  msm.couplings = built.couplings;
  for (const auto& [name, where] : built.markers)
    if (name == "grip") {
      msm.load_body = where.first;
      msm.load_point_B = where.second;
    }
  if (msm.load_body < 0) throw InputError("the model has no 'grip' marker: where would a held load be carried?");
  msm.body_mass_kg = body_mass_kg;
  return msm;
}

namespace {

// Limits of θ that keep every coordinate of v, q = q_offset + r θ, in its range: the tightest over
// the coordinates (a locked coordinate holds its default; for one in a coupling, the whole coupling does).
void set_variable_limits(const BuiltModel& built, const VecX& q_offset, PostureVariable& v) {
  v.lower = -1e9, v.upper = 1e9;
  for (std::size_t i = 0; i < v.coords.size(); ++i) {
    const int c = v.coords[i];
    const double off = q_offset(c), r = v.ratios[i];
    double lo = (built.q_min(c) - off) / r, hi = (built.q_max(c) - off) / r;
    if (built.locked[static_cast<std::size_t>(c)]) lo = hi = (built.q_default(c) - off) / r;
    if (lo > hi) std::swap(lo, hi);
    if (lo > v.lower) v.lower = lo, v.lower_coord = c;
    if (hi < v.upper) v.upper = hi, v.upper_coord = c;
  }
}

}  // namespace

TaskRig make_task_rig(const BuiltModel& built, const SubjectSpec& subject) {
  const Model& model = built.model;
  TaskRig rig;
  for (const auto& [name, where] : built.markers) {
    if (name == "grip") {
      rig.hand_body = where.first;
      rig.hand_point_B = where.second;
    } else if (name == "hip_joint_centre") {
      rig.hip_body = where.first;
      rig.hip_point_B = where.second;
    }
  }
  rig.trunk_body = model.find_body("torso");
  if (rig.hand_body < 0 || rig.hip_body < 0 || rig.trunk_body < 0)
    throw InputError(Location{built.spec.file, 0, 0, ""},
                     "the task generator needs markers 'grip' and 'hip_joint_centre' and a body 'torso' (docs/models.md, "
                     "\"What generated tasks need\")");
  rig.q_offset = VecX::Zero(model.nq);
  // The ankle joint centre is the origin of the shank's engine frame (its joint to the foot).
  Data d(model);
  forward_kinematics(model, d, rig.q_offset);
  const int shank = model.find_body("tibia");
  if (shank < 0)
    throw InputError(Location{built.spec.file, 0, 0, ""}, "the task generator needs a body 'tibia' (docs/models.md)");
  rig.ankle_W = d.oMb[shank].translation;
  // Base of support: the foot frame's origin is the heel on the floor; the foot reaches forward by
  // its segment length (de Leva 1996: heel to the tip of the longest toe, a fraction of stature).
  const int foot = model.find_body("foot");
  const mspec::SegmentSpec* seg = built.spec.find_segment("foot");
  if (foot < 0 || !seg)
    throw InputError(Location{built.spec.file, 0, 0, ""}, "the task generator needs a body and a segment named 'foot' (docs/models.md)");
  rig.heel_x = d.oMb[foot].translation.x();
  rig.toe_x = rig.heel_x + seg->of(subject.sex).length_fraction_of_height * subject.height_m;

  // Posture variables in clinical flexion: coordinates named *_extension count flexion negative, the
  // knee_angle of this model is negative in flexion (its range says so), the others positive.
  auto add = [&](const std::string& name, std::vector<int> coords, std::vector<double> ratios) {
    PostureVariable v{name, std::move(coords), std::move(ratios), -1e9, 1e9};
    set_variable_limits(built, rig.q_offset, v);
    rig.vars.push_back(std::move(v));
    return rig.nvars() - 1;
  };
  // Which sign of knee_angle flexes the knee, from the geometry, not from the range (a range edited to
  // [-10, 10] for a stiff knee made the generated lifts hyperextend it): with the foot on the floor,
  // flexing the knee carries the hip joint centre backward (the posterior faces of thigh and shank
  // approach; a squat with upright shins sends the hips back).
  const int knee = coordinate_of(model, "knee_angle");
  const auto hip_x = [&](double knee_q) {
    VecX q = rig.q_offset;
    q(knee) = knee_q;
    forward_kinematics(model, d, q);
    return (d.oMb[rig.hip_body].act(rig.hip_point_B)).x();
  };
  const double knee_sign = hip_x(-0.1) < hip_x(0.1) ? -1.0 : 1.0;
  forward_kinematics(model, d, rig.q_offset);
  rig.ankle = add("ankle", {coordinate_of(model, "ankle_angle")}, {1.0});
  rig.knee = add("knee", {knee}, {knee_sign});
  rig.hip = add("hip", {coordinate_of(model, "hip_flexion")}, {1.0});
  for (const CoordinateCoupling& c : built.couplings)
    if (c.name == "lumbar_rhythm") {
      std::vector<double> r;
      for (double x : c.ratios) r.push_back(-x);  // *_extension coordinates: flexion is negative
      rig.lumbar = add("lumbar", c.coordinates, r);
    }
  if (rig.lumbar < 0)
    throw InputError(Location{built.spec.file, 0, 0, "couplings"},
                     "the model has no 'lumbar_rhythm' coupling for the task generator (docs/models.md)");
  rig.shoulder = add("shoulder", {coordinate_of(model, "shoulder_flexion")}, {1.0});
  rig.elbow = add("elbow", {coordinate_of(model, "elbow_flexion")}, {1.0});
  if (const int neck = model.find_coordinate("neck_flexion"); neck >= 0) rig.neck = add("neck", {neck}, {1.0});
  return rig;
}

namespace {
// Joint loads above this many body weights stop a run as diverged (execute_run).
constexpr double kDivergedLoad_BW = 100.0;
constexpr double kMaxPostureOffset_rad = kMaxPostureOffset_deg * std::numbers::pi / 180.0;
}  // namespace

PipelineSettings pipeline_settings(const SolverSpec& solver) {
  PipelineSettings s;
  s.exponent = solver.exponent;
  s.reserve_optimal_force = solver.reserve_optimal_force;
  s.reserve_threshold_Nm = solver.reserve_threshold_Nm;
  s.elastic_tendon_passive = solver.elastic_tendon;
  s.couple_coordinates = solver.couple_coordinates;
  return s;
}

std::unique_ptr<PreparedRun> prepare_run(const ScenarioSpec& scenario, ModelCache& models,
                                         const PrepareRunOptions& options) {
  const std::shared_ptr<const SubjectModel> subject = models.subject_model(scenario.model_file, scenario.subject);
  const BuiltModel& intact = subject->built;
  std::optional<ModelSpec> changed_spec;  // the scaled spec with muscle impairments, when there are any
  auto spec_to_change = [&]() -> ModelSpec& {
    if (!changed_spec) changed_spec = intact.spec;  // the scaled spec the intact model was built from
    return *changed_spec;
  };

  // Impairments: selectors are resolved on the intact model, then the spec is changed and rebuilt.
  // Impairments of one kind compound (two weak_muscle entries on a muscle multiply), within the range
  // one entry may take: a muscle whose combined factor ends beyond it is an error at the last entry that
  // changed it (an audit reached 1e-4 of a muscle's strength with two entries of the smallest 0.01). The
  // combination is checked once all are applied, so the order of the entries does not matter (strong x2,
  // strong x2, weak x0.5 was refused at the second entry, weak first accepted).
  const std::size_t nm = intact.muscles.names.size();
  std::vector<double> strength(nm, 1.0), length(nm, 1.0);
  std::vector<const ImpairmentSpec*> last_strength(nm, nullptr), last_length(nm, nullptr);
  auto beyond = [&](const ImpairmentSpec& imp, const char* field, const std::string& muscle, double combined,
                    double limit) {
    Location where = imp.where;
    where.field += std::string(".") + field;
    const bool above = combined > limit;
    throw InputError(where, fmt::format("with the other impairments on it, {} of '{}' would be {:.3g} of the intact "
                                        "muscle's, {} {} (the {} one impairment may set)",
                                        field, muscle, combined, above ? "above" : "below", limit,
                                        above ? "largest" : "smallest"));
  };
  // Nerve roots: a `cap` entry caps the muscle as a whole (the smallest cap wins); `share` entries take
  // each lesioned root's share of the muscle's motor units, (1 - cap) / n of n roots, and the shares of
  // different roots add up (L4 and L5 at 0.5 on a muscle of L4, L5 and S1 leave it 1 - 2 x 0.5 / 3;
  // the smaller cap alone was kept before), the same root twice counting once, at its larger loss.
  std::vector<double> whole_cap(nm, 1.0);
  std::vector<std::map<std::string, double>> root_loss(nm);
  double pelvic_tilt = 0.0, lumbar_flexion = 0.0;
  Location posture_where;  // the last posture impairment
  for (const ImpairmentSpec& imp : scenario.impairments) {
    switch (imp.type) {
      case ImpairmentType::weak_muscle:
      case ImpairmentType::strong_muscle:  // both scale F0, and compound
        for (int i : select_all(intact.muscles, imp.muscles, imp, "muscles")) {
          strength[static_cast<std::size_t>(i)] *= imp.strength_scale;
          last_strength[static_cast<std::size_t>(i)] = &imp;
          spec_muscle(spec_to_change(), intact.muscles.names[i]).max_isometric_force_N *= imp.strength_scale;
        }
        break;
      case ImpairmentType::tight_muscle:
        for (int i : select_all(intact.muscles, imp.muscles, imp, "muscles")) {
          length[static_cast<std::size_t>(i)] *= imp.length_scale;
          last_length[static_cast<std::size_t>(i)] = &imp;
          mspec::MuscleSpec& m = spec_muscle(spec_to_change(), intact.muscles.names[i]);
          m.optimal_fiber_length_m *= imp.length_scale;
          m.tendon_slack_length_m *= imp.length_scale;
        }
        break;
      case ImpairmentType::nerve_root:
        for (int i : select_all(intact.muscles, {imp.root}, imp, "root")) {
          const std::size_t k = static_cast<std::size_t>(i);
          if (!imp.root_share) {
            whole_cap[k] = std::min(whole_cap[k], imp.activation_cap);
            continue;
          }
          // An equal share each: a modelling assumption, no published split of a muscle's motor units by root.
          const double n = static_cast<double>(intact.muscles.nerve_roots[k].size());
          double& loss = root_loss[k][imp.root];
          loss = std::max(loss, (1.0 - imp.activation_cap) / n);
        }
        break;
      case ImpairmentType::posture:
        posture_where = imp.where;
        pelvic_tilt += imp.pelvic_tilt_rad;
        lumbar_flexion += imp.lumbar_flexion_rad;
        for (const auto& [field, total] : {std::pair{"pelvic_tilt_deg", pelvic_tilt}, {"lumbar_flexion_deg", lumbar_flexion}})
          if (std::abs(total) > kMaxPostureOffset_rad + 1e-12) {
            Location where = imp.where;
            where.field += std::string(".") + field;
            throw InputError(where, fmt::format("with the posture impairments before it, {} would total {:.3g} deg, "
                                                "beyond +-{:g} (the range one impairment may set)",
                                                field, total * 180.0 / std::numbers::pi, kMaxPostureOffset_deg));
          }
        break;
    }
  }
  std::vector<std::pair<int, double>> caps;
  for (std::size_t k = 0; k < nm; ++k) {
    const std::string& muscle = intact.muscles.names[k];
    if (strength[k] < kMinStrengthScale - 1e-12) beyond(*last_strength[k], "strength_scale", muscle, strength[k], kMinStrengthScale);
    if (strength[k] > kMaxStrengthScale + 1e-12) beyond(*last_strength[k], "strength_scale", muscle, strength[k], kMaxStrengthScale);
    if (length[k] < kMinLengthScale - 1e-12) beyond(*last_length[k], "length_scale", muscle, length[k], kMinLengthScale);
    double kept = 1.0;
    for (const auto& [root, loss] : root_loss[k]) kept -= loss;
    const double cap = std::min(whole_cap[k], std::max(0.0, kept));
    if (cap < 1.0) caps.emplace_back(static_cast<int>(k), cap);
  }
  std::shared_ptr<const BuiltModel> built;
  std::shared_ptr<const MusculoskeletalModel> msm;
  TaskRig rig;
  if (changed_spec) {
    // Muscle impairments change only Hill parameters (maximum force, fibre and tendon lengths): a copy
    // of the intact model with those muscles' parameters replaced is the model build_model would make
    // from the changed spec (the paths, bodies and rig do not depend on them), without rebuilding it
    // (3 ms a run; tests/scenario/impairment_patch_test.cpp compares the two).
    auto patched = std::make_shared<BuiltModel>(intact);
    patched->spec = std::move(*changed_spec);
    for (int k = 0; k < patched->muscles.nmuscles; ++k) {
      const mspec::MuscleSpec& m = spec_muscle(patched->spec, patched->muscles.names[k]);
      HillParams p = patched->muscles.params[k];
      if (p.max_isometric_force_N == m.max_isometric_force_N && p.optimal_fiber_length_m == m.optimal_fiber_length_m &&
          p.tendon_slack_length_m == m.tendon_slack_length_m)
        continue;
      p.max_isometric_force_N = m.max_isometric_force_N;
      p.optimal_fiber_length_m = m.optimal_fiber_length_m;
      p.tendon_slack_length_m = m.tendon_slack_length_m;
      set_muscle_params(patched->muscles, k, p, Location{patched->spec.file, 0, 0, ""});
    }
    auto patched_msm = std::make_shared<MusculoskeletalModel>(subject->msm);
    patched_msm->muscles = patched->muscles;
    msm = std::move(patched_msm);
    rig = subject->rig;
    built = std::move(patched);
  } else {
    // Exactly what the lines above would compute from the same build (make_* are deterministic).
    built = std::shared_ptr<const BuiltModel>(subject, &subject->built);
    msm = std::shared_ptr<const MusculoskeletalModel>(subject, &subject->msm);
    rig = subject->rig;
  }
  if (!caps.empty()) {
    auto capped = std::make_shared<MusculoskeletalModel>(*msm);  // the shared model stays intact
    for (const auto& [i, cap] : caps) capped->activation_cap(i) = std::min(capped->activation_cap(i), cap);
    msm = std::move(capped);
  }
  auto run = std::make_unique<PreparedRun>(std::move(msm));
  run->scenario = scenario;
  if (options.keep_model_text) {
    models.get(scenario.model_file, &run->model_text);
    // Before the tables are parsed below: the bytes kept are those the run reads (a table changed or
    // removed during a long run no longer loses the finished run; review).
    run->input_files = read_scenario_input_files(scenario);
  }
  for (const std::string& note : built->notes) run->notes.push_back(note);
  run->built = std::move(built);
  run->rig = std::move(rig);
  // Posture offsets: an anterior pelvic tilt flexes the hip and extends the spine by the same angle
  // when the trunk stays where it was; a lumbar flexion offset is spread by the lumbar rhythm. The
  // rhythm's variable is the lumbar (L1-S1) flexion, and levels above it (the lifter's T12/L1) move
  // on top of it (its ratios sum to more than 1): the tilt is shared so that the whole rhythm turns
  // the thorax back by the tilt alone, not by the ratios' sum times it.
  {
    TaskRig& rig = run->rig;
    const PostureVariable& hip = rig.vars[rig.hip];
    rig.q_offset(hip.coords[0]) += hip.ratios[0] * pelvic_tilt;
    const PostureVariable& lumbar = rig.vars[rig.lumbar];
    double total = 0.0;
    for (double r : lumbar.ratios) total += std::abs(r);
    for (std::size_t i = 0; i < lumbar.coords.size(); ++i)
      rig.q_offset(lumbar.coords[i]) += lumbar.ratios[i] * (lumbar_flexion - pelvic_tilt / total);
    // The limits of θ move with the offsets: q = q_offset + r θ stays in the model's ranges (a 20 deg
    // tilt took a squat's hip flexion to 140 deg against the model's 120 unreported, review).
    for (PostureVariable& v : rig.vars) set_variable_limits(*run->built, rig.q_offset, v);
    // The offset posture itself (θ = 0) must lie in the ranges: beyond them the limits would cap the
    // offset silently (a 30 deg tilt with -30 deg of lumbar flexion stood as the tilt alone, review).
    for (Eigen::Index c = 0; c < std::min(rig.q_offset.size(), run->built->q_min.size()); ++c) {
      const double off = rig.q_offset(c);
      if (off == 0.0 || run->built->locked[static_cast<std::size_t>(c)]) continue;  // a lock holds its default
      if (off >= run->built->q_min(c) - 1e-12 && off <= run->built->q_max(c) + 1e-12) continue;
      const double deg = 180.0 / std::numbers::pi;
      throw InputError(posture_where,
                       fmt::format("the posture offsets put {} at {:.1f} deg, outside the model's range {:.1f} to "
                                   "{:.1f} deg: smaller offsets",
                                   run->built->model.coordinate_names[static_cast<std::size_t>(c)],
                                   rig.q_offset(c) * deg, run->built->q_min(c) * deg, run->built->q_max(c) * deg));
    }
  }

  const TaskSpec& task = scenario.task;
  // A forward bend may carry a load in its hanging hands (task.box, mass 0 without one).
  const bool has_box = task.type == TaskType::lift || task.type == TaskType::lower || task.type == TaskType::hold ||
                       task.type == TaskType::forward_bend;
  run->load_mass_kg = has_box ? task.box.mass_kg : 0.0;
  if (has_box && task.type != TaskType::forward_bend) run->box_size_m = {task.box.depth_m, task.box.height_m};
  VecX time;
  MatX q;
  if (task.type == TaskType::motion_file) {
    MotionSamples m =
        read_motion_file(task.motion, run->msm.model, run->built->q_min, run->built->q_max, run->msm.couplings,
                         locked_coordinates(*run->built));
    run->notes.insert(run->notes.end(), m.notes.begin(), m.notes.end());
    // The filter and the differentiation of the coordinates need four samples (kinematic_series.cpp).
    if (m.time.size() < 4)
      throw InputError(task.motion.where, fmt::format("motion file '{}' has {} data rows; a run needs at least 4",
                                                      task.motion.file, m.time.size()));
    // A time column in milliseconds read as seconds made a 2.4 s trial 2400 s long (240,001 frames):
    // at most an hour, as a generated task's duration_s, and samples at least once a second (motion
    // capture samples at tens to hundreds of hertz).
    std::vector<double> dt(static_cast<std::size_t>(m.time.size() - 1));
    for (Eigen::Index i = 1; i < m.time.size(); ++i) dt[static_cast<std::size_t>(i - 1)] = m.time(i) - m.time(i - 1);
    const auto widest = std::max_element(dt.begin(), dt.end());
    const double gap = *widest;
    const Eigen::Index gap_row = static_cast<Eigen::Index>(widest - dt.begin());
    std::nth_element(dt.begin(), dt.begin() + static_cast<std::ptrdiff_t>(dt.size() / 2), dt.end());
    const double span = m.time(m.time.size() - 1) - m.time(0), median_dt = dt[dt.size() / 2];
    if (span > 3600.0 || median_dt > 1.0)
      throw InputError(task.motion.where,
                       fmt::format("motion file '{}' spans {:g} s, a sample every {:g} s: is its time column in "
                                   "milliseconds? (expected seconds; at most an hour, sampled at 1 Hz or faster)",
                                   task.motion.file, span, median_dt));
    // Rows missing in the middle (a 100 s hole was interpolated without a word; audit): the run would
    // draw a straight line through whatever happened there.
    if (gap > std::max(kMaxMotionGap_s, kMaxMotionGapSamples * median_dt))
      throw InputError(task.motion.where,
                       fmt::format("motion file '{}' has no rows from t = {:g} s to {:g} s ({:g} s, where the rest is "
                                   "sampled every {:g} s): rows missing? The run would interpolate straight across "
                                   "the gap; give the rows, or cut the file there",
                                   task.motion.file, m.time(gap_row), m.time(gap_row + 1), gap, median_dt));
    time = std::move(m.time);
    q = std::move(m.q);
  } else {
    MotionKey key{subject->key, run->rig.q_offset, task, scenario.solver.rate_hz, scenario.solver.filter_cutoff_hz};
    std::shared_ptr<const CachedMotion> motion = models.find_motion(key);
    if (!motion) {
      GeneratedMotion m = generate_task_motion(run->msm.model, run->rig, task, scenario.solver.rate_hz, scenario.file,
                                               scenario.solver.filter_cutoff_hz);
      auto made = std::make_shared<CachedMotion>();
      // The generator's balance check has filtered and differentiated these frames already, with the
      // run's settings. A generated motion starts and ends at rest (or with zero acceleration at a
      // moving seat-off): MotionEnds::zero_acceleration.
      const KinematicSettings settings{key.rate_hz, key.filter_cutoff_hz, MotionEnds::zero_acceleration};
      made->kinematics = m.kinematics.frames() > 0 && m.kinematics_settings == settings
                             ? std::move(m.kinematics)
                             : prepare_kinematics(m.time, m.q, settings);
      made->time = std::move(m.time);
      made->q = std::move(m.q);
      motion = made;
      models.store_motion(std::move(key), std::move(made));
    }
    run->kinematics = motion->kinematics;
  }
  if (run->kinematics.frames() == 0) {
    // A measured trial may start and end while moving: each end continues as its samples do.
    try {
      run->kinematics = prepare_kinematics(time, q, {scenario.solver.rate_hz, scenario.solver.filter_cutoff_hz,
                                                     MotionEnds::extrapolated});
    } catch (const InputError& e) {
      // "the motion lasts 0.025 s: too short for 100 Hz" named no file (audit).
      if (!e.where().file.empty()) throw;
      throw InputError(task.motion.where, fmt::format("motion file '{}': {} (a run needs 4 frames at solver.rate_hz: "
                                                      "a longer trial or a higher rate)",
                                                      task.motion.file, e.message()));
    }
  }
  if (scenario.external_forces)
    run->external = load_external_forces(*scenario.external_forces, run->msm.model, run->built->X_spec_engine,
                                         run->kinematics.time);
  return run;
}

void check_scenario_files(const ScenarioSpec& scenario, ModelCache& models) {
  const std::shared_ptr<const SubjectModel> subject = models.subject_model(scenario.model_file, scenario.subject);
  if (scenario.task.type == TaskType::motion_file)
    read_motion_file(scenario.task.motion, subject->msm.model, subject->built.q_min, subject->built.q_max,
                     subject->msm.couplings, locked_coordinates(subject->built));
}

ExternalLoadSeries load_external_forces(const ExternalForcesSpec& spec, const Model& model,
                                        const std::vector<SE3>& X_spec_engine, const VecX& time) {
  const TextTable table = [&] {
    try {
      return read_text_table(spec.file);
    } catch (const IoError& e) {  // named at the scenario field that points at the file
      throw InputError(spec.where, fmt::format("external forces file '{}': {}", spec.file, e.message()));
    }
  }();
  const Eigen::Index t_col = table.find_column("time");
  if (t_col < 0)
    throw InputError(spec.where, fmt::format("'{}' has no 'time' column (expected time in s, then force and point "
                                             "columns, as OpenSim external loads files)", spec.file));
  const VecX t = table.data.col(t_col);
  for (Eigen::Index r = 1; r < t.size(); ++r)
    if (!(t(r) > t(r - 1)))
      throw InputError(spec.where, fmt::format("'{}': time must increase from row to row; data row {} has t = {} s "
                                               "after {} s", spec.file, r + 1, t(r), t(r - 1)));
  auto columns = [&](const ExternalForceSpec& f, const std::vector<std::string>& names, const char* field) {
    MatX v(t.size(), 3);
    for (int c = 0; c < 3; ++c) {
      const Eigen::Index j = table.find_column(names[c]);
      if (j < 0) {
        Location where = f.where;
        where.field += std::string(".") + field;
        throw InputError(where, fmt::format("'{}' has no column '{}'", spec.file, names[c]));
      }
      v.col(c) = table.data.col(j);
    }
    for (Eigen::Index r = 0; r < v.rows(); ++r)
      for (int c = 0; c < 3; ++c) {
        if (std::isfinite(v(r, c))) continue;
        Location where = f.where;
        where.field += std::string(".") + field;
        // A force plate's centre of pressure is NaN while its foot is off it (force 0): common (audit).
        throw InputError(where, fmt::format("'{}': column '{}' is not a number at data row {} (t = {} s){}", spec.file,
                                            names[c], r + 1, t(r),
                                            std::string(field) == "point_columns"
                                                ? ": a plate's centre of pressure is undefined while nothing stands "
                                                  "on it; give any finite point in those rows (the force is 0 there)"
                                                : ": fill the gap or cut the table"));
      }
    // Points beyond 5 m of their frame's origin: a table in millimetres (its forces then act 1000
    // times too far out and the run needs kN*m reserves; audit).
    if (std::string(field) == "point_columns")
      for (Eigen::Index r = 0; r < v.rows(); ++r)
        if (v.row(r).norm() > 5.0) {
          Location where = f.where;
          where.field += std::string(".") + field;
          throw InputError(where, fmt::format("'{}': the point at data row {} (t = {} s) is {:.4g} m from its frame's "
                                              "origin: in millimetres? (points are in m)",
                                              spec.file, r + 1, t(r), v.row(r).norm()));
        }
    return v;
  };
  // The optional low-pass (external_forces.filter_cutoff_hz): the table's own rows must be evenly
  // sampled (a force plate's are), the cut-off below 0.4 of its rate (as solver.filter_cutoff_hz).
  std::optional<ButterworthCoefficients> low_pass;
  if (spec.filter_cutoff_hz > 0.0) {
    if (t.size() < 2)
      throw InputError(spec.filter_where, fmt::format("'{}' has {} row: nothing to filter", spec.file, t.size()));
    const double step = (t(t.size() - 1) - t(0)) / static_cast<double>(t.size() - 1);
    // 2 % of a step: times printed with few digits (1200 Hz as %.5f) are even rows all the same.
    for (Eigen::Index r = 1; r < t.size(); ++r)
      if (std::abs((t(r) - t(r - 1)) - step) > 0.02 * step)
        throw InputError(spec.filter_where,
                         fmt::format("filtering needs evenly spaced rows: '{}' has {:.6g} s between data rows {} and "
                                     "{}, {:.6g} s on average (resample the table, or leave the field out)",
                                     spec.file, t(r) - t(r - 1), r, r + 1, step));
    const double rate = 1.0 / step;
    if (spec.filter_cutoff_hz > 0.4 * rate)
      throw InputError(spec.filter_where, fmt::format("{} Hz is above 0.4 x the table's sampling rate ({:.6g} Hz): at "
                                                      "most {:.6g} Hz",
                                                      spec.filter_cutoff_hz, rate, 0.4 * rate));
    low_pass = butterworth_lowpass_2pass(spec.filter_cutoff_hz, rate);
  }
  // Forces only: a plate's centre of pressure is made up where nothing stands on it (the docs say any
  // point will do), and filtering it would carry those points into the loaded rows (review: half a
  // metre off at contact). A row whose force is zero stays zero (a plate with nothing on it), so the
  // filter's ringing puts no pull before a contact.
  auto smooth_force = [&](MatX v) {
    if (!low_pass) return v;
    const MatX raw = v;
    filtfilt(*low_pass, v);
    for (Eigen::Index r = 0; r < v.rows(); ++r)
      if (raw.row(r).isZero(0.0)) v.row(r).setZero();
    return v;
  };
  auto resample = [&](const MatX& v) {
    MatX out;
    const Eigen::Index bad = resample_linear(t, v, time, out);
    if (bad >= 0)
      throw InputError(spec.where,
                       fmt::format("'{}' covers t = {} to {} s, but the motion runs from {} to {} s (frame {} at {} s "
                                   "is outside)", spec.file, t.size() ? t(0) : 0.0, t.size() ? t(t.size() - 1) : 0.0,
                                   time(0), time(time.size() - 1), bad, time(bad)));
    return out;
  };
  ExternalLoadSeries series;
  for (const ExternalForceSpec& f : spec.forces) {
    ExternalForceTrack track;
    track.name = f.name;
    track.applied.body = model.find_body(f.body);
    if (track.applied.body <= 0) {
      Location where = f.where;
      where.field += ".body";
      const std::vector<std::string> bodies(model.body_names.begin() + 1, model.body_names.end());
      throw InputError(where, fmt::format("the model has no moving body '{}'{} (its bodies: {})", f.body,
                                          did_you_mean(f.body, bodies), fmt::join(bodies, ", ")));
    }
    track.applied.force_frame = f.force_in_body ? ExpressedIn::body : ExpressedIn::ground;
    if (static_cast<std::size_t>(track.applied.body) < X_spec_engine.size())
      track.applied.X_body_given = X_spec_engine[static_cast<std::size_t>(track.applied.body)].inverse();
    track.force_N = resample(smooth_force(columns(f, f.force_columns, "force_columns")));
    if (f.has_point_m) {
      track.applied.point_frame = ExpressedIn::body;
      track.applied.point_m = f.point_m;
    } else {
      track.applied.point_frame = f.point_in_body ? ExpressedIn::body : ExpressedIn::ground;
      track.point_varies = true;
      track.point_m = resample(columns(f, f.point_columns, "point_columns"));
    }
    series.tracks.push_back(std::move(track));
  }
  return series;
}

RunRecord execute_run(const PreparedRun& run, Pipeline& pipeline, const std::function<void(int, int)>& progress) {
  return execute_run(run, pipeline, run.scenario.output.store == StoreLevel::full ? RecordLevel::full : RecordLevel::summary,
                     progress);
}

RunRecord execute_run(const PreparedRun& run, Pipeline& pipeline, RecordLevel level,
                      const std::function<void(int, int)>& progress) {
  const KinematicSeries& k = run.kinematics;
  const int F = k.frames();
  // The range-end count leaves out locked coordinates, held by their lock, not by their range (as the
  // run's summary line, cli/run_command.cpp).
  VecX range_lo = run.built->q_min, range_hi = run.built->q_max;
  for (Eigen::Index k = 0; k < range_lo.size(); ++k)
    if (static_cast<std::size_t>(k) < run.built->locked.size() && run.built->locked[static_cast<std::size_t>(k)]) {
      range_lo(k) = -std::numeric_limits<double>::infinity();
      range_hi(k) = std::numeric_limits<double>::infinity();
    }
  RunRecord rec(run.msm, F, level);
  rec.box_size_m = run.box_size_m;
  // The ground reaction's base of support: the feet from heel to toe, the band the task generator
  // keeps the centre of mass in (make_task_rig); a bilateral foot body stands for both feet.
  const mspec::BodySpec* foot = run.built->spec.find_body("foot");
  rec.ground.support = {run.rig.heel_x, run.rig.toe_x, run.rig.ankle_W.x(), foot ? foot->sides : 1};
  pipeline.set_load_mass(run.load_mass_kg);
  pipeline.reset_warm_start();
  const double body_weight_N = run.msm.body_mass_kg * run.msm.model.gravity.norm();
  VecX q(k.q.cols()), qd(k.q.cols()), qdd(k.q.cols());
  std::vector<AppliedForce> external(run.external.tracks.size());
  for (int f = 0; f < F; ++f) {
    q = k.q.row(f).transpose();
    qd = k.qd.row(f).transpose();
    qdd = k.qdd.row(f).transpose();
    run.external.get_frame(f, external);
    const FrameResult& r = pipeline.run_frame(q, qd, qdd, external);
    // Both stops are the inputs' doing (a motion, an impairment, a model the frame cannot be solved
    // with), not the engine's: an InputError naming the scenario file, the frame and the quantity.
    if (r.status == FrameStatus::nan_input)
      throw InputError(Location{run.scenario.file, 0, 0, ""},
                       fmt::format("frame {} (t = {:.3f} s): {} not finite; the run is stopped", f, k.time(f),
                                   r.bad_quantity));
    // A joint load beyond any physiological one (tens of body weights at most, in falls and jumps):
    // the model diverged, and its numbers are no result (an audit: every muscle shortened by half gave
    // 2.2e12 N at L5/S1, flagged only as reserves).
    for (std::size_t s = 0; s < r.sites.size(); ++s)
      if (!(r.sites[s].resultant <= kDivergedLoad_BW * body_weight_N)) {
        // The muscle pulling hardest, and the likely cause for this scenario (the message blamed an
        // impairment in runs that had none; model-authoring audit).
        Eigen::Index strongest = 0;
        if (r.tension.size() > 0) r.tension.cwiseAbs().maxCoeff(&strongest);
        const std::string muscle =
            r.tension.size() > 0 ? fmt::format("; the strongest pull, {:.3g} N ({:.0f} % passive), is {}'s",
                                               r.tension(strongest),
                                               r.tension(strongest) != 0.0 ? 100.0 * r.passive_force(strongest) /
                                                                                 r.tension(strongest)
                                                                           : 0.0,
                                               run.msm.muscles.names[static_cast<std::size_t>(strongest)])
                                 : "";
        const std::string cause =
            !run.scenario.impairments.empty()
                ? "an impairment that shortens muscles past what the motion stretches them"
            : run.scenario.task.type == TaskType::motion_file
                ? "a motion that stretches a muscle far past its fibre length, or accelerations from noisy angles"
                : "a model whose muscle is stretched far past its fibre length: its path points, tendon slack "
                  "or optimal fibre length";
        throw InputError(Location{run.scenario.file, 0, 0, ""},
                         fmt::format("frame {} (t = {:.3f} s): the {} joint load is {:.3g} N ({:.3g} body weights), beyond "
                                     "any physiological load ({} body weights){}: the model diverged (e.g. {}); the run "
                                     "is stopped",
                                     f, k.time(f), run.msm.sites[s].name, r.sites[s].resultant,
                                     r.sites[s].resultant / body_weight_N, kDivergedLoad_BW, muscle, cause));
      }
    rec.record(f, k.time(f), q, qd, qdd, pipeline);
    rec.range_end_frames += at_range_end(q, range_lo, range_hi) ? 1 : 0;
    if (progress && (f % 16 == 0 || f + 1 == F)) progress(f + 1, F);
  }
  return rec;
}

}  // namespace dembones
