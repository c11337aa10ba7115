#pragma once
// The checks a run prints after its peak loads (`dembones run`, cli/summary.cpp) and `dembones info`
// prints again from the run file (io/hdf5_describe.cpp): one wording, one limit.
#include <Eigen/Core>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dembones {

// A coordinate this close to an end of its range is at its limit (scripts/validate.py marks such
// angles the same way): there the motion is held by the range, not by the task.
inline constexpr double kRangeLimitTolerance_rad = 0.5 * 3.14159265358979323846 / 180.0;

// Whether any coordinate of q is at an end of its range [lo, hi], or beyond it (a measured motion's
// coordinates are checked against the ranges when read; counted here all the same, review).
template <class Q, class R>
bool at_range_end(const Q& q, const R& lo, const R& hi) {
  for (Eigen::Index k = 0; k < q.size() && k < lo.size() && k < hi.size(); ++k)
    if (q(k) < lo(k) + kRangeLimitTolerance_rad || q(k) > hi(k) - kRangeLimitTolerance_rad) return true;
  return false;
}

// NIOSH action limit for L5/S1 compression (Waters et al. 1993, Ergonomics 36:749-776).
inline constexpr double kNioshActionLimit_N = 3400.0;

// A coordinate of a thoracic or lumbar level, named for its two vertebrae ("L5_S1_extension",
// "T12_L1_extension", as the lifter and Christophy et al. 2012 name them): a reserve there stands in for
// trunk muscle force that the lumbar discs would carry (a neck level's would not).
inline bool is_spinal_level_coordinate(const std::string& name) {
  std::size_t i = 0;
  auto vertebra = [&] {
    if (i >= name.size() || std::string_view("TLS").find(name[i]) == std::string_view::npos) return false;
    const std::size_t digits = ++i;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
    return i > digits;
  };
  return vertebra() && i < name.size() && name[i++] == '_' && vertebra();
}

// Flagged frames (flag > 0) whose reserve on a spinal level is above threshold_Nm (the run's
// solver.reserve_threshold_Nm): where the trunk muscles fell short. `reserve` is frames x coordinates
// (N*m), `names` the coordinates. -1 when no coordinate is named like a spinal level (a model that
// names its levels otherwise: not known).
template <class Matrix, class Flags>
long spinal_reserve_frames(const Matrix& reserve, const std::vector<std::string>& names, const Flags& flag,
                           double threshold_Nm = 1.0) {
  std::vector<Eigen::Index> spine;
  for (std::size_t k = 0; k < names.size() && static_cast<Eigen::Index>(k) < reserve.cols(); ++k)
    if (is_spinal_level_coordinate(names[k])) spine.push_back(static_cast<Eigen::Index>(k));
  if (spine.empty()) return -1;
  long frames = 0;
  for (Eigen::Index f = 0; f < reserve.rows() && f < static_cast<Eigen::Index>(flag.size()); ++f) {
    if (!(flag[f] > 0)) continue;
    frames += std::any_of(spine.begin(), spine.end(),
                          [&](Eigen::Index k) { return std::abs(reserve(f, k)) > threshold_Nm; });
  }
  return frames;
}

// With frames the trunk muscles could not balance, the L5/S1 peak lacks the force the lumbar reserves
// stand in for: the comparison is then with a lower bound (a weak core's squat "below the limit" was
// the reserves' doing). Reserves elsewhere (a hip or knee the legs could not serve) do not stand in for
// force across L5/S1. spinal_frames: the flagged frames with a lumbar reserve (spinal_reserve_frames),
// or -1 when the reserves' series are not at hand (then the flagged frames are named with the condition).
inline std::string niosh_line(double l5s1_peak_N, long reserve_frames = 0, long spinal_frames = -1,
                              double threshold_Nm = 1.0) {
  std::string out = fmt::format("NIOSH action limit 3400 N: L5/S1 peak {:.0f} N is {} the limit ({:.0f} %)", l5s1_peak_N,
                                l5s1_peak_N > kNioshActionLimit_N ? "ABOVE" : "below",
                                100.0 * l5s1_peak_N / kNioshActionLimit_N);
  if (spinal_frames > 0)
    out += fmt::format("; {} frames needed reserves at the spinal levels, so the peak is a lower bound (the trunk "
                       "muscles fell short)", spinal_frames);
  else if (spinal_frames == 0 && reserve_frames > 0)
    out += fmt::format("; the {} frames that needed reserves needed none over {:g} N*m at the spinal levels, so the "
                       "peak lacks no trunk muscle's force (a hip reserve may still stand in for psoas force, which "
                       "crosses L5/S1)", reserve_frames, threshold_Nm);
  else if (reserve_frames > 0)
    out += fmt::format("; {} frames needed reserves: where they act at the spinal levels the peak is a lower bound "
                       "(the trunk muscles fell short)", reserve_frames);
  return out + "\n";
}

// Every coordinate a reserve acted on by more than 1 N*m, largest first, with its largest reserve
// (signed) and its frames above 1 N*m: the run line names only the largest, which hid a knee reserve
// beside a larger lumbar one. `reserve` is frames x coordinates (N*m; on the legs' coordinates the
// sum of both legs, as /joints/moment).
template <class Matrix>
std::string reserves_by_coordinate_line(const Matrix& reserve, const std::vector<std::string>& names) {
  std::vector<std::tuple<double, double, long, std::string>> rows;  // |largest|, signed, frames, name
  for (Eigen::Index k = 0; k < reserve.cols() && k < static_cast<Eigen::Index>(names.size()); ++k) {
    Eigen::Index f = 0;
    const double m = reserve.col(k).cwiseAbs().maxCoeff(&f);
    if (!(m > 1.0)) continue;
    const long n = static_cast<long>((reserve.col(k).array().abs() > 1.0).count());
    rows.emplace_back(m, reserve(f, k), n, names[static_cast<std::size_t>(k)]);
  }
  if (rows.size() < 2) return "";
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::string out = "reserves by coordinate (largest, frames over 1 N*m; legs: both sides):";
  constexpr std::size_t kShown = 6;
  for (std::size_t i = 0; i < rows.size() && i < kShown; ++i) {
    const auto& [m, signed_m, n, name] = rows[i];
    out += fmt::format(" {} {:+.1f} N*m in {};", name, signed_m, n);
  }
  if (rows.size() > kShown) out += fmt::format(" and {} more", rows.size() - kShown);
  return out + "\n";
}

