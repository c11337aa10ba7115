// compute_muscle_geometry walks each muscle's moment-arm column from a list built once
// (MuscleSet::walk_terms, make_muscle_set) and zeroes only the coordinates the column can reach
// (MuscleSet::reach). The list must be the nested walk (touched body, joints up to the common
// ancestor, their coordinates) in its order, the reach must be calc_muscle_coordinates, and a column
// must keep exact zeros elsewhere frame after frame.
#include <gtest/gtest.h>

#include <vector>

#include "multibody/configuration.hpp"
#include "multibody/jacobian.hpp"
#include "multibody/kinematics.hpp"
#include "multibody/sample_models.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

namespace dembones {
namespace {

TEST(MomentArmWalk, TermsAreTheNestedWalkInOrder) {
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::leg_and_trunk_muscles());
  ASSERT_GT(set.nmuscles, 0);
  ASSERT_EQ(static_cast<int>(set.walk_begin.size()), set.nmuscles + 1);
  ASSERT_EQ(static_cast<int>(set.reach_begin.size()), set.nmuscles + 1);
  for (int i = 0; i < set.nmuscles; ++i) {
    std::vector<std::pair<int, int>> nested;
    for (int b = set.body_begin[i]; b < set.body_begin[i + 1]; ++b)
      for (int j = set.bodies[b]; j != set.common_ancestor[i]; j = model.parent[j])
        for (int k = model.idx_v[j]; k < model.idx_v[j] + model.nv_j[j]; ++k) nested.emplace_back(k, b);
    std::vector<std::pair<int, int>> flat;
    for (int t = set.walk_begin[i]; t < set.walk_begin[i + 1]; ++t)
      flat.emplace_back(set.walk_terms[t].coordinate, set.walk_terms[t].body_slot);
    EXPECT_EQ(nested, flat) << set.names[i];
    const std::vector<int> reach(set.reach.begin() + set.reach_begin[i], set.reach.begin() + set.reach_begin[i + 1]);
    EXPECT_EQ(reach, calc_muscle_coordinates(model, set, i)) << set.names[i];
    EXPECT_FALSE(reach.empty()) << set.names[i];
  }
}

TEST(MomentArmWalk, ColumnsHoldExactZerosOutsideTheReach) {
  const Model model = samples::human20();
  const MuscleSet set = make_muscle_set(model, samples::leg_and_trunk_muscles());
  Data data(model);
  MuscleData md(model, set);
  int nonzero = 0;
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const VecX q = random_configuration(model, seed, 0.5);
    const VecX v = VecX::Constant(model.nv, 0.1);
    forward_kinematics(model, data, q, v);
    compute_joint_jacobians(model, data, q);
    compute_muscle_geometry(model, data, set, q, md);
    for (int i = 0; i < set.nmuscles; ++i) {
      std::vector<bool> in_reach(model.nv, false);
      for (int r = set.reach_begin[i]; r < set.reach_begin[i + 1]; ++r) in_reach[set.reach[r]] = true;
      for (int k = 0; k < model.nv; ++k) {
        if (!in_reach[k]) {
          EXPECT_EQ(md.moment_arm(k, i), 0.0) << set.names[i] << ", coordinate " << k;
        } else if (md.moment_arm(k, i) != 0.0) {
          ++nonzero;
        }
      }
    }
  }
  EXPECT_GT(nonzero, 0);  // the walk wrote something
}

}  // namespace
}  // namespace dembones
