// The shared YAML helpers: edit distance, suggestions, typed reads with located errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "scenario/yaml_fields.hpp"

namespace dembones {
namespace {

TEST(YamlFields, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // the textbook example
  EXPECT_EQ(edit_distance("mass_kg", "mass_kg"), 0u);
  EXPECT_EQ(edit_distance("mas_kg", "mass_kg"), 1u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(YamlFields, SuggestsOnlyCloseNames) {
  const std::vector<std::string> keys{"mass_kg", "com_m", "inertia_kg_m2"};
  EXPECT_EQ(closest_match("mass_g", keys), "mass_kg");
  EXPECT_EQ(closest_match("colour", keys), "");
  EXPECT_EQ(did_you_mean("com", keys), " (did you mean 'com_m'?)");
  EXPECT_EQ(did_you_mean("zzzzzzzz", keys), "");
}

TEST(YamlFields, NumbersAndSources) {
  const YAML::Node n = load_yaml_string(
      "source: outer\na: 1.5\nb: {value: 2, source: inner}\nc: 1.5x\nnested: {d: [1, 2, 3]}\n",
      "f.yaml");
  ParameterLog log;
  FieldReader r(n, "f.yaml", "top", &log);
  EXPECT_DOUBLE_EQ(r.number("a"), 1.5);
  EXPECT_DOUBLE_EQ(r.number("b"), 2.0);
  try {
    r.number("c");
    FAIL() << "1.5x is not a number";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "f.yaml:4:4: field 'top.c': expected a number, got '1.5x'");
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.where().field, "top.c");
  }
  // An underflow to a subnormal (or an overflow) is out of range, not "not a number" (audit).
  const YAML::Node tiny = load_yaml_string("x: 1e-320\ny: 1e400\nz: 0\n", "g.yaml");
  FieldReader t(tiny, "g.yaml", "top", nullptr);
  for (const char* key : {"x", "y"}) {
    try {
      t.number(key);
      ADD_FAILURE() << key << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("is out of the range of a double-precision number"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(t.number("z"), 0.0);
  FieldReader nested = r.child("nested");
  EXPECT_EQ(nested.vector3("d"), Eigen::Vector3d(1, 2, 3));
  nested.finish();
  r.finish();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].source, "outer");
  EXPECT_EQ(log[1].source, "inner");
  EXPECT_EQ(log[2].field, "top.nested.d");
  EXPECT_EQ(log[2].source, "outer");
}

TEST(YamlFields, UnreadKeysAreErrors) {
  const YAML::Node n = load_yaml_string("height_m: 1.8\nheigth_cm: 3\n", "g.yaml");
  FieldReader r(n, "g.yaml", "subject");
  r.number("height_m");
  r.has("mass_kg");
  try {
    r.finish();
    FAIL() << "heigth_cm was never read";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "g.yaml:2:1: field 'subject.heigth_cm': unknown field (did you mean 'height_m'?)");
  }
}

// load_yaml_string(text) refuses it with an InputError at `line` and `field` whose message holds `words`.
void expect_load_error(const std::string& text, int line, const std::string& field, const std::string& words) {
  try {
    load_yaml_string(text, "f.yaml");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, line) << text;
    EXPECT_EQ(e.where().field, field) << text;
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

// YAML keys are unique: yaml-cpp keeps a repeated key's two entries and looks up the first, so a
// second `task:` block was silently ignored (audit). Every loaded file rejects it, nested or not.
TEST(YamlFields, ARepeatedKeyIsAnErrorAtItsSecondOccurrence) {
  expect_load_error("name: a\ntask: {type: stand}\ntask: {type: forward_bend}\n", 3, "task",
                    "duplicate key 'task' (first at line 2)");
  expect_load_error("bodies:\n  - {name: a, mass_kg: 1}\n  - {name: b, mass_kg: 1, mass_kg: 2}\n", 3,
                    "bodies[1].mass_kg", "duplicate key 'mass_kg'");
  // A key that is a list or a mapping (`{[1.75]}`): every reader of field names failed on it with
  // yaml-cpp's "bad conversion", reported as an internal error naming no file.
  expect_load_error("vary:\n  subject.height_m: {[1.75]}\n", 2, "vary.subject.height_m", "got a list as a key");
  EXPECT_THROW(load_yaml_string("? {a: 1}\n: 2\n", "m.yaml"), InputError);
  // The same key in two different mappings is fine.
  EXPECT_NO_THROW(load_yaml_string("a: {x: 1}\nb: {x: 2}\n", "ok.yaml"));
}

TEST(YamlFields, NotAMapping) {
  const YAML::Node n = load_yaml_string("[1, 2]", "h.yaml");
  EXPECT_THROW(FieldReader(n, "h.yaml", ""), InputError);
}

// Nested aliases expanded a kilobyte into ten million values, walked for minutes (audit).
TEST(YamlFields, AnAliasBombIsRefused) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (const char* k : {"b", "c", "d", "e", "f", "g"}) {
    text += fmt::format("{}: &{} [", k, k);
    for (int i = 0; i < 10; ++i) text += (i ? ", *" : "*") + prev;
    text += "]\n";
    prev = k;
  }
  try {
    load_yaml_string(text, "bomb.yaml");
    FAIL() << "ten million values were accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("through its aliases (*name): a YAML alias bomb?"), std::string::npos) << e.what();
  }
  // A few aliases of whole values are fine.
  EXPECT_NO_THROW(load_yaml_string("a: &m {x: 1}\nb: *m\nc: [*m, *m]\n", "ok.yaml"));
}

// An alias inside the value it names (`&a [*a]`) made the value contain itself: the check walked it
// until the stack overflowed (SIGSEGV, audit), in scenarios, --set values, sweeps and models alike.
TEST(YamlFields, AValueThatContainsItselfIsRefused) {
  expect_load_error("description: &a [*a]\nname: stand\n", 1, "description[0]", "an alias (*name) inside the value it names");
  expect_load_error("vary:\n  task.box.mass_kg: &v [1, *v]\n", 2, "vary.task.box.mass_kg[1]",
                    "the value would contain itself");
  expect_load_error("a: &m {x: 1, y: [2, *m]}\n", 1, "a.y[1]", "the value would contain itself");
  // The same mapping used twice side by side contains no cycle.
  EXPECT_NO_THROW(load_yaml_string("a: &m {x: [1, 2]}\nb: [*m, *m]\nc: {p: *m, q: *m}\n", "ok.yaml"));
}

// yaml-cpp stops at 498 levels of nesting with only "bad file" (audit): the message says what it means.
TEST(YamlFields, NestingTooDeepIsNamed) {
  const std::string deep = "a: " + std::string(600, '[') + std::string(600, ']') + "\n";
  expect_load_error(deep, 1, "", "YAML nested too deeply");
  const std::string fine = "a: " + std::string(20, '[') + std::string(20, ']') + "\n";
  EXPECT_NO_THROW(load_yaml_string(fine, "ok.yaml"));
}

// A NUL byte (a binary file, UTF-16 without its mark) was "unknown escape character" (audit).
TEST(YamlFields, ANulByteIsNotText) {
  try {
    load_yaml_string(std::string("name: a\ndescription: b\0c\n", 24), "nul.yaml");
    FAIL() << "a NUL byte was read";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 15);
    EXPECT_NE(std::string(e.what()).find("a NUL byte (0x00): not a text file"), std::string::npos) << e.what();
  }
}

// A folder given for a file read as an empty document: "expected a mapping of scenario fields" (audit).
TEST(YamlFields, AFolderIsNamedAsAFolder) {
  try {
    load_yaml_file(std::string(DEMBONES_SOURCE_DIR) + "/scenarios");
    FAIL() << "a folder was read";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("is a folder, not a file"), std::string::npos) << e.what();
  }
}

// Latin-1 bytes went into HDF5 attributes declared UTF-8 (audit); the error names the line and column.
TEST(YamlFields, TextThatIsNotUtf8IsAnErrorAtItsByte) {
  try {
    load_yaml_string("name: x\ndescription: M\xFCller\n", "latin.yaml");
    FAIL() << "Latin-1 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "latin.yaml:2:15: byte 0xFC is not UTF-8 text (saved as Latin-1 or Windows-1252?): save the file as UTF-8");
  }
  EXPECT_NO_THROW(load_yaml_string("description: M\xC3\xBCller, 5 \xC2\xB0, \xE2\x89\xA4 \xF0\x9F\x99\x82\n", "utf8.yaml"));
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x89"}) {
    EXPECT_THROW(load_yaml_string(std::string("d: ") + bad + "\n", "bad.yaml"), InputError) << bad;
  }
}

}  // namespace
}  // namespace dembones
