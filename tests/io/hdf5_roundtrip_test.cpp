// Round trips through Hdf5Writer and Hdf5Reader for every supported type, and the chunking and
// compression actually stored in the file.
#include <hdf5.h>

#include <cmath>
#include <cstdint>
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

// Values that are not exactly representable in float32 and differ in every element.
std::vector<double> sample_values(std::size_t n, double scale = 1.0) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * (std::sin(0.37 * static_cast<double>(i) + 0.1) + 1e-9 * static_cast<double>(i));
  return v;
}

TEST(Hdf5RoundTrip, DoubleVectorMatrixArray3AndScalar) {
  TempDir dir;
  const auto path = dir / "run.h5";
  const std::size_t frames = 7, muscles = 5, coords = 3;
  const auto t = sample_values(frames);
  const auto force = sample_values(frames * muscles, 1000.0);
  const auto arms = sample_values(frames * muscles * coords, 0.05);
  const auto rotation = sample_values(frames * 2 * 9);
  {
    Hdf5Writer w(path, {.compression_level = 4});
    w.write_vector("/time", t.data(), t.size(), {"s", "sample time", "frame", true});
    w.write_matrix("muscles/force", force.data(), frames, muscles, {"N", "muscle-tendon force"});
    w.write_array3("/muscles/moment_arm", arms.data(), frames, muscles, coords, {"m", "moment arm"});
    w.write_scalar("/summary/peak_force", 1234.5, {"N", "largest muscle force"});
    const std::uint64_t rot_dims[] = {frames, 2, 3, 3};
    w.write_array("/bodies/rotation", rotation.data(), rot_dims, {"1", "rotation matrices"});
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.read_doubles("/time"), t);
  EXPECT_EQ(r.read_doubles("/muscles/force"), force);
  EXPECT_EQ(r.read_doubles("/muscles/moment_arm"), arms);
  EXPECT_EQ(r.read_scalar("/summary/peak_force"), 1234.5);
  EXPECT_EQ(r.dims("/muscles/force"), (std::vector<std::uint64_t>{frames, muscles}));
  EXPECT_EQ(r.dims("/muscles/moment_arm"), (std::vector<std::uint64_t>{frames, muscles, coords}));
  EXPECT_TRUE(r.dims("/summary/peak_force").empty());
  EXPECT_EQ(r.dims("/bodies/rotation"), (std::vector<std::uint64_t>{frames, 2, 3, 3}));
  EXPECT_EQ(r.read_doubles("/bodies/rotation"), rotation);
  const Eigen::MatrixXd m = r.read_matrix("/muscles/force");
  ASSERT_EQ(m.rows(), 7);
  ASSERT_EQ(m.cols(), 5);
  EXPECT_EQ(m(2, 3), force[2 * muscles + 3]);  // row-major on disk
  const auto column = r.read_column("/muscles/force", 3);
  ASSERT_EQ(column.size(), frames);
  for (std::size_t i = 0; i < frames; ++i) EXPECT_EQ(column[i], force[i * muscles + 3]);
  EXPECT_THROW(r.read_column("/muscles/force", muscles), IoError);
  EXPECT_THROW(r.read_column("/time", 0), IoError);
  EXPECT_EQ(r.read_string_attribute("/muscles/force", "units"), "N");
  EXPECT_EQ(r.read_string_attribute("/muscles/force", "description"), "muscle-tendon force");
  EXPECT_EQ(r.read_string_attribute("/time", "units"), "s");
}

TEST(Hdf5RoundTrip, EigenColumnMajorMatrixIsWrittenRowMajor) {
  TempDir dir;
  const auto path = dir / "eigen.h5";
  Eigen::MatrixXd q(4, 3);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) q(i, j) = 10.0 * i + j + 0.25;
  Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(6, -1.0, 1.5);
  {
    Hdf5Writer w(path);
    w.write_matrix("/coordinates/q", q, {"rad", "generalized coordinates"});
    w.write_vector("/v", v, {"1", "a vector"});
    // A strided view (every other entry) goes through the copying path.
    w.write_vector("/v_strided", Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<2>>(v.data(), 3),
                   {"1", "strided"});
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.read_matrix("/coordinates/q"), q);
  EXPECT_EQ(r.read_doubles("/coordinates/q")[1], q(0, 1));
  EXPECT_EQ(r.read_vector("/v"), v);
  EXPECT_EQ(r.read_doubles("/v_strided"), (std::vector<double>{v(0), v(2), v(4)}));
}

