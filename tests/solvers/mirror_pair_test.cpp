// Midline sites of a left-right symmetric model that lumps each bilateral pair into one side
// (LoadSite::mirror_pair): the site must report what the real pair transmits. Checked against the
// pair built explicitly: a lumped load (twice one side's) and the sum of that side's load with its
// mirror image about the midsagittal plane through the site give the same site load; a site that is
// not flagged keeps the lumped model's lateral force and out-of-plane moments.
#include <gtest/gtest.h>

#include <random>

#include "site_test_fixture.hpp"

namespace dembones {
namespace {

// The world wrench (about the world origin) of force f applied at point p.
Force wrench_at(const Vec3& p, const Vec3& f) { return Force{p.cross(f), f}; }

// Mirror image about the plane z = z0: points reflect, forces (polar vectors) reflect their z.
Vec3 mirror_point(const Vec3& p, double z0) { return Vec3(p.x(), p.y(), 2.0 * z0 - p.z()); }
Vec3 mirror_vector(const Vec3& v) { return Vec3(v.x(), v.y(), -v.z()); }

using site_test::Fixture;

TEST(MirrorPair, LumpedLoadReportsTheExplicitPair) {
  Fixture fx;
  const double z0 = fx.site_origin().z();  // the midsagittal plane passes through the midline site
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 20; ++trial) {
    // One side's loads above the joint: muscle pulls and weights at points off the midline.
    Force one_side{Vec3::Zero(), Vec3::Zero()};
    Force pair{Vec3::Zero(), Vec3::Zero()};
    for (int k = 0; k < 4; ++k) {
      const Vec3 p = fx.site_origin() + Vec3(0.2 * u(rng), 0.3 * u(rng), 0.05 + 0.15 * std::abs(u(rng)));
      const Vec3 f(800.0 * u(rng), 800.0 * u(rng), 300.0 * u(rng));
      one_side = one_side + wrench_at(p, f);
      pair = pair + wrench_at(p, f) + wrench_at(mirror_point(p, z0), mirror_vector(f));
    }
    LoadSite lumped_site = fx.site;
    lumped_site.mirror_pair = true;
    fx.data.f_joint_W[fx.site.body] = one_side * 2.0;  // the lumped model: the pair's side twice over
    const SiteLoad lumped = site_load(fx.model, fx.data, lumped_site);
    fx.data.f_joint_W[fx.site.body] = pair;  // the real pair, explicitly
    const SiteLoad explicit_pair = site_load(fx.model, fx.data, fx.site);
    EXPECT_LT((lumped.force_S - explicit_pair.force_S).norm(), 1e-9 * explicit_pair.force_S.norm());
    EXPECT_LT((lumped.moment_S - explicit_pair.moment_S).norm(), 1e-9 * (1.0 + explicit_pair.moment_S.norm()));
    EXPECT_NEAR(lumped.compression, explicit_pair.compression, 1e-9 * std::abs(explicit_pair.compression) + 1e-9);
    EXPECT_NEAR(lumped.lateral_shear, 0.0, 1e-9);
  }
}

TEST(MirrorPair, UnflaggedSiteKeepsTheLumpedLateralLoad) {
  Fixture fx;
  const Vec3 p = fx.site_origin() + Vec3(0.05, 0.2, 0.1);
  fx.data.f_joint_W[fx.site.body] = wrench_at(p, Vec3(100.0, 500.0, 80.0)) * 2.0;
  const SiteLoad plain = site_load(fx.model, fx.data, fx.site);
  LoadSite flagged = fx.site;
  flagged.mirror_pair = true;
  const SiteLoad pair = site_load(fx.model, fx.data, flagged);
  EXPECT_NEAR(std::abs(plain.lateral_shear), 160.0, 1e-9);  // a per-side joint keeps its own side's load
  EXPECT_GT(plain.moment_S.head<2>().norm(), 10.0);
  // The flag removes only what the mirror image cancels: compression, shear in the plane and the
  // moment about the joint axis are the same.
  EXPECT_NEAR(pair.compression, plain.compression, 1e-9);
  EXPECT_NEAR(pair.ap_shear, plain.ap_shear, 1e-9);
  EXPECT_NEAR(pair.moment_S.z(), plain.moment_S.z(), 1e-9);
  EXPECT_NEAR(pair.lateral_shear, 0.0, 1e-12);
}

}  // namespace
}  // namespace dembones
