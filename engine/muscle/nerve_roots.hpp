#pragma once
// Spinal nerve roots as the model files name them (a muscle's myotomes).
#include <string>
#include <string_view>
#include <vector>

namespace dembones {

// "L2-L4" -> {"L2", "L3", "L4"}; "L4" -> {"L4"}; "L4-S1" -> {"L4", "L5", "S1"}. Roots are
// C1-C8, T1-T12, L1-L5, S1-S5 in cranio-caudal order. Throws InputError on an unknown root.
std::vector<std::string> expand_nerve_roots(std::string_view range);

}  // namespace dembones
