#include "common/error.hpp"

#include <gtest/gtest.h>

namespace dembones {

TEST(InputError, MessageNamesFileLineAndField) {
  InputError e(Location{"scenarios/stoop.yaml", 12, 5, "task.load.mass_kg"}, "expected a number, got 'heavy'");
  EXPECT_STREQ(e.what(), "scenarios/stoop.yaml:12:5: field 'task.load.mass_kg': expected a number, got 'heavy'");
  EXPECT_EQ(e.where().line, 12);
  EXPECT_EQ(e.message(), "expected a number, got 'heavy'");
}

TEST(InputError, WithoutLocationIsJustTheMessage) {
  InputError e("no scenario given");
  EXPECT_STREQ(e.what(), "no scenario given");
}

}  // namespace dembones
