// Issue #5: each shipped model loads, scales and balances a quiet-standing frame with its muscles,
// the reserve actuators carrying under 5 % of any joint's moment. The frame is the inverse pipeline
// in miniature: inverse dynamics (gravity only, at rest) -> muscle geometry and force capacity ->
// static optimization (min sum a^2, Crowninshield & Brand 1981) with a reserve on every coordinate and
// the model's ideal torque actuators on the arms and neck.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "multibody/data.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/scaling.hpp"
#include "solvers/static_optimization.hpp"

namespace dembones {
namespace {

struct StandingResult {
  VecX tau;      // (nv) joint moments of standing, N m
  VecX reserve;  // (nv) reserve torques, N m
  SoStatus status;
};

StandingResult solve_standing(const BuiltModel& b) {
  const Model& model = b.model;
  Data data(model);
  MuscleData md(model, b.muscles);
  const VecX zero = VecX::Zero(model.nv);
  const VecX& q = b.q_default;
  forward_kinematics(model, data, q, zero);
  compute_joint_jacobians(model, data, q);
  compute_muscle_geometry(model, data, b.muscles, q, md);
  compute_muscle_forces_rigid(b.muscles, md);
  const VecX tau = generalized_gravity(model, data, q);

  const int m = b.muscles.nmuscles;
  const int na = static_cast<int>(b.actuators.size());
  StaticOptimizationSolver so(model.nv, m, na + model.nv);
  auto& pb = so.upd_problem();
  // Both sides of a bilateral muscle act identically on the sagittal model.
  for (int i = 0; i < m; ++i)
    pb.A_muscle.col(i) = md.moment_arm.col(i) * md.active_force_capacity[i] * b.muscle_sides[i];
  VecX passive = VecX::Zero(model.nv);
  for (int i = 0; i < m; ++i) passive += md.moment_arm.col(i) * md.passive_force[i] * b.muscle_sides[i];
  // Passive joint moments (discs and ligaments) act like muscles' passive forces.
  for (const auto& p : b.passive_moments) {
    const int body = model.velocity_body[p.coordinate];
    passive[p.coordinate] += p.moment_Nm.value(q[model.idx_q[body] + (p.coordinate - model.idx_v[body])]);
  }
  pb.b = tau - passive;
  pb.A_actuator.setZero();
  for (int j = 0; j < na; ++j) {
    pb.A_actuator(b.actuators[j].coordinate, j) = b.actuators[j].optimal_force_Nm;
    pb.actuator_is_reserve[j] = false;
  }
  // Reserves: 1 N m per unit control and weight 1000, so one N m of reserve costs as much as about
  // 30 fully active muscles: the muscles carry whatever they can (as OpenSim's small-optimal-force
  // reserve actuators make them).
  for (int k = 0; k < model.nv; ++k) {
    pb.A_actuator(k, na + k) = 1.0;
    pb.actuator_is_reserve[na + k] = true;
    pb.actuator_weight[na + k] = 1000.0;
  }
  const auto& info = so.solve();
  return {tau, so.get_reserve_torques(), info.status};
}

TEST(StandingFrame, MusclesCarryQuietStandingForEveryShippedModelAndSubject) {
  for (const auto& e : std::filesystem::directory_iterator(std::string(DEMBONES_SOURCE_DIR) + "/models")) {
    if (e.path().extension() != ".yaml") continue;
    const ModelSpec spec = load_model_spec(e.path().string());
    for (const SubjectSpec s : {spec.reference_subject, SubjectSpec{1.55, 50.0, Sex::female},
                                SubjectSpec{1.95, 110.0, Sex::male}}) {
      const BuiltModel b = build_model(scale_model(spec, s));
      const StandingResult r = solve_standing(b);
      EXPECT_TRUE(r.status == SoStatus::solved || r.status == SoStatus::reserve_limited)
          << to_string(r.status);
      for (int k = 0; k < b.model.nv; ++k) {
        // 5 % of the joint's moment (issue #5), with a 0.5 N m floor for joints that carry almost
        // nothing when standing.
        EXPECT_LE(std::abs(r.reserve[k]), std::max(0.05 * std::abs(r.tau[k]), 0.5))
            << e.path().filename() << " H=" << s.height_m << " " << b.model.coordinate_names[k]
            << ": moment " << r.tau[k] << " N m, reserve " << r.reserve[k] << " N m";
      }
    }
  }
}

}  // namespace
}  // namespace dembones
