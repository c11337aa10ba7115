#include "scenario/task_generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "scenario/pendulum_balance.hpp"
#include "solvers/ground_reaction.hpp"
#include "solvers/kinematic_series.hpp"

namespace dembones {

double minimum_jerk(double tau) {
  tau = std::min(std::max(tau, 0.0), 1.0);
  return tau * tau * tau * (10.0 + tau * (-15.0 + 6.0 * tau));
}

// Posture preferences, in the generator's clinical convention (positive = flexion / dorsiflexion).
// They are modelling choices that express each technique's instruction, not measured quantities:
// - stoop: "keep the knees straight": a strong pull of the knee toward 3° of flexion, hips and lumbar
//   spine free (van Dieën et al. 1999 define stoop lifting by nearly extended knees).
// - squat: "bend the knees, keep the back straight and the trunk upright": lumbar flexion and trunk
//   inclination penalised, knees free; balance then sets how far the trunk must lean.
// - semi_squat: halfway between the two: knees drawn toward 45° of flexion, back moderately upright.
TechniquePreset technique_preset(Technique technique, const TaskSpec& task) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  switch (technique) {
    case Technique::stoop: return {30.0, 3.0 * kDeg, 0.3, 0.3, 3.0, 0.0};
    case Technique::squat: return {0.1, 0.0, 0.3, 4.0, 0.3, 3.0};
    case Technique::semi_squat: return {3.0, 45.0 * kDeg, 0.3, 1.5, 1.0, 1.0};
    case Technique::custom: {
      auto w = [&](const char* k, double d) {
        const auto it = task.technique_weights.find(k);
        return it == task.technique_weights.end() ? d : it->second;
      };
      return {w("knee", 1.0), 0.0, w("hip", 0.3), w("lumbar", 1.0), w("ankle", 1.0), w("trunk_upright", 0.0)};
    }
  }
  return {1.0, 0.0, 0.3, 1.0, 1.0, 0.0};
}

namespace {

constexpr double kReachTolerance_m = 0.01;  // hands must be on the box within 1 cm
// Pull of each frame (per rad) toward the last frame continued at kSmoothVelocityShare of the last
// two frames' velocity: it damps jumps where balance or a joint limit engages without letting the hands
// lag (their weight is 1000 per m). It pulled toward the previous frame (a share of 0) until the
// motions were found to depend on the frame rate: that pull lags every joint behind its targets by
// about (weight / stiffness) x velocity x dt, a first-order error in dt that put the 15 kg stoop's
// peak L5/S1 compression at 3930, 3818, 3758 and 3728 N at 50, 100, 200 and 400 Hz (3696 N without
// the pull, at every rate). The lag scales with 1 - share: 0.8 gives 3750, 3722, 3709, 3703 N, and over
// lifts_1000.yaml every peak L5/S1 compression at 100 Hz within 0.8 % of its 200 Hz value (3.2 %
// before; tibiofemoral 4.0 % against 13 %) (tests/scenario/frame_rate_independence_test.cpp). A share
// of 1 (no lag) leaves a weakly held joint's frames free to continue any velocity: the forward bend's
// hips oscillated by degrees at 400 Hz. No pull at all is exact at every rate but left a fast lift's
// joints moving into its pause and a lift's centre of pressure off the feet in a frame. The price: the
// motions follow their targets more closely, more lifts get dynamic balance passes, and lifts_1000.yaml
// takes about 8 % longer (docs/performance.md).
constexpr double kSmoothWeight = 5.0;
constexpr double kSmoothVelocityShare = 0.8;
// Pull of the neck toward neutral (per rad): the head is carried in line with the trunk. With the
// default 0.5 of the other free joints the IK used the head as a counterweight for the balance band:
// holding a box at waist height with up to 10 kg flexed or extended the neck to the end of its range
// (+-90 deg; 5 kg: 74 deg, the lumbar spine at its extension limit and L5/S1 compression above the
// 20 kg hold's), and from 35 kg the reach swung through the neck into a jackknife (hips 120 deg).
// With 3 the 5 kg hold still flexed it 37 deg; from 10 it stays within 0.1 deg of neutral and the
// holds from 0 to 80 kg change posture smoothly (tests/scenario/hold_posture_test.cpp). The lifts
// barely use the neck (2.5 deg at most before): their peaks move by under 0.1 %, a sit-to-stand by 1 %.
constexpr double kNeckWeight = 10.0;
// Step size (rad) at which an IK solve stops: every posture of the motion and the end of each
// continuation is converged to 1e-8 rad (the step then computed, below 1e-8 rad, is what is left);
// the intermediate steps of a continuation only guide the posture to the right minimum and stop at
// 1e-5 rad (the next step starts from there), which leaves the motions as close to the fully
// converged IK as before (to 1e-7 rad, median, over stoop, squat and semi-squat lifts of two
// statures) and saves a third of the IK time. 1e-8 rather than 1e-10 saves about 7 % of prepare_run
// (a Levenberg-Marquardt iteration on most frames): over the 1,000 lifts of lifts_1000.yaml every
// summary peak stays within 8.4e-6 (relative) of the 1e-10 motions, at the same frame (10,000
// lifts: within 9.7e-6, 8 of 220,000 peak times one frame off, on plateaus); the
// validation and study reports keep their printed digits but for one refused seat-off posture's
// reached hip angle (99.0 -> 98.9 deg). 1e-7 moved a peak by a frame.
constexpr double kPostureTolerance_rad = 1e-8;
constexpr double kContinuationTolerance_rad = 1e-5;
// First Levenberg-Marquardt damping of a solve. The frames of the motion start next to their
// solution (extrapolated, and pulled toward the previous frame) and take a nearly undamped first step;
// 1e-3 there spent a quarter of all IK iterations unwinding the damping. Continuation steps keep 1e-3:
// with less they land in other local minima (hands that then cannot reach the box).
constexpr double kStartDamping = 1e-3;
constexpr double kFrameStartDamping = 1e-6;
// A continuation step that starts from the predicted posture (the second and later) starts next to
// its solution too: 1e-5 there saves about a tenth of the IK iterations and lands in the same minima
// (the 10,000 lifts of lifts_10000.yaml: none fails, as with 1e-3; peak L5/S1 compression within
// 3.2e-4 %, every peak within 4.2e-3 %; docs/performance.md "Sweeps"). The first step, from an
// unpredicted start, keeps 1e-3.
constexpr double kPredictedStartDamping = 1e-5;
// Continuation steps to each end posture of a lift or lower (40 before). With the secant predictor
// and the small start damping above, 30 steps reach the same minima as 40 over the 10,000 lifts of
// lifts_10000.yaml (none fails; docs/performance.md "Sweeps" gives the peak differences). 20 steps
// did not: 6 tall squatters (1.85-1.89 m) ended in a posture whose hands stay 52-54 cm from the box
// (the other 9,994 within 8e-3 %); 10 steps changed an L4/L5 shear peak 7x on a 400-lift grid.
constexpr int kLiftContinuationSteps = 30;
// Pull toward the interpolated posture of a lift or lower (per rad): firm enough that the joints move
// together, weak against the hands' 1000 per m.
constexpr double kPathPostureWeight = 3.0;
// Pull toward the joint-space straight line between the end postures of a sit-to-stand or
// stand-to-sit (per rad): as firm as the hands' 1000 per m, so the posture follows the line to
// within a fraction of a degree and only the balance band (1000 per m outside it) can move it.
constexpr double kJointPathWeight = 1000.0;
// Pull of the prescribed seat-off angles (trunk inclination, lumbar flexion; per rad): as the forward
// bend's trunk target, strong enough to hold them against the technique preferences.
constexpr double kSeatOffPostureWeight = 100.0;
// Pull of the hanging arms in a forward bend (per rad): as the bend's trunk target (100), so that the
// balance band moves the hips and ankles rather than swinging the arms back.
constexpr double kArmsHangWeight = 100.0;
// Upright standing's hanging arms: the upper arm vertical to within 0.1 deg, in at most 6 solves.
constexpr double kArmsHangTolerance_rad = 0.1 * 3.14159265358979323846 / 180.0;
constexpr int kArmsHangPasses = 6;
// The hip joint centre at seat-off must reach the chair (chair_height_m + hip_above_seat_m) within this.
constexpr double kSeatOffHipTolerance_m = 0.01;

// A prescribed seat-off joint angle (task.seat_off_hip_deg, _knee_deg, _ankle_deg) must be reached
// within this, or the run stops naming the field: the hip height, the trunk angles and the balance band
// then ask for another posture (the request is inconsistent for this subject and chair).
constexpr double kSeatOffAngleTolerance_rad = 1.0 * 3.14159265358979323846 / 180.0;

// Pull of a prescribed low-point angle of a lift or lower (task.low_point_knee_deg, _hip_deg,
// _trunk_inclination_deg; per rad): as the seat-off angles', firm against the technique's preferences
// (0.1-30 per rad) yet weaker than the hands (1000 per m) and the balance band's edge (1000 per m), so
// that when the box and balance ask for another posture it is the angle that gives way, and the check
// below names it with the angle reached.
constexpr double kLowPointPostureWeight = 100.0;
// A prescribed low-point angle must be held within this (as a seat-off angle), or the run stops.
constexpr double kLowPointAngleTolerance_rad = 1.0 * 3.14159265358979323846 / 180.0;

struct Generator {
  const Model& model;
  const TaskRig& rig;
  const TaskSpec& task;
  std::string file;
  PostureSolver solver;
  VecX theta, prev;
  GeneratedMotion out;
  int recorded = 0;  // frames recorded in out
  VecX q_record;     // (nq) scratch of record()
  double support_lo, support_hi;
  // The frame the hands are farthest from their target: its posture, time and balance band, so that
  // "the hands cannot reach" can name what stopped them (a joint at its limit, the balance band).
  struct WorstReach {
    VecX theta;
    double time = 0.0, com_x = 0.0, com_lo = 0.0, com_hi = 0.0;
  } worst_reach;
  // Per-frame world x the centre of mass (body and load) is held at during the movement, in place of
  // the band (NaN or absent: the band); the dynamic balance passes (generate_task_motion).
  const VecX* com_target = nullptr;
  double trunk_inclination_standing = 0.0;  // rad, of the standing posture solved first (step 1)
  double shoulder_hanging = 0.0;  // the shoulder variable with the upper arm vertical in standing (step 1)
  bool hands_free = true;         // no box in the hands: the arms' preference is to hang (shoulder_hanging)

