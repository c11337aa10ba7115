// A misspelt required field is reported as the unknown field it is, with a suggestion, at its own
// line (docs/scenarios.md, docs/models.md); an error in a --set value names the override.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/input_error_text.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_runner.hpp"
#include "scenario/yaml_fields.hpp"

namespace dembones {
namespace {

using test_support::input_error_text;

TEST(MisspeltField, RequiredFieldMisspeltIsUnknownAtItsLine) {
  const YAML::Node root = load_yaml_string("name: a\nmas_kg: 3\n", "t.yaml");
  FieldReader r(root, "t.yaml", "body");
  r.string("name");
  EXPECT_EQ(input_error_text([&] { r.number("mass_kg"); }),
            "t.yaml:2:1: field 'body.mas_kg': unknown field (did you mean 'mass_kg'?)");
}

TEST(MisspeltField, RequiredFieldAbsentWithoutNearMissIsStillMissing) {
  const YAML::Node root = load_yaml_string("name: a\ncolour: red\n", "t.yaml");
  FieldReader r(root, "t.yaml", "body");
  r.string("name");
  EXPECT_EQ(input_error_text([&] { r.number("mass_kg"); }), "t.yaml:1:1: field 'body.mass_kg': missing required field");
}

TEST(MisspeltField, KeyAlreadyAskedAboutIsNotTakenForATypo) {
  // `height_m` was read (optional); it is a real field, not a misspelling of a missing `weight_m`.
  const YAML::Node root = load_yaml_string("height_m: 1\n", "t.yaml");
  FieldReader r(root, "t.yaml", "");
  r.number_or("height_m", 0.0);
  EXPECT_EQ(input_error_text([&] { r.number("weight_m"); }), "t.yaml:1:1: field 'weight_m': missing required field");
}

TEST(MisspeltField, SetOverrideErrorNamesTheOverride) {
  const std::string stoop = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "stoop_lift.yaml").string();
  EXPECT_EQ(input_error_text([&] { load_scenario(stoop, {Override{"task.box.mass_kg", "200"}}); }),
            "--set task.box.mass_kg=200: field 'task.box.mass_kg': expected a number from 0 to 100, got 200");
  // A list element set by index: the error's field says impairments[0], the override impairments.0.
  EXPECT_EQ(input_error_text([&] {
              load_scenario(stoop, {Override{"impairments", "[{type: weak_muscle, muscles: core, strength_scale: 0.5}]"},
                                    Override{"impairments.0.strength_scale", "abc"}});
            }),
            "--set impairments.0.strength_scale=abc: field 'impairments[0].strength_scale': expected a number, got 'abc'");
  // A bad choice given with --set names the override too.
  const std::string other = input_error_text([&] { load_scenario(stoop, {Override{"task.technique", "stop"}}); });
  EXPECT_EQ(other.rfind("--set task.technique=stop: field 'task.technique': expected one of", 0), 0u) << other;
}

// A list item added with --set on a scenario that has none (index 0 of an absent list adds the first
// item; index size adds one at the end): it is read as a list, not a mapping, and an error about a
// field the item lacks names the override that created the item, not the scenario file's first line.
TEST(MisspeltField, SetAddsListItemsAndNamesTheOverrideForTheirMissingFields) {
  const std::string stoop = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "stoop_lift.yaml").string();
  const ScenarioSpec added = load_scenario(stoop, {Override{"impairments.0.type", "tight_muscle"},
                                                   Override{"impairments.0.muscles", "psoas"},
                                                   Override{"impairments.0.length_scale", "0.9"},
                                                   Override{"impairments.1", "{type: weak_muscle, muscles: core, strength_scale: 0.5}"}});
  ASSERT_EQ(added.impairments.size(), 2u);
  EXPECT_DOUBLE_EQ(added.impairments[0].length_scale, 0.9);
  EXPECT_DOUBLE_EQ(added.impairments[1].strength_scale, 0.5);
  EXPECT_EQ(input_error_text([&] {
              load_scenario(stoop, {Override{"impairments.0.type", "tight_muscle"}, Override{"impairments.0.muscles", "psoas"}});
            }),
            "--set impairments.0.muscles=psoas: field 'impairments[0].length_scale': missing required field");
  EXPECT_EQ(input_error_text([&] { load_scenario(stoop, {Override{"impairments.3.type", "tight_muscle"}}); }),
            stoop + ": field 'impairments.3.type': --set: 'impairments' is an empty list: no index 3 (index 0 "
            "adds the first item, or set the whole list, e.g. --set 'impairments=[...]')");
  // A negative index below a missing list said "expected a list" at the scenario (audit).
  EXPECT_EQ(input_error_text([&] { load_scenario(stoop, {Override{"impairments.-1.type", "tight_muscle"}}); }),
            stoop + ": field 'impairments.-1.type': --set: list indices count from 0 (index 0 adds the first item); "
            "got '-1'");
}

// A field written without its unit suffix gets the suffixed name suggested (it got none: "mass" is
// three edits from "mass_kg"), and a required field read in two forms (trunk_flexion_deg or _rad) that
// is misspelt is the unknown field at its own line, not "missing required field" at the task.
TEST(MisspeltField, UnitlessAndTwoFormFieldsGetSuggestions) {
  const std::string stoop = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "stoop_lift.yaml").string();
  EXPECT_EQ(input_error_text([&] { load_scenario(stoop, {Override{"subject.mass", "70"}}); }),
            "--set subject.mass=70: field 'subject.mass': unknown field (did you mean 'mass_kg'?)");
  const std::string bend = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "forward_bend.yaml").string();
  const std::string e = input_error_text([&] {
    load_scenario(bend, {Override{"task", "{type: forward_bend, trunk_flexon_deg: 40}"}});
  });
  EXPECT_NE(e.find("field 'task.trunk_flexon_deg': unknown field (did you mean 'trunk_flexion_deg'?)"), std::string::npos) << e;
}

// A muscle selector given with --set that matches nothing is found when the run is prepared: the error
// names the override (it named the scenario file's 1:2, a file without impairments).
TEST(MisspeltField, SelectorErrorsOfImpairmentsGivenWithSetNameTheOverride) {
  const std::string stoop = (std::filesystem::path(DEMBONES_SOURCE_DIR) / "scenarios" / "stoop_lift.yaml").string();
  auto prepared_error = [&](const std::vector<Override>& o) {
    return input_error_text([&] {
      ModelCache models;
      prepare_run(load_scenario(stoop, o), models);
    });
  };
  EXPECT_EQ(prepared_error({Override{"impairments.0.type", "weak_muscle"}, Override{"impairments.0.muscles", "cor"},
                            Override{"impairments.0.strength_scale", "0.5"}})
                .rfind("--set impairments.0.muscles=cor: field 'impairments[0].muscles': 'cor' matches no muscle", 0),
            0u);
  const std::string whole = prepared_error({Override{"impairments", "[{type: weak_muscle, muscles: back_extensor, strength_scale: 0.5}]"}});
  EXPECT_EQ(whole.rfind("--set impairments=[{type: weak_muscle", 0), 0u) << whole;
  EXPECT_NE(whole.find("(did you mean 'back_extensors'?)"), std::string::npos) << whole;
}

}  // namespace
}  // namespace dembones
