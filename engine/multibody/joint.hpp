#pragma once
// Joint types of the kinematic tree. A joint connects a parent body to its child body; the child
// body's frame is the joint's child frame, whose pose in the parent is
//   X_parent_child(q) = X_parent_joint * X_J(q).
// Conventions (q = coordinates, nq; v = velocities, nv; both per joint):
//   kRevolute  nq=1 nv=1  rotation q [rad] about `axis` (unit, joint frame)
//   kPrismatic nq=1 nv=1  translation q [m] along `axis`
//   kSpherical nq=4 nv=3  q = unit quaternion [w x y z] (R_PC); v = ω of child in child frame [rad/s]
//   kFree      nq=7 nv=6  q = [p_PC (3, parent frame) ; w x y z]; v = [ω ; v_o] of the child in the
//                         child frame (Featherstone order: angular first)
//   kFixed     nq=0 nv=0
//   kCustom    nq=1 nv=1  rotation θ(q) about custom.rotation_axis, then translation p(q) =
//                         [x(q), y(q), z(q)] along the joint (parent-side) frame axes; each function is
//                         constant, linear or a natural cubic spline (OpenSim CustomJoint with one
//                         rotation / CoordinateCoupler). S and its derivative are exact.
//   kCoupled   nq=0 nv=0  the same motion as kCustom, θ(x) and p(x), but x is ANOTHER joint's
//                         coordinate, the driver (OpenSim CoordinateCouplerConstraint, or a custom
//                         joint driven by an independent coordinate: patella following knee flexion,
//                         a lumbar level following a lumbar rhythm). The joint has no coordinate of
//                         its own: its motion-subspace column S = ∂(joint motion)/∂q_driver multiplies
//                         the driver's velocity, v_J = S q̇_d, c_J = S̊ q̇_d² (Pinocchio's mimic joint,
//                         Drake's coupler written into the tree). The driver is named by its
//                         coordinate name, resolved by finalize(); it must be the coordinate of a
//                         1-coordinate joint (revolute, prismatic, custom) anywhere in the tree
//                         (ancestor, descendant or another branch).
#include <string>

#include "multibody/spline.hpp"
#include "spatial/types.hpp"

namespace dembones {

enum class JointType { kRevolute, kPrismatic, kSpherical, kFree, kFixed, kCustom, kCoupled };

struct CustomJointFunctions {
  Vec3 rotation_axis = Vec3::UnitZ();  // unit, joint frame
  CoordinateFunction rotation = CoordinateFunction::Linear(1.0, 0.0);  // θ(q) [rad]
  CoordinateFunction translation_x = CoordinateFunction::Constant(0.0);  // [m]
  CoordinateFunction translation_y = CoordinateFunction::Constant(0.0);  // [m]
  CoordinateFunction translation_z = CoordinateFunction::Constant(0.0);  // [m]
};

struct Joint {
  JointType type = JointType::kFixed;
  Vec3 axis = Vec3::UnitZ();    // kRevolute, kPrismatic: unit axis in the joint frame
  CustomJointFunctions custom;  // kCustom, kCoupled: functions of the joint's own (kCustom) or the
                                // driver's (kCoupled) coordinate
  std::string driver_coordinate;  // kCoupled only: name of the driving coordinate

  static Joint revolute(const Vec3& axis);
  static Joint prismatic(const Vec3& axis);
  static Joint spherical();
  static Joint free();
  static Joint fixed();
  static Joint custom_joint(const CustomJointFunctions& functions);
  // A joint with no coordinate of its own whose motion is `functions` of the coordinate named
  // `driver_coordinate` (see kCoupled above).
  static Joint coupled(const CustomJointFunctions& functions, std::string driver_coordinate);

  int nq() const;
  int nv() const;
};

const char* to_string(JointType type);

// Precomputed joint kind for the hot loops: axis-aligned revolute joints get their own case.
enum class JointKind : unsigned char {
  kRevoluteX, kRevoluteY, kRevoluteZ, kRevoluteAxis, kPrismatic, kSpherical, kFree, kFixed, kCustom, kCoupled
};

}  // namespace dembones