  Generator(const Model& m, const TaskRig& r, const TaskSpec& t, std::string f)
      : model(m), rig(r), task(t), file(std::move(f)), solver(m, r) {
    theta = VecX::Zero(r.nvars());
    prev = theta;
    support_lo = std::min(r.heel_x, r.toe_x);
    support_hi = std::max(r.heel_x, r.toe_x);
  }

  // Targets with the standing preferences: everything near neutral, arms hanging.
  PostureTargets base_targets(const TechniquePreset& p) const {
    PostureTargets t;
    const int n = rig.nvars();
    t.preferred = VecX::Zero(n);
    t.weights = VecX::Constant(n, 0.5);
    auto set = [&](int var, double w, double pref) {
      if (var < 0) return;
      t.weights(var) = w;
      t.preferred(var) = pref;
    };
    set(rig.knee, p.knee_weight, p.knee_preferred);
    set(rig.hip, p.hip_weight, 0.0);
    set(rig.lumbar, p.lumbar_weight, 0.0);
    set(rig.ankle, p.ankle_weight, 0.0);
    // Free hands hang (step 1 of make_plan); hands on a box keep the neutral preference.
    set(rig.shoulder, 0.3, hands_free ? shoulder_hanging : 0.0);
    set(rig.elbow, 0.3, 0.0);
    set(rig.neck, kNeckWeight, 0.0);
    // "Upright" is the trunk's inclination in the subject's own upright standing, not 0: the trunk body's
    // frame need not be vertical when the subject stands (the lifter's torso frame, Christophy et al.
    // 2012's thorax, leans about 1 deg forward in standing balanced at the ankles, and leaned 15 deg
    // when standing bent at the hips; a target of 0 then pulled the trunk 15 deg behind standing).
    if (p.trunk_upright_weight > 0) {
      t.trunk_inclination = trunk_inclination_standing;
      t.trunk_weight = p.trunk_upright_weight;
    }
    // Keep the centre of mass over the middle half of the feet, a margin inside the base of support.
    const double len = support_hi - support_lo;
    t.com_lo = support_lo + 0.25 * len;
    t.com_hi = support_hi - 0.25 * len;
    return t;
  }

  Eigen::Vector2d world_point(const SagittalPoint& p) const {
    // Positions are forward of the ankle joint centre and above the floor (world y = 0).
    return {rig.ankle_W.x() + p.forward_m, p.height_m};
  }

  // `reference`: the posture the smoothness term pulls toward (default: prev).
  PostureResult solve(const PostureTargets& t, double smooth, double tol = kPostureTolerance_rad,
                      double damping = kStartDamping, const VecX* reference = nullptr) {
    PostureTargets tt = t;
    tt.smooth_weight = smooth;
    return solver.solve(tt, theta, reference != nullptr ? *reference : prev, tol, damping);
  }

  // Moves the posture from where it is to the targets `to` in `steps` small steps (continuation), so
  // large reaches do not end in a poor local minimum of the IK.
  // The preferred posture is phased in with the hands (from the current posture): pulled toward a
  // bent knee while the hands are still high, the IK tips the trunk backwards to keep its balance and
  // ends in a posture that cannot reach down (a semi-squat did).
  // A landmark line's inclination (t.line: a prescribed low-point trunk) is phased in the same way,
  // from the current posture's to the target's, and the held load from load_from_kg (when given) to
  // t.load_mass_kg.
  PostureResult move_hand_to(PostureTargets t, const Eigen::Vector2d& to, int steps, double load_from_kg = -1.0) {
    const double load_to_kg = t.load_mass_kg;
    if (load_from_kg < 0.0) load_from_kg = load_to_kg;
    const Vec3 h = hand_position();
    const Eigen::Vector2d from(h.x(), h.y());
    const VecX start = theta, preferred = t.preferred;
    const double line_from = t.line ? line_inclination_at(theta, *t.line) : 0.0;
    const double line_to = t.line ? t.line->inclination : 0.0;
    VecX before = theta;  // the posture two steps back
    PostureResult last;
    for (int i = 1; i <= steps; ++i) {
      const double s = double(i) / steps;
      t.hand = from + (to - from) * s;
      t.preferred = (1.0 - s) * start + s * preferred;
      t.load_mass_kg = (1.0 - s) * load_from_kg + s * load_to_kg;
      if (t.line) t.line->inclination = line_from + (line_to - line_from) * s;
      prev = theta;
      // Predictor (Allgower & Georg 1990, secant continuation): each step starts from the posture
      // extrapolated from the last two, as the frames of the motion do; the targets move by equal
      // steps, so it starts next to its solution. A quarter fewer IK iterations; the end postures are
      // converged to kPostureTolerance_rad as before.
      if (i >= 2) theta = 2.0 * theta - before;
      before = prev;
      last = solve(t, 0.0, i < steps ? kContinuationTolerance_rad : kPostureTolerance_rad,
                   i >= 2 ? kPredictedStartDamping : kStartDamping);
    }
    return last;
  }

  // Inclination of a landmark line at posture th (rad from vertical, positive forward).
  double line_inclination_at(const VecX& th, const LineInclinationTarget& line) const {
    Data d(model);
    VecX q;
    rig.to_configuration(th, q);
    forward_kinematics(model, d, q);
    return calc_line_inclination(d, line);
  }

  // How far the upper arm (shoulder joint centre to elbow joint centre, or to the hand in a model
  // without an elbow) leans back from vertical in posture th (rad, positive with the elbow behind the
  // shoulder): the shoulder flexion that makes the arm hang.
  double upper_arm_lean_back(const VecX& th) const {
    Data d(model);
    VecX q;
    rig.to_configuration(th, q);
    forward_kinematics(model, d, q);
    const Vec3 s = d.oMb[model.velocity_body[rig.vars[rig.shoulder].coords[0]]].translation;
    const Vec3 e = rig.elbow >= 0 ? d.oMb[model.velocity_body[rig.vars[rig.elbow].coords[0]]].translation
                                  : d.oMb[rig.hand_body].act(rig.hand_point_B);
    return std::atan2(s.x() - e.x(), s.y() - e.y());
  }

  Vec3 hand_position() {
    Data d(model);
    VecX q;
    rig.to_configuration(theta, q);
    forward_kinematics(model, d, q);
    return d.oMb[rig.hand_body].act(rig.hand_point_B);
  }

  // Sizes the motion's arrays for `frames` frames once (growing them frame by frame copied the whole
  // motion at every frame: quadratic in the frames).
  void begin_frames(int frames) {
    out.time.resize(frames);
    out.q.resize(frames, model.nq);
    out.hand_target.resize(frames, 2);
    out.com_x.resize(frames);
    recorded = 0;
  }

  void record(double time, const PostureResult& r, const PostureTargets& t) {
    const int f = recorded++;
    if (f >= out.time.size()) throw InternalError("task generator: more frames recorded than sized");
    out.time(f) = time;
    rig.to_configuration(theta, q_record);
    out.q.row(f) = q_record.transpose();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    out.hand_target.row(f) = t.hand ? t.hand->transpose() : Eigen::RowVector2d(nan, nan);
    out.com_x(f) = r.com_x;
    if (r.hand_error_m > out.max_hand_error_m) worst_reach = {theta, time, r.com_x, t.com_lo, t.com_hi};
    out.max_hand_error_m = std::max(out.max_hand_error_m, r.hand_error_m);
    out.max_hip_error_m = std::max(out.max_hip_error_m, r.hip_error_m);
    if (r.com_x < support_lo || r.com_x > support_hi) out.frames_outside_support.push_back(f);
  }
};

int frame_count(double seconds, double rate_hz) { return static_cast<int>(std::lround(seconds * rate_hz)); }

// A seat-off joint angle the scenario prescribes: posture variable, its target θ, the task field.
struct SeatOffJoint {
  int var;
  double theta;
  double angle_rad;  // as the scenario gives it (clinical convention)
  const char* field;
};

// The variable's clinical angle at θ = 0: q_offset of its (first) coordinate over its ratio.
double clinical_offset(const TaskRig& rig, int var) {
  const PostureVariable& v = rig.vars[var];
  return rig.q_offset(v.coords[0]) / v.ratios[0];
}

// What stops the hands short of the box in the worst frame: the posture variables within half a
// degree of a range limit (clinical angles, as the model file gives the ranges) and the centre of mass
// at an edge of the balance band. An empty answer means neither binds (the arms' length does).
std::string what_limits_the_reach(const Model& model, const TaskRig& rig, const Generator::WorstReach& w) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  constexpr double kAtLimit_rad = 0.5 * kDeg;
  constexpr double kAtEdge_m = 1e-3;
  std::vector<std::string> parts;
  for (int k = 0; k < rig.nvars() && k < w.theta.size(); ++k) {
    const PostureVariable& v = rig.vars[k];
    const bool at_lower = w.theta(k) <= v.lower + kAtLimit_rad, at_upper = w.theta(k) >= v.upper - kAtLimit_rad;
    if (!at_lower && !at_upper) continue;
    const int c = at_lower ? v.lower_coord : v.upper_coord;
    const double off = clinical_offset(rig, k);
    parts.push_back(fmt::format("the {} at {:.1f} deg of flexion, the end of its range{}",
                                v.name == "lumbar" ? "lumbar spine" : v.name,
                                (w.theta(k) + off) / kDeg,
                                c >= 0 ? fmt::format(" (set by {}'s range)", model.coordinate_names[c]) : ""));
  }
  if (w.com_x >= w.com_hi - kAtEdge_m)
    parts.push_back("the centre of mass at the front of the balance band (the middle half of the feet)");
  else if (w.com_x <= w.com_lo + kAtEdge_m)
    parts.push_back("the centre of mass at the back of the balance band (the middle half of the feet)");
  if (parts.empty()) return "";
  std::string s = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) s += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return s;
}

