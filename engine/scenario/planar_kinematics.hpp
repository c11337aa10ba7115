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
  double y_axis_inclination(int body) const { return std::atan2(poses_[body].r01, poses_[body].r11); }
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
  // What the position pass needs of body i's joint, gathered once (X_parent_joint's in-plane block
  // p00 p01 p10 p11, p22 and translation; the joint's kind and coordinate).
  enum class Kind : unsigned char { fixed, revolute_z, revolute_axis, custom };
  struct Body {
    Kind kind = Kind::fixed;
    int parent = 0;
    int q = -1;  // coordinate index, also the velocity index (applies); -1 for a fixed joint
    double p00 = 1, p01 = 0, p10 = 0, p11 = 1, p22 = 1, px = 0, py = 0;
    double mass = 0, com_x = 0, com_y = 0;
  };
  // A world pose: rotation entries r00 r01 r10 r11 r22 and translation x, y.
  struct Pose {
    double r00 = 1, r01 = 0, r10 = 0, r11 = 1, r22 = 1, x = 0, y = 0;
  };
  // Body i's custom joint transform X_parent at coordinate x into local_[i], and its motion-subspace
  // column.
  void custom_joint_transform(int i, double x);
  double act_x(const Pose& X, double px, double py) const { return (X.r00 * px + X.r01 * py) + X.x; }
  double act_y(const Pose& X, double px, double py) const { return (X.r10 * px + X.r11 * py) + X.y; }

  const Model& model_;
  std::vector<Body> bodies_;          // (nbodies)
  std::vector<Pose> poses_;           // (nbodies) data.oMb
  std::vector<Pose> local_;           // (nbodies) data.X_parent
  std::vector<int> joint_bodies_;     // bodies with a coordinate, ascending
  std::vector<int> path_start_, path_;  // path_[path_start_[i] ..< path_start_[i + 1]]: the columns from
                                        // body i to the root, in point_jacobian's order
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