TEST(Hdf5RoundTrip, Float32StorageRoundsToFloatAndKeepsFlaggedFloat64) {
  TempDir dir;
  const auto path = dir / "f32.h5";
  const auto values = sample_values(100, 3.0);
  {
    Hdf5Writer w(path, {.compression_level = 0, .store_float32 = true});
    w.write_vector("/x", values.data(), values.size(), {"m", "x"});
    w.write_vector("/time", values.data(), values.size(), {"s", "t", "frame", true});
    w.commit();
  }
  Hdf5Reader r(path);
  const auto x = r.read_doubles("/x");
  ASSERT_EQ(x.size(), values.size());
  bool any_rounded = false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i], static_cast<double>(static_cast<float>(values[i])));
    any_rounded |= x[i] != values[i];
  }
  EXPECT_TRUE(any_rounded);
  EXPECT_EQ(r.read_doubles("/time"), values);

  // The stored types themselves.
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  hid_t dx = H5Dopen2(f, "/x", H5P_DEFAULT);
  hid_t dt = H5Dopen2(f, "/time", H5P_DEFAULT);
  hid_t tx = H5Dget_type(dx);
  hid_t tt = H5Dget_type(dt);
  EXPECT_EQ(H5Tget_size(tx), 4u);
  EXPECT_EQ(H5Tget_size(tt), 8u);
  H5Tclose(tx);
  H5Tclose(tt);
  H5Dclose(dx);
  H5Dclose(dt);
  H5Fclose(f);
}

