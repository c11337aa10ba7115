#pragma once
// The task part of a scenario (docs/scenarios.md, "task"): what the subject does. SI units; angles in rad.
#include <map>
#include <string>

namespace dembones {

enum class TaskType { lift, lower, hold, stand, forward_bend, sit_to_stand, stand_to_sit, motion_file };
enum class Technique { stoop, squat, semi_squat, custom };
enum class TimingProfile { minimum_jerk, linear };

const char* to_string(TaskType t);
const char* to_string(Technique t);

// A point in the sagittal plane relative to the ankle joint centre (x forward, y up), metres.
struct SagittalPoint {
  double forward_m = 0;
  double height_m = 0;
};

struct BoxSpec {
  double mass_kg = 0;
  double depth_m = 0.3;   // front-to-back size
  double height_m = 0.3;  // vertical size
};

struct TaskSpec {
  TaskType type = TaskType::stand;
  Technique technique = Technique::stoop;
  std::map<std::string, double> technique_weights;  // technique: custom — posture weight per coordinate group
  BoxSpec box;                                       // lift, lower, hold
  SagittalPoint start, end;                          // lift/lower: hand (box centre) positions
  double duration_s = 2.0;
  double pause_s = 0.0;  // still time added before and after the movement
  TimingProfile profile = TimingProfile::minimum_jerk;
  double trunk_flexion_rad = 0.0;  // forward_bend: target trunk inclination from vertical
  double chair_height_m = 0.45;    // sit_to_stand / stand_to_sit: seat height
  std::string motion_file;         // motion_file: path (resolved relative to the scenario file)
};

}  // namespace dembones
