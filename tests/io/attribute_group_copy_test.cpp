// Hdf5Writer::create_group_with_double_attributes (a sweep run's /summary group, copied from an
// in-memory template) must store what create_group + set_double_attributes store: the same group
// creation properties, attribute names, types, shapes and values to the bit, whatever order the
// name lists come in (the writer caches a few templates), when values repeat (not written again
// into the template) and for the lists it cannot template.
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::TempDir;

// `count` names of list `list` (lists differ in their names, as the peaks of different tasks would).
std::vector<std::string> names_of(int list, int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    char name[48];
    std::snprintf(name, sizeof name, "site%d_q%d_peak_N", list, i);
    names.emplace_back(name);
  }
  return names;
}

// Values with bit patterns a conversion could change: NaN, -0, infinities, a subnormal.
std::vector<double> values_of(int group, std::size_t count) {
  std::vector<double> v = io_test::run_values(group, count);
  v[0] = std::numeric_limits<double>::quiet_NaN();
  if (count > 4) {
    v[1] = -0.0;
    v[2] = -std::numeric_limits<double>::infinity();
    v[3] = std::numeric_limits<double>::denorm_min();
  }
  return v;
}

struct AttributeLayout {
  bool f64le = false;  // stored as IEEE float64 little-endian
  bool scalar = false;
  std::uint64_t bits = 0;
};

// (Raw HDF5 on a file opened read-only: the type and storage properties Hdf5Reader does not show.)
AttributeLayout layout_of(hid_t file, const std::string& object, const std::string& name) {
  AttributeLayout out;
  const hid_t a = H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return out;
  const hid_t type = H5Aget_type(a);
  const hid_t space = H5Aget_space(a);
  out.f64le = H5Tequal(type, H5T_IEEE_F64LE) > 0;
  out.scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR;
  double value = 0;
  H5Aread(a, H5T_NATIVE_DOUBLE, &value);
  std::memcpy(&out.bits, &value, sizeof value);
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(a);
  return out;
}

std::pair<unsigned, unsigned> phase_change_of(hid_t file, const std::string& group) {
  const hid_t g = H5Gopen2(file, group.c_str(), H5P_DEFAULT);
  const hid_t gcpl = H5Gget_create_plist(g);
  unsigned max_compact = 0, min_dense = 0;
  H5Pget_attr_phase_change(gcpl, &max_compact, &min_dense);
  H5Pclose(gcpl);
  H5Gclose(g);
  return {max_compact, min_dense};
}

// Group g of the test: its name list (lists 0 and 1 alternate, then lists 2..6 push the first ones
// out of the writer's cache of 4 templates, then list 0 again) and its size.
int list_of(int g) { return g < 6 ? g % 2 : g < 11 ? g - 4 : 0; }
// Group 4 repeats group 2's values (same list, another list's group between them): the writer skips
// the values its template holds already, here all of them.
int values_seed_of(int g) { return g == 4 ? 2 : g; }
int count_of(int list) { return list == 3 ? 1 : 67; }

TEST(AttributeGroupCopy, EqualsTheGroupBuiltAttributeByAttribute) {
  TempDir dir;
  constexpr int kGroups = 13;
  {
    Hdf5Writer one(dir / "one.h5"), copied(dir / "copied.h5");
    for (int g = 0; g < kGroups; ++g) {
      const auto names = names_of(list_of(g), count_of(list_of(g)));
      const auto values = values_of(values_seed_of(g), names.size());
      const std::string path = io_test::run_group(g) + "/summary";
      one.create_group(path);
      one.set_double_attributes(path, names, values);
      copied.create_group_with_double_attributes(path, names, values);
    }
    one.commit();
    copied.commit();
  }
  const Hdf5Reader a(dir / "one.h5"), b(dir / "copied.h5");
  const hid_t fa = H5Fopen((dir / "one.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t fb = H5Fopen((dir / "copied.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(fa, 0);
  ASSERT_GE(fb, 0);
  for (int g = 0; g < kGroups; ++g) {
    const std::string path = io_test::run_group(g) + "/summary";
    ASSERT_TRUE(b.is_group(path)) << path;
    EXPECT_EQ(phase_change_of(fb, path), phase_change_of(fa, path)) << path;
    const auto names = a.attribute_names(path);
    ASSERT_EQ(b.attribute_names(path), names) << path;
    EXPECT_EQ(names.size(), static_cast<std::size_t>(count_of(list_of(g))));
    for (const std::string& name : names) {
      const AttributeLayout x = layout_of(fa, path, name), y = layout_of(fb, path, name);
      EXPECT_TRUE(y.f64le && y.scalar) << path << "@" << name;
      EXPECT_EQ(x.f64le, y.f64le);
      EXPECT_EQ(x.scalar, y.scalar);
      EXPECT_EQ(x.bits, y.bits) << path << "@" << name;
    }
  }
  H5Fclose(fb);
  H5Fclose(fa);
  EXPECT_TRUE(std::isnan(b.read_double_attribute("/runs/00000/summary", "site0_q0_peak_N")));
  EXPECT_EQ(b.read_double_attribute("/runs/00012/summary", "site0_q5_peak_N"), 12000.005);
  EXPECT_EQ(b.read_double_attribute("/runs/00004/summary", "site0_q5_peak_N"), 2000.005);
}

// Lists the writer does not template: a repeated name keeps its last value (as set_double_attributes
// does), and more attributes than an object header keeps (dense storage) are all there.
TEST(AttributeGroupCopy, RepeatedNamesAndDenseStorageGoAttributeByAttribute) {
  TempDir dir;
  const std::vector<std::string> repeated = {"a_N", "b_N", "a_N"};
  const std::vector<double> repeated_values = {1.0, 2.0, 3.0};
  const auto many = names_of(7, 200);
  const auto many_values = values_of(7, many.size());
  {
    Hdf5Writer w(dir / "a.h5");
    w.create_group_with_double_attributes("/repeat", repeated, repeated_values);
    w.create_group_with_double_attributes("/runs/00001/many", many, many_values);
    EXPECT_THROW(w.create_group_with_double_attributes("/repeat", repeated, repeated_values), IoError);
    w.create_group_with_double_attributes("/template", names_of(0, 3), values_of(0, 3));
    EXPECT_THROW(w.create_group_with_double_attributes("/template", names_of(0, 3), values_of(0, 3)), IoError);
    EXPECT_THROW(w.create_group_with_double_attributes("/short", names_of(0, 3), values_of(0, 2)), InternalError);
    w.commit();
  }
  const Hdf5Reader r(dir / "a.h5");
  EXPECT_EQ(r.attribute_names("/repeat").size(), 2u);
  EXPECT_EQ(r.read_double_attribute("/repeat", "a_N"), 3.0);
  EXPECT_EQ(r.read_double_attribute("/repeat", "b_N"), 2.0);
  EXPECT_EQ(r.attribute_names("/runs/00001/many").size(), many.size());
  for (std::size_t i = 1; i < many.size(); ++i)
    EXPECT_EQ(r.read_double_attribute("/runs/00001/many", many[i]), many_values[i]) << many[i];
  EXPECT_EQ(r.attribute_names("/template").size(), 3u);
  EXPECT_FALSE(r.exists("/short"));
}

}  // namespace
}  // namespace dembones