TEST(Hdf5RoundTrip, Integers) {
  TempDir dir;
  const auto path = dir / "ints.h5";
  const std::vector<std::int64_t> big = {0, -1, std::numeric_limits<std::int64_t>::max(),
                                         std::numeric_limits<std::int64_t>::min(), 42};
  const std::vector<std::int32_t> flags = {0, 1, 1, 0, -7};
  const std::vector<std::int32_t> grid = {1, 2, 3, 4, 5, 6};
  {
    Hdf5Writer w(path);
    w.write_ints("/solver/iterations", big, {"1", "iterations"});
    w.write_ints("/solver/reserve_flag", flags, {"1", "1 when reserves were needed"});
    w.write_int_matrix("/grid", grid.data(), 2, 3, {"1", "grid"});
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.read_ints("/solver/iterations"), big);
  EXPECT_EQ(r.read_ints("/solver/reserve_flag"), (std::vector<std::int64_t>{0, 1, 1, 0, -7}));
  EXPECT_EQ(r.dims("/grid"), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(r.read_ints("/grid")[4], 5);
  EXPECT_EQ(r.read_doubles("/solver/reserve_flag")[4], -7.0);  // integers read as doubles too
  EXPECT_THROW(r.read_ints("/grid/../nothing"), IoError);
}

// Per-frame flags and counts held as doubles are stored as int32, also in a float32 file; a value that
// is not a whole number (NaN, 0.5, beyond int32) is refused rather than rounded.
TEST(Hdf5RoundTrip, WholeNumberSeriesAreStoredAsInt32) {
  TempDir dir;
  const auto path = dir / "flags.h5";
  {
    Hdf5Writer w(path, {.compression_level = 0, .store_float32 = true});
    w.write_vector_as_ints("/solver/status", Eigen::Vector4d(0, 2, 3, -1), {"1", "status"});
    for (double bad : {std::numeric_limits<double>::quiet_NaN(), 0.5, 3e9})
      EXPECT_THROW(w.write_vector_as_ints("/bad", Eigen::Vector2d(1, bad), {"1", "bad"}), InternalError) << bad;
    w.commit();
  }
  const Hdf5Reader r(path);
  EXPECT_EQ(r.dtype("/solver/status"), "int32");
  EXPECT_EQ(r.read_ints("/solver/status"), (std::vector<std::int64_t>{0, 2, 3, -1}));
  EXPECT_FALSE(r.exists("/bad"));
}

TEST(Hdf5RoundTrip, Utf8Strings) {
  TempDir dir;
  const auto path = dir / "strings.h5";
  const std::vector<std::string> names = {"psoas_major_r", "Muskellänge", "腰椎 L4/L5", "", "ñ→∑"};
  {
    Hdf5Writer w(path);
    w.write_strings("/muscles/names", names, {"1", "muscle names"});
    w.write_strings("/empty", std::vector<std::string>{}, {"", "none"});
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.read_strings("/muscles/names"), names);
  EXPECT_TRUE(r.read_strings("/empty").empty());
  EXPECT_EQ(r.dims("/empty"), (std::vector<std::uint64_t>{0}));
  EXPECT_EQ(r.read_string_attribute("/empty", "units"), "-");  // text has no unit
  EXPECT_EQ(r.read_string_attribute("/muscles/names", "units"), "1");
}

TEST(Hdf5RoundTrip, AttributesOfEveryKindAndReplacement) {
  TempDir dir;
  const auto path = dir / "attrs.h5";
  const std::string yaml = "subject:\n  mass_kg: 75\n  name: \"Jürgen\"\n";
  const std::vector<double> peaks = {1.5, -2.25, 3e8};
  const std::vector<std::string> groups = {"hip flexors", "erector spinae", "Bauchmuskeln"};
  const std::vector<double> big_array(20000, 0.5);  // 160 KB
  std::string big_yaml;
  for (int i = 0; i < 20000; ++i) big_yaml += "muscle_" + std::to_string(i) + ": {f0_N: 100}\n";
  {
    Hdf5Writer w(path);
    w.set_string_attribute("/", "format", "dembones-run");
    w.set_string_attribute("/", "scenario_yaml", yaml);
    w.set_int_attribute("/", "format_version", 1);
    w.set_double_attribute("/", "mass_kg", 75.5);
    w.set_double_array_attribute("/", "peaks", peaks);
    w.create_group("/runs/00003");
    w.set_string_array_attribute("/runs/00003", "groups", groups);
    w.set_int_attribute("/runs/00003", "complete", 0);
    w.set_int_attribute("/runs/00003", "complete", 1);  // replaced, not duplicated
    w.set_string_attribute("/", "model_yaml", big_yaml);   // beyond HDF5's 64 KiB object header
    w.set_double_array_attribute("/runs/00003", "many", big_array);
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.read_string_attribute("/", "format"), "dembones-run");
  EXPECT_EQ(r.read_string_attribute("/", "scenario_yaml"), yaml);
  EXPECT_EQ(r.read_int_attribute("/", "format_version"), 1);
  EXPECT_EQ(r.read_double_attribute("/", "mass_kg"), 75.5);
  EXPECT_EQ(r.read_double_array_attribute("/", "peaks"), peaks);
  EXPECT_EQ(r.read_string_array_attribute("runs/00003", "groups"), groups);
  EXPECT_EQ(r.read_int_attribute("/runs/00003", "complete"), 1);
  ASSERT_GT(big_yaml.size(), 300000u);
  EXPECT_EQ(r.read_string_attribute("/", "model_yaml"), big_yaml);
  EXPECT_EQ(r.read_double_array_attribute("/runs/00003", "many"), big_array);
  EXPECT_TRUE(r.has_attribute("/runs/00003", "complete"));
  EXPECT_FALSE(r.has_attribute("/runs/00003", "missing"));
  EXPECT_FALSE(r.has_attribute("/runs/99999", "complete"));
  EXPECT_EQ(r.attribute_names("/"),
            (std::vector<std::string>{"format", "format_version", "mass_kg", "model_yaml", "peaks", "scenario_yaml"}));
  EXPECT_THROW(r.read_int_attribute("/", "mass_kg"), IoError);  // a double is not an integer
}

TEST(Hdf5RoundTrip, CompoundTableAppendedRowByRowAndAcrossSessions) {
  TempDir dir;
  const auto path = dir / "sweep.h5";
  const std::vector<TableColumn> columns = {{"run", ColumnType::Int64, "1"},
                                            {"load_mass_kg", ColumnType::Float64, "kg"},
                                            {"status", ColumnType::String, ""},
                                            {"peak_L5S1_compression_N", ColumnType::Float64, "N"}};
  Hdf5WriterOptions opts;
  opts.remove_partial_on_abort = false;  // a sweep keeps its partial file to resume
  {
    Hdf5Writer w(path, opts);
    w.create_table("/summary", columns, "one row per run");
    for (std::int64_t i = 0; i < 3; ++i) {
      const std::vector<TableCell> row = {i, 5.0 * static_cast<double>(i), std::string(i == 1 ? "failed: Ω" : "ok"),
                                          std::int64_t{1000 + i}};  // int into a float column is accepted
      w.append_table_row("/summary", row);
    }
    EXPECT_EQ(w.table_rows("/summary"), 3u);
    w.flush();
    // Destroyed without commit: the partial file stays for the resume below.
  }
  ASSERT_TRUE(std::filesystem::exists(dir / "sweep.h5.partial"));
  {
    opts.resume_existing = true;
    Hdf5Writer w(path, opts);
    EXPECT_EQ(w.table_rows("/summary"), 3u);
    const std::vector<TableCell> row = {std::int64_t{3}, 15.0, std::string("ok"), 2500.5};
    w.append_table_row("summary", row);
    const std::vector<TableCell> bad = {1.5, 15.0, std::string("ok"), 2500.5};  // double into int64
    EXPECT_THROW(w.append_table_row("summary", bad), InternalError);
    const std::vector<TableCell> short_row = {std::int64_t{3}};
    EXPECT_THROW(w.append_table_row("summary", short_row), InternalError);
    w.commit();
  }
  Hdf5Reader r(path);
  EXPECT_EQ(r.table_rows("/summary"), 4u);
  EXPECT_EQ(r.read_table_ints("/summary", "run"), (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(r.read_table_doubles("/summary", "load_mass_kg"), (std::vector<double>{0, 5, 10, 15}));
  EXPECT_EQ(r.read_table_doubles("/summary", "peak_L5S1_compression_N"),
            (std::vector<double>{1000, 1001, 1002, 2500.5}));
  EXPECT_EQ(r.read_table_strings("/summary", "status"),
            (std::vector<std::string>{"ok", "failed: Ω", "ok", "ok"}));
  const auto cols = r.table_columns("/summary");
  ASSERT_EQ(cols.size(), 4u);
  EXPECT_EQ(cols[1].name, "load_mass_kg");
  EXPECT_EQ(cols[1].type, ColumnType::Float64);
  EXPECT_EQ(cols[1].units, "kg");
  EXPECT_EQ(cols[2].type, ColumnType::String);
  EXPECT_EQ(cols[0].type, ColumnType::Int64);
  EXPECT_EQ(r.read_string_attribute("/summary", "description"), "one row per run");
  EXPECT_THROW(r.read_table_doubles("/summary", "nope"), IoError);
  EXPECT_THROW(r.read_table_doubles("/summary", "status"), IoError);
}

TEST(Hdf5RoundTrip, ListsTreeInNameOrderWithShapes) {
  TempDir dir;
  const auto path = dir / "tree.h5";
  const auto v = sample_values(6);
  {
    Hdf5Writer w(path);
    w.write_matrix("/muscles/force", v.data(), 3, 2, {"N", "f"});
    w.write_vector("/time", v.data(), 3, {"s", "t"});
    w.write_strings("/muscles/names", std::vector<std::string>{"a", "b"}, {"1", "n"});
    w.create_group("/loads/L5_S1");
    w.commit();
  }
  Hdf5Reader r(path);
  const auto entries = r.list();
  std::vector<std::string> paths;
  for (const auto& e : entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/loads", "/loads/L5_S1", "/muscles", "/muscles/force",
                                             "/muscles/names", "/time"}));
  EXPECT_TRUE(entries[0].is_group);
  EXPECT_FALSE(entries[3].is_group);
  EXPECT_EQ(entries[3].dims, (std::vector<std::uint64_t>{3, 2}));
  EXPECT_EQ(r.children("/muscles"), (std::vector<std::string>{"force", "names"}));
  EXPECT_TRUE(r.is_group("/loads"));
  EXPECT_TRUE(r.is_dataset("/time"));
  EXPECT_FALSE(r.is_dataset("/loads"));
  EXPECT_FALSE(r.exists("/loads/L5_S1/compression"));
  EXPECT_FALSE(r.exists("/time/x"));  // below a dataset
}

TEST(Hdf5Chunking, PolicyKeepsColumnsNarrowAndTimeLong) {
  const std::uint64_t wide[] = {10000, 80};
  EXPECT_EQ(choose_chunk_dims(wide), (std::vector<std::uint64_t>{4096, 4}));
  const std::uint64_t small[] = {5, 2};
  EXPECT_EQ(choose_chunk_dims(small), (std::vector<std::uint64_t>{5, 2}));
  const std::uint64_t arms[] = {100000, 80, 40};
  EXPECT_EQ(choose_chunk_dims(arms), (std::vector<std::uint64_t>{1638, 1, 40}));
  const std::uint64_t rotation[] = {500, 13, 3, 3};
  EXPECT_EQ(choose_chunk_dims(rotation), (std::vector<std::uint64_t>{500, 1, 3, 3}));
  const std::uint64_t long_rotation[] = {100000, 13, 3, 3};
  EXPECT_EQ(choose_chunk_dims(long_rotation), (std::vector<std::uint64_t>{7281, 1, 3, 3}));
  const std::uint64_t vec[] = {1000000};
  EXPECT_EQ(choose_chunk_dims(vec), (std::vector<std::uint64_t>{65536}));
  const std::uint64_t empty[] = {0, 4};
  EXPECT_TRUE(choose_chunk_dims(empty).empty());
}

TEST(Hdf5Chunking, StoredLayoutHasChunksAndShuffleDeflateOnlyWhenCompressing) {
  TempDir dir;
  const std::size_t frames = 5000, muscles = 9;
  const auto force = sample_values(frames * muscles, 100.0);
  for (int level : {0, 6}) {
    const auto path = dir / ("c" + std::to_string(level) + ".h5");
    {
      Hdf5Writer w(path, {.compression_level = level});
      w.write_matrix("/muscles/force", force.data(), frames, muscles, {"N", "f"});
      w.commit();
    }
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    hid_t d = H5Dopen2(f, "/muscles/force", H5P_DEFAULT);
    hid_t p = H5Dget_create_plist(d);
    EXPECT_EQ(H5Pget_layout(p), H5D_CHUNKED);
    hsize_t chunk[2] = {0, 0};
    EXPECT_EQ(H5Pget_chunk(p, 2, chunk), 2);
    EXPECT_EQ(chunk[0], 4096u);
    EXPECT_EQ(chunk[1], 4u);
    EXPECT_EQ(H5Pget_nfilters(p), level == 0 ? 0 : 2);
    if (level > 0) {
      unsigned flags = 0;
      unsigned params[4] = {0, 0, 0, 0};
      std::size_t nparams = 4;
      EXPECT_EQ(H5Pget_filter2(p, 0, &flags, &nparams, params, 0, nullptr, nullptr), H5Z_FILTER_SHUFFLE);
      nparams = 4;
      EXPECT_EQ(H5Pget_filter2(p, 1, &flags, &nparams, params, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE);
      EXPECT_EQ(params[0], static_cast<unsigned>(level));  // the deflate level
    }
    H5Pclose(p);
    H5Dclose(d);
    H5Fclose(f);
    Hdf5Reader r(path);
    EXPECT_EQ(r.read_doubles("/muscles/force"), force);
    const auto column = r.read_column("/muscles/force", 7);  // spans two chunks along time
    ASSERT_EQ(column.size(), frames);
    for (std::size_t i = 0; i < frames; i += 499) EXPECT_EQ(column[i], force[i * muscles + 7]);
    EXPECT_EQ(column.back(), force[(frames - 1) * muscles + 7]);
  }
}

}  // namespace
}  // namespace dembones
