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

TEST(RunChecks, NioshLineSaysWhenThePeakIsALowerBound) {
  EXPECT_EQ(niosh_line(3000.0), "NIOSH action limit 3400 N: L5/S1 peak 3000 N is below the limit (88 %)\n");
  const std::string with = niosh_line(3000.0, 200);
  EXPECT_NE(with.find("200 frames needed reserves, so the peak is a lower bound"), std::string::npos) << with;
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
