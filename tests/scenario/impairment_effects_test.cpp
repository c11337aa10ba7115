// Impairments change the loads in the direction docs/scenarios.md states (issue #7), on the shipped
// seed scenarios at 50 Hz, each against the same task without the impairment:
// - a tight psoas bears passive tension standing, which presses the lumbar spine together and pulls
//   it forward (Bogduk et al. 1992: the psoas exerts severe compression and large shear);
// - weakened muscles hand force to the muscles that share their moments (glutes to hamstrings), and
//   those without partners (the lumbar back extensors) work nearer their limit: higher activation,
//   and no fewer frames the muscles cannot balance;
// - a nerve-root cap holds every muscle of that root at or below the cap, and the quadriceps (L2-L4)
//   carry less of a squat lift.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenario_test_util.hpp"

namespace dembones {
namespace {

using scenario_test::peak;
using scenario_test::Ran;
using scenario_test::run_scenario;
using scenario_test::short_scenario;

bool in_group(const MuscleSet& set, int i, const std::string& g) {
  return std::find(set.groups[i].begin(), set.groups[i].end(), g) != set.groups[i].end();
}

double group_peak(const Ran& r, const std::string& g, const MatX& series) {
  const MuscleSet& set = r.run->msm.muscles;
  double best = 0;
  for (int f = 0; f < series.rows(); ++f) {
    double sum = 0;
    for (int i = 0; i < set.nmuscles; ++i)
      if (in_group(set, i, g)) sum += series(f, i) * r.run->msm.muscle_sides(i);
    best = std::max(best, sum);
  }
  return best;
}

int reserve_frames(const Ran& r) { return static_cast<int>((r.record.reserve_flag.array() > 0).count()); }

TEST(ImpairmentEffects, TightPsoasCompressesAndShearsTheLumbarSpine) {
  const Ran base = run_scenario(short_scenario("psoas_tight_stand.yaml", {parse_override("impairments=[]")}));
  const Ran tight = run_scenario(short_scenario("psoas_tight_stand.yaml"));
  EXPECT_GT(group_peak(tight, "psoas", tight.record.passive_force), 1.5 * group_peak(base, "psoas", base.record.passive_force));
  for (const char* q : {"L5_S1_compression", "L4_L5_compression", "L5_S1_ap_shear"})
    EXPECT_GT(peak(tight.record, tight.run->msm, q), peak(base.record, base.run->msm, q)) << q;
}

// Mean over frames of the summed active tension (N) or activation of a group.
double group_mean(const Ran& r, const std::string& g, const MatX& series) {
  const MuscleSet& set = r.run->msm.muscles;
  double sum = 0;
  for (int i = 0; i < set.nmuscles; ++i)
    if (in_group(set, i, g)) sum += series.col(i).mean() * r.run->msm.muscle_sides(i);
  return sum;
}

TEST(ImpairmentEffects, AWeakCoreWorksNearerItsLimit) {
  // Weakening a group (glutes, abdominals, back extensors, hip flexors at 50 %) moves force to the
  // muscles that share its moments: the glutes carry less and the hamstrings, which also extend the
  // hip, more. The back extensors have no such partner at the lumbar levels, so they must work nearer
  // their limit: higher activation for the same task. (Whether a weakened muscle's activation rises
  // depends on its partners: the glutes' may fall when the hamstrings and adductor magnus take over.)
  const Ran base = run_scenario(short_scenario("weak_core_squat_lift.yaml", {parse_override("impairments=[]")}));
  const Ran weak = run_scenario(short_scenario("weak_core_squat_lift.yaml"));
  const MatX active_base = base.record.tension - base.record.passive_force;
  const MatX active_weak = weak.record.tension - weak.record.passive_force;
  EXPECT_LT(group_mean(weak, "glutes", active_weak), group_mean(base, "glutes", active_base));
  EXPECT_GT(group_mean(weak, "hamstrings", active_weak), group_mean(base, "hamstrings", active_base));
  EXPECT_GT(group_mean(weak, "back_extensors", weak.record.activation),
            group_mean(base, "back_extensors", base.record.activation));
  EXPECT_GE(reserve_frames(weak), reserve_frames(base));
}

TEST(ImpairmentEffects, AnL4RootCapHoldsItsMusclesAndUnloadsTheQuadriceps) {
  const Ran base = run_scenario(short_scenario("l4_root_squat_lift.yaml", {parse_override("impairments=[]")}));
  const Ran l4 = run_scenario(short_scenario("l4_root_squat_lift.yaml"));
  const MuscleSet& set = l4.run->msm.muscles;
  int capped = 0;
  for (int i = 0; i < set.nmuscles; ++i)
    if (std::find(set.nerve_roots[i].begin(), set.nerve_roots[i].end(), "L4") != set.nerve_roots[i].end()) {
      ++capped;
      EXPECT_LE(l4.record.activation.col(i).maxCoeff(), 0.3 + 1e-9) << set.names[i];
    }
  EXPECT_GT(capped, 3);
  const double active_base = group_peak(base, "quadriceps", base.record.tension - base.record.passive_force);
  const double active_l4 = group_peak(l4, "quadriceps", l4.record.tension - l4.record.passive_force);
  EXPECT_LT(active_l4, active_base);
}

}  // namespace
}  // namespace dembones
