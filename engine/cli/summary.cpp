#include "cli/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <cmath>
#include <string>
#include <vector>

#include "common/run_checks.hpp"
#include "scenario/passive_muscle_pull.hpp"

namespace dembones::cli {

namespace {

// Where the largest reserve acts against the muscles' own passive forces, and those exceed the joint's
// net moment, the posture stretches muscles further than the opposing ones can hold (an unloaded stoop
// with straight knees and deeply flexed hips: the hamstrings' passive pull saturates the hip flexors).
// Said, so that the reserve is not read as weakness.
void print_passive_pull_line(std::FILE* out, const MusculoskeletalModel& msm, const RunRecord& r) {
  Eigen::Index frame = 0, k = 0;
  r.reserve.cwiseAbs().maxCoeff(&frame, &k);
  const auto f = static_cast<int>(frame);
  const PassiveMusclePull pull = passive_muscle_pull(msm, r, f, static_cast<int>(k));
  const double reserve = r.reserve(frame, k), net = r.tau_id(frame, k);
  if (pull.largest.empty() || pull.moment_Nm * reserve >= 0 || std::abs(pull.moment_Nm) <= std::abs(net)) return;
  std::string who;
  for (const PassiveStretch& p : pull.largest)
    who += fmt::format("{}{} {:.0f} N at {:.2f} of its optimal fibre length", who.empty() ? "" : ", ", p.muscle,
                       p.force_N, p.fiber_per_optimal);
  fmt::print(out,
             "  at t = {:.2f} s the stretched muscles' passive forces pull {} by {:.0f} N*m, more than its net moment "
             "({:.0f} N*m), and the reserve acts against them: {}. The posture stretches these muscles further than "
             "the opposing ones can hold (a person would bend the joints differently)\n",
             r.time(frame), msm.model.coordinate_names[static_cast<std::size_t>(k)], pull.moment_Nm, net, who);
}

// The coupling constraints (the lumbar rhythm) balance each coupled group as a whole; what is left at
// each level is carried by the constraint, not by muscles or tissue, so it adds no compression. The
// largest such moment, and its share of that level's net moment then, say how much of the spine's
// load the rhythm hides (solver.couplings: ignore makes the muscles carry every level).
void print_coupling_line(std::FILE* out, const ScenarioSpec& scenario, const MusculoskeletalModel& msm,
                         const RunRecord& r) {
  if (msm.couplings.empty() || r.coupling.rows() != r.frames() || r.frames() == 0) return;
  if (!scenario.solver.couple_coordinates) {
    fmt::print(out, "coupling constraints: ignored (solver.couplings: ignore): the muscles balance every coordinate\n");
    return;
  }
  for (const CoordinateCoupling& c : msm.couplings) {
    double largest = -1.0, share = 0.0, at = 0.0;
    int coordinate = -1;
    for (int k : c.coordinates)
      for (int f = 0; f < r.frames(); ++f) {
        const double m = std::abs(r.coupling(f, k));
        if (m <= largest) continue;
        largest = m;
        coordinate = k;
        at = r.time(f);
        share = std::abs(r.tau_id(f, k)) > 0.0 ? m / std::abs(r.tau_id(f, k)) : 0.0;
      }
    if (coordinate < 0) continue;
    fmt::print(out,
               "{} constraint (no muscle, no compression): up to {:.1f} N*m at {} ({:.0f} % of its net moment, "
               "t = {:.2f} s)\n",
               c.name, largest, msm.model.coordinate_names[static_cast<std::size_t>(coordinate)], 100.0 * share, at);
  }
}

// The coordinates that reach an end of the model's range, and in how many frames: there the motion is
// held by the range (a generated squat stops at the knee's 120 deg, where the model's knee splines
// end), not by the task; OpenSim users expect to be told.
void print_range_limit_line(std::FILE* out, const MusculoskeletalModel& msm, const RunRecord& r, const VecX& q_min,
                            const VecX& q_max) {
  if (r.q.rows() != r.frames() || q_min.size() != r.q.cols() || q_max.size() != r.q.cols()) return;
  const std::vector<std::string> units = msm.model.coordinate_units();
  std::string list;
  int frames_any = 0;
  for (int f = 0; f < r.frames(); ++f) frames_any += at_range_end(r.q.row(f), q_min, q_max) ? 1 : 0;
  for (Eigen::Index k = 0; k < r.q.cols(); ++k) {
    int at_min = 0, at_max = 0;
    for (int f = 0; f < r.frames(); ++f) {
      at_min += r.q(f, k) < q_min(k) + kRangeLimitTolerance_rad ? 1 : 0;  // at the end or beyond it
      at_max += r.q(f, k) > q_max(k) - kRangeLimitTolerance_rad ? 1 : 0;
    }
    const bool rad = units[static_cast<std::size_t>(k)] == "rad";
    const double scale = rad ? 180.0 / 3.14159265358979323846 : 1.0;
    const char* unit = rad ? "deg" : "m";
    for (const auto& [n, limit] : {std::pair{at_min, q_min(k)}, std::pair{at_max, q_max(k)}}) {
      if (n == 0) continue;
      if (!list.empty()) list += ", ";
      list += fmt::format("{} at {:+.0f} {} in {}", msm.model.coordinate_names[static_cast<std::size_t>(k)],
                          limit * scale, unit, n);
    }
  }
  if (list.empty()) {
    fmt::print(out, "joints at an end of the model's range: none\n");
    return;
  }
  fmt::print(out, "joints at an end of the model's range (within 0.5 deg): {} of {} frames ({})\n", frames_any,
             r.frames(), list);
}

// A generated lift starts at the box and ends in upright standing (a lower the other way), so the
// postural index of the low point is taken against the standing end (common/run_checks.hpp).
void print_postural_index_line(std::FILE* out, const ScenarioSpec& scenario, const MusculoskeletalModel& msm,
                               const RunRecord& r) {
  const TaskType type = scenario.task.type;
  if ((type != TaskType::lift && type != TaskType::lower) || r.q.rows() != r.frames() || r.frames() < 2) return;
  const Eigen::Index low = type == TaskType::lift ? 0 : r.frames() - 1, stand = type == TaskType::lift ? r.frames() - 1 : 0;
  fmt::print(out, "{}", postural_index_line(r.q.row(low), r.q.row(stand), msm.model.coordinate_names));
}

}  // namespace

void print_scenario_lines(std::FILE* out, const ScenarioSpec& scenario, double body_weight_N) {
  fmt::print(out, "subject {:.2f} m, {:.0f} kg ({}), body weight {:.0f} N\n", scenario.subject.height_m,
             scenario.subject.mass_kg, to_string(scenario.subject.sex), body_weight_N);
  // Which model: an edited copy under another folder gives other loads under the same model name.
  fmt::print(out, "model {}\n", scenario.model_file);
  fmt::print(out, "task {}\n", describe_task(scenario.task));
  if (!scenario.impairments.empty()) fmt::print(out, "impairments: {}\n", describe_impairments(scenario));
}

void print_summary(std::FILE* out, const ScenarioSpec& scenario, const MusculoskeletalModel& msm, const RunRecord& r,
                   const std::vector<Peak>& peaks, const VecX& q_min, const VecX& q_max) {
  // As the run file and its peaks in body weights have it (run_record.cpp): the model's gravity, not 9.81.
  const double bw = msm.body_mass_kg * std::abs(msm.model.gravity.y());
  if (scenario.description.empty())
    fmt::print(out, "\n{}\n", scenario.name);
  else
    fmt::print(out, "\n{} — {}\n", scenario.name, scenario.description);
  print_scenario_lines(out, scenario, bw);
  fmt::print(out, "{:<28} {:>10} {:>8} {:>8}\n", "peak load", "N", "BW", "at s");
  const char* wanted[] = {"L5_S1_compression", "L5_S1_ap_shear", "L4_L5_compression", "L4_L5_ap_shear",
                          "hip_resultant", "tibiofemoral_compression", "tibiofemoral_resultant",
                          "patellofemoral_compression"};
  for (const char* w : wanted)
    for (const Peak& p : peaks)
      if (p.quantity == w) fmt::print(out, "{:<28} {:>10.0f} {:>8.2f} {:>8.2f}\n", p.quantity, p.value, p.value_bw, p.time_s);
  // A joint pulled apart: the force points away along the site's normal (negative compression, at
  // least 0.7 of the resultant: a disc's axis). The peaks above are maxima and do not show it (an
  // audit's 0.03 s lift printed -37 BW at L5/S1 as its "peak" without a word). A reaction that only
  // leans past the normal is not one: the hip's, reported in the pelvis frame, points below the
  // pelvis's axis in a deep squat (-0.36 of the resultant) while it presses into the socket.
  std::string pulled;
  for (std::size_t s = 0; s < r.sites.size() && s < msm.sites.size(); ++s) {
    const VecX& c = r.sites[s].compression;
    const VecX& resultant = r.sites[s].resultant;
    if (c.size() == 0 || resultant.size() != c.size()) continue;
    const auto apart = (c.array() < -0.05 * bw && c.array() < -0.7 * resultant.array()).eval();
    const auto frames = apart.count();
    if (frames == 0) continue;
    Eigen::Index f = 0;
    const double lowest = apart.select(c.array(), 0.0).minCoeff(&f);
    pulled += fmt::format("{}{} {:.2f} BW at {:.2f} s ({} frames)", pulled.empty() ? "" : "; ", msm.sites[s].name,
                          lowest / bw, r.time(f), frames);
  }
  if (!pulled.empty())
    fmt::print(out, "joints pulled apart (negative compression, tension no disc or cartilage resists): {}: not a "
                    "motion a person makes (too fast for the body: a longer task.duration_s; or a posture at the "
                    "joints' limits); its peaks are no result\n",
               pulled);
  // Where the reserves act, and how many of their frames are ones a person could not make with the
  // feet flat anyway (the centre of pressure off the feet): there the reserves flag the motion, not
  // weak muscles.
  int flagged = 0, flagged_off_feet = 0;
  for (int f = 0; f < r.frames(); ++f) {
    if (r.reserve_flag(f) <= 0) continue;
    ++flagged;
    if (r.ground.outside_support.size() > f && r.ground.outside_support(f) > 0) ++flagged_off_feet;
  }
  for (const Peak& p : peaks)
    if (p.quantity == "L5_S1_compression")
      fmt::print(out, "{}",
                 niosh_line(p.value, flagged,
                            spinal_reserve_frames(r.reserve, msm.model.coordinate_names, r.reserve_flag,
                                                  scenario.solver.reserve_threshold_Nm),
                            scenario.solver.reserve_threshold_Nm));
  std::string detail;
  if (flagged) {
    // Signed, on its coordinate (as an OpenSim reserve actuator's value): which way the muscles fell short.
    Eigen::Index frame = 0, k = 0;
    r.reserve.cwiseAbs().maxCoeff(&frame, &k);
    const auto& names = msm.model.coordinate_names;
    detail = fmt::format(" (largest reserve {:+.1f} N*m on {}; {} of them with the centre of pressure off the feet)",
                         r.reserve(frame, k), k < static_cast<Eigen::Index>(names.size()) ? names[k] : std::string("?"),
                         flagged_off_feet);
  }
  if (!flagged) {
    // Never hidden: a reserve under the flag threshold is named too, on a coordinate the muscles
    // drive (on one with an ideal torque actuator, the arms' and the neck's, the reserve shares the
    // actuator's torque by the cost's weights: no muscle falls short there).
    Eigen::Index frame = 0, k = -1;
    double largest = 0.0;
    for (Eigen::Index c = 0; c < r.reserve.cols(); ++c) {
      if (std::any_of(msm.actuators.begin(), msm.actuators.end(), [&](const IdealActuator& a) { return a.coordinate == c; }))
        continue;
      Eigen::Index f = 0;
      const double m = r.reserve.rows() ? r.reserve.col(c).cwiseAbs().maxCoeff(&f) : 0.0;
      if (m > largest) largest = m, frame = f, k = c;
    }
    if (k >= 0 && largest >= 0.05)
      detail = fmt::format(" (largest reserve {:+.1f} N*m on {}, not flagged: under solver.reserve_threshold_Nm = {:g} "
                           "or 1 % of the net moment)",
                           r.reserve(frame, k), msm.model.coordinate_names[static_cast<std::size_t>(k)],
                           scenario.solver.reserve_threshold_Nm);
  }
  fmt::print(out, "frames the muscles could not balance without reserves: {} of {}{}\n", flagged, r.frames(), detail);
  if (flagged) fmt::print(out, "{}", reserves_by_coordinate_line(r.reserve, msm.model.coordinate_names));
  fmt::print(out, "{}", unconverged_line(r.unconverged_frames, r.frames()));
  if (flagged) print_passive_pull_line(out, msm, r);
  if (r.passive_force.rows() == r.frames()) {
    VecX f0(msm.muscles.nmuscles);
    for (int i = 0; i < msm.muscles.nmuscles; ++i) f0(i) = msm.muscles.params[i].max_isometric_force_N;
    fmt::print(out, "{}", passive_overload_line(r.passive_force, f0, msm.muscles.names, r.time));
  }
  print_coupling_line(out, scenario, msm, r);
  // Feet fixed to the floor: inverse dynamics balances any motion; the centre of pressure says
  // whether a person could (solvers/ground_reaction.hpp).
  fmt::print(out, "{}", cop_outside_line(r.ground.frames_outside_support(), r.frames()));
  print_range_limit_line(out, msm, r, q_min, q_max);
  print_postural_index_line(out, scenario, msm, r);
  fmt::print(out, "{}", most_active_line(most_active_muscles(msm, r, 5)));
}

}  // namespace dembones::cli
