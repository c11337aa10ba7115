// What the user manual promises the program says about mistakes (docs/scenarios.md, docs/models.md,
// docs/sweeps.md, docs/hdf5-layout.md): a misspelt required field is an unknown field with a
// suggestion at its own line, an error in a --set value names the override, `validate` takes scenario,
// model and sweep files, exporting a run of a summary-only sweep says why there is no time series, and
// the text column of /summary/peaks has the unit '-'.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_util.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {
namespace {

using cli_test::dembones;
using io_test::TempDir;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string source_path(const std::string& rel) { return (std::filesystem::path(DEMBONES_SOURCE_DIR) / rel).string(); }

// 1-based line and column of the first `needle` in `text`.
std::pair<int, int> line_column(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  const std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  return {line, static_cast<int>(at - line_start) + 1};
}

std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// A command that does not exist is an error (exit 2) naming the commands, --help after it or not
// (`dembones inspect --help` printed the general help and exited 0).
TEST(UserErrorMessages, AnUnknownCommandIsAnErrorEvenWithHelp) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"inspect", "--help"}, {"inspect", "x.h5"}, {"runn"}, {"--help", "inspect"},
        {"--version", "inspect"}}) {
    const auto r = dembones(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.output;
    EXPECT_NE(r.output.find("unknown command 'inspect'") == std::string::npos ? r.output.find("unknown command 'runn'")
                                                                              : 0,
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("run, sweep, validate, info, export, merge"), std::string::npos) << r.output;
  }
  const auto help = dembones({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.output;
}

TEST(UserErrorMessages, MisspeltRequiredScenarioFieldIsUnknownWithSuggestion) {
  TempDir dir;
  std::string text = read_text(cli_test::shipped_scenario("stoop_lift"));
  text = replace_first(text, "model: ../models/lifter.yaml", "model: " + source_path("models/lifter.yaml"));
  text = replace_first(text, "\nsubject:", "\nsubjct:");
  const auto file = dir / "typo.yaml";
  io_test::write_text_file(file, text);
  const auto [line, column] = line_column(text, "subjct:");
  const auto r = dembones({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(fmt::format("{}:{}:{}: field 'subjct': unknown field (did you mean 'subject'?)",
                                      file.string(), line, column)),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("missing required field"), std::string::npos) << r.output;
}

// `dembones info --model` on lifter.yaml with its first `field:` written `typo:` reports the typo at its
// own line and column, as an unknown field of `what` with `field` suggested.
void expect_model_typo_reported(const std::string& field, const std::string& typo, const std::string& what) {
  TempDir dir;
  const std::string original = read_text(source_path("models/lifter.yaml"));
  ASSERT_NE(original.find(field + ":"), std::string::npos) << field;
  const std::string text = replace_first(original, field + ":", typo + ":");
  const auto file = dir / "lifter_typo.yaml";
  io_test::write_text_file(file, text);
  const auto [line, column] = line_column(text, typo + ":");
  const auto r = dembones({"info", "--model", file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(fmt::format("{}:{}:{}: field '{}", file.string(), line, column, what)), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(fmt::format(".{}': unknown field (did you mean '{}'?)", typo, field)), std::string::npos)
      << r.output;
}

TEST(UserErrorMessages, MisspeltRequiredModelFieldIsUnknownWithSuggestion) {
  expect_model_typo_reported("inertia_kg_m2", "inertia_kgm2", "bodies.");
}

TEST(UserErrorMessages, MisspeltAngleOfAModelJointIsUnknownWithSuggestion) {
  // Fields given in radians or degrees (`range_rad` or `range_deg`) are required through their own check.
  expect_model_typo_reported("range_rad", "rang_rad", "");
}

// `dembones validate stoop_lift.yaml --set OVERRIDE` fails with "--set OVERRIDE: MESSAGE", not with a
// place in the scenario file, which the override does not come from.
void expect_override_named(const std::string& override_text, const std::string& message) {
  const auto r = dembones({"validate", cli_test::shipped_scenario("stoop_lift").string(), "--set", override_text});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--set " + override_text + ": " + message), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("stoop_lift.yaml:1:1"), std::string::npos) << r.output;
}

TEST(UserErrorMessages, BadValueFromSetNamesTheOverride) {
  expect_override_named("task.box.mass_kg=200", "field 'task.box.mass_kg': expected a number from 0 to 100");
}

// Weights given with a preset technique: what they need (was "unknown field (did you mean 'weights'?)",
// suggesting the field refused; audit).
TEST(UserErrorMessages, WeightsOfAPresetTechniqueSayTheyNeedCustom) {
  expect_override_named("task.weights={trunk_upright: 2}",
                        "field 'task.weights': applies only to technique: custom (the stoop technique has its own");
}

// A value in degrees out of range is echoed as given, not as its round trip through radians
// (-29.999999999999996; audit).
TEST(UserErrorMessages, AnAngleOutOfRangeIsEchoedAsGiven) {
  const auto r = dembones({"validate", cli_test::shipped_scenario("forward_bend").string(), "--set",
                           "task.trunk_flexion_deg=-30"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("expected a number from 0 to 120, got -30\n"), std::string::npos) << r.output;
}

TEST(UserErrorMessages, BadValueInsideASetMappingNamesTheOverride) {
  expect_override_named("task.box={mass_kg: 15, depth_m: 0.3, heigth_m: 0.3}",
                        "field 'task.box.heigth_m': unknown field (did you mean 'height_m'?)");
}

// A valid scenario's check says what would run, every --set applied: an override of the wrong list
// item or a value that parses but is not the one meant shows before the run (audit: validate printed
// the same line with and without an impairments override).
TEST(UserErrorMessages, ValidateShowsTheScenarioWithItsOverrides) {
  const std::string stoop = cli_test::shipped_scenario("stoop_lift").string();
  const auto plain = dembones({"validate", stoop});
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("task lift, stoop, box 15 kg"), std::string::npos) << plain.output;
  EXPECT_EQ(plain.output.find("impairments:"), std::string::npos) << plain.output;
  const auto set = dembones({"validate", stoop, "--set", "task.box.mass_kg=25", "--set", "subject.height_m=1.6",
                             "--set", "impairments=[{type: weak_muscle, muscles: core, strength_scale: 0.5}]"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  EXPECT_NE(set.output.find("subject 1.60 m, 75 kg"), std::string::npos) << set.output;
  EXPECT_NE(set.output.find("task lift, stoop, box 25 kg"), std::string::npos) << set.output;
  EXPECT_NE(set.output.find("impairments: weak_muscle core (strength x0.5)"), std::string::npos) << set.output;
}

// A file the scenario points at that is not there: the scenario's line and field, and the path that
// was tried (before: "../models/lifter.yaml: cannot open file for reading", no scenario, no field).
TEST(UserErrorMessages, MissingReferencedFilesNameTheScenarioField) {
  TempDir dir;
  const std::string stand = read_text(source_path("scenarios/stand.yaml"));
  const auto scenario = dir / "s.yaml";
  io_test::write_text_file(scenario, stand);  // its model path is relative: not found from dir
  const auto model = dembones({"validate", scenario.string()});
  EXPECT_EQ(model.exit_code, 2) << model.output;
  const auto [line, column] = line_column(stand, "../models/lifter.yaml");
  EXPECT_NE(model.output.find(fmt::format("s.yaml:{}:{}: field 'model': no such model file", line, column)),
            std::string::npos) << model.output;
  EXPECT_NE(model.output.find("no such model file '../models/lifter.yaml' (looked for "), std::string::npos) << model.output;

  const std::string ef = replace_first(stand, "../models/lifter.yaml", source_path("models/lifter.yaml")) +
                         "external_forces:\n  file: nothere.sto\n  forces:\n    - {body: hand, force_columns: [fx, fy, fz], "
                         "point_m: [0, 0, 0]}\n";
  io_test::write_text_file(scenario, ef);
  const auto forces = dembones({"validate", scenario.string()});
  EXPECT_EQ(forces.exit_code, 2) << forces.output;
  // What was written, and where it was looked for (the resolved path alone read as if written so).
  EXPECT_NE(forces.output.find("field 'external_forces.file': no such external forces file 'nothere.sto' (looked for " +
                               (dir / "nothere.sto").string() + ": a relative path is taken from the scenario file's folder)"),
            std::string::npos)
      << forces.output;
}

TEST(UserErrorMessages, ValidateTakesAModelFile) {
  const auto r = dembones({"validate", source_path("models/lifter.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("lifter.yaml: valid model ("), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("missing required field"), std::string::npos) << r.output;
}

// A model whose numbers lack sources validates (a researcher's draft may), but says which (audit:
// validate was silent; only info --model showed [NO SOURCE]).
TEST(UserErrorMessages, ValidateNamesNumbersWithoutASource) {
  TempDir dir;
  const std::string two = read_text(std::string(DEMBONES_TEST_DATA_DIR) + "/models/two_segment.yaml");
  const auto sourced = dir / "sourced.yaml";
  io_test::write_text_file(sourced, two);
  const auto ok = dembones({"validate", sourced.string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output.find("no source"), std::string::npos) << ok.output;
  const auto model = dir / "unsourced.yaml";
  io_test::write_text_file(model, replace_first(two, "    segment: thigh\n    source: test\n", "    segment: thigh\n"));
  const auto r = dembones({"validate", model.string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("numbers have no source: bodies.thigh.mass_kg"), std::string::npos) << r.output;
}

TEST(UserErrorMessages, ValidateTakesASweepFileAndChecksItsRuns) {
  TempDir dir;
  const auto file = dir / "masses.yaml";
  cli_test::write_box_mass_sweep(file, "[5, 10, 150]");
  // The third run's box is out of range: validate checks every run, as `sweep --list` does.
  const auto bad = dembones({"validate", file.string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("expected a number from 0 to 100, got 150"), std::string::npos) << bad.output;
  EXPECT_EQ(bad.output.find("field 'model': missing required field"), std::string::npos) << bad.output;

  cli_test::write_box_mass_sweep(file, "[5, 10, 15]");
  const auto good = dembones({"validate", file.string()});
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("masses.yaml: valid sweep (3 runs"), std::string::npos) << good.output;
}

TEST(UserErrorMessages, ExportOfASummaryOnlySweepRunSaysItHasNoTimeSeries) {
  TempDir dir;
  const auto sweep = dir / "masses.yaml";
  const auto out = dir / "masses.h5";
  cli_test::write_box_mass_sweep(sweep, "[5, 10]", "summary");
  const auto run = cli_test::sweep_short(sweep, out, {"-q", "--threads", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto r = dembones({"export", out.string(), "--run", "1", "--format", "mot", "-o", (dir / "run1.mot").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("has no time series: the sweep was stored with series: summary"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--series full"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("not a dembones run"), std::string::npos) << r.output;
}

TEST(UserErrorMessages, SummaryPeaksTextColumnHasTheTextUnit) {
  // docs/hdf5-layout.md: `-` for text, as the sweep /summary's status and error columns.
  TempDir dir;
  const auto run = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", run));
  const Hdf5Reader h5(run);
  EXPECT_EQ(h5.read_string_array_attribute("/summary/peaks", "units"), (std::vector<std::string>{"-", "N", "s", "BW"}));
  // Every dataset says what its dimensions index, the compound tables too (HDF5 audit).
  EXPECT_EQ(h5.read_string_attribute("/summary/peaks", "dimensions"), "peak");
}

// An output folder that does not exist is an error before the run is solved (it came after solving).
TEST(UserErrorMessages, OutputIntoAMissingFolderFailsBeforeSolving) {
  TempDir dir;
  const auto r = dembones({"run", cli_test::shipped_scenario("stand").string(), "-o", (dir / "nodir" / "x.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("field '--output': no folder"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("frames, "), std::string::npos) << "solved before failing:\n" << r.output;
}

// A result file given to validate (or as a scenario) is named as HDF5, not a YAML syntax error (audit).
TEST(UserErrorMessages, AnHdf5FileWhereYamlBelongs) {
  TempDir dir;
  const auto run = dir / "stand.h5";
  ASSERT_TRUE(cli_test::run_short("stand", run));
  const auto r = dembones({"validate", run.string()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("this is an HDF5 file (a result), not a YAML file: dembones info"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace dembones
