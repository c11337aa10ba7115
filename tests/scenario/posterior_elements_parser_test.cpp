// The posterior_elements field of a passive moment (model_spec.hpp): read into the spec, carried to
// the engine model, and every mistake reported with the file, line and field.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "common/error.hpp"
#include "scenario/model_builder.hpp"
#include "scenario/model_parser.hpp"
#include "scenario/scenario_runner.hpp"

namespace dembones {
namespace {

std::string two_segment_text() {
  std::ifstream in(std::string(DEMBONES_TEST_DATA_DIR) + "/models/two_segment.yaml");
  std::stringstream s;
  s << in.rdbuf();
  // A grip marker: the engine model needs to know where a held load would be carried.
  std::string t = s.str();
  const std::size_t m = t.find("markers:\n");
  EXPECT_NE(m, std::string::npos) << "two_segment.yaml changed: update this test";
  t.insert(m + 9, "  - {name: grip, body: shank, location_m: [0, 0, 0], source: test}\n");
  return t;
}

// two_segment.yaml with its knee passive moment given posterior elements (`block`, indented under
// the passive moment) and, optionally, the coordinate replaced.
std::string with_elements(const std::string& block, const std::string& coordinate = "knee_angle") {
  std::string t = two_segment_text();
  const std::string anchor = "    moment_Nm: [20, 0, -5]\n";
  const std::size_t at = t.find(anchor);
  EXPECT_NE(at, std::string::npos) << "two_segment.yaml changed: update this test";
  t.insert(at + anchor.size(), block);
  if (coordinate != "knee_angle") {
    const std::string c = "    coordinate: knee_angle\n    source: test\n    angle_deg";
    const std::size_t k = t.find(c);
    EXPECT_NE(k, std::string::npos);
    t.replace(k, c.size(), "    coordinate: " + coordinate + "\n    source: test\n    angle_deg");
  }
  return t;
}

const std::string kGood =
    "    posterior_elements:\n"
    "      site: tibiofemoral\n"
    "      structures:\n"
    "        - {name: a, share: 0.4, lever_arm_m: 0.03}\n"
    "        - {name: b, share: 0.2, lever_arm_m: 0.05}\n";

// The InputError of parsing `text`, or a failure when it parses.
InputError parse_error(const std::string& text) {
  try {
    parse_model_spec(text, "m.yaml");
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("none");
}

TEST(PosteriorElementsParser, ReadsIntoSpecAndEngineModel) {
  const ModelSpec spec = parse_model_spec(with_elements(kGood), "m.yaml");
  ASSERT_EQ(spec.passive_moments.size(), 1u);
  const auto& pm = spec.passive_moments[0];
  EXPECT_EQ(pm.site, "tibiofemoral");
  ASSERT_EQ(pm.posterior_elements.size(), 2u);
  EXPECT_EQ(pm.posterior_elements[1].name, "b");
  EXPECT_DOUBLE_EQ(pm.posterior_elements[0].share, 0.4);
  EXPECT_DOUBLE_EQ(pm.posterior_elements[1].lever_arm_m, 0.05);
  const BuiltModel built = build_model(spec);
  const MusculoskeletalModel msm = make_musculoskeletal_model(built, 70.0);
  ASSERT_EQ(msm.passive.size(), 1u);
  ASSERT_GE(msm.passive[0].site, 0);
  EXPECT_EQ(msm.sites[msm.passive[0].site].name, "tibiofemoral");
  ASSERT_EQ(msm.passive[0].posterior.size(), 2u);
  EXPECT_DOUBLE_EQ(msm.passive[0].posterior[0].lever_arm_m, 0.03);
  // Without the field: no site, no elements.
  const MusculoskeletalModel plain = make_musculoskeletal_model(build_model(parse_model_spec(two_segment_text(), "m.yaml")), 70.0);
  EXPECT_EQ(plain.passive[0].site, -1);
  EXPECT_TRUE(plain.passive[0].posterior.empty());
}

TEST(PosteriorElementsParser, ShareOutsideZeroOneNamesFieldAndLine) {
  std::string block = kGood;
  block.replace(block.find("share: 0.2"), 10, "share: 1.5");
  const InputError e = parse_error(with_elements(block));
  EXPECT_EQ(e.where().file, "m.yaml");
  EXPECT_GT(e.where().line, 0);
  EXPECT_NE(e.where().field.find("posterior_elements.structures.b.share"), std::string::npos) << e.where().field;
  EXPECT_NE(e.message().find("(0, 1]"), std::string::npos) << e.message();
}

TEST(PosteriorElementsParser, SharesSummingAboveOneAreRejected) {
  std::string block = kGood;
  block.replace(block.find("share: 0.2"), 10, "share: 0.7");
  const InputError e = parse_error(with_elements(block));
  EXPECT_NE(e.where().field.find("structures"), std::string::npos) << e.where().field;
  EXPECT_NE(e.message().find("at most 1"), std::string::npos) << e.message();
}

TEST(PosteriorElementsParser, BadLeverArmIsRejected) {
  std::string block = kGood;
  block.replace(block.find("lever_arm_m: 0.05"), 17, "lever_arm_m: 5");  // centimetres by mistake
  const InputError e = parse_error(with_elements(block));
  EXPECT_NE(e.where().field.find("lever_arm_m"), std::string::npos) << e.where().field;
  std::string missing = kGood;
  missing.replace(missing.find(", lever_arm_m: 0.05"), 19, "");
  const InputError m = parse_error(with_elements(missing));
  EXPECT_NE(m.message().find("missing"), std::string::npos) << m.message();
  EXPECT_NE(m.where().field.find("structures.b.lever_arm_m"), std::string::npos) << m.where().field;
}

TEST(PosteriorElementsParser, SiteMustBeTheJointReactionOfTheCoordinatesJoint) {
  std::string unknown = kGood;
  unknown.replace(unknown.find("tibiofemoral"), 12, "tibiofemoarl");
  const InputError u = parse_error(with_elements(unknown));
  EXPECT_NE(u.where().field.find("posterior_elements.site"), std::string::npos) << u.where().field;
  EXPECT_NE(u.message().find("did you mean 'tibiofemoral'"), std::string::npos) << u.message();

  std::string pf = kGood;
  pf.replace(pf.find("tibiofemoral"), 12, "patellofemoral");
  EXPECT_NE(parse_error(with_elements(pf)).message().find("joint_reaction"), std::string::npos);

  const InputError other = parse_error(with_elements(kGood, "ankle_angle"));
  EXPECT_NE(other.message().find("owning coordinate 'ankle_angle'"), std::string::npos) << other.message();
}

}  // namespace
}  // namespace dembones
