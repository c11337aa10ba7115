#include "solvers/ground_reaction.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/malloc_counter.hpp"
#include "multibody/energy.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/rnea.hpp"
#include "pipeline_test_util.hpp"
#include "solvers/pipeline.hpp"

namespace dembones {
namespace {

SpatialInertia body(double mass, const Vec3& com, double radius_m) {
  SpatialInertia s;
  s.mass = mass;
  s.com = com;
  s.inertia_about_com = mass * radius_m * radius_m * Mat3::Identity();
  s.inertia_about_com(0, 1) = s.inertia_about_com(1, 0) = 0.1 * mass * radius_m * radius_m;
  return s;
}

SE3 at(double x, double y, double z) { return SE3(Mat3::Identity(), Vec3(x, y, z)); }

// A standing figure built in code (round numbers, not anthropometry): a foot fixed to the floor with
// a leg, a trunk that also bends sideways and twists (so the motion is 3D), an arm carrying a load
// at the hand; and a second foot with its own shank fixed to the floor beside it (a second root: the
// ground reaction sums every joint to the ground).
struct Figure {
  Model model;
  int hand = -1;
};

Figure standing_figure() {
  Figure f;
  Model& m = f.model;
  const int foot = add_body(m, 0, Joint::fixed(), at(0, 0, 0), body(1.0, Vec3(0.11, 0.03, 0), 0.05), "foot");
  const int shank = add_body(m, foot, Joint::revolute(Vec3::UnitZ()), at(0.05, 0.08, 0), body(3.2, Vec3(-0.01, 0.2, 0), 0.1), "shank");
  const int thigh = add_body(m, shank, Joint::revolute(Vec3::UnitZ()), at(0, 0.44, 0), body(10.0, Vec3(0, 0.18, 0.01), 0.12), "thigh");
  const int pelvis = add_body(m, thigh, Joint::revolute(Vec3::UnitZ()), at(0, 0.42, 0), body(8.0, Vec3(-0.05, 0.05, 0), 0.1), "pelvis");
  const int bend = add_body(m, pelvis, Joint::revolute(Vec3::UnitX()), at(0, 0.1, 0), body(5.0, Vec3(0, 0.05, 0), 0.08), "lumbar");
  const int trunk = add_body(m, bend, Joint::revolute(Vec3::UnitY()), at(0, 0.1, 0), body(30.0, Vec3(0.02, 0.3, -0.01), 0.15), "trunk");
  const int arm = add_body(m, trunk, Joint::revolute(Vec3::UnitZ()), at(0, 0.45, 0.18), body(4.0, Vec3(0, -0.15, 0), 0.06), "arm");
  f.hand = add_body(m, arm, Joint::revolute(Vec3::UnitZ()), at(0, -0.3, 0), body(2.0, Vec3(0, -0.15, 0), 0.05), "forearm");
  const int foot2 = add_body(m, 0, Joint::fixed(), at(0.02, 0, 0.2), body(1.0, Vec3(0.11, 0.03, 0), 0.05), "foot2");
  add_body(m, foot2, Joint::revolute(Vec3::UnitZ()), at(0.05, 0.08, 0), body(3.2, Vec3(0.01, 0.2, 0), 0.1), "shank2");
  finalize(m);
  return f;
}

// Gravity's wrench on the whole body, world frame about the world origin: Σ m_i [c_i × g; g].
Force weight_wrench(const Model& model, const Data& data) {
  Force w;
  for (int b = 1; b < model.nbodies; ++b) {
    const Vec3 c = data.oMb[b].act(model.inertia[b].com);
    const Vec3 g = model.inertia[b].mass * model.gravity;
    w.linear += g;
    w.angular += c.cross(g);
  }
  return w;
}

TEST(GroundReaction, QuietStandingPutsTheCopUnderTheCentreOfMass) {
  // Static equilibrium: the ground carries the weight, F = −m g, on the vertical through the centre
  // of mass (Winter 1995), whatever the posture.
  const Figure fig = standing_figure();
  const Model& model = fig.model;
  Data data(model);
  for (unsigned seed = 1; seed <= 5; ++seed) {
    std::srand(seed);
    const VecX q = 0.4 * VecX::Random(model.nv), zero = VecX::Zero(model.nv);
    rnea(model, data, q, zero, zero);
    GroundReaction g;
    calc_ground_reaction(model, data, g);
    const Vec3 com = center_of_mass(model, data, q);
    const double weight = model.total_mass() * std::abs(model.gravity.y());
    EXPECT_NEAR(g.force_W.y(), weight, 1e-9 * weight) << seed;
    EXPECT_NEAR(g.force_W.x(), 0.0, 1e-9 * weight) << seed;
    EXPECT_NEAR(g.cop_x_m, com.x(), 1e-12) << seed;
    EXPECT_NEAR(g.cop_z_m, com.z(), 1e-12) << seed;
    EXPECT_NEAR(g.free_moment_Nm, 0.0, 1e-9 * weight) << seed;
  }
}

TEST(GroundReaction, MovingFrameMatchesTheWholeBodyNewtonEulerEquations) {
  // Whole body: d/dt h = W_ground + W_weight + W_external, h the spatial momentum about the (fixed)
  // world origin. dh/dt by central differences of h along q(t) = q + v t + a t²/2 (independent of
  // RNEA); the linear part is m a_com, checked against second differences of the centre of mass.
  const Figure fig = standing_figure();
  const Model& model = fig.model;
  Data data(model), probe(model);
  for (unsigned seed = 1; seed <= 5; ++seed) {
    std::srand(seed);
    const VecX q = 0.4 * VecX::Random(model.nv), v = 0.8 * VecX::Random(model.nv), a = 3.0 * VecX::Random(model.nv);
    // A box's weight (10 kg) and a push at the hand, as the pipeline applies a held load.
    forward_kinematics(model, data, q);
    const Vec3 p = data.oMb[fig.hand].act(Vec3(0.02, -0.3, 0.01)), f(15.0, -98.1, 4.0);
    std::vector<Force> f_ext(model.nbodies);
    f_ext[fig.hand] = Force{p.cross(f), f};
    rnea(model, data, q, v, a, f_ext);
    GroundReaction g;
    calc_ground_reaction(model, data, g);

    const double eps = 1e-5;
    auto momentum_at = [&](double t) {
      forward_kinematics(model, probe, q + v * t + 0.5 * a * t * t, v + a * t);
      return spatial_momentum(model, probe);
    };
    const Force hp = momentum_at(eps), hm = momentum_at(-eps);
    forward_kinematics(model, probe, q);
    const Force w = weight_wrench(model, probe);
    const Vec3 F = (hp.linear - hm.linear) / (2 * eps) - w.linear - f;
    const Vec3 M = (hp.angular - hm.angular) / (2 * eps) - w.angular - p.cross(f);
    const double scale = g.force_W.norm();
    EXPECT_LT((g.force_W - F).norm(), 1e-6 * scale) << seed;
    EXPECT_LT((g.moment_O_W - M).norm(), 1e-6 * scale) << seed;
    // Newton with the centre of mass: F = m (a_com − g) − f_external.
    auto com_at = [&](double t) { return Vec3(center_of_mass(model, probe, q + v * t + 0.5 * a * t * t)); };
    const double h = 1e-4;
    const Vec3 a_com = (com_at(h) - 2.0 * com_at(0.0) + com_at(-h)) / (h * h);
    EXPECT_LT((g.force_W - (model.total_mass() * (a_com - model.gravity) - f)).norm(), 1e-4 * scale) << seed;
    // The centre of pressure of the Newton–Euler wrench.
    ASSERT_GT(F.y(), 0.0) << seed;
    EXPECT_NEAR(g.cop_x_m, M.z() / F.y(), 1e-7) << seed;
    EXPECT_NEAR(g.cop_z_m, -M.x() / F.y(), 1e-7) << seed;
    // The wrench about the COP has no horizontal moment (definition of the centre of pressure).
    const Vec3 M_cop = g.moment_O_W - Vec3(g.cop_x_m, 0.0, g.cop_z_m).cross(g.force_W);
    EXPECT_NEAR(M_cop.x(), 0.0, 1e-9 * scale) << seed;
    EXPECT_NEAR(M_cop.z(), 0.0, 1e-9 * scale) << seed;
    EXPECT_NEAR(M_cop.y(), g.free_moment_Nm, 1e-9 * scale) << seed;
  }
}

TEST(GroundReaction, MuscleForcesAreInternal) {
  // The pipeline's joint forces after static optimization (every muscle pulling on its bodies) give
  // the root joint the wrench of plain inverse dynamics with the held load alone.
  const MusculoskeletalModel msm = pipeline_test::human20_with_muscles();
  const Model& model = msm.model;
  Pipeline pipeline(msm, PipelineSettings{});
  const double box_kg = 12.0;
  pipeline.set_load_mass(box_kg);
  Data data(model);
  int roots = 0;
  for (int b = 1; b < model.nbodies; ++b) roots += model.parent[b] == 0 ? 1 : 0;
  ASSERT_GE(roots, 1);
  for (unsigned seed = 1; seed <= 3; ++seed) {
    const pipeline_test::State s = pipeline_test::random_state(model, seed);
    const FrameResult& r = pipeline.run_frame(s.q, s.qd, s.qdd);
    ASSERT_NE(r.status, FrameStatus::nan_input);
    double tension = 0.0;
    for (Eigen::Index i = 0; i < r.tension.size(); ++i) tension += std::abs(r.tension(i));
    ASSERT_GT(tension, 1.0) << "the muscles must pull for the check to mean something";
    GroundReaction with_muscles;
    calc_ground_reaction(model, pipeline.data(), with_muscles);

    forward_kinematics(model, data, s.q, s.qd, s.qdd);
    const Vec3 p = data.oMb[msm.load_body].act(msm.load_point_B);
    const Vec3 f = box_kg * (model.gravity - point_acceleration(model, data, msm.load_body, p));
    std::vector<Force> f_ext(model.nbodies);
    f_ext[msm.load_body] = Force{p.cross(f), f};
    rnea(model, data, s.q, s.qd, s.qdd, f_ext);
    GroundReaction load_only;
    calc_ground_reaction(model, data, load_only);
    const double scale = 1.0 + load_only.force_W.norm() + tension;
    EXPECT_LT((with_muscles.force_W - load_only.force_W).norm(), 1e-9 * scale) << seed;
    EXPECT_LT((with_muscles.moment_O_W - load_only.moment_O_W).norm(), 1e-9 * scale) << seed;
  }
}

TEST(GroundReaction, FlagsACopOutsideTheFeetOrNoPushOnTheFloor) {
  const FootSupport feet{0.0, 0.26, 0.05, 2};
  GroundReaction g;
  g.force_W = Vec3(0.0, 700.0, 0.0);
  const struct {
    double x;
    bool outside;
  } cases[] = {{0.1, false}, {0.0, false}, {0.26, false}, {0.27, true}, {-0.01, true}};
  for (const auto& c : cases) {
    g.cop_x_m = c.x;
    EXPECT_EQ(cop_outside_support(g, feet), c.outside) << c.x;
  }
  g.cop_x_m = 0.1;
  g.force_W.y() = -1.0;  // the floor would have to pull the feet down
  EXPECT_TRUE(cop_outside_support(g, feet));
}

#if DEMBONES_MALLOC_COUNTED
TEST(GroundReaction, DoesNotAllocate) {
  const Figure fig = standing_figure();
  Data data(fig.model);
  const VecX q = VecX::Constant(fig.model.nv, 0.1), zero = VecX::Zero(fig.model.nv);
  rnea(fig.model, data, q, zero, zero);
  GroundReaction g;
  test_support::allocations = 0;
  test_support::counting = true;
  calc_ground_reaction(fig.model, data, g);
  const bool outside = cop_outside_support(g, FootSupport{0.0, 0.26, 0.05, 2});
  test_support::counting = false;
  EXPECT_EQ(test_support::allocations.load(), 0);
  EXPECT_TRUE(std::isfinite(g.cop_x_m));
  (void)outside;
}
#endif

}  // namespace
}  // namespace dembones
