// T12/L1 is articulated in the lifter (models/lifter.yaml, docs/models.md): it moves with the lumbar
// levels at the ratio to L1/L2 measured in the same subjects, its centre sits one L1 spacing above the
// L1/L2 centre, and its disc reports a load that the thorax's muscles balance.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::run_scenario;
using scenario_test::short_scenario;

int site_index(const MusculoskeletalModel& msm, const std::string& name) {
  for (std::size_t i = 0; i < msm.sites.size(); ++i)
    if (msm.sites[i].name == name) return static_cast<int>(i);
  ADD_FAILURE() << "no site " << name;
  return 0;
}

TEST(T12L1, FlexesWithTheLumbarLevelsCarriesItsLoadAndSitsAboveL1L2) {
  const auto ran = run_scenario(short_scenario("stoop_lift.yaml"));
  const MusculoskeletalModel& msm = ran.run->msm;
  const RunRecord& r = ran.record;
  const int t12 = msm.model.find_coordinate("T12_L1_extension"), l1 = msm.model.find_coordinate("L1_L2_extension");
  ASSERT_GE(t12, 0);
  ASSERT_GE(l1, 0);
  // Mean flexion-extension motion 4.95 deg at T12-L1 and 6.85 deg at L1-L2 in the same subjects
  // (weight-bearing kinetic MRI; Yao et al. 2020, Medicine 99:e18202, abstract).
  const double ratio = 4.95 / 6.85;
  double most_flexed = 0.0;
  for (Eigen::Index f = 0; f < r.frames(); ++f) {
    EXPECT_NEAR(r.q(f, t12), ratio * r.q(f, l1), 1e-3 * std::abs(r.q(f, l1)) + 1e-9) << "frame " << f;
    most_flexed = std::min(most_flexed, r.q(f, t12));
  }
  EXPECT_LT(most_flexed, -5.0 * scenario_test::kDeg) << "the stoop flexes T12/L1";

  // Its disc is loaded (the thorax's weight and muscles) and, with the lighter body above it, less
  // than L1/L2's.
  const SiteSeries& top = r.sites[site_index(msm, "T12_L1")];
  const SiteSeries& below = r.sites[site_index(msm, "L1_L2")];
  EXPECT_GT(top.compression.minCoeff(), 0.0);
  EXPECT_LT(top.compression.maxCoeff(), below.compression.maxCoeff());
  // No frame needed a reserve actuator (the thorax's muscles balance T12/L1 with the lumbar levels).
  EXPECT_EQ(r.reserve_flag.sum(), 0.0);

  // The centre: 31.3 mm above the L1/L2 centre for the lifter's reference subject (the L1 spacing of
  // Bruno, Bouxsein & Anderson 2015's thoracolumbar model, J Biomech Eng 137:081003), scaled with the
  // trunk for this 1.75 m subject; above it in the standing end of the lift.
  const Eigen::Index stand = r.frames() - 1;
  const Eigen::Vector3d d = top.position.row(stand) - below.position.row(stand);
  EXPECT_NEAR(d.norm(), 0.0313, 0.03 * 0.0313);
  EXPECT_GT(d.y(), 0.9 * d.norm());
}

}  // namespace
}  // namespace dembones
