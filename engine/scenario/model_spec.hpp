#pragma once
// A model file as plain data: what docs/models.md describes, parsed but not yet built into engine
// objects (model_builder does that). Frames follow OpenSim: X anterior, Y superior, Z right; each
// body has its own frame; SI units; angles in rad. Joints are written anatomically (parent proximal),
// whatever the root of the built tree will be.
#include <Eigen/Core>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "muscle/curves.hpp"
#include "scenario/yaml_fields.hpp"

namespace dembones {

enum class Sex { male, female };
const char* to_string(Sex s);

struct SubjectSpec {
  double height_m = 0;
  double mass_kg = 0;
  Sex sex = Sex::male;
};

// Why this stature and mass together are no person (a typo in one of them), or "" when they could be
// one: the body mass index must lie within 10-100 kg/m^2. Checked wherever a subject is read (model
// files' reference subject, scenarios, sweeps through them), reported at mass_kg.
std::string body_mass_index_problem(const SubjectSpec& s);

// The parts of a model file. In their own namespace: engine/muscle and engine/multibody have
// engine-side structs of the same names (MuscleSpec, WrapSpec, JointType) that model_builder fills.
namespace mspec {

// Anthropometric data of one segment for one sex (de Leva 1996 style): used by scaling.
struct SegmentSexData {
  double mass_fraction = 0;               // of body mass
  double length_fraction_of_height = 0;  // segment length / stature
};

struct SegmentSpec {
  std::string name;
  SegmentSexData male;
  SegmentSexData female;
  const SegmentSexData& of(Sex s) const { return s == Sex::male ? male : female; }
};

struct BodySpec {
  std::string name;
  std::string segment;       // anthropometric segment used for scaling; empty = scale with stature
  double segment_share = 1;  // fraction of the segment's mass this body carries
  int sides = 1;             // 2: one body stands for a left-right pair (mass and inertia doubled)
  double mass_kg = 0;        // per side
  Eigen::Vector3d com_m = Eigen::Vector3d::Zero();             // in body frame
  Eigen::Vector3d inertia_kg_m2 = Eigen::Vector3d::Zero();     // Ixx Iyy Izz about COM, per side
  Eigen::Vector3d products_kg_m2 = Eigen::Vector3d::Zero();    // Ixy Ixz Iyz about COM, per side
};

// A scalar function of one coordinate (custom joints, couplings).
struct FunctionSpec {
  enum class Kind { constant, linear, spline };
  Kind kind = Kind::constant;
  double constant = 0;
  double slope = 0, intercept = 0;  // linear: slope*q + intercept
  std::vector<double> x, y;         // natural cubic spline knots (x strictly increasing)
  double eval(double q) const;      // spline evaluated by the natural cubic spline through (x, y)
};

struct CoordinateSpec {
  std::string name;
  double default_value = 0;  // rad or m
  double range_min = 0, range_max = 0;
  bool locked = false;
};

enum class JointType { fixed, revolute, prismatic, custom, spherical, free };
const char* to_string(JointType t);

struct JointSpec {
  std::string name;
  JointType type = JointType::fixed;
  std::string parent, child;  // body names; "ground" is the fixed world
  // OpenSim-style joint frames: the joint frame in the parent and in the child body, each a location
  // and an X-Y-Z body-fixed rotation (rad).
  Eigen::Vector3d location_in_parent_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d orientation_in_parent_rad = Eigen::Vector3d::Zero();
  Eigen::Vector3d location_in_child_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d orientation_in_child_rad = Eigen::Vector3d::Zero();
  Eigen::Vector3d axis = Eigen::Vector3d::UnitZ();  // revolute/prismatic/custom rotation, joint frame
  std::vector<CoordinateSpec> coordinates;          // 1 for revolute/prismatic/custom
  // custom: rotation angle about `axis` and translation (joint frame) as functions of the coordinate.
  FunctionSpec rotation;
  FunctionSpec translation[3];
};

struct PathPointSpec {
  std::string body;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();
  // A conditional via point is active only while `coordinate` is within [range_min, range_max].
  std::string coordinate;
  double range_min = 0, range_max = 0;
  bool conditional() const { return !coordinate.empty(); }
  // A moving point (OpenSim MovingPathPoint): its location in the body is a natural cubic spline of
  // `moving_coordinate` through (moving_values_rad, moving_x_m/y_m/z_m), replacing location_m.
  std::string moving_coordinate;
  std::vector<double> moving_values_rad, moving_x_m, moving_y_m, moving_z_m;
  bool moving() const { return !moving_coordinate.empty(); }
};

enum class WrapType { cylinder, sphere };

struct WrapSpec {
  std::string name;
  WrapType type = WrapType::cylinder;
  std::string body;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d orientation_rad = Eigen::Vector3d::Zero();  // cylinder axis = rotated Z
  double radius_m = 0;
  double length_m = 0;  // cylinder
  // Side of the surface the path must stay on: "+x", "-x", "+y", "-y" or "all" (OpenSim quadrant).
  std::string quadrant = "all";
};

struct MuscleSpec {
  std::string name;
  int sides = 1;
  double max_isometric_force_N = 0;  // per side, after any strength rule in the file
  double optimal_fiber_length_m = 0;
  double tendon_slack_length_m = 0;
  double pennation_at_optimal_rad = 0;
  double max_contraction_velocity_lopt_per_s = 10;
  double tendon_strain_at_max_force = 0.049;
  double passive_strain_at_max_force = 0.6;  // fibre strain where the passive force reaches F0
  curves::PassiveCurveKind passive_curve = curves::PassiveCurveKind::kDeGroote2016;
  double passive_shape = curves::kPassiveShape;  // kPE of the exponential forms
  std::vector<PathPointSpec> path;
  std::vector<std::string> wraps;  // names in ModelSpec::wraps, tried in order
  std::vector<std::string> groups;
  std::vector<std::string> nerve_roots;  // e.g. "L4", "L5"
};

// A published curve of a ratio or moment against a coordinate, interpolated by natural cubic spline.
struct CurveSpec {
  std::vector<double> x;  // e.g. angle, rad
  std::vector<double> y;
};

enum class SiteKind { joint_reaction, patellofemoral };

struct JointLoadSiteSpec {
  std::string name;
  SiteKind kind = SiteKind::joint_reaction;
  std::string joint;  // joint whose transmitted force is reported (joint_reaction)
  std::string body;   // body the anatomical frame is fixed in
  Eigen::Vector3d origin_m = Eigen::Vector3d::Zero();
  Eigen::Vector3d orientation_rad = Eigen::Vector3d::Zero();
  // Axis of the site frame along which compression is reported (normal to the endplate or plateau);
  // the other two give antero-posterior and lateral shear. 0 = x, 1 = y, 2 = z.
  int normal_axis = 1;
  int anterior_axis = 0;
  bool per_side = false;  // bilateral joint: report half of the transmitted force
  // patellofemoral: the muscles whose summed tension (per side) is the quadriceps force F_Q, and the
  // ratio F_patellofemoral / F_Q against the value of `coordinate` (ratio.x), so that
  // F_PF = ratio(q) * sum of the listed muscles' tensions.
  std::string coordinate;
  std::vector<std::string> muscles;
  CurveSpec ratio;
};

// A posterior structure of a motion segment (a ligament group) that carries, in flexion, a share of
// the level's passive moment as a tension along the disc normal at a lever arm behind the disc centre
// (T = share · M / lever_arm): the moment balance is unchanged and the disc gains T of compression.
struct PosteriorElementSpec {
  std::string name;
  double share = 0;        // fraction of the passive flexion moment carried, (0, 1]
  double lever_arm_m = 0;  // distance behind the disc centre, along the site's posterior axis, m
};

struct PassiveMomentSpec {
  std::string name;
  std::string coordinate;
  CurveSpec moment_Nm;  // x: coordinate value (rad), y: moment (N m), positive with the coordinate
  // Optional: the joint_reaction site (of the joint owning `coordinate`) whose frame gives the disc
  // centre, the disc normal and the anterior axis; and the structures sharing the moment (shares sum
  // to at most 1; the rest stays a pure moment carried by the disc).
  std::string site;
  std::vector<PosteriorElementSpec> posterior_elements;
};

struct ActuatorSpec {
  std::string name;
  std::string coordinate;
  double optimal_force_Nm = 0;
};

struct MarkerSpec {
  std::string name;
  std::string body;
  Eigen::Vector3d location_m = Eigen::Vector3d::Zero();
};

// Coordinates that move together in generated motions: coordinate i = ratio_i * driver.
struct CouplingSpec {
  std::string name;
  std::vector<std::string> coordinates;
  std::vector<double> ratios;
};

}  // namespace mspec

struct ModelSpec {
  std::string file;
  std::string name;
  std::string description;
  std::map<std::string, std::string> references;  // key -> full citation
  SubjectSpec reference_subject;
  std::vector<mspec::SegmentSpec> segments;
  std::vector<mspec::BodySpec> bodies;
  std::vector<mspec::JointSpec> joints;
  std::vector<mspec::WrapSpec> wraps;
  std::vector<mspec::MuscleSpec> muscles;
  std::vector<mspec::JointLoadSiteSpec> sites;
  std::vector<mspec::PassiveMomentSpec> passive_moments;
  std::vector<mspec::ActuatorSpec> actuators;
  std::vector<mspec::MarkerSpec> markers;
  std::vector<mspec::CouplingSpec> couplings;
  ParameterLog parameters;  // every number read, with its source

  const mspec::BodySpec* find_body(const std::string& name) const;
  const mspec::JointSpec* find_joint(const std::string& name) const;
  const mspec::MuscleSpec* find_muscle(const std::string& name) const;
  const mspec::SegmentSpec* find_segment(const std::string& name) const;
  // The joint owning a coordinate, or nullptr.
  const mspec::JointSpec* find_coordinate_joint(const std::string& coordinate) const;
  double total_mass_kg() const;  // sum of body masses times sides
};

}  // namespace dembones
