// A run's record as the MPI ranks send it to rank 0 (pack_run_row / unpack_run_row): read back to the
// last bit, failed runs without peaks included, and damaged messages refused.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "sweep/sweep_summary.hpp"

namespace dembones {
namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

SweepRow sample_row() {
  SweepRow row;
  row.index = 4711;
  row.values = {"squat", "12.5", ""};
  row.status = "ok";
  row.frames = 201;
  row.reserve_frames = 3;
  row.cop_outside_frames = 7;
  row.coupling_max_Nm = 41.04917;
  row.reserve_max_Nm = 12.62841;
  row.reserve_max_coordinate = "hip_flexion";
  row.reserve_max_sign = -1;
  row.range_end_frames = 11;
  row.unconverged_frames = 2;
  row.peaks = {Peak{"L5_S1_compression", 3456.789012345678, 0.73, 4.9876543210987},
               Peak{"hip_contact_right", std::numeric_limits<double>::quiet_NaN(), -0.0, 1e-300},
               Peak{"knee_tibiofemoral_left", std::numeric_limits<double>::infinity(), 2.0, 5e-324}};
  return row;
}

TEST(SweepRowMessage, ReadsBackToTheLastBit) {
  const SweepRow row = sample_row();
  const double bw = 784.5318000000001;
  double bw_back = 0;
  const SweepRow back = unpack_run_row(pack_run_row(row, bw), bw_back);
  EXPECT_TRUE(same_bits(bw_back, bw));
  EXPECT_EQ(back.index, row.index);
  EXPECT_EQ(back.values, row.values);
  EXPECT_EQ(back.status, row.status);
  EXPECT_EQ(back.error, row.error);
  EXPECT_EQ(back.frames, row.frames);
  EXPECT_EQ(back.reserve_frames, row.reserve_frames);
  EXPECT_EQ(back.cop_outside_frames, row.cop_outside_frames);
  EXPECT_TRUE(same_bits(back.coupling_max_Nm, row.coupling_max_Nm));
  EXPECT_TRUE(same_bits(back.reserve_max_Nm, row.reserve_max_Nm));
  EXPECT_EQ(back.reserve_max_coordinate, row.reserve_max_coordinate);
  EXPECT_EQ(back.reserve_max_sign, row.reserve_max_sign);
  EXPECT_EQ(back.range_end_frames, row.range_end_frames);
  EXPECT_EQ(back.unconverged_frames, row.unconverged_frames);
  ASSERT_EQ(back.peaks.size(), row.peaks.size());
  for (std::size_t i = 0; i < row.peaks.size(); ++i) {
    EXPECT_EQ(back.peaks[i].quantity, row.peaks[i].quantity);
    EXPECT_TRUE(same_bits(back.peaks[i].value, row.peaks[i].value)) << i;
    EXPECT_TRUE(same_bits(back.peaks[i].time_s, row.peaks[i].time_s)) << i;
    EXPECT_TRUE(same_bits(back.peaks[i].value_bw, row.peaks[i].value_bw)) << i;
  }
}

TEST(SweepRowMessage, FailedRunWithoutPeaks) {
  SweepRow row;
  row.index = 2;
  row.values = {"stoop", "1.4"};
  row.status = "failed";
  row.error = std::string("scenario.yaml:12:3: task.start.forward_m: the box is out of reach\n") + '\0' + "tail";
  double bw = 1;
  const SweepRow back = unpack_run_row(pack_run_row(row, 0.0), bw);
  EXPECT_EQ(bw, 0.0);
  EXPECT_EQ(back.status, "failed");
  EXPECT_EQ(back.error, row.error);  // any bytes, embedded NUL included
  EXPECT_EQ(back.values, row.values);
  EXPECT_TRUE(back.peaks.empty());
  EXPECT_EQ(back.frames, 0);
}

TEST(SweepRowMessage, DamagedMessagesAreRefused) {
  const std::string bytes = pack_run_row(sample_row(), 700.0);
  double bw = 0;
  for (const std::size_t cut : {std::size_t{0}, std::size_t{7}, bytes.size() / 2, bytes.size() - 1})
    EXPECT_THROW(unpack_run_row(std::string_view(bytes).substr(0, cut), bw), InternalError) << cut;
  EXPECT_THROW(unpack_run_row(bytes + "x", bw), InternalError);
}

}  // namespace
}  // namespace dembones
