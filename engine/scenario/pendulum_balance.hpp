#pragma once
// The centre-of-mass shift that moves the centre of pressure of a linear inverted pendulum by a
// given amount, frame by frame: the task generator's dynamic balance passes (task_generator.cpp).
#include "spatial/types.hpp"

namespace dembones {

// δ (m, one per frame): the centre-of-mass shift whose linear inverted pendulum centre of pressure,
// x_cop = x_com − (z_com / g) ẍ_com (Kajita et al. 2003, ICRA, "Biped walking pattern generation by
// using preview control of zero-moment point"), moves by cop_shift, with the movement [begin, end)
// starting and ending at rest: δ = 0 on its two first and two last frames and outside it. The
// pendulum's equation δ_f − (z_f / g)(δ_{f+1} − 2δ_f + δ_{f−1}) / dt² = cop_shift_f on the inner frames
// then has two more rows than unknowns; it is solved in the least-squares sense with the rows where
// cop_shift is not 0 (the frames whose centre of pressure must move) weighted 100 times the others
// (which may give way). Held exactly at the ends only (δ = 0) and not in slope, an early version
// left a fast lift still moving into its final pause, and the stop put the centre of pressure up to
// 0.19 m behind the heels there. com_height_m: z_f, the centre of mass's height above the floor (m);
// gravity: g (m/s²); dt: the frame interval (s).
VecX lipm_com_shift(const VecX& cop_shift, const VecX& com_height_m, double gravity, double dt, int begin, int end);

}  // namespace dembones