// Muscles whose passive force exceeds their maximum isometric force in some frame: a posture (or a
// tight_muscle impairment) stretching them past what muscle bears, whose loads are the model's, not a
// person's (a psoas at length_scale 0.7 pulled several times its strength in quiet standing and no
// reserve flagged it; impairment audit). passive: frames x muscles (N); f0, names: per muscle; time:
// per frame. Empty when none.
template <class Matrix, class Vector, class Times>
std::string passive_overload_line(const Matrix& passive, const Vector& f0, const std::vector<std::string>& names,
                                  const Times& time) {
  struct Over {
    double ratio;
    std::size_t muscle;
    Eigen::Index frame;
  };
  std::vector<Over> over;
  for (Eigen::Index i = 0; i < passive.cols() && i < static_cast<Eigen::Index>(f0.size()) &&
                           i < static_cast<Eigen::Index>(names.size());
       ++i) {
    if (passive.rows() == 0) break;
    Eigen::Index f = 0;
    const double peak = passive.col(i).maxCoeff(&f);
    const double strength = f0[i];
    if (strength > 0.0 && peak > strength) over.push_back({peak / strength, static_cast<std::size_t>(i), f});
  }
  if (over.empty()) return "";
  std::sort(over.begin(), over.end(), [](const Over& a, const Over& b) { return a.ratio > b.ratio; });
  std::string list;
  for (std::size_t k = 0; k < over.size() && k < 3; ++k)
    list += fmt::format("{}{} {:.1f} x (t = {:.2f} s)", k ? ", " : "", names[over[k].muscle], over[k].ratio,
                        over[k].frame < static_cast<Eigen::Index>(time.size()) ? double(time[over[k].frame]) : 0.0);
  return fmt::format("muscles stretched past their strength: {} of them, passive force above the maximum isometric "
                     "force ({}{}): the posture (or a tight_muscle impairment) stretches them beyond what muscle "
                     "bears; the loads they cause are the model's, not a person's\n",
                     over.size(), list, over.size() > 3 ? ", ..." : "");
}

// Frames the static optimization stopped at its iteration limit: named when there are any (never hidden).
inline std::string unconverged_line(long unconverged, long frames) {
  if (unconverged <= 0) return "";
  return fmt::format("frames the static optimization did not solve to tolerance (iteration limit; /solver/status 1): {} "
                     "of {}; their muscle forces and joint loads are its last iterate's\n",
                     unconverged, frames);
}

inline std::string cop_outside_line(long frames_outside, long frames) {
  return fmt::format("frames whose centre of pressure leaves the feet (heel to toe): {} of {}\n", frames_outside, frames);
}

inline std::string most_active_line(const std::vector<std::pair<std::string, double>>& muscles) {
  std::string out = "most active muscles (peak activation):";
  for (std::size_t i = 0; i < muscles.size(); ++i)
    out += fmt::format("{} {} {:.2f}", i ? ";" : "", muscles[i].first, muscles[i].second);
  return out + "\n";
}

// Burgess-Limerick & Abernethy 1997 (Hum Factors 39:141-148, abstract) quantify a lifting posture by
// its postural index: the knee flexion from normal standing over the sum of the ankle, hip and lumbar
// flexion, near 0 in a stoop and near 1 in a full squat. `low` and `stand` are the configurations (by
// coordinate, radians) of the low point and of standing; lifter coordinates (models/lifter.yaml):
// knee_angle negative in flexion, ankle_angle positive in dorsiflexion, hip_flexion, and the lumbar
// levels' *_extension (negative in flexion; L1-S1, as docs/validation.md counts lumbar flexion). Empty
// when the model lacks these coordinates or nothing bends below the knee.
template <class Row>
std::string postural_index_line(const Row& low, const Row& stand, const std::vector<std::string>& names) {
  auto find = [&](const char* n) {
    const auto it = std::find(names.begin(), names.end(), n);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
  };
  const int knee = find("knee_angle"), hip = find("hip_flexion"), ankle = find("ankle_angle");
  std::vector<int> lumbar;
  for (const char* level : {"L5_S1_extension", "L4_L5_extension", "L3_L4_extension", "L2_L3_extension", "L1_L2_extension"})
    if (find(level) >= 0) lumbar.push_back(find(level));
  if (knee < 0 || hip < 0 || ankle < 0 || lumbar.empty()) return "";
  auto flexion_change = [&](int k, double sign) { return sign * (low(k) - stand(k)); };
  double lumbar_flexion = 0.0;
  for (int k : lumbar) lumbar_flexion += flexion_change(k, -1.0);
  const double below = flexion_change(ankle, 1.0) + flexion_change(hip, 1.0) + lumbar_flexion;
  if (!(below > 1e-6)) return "";
  return fmt::format("postural index at the low point: {:.2f} (knee flexion / (ankle + hip + lumbar flexion) from "
                     "standing; Burgess-Limerick & Abernethy 1997: stoop near 0, full squat near 1)\n",
                     flexion_change(knee, -1.0) / below);
}

}  // namespace dembones