std::vector<SeatOffJoint> seat_off_joints(const TaskRig& rig, const TaskSpec& task, const std::string& file) {
  std::vector<SeatOffJoint> out;
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  auto add = [&](int var, const std::optional<double>& angle, const char* field) {
    if (!angle) return;
    if (var < 0) throw InputError(Location{file, 0, 0, field}, "the model has no such joint for the task generator");
    const double theta = *angle - clinical_offset(rig, var);
    const PostureVariable& v = rig.vars[var];
    if (theta < v.lower || theta > v.upper)
      throw InputError(Location{file, 0, 0, field},
                       fmt::format("expected an angle within the model's joint range, {:.1f} to {:.1f} deg, got {:.1f}",
                                   (v.lower + clinical_offset(rig, var)) / kDeg,
                                   (v.upper + clinical_offset(rig, var)) / kDeg, *angle / kDeg));
    out.push_back({var, theta, *angle, field});
  };
  add(rig.hip, task.seat_off_hip_flexion_rad, "task.seat_off_hip_deg");
  add(rig.knee, task.seat_off_knee_flexion_rad, "task.seat_off_knee_deg");
  add(rig.ankle, task.seat_off_ankle_dorsiflexion_rad, "task.seat_off_ankle_deg");
  return out;
}

// The prescribed angles compete with the hip height (chair), the trunk angles and the balance band;
// a request they cannot all meet stops the run instead of silently giving another posture.
// With a seat-off velocity (dynamic) the band holds the extrapolated centre of mass (seat_off_band_shift_m).
void check_seat_off_joints(const std::vector<SeatOffJoint>& joints, const VecX& theta, const std::string& file,
                           bool dynamic) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  for (const SeatOffJoint& j : joints)
    if (std::abs(theta(j.var) - j.theta) > kSeatOffAngleTolerance_rad)
      throw InputError(Location{file, 0, 0, j.field},
                       fmt::format("the seat-off posture cannot have {:.1f} deg here: with the hips at the chair "
                                   "height, the seat-off trunk angles and the {} over the feet it "
                                   "reaches {:.1f} deg (change the chair height, the other seat-off angles or this one)",
                                   j.angle_rad / kDeg,
                                   dynamic ? "extrapolated centre of mass (with the seat-off velocity)" : "centre of mass",
                                   (j.angle_rad + theta(j.var) - j.theta) / kDeg));
}

// The trunk's landmark line, from the hip joint centre to the shoulder joint centre (the upper arm's
// origin, on the torso), as kinematics studies measure a trunk angle between landmarks; none in a
// model without a shoulder.
std::optional<LineInclinationTarget> hip_shoulder_line(const Model& model, const TaskRig& rig, double weight) {
  if (rig.shoulder < 0) return std::nullopt;
  LineInclinationTarget l;
  l.body_a = rig.hip_body;
  l.p_a_B = rig.hip_point_B;
  l.body_b = model.velocity_body[rig.vars[rig.shoulder].coords[0]];
  l.weight = weight;
  return l;
}

// ---- Prescribed low point of a lift or lower (task.low_point_knee_deg, _hip_deg, _trunk_inclination_deg) ----
// A measured lifting posture (e.g. the knee angle and trunk inclination at the peak spinal load) held at
// the low point, where the hands are at `start`; the joints not prescribed follow from the technique's
// weights, the hands on the box and the balance band, as without the fields. All three are well posed
// together: with the knee and the hip given, the trunk line fixes the lumbar flexion, and the ankle and
// the arms remain to put the hands on the box and the centre of mass over the feet; whether they can
// is checked after the solve (check_low_point), not assumed.

struct LowPointJoint {
  int var;
  double theta;      // the posture variable's target
  double angle_rad;  // as the scenario gives it (clinical convention)
  Location where;
};

struct LowPoint {
  std::vector<LowPointJoint> joints;
  std::optional<LineInclinationTarget> trunk;  // the hip-shoulder line at the prescribed inclination
  Location trunk_where;
  bool any() const { return !joints.empty() || trunk.has_value(); }
  // The field to name when the prescribed posture as a whole cannot put the hands on the box.
  const Location& first_where() const { return joints.empty() ? trunk_where : joints.front().where; }
};

LowPoint low_point_request(const Model& model, const TaskRig& rig, const TaskSpec& task) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  LowPoint out;
  auto add = [&](int var, const std::optional<PrescribedAngle>& a) {
    if (!a) return;
    if (var < 0) throw InputError(a->where, "the model has no such joint for the task generator");
    const double theta = a->rad - clinical_offset(rig, var);
    const PostureVariable& v = rig.vars[var];
    if (theta < v.lower || theta > v.upper)
      throw InputError(a->where,
                       fmt::format("expected an angle within the model's joint range, {:.1f} to {:.1f} deg, got {:.1f}",
                                   (v.lower + clinical_offset(rig, var)) / kDeg,
                                   (v.upper + clinical_offset(rig, var)) / kDeg, a->rad / kDeg));
    out.joints.push_back({var, theta, a->rad, a->where});
  };
  add(rig.knee, task.low_point_knee_flexion);
  add(rig.hip, task.low_point_hip_flexion);
  if (task.low_point_trunk_inclination) {
    out.trunk_where = task.low_point_trunk_inclination->where;
    out.trunk = hip_shoulder_line(model, rig, kLowPointPostureWeight);
    if (!out.trunk)
      throw InputError(out.trunk_where, "the model has no shoulder: the trunk's hip-to-shoulder line is not defined");
    out.trunk->inclination = task.low_point_trunk_inclination->rad;
  }
  return out;
}

// The technique's low-point targets with the prescribed angles: each one replaces the technique's
// preference for that joint, and a prescribed trunk replaces the squat's "keep the trunk upright".
PostureTargets low_point_targets(PostureTargets t, const LowPoint& lp) {
  for (const LowPointJoint& j : lp.joints) {
    t.preferred(j.var) = j.theta;
    t.weights(j.var) = kLowPointPostureWeight;
  }
  if (lp.trunk) {
    t.line = lp.trunk;
    t.trunk_inclination.reset();
    t.trunk_weight = 0.0;
  }
  return t;
}

// Whether the posture misses a prescribed low-point joint angle (the trunk line is checked by
// check_low_point; a missed angle alone triggers the second reach through the stoop's posture).
bool low_point_missed(const LowPoint& lp, const VecX& theta) {
  for (const LowPointJoint& j : lp.joints)
    if (std::abs(theta(j.var) - j.theta) > kLowPointAngleTolerance_rad) return true;
  return false;
}

// The prescribed angles compete with the hands on the box, the joint ranges and the balance band; a
// request they cannot all meet stops the run naming the field and the angle reached, instead of
// silently giving another posture. hand_error_m: the hands' distance from the box at the low point.
void check_low_point(const LowPoint& lp, const VecX& theta, double trunk_inclination, double hand_error_m) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  const char* why = "with the hands on the box (task.start), the joint ranges, the centre of mass over the feet "
                    "and the other prescribed low-point angles";
  for (const LowPointJoint& j : lp.joints)
    if (std::abs(theta(j.var) - j.theta) > kLowPointAngleTolerance_rad)
      throw InputError(j.where, fmt::format("the low point cannot have {:.1f} deg here: {} it reaches {:.1f} deg "
                                            "(move the box, or change this angle or the others)",
                                            j.angle_rad / kDeg, why, (j.angle_rad + theta(j.var) - j.theta) / kDeg));
  if (lp.trunk && std::abs(trunk_inclination - lp.trunk->inclination) > kLowPointAngleTolerance_rad)
    throw InputError(lp.trunk_where, fmt::format("the low point cannot have the trunk at {:.1f} deg here: {} it "
                                                 "reaches {:.1f} deg (move the box, or change this angle or the others)",
                                                 lp.trunk->inclination / kDeg, why, trunk_inclination / kDeg));
  if (hand_error_m > kReachTolerance_m)
    throw InputError(lp.first_where(), fmt::format("with the prescribed low-point angles the hands cannot reach the "
                                                   "box: they stay {:.1f} cm from it (move the box or change the angles)",
                                                   100.0 * hand_error_m));
}

// ---- Dynamic seat-off (task.seat_off_com_velocity_forward_m_s / _up_m_s) ----
// A rise at natural speed leaves the seat with the centre of mass moving forward and up: the
// "momentum transfer" strategy, in which horizontal momentum developed in the trunk carries the body
// up (Hughes et al. 1994, "Chair rise strategies in the elderly", Clin Biomech 9:187-192, abstract:
// its centre-of-mass-to-base-of-support separation differs from that of the "stabilization"
// strategy, which uses very little momentum; in functionally impaired elderly that separation at
// lift-off is a measured quantity, "Chair rise strategy in the functionally impaired elderly", J
// Rehabil Res Dev 1996, 33:409-412, abstract). The horizontal momentum peaks when the propulsive
// horizontal impulse turns into a braking one (Pai & Rogers 1990, Med Sci Sports Exerc 22:378-384,
// abstract), after which the forward motion is braked: the centre of pressure lies ahead of the
// centre of mass, which may start behind the static balance band. No readable source gave the
// velocity's size at seat-off; the scenario gives it.

