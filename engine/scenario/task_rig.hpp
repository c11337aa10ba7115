#pragma once
// What the motion generator needs to know about a sagittal lifting model, found by name once per
// model: the hand, the trunk, the feet, and the reduced set of posture variables that inverse
// kinematics moves (one variable may drive several coordinates by fixed ratios: the lumbar rhythm).
#include <string>
#include <vector>

#include "multibody/model.hpp"

namespace dembones {

// One IK variable θ_k: coordinate coords[i] = ratios[i] · θ_k (plus the coordinate's offset).
struct PostureVariable {
  std::string name;              // "ankle", "knee", "hip", "lumbar", "shoulder", "elbow", ...
  std::vector<int> coords;       // velocity indices (the lifter model has nq = nv)
  std::vector<double> ratios;
  double lower = 0, upper = 0;   // limits of θ (from the coordinates' ranges and ratios)
  int lower_coord = -1, upper_coord = -1;  // the coordinate whose range sets each limit (error messages)
};

struct TaskRig {
  int hand_body = -1;
  Vec3 hand_point_B = Vec3::Zero();   // in the hand body's frame
  int trunk_body = -1;                // thorax: its y axis gives the trunk inclination
  int hip_body = -1;                  // the body whose origin is the hip joint centre (sit-to-stand)
  Vec3 hip_point_B = Vec3::Zero();
  Vec3 ankle_W = Vec3::Zero();        // ankle joint centre, world (task positions are relative to it)
  double heel_x = 0, toe_x = 0;       // base of support along x, world
  std::vector<PostureVariable> vars;
  // Indices into vars of the named roles (-1 when the model lacks one).
  int ankle = -1, knee = -1, hip = -1, lumbar = -1, shoulder = -1, elbow = -1, neck = -1;
  VecX q_offset;                      // (nq) configuration at θ = 0 (posture impairments shift it)

  int nvars() const { return static_cast<int>(vars.size()); }
  // q = q_offset + T θ
  void to_configuration(const VecX& theta, VecX& q) const;
};

}  // namespace dembones
