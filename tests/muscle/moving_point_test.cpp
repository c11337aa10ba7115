// Moving path points (a point in its body as splines of one coordinate, OpenSim MovingPathPoint):
// moment arms against central finite differences of the length (r = -dl/dq) at random poses, with a
// wrap (fixed-direction or OpenSim-rule cylinder) on the segment after the moving point; lengthening
// speed against -r^T v and a finite difference along a motion; constant splines reproduce the fixed
// point; body forces against the moment arms (virtual work); the segment-to-wrap index; input errors.
#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "common/malloc_counter.hpp"
#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

#include "muscle_test_util.hpp"

namespace dembones {
namespace {

using muscle_test::evaluate;
using muscle_test::expect_lengthening_speed_matches;

// An illustrative patella track in the femur of samples::human20 (knee at (0, -0.4, 0), flexion
// negative): anterior of the knee at extension, sliding down and back with flexion.
PathPointSpec patella(const std::string& side) {
  PathPointSpec p;
  p.body = "femur" + side;
  p.moving_coordinate = "knee_angle" + side;
  const std::vector<double> q{-2.1, -1.5, -1.0, -0.5, 0.0, 0.2};
  p.moving_x_m = CubicSpline(q, {0.0, 0.02, 0.035, 0.047, 0.05, 0.05});
  p.moving_y_m = CubicSpline(q, {-0.45, -0.44, -0.425, -0.405, -0.385, -0.38});
  p.moving_z_m = CubicSpline(q, {0.004, 0.003, 0.002, 0.001, 0.0, 0.0});
  return p;
}

PathPointSpec fixed(const std::string& body, double x, double y, double z) {
  PathPointSpec p;
  p.body = body;
  p.p_B_m = Vec3(x, y, z);
  return p;
}

MuscleSpec muscle(const std::string& name, std::vector<PathPointSpec> path) {
  MuscleSpec m;
  m.name = name;
  m.params.max_isometric_force_N = 1000.0;
  m.params.optimal_fiber_length_m = 0.1;
  m.params.tendon_slack_length_m = 0.2;
  m.path = std::move(path);
  return m;
}

// A condyle cylinder in the femur (engaged beyond about 70 deg of flexion) on the segment after path
// point `after_point`: fixed direction, or OpenSim's rules (wrap_cylinder_opensim: wraps only when the
// path would cross the cylinder, kept on its +x side, the front of the knee; finite length).
WrapSpec femur_cylinder(const std::string& side, int after_point, bool opensim) {
  WrapSpec c;
  c.kind = WrapKind::kCylinder;
  c.body = "femur" + side;
  c.X_BS.translation = Vec3(-0.01, -0.42, 0.0);
  c.radius_m = 0.026;
  c.direction = -1;
  c.after_point = after_point;
  c.opensim_rules = opensim;
  c.quadrant = CylinderQuadrant{0, opensim ? 1 : 0};
  c.half_length_m = opensim ? 0.05 : INFINITY;
  return c;
}

// Quadriceps-like paths with the moving patella point inside, at the insertion and at the origin,
// spanning one joint (vastus), two joints (rectus, from the pelvis) and with a condyle wrap of either
// rule.
std::vector<MuscleSpec> patella_muscles() {
  std::vector<MuscleSpec> ms;
  for (const std::string side : {"_r", "_l"}) {
    const double s = side == "_r" ? 1.0 : -1.0;
    ms.push_back(muscle("vastus" + side, {fixed("femur" + side, 0.03, -0.2, 0.02 * s), patella(side),
                                          fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    ms.push_back(muscle("rectus" + side, {fixed("pelvis", 0.03, -0.03, 0.08 * s), patella(side),
                                          fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    for (const bool opensim : {false, true}) {
      const std::string rule = opensim ? "_opensim" : "";
      // A fixed path with a wrap right after a path with a moving point: its tangent points take node
      // slots the moving point used (no moving-point term may leak into it).
      MuscleSpec fw = muscle("fixed_wrap" + rule + side, {fixed("femur" + side, 0.03, -0.2, 0.0),
                                                          fixed("tibia" + side, 0.04, -0.07, 0.0)});
      fw.wraps.push_back(femur_cylinder(side, 0, opensim));
      ms.push_back(fw);
    }
    ms.push_back(muscle("to_patella" + side, {fixed("femur" + side, 0.03, -0.2, 0.0), patella(side)}));
    ms.push_back(muscle("from_patella" + side, {patella(side), fixed("tibia" + side, 0.04, -0.07, 0.0)}));
    for (const bool opensim : {false, true}) {
      MuscleSpec w = muscle("vastus_wrap" + std::string(opensim ? "_opensim" : "") + side,
                            {fixed("femur" + side, 0.03, -0.2, 0.02 * s), patella(side),
                             fixed("tibia" + side, 0.04, -0.07, 0.0)});
      w.wraps.push_back(femur_cylinder(side, 1, opensim));
      ms.push_back(w);
    }
  }
  return ms;
}

// Poses with the knees spread over the track's knots (random_configuration alone rarely flexes them).
VecX random_pose(const Model& model, unsigned seed) {
  VecX q = random_configuration(model, seed, 1.0);
  for (const char* knee : {"knee_angle_r", "knee_angle_l"}) {
    const int k = model.find_coordinate(knee);
    q[model.idx_q[model.velocity_body[k]]] = -2.0 + 2.15 * ((seed * 37) % 100) / 100.0;
  }
  return q;
}

TEST(MovingPathPoint, MomentArmsEqualMinusLengthDerivative) {
  for (const bool custom_knee : {false, true}) {
    const Model model = custom_knee ? samples::human20_custom_knee() : samples::human20();
    const MuscleSet set = make_muscle_set(model, patella_muscles());
    Data data(model);
    MuscleData md(model, set);
    std::map<int, int> engaged, clear;
    const double h = 1e-6;
    for (unsigned seed = 1; seed <= 40; ++seed) {
      const VecX q = random_pose(model, seed);
      evaluate(model, data, set, q, VecX::Zero(model.nv), md);
      ASSERT_EQ(md.wrap_inside_count, 0);
      const MatX r = md.moment_arm;
      for (size_t w = 0; w < md.wrap_engaged.size(); ++w) (md.wrap_engaged[w] ? engaged : clear)[int(w)]++;
      for (int k = 0; k < model.nv; ++k) {
        VecX dv = VecX::Zero(model.nv);
        dv[k] = 1.0;
        VecX qp(model.nq), qm(model.nq);
        integrate(model, q, dv, h, qp);
        integrate(model, q, dv, -h, qm);
        evaluate(model, data, set, qp, VecX::Zero(model.nv), md);
        const VecX lp = md.length;
        evaluate(model, data, set, qm, VecX::Zero(model.nv), md);
        for (int i = 0; i < set.nmuscles; ++i) {
          EXPECT_NEAR(r(k, i), -(lp[i] - md.length[i]) / (2 * h), 1e-7)
              << set.names[i] << " " << model.coordinate_names[k] << " seed " << seed;
        }
      }
    }
    for (int w = 0; w < static_cast<int>(set.wraps.size()); ++w) {
      EXPECT_GT(engaged[w], 0) << "wrap " << w << " never engaged";
      EXPECT_GT(clear[w], 0) << "wrap " << w << " never clear";
    }
  }
}

TEST(MovingPathPoint, LengtheningSpeedMatchesMomentArmsAndFiniteDifferences) {
  for (const bool custom_knee : {false, true}) {
    const Model model = custom_knee ? samples::human20_custom_knee() : samples::human20();
    const MuscleSet set = make_muscle_set(model, patella_muscles());
    Data data(model);
    MuscleData md(model, set);
    for (unsigned seed = 100; seed < 120; ++seed) {
      const VecX q = random_pose(model, seed);
      const VecX v = random_configuration(model, seed + 1000, 2.0).head(model.nv);
      expect_lengthening_speed_matches(model, data, set, q, v, md);
    }
  }
}

TEST(MovingPathPoint, ConstantSplinesReproduceTheFixedPoint) {
  const Model model = samples::human20();
  const Vec3 p(0.05, -0.385, 0.003);
  std::vector<MuscleSpec> fixed_specs, moving_specs;
  for (const MuscleSpec& m : patella_muscles()) {
    MuscleSpec f = m, mv = m;
    for (size_t k = 0; k < m.path.size(); ++k) {
      if (m.path[k].moving_coordinate.empty()) continue;
      f.path[k].moving_coordinate.clear();
      f.path[k].p_B_m = p;
      const std::vector<double> x{-2.5, -1.0, 0.5};
      mv.path[k].moving_x_m = CubicSpline(x, {p.x(), p.x(), p.x()});
      mv.path[k].moving_y_m = CubicSpline(x, {p.y(), p.y(), p.y()});
      mv.path[k].moving_z_m = CubicSpline(x, {p.z(), p.z(), p.z()});
    }
    fixed_specs.push_back(f);
    moving_specs.push_back(mv);
  }
  const MuscleSet set_f = make_muscle_set(model, fixed_specs), set_m = make_muscle_set(model, moving_specs);
  Data data(model);
  MuscleData md_f(model, set_f), md_m(model, set_m);
  for (unsigned seed = 200; seed < 210; ++seed) {
    const VecX q = random_pose(model, seed);
    const VecX v = random_configuration(model, seed + 1000, 2.0).head(model.nv);
    evaluate(model, data, set_f, q, v, md_f);
    compute_muscle_geometry(model, data, set_m, q, md_m);
    for (int i = 0; i < set_f.nmuscles; ++i) {
      EXPECT_NEAR(md_m.length[i], md_f.length[i], 1e-15) << set_f.names[i];
      EXPECT_NEAR(md_m.velocity[i], md_f.velocity[i], 1e-14) << set_f.names[i];
      for (int k = 0; k < model.nv; ++k) EXPECT_NEAR(md_m.moment_arm(k, i), md_f.moment_arm(k, i), 1e-15);
    }
    for (size_t b = 0; b < md_f.body_wrench_W.size(); ++b) {
      EXPECT_NEAR((md_m.body_wrench_W[b].linear - md_f.body_wrench_W[b].linear).norm(), 0.0, 1e-14);
      EXPECT_NEAR((md_m.body_wrench_W[b].angular - md_f.body_wrench_W[b].angular).norm(), 0.0, 1e-14);
    }
  }
}

// Generalized forces of the body forces apply_muscle_forces puts on the model for `tension`.
VecX body_force_torques(const Model& model, const Data& data, const MuscleSet& set, const MuscleData& md,
                        const VecX& tension, std::vector<Force>& f) {
  f.assign(model.nbodies, Force::Zero());
  apply_muscle_forces(model, data, set, md, tension, f);
  VecX tau = VecX::Zero(model.nv);
  for (int b = 1; b < model.nbodies; ++b) {
    for (int j = b; j != 0; j = model.parent[j]) {
      for (int k = model.idx_v[j]; k < model.idx_v[j] + model.nv_j[j]; ++k) {
        tau[k] += data.J_W.col(k).head<3>().dot(f[b].angular) + data.J_W.col(k).tail<3>().dot(f[b].linear);
      }
    }
  }
  return tau;
}

// The muscle's knee moment arm with its moving point frozen where it is at q (no patella motion).
double frozen_knee_moment_arm(const Model& model, Data& data, const MuscleSpec& spec, const VecX& q) {
  MuscleSpec frozen = spec;
  const int knee = model.find_coordinate("knee_angle_r");
  const double qk = q[model.idx_q[model.velocity_body[knee]]];
  for (PathPointSpec& p : frozen.path) {
    if (p.moving_coordinate.empty()) continue;
    p.p_B_m = Vec3(p.moving_x_m.value(qk), p.moving_y_m.value(qk), p.moving_z_m.value(qk));
    p.moving_coordinate.clear();
  }
  const MuscleSet set_frozen = make_muscle_set(model, {frozen});
  MuscleData md_frozen(model, set_frozen);
  compute_muscle_geometry(model, data, set_frozen, q, md_frozen);
  return md_frozen.moment_arm(knee, 0);
}

// samples::human20 with the patella muscles, and its work data.
class MovingPatella : public ::testing::Test {
 protected:
  const Model model = samples::human20();
  const std::vector<MuscleSpec> specs = patella_muscles();
  const MuscleSet set = make_muscle_set(model, specs);
  Data data{model};
  MuscleData md{model, set};
};

TEST_F(MovingPatella, LeverCarriesTheWholeMomentInBodyForces) {
  // Where a segment runs from the patella into the tibia, the body forces carry the whole moment
  // (J^T f = moment_arm * T in every row), the tibia receiving the patellar-tendon force
  // T r / r_t (r_t: the moment arm with the patella frozen) and the femur the difference.
  const int knee = model.find_coordinate("knee_angle_r");
  const int tibia = model.velocity_body[knee];
  int flexed = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const VecX q = random_pose(model, seed);
    evaluate(model, data, set, q, VecX::Zero(model.nv), md);
    // (fixed_wrap: no moving point, the tibia takes the whole tension, a ratio of one.)
    for (const char* name : {"vastus_r", "rectus_r", "vastus_wrap_r", "fixed_wrap_r", "fixed_wrap_opensim_r"}) {
      const int i = set.find_muscle(name);
      VecX tension = VecX::Zero(set.nmuscles);
      tension[i] = 1000.0;
      std::vector<Force> f;
      const VecX tau = body_force_torques(model, data, set, md, tension, f);
      const VecX expected = md.moment_arm * tension;
      for (int k = 0; k < model.nv; ++k) {
        EXPECT_NEAR(tau[k], expected[k], 1e-9) << name << " " << model.coordinate_names[k] << " seed " << seed;
      }
      const double r_t = frozen_knee_moment_arm(model, data, specs[static_cast<size_t>(i)], q);
      const double ratio = md.moment_arm(knee, i) / r_t;  // patellar tendon / quadriceps force
      EXPECT_NEAR(f[tibia].linear.norm(), 1000.0 * ratio, 1e-6) << name << " seed " << seed;
      EXPECT_GT(ratio, 0.0);
      if (std::abs(ratio - 1.0) > 0.05) ++flexed;
    }
  }
  EXPECT_GT(flexed, 10);  // the lever is exercised, not a ratio of one everywhere
}

TEST_F(MovingPatella, OpenSimRuleWrapAfterThePatellaCarriesOrDeclinesTheLever) {
  // The OpenSim-rule condyle wrap after the patella: the body forces carry every row but the knee's;
  // there they carry the whole moment where the lever is taken, and the frozen-patella moment where
  // it is declined (its ratio would not be positive, muscle_set.cpp patella_lever), the tibia then
  // receiving the whole tension.
  const int knee = model.find_coordinate("knee_angle_r");
  const int tibia = model.velocity_body[knee];
  const int i = set.find_muscle("vastus_wrap_opensim_r");
  VecX tension = VecX::Zero(set.nmuscles);
  tension[i] = 1000.0;
  int carried = 0, declined = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const VecX q = random_pose(model, seed);
    evaluate(model, data, set, q, VecX::Zero(model.nv), md);
    std::vector<Force> f;
    const VecX tau = body_force_torques(model, data, set, md, tension, f);
    const VecX expected = md.moment_arm * tension;
    for (int k = 0; k < model.nv; ++k) {
      if (k != knee) {
        EXPECT_NEAR(tau[k], expected[k], 1e-9) << model.coordinate_names[k] << " seed " << seed;
      }
    }
    if (std::abs(tau[knee] - expected[knee]) <= 1e-9) {
      ++carried;
    } else {
      EXPECT_NEAR(tau[knee], 1000.0 * frozen_knee_moment_arm(model, data, specs[static_cast<size_t>(i)], q), 1e-9)
          << "seed " << seed;
      EXPECT_NEAR(f[tibia].linear.norm(), 1000.0, 1e-9) << "seed " << seed;
      ++declined;
    }
  }
  EXPECT_GT(carried, 0);
  EXPECT_GT(declined, 0);
}

TEST_F(MovingPatella, PathEndingAtThePatellaKeepsTheGeneralizedForce) {
  // No segment reaches the tibia: the body forces carry every row but the knee's, which lacks
  // T (e_in - e_out) . R_WB p_B' (path.hpp), and equal the frozen-patella moment there.
  const VecX q = random_pose(model, 7);
  evaluate(model, data, set, q, VecX::Zero(model.nv), md);
  const int i = set.find_muscle("to_patella_r");
  VecX tension = VecX::Zero(set.nmuscles);
  tension[i] = 1000.0;
  std::vector<Force> f;
  const VecX tau = body_force_torques(model, data, set, md, tension, f);
  const VecX expected = md.moment_arm * tension;
  const int knee = model.find_coordinate("knee_angle_r");
  for (int k = 0; k < model.nv; ++k) {
    if (k != knee) {
      EXPECT_NEAR(tau[k], expected[k], 1e-9) << model.coordinate_names[k];
    }
  }
  EXPECT_NEAR(tau[knee], 1000.0 * frozen_knee_moment_arm(model, data, specs[static_cast<size_t>(i)], q), 1e-9);
  EXPECT_GT(std::abs(expected[knee] - tau[knee]), 1e-3);
}

// MuscleSet::wrap_into_point is the wrap whose after_point is the point before (the muscle's wraps
// scanned for the segment into each point), or -1 (a muscle's first point), on the sample muscles
// (conditional points, cylinders, spheres) and the patella muscles (wraps after a moving point).
TEST(MovingPathPoint, WrapIntoPointIsTheWrapOnTheSegmentBefore) {
  const Model model = samples::human20();
  for (const MuscleSet& set : {make_muscle_set(model, samples::leg_and_trunk_muscles()),
                               make_muscle_set(model, patella_muscles())}) {
    ASSERT_EQ(set.wrap_into_point.size(), set.points.size());
    int with_wrap = 0;
    for (int i = 0; i < set.nmuscles; ++i) {
      for (int k = set.point_begin[i]; k < set.point_begin[i + 1]; ++k) {
        int found = -1;
        for (int w = set.wrap_begin[i]; w < set.wrap_begin[i + 1]; ++w)
          if (k > set.point_begin[i] && set.wraps[w].after_point == k - set.point_begin[i] - 1) found = w;
        EXPECT_EQ(set.wrap_into_point[k], found) << set.names[i] << " point " << k - set.point_begin[i];
        with_wrap += found >= 0;
      }
    }
    EXPECT_EQ(with_wrap, static_cast<int>(set.wraps.size()));
  }
}

#if DEMBONES_MALLOC_COUNTED
TEST(MovingPathPoint, GeometryDoesNotAllocate) {
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, patella_muscles());
  Data data(model);
  MuscleData md(model, set);
  const VecX q = random_pose(model, 3);
  const VecX v = random_configuration(model, 5, 1.0).head(model.nv);
  forward_kinematics(model, data, q, v);
  compute_joint_jacobians(model, data, q);
  test_support::allocations = 0;
  test_support::counting = true;
  compute_muscle_geometry(model, data, set, q, md);
  test_support::counting = false;
  EXPECT_EQ(test_support::allocations.load(), 0);
}
#endif

TEST(MovingPathPoint, InputErrors) {
  const Model model = samples::human20();
  auto expect_error = [&](MuscleSpec m, const std::string& field) {
    try {
      make_muscle_set(model, {m});
      ADD_FAILURE() << "no error for " << field;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, field) << e.what();
    }
  };
  MuscleSpec m = patella_muscles()[0];
  m.path[1].moving_coordinate = "knee_angle_x";
  expect_error(m, "muscles.vastus_r.path[1].moving_coordinate");
  m.path[1].moving_coordinate = "hip_x_r";  // a spherical joint
  expect_error(m, "muscles.vastus_r.path[1].moving_coordinate");
  m = patella_muscles()[0];
  m.path[1].moving_z_m = CubicSpline();
  expect_error(m, "muscles.vastus_r.path[1].moving_coordinate");
}

}  // namespace
}  // namespace dembones