// The task field that names a seat-off velocity request (for errors): the forward one when given.
const char* seat_off_velocity_field(const TaskSpec& task) {
  return task.seat_off_com_velocity_forward_m_s ? "task.seat_off_com_velocity_forward_m_s"
                                                : "task.seat_off_com_velocity_up_m_s";
}

bool has_seat_off_velocity(const TaskSpec& task) {
  return task.seat_off_com_velocity_forward_m_s.has_value() || task.seat_off_com_velocity_up_m_s.has_value();
}

// World (x, y) of the centre of mass at posture θ and its Jacobian with respect to the posture
// variables, d(x, y)/dθ (2 × nvars): the model's centre-of-mass Jacobian through q = q_offset + T θ.
struct ComAtPosture {
  Eigen::Vector2d p_W;
  MatX J_theta;  // (2 × nvars)
};

ComAtPosture calc_com_at_posture(const Model& model, const TaskRig& rig, const VecX& theta) {
  Data d(model);
  VecX q;
  rig.to_configuration(theta, q);
  const Matrix3Xd& J = center_of_mass_jacobian(model, d, q);
  ComAtPosture out;
  out.p_W = d.com.head<2>();
  out.J_theta = MatX::Zero(2, rig.nvars());
  for (int k = 0; k < rig.nvars(); ++k)
    for (size_t i = 0; i < rig.vars[k].coords.size(); ++i)
      out.J_theta.col(k) += rig.vars[k].ratios[i] * J.block(0, rig.vars[k].coords[i], 2, 1);
  return out;
}

// How far behind the static balance band the seat-off centre of mass may be for a forward velocity
// v (m/s): v / ω0, ω0 = sqrt(g / l), the "extrapolated centre of mass" x + v·sqrt(l/g) of an inverted
// pendulum (Hof, Gazendam & Sinke 2005, J Biomech 38:1-8, abstract: the condition for dynamic
// stability is that it lies within the base of support). Hof takes l as the leg length; here the
// pendulum is the seated-off body over the ankles, so l is the centre of mass's height above the ankle
// joint centre at the posture θ. The band keeps its margin: the extrapolated centre of mass over the
// middle half of the feet, as the centre of mass at rest.
double seat_off_band_shift_m(const Model& model, const TaskRig& rig, const TaskSpec& task, const VecX& theta) {
  if (!task.seat_off_com_velocity_forward_m_s) return 0.0;
  const double l = calc_com_at_posture(model, rig, theta).p_W.y() - rig.ankle_W.y();
  if (!(l > 0.0)) throw InternalError("task generator: the centre of mass is not above the ankles at seat-off");
  return *task.seat_off_com_velocity_forward_m_s / std::sqrt(-model.gravity.y() / l);
}

// The posture velocity (rad/s per variable) at seat-off that gives the centre of mass the prescribed
// velocity components: the smallest one over the knee and ankle variables, θ' = Jᵀ (J Jᵀ)⁻¹ v with J
// the rows of the prescribed components (with both components given, the one solution). The hip,
// the lumbar spine and the arms are at rest at seat-off: a modelling choice, the trunk's forward lean
// ending there (the measured seat-off angles the scenarios take, Farquhar et al. 2009's, are the
// peak hip and knee flexion of the rise, where the hip's velocity is zero) while the legs carry the
// body forward over the feet (the shank rotating forward at the ankle, the knee extending). Letting
// the hip share it flexed the hip further at seat-off, past the model's range on the 45 cm chair.
// Throws naming the field when the posture cannot move the centre of mass that way.
VecX seat_off_posture_velocity(const Model& model, const TaskRig& rig, const TaskSpec& task, const VecX& theta,
                               const std::string& file) {
  const ComAtPosture com = calc_com_at_posture(model, rig, theta);
  std::vector<int> rows;
  std::vector<double> v;
  if (task.seat_off_com_velocity_forward_m_s) {
    rows.push_back(0);
    v.push_back(*task.seat_off_com_velocity_forward_m_s);
  }
  if (task.seat_off_com_velocity_up_m_s) {
    rows.push_back(1);
    v.push_back(*task.seat_off_com_velocity_up_m_s);
  }
  MatX J = MatX::Zero(static_cast<Eigen::Index>(rows.size()), rig.nvars());
  for (size_t r = 0; r < rows.size(); ++r)
    for (int var : {rig.ankle, rig.knee})
      if (var >= 0) J(static_cast<Eigen::Index>(r), var) = com.J_theta(rows[r], var);
  const MatX JJt = J * J.transpose();
  const Eigen::LDLT<MatX> ldlt(JJt);
  // The two rows must be independent: a posture whose knee and ankle move the centre of mass only
  // along one line cannot take an arbitrary velocity (a reciprocal condition number below 1e-6).
  const double cond_inv = JJt.size() ? ldlt.rcond() : 0.0;
  if (!(cond_inv > 1e-6))
    throw InputError(Location{file, 0, 0, seat_off_velocity_field(task)},
                     "the seat-off posture's knee and ankle cannot give the centre of mass this velocity (they "
                     "move it along one line only)");
  const Eigen::Map<const VecX> v_W(v.data(), static_cast<Eigen::Index>(v.size()));
  return J.transpose() * ldlt.solve(v_W);
}

// Velocity blend of the joint-space path: g(0) = 0, g'(0) = 1, g''(0) = 0, g(1) = g'(1) = g''(1) = 0.
// The quintic through those six conditions: g(τ) = τ − 6τ³ + 8τ⁴ − 3τ⁵. Added to the minimum-jerk
// line, θ(τ) = θ0 + (θ1 − θ0) s(τ) + V g(τ) starts with the velocity V (per unit τ) and zero
// acceleration and ends at rest, with the line's end conditions otherwise unchanged (both terms are
// quintics: the path is the minimum-jerk trajectory between those end states, Flash & Hogan 1985).
double start_velocity_blend(double tau) {
  tau = std::min(std::max(tau, 0.0), 1.0);
  return tau * (1.0 + tau * tau * (-6.0 + tau * (8.0 - 3.0 * tau)));
}

}  // namespace

