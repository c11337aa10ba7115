// The checks `dembones run` and `dembones info` print (common/run_checks.hpp): the NIOSH line says when
// the peak is a lower bound (frames needing reserves), and every coordinate a reserve acted on is named,
// not only the largest (an L4-root squat's knee reserve hid behind its lumbar one).
#include "common/run_checks.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <string>
#include <vector>

namespace dembones {
namespace {

// A coordinate at an end of its range, or beyond it, counts; one inside by more than half a degree not.
TEST(RunChecks, AtRangeEndCountsTheEndsAndBeyond) {
  const Eigen::Vector2d lo(-1.0, 0.0), hi(1.0, 2.0);
  EXPECT_FALSE(at_range_end(Eigen::Vector2d(0.0, 1.0), lo, hi));
  EXPECT_TRUE(at_range_end(Eigen::Vector2d(0.999, 1.0), lo, hi));
  EXPECT_TRUE(at_range_end(Eigen::Vector2d(0.0, 2.3), lo, hi)) << "beyond the upper end";
  EXPECT_TRUE(at_range_end(Eigen::Vector2d(-1.5, 1.0), lo, hi)) << "beyond the lower end";
  EXPECT_FALSE(at_range_end(Eigen::Vector2d(0.98, 0.02), lo, hi)) << "1.1 deg inside both ends";
}

TEST(RunChecks, NioshLineSaysWhenThePeakIsALowerBound) {
  EXPECT_EQ(niosh_line(3000.0), "NIOSH action limit 3400 N: L5/S1 peak 3000 N is below the limit (88 %)\n");
  const std::string spine = niosh_line(3000.0, 200, 150);
  EXPECT_NE(spine.find("150 frames needed reserves at the spinal levels, so the peak is a lower bound"), std::string::npos)
      << spine;
  // Reserves at the hip or knee only (an L4-root squat): not a lower bound of L5/S1 (audit).
  const std::string legs = niosh_line(3000.0, 200, 0);
  EXPECT_EQ(legs.find("lower bound"), std::string::npos) << legs;
  EXPECT_NE(legs.find("the 200 frames that needed reserves needed none over 1 N*m at the spinal levels"),
            std::string::npos) << legs;
  // Unknown (no reserve series at hand): said with its condition.
  EXPECT_NE(niosh_line(3000.0, 200).find("where they act at the spinal levels the peak is a lower bound"),
            std::string::npos);
}

TEST(RunChecks, PassiveOverloadLineNamesTheMusclesStretchedPastTheirStrength) {
  Eigen::MatrixXd passive = Eigen::MatrixXd::Zero(3, 3);
  passive(1, 0) = 250.0;  // 2.5 x its 100 N
  passive(2, 1) = 150.0;  // under its 200 N
  passive(0, 2) = 90.0;   // 1.8 x its 50 N
  const Eigen::Vector3d f0(100.0, 200.0, 50.0), time(0.0, 0.5, 1.0);
  const std::vector<std::string> names = {"psoas", "iliacus", "rectus"};
  const std::string line = passive_overload_line(passive, f0, names, time);
  EXPECT_NE(line.find("muscles stretched past their strength: 2 of them"), std::string::npos) << line;
  EXPECT_NE(line.find("(psoas 2.5 x (t = 0.50 s), rectus 1.8 x (t = 0.00 s))"), std::string::npos) << line;
  passive(1, 0) = 100.0;  // at its strength: not past it
  passive(0, 2) = 0.0;
  EXPECT_EQ(passive_overload_line(passive, f0, names, time), "");
}

TEST(RunChecks, MostActiveLineSeparatesTheMusclesWithoutATrailingSemicolon) {
  EXPECT_EQ(most_active_line({{"soleus", 1.0}, {"psoas", 0.456}}),
            "most active muscles (peak activation): soleus 1.00; psoas 0.46\n");
}

TEST(RunChecks, SpinalReserveFramesCountFlaggedFramesWithALumbarReserve) {
  for (const char* yes : {"L5_S1_extension", "T12_L1_extension", "L1_L2", "T11_T12"})
    EXPECT_TRUE(is_spinal_level_coordinate(yes)) << yes;
  for (const char* no : {"hip_flexion", "knee_angle", "L5", "lumbar_extension", "L_S1", "S1_", "C7_T1_flexion"})
    EXPECT_FALSE(is_spinal_level_coordinate(no)) << no;
  Eigen::MatrixXd reserve = Eigen::MatrixXd::Zero(4, 3);
  reserve(0, 0) = 5.0;   // lumbar, but the frame is not flagged
  reserve(1, 0) = -2.0;  // lumbar, flagged
  reserve(2, 1) = 30.0;  // hip only, flagged
  reserve(3, 0) = 0.5;   // lumbar under 1 N*m, flagged for its hip
  reserve(3, 1) = 9.0;
  const std::vector<std::string> names = {"L5_S1_extension", "hip_flexion", "knee_angle"};
  const Eigen::Vector4d flag(0, 1, 1, 1);
  EXPECT_EQ(spinal_reserve_frames(reserve, names, flag), 1);
  // With the run's own flag threshold (solver.reserve_threshold_Nm): 0.4 counts the 0.5 N*m frame too.
  EXPECT_EQ(spinal_reserve_frames(reserve, names, flag, 0.4), 2);
  EXPECT_NE(niosh_line(3000.0, 3, 0, 0.4).find("needed none over 0.4 N*m"), std::string::npos);
  // A model that names no level so: not known (-1), and the NIOSH line then says it with its condition.
  EXPECT_EQ(spinal_reserve_frames(reserve, std::vector<std::string>{"lumbar_ext", "hip_flexion", "knee_angle"}, flag), -1);
}

TEST(RunChecks, ReservesByCoordinateNameEveryCoordinateLargestFirst) {
  Eigen::MatrixXd reserve = Eigen::MatrixXd::Zero(4, 3);
  reserve(1, 0) = 98.3;   // lumbar, three frames over 1 N*m
  reserve(2, 0) = 50.0;
  reserve(3, 0) = 2.0;
  reserve(2, 1) = -40.4;  // knee, one frame
  reserve(0, 2) = 0.5;    // under 1 N*m: left out
  const std::vector<std::string> names = {"L1_L2_extension", "knee_angle", "ankle_angle"};
  EXPECT_EQ(reserves_by_coordinate_line(reserve, names),
            "reserves by coordinate (largest, frames over 1 N*m; legs: both sides): L1_L2_extension +98.3 N*m in 3; "
            "knee_angle -40.4 N*m in 1;\n");
  // One coordinate only: the run line's "largest reserve" already names it.
  reserve.col(1).setZero();
  EXPECT_EQ(reserves_by_coordinate_line(reserve, names), "");
}

}  // namespace
}  // namespace dembones
