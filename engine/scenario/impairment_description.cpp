#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>

#include "scenario/scenario_spec.hpp"

namespace dembones {

// One line per impairment as the run summary prints it: the type, what it selects and its value, so
// that a scenario changed by --set or a sweep shows what was actually run.
std::string describe_impairment(const ImpairmentSpec& imp) {
  constexpr double kDeg = 180.0 / 3.14159265358979323846;
  const std::string selected = fmt::format("{}", fmt::join(imp.muscles, ", "));
  switch (imp.type) {
    case ImpairmentType::tight_muscle:
      return fmt::format("tight_muscle {} (fibre and tendon slack lengths x{:g})", selected, imp.length_scale);
    case ImpairmentType::weak_muscle:
      return fmt::format("weak_muscle {} (strength x{:g})", selected, imp.strength_scale);
    case ImpairmentType::strong_muscle:
      return fmt::format("strong_muscle {} (strength x{:g})", selected, imp.strength_scale);
    case ImpairmentType::nerve_root:
      return fmt::format("nerve_root {} (activation cap {:g}, {})", imp.root, imp.activation_cap,
                         imp.root_share ? "multi_root: share" : "multi_root: cap");
    case ImpairmentType::posture:
      return fmt::format("posture (pelvic tilt {:+.3g} deg, lumbar flexion {:+.3g} deg)", imp.pelvic_tilt_rad * kDeg,
                         imp.lumbar_flexion_rad * kDeg);
  }
  return "?";
}

std::string describe_impairments(const ScenarioSpec& scenario) {
  std::string out;
  for (const ImpairmentSpec& imp : scenario.impairments) out += (out.empty() ? "" : "; ") + describe_impairment(imp);
  return out;
}

}  // namespace dembones
