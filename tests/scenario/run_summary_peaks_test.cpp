// The peaks a run reports (summarize, scenario/run_record.hpp): compression and resultant at their
// largest value, shear at its largest magnitude, whichever way it acts, with the time and the value in
// body weights (a mutation audit reported the signed largest shear unseen).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "multibody/sample_models.hpp"
#include "scenario/run_record.hpp"

namespace dembones {
namespace {

const Peak& peak(const std::vector<Peak>& peaks, const std::string& name) {
  for (const Peak& p : peaks)
    if (p.quantity == name) return p;
  throw std::runtime_error("no peak " + name);
}

TEST(RunSummaryPeaks, ShearPeaksAtItsLargestMagnitudeEitherWay) {
  MusculoskeletalModel msm;
  msm.model = samples::human20();
  msm.body_mass_kg = 70.0;
  LoadSite site;
  site.name = "L5_S1";
  msm.sites.push_back(site);
  RunRecord r(msm, 4, /*full=*/false);
  r.time = (VecX(4) << 0.0, 0.1, 0.2, 0.3).finished();
  ASSERT_EQ(r.sites.size(), 1u);
  SiteSeries& s = r.sites[0];
  s.compression = (VecX(4) << 100.0, 300.0, 200.0, -400.0).finished();  // pulling apart is not compression
  s.ap_shear = (VecX(4) << 10.0, -50.0, 20.0, 30.0).finished();          // largest posteriorly
  s.resultant = (VecX(4) << 101.0, 304.0, 201.0, 401.0).finished();
  const std::vector<Peak> peaks = summarize(msm, r);
  const double bw = 70.0 * std::abs(msm.model.gravity.y());
  EXPECT_EQ(peak(peaks, "L5_S1_compression").value, 300.0);
  EXPECT_EQ(peak(peaks, "L5_S1_compression").time_s, 0.1);
  EXPECT_EQ(peak(peaks, "L5_S1_ap_shear").value, 50.0);
  EXPECT_EQ(peak(peaks, "L5_S1_ap_shear").time_s, 0.1);
  EXPECT_NEAR(peak(peaks, "L5_S1_ap_shear").value_bw, 50.0 / bw, 1e-15);
  EXPECT_EQ(peak(peaks, "L5_S1_resultant").value, 401.0);
  EXPECT_EQ(peak(peaks, "L5_S1_resultant").time_s, 0.3);
}

}  // namespace
}  // namespace dembones
