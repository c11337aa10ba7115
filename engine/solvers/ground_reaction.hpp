#pragma once
// The ground reaction on the feet and its centre of pressure (COP), from inverse dynamics.
//
// The lifter model's feet are fixed to the ground (a tree rooted at the ground), so inverse dynamics
// always finds joint moments, even for a motion whose ground reaction would have to act behind the
// heel or ahead of the toes, which a person cannot make without falling or the feet lifting. What the
// ground gives the feet is the wrench transmitted by the joints between the ground and the bodies
// jointed to it (data.f_joint_W of those bodies after rnea): by Newton–Euler for the whole body it
// equals the rate of change of the body's momentum minus its weight and the external forces (a held
// box's weight acts through the hands); muscle forces are internal and do not change it.
//
// Centre of pressure: the point p of the floor (world y = 0, Y up) about which the ground reaction
// has no moment about the horizontal axes, as a force plate reports it (Winter 2009, Biomechanics and
// Motor Control of Human Movement, 4th ed., Wiley; a plate with its z axis vertical: x = −M_y/F_z).
// With M the moment about the world origin (on the floor) and F the force, the moment about p is
// M − p × F; its z (lateral-axis, sagittal) and x components vanish for
//   x_cop = M_z / F_y,   z_cop = −M_x / F_y,
// and what is left about the vertical is the free moment T_y = M_y − (z_cop F_x − x_cop F_z).
// In quiet standing F = −m g and the COP is under the whole-body centre of mass; in motion
// x_cop − x_com follows the centre of mass's horizontal acceleration (Winter 1995, Gait Posture
// 3:193-214, the inverted-pendulum relation of COP and COM).
#include "multibody/data.hpp"
#include "multibody/model.hpp"

namespace dembones {

struct GroundReaction {
  Vec3 force_W = Vec3::Zero();        // force of the ground on the feet (both together), world, N
  Vec3 moment_O_W = Vec3::Zero();     // its moment about the world origin (on the floor), world, N·m
  double cop_x_m = 0.0;               // centre of pressure on the floor, world x (forward), m; NaN when F_y <= 0
  double cop_z_m = 0.0;               // world z (lateral), m; NaN when F_y <= 0
  double free_moment_Nm = 0.0;        // moment about the vertical through the COP, N·m; NaN when F_y <= 0
};

// The base of support along the floor's forward axis: the feet from heel to toe (world x), the ankle
// joint centre the COP is reported from, and how many feet the model's foot body stands for (2 in a
// left-right symmetric model that lumps the pair into one body; each foot then carries half the
// force with the same sagittal COP).
struct FootSupport {
  double heel_x_m = 0.0;
  double toe_x_m = 0.0;
  double ankle_x_m = 0.0;
  int feet = 1;
};

// The ground reaction from data.f_joint_W of every body whose parent is the ground (rnea, with the
// frame's external forces, done on data). Allocation-free.
void calc_ground_reaction(const Model& model, const Data& data, GroundReaction& out);

// True when the ground would have to pull the feet down (F_y <= 0: they lift off) or the centre of
// pressure lies outside the feet, [heel, toe] (the person would tip over the toes or the heels).
bool cop_outside_support(const GroundReaction& g, const FootSupport& support);

}  // namespace dembones
