// Path geometry on multibody models: a hand-computed pendulum, moment arms against central finite
// differences of the length (r = -dl/dq over velocity coordinates) with and without wrapping engaged,
// lengthening speed against the moment arms and against finite differences along a motion.
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include <gtest/gtest.h>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/curves.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

#include "muscle_test_util.hpp"

namespace dembones {
namespace {

using muscle_test::evaluate;
using muscle_test::expect_lengthening_speed_matches;

MuscleSpec pendulum_muscle() {
  return muscle_test::ground_to_pendulum_muscle("flexor", 1000.0, 0.2, 0.15, Vec3(0.2, 0.0, 0.0), Vec3(0.0, -0.3, 0.0));
}

TEST(MusclePath, PendulumHandComputedTorque) {
  const Model model = samples::pendulum_model();
  Data data(model);
  const MuscleSet set = make_muscle_set(model, {pendulum_muscle()});
  MuscleData md(model, set);
  for (double q0 = -1.0; q0 <= 1.0; q0 += 0.25) {
    VecX q(1), v(1);
    q << q0;
    v << 0.7;
    evaluate(model, data, set, q, v, md);
    compute_muscle_forces_rigid(set, md);
    // Insertion I = (0.3 sin q, -0.3 cos q, 0), origin O = (0.2, 0, 0):
    // l^2 = 0.04 + 0.09 - 0.12 sin q, r = -dl/dq = 0.06 cos q / l.
    const double l = std::sqrt(0.13 - 0.12 * std::sin(q0));
    EXPECT_NEAR(md.length[0], l, 1e-14);
    EXPECT_NEAR(md.moment_arm(0, 0), 0.06 * std::cos(q0) / l, 1e-14);
    EXPECT_NEAR(md.velocity[0], -0.06 * std::cos(q0) / l * 0.7, 1e-14);
    // Torque by hand: tau = (I x F u)_z with u = (O - I)/|O - I| and the rigid-tendon force
    // F = F0 (a f_L + f_PE) at zero pennation, fibre length l - l_ts.
    const double a = 0.6;
    const Vec3 I(0.3 * std::sin(q0), -0.3 * std::cos(q0), 0.0), O(0.2, 0.0, 0.0);
    const Vec3 u = (O - I).normalized();
    const double l_norm = (l - 0.15) / 0.2;
    const double v_norm = -0.06 * std::cos(q0) / l * 0.7 / (10.0 * 0.2);
    const double force = 1000.0 * (a * curves::active_force_length(l_norm) * curves::force_velocity(v_norm) +
                                   curves::passive_force_length(l_norm));
    const double tau_hand = I.cross(force * u).z();
    const double tension = a * md.active_force_capacity[0] + md.passive_force[0];
    EXPECT_NEAR(md.moment_arm(0, 0) * tension, tau_hand, 1e-9 * std::abs(tau_hand) + 1e-12);
  }
}

TEST(MusclePath, PulleyMomentArmEqualsWrapRadius) {
  // A tendon over a pulley centred on the joint axis: while wrapped, its moment arm is exactly the
  // pulley radius (both straight segments are tangent to the circle, so the line of action lies at
  // distance R from the axis), whatever the angle, for a cylinder or a sphere, fixed on either body.
  const Model model = samples::pendulum_model();
  Data data(model);
  const double radius = 0.05;
  for (const bool sphere : {false, true}) {
    for (const char* wrap_body : {"ground", "pendulum"}) {
      MuscleSpec m = pendulum_muscle();
      m.path[0].p_B_m = Vec3(-0.1, 0.3, 0.0);  // above and behind the axis
      m.path[1].p_B_m = Vec3(-0.02, -0.3, 0.0);  // on the pendulum, below
      WrapSpec w;
      w.kind = sphere ? WrapKind::kSphere : WrapKind::kCylinder;
      w.body = wrap_body;
      w.radius_m = radius;
      w.direction = -1;  // the path passes in front (+x) of the axis going down: clockwise about +z
      m.wraps.push_back(w);
      const MuscleSet set = make_muscle_set(model, {m});
      MuscleData md(model, set);
      int engaged = 0;
      for (double q0 = -0.4; q0 <= 1.2; q0 += 0.05) {
        VecX q(1);
        q << q0;
        evaluate(model, data, set, q, VecX::Zero(1), md);
        if (!md.wrap_engaged[0]) continue;
        ++engaged;
        // Cylinder: the path is held in front, tension pulls the insertion forward: +R about z. The
        // sphere has no side constraint: the path takes the short way round, on the side where the
        // straight line passes, so only |r| = R holds.
        const double r = sphere ? std::abs(md.moment_arm(0, 0)) : md.moment_arm(0, 0);
        EXPECT_NEAR(r, radius, 1e-12) << q0 << " " << wrap_body << " sphere " << sphere;
      }
      EXPECT_GE(engaged, 10) << wrap_body << " sphere " << sphere;
    }
  }
}

// Central difference of every muscle length along velocity coordinate k (q moved on the manifold).
void length_difference(const Model& model, Data& data, const MuscleSet& set, MuscleData& md, const VecX& q,
                       int k, double h, VecX& dl_dq) {
  VecX dv = VecX::Zero(model.nv);
  dv[k] = 1.0;
  VecX qp(model.nq), qm(model.nq);
  integrate(model, q, dv, h, qp);
  integrate(model, q, dv, -h, qm);
  const VecX zero = VecX::Zero(model.nv);
  evaluate(model, data, set, qp, zero, md);
  const VecX lp = md.length;
  evaluate(model, data, set, qm, zero, md);
  dl_dq = (lp - md.length) / (2 * h);
}

// True when q lies within `margin` of a conditional via point's range bound (the path jumps there).
bool near_condition_bound(const MuscleSet& set, const VecX& q, double margin) {
  for (const PathPoint& p : set.points) {
    if (p.condition_q < 0) continue;
    const double x = q[p.condition_q];
    if (std::abs(x - p.range_min) < margin || std::abs(x - p.range_max) < margin) return true;
  }
  return false;
}

struct Coverage {
  std::map<int, int> engaged, clear;  // per wrap index: samples with / without wrapping
};

// Checks r = -dl/dq at q for every muscle and coordinate; returns false when the sample was skipped.
bool check_moment_arms(const Model& model, const MuscleSet& set, const VecX& q, Coverage& cov) {
  Data data(model);
  MuscleData md(model, set);
  const double h = 1e-6;
  if (near_condition_bound(set, q, 10 * h)) return false;
  evaluate(model, data, set, q, VecX::Zero(model.nv), md);
  if (md.wrap_inside_count > 0) return false;  // a point inside a wrap surface: no wrap, path jumps
  const MatX r = md.moment_arm;
  std::vector<unsigned char> engaged = md.wrap_engaged;
  VecX dl(set.nmuscles);
  for (int k = 0; k < model.nv; ++k) {
    length_difference(model, data, set, md, q, k, h, dl);
    for (int i = 0; i < set.nmuscles; ++i) {
      EXPECT_NEAR(r(k, i), -dl[i], 1e-6) << set.names[i] << " coordinate " << model.coordinate_names[k];
    }
  }
  for (size_t w = 0; w < engaged.size(); ++w) (engaged[w] ? cov.engaged : cov.clear)[static_cast<int>(w)]++;
  return true;
}

TEST(MusclePath, MomentArmsEqualMinusLengthDerivativeAtRandomPoses) {
  for (const bool custom_knee : {false, true}) {
    const Model model = custom_knee ? samples::human20_custom_knee() : samples::human20();
    const MuscleSet set = make_muscle_set(model, samples::human20_muscles(32));
    Coverage cov;
    int checked = 0;
    for (unsigned seed = 1; seed <= 60; ++seed) {
      VecX q = random_configuration(model, seed, 1.2);
      if (custom_knee) {  // keep the spline knee inside its knots
        for (const char* knee : {"knee_angle_r", "knee_angle_l"}) {
          const int k = model.find_coordinate(knee);
          q[model.idx_q[model.velocity_body[k]]] = -2.0 + 2.1 * ((seed * 37) % 100) / 100.0;
        }
      }
      checked += check_moment_arms(model, set, q, cov) ? 1 : 0;
    }
    EXPECT_GE(checked, 30);
    // Every wrap was seen both engaged and clear, so both branches were differentiated.
    for (int w = 0; w < static_cast<int>(set.wraps.size()); ++w) {
      EXPECT_GT(cov.engaged[w], 0) << "wrap " << w << " never engaged";
      EXPECT_GT(cov.clear[w], 0) << "wrap " << w << " never clear";
    }
  }
}

TEST(MusclePath, MomentArmsAcrossEachCoordinateRange) {
  // Sweep each joint coordinate of the right leg and the lumbar joint over its anatomical range (others
  // neutral), the way a moment-arm plot is made.
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::human20_muscles(32));
  const std::map<std::string, std::pair<double, double>> ranges = {
      {"hip_x_r", {-0.6, 0.6}}, {"hip_y_r", {-0.6, 0.6}},   {"hip_z_r", {-0.5, 2.0}},
      {"knee_angle_r", {-2.0, 0.15}}, {"ankle_angle_r", {-0.9, 0.5}}, {"lumbar_extension", {-1.2, 0.5}}};
  Coverage cov;
  for (const auto& [name, range] : ranges) {
    const int k = model.find_coordinate(name);
    ASSERT_GE(k, 0) << name;
    int checked = 0;
    for (int s = 0; s <= 40; ++s) {
      VecX q = model.neutral_configuration();
      VecX dv = VecX::Zero(model.nv);
      dv[k] = range.first + (range.second - range.first) * s / 40.0;
      integrate(model, q, dv, 1.0, q);
      checked += check_moment_arms(model, set, q, cov) ? 1 : 0;
    }
    EXPECT_GE(checked, 35) << name;
  }
  // The knee, hip and ankle sweeps engage and release the knee, hip and ankle wraps of the right leg.
  for (int w = set.wrap_begin[0]; w < set.wrap_begin[16]; ++w) {
    EXPECT_GT(cov.engaged[w], 0) << "wrap " << w;
  }
}

TEST(MusclePath, LengtheningSpeedMatchesMomentArmsAndFiniteDifferences) {
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::human20_muscles(32));
  Data data(model);
  MuscleData md(model, set);
  int checked = 0;
  for (unsigned seed = 100; seed < 110; ++seed) {
    const VecX q = random_configuration(model, seed, 1.0);
    const VecX v = random_configuration(model, seed + 1000, 2.0).head(model.nv);
    if (near_condition_bound(set, q, 1e-4)) continue;
    evaluate(model, data, set, q, v, md);
    if (md.wrap_inside_count > 0) continue;
    expect_lengthening_speed_matches(model, data, set, q, v, md);
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

TEST(MusclePath, MomentArmContinuousWhereWrapsEngage) {
  // Sweep the knee and the ankle; where a wrap starts or stops (located by bisection to 1e-12 rad) the
  // moment arm has no jump: the graze is a C1 transition.
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::human20_muscles(32));
  Data data(model);
  MuscleData md(model, set);
  int transitions = 0;
  // Anatomical ranges: beyond them a forced wrap may pass half a turn and let go (see wrap.hpp).
  const std::map<std::string, std::pair<double, double>> ranges = {
      {"knee_angle_r", {-2.0, 0.15}}, {"ankle_angle_r", {-0.9, 0.6}}, {"hip_z_r", {-0.5, 2.0}}};
  for (const auto& [coordinate, range] : ranges) {
    const int k = model.find_coordinate(coordinate);
    const auto at = [&](double x) {
      VecX q = model.neutral_configuration();
      VecX dv = VecX::Zero(model.nv);
      dv[k] = x;
      integrate(model, q, dv, 1.0, q);
      evaluate(model, data, set, q, VecX::Zero(model.nv), md);
    };
    for (int w = 0; w < set.wrap_begin[16]; ++w) {
      const int muscle = static_cast<int>(std::upper_bound(set.wrap_begin.begin(), set.wrap_begin.end(), w) -
                                          set.wrap_begin.begin()) - 1;
      double prev = range.first;
      at(prev);
      int prev_engaged = md.wrap_engaged[w];
      for (double x = range.first + 1e-2; x <= range.second; x += 1e-2) {
        at(x);
        if (md.wrap_inside_count > 0) break;
        const int engaged = md.wrap_engaged[w];
        if (engaged != prev_engaged) {
          double lo = prev, hi = x;
          for (int it = 0; it < 60 && hi - lo > 1e-12; ++it) {
            const double mid = 0.5 * (lo + hi);
            at(mid);
            (md.wrap_engaged[w] == prev_engaged ? lo : hi) = mid;
          }
          at(lo);
          const double r_lo = md.moment_arm(k, muscle);
          at(hi);
          const double r_hi = md.moment_arm(k, muscle);
          EXPECT_NEAR(r_lo, r_hi, 1e-8) << set.names[muscle] << " " << coordinate << " at " << lo;
          ++transitions;
        }
        prev = x;
        prev_engaged = engaged;
      }
    }
  }
  EXPECT_GE(transitions, 4);
}

TEST(MusclePath, ConditionalViaPointFollowsItsRange) {
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::human20_muscles(32));
  Data data(model);
  MuscleData md(model, set);
  const int recabd = set.find_muscle("recabd_r");
  const int lumbar = model.find_coordinate("lumbar_extension");
  const auto length_at = [&](double x) {
    VecX q = model.neutral_configuration();
    q[model.idx_q[model.velocity_body[lumbar]]] = x;
    evaluate(model, data, set, q, VecX::Zero(model.nv), md);
    return md.length[recabd];
  };
  // In flexion the via point is active and the path bends through it (longer than the straight line
  // from origin to insertion); just outside the range the path is straight.
  const Vec3 via(0.10, 0.05, 0.03);
  const double inside = length_at(-0.5);
  VecX q = model.neutral_configuration();
  q[model.idx_q[model.velocity_body[lumbar]]] = -0.5;
  forward_kinematics(model, data, q);
  const int pelvis = model.find_body("pelvis"), torso = model.find_body("torso");
  const Vec3 o = data.oMb[pelvis].act(Vec3(0.04, -0.07, 0.03));
  const Vec3 v = data.oMb[torso].act(via);
  const Vec3 e = data.oMb[torso].act(Vec3(0.12, 0.30, 0.04));
  EXPECT_NEAR(inside, (v - o).norm() + (e - v).norm(), 1e-14);
  const double outside = length_at(-0.1);
  q[model.idx_q[model.velocity_body[lumbar]]] = -0.1;
  forward_kinematics(model, data, q);
  EXPECT_NEAR(outside, (data.oMb[torso].act(Vec3(0.12, 0.30, 0.04)) - data.oMb[pelvis].act(Vec3(0.04, -0.07, 0.03))).norm(),
              1e-14);
}

}  // namespace
}  // namespace dembones
