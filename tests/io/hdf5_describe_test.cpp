// describe_hdf5: the listing `dembones info RUN.h5` prints.
#include "io/hdf5_describe.hpp"

#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

TEST(Hdf5Describe, ListsAttributesTypesShapesUnitsAndDescriptions) {
  io_test::TempDir dir;
  const auto path = dir / "run.h5";
  {
    Hdf5Writer w(path, {.compression_level = 1, .store_float32 = true});
    w.set_string_attribute("/", "format", "dembones-run");
    w.set_string_attribute("/", "scenario_yaml", "a: 1\nb: 2\nc: 3\n");
    w.set_string_attribute("/", "command_line", std::string(100, 'x'));
    w.set_double_attribute("/", "body_weight_N", 735.75);
    w.set_double_array_attribute("/", "limits", std::vector<double>{1, 2});
    const std::vector<double> f(24, 1.0);
    w.write_matrix("/muscles/force", f.data(), 6, 4, {"N", "muscle-tendon force"});
    w.write_vector("/time", f.data(), 6, {"s", "frame times", "frame", true});
    w.write_ints("/solver/iterations", std::vector<std::int64_t>{1, 2}, {"1", "iterations"});
    w.write_strings("/muscles/names", std::vector<std::string>{"a", "b", "c", "d"}, {"-", "names"});
    w.commit();
  }
  Hdf5Reader r(path);
  const std::string text = describe_hdf5(r);
  EXPECT_NE(text.find("format = dembones-run\n"), std::string::npos) << text;
  EXPECT_NE(text.find("scenario_yaml = (3 lines)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("command_line = " + std::string(60, 'x') + "...\n"), std::string::npos) << text;
  EXPECT_NE(text.find("body_weight_N = 735.75\n"), std::string::npos) << text;
  EXPECT_NE(text.find("limits = [1, 2]\n"), std::string::npos) << text;
  auto line_of = [&](const std::string& path_in_file) {
    const auto at = text.find("\n" + path_in_file + " ");
    return at == std::string::npos ? std::string() : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  const std::string force = line_of("/muscles/force");
  EXPECT_NE(force.find("float32"), std::string::npos) << force;
  EXPECT_NE(force.find("[6 x 4]"), std::string::npos) << force;
  EXPECT_NE(force.find(" N "), std::string::npos) << force;
  EXPECT_NE(force.find("muscle-tendon force"), std::string::npos) << force;
  EXPECT_NE(line_of("/time").find("float64"), std::string::npos) << text;
  EXPECT_NE(line_of("/solver/iterations").find("int64"), std::string::npos) << text;
  EXPECT_NE(line_of("/muscles/names").find("string"), std::string::npos) << text;
  EXPECT_NE(line_of("/muscles").find("group"), std::string::npos) << text;
  // Only below a chosen group, without attributes.
  const std::string muscles = describe_hdf5(r, {.group = "/muscles", .root_attributes = false});
  EXPECT_EQ(muscles.find("/time"), std::string::npos) << muscles;
  EXPECT_EQ(muscles.find("format ="), std::string::npos) << muscles;
  EXPECT_NE(muscles.find("/muscles/names"), std::string::npos) << muscles;
}

}  // namespace
}  // namespace dembones
