#pragma once
// The checks a run prints after its peak loads (`dembones run`, cli/summary.cpp) and `dembones info`
// prints again from the run file (io/hdf5_describe.cpp): one wording, one limit.
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

namespace dembones {

// NIOSH action limit for L5/S1 compression (Waters et al. 1993, Ergonomics 36:749-776).
inline constexpr double kNioshActionLimit_N = 3400.0;

inline std::string niosh_line(double l5s1_peak_N) {
  return fmt::format("NIOSH action limit 3400 N: L5/S1 peak {:.0f} N is {} the limit ({:.0f} %)\n", l5s1_peak_N,
                     l5s1_peak_N > kNioshActionLimit_N ? "ABOVE" : "below", 100.0 * l5s1_peak_N / kNioshActionLimit_N);
}

inline std::string cop_outside_line(long frames_outside, long frames) {
  return fmt::format("frames whose centre of pressure leaves the feet (heel to toe): {} of {}\n", frames_outside, frames);
}

inline std::string most_active_line(const std::vector<std::pair<std::string, double>>& muscles) {
  std::string out = "most active muscles (peak activation):";
  for (const auto& [name, a] : muscles) out += fmt::format(" {} {:.2f};", name, a);
  return out + "\n";
}

}  // namespace dembones