namespace {

void check_seat_off_motion(const Model& model, const TaskRig& rig, const TaskSpec& task, const GeneratedMotion& m,
                           const std::function<PostureTargets(double)>& path, int first_move_frame, int n_move,
                           const KinematicSettings& kinematics, const std::string& file);

// Steps 1 and 2 of a generation (upright standing, the task's end postures and its target path), kept
// so that the frames can be generated again with a centre-of-mass target (the dynamic balance passes)
// without solving them again: they are three fifths of a lift's generation. The path captures copies
// of its targets and references to the caller's model, rig and task only.
struct TaskPlan {
  std::unique_ptr<Generator> g;
  std::function<PostureTargets(double)> at;
  VecX theta_start;  // the posture the frames start from
  int n_move = 2, n_pause_before = 0, n_pause_after = 0;
  bool path_in_time = false;      // the task's path takes the normalised time τ, not the timing profile's s(τ)
  bool seat_off_dynamic = false;  // a sit-to-stand or stand-to-sit with a seat-off velocity
  const char* field = "task";
  double rate_hz = 100.0;
  KinematicSettings kinematics;  // how the run will filter and differentiate the frames (the balance checks use it)
};

// Steps 1 and 2 of a generation.
TaskPlan make_plan(const Model& model, const TaskRig& rig, const TaskSpec& task, const KinematicSettings& kinematics,
                   const std::string& scenario_file) {
  const double rate_hz = kinematics.rate_hz;
  if (model.nq != model.nv) throw InternalError("task generation needs a model without quaternion joints");
  if (rig.hand_body < 0 || rig.trunk_body < 0) throw InternalError("task rig without hand or trunk");
  TaskPlan plan;
  plan.g = std::make_unique<Generator>(model, rig, task, scenario_file);
  plan.rate_hz = rate_hz;
  plan.kinematics = kinematics;
  Generator& g = *plan.g;
  const int n_move = std::max(2, frame_count(task.duration_s, rate_hz) + 1);
  const int n_pause = frame_count(task.pause_s, rate_hz);
  int& n_pause_before = plan.n_pause_before;
  int& n_pause_after = plan.n_pause_after;
  n_pause_before = n_pause_after = n_pause;
  plan.n_move = n_move;
  bool& path_in_time = plan.path_in_time;
  bool& seat_off_dynamic = plan.seat_off_dynamic;

  // 1. Upright standing, the start of every generated task. Quiet standing balances at the ankles:
  // the body sways as one inverted pendulum about them (the ankle strategy, Winter 1995, Gait Posture
  // 3:193-214), so the hips and the lumbar spine are held near neutral (Christophy et al. 2012's
  // standing spine on the pelvis at its neutral tilt), the knees nearly straight, and the ankles put
  // the centre of mass over the middle of the feet. With the stoop's weights instead (hips and lumbar
  // spine free, ankles held) the balance band was met by bending the trunk forward 16 deg (hips 11,
  // lumbar spine 5): the C7 11 cm in front of the L5/S1 disc centre (an SVA of about 13 cm, where
  // asymptomatic adults stand within a few cm of 0) and 29 N m of L5/S1 moment in "relaxed" standing
  // (tests/scenario/standing_posture_test.cpp).
  const bool has_box = task.type == TaskType::lift || task.type == TaskType::lower || task.type == TaskType::hold;
  const TechniquePreset stand_preset{30.0, 3.0 * std::numbers::pi / 180.0, 3.0, 3.0, 0.3, 0.0};
  g.hands_free = false;
  // A task with a box reaches for it by continuation from a standing posture with the neutral
  // shoulder (the box places the hands) solved with the stoop's weights: the seed of the reach alone
  // (the motion starts at the box), kept because from the ankle-balanced standing the semi-squat's
  // reach fell into a branch with the hips and the lumbar spine at their extension limits and the
  // hands 48 cm short of a box on the floor; from this seed the lifts' low postures stay as they were.
  const VecX theta_zero = g.theta;
  VecX reach_seed;
  if (has_box) {
    g.solve(g.base_targets(technique_preset(Technique::stoop, task)), 0.0);
    reach_seed = g.theta;
    g.theta = theta_zero;
  }
  // A forward bend's load hangs in the hands from the start: standing balances it too.
  const double hanging_load_kg = task.type == TaskType::forward_bend ? task.box.mass_kg : 0.0;
  PostureTargets stand = g.base_targets(stand_preset);
  stand.load_mass_kg = hanging_load_kg;
  g.solve(stand, 0.0);
  // Relaxed arms hang vertically: the subject's upright standing is solved with the shoulder angle
  // that makes the upper arm vertical as its preference (the shoulder's zero puts the arm along the
  // torso frame): the start of the tasks with free hands and, for every task, the trunk inclination
  // that "upright" means.
  if (rig.shoulder >= 0) {
    g.hands_free = true;
    g.shoulder_hanging = g.theta(rig.shoulder);
    // The preference is weak (the other joints' pulls move the solution a little off it), so it is
    // moved by the remaining lean until the arm hangs to within kArmsHangTolerance_rad.
    for (int pass = 0; pass < kArmsHangPasses; ++pass) {
      const double lean = g.upper_arm_lean_back(g.theta);
      if (pass > 0 && std::abs(lean) < kArmsHangTolerance_rad) break;
      g.shoulder_hanging += lean / rig.vars[rig.shoulder].ratios[0];
      stand = g.base_targets(stand_preset);
      stand.load_mass_kg = hanging_load_kg;
      g.solve(stand, 0.0);
    }
  }
  g.trunk_inclination_standing = g.solver.evaluate(g.theta).trunk_inclination;
  if (has_box) {
    g.theta = reach_seed;
    g.hands_free = false;
  }
  const VecX theta_stand = g.theta;

  // 2. The task: a target path s ∈ [0, 1] → PostureTargets.
  const TechniquePreset preset = has_box ? technique_preset(task.technique, task) : stand_preset;
  PostureTargets base = g.base_targets(preset);
  base.load_mass_kg = has_box ? task.box.mass_kg : 0.0;
  Eigen::Vector2d from = Eigen::Vector2d::Zero(), to = Eigen::Vector2d::Zero();
  const char*& field = plan.field;
  std::function<PostureTargets(double)>& at = plan.at;
  switch (task.type) {
    case TaskType::lift:
    case TaskType::lower:
    case TaskType::hold: {
      const bool lower = task.type == TaskType::lower;
      from = g.world_point(lower ? task.end : task.start);
      to = g.world_point(lower ? task.start : task.end);
      field = task.type == TaskType::hold ? "task.position" : (lower ? "task.end" : "task.start");
      // The technique governs the low part of the task; as the box rises the posture relaxes into
      // upright standing (a lift ends standing whatever the technique).
      const PostureTargets upright = [&] {
        // "Stand up": every joint drawn gently toward neutral and the trunk toward vertical.
        PostureTargets u = g.base_targets(TechniquePreset{3.0, 0.0, 1.0, 1.0, 1.0, 1.0});
        u.load_mass_kg = base.load_mass_kg;
        return u;
      }();
      const bool low_first = task.type == TaskType::lift;
      const bool fixed = task.type == TaskType::hold;
      if (fixed) {
        at = [base, from](double) {
          PostureTargets t = base;
          t.hand = from;
          return t;
        };
        // The hands reach the box unloaded, then the box's mass is phased in with the hands on it:
        // reaching with the full mass already at the hands, from hands hanging at the sides, the
        // balance band pushed the reach of a 50 kg box into a jackknife (hips flexed 120 deg, the
        // lumbar spine fully flexed), where phasing the mass in keeps the subject standing to 80 kg.
        PostureTargets unloaded = base;
        unloaded.load_mass_kg = 0.0;
        // The reach is made twice, from the seed's straight arms and from the elbows flexed 90 deg,
        // and the posture of lower cost kept: from straight arms alone the reach of a box at waist
        // height could end leaning back with straight arms and the head as a counterweight (neck
        // 41 deg, lumbar spine at its extension limit) or with the elbows bent, whichever branch a
        // small change of the model (the T12/L1 share of the lumbar rhythm, 0.17 / 0.18 / 0.1843)
        // tipped it into (tests/scenario/hold_posture_test.cpp).
        const VecX seed = g.theta;
        auto reach = [&] {
          g.move_hand_to(unloaded, from, 40);
          return g.move_hand_to(base, from, 20, /*load_from_kg=*/0.0);
        };
        const PostureResult straight = reach();
        if (rig.elbow >= 0) {
          const VecX theta_straight = g.theta;
          g.theta = seed;
          const PostureVariable& elbow = rig.vars[rig.elbow];
          g.theta(rig.elbow) = std::clamp(0.5 * std::numbers::pi, elbow.lower, elbow.upper);
          const PostureResult bent = reach();
          if (straight.cost <= bent.cost) g.theta = theta_straight;
        }
        break;
      }
      // The two end postures: the technique's at the low point, upright standing at the high point,
      // each reached by continuation from standing. In between, the body moves as one: the preferred
      // posture slides from one end posture to the other in step with the box (joint-space
      // interpolation: a modelling choice, every joint moving over the whole lift rather than one
      // after another, which would ask for large late accelerations), and the IK keeps the hands on
      // the box path.
      const Eigen::Vector2d low = low_first ? from : to, high = low_first ? to : from;
      // A prescribed low point (task.low_point_*) is held there; without one the targets are the
      // technique's alone.
      const LowPoint low_point = low_point_request(model, rig, task);
      // A reach that ends short of the box, or off a prescribed low-point angle, may have fallen into
      // another branch of the IK (a semi-squat with an empty box stopped 30-44 cm short, hips and lumbar
      // spine extended, once T12/L1 was articulated; a squat asked for 45 deg of knee flexion ended
      // leaning back with the hips and the lumbar spine at their extension limits and the knees at 5
      // deg): it is made again through the stoop's posture at the box, from which the technique's
      // preferences are phased in, and the better of the two kept.
      auto reach_low = [&](const PostureTargets& targets, auto&& missed) {
        const PostureResult reached = g.move_hand_to(targets, low, kLiftContinuationSteps);
        if (!missed(reached) || task.technique == Technique::stoop) return;
        const VecX first = g.theta;
        PostureTargets via = g.base_targets(technique_preset(Technique::stoop, task));
        if (low_point.any()) via = low_point_targets(via, low_point);
        via.load_mass_kg = base.load_mass_kg;
        g.theta = theta_stand;
        g.move_hand_to(via, low, kLiftContinuationSteps);
        const PostureResult again = g.move_hand_to(targets, low, kLiftContinuationSteps);
        const bool better = low_point.any() ? again.cost < reached.cost : again.hand_error_m < reached.hand_error_m;
        if (!better) g.theta = first;
      };
      if (low_point.any()) {
        reach_low(low_point_targets(base, low_point), [&](const PostureResult& r) {
          return r.hand_error_m > kReachTolerance_m || low_point_missed(low_point, g.theta);
        });
        const Vec3 h = g.hand_position();
        check_low_point(low_point, g.theta,
                        low_point.trunk ? g.line_inclination_at(g.theta, *low_point.trunk) : 0.0,
                        (Eigen::Vector2d(h.x(), h.y()) - low).norm());
      } else {
        reach_low(base, [](const PostureResult& r) { return r.hand_error_m > kReachTolerance_m; });
      }
      const VecX theta_low = g.theta;
      g.move_hand_to(upright, high, kLiftContinuationSteps);
      const VecX theta_high = g.theta;
      const VecX& theta_from = low_first ? theta_low : theta_high;
      const VecX& theta_to = low_first ? theta_high : theta_low;
      g.theta = theta_from;
      at = [base, from, to, theta_from, theta_to](double s) {
        PostureTargets t = base;
        t.preferred = (1.0 - s) * theta_from + s * theta_to;
        t.weights = VecX::Constant(theta_from.size(), kPathPostureWeight);
        t.trunk_inclination.reset();
        t.trunk_weight = 0.0;
        t.hand = from + (to - from) * s;
        return t;
      };
      break;
    }
    case TaskType::stand:
      at = [stand](double) { return stand; };
      break;
    case TaskType::forward_bend: {
      field = "task.trunk_flexion_deg";
      // The flexion is the trunk's forward rotation from upright standing, as the measurements give it
      // (Wilke et al. 1999's "flexed forward 36 deg", Nachemson 1981's 20 deg lean), not an inclination of
      // the trunk body's frame: that frame may lean in standing (in the lifter 1 deg; 15 deg when standing
      // bent at the hips, where an absolute target made a 20 deg lean one of about 5 deg).
      const double start_incl = g.trunk_inclination_standing;
      // A bend is made at the hips and the lumbar spine, the knees straight and the ankles nearly still
      // (the stoop's weights), from upright standing (its posture the preference). With the standing
      // weights (hips and lumbar spine held, ankles free) the body first leaned forward at the ankles as
      // one piece until the balance band stopped it: the centre of pressure 0.13 m behind the heels,
      // then 0.9 m ahead of the toes, in 44 of the 36 deg bend's 251 frames.
      PostureTargets bend = g.base_targets(technique_preset(Technique::stoop, task));
      bend.preferred = theta_stand;
      bend.load_mass_kg = hanging_load_kg;  // in the centre of mass the balance band keeps over the feet
      at = [bend, start_incl, theta_stand, &task, &rig](double s) {
        PostureTargets t = bend;
        t.trunk_inclination = start_incl + task.trunk_flexion_rad * s;
        t.trunk_weight = 100.0;
        // Arms hang under gravity: the shoulder flexes as far as the trunk leans from standing. Held as
        // firmly as the trunk target: with the standing preference's weight the balance band swung
        // the arms back as a counterweight (36 deg of flexion: the hands 0.36 m behind the shoulders),
        // where a person keeps the centre of mass over the feet with the hips and ankles.
        if (rig.shoulder >= 0) {
          t.preferred(rig.shoulder) = theta_stand(rig.shoulder) + task.trunk_flexion_rad * s;
          t.weights(rig.shoulder) = kArmsHangWeight;
        }
        return t;
      };
      break;
    }
    case TaskType::sit_to_stand:
    case TaskType::stand_to_sit: {
      field = "task.chair_height_m";
      const Vec3 hip_stand = [&] {
        Data d(model);
        VecX q;
        rig.to_configuration(theta_stand, q);
        forward_kinematics(model, d, q);
        return d.oMb[rig.hip_body].act(rig.hip_point_B);
      }();
      // At seat-off the hip joint centre is above the seat by the thighs' thickness under it.
      const double seat = task.chair_height_m + task.hip_above_seat_m, up = hip_stand.y();
      const bool rising = task.type == TaskType::sit_to_stand;
      const bool dynamic = has_seat_off_velocity(task);
      PostureTargets sts = g.base_targets(technique_preset(Technique::semi_squat, task));
      // The seat-off posture, prescribed by its published angles (task_spec.hpp, Tully et al. 2005):
      // the trunk inclined forward by seat_off_trunk_inclination_rad, the lumbar spine making
      // seat_off_lumbar_share of the trunk's lean from standing (spread over the levels by the lumbar
      // rhythm) and the hips the rest. Knees and ankles follow from the hip height, the technique's
      // preferences and the balance band. Reached by continuation down from standing. Straight knees
      // and hips are a singular posture for lowering the hips (the hip height does not change to first
      // order with knee or hip flexion there), so the descent starts from a slightly bent one.
      // Tully et al.'s trunk is the whole trunk between landmarks, not the thorax: their lumbar spine
      // flexes while the thoracic spine extends, "resulting in" the lift-off trunk angle (abstract). So
      // the inclination is that of the line from the hip joint centre to the shoulder joint centre (the
      // upper arm's origin, on the torso), an exact target of the IK; the torso body's frame and that
      // line lean differently (in standing 1 deg forward and 4 deg back), and lumbar flexion turns the
      // two apart.
      // A model without a shoulder keeps the torso frame's inclination.
      const std::optional<LineInclinationTarget> trunk_line = hip_shoulder_line(model, rig, kSeatOffPostureWeight);
      const double incl_stand = [&] {
        if (!trunk_line) return g.solver.evaluate(theta_stand).trunk_inclination;
        Data d(model);
        VecX q;
        rig.to_configuration(theta_stand, q);
        forward_kinematics(model, d, q);
        return calc_line_inclination(d, *trunk_line);
      }();
      const double lean = task.seat_off_trunk_inclination_rad - incl_stand;
      const double lumbar_stand = rig.lumbar >= 0 ? theta_stand(rig.lumbar) : 0.0;
      // Prescribed seat-off joint angles (optional; task_spec.hpp), as targets of the posture
      // variables: θ = clinical angle − the variable's clinical offset (posture impairments shift it).
      const std::vector<SeatOffJoint> joints = seat_off_joints(rig, task, scenario_file);
      if (rig.knee >= 0) g.theta(rig.knee) = std::max(g.theta(rig.knee), 0.2);
      if (rig.hip >= 0) g.theta(rig.hip) = std::max(g.theta(rig.hip), 0.2);
      if (rig.ankle >= 0) g.theta(rig.ankle) = std::max(g.theta(rig.ankle), 0.1);
      PostureResult seat_off;  // the last continuation step's: the seat-off posture
      for (int i = 1; i <= 40; ++i) {
        const double s = i / 40.0;
        PostureTargets t = sts;
        t.hip_height = up + (seat - up) * s;
        if (trunk_line) {
          t.line = trunk_line;
          t.line->inclination = incl_stand + lean * s;
        } else {
          t.trunk_inclination = incl_stand + lean * s;
          t.trunk_weight = kSeatOffPostureWeight;
        }
        if (rig.lumbar >= 0) {
          t.preferred(rig.lumbar) = lumbar_stand + task.seat_off_lumbar_share * lean * s;
          t.weights(rig.lumbar) = kSeatOffPostureWeight;
        }
        for (const SeatOffJoint& j : joints) {
          t.preferred(j.var) = theta_stand(j.var) + (j.theta - theta_stand(j.var)) * s;
          t.weights(j.var) = kSeatOffPostureWeight;
        }
        // Dynamic seat-off: the balance band holds the extrapolated centre of mass, so the centre of
        // mass itself may lie behind it by v/ω0 (seat_off_band_shift_m; l from the current posture,
        // which the continuation moves by small steps).
        if (dynamic) {
          const double shift = s * seat_off_band_shift_m(model, rig, task, g.theta);
          t.com_lo -= shift;
          t.com_hi -= shift;
        }
        g.prev = g.theta;
        seat_off = g.solve(t, 0.0);
      }
      const VecX theta_seat = g.theta;
      check_seat_off_joints(joints, theta_seat, scenario_file, dynamic);
      // The hip joint centre at the chair: a chair lower than the joint ranges and the balance band let
      // the hips reach was run from a seat-off 7 cm higher, unsaid (extreme-inputs audit: 0.25 m).
      if (seat_off.hip_error_m > kSeatOffHipTolerance_m) {
        constexpr double kDeg = 3.14159265358979323846 / 180.0;
        auto clinical = [&](int var) { return var >= 0 ? (theta_seat(var) + clinical_offset(rig, var)) / kDeg : 0.0; };
        throw InputError(Location{scenario_file, 0, 0, "task.chair_height_m"},
                         fmt::format("the seat-off posture cannot bring the hip joint centre down to the chair: it stays "
                                     "{:.1f} cm from {:.3f} m (chair_height_m + hip_above_seat_m), with the knee at "
                                     "{:.0f} deg and the hip at {:.0f} deg of flexion (the joint ranges, the trunk angles "
                                     "and the balance band hold it there): a higher chair",
                                     100.0 * seat_off.hip_error_m, seat, clinical(rig.knee), clinical(rig.hip)));
      }
      const VecX theta_from = rising ? theta_seat : theta_stand, theta_to = rising ? theta_stand : theta_seat;
      g.theta = theta_from;
      // Dynamic seat-off: the path's velocity at seat-off (per unit τ: the rate times the duration);
      // the descent is the rise reversed in time, so it arrives with the opposite velocity. Inverse
      // dynamics of rigid bodies is symmetric under time reversal (M(q) q'' + C(q, q') q' + g(q): q''
      // and the terms quadratic in q' keep their sign), so a descent has the joint moments and centre
      // of pressure of the rise through the same postures, in reverse order.
      VecX v_from = VecX::Zero(theta_seat.size()), v_to = v_from;
      if (dynamic) {
        const VecX rate = seat_off_posture_velocity(model, rig, task, theta_seat, scenario_file);
        (rising ? v_from : v_to) = (rising ? 1.0 : -1.0) * task.duration_s * rate;
      }
      // Between the two end postures every joint moves on the straight line in joint space with the
      // minimum-jerk profile: the minimum angle-jerk trajectory between two postures at rest, which
      // resembles the measured joint angles of sit-to-stand and back-to-sit (Yamasaki, Nakamura &
      // Nagasaki 2014, J Biomed Sci Eng 7(7), doi 10.4236/jbise.2014.77041, abstract: minimum
      // angle-jerk trajectories through a via-posture near seat-off). The hip height is not a target
      // on the way: it was, with a minimum-jerk profile of its own, but near the straight knee the
      // hip height hardly changes with knee angle (dh/dθ_knee → 0), so the knee extended its last
      // 11 deg in 0.16 s with a -13.5 rad/s² spike and the centre of pressure left the toes (1.5 s
      // rise; 13 frames at 1.0 s). The balance band stays a target (the straight line is left only
      // where the centre of mass would leave the middle half of the feet).
      // With a dynamic seat-off the path is the minimum-jerk line plus the start (or end) velocity's
      // quintic (start_velocity_blend), a function of the normalised time τ itself, and the joint
      // accelerations at seat-off are zero: the pipeline's natural-spline ends give q'' = 0 at the
      // first and last frame anyway (so a start acceleration would not reach the run), which takes
      // seat-off at the horizontal momentum's peak (Pai & Rogers 1990 place the peak where the
      // propulsive impulse turns into a braking one; when that is relative to seat-off is not in
      // their abstract).
      // The static balance band is not a target on the way (the centre of mass may start behind it);
      // the centre of pressure of the generated motion is checked instead (below, after the frames).
      if (dynamic) {
        if (task.profile != TimingProfile::minimum_jerk)
          throw InputError(Location{scenario_file, 0, 0, "task.profile"},
                           "expected minimum_jerk with a seat-off velocity (task.seat_off_com_velocity_*): the path "
                           "from a moving seat-off is the minimum-jerk quintic, got linear");
        path_in_time = true;
        seat_off_dynamic = true;
        (rising ? n_pause_before : n_pause_after) = 0;  // no still time at a moving seat-off
        at = [sts, theta_from, theta_to, v_from, v_to](double tau) {
          PostureTargets t = sts;
          t.preferred = theta_from + (theta_to - theta_from) * minimum_jerk(tau) + v_from * start_velocity_blend(tau) -
                        v_to * start_velocity_blend(1.0 - tau);
          t.weights = VecX::Constant(theta_from.size(), kJointPathWeight);
          t.trunk_inclination.reset();
          t.trunk_weight = 0.0;
          t.com_lo = -1e9;
          t.com_hi = 1e9;
          return t;
        };
        break;
      }
      at = [sts, theta_from, theta_to](double s) {
        PostureTargets t = sts;
        t.preferred = (1.0 - s) * theta_from + s * theta_to;
        t.weights = VecX::Constant(theta_from.size(), kJointPathWeight);
        t.trunk_inclination.reset();
        t.trunk_weight = 0.0;
        return t;
      };
      break;
    }
    case TaskType::motion_file:
      throw InternalError("motion_file tasks are read, not generated");
  }

  plan.theta_start = g.theta;
  return plan;
}

// Step 3, the frames: pause, movement with the timing profile, pause; with a centre-of-mass target
// (com_target: per frame, NaN or absent where the band holds) in the movement's frames.
GeneratedMotion generate_frames(TaskPlan& plan, const VecX* com_target) {
  Generator& g = *plan.g;
  const Model& model = g.model;
  const TaskRig& rig = g.rig;
  const TaskSpec& task = g.task;
  const std::string& scenario_file = g.file;
  const double rate_hz = plan.rate_hz, dt = 1.0 / rate_hz;
  const int n_move = plan.n_move, n_pause_before = plan.n_pause_before, n_pause_after = plan.n_pause_after;
  const bool path_in_time = plan.path_in_time;
  const std::function<PostureTargets(double)>& at = plan.at;
  g.out = GeneratedMotion{};
  g.theta = plan.theta_start;
  auto profile = [&](int i) {
    const double tau = double(i) / (n_move - 1);
    return task.profile == TimingProfile::minimum_jerk ? minimum_jerk(tau) : tau;
  };
  double time = 0.0;
  PostureTargets t0 = at(0.0);
  g.prev = g.theta;
  PostureResult r = g.solve(t0, 0.0);
  g.begin_frames(n_pause_before + n_move + n_pause_after);
  g.out.move_begin = n_pause_before;
  g.out.move_end = n_pause_before + n_move;
  if (com_target && com_target->size() != g.out.time.size())
    throw InternalError("task generator: centre-of-mass target of another motion's frames");
  g.com_target = com_target;
  for (int i = 0; i < n_pause_before; ++i, time += dt) g.record(time, r, t0);
  VecX prev2 = g.prev;
  for (int i = 0; i < n_move; ++i, time += dt) {
    const PostureTargets t = at(path_in_time ? double(i) / (n_move - 1) : profile(i));
    // Start from the posture extrapolated from the last frames (the smoothness term pulls toward the
    // linear extrapolation): the IK then starts within a fraction of a frame's motion of its solution.
    // Quadratic extrapolation from the last three frames (error O(h^3) instead of the line's O(h^2))
    // saves a tenth of the frames' Levenberg-Marquardt iterations (lifts_1000.yaml: 3.37 -> 3.01 per
    // frame); the postures are the same to the solver's 1e-8 rad tolerance (every summary peak within
    // 8.3e-6 relative, 2 of 22,000 peak times one frame off, the same 218 lifts off the feet).
    const VecX last = g.theta;
    if (i >= 3) g.theta = 3.0 * g.theta - 3.0 * g.prev + prev2;
    else if (i >= 2) g.theta = 2.0 * g.theta - g.prev;
    prev2 = g.prev;
    g.prev = last;
    // The smoothness term's reference: the last two frames continued at constant velocity (the
    // motion starts at rest, so the first frame's is the start posture).
    const VecX smooth_ref = last + kSmoothVelocityShare * (last - prev2);
    if (g.com_target && std::isfinite((*g.com_target)(g.recorded))) {
      // A band of zero width is the exact target: its penalty is then kComWeight (x − target).
      PostureTargets pinned = t;
      pinned.com_lo = pinned.com_hi = (*g.com_target)(g.recorded);
      r = g.solve(pinned, kSmoothWeight, kPostureTolerance_rad, kFrameStartDamping, &smooth_ref);
    } else {
      r = g.solve(t, kSmoothWeight, kPostureTolerance_rad, kFrameStartDamping, &smooth_ref);
    }
    g.record(time, r, t);
  }
  const PostureTargets t1 = at(1.0);
  for (int i = 0; i < n_pause_after; ++i, time += dt) g.record(time, r, t1);

  const Location where{scenario_file, 0, 0, plan.field};
  if (g.out.max_hand_error_m > kReachTolerance_m) {
    // A lift's or lower's path runs from one of its ends to the other: the hands fall short near the
    // end they cannot reach (audit: a lift's end out of reach was reported as task.start).
    Location reach_where = where;
    if (task.type == TaskType::lift || task.type == TaskType::lower) {
      const double move_start = n_pause_before * dt, move_time = (n_move - 1) * dt;
      const bool late = g.worst_reach.time - move_start > 0.5 * move_time;
      reach_where.field = (task.type == TaskType::lift) == late ? "task.end" : "task.start";
    }
    const std::string limits = what_limits_the_reach(model, rig, g.worst_reach);
    throw InputError(reach_where,
                     fmt::format("the hands cannot reach the box: they stay {:.1f} cm from the target at {:.2f} s, {} "
                                 "(move the box closer, or widen the model's joint ranges)",
                                 100.0 * g.out.max_hand_error_m, g.worst_reach.time,
                                 limits.empty() ? "with no joint at a range limit and balance not binding: "
                                                  "beyond the arms' length"
                                                : "with " + limits));
  }
  if (g.out.max_hip_error_m > kReachTolerance_m)
    throw InputError(where, fmt::format("the hips cannot reach the chair height: {:.1f} cm away",
                                        100.0 * g.out.max_hip_error_m));
  if (plan.seat_off_dynamic) {
    check_seat_off_motion(model, rig, task, g.out, at, n_pause_before, n_move, plan.kinematics, scenario_file);
    return std::move(g.out);
  }
  if (!g.out.frames_outside_support.empty()) {
    const int f = g.out.frames_outside_support.front();
    throw InputError(where, fmt::format("balance cannot be kept: at t = {:.2f} s the centre of mass (with the load) "
                                        "is at x = {:.3f} m, outside the feet [{:.3f}, {:.3f}] m",
                                        g.out.time(f), g.out.com_x(f), g.support_lo, g.support_hi));
  }
  return std::move(g.out);
}

// One generation of the task's motion; its plan, when asked for, is kept for the dynamic balance passes.
GeneratedMotion generate_planned(const Model& model, const TaskRig& rig, const TaskSpec& task,
                                 const KinematicSettings& kinematics, const std::string& scenario_file,
                                 std::unique_ptr<TaskPlan>* keep_plan = nullptr) {
  auto plan = std::make_unique<TaskPlan>(make_plan(model, rig, task, kinematics, scenario_file));
  GeneratedMotion m = generate_frames(*plan, nullptr);
  if (keep_plan) *keep_plan = std::move(plan);
  return m;
}

// World x of the centre of pressure of every frame of a generated motion, from the kinematics the run
// will use (k = prepare_kinematics of its frames: low-pass filtered at the scenario's cut-off and
// differentiated): inverse dynamics with the held load's weight and inertia on the hand,
// f = m (g − a), as the pipeline applies them; the COP of the ground's wrench on the feet
// (solvers/ground_reaction.hpp). NaN where the feet would have to be pulled down. With a load the
// inverse dynamics starts from the forward kinematics that gave the hand's acceleration
// (rnea_after_forward_kinematics: the same bits as rnea, one position pass per frame instead of two).
VecX calc_motion_cop_x(const Model& model, const TaskRig& rig, const KinematicSeries& k, double load_kg) {
  Data d(model);
  std::vector<Force> f_ext(model.nbodies, Force::Zero());
  VecX cop(k.frames()), q, qd, qdd;
  GroundReaction ground;
  for (int f = 0; f < k.frames(); ++f) {
    q = k.q.row(f).transpose();
    qd = k.qd.row(f).transpose();
    qdd = k.qdd.row(f).transpose();
    f_ext[rig.hand_body] = Force::Zero();
    if (load_kg > 0.0) {
      forward_kinematics(model, d, q, qd, qdd);
      const Vec3 p = d.oMb[rig.hand_body].act(rig.hand_point_B);
      const Vec3 force = load_kg * (model.gravity - point_acceleration(model, d, rig.hand_body, p));
      f_ext[rig.hand_body].linear = force;
      f_ext[rig.hand_body].angular = p.cross(force);
      rnea_after_forward_kinematics(model, d, qd, qdd, f_ext);
    } else {
      rnea(model, d, q, qd, qdd, f_ext);
    }
    calc_ground_reaction(model, d, ground);
    cop(f) = ground.cop_x_m;
  }
  return cop;
}

// A dynamic seat-off's motion (sit_to_stand / stand_to_sit with task.seat_off_com_velocity_*): the
// path must stay within the model's joint ranges (the velocity term carries the joints past the
// seat-off posture before it brings them back; the IK would clamp them at a limit and change the
// prescribed velocity), and the centre of pressure of the motion as the run will see it
// (calc_motion_cop_x) must stay under the feet: that, not the static balance band, is what limits
// how far behind the feet the seat-off centre of mass may be for a given velocity. A request that
// breaks either stops the run naming the velocity field.
void check_seat_off_motion(const Model& model, const TaskRig& rig, const TaskSpec& task, const GeneratedMotion& m,
                           const std::function<PostureTargets(double)>& path, int first_move_frame, int n_move,
                           const KinematicSettings& kinematics, const std::string& file) {
  constexpr double kDeg = 3.14159265358979323846 / 180.0;
  const Location where{file, 0, 0, seat_off_velocity_field(task)};
  for (int i = 0; i < n_move; ++i) {
    const VecX theta = path(double(i) / (n_move - 1)).preferred;
    for (int k = 0; k < rig.nvars(); ++k) {
      const PostureVariable& v = rig.vars[k];
      if (theta(k) >= v.lower - 1e-9 && theta(k) <= v.upper + 1e-9) continue;
      const double offset = clinical_offset(rig, k);  // as the seat-off angle fields give it
      throw InputError(where, fmt::format("the path from the moving seat-off leaves the model's {} range at t = {:.2f} s "
                                          "({:.1f} deg, range {:.1f} to {:.1f} deg): a smaller seat-off velocity, a "
                                          "longer duration or another seat-off posture",
                                          v.name, m.time(first_move_frame + i), (theta(k) + offset) / kDeg,
                                          (v.lower + offset) / kDeg, (v.upper + offset) / kDeg));
    }
  }
  const KinematicSeries k = prepare_kinematics(m.time, m.q, kinematics);
  const VecX cop = calc_motion_cop_x(model, rig, k, 0.0);
  const double heel = std::min(rig.heel_x, rig.toe_x), toe = std::max(rig.heel_x, rig.toe_x);
  for (Eigen::Index f = 0; f < cop.size(); ++f) {
    if (std::isfinite(cop(f)) && cop(f) >= heel && cop(f) <= toe) continue;
    throw InputError(where, fmt::format("with this seat-off velocity the centre of pressure leaves the feet: at t = "
                                        "{:.2f} s it is at x = {:.3f} m, outside the feet [{:.3f}, {:.3f}] m (the "
                                        "momentum and the seat-off posture ask for more than the feet can brake: "
                                        "another velocity, seat-off posture or duration)",
                                        m.time(f), cop(f), heel, toe));
  }
}

// No passes with a narrower static band. The static band keeps the centre of mass (body and load)
// over the middle half of the feet, but the centre of pressure also moves with the body's
// accelerations: x_cop - x_com follows the centre of mass's horizontal acceleration (Winter 1995, Gait
// Posture 3:193-214), and a heavy box braked mid-lift takes it past the toes. Until 2026-11-27 such a
// lift was first generated again with the band's edge on that side moved in by the excursion (up to
// three passes), then given the dynamic passes below. Those static passes were discrete: where a pass
// started to be made, or its band to close, the motion jumped (a 1.90 m subject's 2 s stoop lift of
// 15 kg: peak L5/S1 compression 3515, 3720, 3824, 3697, 3366 N at 1.94, 1.95, 1.96, 1.98, 2.00 m; a
// 1.2 s stoop of 25 kg: 5469 -> 6647 N from 24 to 25 kg). The dynamic passes alone keep every lift of
// lifts_10000.yaml and lift_population.yaml on the feet, move only the frames whose centre of pressure
// leaves the feet, and change smoothly with the excursion (3614, 3515, 3491, 3466, 3417, 3366 N over
// the same heights); on lifts_10000.yaml 493 lifts changed (median +0.03 %, -11 % to +1.2 %), runs with
// reserves 1,990 -> 1,957, and the 10,000 lifts took 12-14 % less time (docs/performance.md).

// Dynamic balance passes. The static band's edge stops the centre of mass within a few frames (the
// band's soft edge is 2 mm wide), and stopping it, or letting it go again, takes the centre of
// pressure past the toes: a 1.85 m subject's 2 s squat lift of 15 kg passed them
// by up to 0.17 m at the two frames where the centre of mass met and left the front edge, while the
// centre of mass itself stayed on the band. No static band mends that. The centre of pressure of the
// linear inverted pendulum (Kajita et al. 2003, ICRA, "Biped walking pattern generation by using
// preview control of zero-moment point": x_cop = x_com − (z_com / g) ẍ_com) moves by
// δx_cop = δx_com − (z / g) δẍ_com when the centre of mass moves by δx_com. So the shift c(t) that
// brings each frame's centre of pressure a margin inside the feet (0 where it is inside) asks for a
// centre-of-mass shift δ solving δ − (z/g) δ'' = c, zero at the movement's first and last frame (the
// pauses keep their postures): a two-point boundary value problem whose solution is c smoothed by
// exp(−ω|t|), ω = √(g/z), about 0.3 s, so a brief excursion asks a few centimetres of the centre of
// mass around it and leaves the centre of pressure elsewhere where it was. The motion is generated
// again with the centre of mass held at x_com + δ in every movement frame, and the check repeated (the
// body is not a point mass: the trunk's and the box's rotations move the centre of pressure too, and
// the next pass corrects what the pendulum missed); a pass that does not lower the worst excursion is
// not taken. Ten passes: with three, 17 of the population sweep's 1,000 lifts (subjects over 1.92 m)
// kept their centre of pressure 1-5 mm past the toes in 1-4 frames once upright standing balanced at
// the ankles (it ends every lift), and five took them all back; once the frames stopped lagging their
// targets (kSmoothVelocityShare) five left 16 of the stoop-versus-squat study's 144 lifts 1-9 frames
// past the heels or toes (mostly the 1.90 m subjects' 1.2 s squats), ten leave 2, as before.
constexpr int kDynamicBalancePasses = 10;
constexpr double kDynamicCopMargin_m = 0.01;

// World y of the centre of mass (body and the load at the hand point) of every frame of a motion.
VecX calc_motion_com_height(const Model& model, const TaskRig& rig, const MatX& q, double load_kg) {
  Data d(model);
  VecX com_y(q.rows()), qf;
  for (Eigen::Index f = 0; f < q.rows(); ++f) {
    qf = q.row(f).transpose();
    forward_kinematics(model, d, qf);
    const double body_y = center_of_mass_at_current_positions(model, d).y();
    const double hand_y = d.oMb[rig.hand_body].act(rig.hand_point_B).y();
    com_y(f) = (d.mass * body_y + load_kg * hand_y) / (d.mass + load_kg);
  }
  return com_y;
}

}  // namespace

