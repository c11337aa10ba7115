#pragma once
// The task part of a scenario (docs/scenarios.md, "task"): what the subject does. SI units; angles in rad.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

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
  bool operator==(const SagittalPoint&) const = default;
};

// The held load: a point mass at the hands' grip. Its size is recorded as given and used nowhere (the
// grip may be a handle anywhere on the box; docs/scenarios.md).
struct BoxSpec {
  double mass_kg = 0;
  double depth_m = 0.3;   // front-to-back size
  double height_m = 0.3;  // vertical size
  bool operator==(const BoxSpec&) const = default;
};

// Hip joint centre above the seat when seated, per unit stature: half the sitting thigh thickness
// (seat to the top of the thigh at its thickest, near the hip), taking the femoral head at mid-depth
// of the thigh (an assumption). Thigh thickness of British men aged 19-65, 50th percentile, 160 mm
// (Pheasant & Haslegrave 2006, Bodyspace, 3rd ed., as tabulated in City University of Hong Kong's
// online anthropometry notes, ch. 2 dimension 12), per the same population's 50th-percentile stature
// of 1740 mm (Bodyspace; recalled, not re-read): 0.5 × 160 / 1740 = 0.046.
constexpr double kHipAboveSeatPerStature = 0.5 * 160.0 / 1740.0;

// Seat-off (buttocks lift-off) of a natural sit-to-stand from a chair at knee height, 47 healthy young
// adults (Tully, Fotoohabadi & Galea 2005, Gait Posture 22:338-345, abstract): the trunk is at
// 45.7 +- 5.8 deg to the horizontal, i.e. inclined 90 - 45.7 = 44.3 deg forward of vertical, and the
// forward lean before lift-off is made by concurrent lumbar and hip flexion in the ratio 1:3 (lumbar
// share 1/4). Angles only: the posture reaches the subject through its segment lengths. Their trunk is
// the whole trunk between landmarks (the abstract: the lumbar spine flexes while the thoracic spine
// extends, "resulting in" the trunk angle; the methods, with the markers, were not readable here), so
// the generator holds the line from the hip joint centre to the shoulder joint centre at this angle,
// not the torso body's frame (task_generator.cpp).
constexpr double kSeatOffTrunkInclinationDeg = 90.0 - 45.7;
constexpr double kSeatOffLumbarShare = 1.0 / (1.0 + 3.0);

// An angle a scenario prescribes (rad) and where it is written (file, line, field), so that the motion
// generator, which finds out whether the posture can have it, names that field in its error.
struct PrescribedAngle {
  double rad = 0.0;
  Location where;
  bool operator==(const PrescribedAngle&) const = default;
};

// motion_file: a table of joint angles over time (OpenSim .mot/.sto or CSV) and how its columns drive
// the model's coordinates (scenario/motion_file.hpp reads and checks it against the model).
struct MotionFileSpec {
  std::string file;  // resolved relative to the scenario file
  Location where;    // of task.file
  // Model coordinate -> file column, for columns not named like the coordinate (task.columns), e.g.
  // knee_angle: knee_angle_r for one side of an OpenSim gait model's motion.
  std::map<std::string, std::string> columns;
  std::map<std::string, Location> columns_where;
  std::vector<std::string> ignore_columns;  // file columns that drive nothing (task.ignore_columns)
  Location ignore_where;
  // Coordinates the file does not give, held at a constant angle (rad; task.fixed_deg).
  std::map<std::string, PrescribedAngle> fixed;
  bool operator==(const MotionFileSpec&) const = default;
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
  double trunk_flexion_rad = 0.0;  // forward_bend: target trunk rotation forward from upright standing
  double chair_height_m = 0.45;    // sit_to_stand / stand_to_sit: seat height
  // sit_to_stand / stand_to_sit: height of the hip joint centre above the seat surface at seat-off
  // (the thighs and buttocks lie between them). 0 here (hips at the seat); scenario files default it
  // to kHipAboveSeatPerStature × stature.
  double hip_above_seat_m = 0.0;
  // sit_to_stand / stand_to_sit: the posture at seat-off (the motion's end on the chair): trunk
  // inclination from vertical (rad, positive forward; of the hip-joint-centre-to-shoulder line, or of
  // the torso frame in a model without a shoulder) and the lumbar spine's share of the trunk's
  // forward lean from standing (the hips make the rest). The motion starts (sit_to_stand) or ends
  // (stand_to_sit) at seat-off: the seated part, where the seat carries weight, is not generated.
  double seat_off_trunk_inclination_rad = kSeatOffTrunkInclinationDeg * 3.14159265358979323846 / 180.0;
  double seat_off_lumbar_share = kSeatOffLumbarShare;
  // sit_to_stand / stand_to_sit: joint angles at seat-off, clinical convention (rad; hip and knee
  // flexion, ankle dorsiflexion positive), each prescribed only when given: a measured population's
  // seat-off posture. Not given, the angle follows from the hip height, the trunk angles above and the
  // balance band (the generator's default posture).
  std::optional<double> seat_off_hip_flexion_rad, seat_off_knee_flexion_rad, seat_off_ankle_dorsiflexion_rad;
  // sit_to_stand / stand_to_sit: the whole-body centre of mass's velocity at seat-off (m/s; forward and
  // up, as the rise leaves the seat), each component prescribed only when given (a dynamic seat-off:
  // the momentum-transfer rise). Both absent: the rise starts, and the descent ends, at rest at
  // seat-off (the generator's default). A stand_to_sit arrives at seat-off with the opposite velocity
  // (the time reverse of the rise; task_generator.cpp).
  std::optional<double> seat_off_com_velocity_forward_m_s, seat_off_com_velocity_up_m_s;
  // lift / lower: the posture at the low point (the hands at `start`), each prescribed only when given:
  // knee and hip flexion (clinical convention) and the trunk's inclination forward of vertical, of the
  // hip-joint-centre-to-shoulder line (as seat_off_trunk_inclination_rad; the torso frame in a model
  // without a shoulder): a measured lifting posture. Not given, the low point follows from the
  // technique's weights and balance (the generator's default); the rest of the motion is unchanged.
  std::optional<PrescribedAngle> low_point_knee_flexion, low_point_hip_flexion, low_point_trunk_inclination;
  MotionFileSpec motion;  // motion_file: the table of joint angles and how its columns drive the model
  // Every field equal (doubles by value): the same task for the generator (ModelCache's motions).
  bool operator==(const TaskSpec&) const = default;
};

// The task as run, on one line ("lift, stoop, box 25 kg from 0.40 m forward, ..."), from the scenario
// after its --set overrides or a sweep's values: the scenario's description is its author's text and
// keeps saying "15 kg box" when the mass is changed. `dembones run` prints it and stores it in the run
// file (root attribute `task`), where `dembones info` shows it.
std::string describe_task(const TaskSpec& t);

}  // namespace dembones
