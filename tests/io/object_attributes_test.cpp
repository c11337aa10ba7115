// Hdf5Writer::open_attributes: several attributes on one object opened once (a sweep run group)
// read back equal to the one-call setters, replace existing attributes like them, and report a
// missing object as an IoError; likewise on a group created with create_group_with_attributes.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

// The attributes both tests set, with the one-call setters on /one_call and through a handle on a run
// group: "parameter_values" (a string array), "status" = "ok" and a double array `array_name`.
struct RunAttributes {
  std::vector<std::string> values;
  std::string array_name;
  std::vector<double> array;

  // Writes the file at `path`: /one_call with the one-call setters, then `run_group(w)` (the test's
  // own objects); commits.
  template <class RunGroup>
  void write_file(const std::filesystem::path& path, RunGroup run_group) const {
    Hdf5Writer w(path);
    w.create_group("/one_call");
    w.set_string_array_attribute("/one_call", "parameter_values", values);
    w.set_string_attribute("/one_call", "status", "ok");
    w.set_double_array_attribute("/one_call", array_name, array);
    run_group(w);
    w.commit();
  }

  // Sets them through a handle (status last: it replaces an earlier value).
  void set_through(Hdf5Writer::ObjectAttributes& a) const {
    a.set_string_array("parameter_values", values);
    a.set_double_array(array_name, array);
    a.set_string("status", "ok");
  }

  // Reads them back from /one_call and from `run`.
  void expect_on_both(const Hdf5Reader& r, const char* run) const {
    for (const char* g : {"/one_call", run}) {
      SCOPED_TRACE(g);
      EXPECT_EQ(r.read_string_array_attribute(g, "parameter_values"), values);
      EXPECT_EQ(r.read_string_attribute(g, "status"), "ok");
      EXPECT_EQ(r.read_double_array_attribute(g, array_name), array);
    }
  }
};

TEST(Hdf5ObjectAttributes, EqualTheOneCallSettersAndReplaceExistingOnes) {
  io_test::TempDir dir;
  const RunAttributes expected{{"task.technique=stoop", "subject.height_m=1.75"}, "peaks", {3812.5, 5.1, 0.93}};
  expected.write_file(dir / "attributes.h5", [&](Hdf5Writer& w) {
    w.create_group("/runs/00007");
    w.set_string_attribute("/runs/00007", "status", "stale");  // replaced below
    {
      Hdf5Writer::ObjectAttributes opened = w.open_attributes("runs/00007");
      Hdf5Writer::ObjectAttributes a = std::move(opened);  // the moved-from handle closes nothing
      expected.set_through(a);
      a.set_string_array("none", std::vector<std::string>{});
    }
    EXPECT_THROW(w.open_attributes("/runs/missing"), IoError);
  });
  const Hdf5Reader r(dir / "attributes.h5");
  expected.expect_on_both(r, "/runs/00007");
  EXPECT_TRUE(r.read_string_array_attribute("/runs/00007", "none").empty());
  EXPECT_FALSE(r.has_attribute("/one_call", "none"));
}

// create_group_with_attributes: the group is new, so its attributes are created without looking them
// up first; a name set twice through the handle must still be replaced (one attribute, last value),
// also after the handle was moved, and a group that exists already is an IoError.
TEST(Hdf5ObjectAttributes, OnAGroupJustCreatedEqualTheOneCallSetters) {
  io_test::TempDir dir;
  const RunAttributes expected{{"stoop", "12.5"}, "frame_counts", {201, 3, 0}};
  expected.write_file(dir / "created.h5", [&](Hdf5Writer& w) {
    {
      Hdf5Writer::ObjectAttributes created = w.create_group_with_attributes("/runs/00003");  // parent made too
      created.set_string("status", "stale");
      Hdf5Writer::ObjectAttributes a = std::move(created);
      expected.set_through(a);  // its "status" replaces "stale"
    }
    EXPECT_THROW(w.create_group_with_attributes("/runs/00003"), IoError);
    EXPECT_THROW(w.create_group_with_attributes("/one_call"), IoError);
  });
  const Hdf5Reader r(dir / "created.h5");
  EXPECT_EQ(r.attribute_names("/runs/00003"), r.attribute_names("/one_call"));
  EXPECT_EQ(r.attribute_names("/runs/00003").size(), 3u);
  expected.expect_on_both(r, "/runs/00003");
}

}  // namespace
}  // namespace dembones
