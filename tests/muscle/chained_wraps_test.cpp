// Two wrap surfaces on one path segment chain in the order listed, as OpenSim applies a path's wrap
// objects one after another: the second wraps from the first's exit tangent point. The lifter's
// gastrocnemii need it (femoral condyles, then the calf: tests/models/model_builder_test.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "muscle/muscle_set.hpp"
#include "muscle/sample_muscles.hpp"

#include "muscle_test_util.hpp"

namespace dembones {
namespace {

using muscle_test::evaluate;

// A muscle from above the pendulum's axis down to its tip, straight through two cylinders (axes
// along z) that sit on its line: one on the ground above the axis, one on the pendulum below it.
MuscleSpec two_cylinder_muscle(bool upper, bool lower) {
  MuscleSpec m =
      muscle_test::ground_to_pendulum_muscle("chained", 1000.0, 0.2, 0.2, Vec3(0.0, 0.4, 0.0), Vec3(0.0, -0.3, 0.0));
  const auto cylinder = [](const char* body, double y) {
    WrapSpec w;
    w.kind = WrapKind::kCylinder;
    w.body = body;
    w.X_BS.translation = Vec3(0.0, y, 0.0);
    w.radius_m = 0.03;
    w.direction = -1;  // the path passes in front (+x)
    w.after_point = 0;
    return w;
  };
  if (upper) m.wraps.push_back(cylinder("ground", 0.2));
  if (lower) m.wraps.push_back(cylinder("pendulum", -0.15));
  return m;
}

double length_at(const MuscleSpec& m, double q0, std::vector<unsigned char>* engaged = nullptr) {
  const Model model = samples::pendulum_model();
  Data data(model);
  const MuscleSet set = make_muscle_set(model, {m});
  MuscleData md(model, set);
  VecX q(1);
  q << q0;
  evaluate(model, data, set, q, VecX::Zero(1), md);
  EXPECT_EQ(md.wrap_inside_count, 0);
  if (engaged) *engaged = md.wrap_engaged;
  return md.length[0];
}

TEST(ChainedWraps, BothSurfacesOfOneSegmentAct) {
  for (double q0 : {-0.1, 0.0, 0.1}) {
    std::vector<unsigned char> engaged;
    const double both = length_at(two_cylinder_muscle(true, true), q0, &engaged);
    ASSERT_EQ(engaged.size(), 2u);
    EXPECT_TRUE(engaged[0] && engaged[1]) << q0;
    const double upper = length_at(two_cylinder_muscle(true, false), q0);
    const double lower = length_at(two_cylinder_muscle(false, true), q0);
    const double straight = length_at(two_cylinder_muscle(false, false), q0);
    // Each surface lengthens the path; the two together more than either alone.
    EXPECT_GT(upper, straight + 1e-4) << q0;
    EXPECT_GT(lower, straight + 1e-4) << q0;
    EXPECT_GT(both, std::max(upper, lower) + 1e-4) << q0;
  }
  // At q = 0 the line runs through both centres, and the shortest path over both cylinders (equal
  // radii r, same side) is exact by hand: tangent from the origin to the upper cylinder, an arc to
  // the common tangent x = r, that tangent between the centres, an arc, the tangent to the insertion.
  // The chained wraps approximate it (the first aims at the insertion, not at the second cylinder):
  // within 0.02 mm here.
  const double r = 0.03;
  const auto tangent_and_arc = [r](double d) {  // d: from the end point to the centre, along the line
    return std::sqrt(d * d - r * r) + r * (std::acos(0.0) - std::acos(r / d));
  };
  const double exact = tangent_and_arc(0.4 - 0.2) + (0.2 - -0.15) + tangent_and_arc(0.3 - 0.15);
  EXPECT_NEAR(length_at(two_cylinder_muscle(true, true), 0.0), exact, 2e-5);
  EXPECT_GT(exact, length_at(two_cylinder_muscle(false, false), 0.0));
}

TEST(ChainedWraps, WrapsAreListedInPathOrder) {
  const Model model = samples::pendulum_model();
  MuscleSpec m = two_cylinder_muscle(true, true);
  m.path.insert(m.path.begin() + 1, m.path[0]);  // a via point: segments 0 and 1
  m.path[1].p_B_m = Vec3(0.0, 0.3, 0.0);
  m.wraps[0].after_point = 1;
  m.wraps[1].after_point = 0;
  try {
    make_muscle_set(model, {m});
    FAIL() << "wraps out of path order accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected the wraps in path order"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dembones
