#pragma once
// Sample muscle models built in code, shared by tests (tests/muscle) and benchmarks (bench/muscle): a
// one-DoF pendulum and a set of leg and trunk muscles on samples::human20(). Attachments are placed by
// hand on that benchmark tree (not subject data; models/ holds sourced muscle models); the Hill
// parameters are those of Rajagopal et al. (2016, IEEE TBME 63:2068), Anderson & Pandy (1999, Comput
// Methods Biomech Biomed Engin 2:201) and Christophy et al. (2012, Biomech Model Mechanobiol 11:19).
#include <cmath>
#include <string>
#include <vector>

#include "multibody/model.hpp"
#include "muscle/muscle_set.hpp"
#include "muscle/path.hpp"

namespace dembones::samples {

// Ground plus one body on a revolute joint about z at the origin, coordinate "swing".
Model pendulum_model();

// Leg and trunk muscles of one side on samples::human20() (Y up, X anterior, Z right), with via points,
// one conditional via point, cylinder wraps (knee, hip, pelvic brim, ankle) and sphere wraps (femoral
// head, heel). `suffix` is appended to names (to build larger sets), `side` = +1 right, -1 left.
// 16 muscles per side.
std::vector<MuscleSpec> leg_and_trunk_muscles(const std::string& suffix = "", double side = 1.0);

// `n_muscles` muscles on samples::human20() (both sides, then repeated copies with suffixes "_2", ...):
// the benchmark set (e.g. 90 muscles, 58 of them with a wrap).
std::vector<MuscleSpec> human20_muscles(int n_muscles);

}  // namespace dembones::samples
