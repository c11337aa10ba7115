#include <fmt/format.h>

#include <string>

#include "scenario/task_spec.hpp"

namespace dembones {

std::string describe_task(const TaskSpec& t) {
  constexpr double kDeg = 180.0 / 3.14159265358979323846;
  std::string line = to_string(t.type);
  switch (t.type) {
    case TaskType::lift:
    case TaskType::lower:
      line += fmt::format(", {}, box {:g} kg from {:.2f} m forward, {:.2f} m high to {:.2f} m forward, {:.2f} m high (from the ankles)",
                          to_string(t.technique), t.box.mass_kg, t.start.forward_m, t.start.height_m, t.end.forward_m,
                          t.end.height_m);
      // Prescribed angles, so that a value given in the wrong unit shows (a `_deg` field given 0.8).
      if (t.low_point_knee_flexion) line += fmt::format(", low point knee {:.3g} deg", t.low_point_knee_flexion->rad * kDeg);
      if (t.low_point_hip_flexion) line += fmt::format(", low point hip {:.3g} deg", t.low_point_hip_flexion->rad * kDeg);
      if (t.low_point_trunk_inclination)
        line += fmt::format(", low point trunk {:.3g} deg", t.low_point_trunk_inclination->rad * kDeg);
      break;
    case TaskType::hold:
      line += fmt::format(", {}, box {:g} kg at {:.2f} m forward, {:.2f} m high (from the ankles)", to_string(t.technique),
                          t.box.mass_kg, t.start.forward_m, t.start.height_m);
      break;
    case TaskType::forward_bend:
      line += fmt::format(", trunk flexed {:.3g} deg", t.trunk_flexion_rad * kDeg);
      if (t.box.mass_kg > 0.0) line += fmt::format(", {:g} kg in the hanging hands", t.box.mass_kg);
      break;
    case TaskType::sit_to_stand:
    case TaskType::stand_to_sit:
      line += fmt::format(", chair {:.2f} m", t.chair_height_m);
      if (t.seat_off_hip_flexion_rad) line += fmt::format(", seat-off hip {:.3g} deg", *t.seat_off_hip_flexion_rad * kDeg);
      if (t.seat_off_knee_flexion_rad) line += fmt::format(", seat-off knee {:.3g} deg", *t.seat_off_knee_flexion_rad * kDeg);
      if (t.seat_off_ankle_dorsiflexion_rad)
        line += fmt::format(", seat-off ankle {:.3g} deg", *t.seat_off_ankle_dorsiflexion_rad * kDeg);
      break;
    case TaskType::motion_file:
      line += fmt::format(", {}", t.motion.file);
      return line;
    case TaskType::stand:
      break;
  }
  return line + fmt::format(", {:.2f} s", t.duration_s);
}

}  // namespace dembones
