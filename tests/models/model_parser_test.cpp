// The model-file loader: a good file parses completely; each kind of bad file gives an error naming
// the file, line, column and field, and what was expected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "scenario/model_parser.hpp"

namespace dembones {
namespace {

using namespace mspec;  // NOLINT

const std::string kData = std::string(DEMBONES_TEST_DATA_DIR) + "/models/";

TEST(ModelParser, ReadsEveryPartOfAGoodFile) {
  const ModelSpec m = load_model_spec(kData + "two_segment.yaml");
  EXPECT_EQ(m.name, "two_segment");
  EXPECT_EQ(m.reference_subject.sex, Sex::male);
  EXPECT_DOUBLE_EQ(m.reference_subject.height_m, 1.80);
  ASSERT_EQ(m.bodies.size(), 3u);
  EXPECT_DOUBLE_EQ(m.total_mass_kg(), 80.0);
  ASSERT_EQ(m.joints.size(), 3u);
  const JointSpec* knee = m.find_joint("knee");
  ASSERT_NE(knee, nullptr);
  EXPECT_EQ(knee->type, JointType::custom);
  ASSERT_EQ(knee->coordinates.size(), 1u);
  EXPECT_NEAR(knee->coordinates[0].range_min, -120.0 * std::numbers::pi / 180.0, 1e-12);
  EXPECT_EQ(knee->translation[0].kind, FunctionSpec::Kind::spline);
  // The spline passes through its knots.
  EXPECT_NEAR(knee->translation[0].eval(-1.0), -0.002, 1e-12);
  EXPECT_NEAR(knee->rotation.eval(0.3), 0.3, 1e-12);
  ASSERT_EQ(m.muscles.size(), 1u);
  const MuscleSpec& v = m.muscles[0];
  EXPECT_EQ(v.sides, 2);
  EXPECT_NEAR(v.pennation_at_optimal_rad, 5.0 * std::numbers::pi / 180.0, 1e-12);
  ASSERT_EQ(v.path.size(), 3u);
  EXPECT_TRUE(v.path[1].conditional());
  EXPECT_EQ(v.wraps, std::vector<std::string>{"knee_cyl"});
  EXPECT_EQ(v.nerve_roots, (std::vector<std::string>{"L3", "L4"}));
  ASSERT_EQ(m.sites.size(), 2u);
  EXPECT_TRUE(m.sites[0].per_side);
  EXPECT_EQ(m.sites[1].kind, SiteKind::patellofemoral);
  EXPECT_EQ(m.passive_moments.size(), 1u);
  EXPECT_EQ(m.actuators.size(), 1u);
  EXPECT_EQ(m.markers.size(), 1u);
  EXPECT_EQ(m.couplings.size(), 1u);
  EXPECT_EQ(m.references.count("test"), 1u);
}

TEST(ModelParser, RecordsASourceForEveryNumber) {
  const ModelSpec m = load_model_spec(kData + "two_segment.yaml");
  ASSERT_GT(m.parameters.size(), 30u);
  for (const auto& p : m.parameters) EXPECT_FALSE(p.source.empty()) << p.field;
  // A per-field source overrides the inherited one, and an enclosing `source:` is inherited.
  bool saw_override = false, saw_inherited = false;
  for (const auto& p : m.parameters) {
    if (p.field == "bodies.shank.mass_kg") {
      saw_override = true;
      EXPECT_EQ(p.source, "test (per-field source)");
      EXPECT_EQ(p.value, "20.0");
      EXPECT_EQ(p.where.line, 26);
    }
    if (p.field == "muscles.vastus.path[0].location_m") {
      saw_inherited = true;
      EXPECT_EQ(p.source, "test");
    }
  }
  EXPECT_TRUE(saw_override);
  EXPECT_TRUE(saw_inherited);
  const std::string listing = format_model_parameters(m);
  EXPECT_NE(listing.find("bodies.thigh.mass_kg = 40.0  [test]"), std::string::npos) << listing;
}

// `dembones info --model` starts with what a scenario names: the coordinates with their ranges, the
// couplings, the load sites, the muscle group tags and nerve roots (docs/scenarios.md points there).
TEST(ModelParser, InfoListsCoordinatesCouplingsSitesGroupsAndRoots) {
  const std::string listing = format_model_parameters(load_model_spec(std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml"));
  EXPECT_NE(listing.find("coordinates (12): ankle_angle (-40 to 30 deg), knee_angle (-120 to 10 deg)"), std::string::npos) << listing.substr(0, 600);
  EXPECT_NE(listing.find("T12_L1_extension (-12.9 to 4.792 deg)"), std::string::npos);
  EXPECT_NE(listing.find("coupling lumbar_rhythm: L5_S1_extension 0.125,"), std::string::npos);
  EXPECT_NE(listing.find("load sites (9): L5_S1, L4_L5, L3_L4, L2_L3, L1_L2, T12_L1, hip, tibiofemoral, patellofemoral"),
            std::string::npos);
  EXPECT_NE(listing.find("group tags: abdominals,"), std::string::npos);
  EXPECT_NE(listing.find("nerve roots: L1,"), std::string::npos);
}

std::string error_of(const std::string& file) {
  try {
    load_model_spec(kData + file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// Each message names the file, 1-based line and column, the field, and what was expected.
TEST(ModelParser, BadNumber) {
  EXPECT_EQ(error_of("bad_number.yaml"),
            kData + "bad_number.yaml:6:14: field 'bodies.thigh.mass_kg': expected a number, got 'abc'");
}

TEST(ModelParser, UnknownFieldSuggestsTheClosest) {
  EXPECT_EQ(error_of("bad_unknown_field.yaml"),
            kData + "bad_unknown_field.yaml:9:5: field 'bodies.thigh.inertia_kg_m': unknown field "
                    "(did you mean 'inertia_kg_m2'?)");
}

TEST(ModelParser, UnknownBody) {
  EXPECT_EQ(error_of("bad_unknown_body.yaml"),
            kData + "bad_unknown_body.yaml:13:12: field 'joints.weld.child': unknown body 'pelvsi' "
                    "(did you mean 'pelvis'?)");
}

// The error points at the bad item of the list (column 15), not at the list's '[' (an audit found a
// bad name in a long list located at its start).
TEST(ModelParser, UnknownMuscle) {
  EXPECT_EQ(error_of("bad_unknown_muscle.yaml"),
            kData + "bad_unknown_muscle.yaml:27:15: field 'sites.patellofemoral.muscles': unknown "
                    "muscle 'vastus_lateralus' (did you mean 'vastus_lateralis'?)");
  // A block list: the second item's own line.
  std::ifstream in(kData + "bad_unknown_muscle.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string from = "muscles: [vastus_lateralus]";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "muscles:\n      - vastus_lateralis\n      - vastus_lateralus");
  try {
    parse_model_spec(text, "block.yaml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 29) << e.what();
    EXPECT_EQ(e.where().column, 9) << e.what();
  }
}

TEST(ModelParser, BadChoice) {
  EXPECT_EQ(error_of("bad_choice.yaml"),
            kData + "bad_choice.yaml:3:57: field 'reference_subject.sex': expected one of male, "
                    "female, got 'mael' (did you mean 'male'?)");
}

TEST(ModelParser, BadVector) {
  EXPECT_EQ(error_of("bad_vector.yaml"),
            kData + "bad_vector.yaml:7:12: field 'bodies.thigh.com_m': expected a list of 3 numbers "
                    "[x, y, z], got a list of 2");
}

TEST(ModelParser, MissingField) {
  EXPECT_EQ(error_of("bad_missing.yaml"),
            kData + "bad_missing.yaml:5:5: field 'bodies.thigh.mass_kg': missing required field");
}

TEST(ModelParser, LoopInJoints) {
  EXPECT_EQ(error_of("bad_loop.yaml"),
            kData + "bad_loop.yaml:9:5: field 'joints.ba': joint 'ba' closes a loop ('b' and 'a' are already "
                    "joined through other joints); the model must be a tree");
}

TEST(ModelParser, SyntaxError) {
  const std::string e = error_of("bad_syntax.yaml");
  EXPECT_EQ(e.rfind(kData + "bad_syntax.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(ModelParser, MissingFileIsAnIoError) {
  EXPECT_THROW(load_model_spec(kData + "no_such_model.yaml"), IoError);
}

TEST(ModelParser, InlineTextErrorsNameTheGivenFileName) {
  const std::string text =
      "format: dembones-model/1\nname: x\nreference_subject: {height_m: 1.8, mass_kg: 80, sex: "
      "male}\nbodies: []\njoints: []\nmuscels: []\n";
  try {
    parse_model_spec(text, "inline.yaml");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "inline.yaml:6:1: field 'muscels': unknown field (did you mean 'muscles'?)");
  }
}

// The error (field: message) of parsing `file` with one edit, or "no error".
std::string error_of_edit(const std::string& from, const std::string& to,
                          const std::string& file = kData + "two_segment.yaml") {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const auto at = text.find(from);
  if (at == std::string::npos) return "edit not applied: " + from;
  text.replace(at, from.size(), to);
  try {
    parse_model_spec(text, "edited.yaml");
  } catch (const InputError& e) {
    return e.where().field + ": " + e.message();
  }
  return "no error";
}

// Accepted before an audit: products of inertia that make the matrix indefinite, a coupling listing a
// coordinate twice (it silently changed the loads) or with zero ratios (an error about spline knots
// when a scenario ran it).
TEST(ModelParser, InertiaProductsMustLeaveARigidBody) {
  EXPECT_EQ(error_of_edit("inertia_kg_m2: [0.4, 0.04, 0.4]",
                          "inertia_kg_m2: [0.4, 0.04, 0.4]\n    products_kg_m2: [0.0, 0.0, 0.001]"),
            "no error");
  const std::string e = error_of_edit("inertia_kg_m2: [0.4, 0.04, 0.4]",
                                      "inertia_kg_m2: [0.4, 0.04, 0.4]\n    products_kg_m2: [0.3, 0.0, 0.0]");
  EXPECT_EQ(e.rfind("bodies.thigh.products_kg_m2: with these products the inertia matrix is not a rigid body's", 0), 0u)
      << e;
}

TEST(ModelParser, CouplingMembersAreDistinctAndMove) {
  const std::string from = "coordinates: [ankle_angle, knee_angle], ratios: [0.5, 1.0]";
  EXPECT_EQ(error_of_edit(from, "coordinates: [ankle_angle, ankle_angle], ratios: [0.5, 1.0]"),
            "couplings.leg.coordinates: coordinate 'ankle_angle' is listed twice");
  const std::string zero = error_of_edit(from, "coordinates: [ankle_angle, knee_angle], ratios: [0.5, 0]");
  EXPECT_EQ(zero.rfind("couplings.leg.ratios: expected a non-zero ratio for 'knee_angle', got 0", 0), 0u) << zero;
}

// An unknown nerve root was an error without a file, line or muscle (audit).
TEST(ModelParser, AnUnknownNerveRootNamesTheMuscle) {
  const std::string e = error_of_edit("nerve_roots: [L3, L4]", "nerve_roots: [L3, L9]");
  EXPECT_NE(e.find(".nerve_roots: expected a spinal nerve root"), std::string::npos) << e;
  EXPECT_EQ(e.rfind("muscles.", 0), 0u) << e;
  try {
    std::ifstream in(kData + "two_segment.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.replace(text.find("nerve_roots: [L3, L4]"), 21, "nerve_roots: [L4-L2]");
    parse_model_spec(text, "edited.yaml");
    ADD_FAILURE() << "a reversed range was accepted";
  } catch (const InputError& x) {
    EXPECT_GT(x.where().line, 0);
    EXPECT_EQ(x.where().file, "edited.yaml");
  }
}

// Unit slips (grams, millimetres, degrees under _rad) and a muscle that crosses no joint were accepted
// and then balanced nothing (audit: a 1e12 kg head, a centre of mass 100 m away, a hip range of
// +-100 rad, a 10 m fibre, a path on one body).
TEST(ModelParser, ValuesNoHumanBodyHasAreUnitSlips) {
  const auto starts = [](const std::string& e, const std::string& with) { return e.rfind(with, 0) == 0; };
  std::string e = error_of_edit("    mass_kg: 40.0", "    mass_kg: 40000.0");
  EXPECT_TRUE(starts(e, "bodies.thigh.mass_kg: expected a segment mass of at most 300 kg")) << e;
  e = error_of_edit("com_m: [0, -0.2, 0]", "com_m: [0, -200, 0]");
  EXPECT_TRUE(starts(e, "bodies.thigh.com_m: expected a centre of mass within 2 m")) << e;
  e = error_of_edit("range_deg: [-120, 0]}\n    rotation", "range_rad: [-120, 0]}\n    rotation");
  EXPECT_NE(e.find("expected angles within one turn"), std::string::npos) << e;
  EXPECT_NE(e.find("degrees given as radians?"), std::string::npos) << e;
  EXPECT_EQ(error_of_edit("range_deg: [-120, 0]}\n    rotation", "range_deg: [-360, 0]}\n    rotation"), "no error");
  e = error_of_edit("optimal_fiber_length_m: 0.09", "optimal_fiber_length_m: 90");
  EXPECT_TRUE(starts(e, "muscles.vastus.optimal_fiber_length_m: expected at most 1 m")) << e;
  e = error_of_edit("tendon_slack_length_m: 0.2", "tendon_slack_length_m: 200");
  EXPECT_TRUE(starts(e, "muscles.vastus.tendon_slack_length_m: expected at most 1 m")) << e;
  e = error_of_edit("optimal_fiber_length_m: 0.09", "optimal_fiber_length_m: 1e-300");
  EXPECT_TRUE(starts(e, "muscles.vastus.optimal_fiber_length_m: expected at least 0.001 m")) << e;
  e = error_of_edit("tendon_slack_length_m: 0.2", "tendon_slack_length_m: 1e-300");
  EXPECT_TRUE(starts(e, "muscles.vastus.tendon_slack_length_m: expected at least 0.0001 m")) << e;
  e = error_of_edit("max_isometric_force_N: 3000", "max_isometric_force_N: 3e6");
  EXPECT_TRUE(starts(e, "muscles.vastus.max_isometric_force_N: expected at most 50000 N")) << e;
  e = error_of_edit("pennation_at_optimal_deg: 5", "pennation_at_optimal_rad: 14.6");
  EXPECT_EQ(e, "muscles.vastus.pennation_at_optimal_rad: expected an angle from 0 up to 90 deg (1.5708 rad), got 14.6 rad "
               "(836.5 deg): degrees given as radians? use pennation_at_optimal_deg");
  e = error_of_edit("{body: shank, location_m: [0.04, 0.39, 0]}", "{body: thigh, location_m: [0.04, -0.5, 0]}");
  EXPECT_TRUE(starts(e, "muscles.vastus.path: every path point is on body 'thigh'")) << e;
}

// The same for the lifter's own fields (audit: each was accepted as "valid model" and changed the
// loads: an orientation in degrees under _rad took the patellofemoral force from 9331 to 58 N, a
// coupling ratio of 1e300 L5/S1 compression from 5064 to 646 N).
std::string error_of_lifter_edit(const std::string& from, const std::string& to) {
  return error_of_edit(from, to, std::string(DEMBONES_SOURCE_DIR) + "/models/lifter.yaml");
}

TEST(ModelParser, AnglesAndLengthsOfTheLifterOutsideAHumanBodyAreUnitSlips) {
  const auto has = [](const std::string& e, const std::string& part) { return e.find(part) != std::string::npos; };
  std::string e = error_of_lifter_edit("orientation_rad: [0, 0, -0.325799]", "orientation_rad: [0, 0, -18.67]");
  EXPECT_TRUE(has(e, "sites.L5_S1.orientation_rad: expected angles within one turn")) << e;
  EXPECT_TRUE(has(e, "use orientation_deg")) << e;
  EXPECT_EQ(error_of_lifter_edit("orientation_rad: [0, 0, -0.325799]", "orientation_deg: [0, 0, -18.67]"), "no error");
  e = error_of_lifter_edit("orientation_rad: [-0.32, -0.24, 0.9]", "orientation_rad: [-18, -14, 52]");
  EXPECT_TRUE(has(e, ".orientation_rad: expected angles within one turn")) << e;
  e = error_of_lifter_edit("angle_deg: [-18, 0, 18]", "angle_rad: [-18, 0, 18]");
  EXPECT_TRUE(has(e, "passive_moments.L5_S1_disc_ligaments.angle_rad: expected angles within two turns")) << e;
  EXPECT_TRUE(has(e, "use angle_deg")) << e;
  // Spline tables padded beyond the range, as OpenSim-derived ones are (to +-10 rad), load.
  EXPECT_EQ(error_of_lifter_edit("coordinate_values_rad: [-2.0944,", "coordinate_values_rad: [-10, -2.0944,"),
            error_of_lifter_edit("coordinate_values_rad: [-2.0944,", "coordinate_values_rad: [-3, -2.0944,"));
  e = error_of_lifter_edit("coordinate_values_rad: [-2.0944,", "coordinate_values_rad: [-120,");
  EXPECT_TRUE(has(e, ".moving.coordinate_values_rad: expected angles within two turns")) << e;
  e = error_of_lifter_edit("location_in_parent_m: [-0.056276, -0.07849, 0.07726]",
                           "location_in_parent_m: [-5.6276, -7.849, 7.726]");
  EXPECT_TRUE(has(e, "joints.hip.location_in_parent_m: expected lengths of at most 1 m, got -5.6276")) << e;
  // Slips the model-authoring audit found accepted: {file (lifter or two-segment), edit from, to, part of
  // the error}.
  const std::string sm = "passive_strain_at_max_force: 0.7\n    passive_curve: degroote2016\n    path:\n      - {body: "
                         "pelvis, location_m: [-0.0987";
  struct Slip {
    bool lifter;
    std::string from, to, expected;
  };
  const std::vector<Slip> slips{
      // A centimetre slip inside a segment (a lumbar attachment of a few cm; the 5 m limit passed it).
      {true, "location_m: [-0.0102, 0.0233, 0.02]", "location_m: [-1.02, 2.33, 2.0]",
       "Ps_L1_VB.path[0].location_m: expected lengths of at most 1 m, got -1.02 (centimetres"},
      // A hip range in metres: the hip turns (its range was gone, -1719 to 6875 deg).
      {true, "{name: hip_flexion, range_rad: [-0.523599, 2.0944]}", "{name: hip_flexion, range_m: [-30, 120]}",
       "range_m: coordinate 'hip_flexion' turns: give it in degrees or radians"},
      // Passive moment curves: a reversed sign, radians under angle_deg, abscissae in the file's degrees.
      {true, "moment_Nm: [108, 0, -108]", "moment_Nm: [-108, 0, 108]",
       ".moment_Nm: a passive moment resists the motion: it must fall (or stay) as the angle grows (positive moment "
       "along the coordinate's positive direction), got -108 N*m at -18 then 0 N*m at 0 (signs reversed?)"},
      {true, "angle_deg: [-18, 0, 18]", "angle_deg: [-0.314, 0, 0.314]",
       ".angle_deg: the curve spans 0.628 deg in all: radians given as degrees?"},
      {true, "angle_deg: [-18, 0, 18]", "angle_deg: [-18, 0, -1]", "expected strictly increasing values, got -1 after 0"},
      // A via point active only outside its coordinate's range, and a range in metres on a turning joint.
      {false, "coordinate: knee_angle, range_deg: [-120, -1]", "coordinate: knee_angle, range_deg: [30, 120]",
       "range_deg: the via point is active for knee_angle in [30, 120], outside its range [-120, 0]"},
      {false, "coordinate: knee_angle, range_deg: [-120, -1]", "coordinate: knee_angle, range_m: [-2, 0]",
       "range_m: coordinate 'knee_angle' turns"},
      // Strains given as percents.
      {true, sm, "passive_strain_at_max_force: 70" + sm.substr(sm.find('\n')),
       "semimembranosus.passive_strain_at_max_force: expected a fraction of at most 2"},
      {true, sm, "passive_strain_at_max_force: 0.7\n    tendon_strain_at_max_force: 4.9" + sm.substr(sm.find('\n')),
       "semimembranosus.tendon_strain_at_max_force: expected a fraction of at most 0.3"},
  };
  for (const Slip& slip : slips) {
    e = slip.lifter ? error_of_lifter_edit(slip.from, slip.to) : error_of_edit(slip.from, slip.to);
    EXPECT_TRUE(has(e, slip.expected)) << slip.to << "\n -> " << e;
  }
  e = error_of_lifter_edit("radius_m: 0.0549", "radius_m: 5.49");
  EXPECT_TRUE(has(e, ".radius_m: expected lengths of at most 1 m, got 5.49 (centimetres")) << e;
  e = error_of_lifter_edit("coordinates: [L5_S1_extension, L4_L5_extension, L3_L4_extension, L2_L3_extension, "
                           "L1_L2_extension, T12_L1_extension]\n    ratios: [0.125,",
                           "coordinates: [L5_S1_extension, L4_L5_extension, L3_L4_extension, L2_L3_extension, "
                           "L1_L2_extension, T12_L1_extension]\n    ratios: [1e300,");
  EXPECT_TRUE(has(e, "couplings.lumbar_rhythm.ratios: expected ratios of magnitude at most 100")) << e;
}

// The passive curve is named per muscle; a misspelt name lists the three, Millard's curve refuses an
// exponential shape it does not have, and the parsed kind reaches the built muscle.
TEST(ModelParser, PassiveCurveChoice) {
  std::string e = error_of_edit("optimal_fiber_length_m: 0.09", "optimal_fiber_length_m: 0.09\n    passive_curve: thelen");
  EXPECT_NE(e.find("muscles.vastus.passive_curve: expected degroote2016, thelen2003, thelen2003_deprecated or millard2012, got "
                   "'thelen'"),
            std::string::npos) << e;
  e = error_of_edit("optimal_fiber_length_m: 0.09",
                    "optimal_fiber_length_m: 0.09\n    passive_curve: millard2012\n    passive_shape: 5");
  EXPECT_NE(e.find("muscles.vastus.passive_shape: the millard2012 curve has no exponential shape"), std::string::npos) << e;
  EXPECT_EQ(error_of_edit("optimal_fiber_length_m: 0.09",
                          "optimal_fiber_length_m: 0.09\n    passive_curve: thelen2003\n    passive_shape: 5"),
            "no error");
  // exp(kPE) overflowed past about 709 and zeroed the curve; Millard's toe needs 0.2 < 1/strain (an
  // audit ran e0 = 10: NaN control points; 20: a fibre pushing with 448 N).
  e = error_of_edit("optimal_fiber_length_m: 0.09", "optimal_fiber_length_m: 0.09\n    passive_shape: 800");
  EXPECT_NE(e.find("muscles.vastus.passive_shape: expected at most 20"), std::string::npos) << e;
  // Strains beyond 2 are refused for every curve (a percent?), which also keeps Millard's toe below 1/strain.
  e = error_of_edit("optimal_fiber_length_m: 0.09",
                    "optimal_fiber_length_m: 0.09\n    passive_curve: millard2012\n    passive_strain_at_max_force: 10");
  EXPECT_NE(e.find("muscles.vastus.passive_strain_at_max_force: expected a fraction of at most 2"), std::string::npos)
      << e;
  EXPECT_EQ(error_of_edit("optimal_fiber_length_m: 0.09",
                          "optimal_fiber_length_m: 0.09\n    passive_curve: millard2012\n    passive_strain_at_max_force: 1.9"),
            "no error");
  std::ifstream in(kData + "two_segment.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.replace(text.find("optimal_fiber_length_m: 0.09"), 28,
               "optimal_fiber_length_m: 0.09\n    passive_curve: thelen2003\n    passive_shape: 5");
  const ModelSpec spec = parse_model_spec(text, "edited.yaml");
  const auto it = std::find_if(spec.muscles.begin(), spec.muscles.end(), [](const auto& m) { return m.name == "vastus"; });
  ASSERT_NE(it, spec.muscles.end());
  EXPECT_EQ(it->passive_curve, curves::PassiveCurveKind::kThelen2003);
  EXPECT_EQ(it->passive_shape, 5.0);
}

// A cylinder changed to a sphere keeps its length_m: the error says a sphere has none (it said
// "unknown field", which reads as a misspelling; model-editing audit). Without it the sphere loads.
TEST(ModelParser, ASphereWithALengthSaysSpheresHaveNone) {
  const std::string e = error_of_edit("type: cylinder\n    body: thigh", "type: sphere\n    body: thigh");
  EXPECT_EQ(e.rfind("wraps.knee_cyl.length_m: a sphere has no length (length_m is a cylinder's)", 0), 0u) << e;
  EXPECT_EQ(error_of_edit("type: cylinder\n    body: thigh\n    source: test\n    location_m: [0, -0.43, 0]\n"
                          "    radius_m: 0.025\n    length_m: 0.1\n",
                          "type: sphere\n    body: thigh\n    source: test\n    location_m: [0, -0.43, 0]\n"
                          "    radius_m: 0.025\n"),
            "no error");
}

// Stature and mass each within bounds can still describe nobody (2.5 m and 30 kg).
TEST(ModelParser, ASubjectsBodyMassIndexIsBounded) {
  const std::string from = "reference_subject: {height_m: 1.80, mass_kg: 80.0,";
  EXPECT_EQ(error_of_edit(from, "reference_subject: {height_m: 1.95, mass_kg: 80.0,"), "no error");
  std::string e = error_of_edit(from, "reference_subject: {height_m: 2.5, mass_kg: 30.0,");
  EXPECT_EQ(e.rfind("reference_subject.mass_kg: 30 kg at 2.5 m is a body mass index of 4.8 kg/m^2: expected 10 to 100", 0), 0u) << e;
  e = error_of_edit(from, "reference_subject: {height_m: 1.0, mass_kg: 250.0,");
  EXPECT_NE(e.find("body mass index of 250.0"), std::string::npos) << e;
}

// The scaling keeps each body's share of body mass, so masses that do not add up to the reference
// subject's, or a body's mass that is not its segment's stated share, made every scaled subject weigh
// other than its scenario says (audit: a torso x1.5 gave an 81 kg "75 kg" subject, a segment_share or
// a reference-sex mass_fraction edit did nothing).
TEST(ModelParser, MassesAddUpAndMatchTheirSegments) {
  std::string e = error_of_edit("    mass_kg: 40.0", "    mass_kg: 45.0");
  EXPECT_EQ(e.rfind("bodies.thigh.mass_kg: mass_kg 45 disagrees with its segment: segment_share 1 x mass_fraction 0.5 "
                    "of 'thigh' x the reference subject's 80 kg = 40 kg", 0), 0u) << e;
  e = error_of_edit("    segment: thigh\n", "    segment: thigh\n    segment_share: 0.5\n");
  EXPECT_NE(e.find("disagrees with its segment: segment_share 0.5"), std::string::npos) << e;
  e = error_of_edit("    mass_kg: 20.0\n    com_m: [0.05, 0.02, 0]", "    mass_kg: 25.0\n    com_m: [0.05, 0.02, 0]");
  EXPECT_EQ(e.rfind("bodies: the bodies' masses (sides counted) add up to 85 kg, the reference subject's mass_kg is 80", 0), 0u)
      << e;
  // A misspelt section is named before a reference into it fails.
  e = error_of_edit("muscles:\n  - name: vastus", "muscels:\n  - name: vastus");
  EXPECT_EQ(e, "muscels: unknown field (did you mean 'muscles'?)");
}

// A body in no joint, or a piece not joined to ground, was "expected one joint per body (15) to form a
// tree from ground, got 14 joints" at the joints list (audit): now the body is named.
TEST(ModelParser, ATreeErrorNamesTheBody) {
  std::string e = error_of_edit("joints:\n", "  - {name: extra, mass_kg: 0.001, com_m: [0, 0, 0], inertia_kg_m2: [0.01, 0.01, 0.01]}\njoints:\n");
  EXPECT_EQ(e, "bodies.extra.name: body 'extra' is in no joint: add a joint with it as child (the model is a tree from ground)");
  e = error_of_edit("  - name: foot_weld\n    type: fixed\n    parent: ground\n", "  - name: foot_weld\n    type: fixed\n    parent: thigh\n");
  EXPECT_NE(e.find("closes a loop"), std::string::npos) << e;
}

}  // namespace
}  // namespace dembones