GeneratedMotion generate_task_motion(const Model& model, const TaskRig& rig, const TaskSpec& task, double rate_hz,
                                     const std::string& scenario_file, double filter_cutoff_hz) {
  std::unique_ptr<TaskPlan> plan;  // of the motion kept
  // The run filters and differentiates these frames with its own settings; the balance checks use the
  // same ones (they used the default 6 Hz whatever the scenario's cut-off, review).
  const KinematicSettings settings{rate_hz, filter_cutoff_hz, MotionEnds::zero_acceleration};
  GeneratedMotion m = generate_planned(model, rig, task, settings, scenario_file, &plan);
  // Lifts, lowers and forward bends: a 40 deg bend braking at its end took the centre of pressure 2.6 cm
  // past the toes in 8 frames once it was made at the hips from ankle-balanced standing.
  if (task.type != TaskType::lift && task.type != TaskType::lower && task.type != TaskType::forward_bend) return m;
  const double heel = std::min(rig.heel_x, rig.toe_x), toe = std::max(rig.heel_x, rig.toe_x);
  // How far the centre of pressure leaves the feet, ahead of the toes and behind the heels (m, >= 0),
  // from the motion's filtered kinematics (kept in the motion: the run uses them, prepare_run).
  VecX cop;  // of the motion last checked
  auto excursions = [&](GeneratedMotion& motion) {
    motion.kinematics = prepare_kinematics(motion.time, motion.q, settings);
    motion.kinematics_settings = settings;
    cop = calc_motion_cop_x(model, rig, motion.kinematics, task.box.mass_kg);
    double ahead = 0.0, behind = 0.0;
    for (Eigen::Index f = 0; f < cop.size(); ++f) {
      if (!std::isfinite(cop(f))) continue;
      ahead = std::max(ahead, cop(f) - toe);
      behind = std::max(behind, heel - cop(f));
    }
    return std::pair{ahead, behind};
  };
  const auto [ahead, behind] = excursions(m);
  double worst = std::max(ahead, behind);
  const double gravity = model.gravity.norm(), dt = 1.0 / rate_hz;
  int dynamic_passes = 0;
  for (int pass = 0; pass < kDynamicBalancePasses && worst > 0.0; ++pass) {
    const Eigen::Index frames = m.time.size();
    VecX shift = VecX::Zero(frames);
    for (Eigen::Index f = 0; f < frames; ++f) {
      if (!std::isfinite(cop(f))) continue;
      if (cop(f) > toe - kDynamicCopMargin_m) shift(f) = toe - kDynamicCopMargin_m - cop(f);
      if (cop(f) < heel + kDynamicCopMargin_m) shift(f) = heel + kDynamicCopMargin_m - cop(f);
    }
    const VecX delta = lipm_com_shift(shift, calc_motion_com_height(model, rig, m.q, task.box.mass_kg), gravity, dt,
                                      m.move_begin, m.move_end);
    VecX target = VecX::Constant(frames, std::numeric_limits<double>::quiet_NaN());
    target.segment(m.move_begin, m.move_end - m.move_begin) =
        m.com_x.segment(m.move_begin, m.move_end - m.move_begin) + delta.segment(m.move_begin, m.move_end - m.move_begin);
    try {
      ++dynamic_passes;
      // The kept motion's plan: the same end postures and path, only the frames are solved again.
      GeneratedMotion next = generate_frames(*plan, &target);
      const auto [next_ahead, next_behind] = excursions(next);
      if (std::max(next_ahead, next_behind) >= worst) break;
      m = std::move(next);
      worst = std::max(next_ahead, next_behind);
    } catch (const InputError&) {
      break;
    }
  }
  m.dynamic_balance_passes = dynamic_passes;
  return m;
}

}  // namespace dembones
