#pragma once
// The shipped lifter model built for its reference subject (de Leva 1996 male, 1.741 m, 73 kg) and
// its muscles evaluated at a posture: moment arms, and the joint moment of a set of muscles at full
// activation. Shared by the moment-arm and strength tests of tests/models.
//
// A posture is a list of coordinate values in degrees (the rest stay at the model's defaults: the
// neutral standing posture). Muscle state as the inverse pipeline computes it (engine/solvers/
// pipeline.cpp): path geometry, rigid-tendon fibre state at zero speed, then the elastic-tendon passive
// equilibrium for muscles with a passive force (compute_passive_equilibrium), which also re-evaluates
// their active capacity at the fibre length of that equilibrium.
#include <cmath>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "multibody/data.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "muscle/hill_muscle.hpp"
#include "muscle/muscle_set.hpp"
#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/scaling.hpp"

namespace dembones::lifter_test {

using Posture = std::vector<std::pair<std::string, double>>;  // coordinate name, value in degrees

inline const BuiltModel& lifter_reference_subject() {
  static const BuiltModel built = [] {
    const ModelSpec spec = load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
    return build_model(scale_model(spec, spec.reference_subject));
  }();
  return built;
}

class LifterMuscleState {
 public:
  explicit LifterMuscleState(const BuiltModel& built, const Posture& posture = {})
      : b_(built), data_(built.model), md_(built.model, built.muscles), q_(built.q_default) {
    const Model& model = b_.model;
    for (const auto& [name, deg] : posture) {
      const int k = model.find_coordinate(name);
      if (k < 0) throw std::runtime_error("no coordinate " + name);
      const int body = model.velocity_body[k];
      q_[model.idx_q[body] + (k - model.idx_v[body])] = deg * std::numbers::pi / 180.0;
    }
    const VecX zero = VecX::Zero(model.nv);
    forward_kinematics(model, data_, q_, zero);
    compute_joint_jacobians(model, data_, q_);
    compute_muscle_geometry(model, data_, b_.muscles, q_, md_);
    compute_muscle_forces_rigid(b_.muscles, md_);
    compute_passive_equilibrium(b_.muscles, md_);
  }

  int coordinate(const std::string& name) const {
    const int k = b_.model.find_coordinate(name);
    EXPECT_GE(k, 0) << name;
    return k;
  }
  int muscle(const std::string& name) const {
    const int i = b_.muscles.find_muscle(name);
    EXPECT_GE(i, 0) << name;
    return i;
  }
  // r = -dl/dq (m): positive when the muscle drives the coordinate positive.
  double moment_arm_m(const std::string& muscle_name, const std::string& coordinate_name) const {
    return md_.moment_arm(coordinate(coordinate_name), muscle(muscle_name));
  }
  // Mean moment arm (m) of the muscles of `selector` (a name, group, nerve root or glob, as
  // muscle::select) that cross the coordinate (|r| > 0.1 mm), weighted by maximum isometric force:
  // the reduction of scripts/validate.py for the trunk moment-arm validation cases.
  double force_weighted_moment_arm_m(const std::string& selector, const std::string& coordinate_name) const {
    const int k = coordinate(coordinate_name);
    double sum = 0, weight = 0;
    for (int i : select(b_.muscles, selector)) {
      const double r = md_.moment_arm(k, i);
      if (std::abs(r) <= 1e-4) continue;
      const double f0 = b_.muscles.params[i].max_isometric_force_N;
      sum += r * f0;
      weight += f0;
    }
    EXPECT_GT(weight, 0.0) << selector << " does not cross " << coordinate_name;
    return weight > 0 ? sum / weight : 0.0;
  }
  // Maximum isometric moment (N m, positive in the direction `sign` = +1 or -1 of the coordinate):
  // every muscle whose moment arm has that sign at full activation (active capacity at this
  // posture's fibre length, zero speed), plus the passive forces of all muscles and the passive joint
  // moments of the coordinate, which a dynamometer measures with them. Both sides of a bilateral
  // muscle count (the trunk), or one side only with `one_side` (a leg on a dynamometer; the passive
  // joint moments of a bilateral coordinate are then halved).
  double max_isometric_moment_Nm(const std::string& coordinate_name, int sign, bool one_side = false) const {
    const int k = coordinate(coordinate_name);
    double tau = 0;
    for (int i = 0; i < b_.muscles.nmuscles; ++i) {
      const double r = md_.moment_arm(k, i);
      const double active = sign * r > 0 ? md_.active_force_capacity[i] : 0.0;
      const double sides = one_side ? 1.0 : b_.muscle_sides[i];
      tau += sides * r * (active + md_.passive_force[i]);
    }
    return sign * (tau + passive_joint_moment_Nm(k, one_side));
  }
  // The same maximum with each muscle of that direction in its own static equilibrium at full
  // activation (solve_compliant_equilibrium, a = 1, zero fibre speed): its tendon stretched by the
  // force it develops, its fibres shortened by that stretch. This is what the model's muscles give a
  // dynamometer; max_isometric_moment_Nm evaluates the active force at the relaxed muscle's fibre
  // length (the state the inverse pipeline's static optimization draws on), which for the long
  // tendons of the triceps surae is 20-25 % of the optimal fibre length longer. Muscles of the other
  // direction, passive joint moments and sides as in max_isometric_moment_Nm.
  double max_isometric_moment_full_activation_Nm(const std::string& coordinate_name, int sign,
                                                  bool one_side = false) const {
    const int k = coordinate(coordinate_name);
    double tau = 0;
    for (int i = 0; i < b_.muscles.nmuscles; ++i) {
      const double r = md_.moment_arm(k, i);
      const double force = sign * r > 0 ? full_activation_state(i).tendon_force_N : md_.passive_force[i];
      tau += (one_side ? 1.0 : b_.muscle_sides[i]) * r * force;
    }
    return sign * (tau + passive_joint_moment_Nm(k, one_side));
  }
  // The model's passive joint moments (discs and ligaments) about coordinate k at this posture; a
  // level's moment acts once for both sides, so one side carries half of it.
  double passive_joint_moment_Nm(int k, bool one_side) const {
    const Model& model = b_.model;
    const int body = model.velocity_body[k];
    double tau = 0;
    for (const auto& p : b_.passive_moments)
      if (p.coordinate == k)
        tau += (one_side ? 0.5 : 1.0) * p.moment_Nm.value(q_[model.idx_q[body] + (k - model.idx_v[body])]);
    return tau;
  }
  // Static equilibrium of muscle i at full activation and zero fibre speed at this posture.
  CompliantTendonState full_activation_state(int i) const {
    return solve_compliant_equilibrium(b_.muscles.params[i], b_.muscles.constants[i], md_.length[i], 1.0, 0.0);
  }
  const MuscleData& muscle_data() const { return md_; }
  const Data& data() const { return data_; }  // kinematics at this posture (body poses oMb)

 private:
  const BuiltModel& b_;
  Data data_;
  MuscleData md_;
  VecX q_;
};

}  // namespace dembones::lifter_test
