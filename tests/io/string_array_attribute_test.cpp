// String-array attributes, including the empty list (a sweep without fixed overrides writes one).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

TEST(Hdf5StringArrayAttribute, EmptyAndNonEmptyListsRoundTrip) {
  io_test::TempDir dir;
  const auto path = dir / "strings.h5";
  {
    Hdf5Writer w(path);
    w.set_string_array_attribute("/", "none", std::vector<std::string>{});
    w.set_string_array_attribute("/", "two", std::vector<std::string>{"a=1", "b.c=näh"});
    w.commit();
  }
  const Hdf5Reader r(path);
  EXPECT_TRUE(r.read_string_array_attribute("/", "none").empty());
  EXPECT_EQ(r.read_string_array_attribute("/", "two"), (std::vector<std::string>{"a=1", "b.c=näh"}));
}

}  // namespace
}  // namespace dembones
