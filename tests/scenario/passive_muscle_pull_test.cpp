// The muscles' passive pull on a coordinate (scenario/passive_muscle_pull.hpp), which `dembones run`
// prints beside the largest reserve: recomputed at the frame's posture, it equals the pull from the
// moment arms the run stored, and it tells a posture beyond the muscles' length (a tall subject's
// unloaded stoop to a box between the feet: the hamstrings stretched to 1.6 optimal fibre lengths pull
// the hips into extension harder than gravity, the hip flexors saturate) from a load beyond their
// strength (holding 20 kg far in front: the back extensors at their limit, little passive pull).
#include "scenario/passive_muscle_pull.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::Ran;
using scenario_test::run_scenario;
using scenario_test::short_scenario;

struct LargestReserve {
  int frame = 0, coordinate = 0;
};

LargestReserve largest_reserve(const RunRecord& r) {
  Eigen::Index f = 0, k = 0;
  r.reserve.cwiseAbs().maxCoeff(&f, &k);
  return {static_cast<int>(f), static_cast<int>(k)};
}

TEST(PassiveMusclePull, HamstringsStretchedInADeepStoopPullTheHipsHarderThanGravity) {
  const Ran ran = run_scenario(short_scenario(
      "stoop_lift.yaml", {parse_override("task.box.mass_kg=0"), parse_override("task.start.forward_m=0.15"),
                          parse_override("task.duration_s=2.5"), parse_override("subject.height_m=1.9"),
                          parse_override("output.store=full")}));
  const MusculoskeletalModel& msm = ran.run->msm;
  const RunRecord& r = ran.record;
  ASSERT_GT(r.reserve.cwiseAbs().maxCoeff(), 1.0) << "the scenario must need reserves";
  const LargestReserve at = largest_reserve(r);
  EXPECT_EQ(msm.model.coordinate_names[static_cast<std::size_t>(at.coordinate)], "hip_flexion");
  const PassiveMusclePull pull = passive_muscle_pull(msm, r, at.frame, at.coordinate, 3);

  // The same sum from the moment arms the run stored (store: full).
  const int m = msm.muscles.nmuscles, nv = msm.model.nv;
  ASSERT_EQ(r.moment_arm.size(), static_cast<std::size_t>(r.frames()) * m * nv);
  double stored = 0;
  for (int i = 0; i < m; ++i)
    stored += r.passive_force(at.frame, i) * msm.muscle_sides(i) *
              r.moment_arm[(static_cast<std::size_t>(at.frame) * m + i) * nv + at.coordinate];
  EXPECT_NEAR(pull.moment_Nm, stored, 1e-9 * std::abs(stored));

  // Toward extension, larger than the hip's net moment, against the reserve (which flexes).
  EXPECT_LT(pull.moment_Nm, 0.0);
  EXPECT_GT(std::abs(pull.moment_Nm), std::abs(r.tau_id(at.frame, at.coordinate)));
  EXPECT_GT(r.reserve(at.frame, at.coordinate), 0.0);
  ASSERT_FALSE(pull.largest.empty());
  const std::string& first = pull.largest.front().muscle;
  EXPECT_TRUE(first == "semimembranosus" || first == "biceps_femoris_long_head" || first == "semitendinosus") << first;
  EXPECT_GT(pull.largest.front().fiber_per_optimal, 1.4);
  EXPECT_GT(pull.largest.front().force_N, 500.0);
}

TEST(PassiveMusclePull, IsSmallWhereTheReserveIsStrength) {
  const Ran ran = run_scenario(short_scenario("hold_far.yaml"));
  const RunRecord& r = ran.record;
  ASSERT_GT(r.reserve.cwiseAbs().maxCoeff(), 1.0) << "the scenario must need reserves";
  const LargestReserve at = largest_reserve(r);
  const PassiveMusclePull pull = passive_muscle_pull(ran.run->msm, r, at.frame, at.coordinate);
  EXPECT_LT(std::abs(pull.moment_Nm), 0.5 * std::abs(r.tau_id(at.frame, at.coordinate)));
}

}  // namespace
}  // namespace dembones
