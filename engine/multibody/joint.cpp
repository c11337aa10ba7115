#include "multibody/joint.hpp"

#include <utility>

namespace dembones {

Joint Joint::revolute(const Vec3& axis) {
  Joint j;
  j.type = JointType::kRevolute;
  j.axis = axis;
  return j;
}
Joint Joint::prismatic(const Vec3& axis) {
  Joint j;
  j.type = JointType::kPrismatic;
  j.axis = axis;
  return j;
}
Joint Joint::spherical() {
  Joint j;
  j.type = JointType::kSpherical;
  return j;
}
Joint Joint::free() {
  Joint j;
  j.type = JointType::kFree;
  return j;
}
Joint Joint::fixed() { return Joint{}; }
Joint Joint::custom_joint(const CustomJointFunctions& functions) {
  Joint j;
  j.type = JointType::kCustom;
  j.custom = functions;
  return j;
}

Joint Joint::coupled(const CustomJointFunctions& functions, std::string driver_coordinate) {
  Joint j;
  j.type = JointType::kCoupled;
  j.custom = functions;
  j.driver_coordinate = std::move(driver_coordinate);
  return j;
}

int Joint::nq() const {
  switch (type) {
    case JointType::kRevolute:
    case JointType::kPrismatic:
    case JointType::kCustom: return 1;
    case JointType::kSpherical: return 4;
    case JointType::kFree: return 7;
    case JointType::kFixed:
    case JointType::kCoupled: return 0;
  }
  return 0;
}

int Joint::nv() const {
  switch (type) {
    case JointType::kRevolute:
    case JointType::kPrismatic:
    case JointType::kCustom: return 1;
    case JointType::kSpherical: return 3;
    case JointType::kFree: return 6;
    case JointType::kFixed:
    case JointType::kCoupled: return 0;
  }
  return 0;
}

const char* to_string(JointType type) {
  switch (type) {
    case JointType::kRevolute: return "revolute";
    case JointType::kPrismatic: return "prismatic";
    case JointType::kSpherical: return "spherical";
    case JointType::kFree: return "free";
    case JointType::kFixed: return "fixed";
    case JointType::kCustom: return "custom";
    case JointType::kCoupled: return "coupled";
  }
  return "?";
}

}  // namespace dembones
