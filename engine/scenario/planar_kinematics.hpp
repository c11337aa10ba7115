#pragma once
// Kinematics of a tree whose joints all turn about the world z axis (a sagittal model such as the
// lifter), for the posture IK: body poses, centre of mass, joint, point and centre-of-mass Jacobians
// in the x-y plane only, equal to the last bit to what the multibody library computes in 3D
// (forward_kinematics, subtree_centers_of_mass, calc_joint_jacobians_at_current_positions,
// center_of_mass_jacobian_from_subtrees, point_jacobian, center_of_mass_at_current_positions).
//
// Why the bits are the same: in such a tree every rotation has the block form [A 0; 0 r22] with A a
// 2 x 2 block, and every joint's angular motion is along z. Each in-plane entry the 3D library forms
// is a sum of products whose out-of-plane terms are exact zeros (a zero entry times a finite number),
// and adding an exact zero to a non-zero sum leaves it unchanged whatever the order of summation; so
// forming only the non-zero products, in the library's expressions (Eigen's AngleAxis formula, the
// column-wise rotate_z, SE3 act and product, the cross products), gives the same doubles. Only the
// sign of an entry that is exactly zero may differ, which no later non-zero result depends on. r22
// is carried along: the knee's AngleAxis gives (1 - c) + c, not always 1, and the angular rates of
// the joints below it are r22 times their axis.
//
// A planar model needs 4 multiplications per rotation product instead of 27, and the IK evaluates
// its kinematics about 30,000 times per lift.
#include <cmath>
#include <vector>

#include "multibody/model.hpp"

namespace dembones {

class PlanarKinematics {
 public:
  // Whether the model qualifies: nq = nv, no coupled joints; every joint fixed, revolute about ±z or
  // custom turning about ±z, with a joint frame that is not rotated in its parent.
  static bool applies(const Model& model);
  explicit PlanarKinematics(const Model& model);  // InternalError unless applies(model)

  // Poses, subtree masses and first moments at q (forward_kinematics, subtree_centers_of_mass).
  void positions(const VecX& q);
  // Joint columns and the centre-of-mass Jacobian's x row at the poses positions() formed
  // (calc_joint_jacobians_at_current_positions, center_of_mass_jacobian_from_subtrees).
  void jacobians();

  // World x, y of a body point (SE3::act).
  Eigen::Vector2d point(int body, const Vec3& p_B) const;
  // atan2 of the body's y axis, x over y (trunk_inclination in posture_ik.hpp).
  double y_axis_inclination(int body) const { return std::atan2(r01_[body], r11_[body]); }
  // Rows x and y of point_jacobian at world point p (on `body`), 2 x nv, after jacobians().
  void point_jacobian(int body, const Eigen::Vector2d& p_W, Eigen::Ref<Eigen::Matrix2Xd> J) const;
  // Total mass and centre-of-mass x from the subtree sums (data.mass, data.com.x()).
  double mass() const { return subtree_mass_[0]; }
  double com_x() const { return com_x_; }
  // Row x of data.J_com (1 x nv), after jacobians().
  const Eigen::RowVectorXd& com_jacobian_x() const { return com_jacobian_x_; }
  // data.J_W(2, k): the world angular rate about z per unit velocity k, after jacobians().
  double angular_z(int k) const { return wz_[k]; }
  // center_of_mass_at_current_positions: the mass and centre-of-mass x summed body by body.
  void body_sum_center_of_mass(double& mass, double& com_x) const;

 private:
  // The in-plane block, r22 and the translation of body i's joint transform X_parent (and, for a
  // custom joint, its motion-subspace column) at coordinate x.
  void joint_transform(int i, double x, double b[4], double& b22, double t[2]);

  const Model& model_;
  // World poses: rotation entries r00 r01 r10 r11 r22 and translation x, y, per body.
  std::vector<double> r00_, r01_, r10_, r11_, r22_, tx_, ty_;
  // Subtree masses and first moments h x, y (data.Ic[i].mass, .h).
  std::vector<double> subtree_mass_, hx_, hy_;
  double com_x_ = 0.0;
  // Joint columns (per velocity index): the local angular z and linear x, y of a custom joint's
  // motion subspace (data.S), and the world angular z and linear x, y (data.J_W).
  std::vector<double> s_wz_, s_vx_, s_vy_;
  std::vector<double> wz_, vx_, vy_;
  Eigen::RowVectorXd com_jacobian_x_;
};

}  // namespace dembones
