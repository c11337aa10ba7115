// What a joint-load site reports, from a known joint wrench: the signs of the shears, the moment about
// the site origin, the per-side factor, and the patellofemoral force from the quadriceps tension. The
// pipeline's Newton-Euler checks pass whatever these conventions are, so they are pinned here, each
// against the definition in solvers/joint_reactions.hpp (a mutation audit flipped each one unseen).
#include <gtest/gtest.h>

#include <cmath>

#include "site_test_fixture.hpp"

namespace dembones {
namespace {

using site_test::Fixture;

TEST(SiteLoad, CompressionAndShearSignsFollowTheirDefinitions) {
  Fixture fx;
  // Force of the lower on the upper segment, site axes: 100 N posterior (-x) push back on an upper
  // segment driven anteriorly, 500 N along the normal (pressing), 80 N to the left (-z).
  fx.set_load(Vec3(-100.0, 500.0, -80.0), Vec3::Zero());
  const SiteLoad s = site_load(fx.model, fx.data, fx.site);
  EXPECT_NEAR(s.compression, 500.0, 1e-9);
  EXPECT_NEAR(s.ap_shear, 100.0, 1e-9);       // positive: the load drives the upper segment anteriorly
  EXPECT_NEAR(s.lateral_shear, 80.0, 1e-9);   // positive: ... to the right
  EXPECT_NEAR(s.resultant, std::sqrt(100.0 * 100.0 + 500.0 * 500.0 + 80.0 * 80.0), 1e-9);
  fx.set_load(Vec3(40.0, -200.0, 30.0), Vec3::Zero());
  const SiteLoad t = site_load(fx.model, fx.data, fx.site);
  EXPECT_NEAR(t.compression, -200.0, 1e-9);  // pulling apart
  EXPECT_NEAR(t.ap_shear, -40.0, 1e-9);
  EXPECT_NEAR(t.lateral_shear, -30.0, 1e-9);
}

TEST(SiteLoad, MomentIsAboutTheSiteOrigin) {
  Fixture fx;
  // 500 N along the normal acting 3 cm anterior of the site origin: a moment of 15 N m about the site's
  // lateral (z) axis, r x f = (0.03, 0, 0) x (0, 500, 0) = (0, 0, 15); none when it acts at the origin.
  fx.set_load(Vec3(0.0, 500.0, 0.0), Vec3(0.03, 0.0, 0.0));
  const SiteLoad s = site_load(fx.model, fx.data, fx.site);
  EXPECT_LT((s.moment_S - Vec3(0.0, 0.0, 15.0)).norm(), 1e-9) << s.moment_S.transpose();
  fx.set_load(Vec3(0.0, 500.0, 0.0), Vec3::Zero());
  EXPECT_LT(site_load(fx.model, fx.data, fx.site).moment_S.norm(), 1e-9);
}

TEST(SiteLoad, ABilateralSiteReportsOneSide) {
  Fixture fx;
  fx.set_load(Vec3(-100.0, 500.0, 0.0), Vec3(0.03, 0.0, 0.0));
  const SiteLoad both = site_load(fx.model, fx.data, fx.site);
  fx.site.side_factor = 0.5;
  const SiteLoad one = site_load(fx.model, fx.data, fx.site);
  EXPECT_NEAR(one.compression, 0.5 * both.compression, 1e-9);
  EXPECT_NEAR(one.ap_shear, 0.5 * both.ap_shear, 1e-9);
  EXPECT_LT((one.moment_S - 0.5 * both.moment_S).norm(), 1e-9);
}

// F_pf = ratio(knee angle) x the quadriceps' summed tension per side, the ratio read at the knee's own
// (signed) angle.
// The coordinate is a velocity index; the angle is read at its q index (three more after human20's
// quaternions: reading q at the velocity index took a neighbouring entry, review).
TEST(SiteLoad, PatellofemoralForceIsTheRatioTimesTheQuadricepsTension) {
  const Model model = samples::human20();
  ASSERT_GT(model.nq, model.nv);   // quaternions: the base's and the spherical hips'
  const int last = model.nv - 1;  // the last joint's one revolute coordinate: q index nq - 1
  LoadSite pf;
  pf.kind = LoadSite::Kind::patellofemoral;
  pf.coordinate = last;
  pf.muscles = {0, 2};
  // A ratio rising with knee flexion (knee angle negative in flexion, as the lifter's).
  pf.ratio = CubicSpline({-2.0, -1.0, 0.0}, {1.2, 0.9, 0.4});
  VecX q = model.neutral_configuration();
  q(model.nq - 1) = -1.0;
  q(last) = 0.0;  // the entry at the velocity index
  VecX tension(3);
  tension << 300.0, 999.0, 200.0;  // muscle 1 is not a quadriceps muscle
  const SiteLoad s = patellofemoral_load(model, pf, q, tension);
  EXPECT_NEAR(s.compression, pf.ratio.value(-1.0) * 500.0, 1e-9);
  EXPECT_NEAR(s.compression, 0.9 * 500.0, 1e-9);
  q(model.nq - 1) = -2.0;
  EXPECT_NEAR(patellofemoral_load(model, pf, q, tension).compression, 1.2 * 500.0, 1e-9);
}

}  // namespace
}  // namespace dembones
