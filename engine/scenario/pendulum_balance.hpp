#pragma once
// The centre-of-mass shift that moves the centre of pressure of a linear inverted pendulum by a
// given amount, frame by frame: the task generator's dynamic balance passes (task_generator.cpp).
#include "spatial/types.hpp"

namespace dembones {

// δ (m, one per frame) with δ_f − (z_f / g)(δ_{f+1} − 2δ_f + δ_{f−1}) / dt² = cop_shift_f on the frames
// strictly inside [begin, end) and δ = 0 on every other frame: the centre-of-mass shift whose linear
// inverted pendulum centre of pressure, x_cop = x_com − (z_com / g) ẍ_com (Kajita et al. 2003, ICRA,
// "Biped walking pattern generation by using preview control of zero-moment point"), moves by
// cop_shift. com_height_m: z_f, the centre of mass's height above the floor (m); gravity: g (m/s²);
// dt: the frame interval (s).
VecX lipm_com_shift(const VecX& cop_shift, const VecX& com_height_m, double gravity, double dt, int begin, int end);

}  // namespace dembones
