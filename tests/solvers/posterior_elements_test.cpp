// Posterior elements of a passive moment as forces (joint_reactions.hpp): the ligaments' share of a
// flexion-resisting passive moment presses the disc together by exactly Σ s·M/d, they are slack in
// extension, and every body's Newton–Euler equation still closes with their forces included.
#include <gtest/gtest.h>

#include <vector>

#include "common/malloc_counter.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "solvers/pipeline.hpp"

#include "pipeline_test_util.hpp"

namespace dembones {
namespace {

using pipeline_test::human20_with_muscles;
using pipeline_test::random_state;
using pipeline_test::State;
using pipeline_test::expect_newton_euler_closes;

// Shares of the flexion resistance and lever arms (test values of the lifter's order of magnitude).
const std::vector<PosteriorElement> kElements = {
    {"capsular", 0.39, 0.035}, {"interspinous", 0.19, 0.052}, {"flavum", 0.13, 0.025}};
constexpr double kStiffness_Nm_per_rad = 6.0 * 180.0 / 3.141592653589793;  // 6 N m/deg

// human20 with a linear passive moment on lumbar_extension (resisting rotation: a flexed level,
// q < 0, gets a positive, extending, moment) paired with the torso's load site (joint frame at the
// joint centre, normal Y, anterior X; the joint axis Z is the frame's lateral axis).
MusculoskeletalModel with_lumbar_passive(bool muscles, bool elements) {
  MusculoskeletalModel msm = human20_with_muscles(muscles);
  PassiveMoment pm;
  pm.name = "lumbar_passive";
  pm.coordinate = msm.model.find_coordinate("lumbar_extension");
  pm.moment_Nm = CubicSpline({-1.0, 0.0, 1.0}, {kStiffness_Nm_per_rad, 0.0, -kStiffness_Nm_per_rad});
  if (elements) {
    const int torso = msm.model.find_body("torso");
    for (std::size_t s = 0; s < msm.sites.size(); ++s)
      if (msm.sites[s].body == torso) pm.site = static_cast<int>(s);
    pm.posterior = kElements;
  }
  msm.passive.push_back(pm);
  return msm;
}

int site_of(const MusculoskeletalModel& msm, const char* body) {
  const int b = msm.model.find_body(body);
  for (std::size_t s = 0; s < msm.sites.size(); ++s)
    if (msm.sites[s].body == b) return static_cast<int>(s);
  return -1;
}

State static_posture(const Model& model, double lumbar_rad) {
  State s{model.neutral_configuration(), VecX::Zero(model.nv), VecX::Zero(model.nv)};
  const int torso = model.find_body("torso");  // lumbar_extension is its joint's only coordinate
  s.q(model.idx_q[torso]) = lumbar_rad;
  return s;
}

double expected_tension(double moment_Nm) {
  double t = 0.0;
  for (const PosteriorElement& e : kElements) t += e.share * moment_Nm / e.lever_arm_m;
  return t;
}

TEST(PosteriorElements, FlexionRaisesCompressionByTheirTension) {
  const MusculoskeletalModel plain = with_lumbar_passive(false, false);
  const MusculoskeletalModel lig = with_lumbar_passive(false, true);
  Pipeline p0(plain, {}), p1(lig, {});
  const int site = site_of(lig, "torso");
  const int k = lig.model.find_coordinate("lumbar_extension");
  for (double flexion_rad : {0.1, 0.3}) {
    const State s = static_posture(lig.model, -flexion_rad);
    const FrameResult r0 = p0.run_frame(s.q, s.qd, s.qdd);
    const FrameResult& r1 = p1.run_frame(s.q, s.qd, s.qdd);
    const double M = kStiffness_Nm_per_rad * flexion_rad;
    ASSERT_NEAR(r1.tau_passive(k), M, 1e-9 * M);
    const double T = expected_tension(M);
    EXPECT_NEAR(r1.posterior_tension(0), T, 1e-9 * T);
    EXPECT_NEAR(r1.sites[site].compression - r0.sites[site].compression, T, 1e-8 * T) << flexion_rad;
    // Shear and the other sites are untouched (the pair acts along the disc normal, between two bodies).
    EXPECT_NEAR(r1.sites[site].ap_shear, r0.sites[site].ap_shear, 1e-8 * T);
    for (std::size_t o = 0; o < lig.sites.size(); ++o) {
      if (static_cast<int>(o) == site) continue;
      EXPECT_NEAR(r1.sites[o].resultant, r0.sites[o].resultant, 1e-8 * (1 + T)) << lig.sites[o].name;
    }
    // The joint now carries only the disc's own share of the moment: Σ s·M went to the ligaments.
    double shares = 0.0;
    for (const PosteriorElement& e : kElements) shares += e.share;
    EXPECT_NEAR(r0.tau_residual(k) - r1.tau_residual(k), shares * M, 1e-8 * M);
    EXPECT_LT((r1.tau_id - r0.tau_id).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(PosteriorElements, SlackInExtension) {
  const MusculoskeletalModel plain = with_lumbar_passive(false, false);
  const MusculoskeletalModel lig = with_lumbar_passive(false, true);
  Pipeline p0(plain, {}), p1(lig, {});
  const int site = site_of(lig, "torso");
  const State s = static_posture(lig.model, 0.2);
  const FrameResult r0 = p0.run_frame(s.q, s.qd, s.qdd);
  const FrameResult& r1 = p1.run_frame(s.q, s.qd, s.qdd);
  ASSERT_LT(r1.tau_passive(lig.model.find_coordinate("lumbar_extension")), -1.0);  // a real moment, resisting extension
  EXPECT_EQ(r1.posterior_tension(0), 0.0);
  EXPECT_NEAR(r1.sites[site].compression, r0.sites[site].compression, 1e-9 * (1 + std::abs(r0.sites[site].compression)));
}

// Each body's Newton–Euler equation with the ligament forces recomputed here from their definition
// (T = s·M/d along the disc normal at d behind the joint centre, equal and opposite on the two bodies),
// plus the held load and the muscles, in random states with muscles on.
TEST(PosteriorElements, NewtonEulerClosesOnEveryBody) {
  const MusculoskeletalModel msm = with_lumbar_passive(true, true);
  const Model& model = msm.model;
  Pipeline p(msm, {});
  p.set_load_mass(10.0);
  const int torso = model.find_body("torso");
  const int k = model.find_coordinate("lumbar_extension");
  int flexed = 0;
  for (unsigned seed = 1; seed <= 8; ++seed) {
    const State s = random_state(model, seed);
    const FrameResult& r = p.run_frame(s.q, s.qd, s.qdd);
    Data d(model);
    forward_kinematics(model, d, s.q, s.qd, s.qdd);
    std::vector<Force> f_ext(model.nbodies, Force{Vec3::Zero(), Vec3::Zero()});
    apply_muscle_forces(model, p.data(), msm.muscles, p.muscle_data(), r.tension.cwiseProduct(msm.muscle_sides), f_ext);
    {
      const Vec3 a_point = point_acceleration(model, d, msm.load_body, r.load_position_W);
      const Vec3 f = 10.0 * (model.gravity - a_point);
      f_ext[msm.load_body].linear += f;
      f_ext[msm.load_body].angular += r.load_position_W.cross(f);
    }
    const double M = r.tau_passive(k);
    if (M > 0) {
      ++flexed;
      const SE3& X_WT = d.oMb[torso];  // the torso's frame is its joint frame: origin at the joint centre
      for (const PosteriorElement& e : kElements) {
        const Vec3 point = X_WT.translation - e.lever_arm_m * X_WT.rotation.col(0);
        const Vec3 f = -(e.share * M / e.lever_arm_m) * X_WT.rotation.col(1);
        f_ext[torso].linear += f;
        f_ext[torso].angular += point.cross(f);
        f_ext[model.parent[torso]].linear -= f;
        f_ext[model.parent[torso]].angular -= point.cross(f);
      }
    }
    expect_newton_euler_closes(model, d, p.data(), f_ext, r.posterior_tension(0), seed);
  }
  EXPECT_GT(flexed, 0) << "no random state flexed the lumbar joint: the ligament forces were never checked";
}

TEST(PosteriorElements, RunFrameDoesNotAllocate) {
  const MusculoskeletalModel msm = with_lumbar_passive(true, true);
  Pipeline p(msm, {});
  const State s = static_posture(msm.model, -0.3);
  p.run_frame(s.q, s.qd, s.qdd);  // warm up
  ASSERT_GT(p.result().posterior_tension(0), 0.0);
  test_support::allocations = 0;
  test_support::counting = true;
  for (int i = 0; i < 10; ++i) p.run_frame(s.q, s.qd, s.qdd);
  test_support::counting = false;
  EXPECT_EQ(test_support::allocations.load(), 0);
}

}  // namespace
}  // namespace dembones
