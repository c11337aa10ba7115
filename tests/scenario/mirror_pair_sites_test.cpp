// Which load sites report the mirror pair (LoadSite::mirror_pair, tests/solvers/mirror_pair_test.cpp
// for the mechanics): the midline sites of a model that lumps left-right pairs into one side, and no
// per-side joint; a model without lumped pairs has none.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

TEST(MirrorPairSites, LifterMidlineSitesOnly) {
  const BuiltModel built = build_model(load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml"));
  const MusculoskeletalModel msm = make_musculoskeletal_model(built, 73.0);
  int midline = 0;
  for (const LoadSite& s : msm.sites) {
    // The spine's levels, L5_S1 ... L1_L2 and T12_L1.
    const bool spine = s.name.find('_') != std::string::npos && (s.name.front() == 'L' || s.name.starts_with("T12"));
    if (spine) {
      EXPECT_TRUE(s.mirror_pair) << s.name;
      EXPECT_EQ(s.side_factor, 1.0) << s.name << ": the spine carries the whole body's load";
      ++midline;
    } else {
      EXPECT_FALSE(s.mirror_pair) << s.name << ": a per-side joint reports its own side";
      // The lumped legs carry both sides: the hip and the knee report one (the patellofemoral force is
      // made from per-side tensions already; a mutation audit reported both legs' load unseen).
      EXPECT_EQ(s.side_factor, s.kind == LoadSite::Kind::patellofemoral ? 1.0 : 0.5) << s.name;
    }
  }
  EXPECT_GE(midline, 6);
}

// two_segment.yaml (one lumped muscle, sides: 2) with its knee site made a midline one (per_side:
// false): flagged while the muscle stands for a pair, not once it is a single muscle.
MusculoskeletalModel two_segment(int muscle_sides) {
  std::ifstream in(std::string(DEMBONES_TEST_DATA_DIR) + "/models/two_segment.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string t = text.str();
  const auto replace = [&t](const std::string& from, const std::string& to) {
    const std::size_t at = t.find(from);
    ASSERT_NE(at, std::string::npos) << "two_segment.yaml changed: update this test (" << from << ")";
    t.replace(at, from.size(), to);
  };
  replace("    per_side: true\n", "    per_side: false\n");
  replace("    sides: 2\n", "    sides: " + std::to_string(muscle_sides) + "\n");
  replace("markers:\n", "markers:\n  - {name: grip, body: shank, location_m: [0, 0, 0], source: test}\n");
  return make_musculoskeletal_model(build_model(parse_model_spec(t, "m.yaml")), 70.0);
}

TEST(MirrorPairSites, OnlyModelsThatLumpPairs) {
  for (int sides : {2, 1}) {
    const MusculoskeletalModel msm = two_segment(sides);
    bool found = false;
    for (const LoadSite& s : msm.sites) {
      if (s.name != "tibiofemoral") continue;
      found = true;
      EXPECT_EQ(s.mirror_pair, sides == 2) << "muscle sides " << sides;
    }
    EXPECT_TRUE(found);
  }
}

}  // namespace
}  // namespace dembones
