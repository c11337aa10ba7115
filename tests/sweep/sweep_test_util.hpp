#pragma once
// Helpers of the sweep tests: a temporary folder, small sweep files over a short, low-rate lift
// (50 Hz, 1 s: a run takes a few tens of milliseconds), and an exact comparison of sweep files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/temp_dir.hpp"
#include "io/hdf5_reader.hpp"
#include "sweep/sweep_summary.hpp"

namespace dembones::sweep_test {

// A folder unique to the running test, removed afterwards.
class TempDir : public test_support::TempDir {
 public:
  TempDir() : test_support::TempDir("dembones_sweep_") {}
};

inline std::string scenarios_dir() { return std::string(DEMBONES_SOURCE_DIR) + "/scenarios"; }

// Writes `body` (the design and vary parts) after a `base:` line pointing at a shipped lift and a
// `set:` that makes its runs short.
inline std::filesystem::path write_sweep(const TempDir& dir, const std::string& name, const std::string& body,
                                         const std::string& base = "stoop_lift.yaml") {
  const auto path = dir / name;
  std::ofstream out(path);
  out << "base: " << scenarios_dir() << "/" << base << "\n"
      << "set: {solver.rate_hz: 50, task.duration_s: 1.0, task.pause_s: 0}\n"
      << body;
  return path;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// Every group and dataset of two sweep files equal to the last bit (NaN patterns included), and
// every run's record; root (provenance) attributes are not compared.
inline void expect_same_sweep_files(const std::filesystem::path& pa, const std::filesystem::path& pb) {
  const Hdf5Reader a(pa), b(pb);
  const auto la = a.list("/"), lb = b.list("/");
  ASSERT_EQ(la.size(), lb.size()) << pa << " vs " << pb;
  for (std::size_t i = 0; i < la.size(); ++i) {
    ASSERT_EQ(la[i].path, lb[i].path);
    ASSERT_EQ(la[i].is_group, lb[i].is_group) << la[i].path;
    if (la[i].is_group) continue;
    ASSERT_EQ(la[i].dims, lb[i].dims) << la[i].path;
    ASSERT_EQ(la[i].dtype, lb[i].dtype) << la[i].path;
    const std::string& p = la[i].path;
    if (la[i].dtype == "compound") {
      const auto ra = a.read_table_rows(p), rb = b.read_table_rows(p);
      ASSERT_EQ(ra.size(), rb.size()) << p;
      for (std::size_t r = 0; r < ra.size(); ++r) {
        ASSERT_EQ(ra[r].size(), rb[r].size());
        for (std::size_t c = 0; c < ra[r].size(); ++c) {
          if (const auto* x = std::get_if<double>(&ra[r][c])) {
            const auto* y = std::get_if<double>(&rb[r][c]);
            ASSERT_NE(y, nullptr);
            EXPECT_TRUE(std::memcmp(x, y, sizeof(double)) == 0) << p << " row " << r << " column " << c;
          } else {
            EXPECT_EQ(ra[r][c], rb[r][c]) << p << " row " << r << " column " << c;
          }
        }
      }
    } else if (la[i].dtype == "string") {
      EXPECT_EQ(a.read_strings(p), b.read_strings(p)) << p;
    } else {
      EXPECT_TRUE(same_bits(a.read_doubles(p), b.read_doubles(p))) << p;
    }
  }
  for (const std::string& run : a.children("/runs")) {
    const int index = std::stoi(run);
    const SweepRow ra = read_run_row(a, index), rb = read_run_row(b, index);
    EXPECT_EQ(ra.values, rb.values) << run;
    EXPECT_EQ(ra.status, rb.status) << run;
    EXPECT_EQ(ra.error, rb.error) << run;
    EXPECT_EQ(ra.frames, rb.frames) << run;
    EXPECT_EQ(ra.reserve_frames, rb.reserve_frames) << run;
    EXPECT_EQ(ra.cop_outside_frames, rb.cop_outside_frames) << run;
    EXPECT_TRUE(same_bits({ra.coupling_max_Nm}, {rb.coupling_max_Nm})) << run;
    EXPECT_TRUE(same_bits({ra.reserve_max_Nm}, {rb.reserve_max_Nm})) << run;
    EXPECT_EQ(ra.reserve_max_coordinate, rb.reserve_max_coordinate) << run;
    EXPECT_EQ(ra.reserve_max_sign, rb.reserve_max_sign) << run;
    EXPECT_EQ(ra.range_end_frames, rb.range_end_frames) << run;
    EXPECT_EQ(ra.unconverged_frames, rb.unconverged_frames) << run;
    ASSERT_EQ(ra.peaks.size(), rb.peaks.size()) << run;
    for (std::size_t k = 0; k < ra.peaks.size(); ++k) {
      EXPECT_EQ(ra.peaks[k].quantity, rb.peaks[k].quantity);
      EXPECT_TRUE(same_bits({ra.peaks[k].value, ra.peaks[k].value_bw, ra.peaks[k].time_s},
                            {rb.peaks[k].value, rb.peaks[k].value_bw, rb.peaks[k].time_s}))
          << run << " " << ra.peaks[k].quantity;
    }
  }
}

}  // namespace dembones::sweep_test
