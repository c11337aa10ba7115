// OpenSim .mot/.sto and CSV tables: exact header format, round trips, files as OpenSim writes them,
// and malformed input reported with file, line and column.
#include "io/text_table.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::read_text_file;
using io_test::TempDir;
using io_test::write_text_file;

TextTable sample_motion() {
  TextTable t;
  t.name = "Coordinates";
  t.in_degrees = true;
  t.column_names = {"time", "hip_flexion_r", "knee_angle_r", "lumbar_extension"};
  t.data.resize(4, 4);
  for (int r = 0; r < 4; ++r) {
    t.data(r, 0) = 0.01 * r;
    t.data(r, 1) = 30.0 / 7.0 * r + 1e-12;  // not a short decimal
    t.data(r, 2) = -std::pow(10.0, -r * 100);  // down to 1e-300
    t.data(r, 3) = r == 2 ? -0.0 : 1.0 / 3.0;
  }
  return t;
}

// Error assertion: the message holds the file name and "file:LINE" and the location is exact.
template <typename Fn>
void expect_input_error_at(Fn&& fn, const std::filesystem::path& file, int line, const std::string& fragment,
                           int column = -1, const std::string& field = "\x01") {
  try {
    fn();
    ADD_FAILURE() << "expected InputError at line " << line;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().file, file.string()) << what;
    EXPECT_EQ(e.where().line, line) << what;
    if (column >= 0) {
      EXPECT_EQ(e.where().column, column) << what;
    }
    if (field != "\x01") {
      EXPECT_EQ(e.where().field, field) << what;
    }
    EXPECT_NE(what.find(file.string() + ":" + std::to_string(line)), std::string::npos) << what;
    EXPECT_NE(what.find(fragment), std::string::npos) << what;
  }
}

TEST(StorageFile, WritesOpenSimHeaderExactly) {
  TempDir dir;
  const auto path = dir / "ik.mot";
  TextTable t = sample_motion();
  t.metadata = {{"DataRate", "100"}};
  write_storage_file(path, t);
  const std::string text = read_text_file(path);
  const std::string expected_header =
      "Coordinates\n"
      "version=1\n"
      "nRows=4\n"
      "nColumns=4\n"
      "inDegrees=yes\n"
      "DataRate=100\n"
      "endheader\n"
      "time\thip_flexion_r\tknee_angle_r\tlumbar_extension\n"
      "0\t1e-12\t-1\t0.3333333333333333\n";
  EXPECT_EQ(text.substr(0, expected_header.size()), expected_header);
  EXPECT_FALSE(std::filesystem::exists(dir / "ik.mot.partial"));
}

TEST(StorageFile, RoundTripIsExactForMotAndSto) {
  TempDir dir;
  for (const char* name : {"a.mot", "b.sto"}) {
    const auto path = dir / name;
    TextTable t = sample_motion();
    t.in_degrees = std::string(name) == "a.mot";
    t.metadata = {{"DataType", "double"}, {"OpenSimVersion", "4.4"}};
    t.description = {"written by a test"};
    write_text_table(path, t);
    const TextTable back = read_text_table(path);
    EXPECT_EQ(back.column_names, t.column_names);
    EXPECT_EQ(back.name, t.name);
    EXPECT_EQ(back.in_degrees, t.in_degrees);
    EXPECT_EQ(back.metadata, t.metadata);
    EXPECT_EQ(back.description, t.description);
    ASSERT_EQ(back.data.rows(), t.data.rows());
    EXPECT_EQ(back.data, t.data);  // exact: shortest round-trip formatting
    EXPECT_TRUE(std::signbit(back.data(2, 3)));
  }
}

TEST(StorageFile, NonFiniteValuesRoundTrip) {
  TempDir dir;
  const auto path = dir / "nan.sto";
  TextTable t;
  t.column_names = {"time", "x"};
  t.data.resize(3, 2);
  t.data << 0.0, std::numeric_limits<double>::quiet_NaN(), 0.5, std::numeric_limits<double>::infinity(), 1.0,
      -std::numeric_limits<double>::infinity();
  write_storage_file(path, t);
  const TextTable back = read_storage_file(path);
  EXPECT_EQ(back.name, "nan");  // defaults to the file stem
  EXPECT_TRUE(std::isnan(back.data(0, 1)));
  EXPECT_EQ(back.data(1, 1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.data(2, 1), -std::numeric_limits<double>::infinity());
}

TEST(StorageFile, ReadsFilesAsOpenSimWritesThem) {
  TempDir dir;
  // The layout of an OpenSim inverse-kinematics output: padded values, tab and space separators,
  // prose lines and blank lines in the header, CRLF line ends.
  const auto ik = dir / "subject01_walk_ik.mot";
  write_text_file(ik,
                  "Coordinates\r\n"
                  "version=1\r\n"
                  "nRows=3\r\n"
                  "nColumns=4\r\n"
                  "inDegrees=yes\r\n"
                  "\r\n"
                  "Units are S.I. units (second, meters, Newtons, ...)\r\n"
                  "If the header above contains a line with 'inDegrees', this indicates whether rotational "
                  "values are in degrees (yes) or radians (no).\r\n"
                  "\r\n"
                  "endheader\r\n"
                  "time\tpelvis_tilt\thip_flexion_r\tknee_angle_r\r\n"
                  "      0.00000000\t     -4.50000000\t     30.00000000\t    -10.00000000\r\n"
                  "      0.01000000\t     -4.40000000\t     29.50000000\t     -9.50000000\r\n"
                  "      0.02000000\t     -4.30000000\t     +29.0000000e0\t     -9.00000000\r\n");
  const TextTable t = read_text_table(ik);
  EXPECT_EQ(t.name, "Coordinates");
  EXPECT_TRUE(t.in_degrees);
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"time", "pelvis_tilt", "hip_flexion_r", "knee_angle_r"}));
  ASSERT_EQ(t.data.rows(), 3);
  EXPECT_EQ(t.data(2, 2), 29.0);
  EXPECT_EQ(t.get_column("knee_angle_r")(1), -9.5);
  EXPECT_EQ(t.source_file, ik.string());
  try {
    t.get_column("lumbar_extension");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().file, ik.string());  // the motion file the user gave
    EXPECT_EQ(e.where().field, "lumbar_extension");
  }
  EXPECT_EQ(t.description.size(), 2u);

  // OpenSim 4 STOFileAdapter: key=value metadata, version=3, no nRows, no name line.
  const auto sto = dir / "states.sto";
  write_text_file(sto,
                  "inDegrees=no\n"
                  "DataRate=100.000000\n"
                  "DataType=double\n"
                  "version=3\n"
                  "OpenSimVersion=4.4\n"
                  "endheader\n"
                  "time\t/jointset/hip_r/hip_flexion_r/value\n"
                  "0\t0.1\n"
                  "0.01\t0.2\n");
  const TextTable s = read_storage_file(sto);
  EXPECT_FALSE(s.in_degrees);
  EXPECT_EQ(s.name, "states");
  EXPECT_EQ(s.column_names[1], "/jointset/hip_r/hip_flexion_r/value");
  EXPECT_EQ(s.metadata,
            (std::vector<std::pair<std::string, std::string>>{
                {"DataRate", "100.000000"}, {"DataType", "double"}, {"OpenSimVersion", "4.4"}}));
  EXPECT_EQ(s.data(1, 1), 0.2);

  // Trailing tabs after the last label and value (some writers end every field with a tab).
  const auto trailing = dir / "trailing.sto";
  write_text_file(trailing, "name forces\nnRows=1\nnColumns=2\nendheader\ntime\tpsoas_r\t\n0.5\t12.5\t\n");
  const TextTable f = read_storage_file(trailing);
  EXPECT_EQ(f.name, "forces");
  EXPECT_EQ(f.column_names, (std::vector<std::string>{"time", "psoas_r"}));
  EXPECT_EQ(f.data(0, 1), 12.5);
}

TEST(StorageFile, MalformedFilesNameFileLineAndColumn) {
  TempDir dir;
  const std::string header = "motion\nversion=1\nnRows=2\nnColumns=3\ninDegrees=no\nendheader\ntime\ta\tb\n";
  const auto bad_number = dir / "bad_number.mot";
  write_text_file(bad_number, header + "0\t1\t2\n0.1\t1\tabc\n");
  expect_input_error_at([&] { read_storage_file(bad_number); }, bad_number, 9, "expected a number, got 'abc'", 7, "b");

  const auto short_row = dir / "short_row.mot";
  write_text_file(short_row, header + "0\t1\n0.1\t1\t2\n");
  expect_input_error_at([&] { read_storage_file(short_row); }, short_row, 8, "expected 3 values");

  const auto rows = dir / "rows.mot";
  write_text_file(rows, header + "0\t1\t2\n");
  expect_input_error_at([&] { read_storage_file(rows); }, rows, 8, "nRows=2 but the file has 1 data rows");

  const auto cols = dir / "cols.mot";
  write_text_file(cols, "motion\nnColumns=4\nendheader\ntime\ta\tb\n0\t1\t2\n");
  expect_input_error_at([&] { read_storage_file(cols); }, cols, 4, "nColumns=4");

  const auto no_end = dir / "no_end.sto";
  write_text_file(no_end, "motion\nnRows=1\nnColumns=2\ntime\tx\n0\t1\n");
  expect_input_error_at([&] { read_storage_file(no_end); }, no_end, 5, "endheader");

  const auto time_back = dir / "time_back.mot";
  write_text_file(time_back, "m\nendheader\ntime\tx\n0\t1\n0.2\t1\n0.1\t1\n");
  expect_input_error_at([&] { read_storage_file(time_back); }, time_back, 6, "does not increase", 1, "time");

  const auto no_time = dir / "no_time.mot";
  write_text_file(no_time, "m\nendheader\nframe\tx\n0\t1\n");
  expect_input_error_at([&] { read_storage_file(no_time); }, no_time, 3, "'time'");

  const auto degrees = dir / "degrees.mot";
  write_text_file(degrees, "m\ninDegrees=maybe\nendheader\ntime\tx\n0\t1\n");
  expect_input_error_at([&] { read_storage_file(degrees); }, degrees, 2, "expected yes or no", -1, "inDegrees");

  const auto n_rows = dir / "n_rows.mot";
  write_text_file(n_rows, "m\nnRows=three\nendheader\ntime\tx\n0\t1\n");
  expect_input_error_at([&] { read_storage_file(n_rows); }, n_rows, 2, "non-negative integer", -1, "nRows");
}

TEST(CsvFile, RoundTripWithQuotedNames) {
  TempDir dir;
  const auto path = dir / "forces.csv";
  TextTable t;
  t.column_names = {"time", "psoas, left", "say \"hi\"", "glmax1"};
  t.data.resize(2, 4);
  t.data << 0.0, 1.5, -2.25, 1e-7, 0.01, 1.0 / 7.0, 3e100, 4.0;
  write_csv_file(path, t);
  const std::string text = read_text_file(path);
  EXPECT_EQ(text.substr(0, text.find('\n')), "time,\"psoas, left\",\"say \"\"hi\"\"\",glmax1");
  const TextTable back = read_text_table(path);
  EXPECT_EQ(back.column_names, t.column_names);
  EXPECT_EQ(back.data, t.data);
}

TEST(CsvFile, ReadsSpreadsheetExports) {
  TempDir dir;
  const auto path = dir / "export.csv";
  write_text_file(path, "\xEF\xBB\xBFtime, \"x\" ,y\r\n0, 1.5 ,\"2\"\r\n\r\n1,2,3\r\n");
  const TextTable t = read_csv_file(path);
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"time", "x", "y"}));
  ASSERT_EQ(t.data.rows(), 2);
  EXPECT_EQ(t.data(0, 1), 1.5);
  EXPECT_EQ(t.data(0, 2), 2.0);
  EXPECT_EQ(t.data(1, 2), 3.0);
}

TEST(CsvFile, MalformedFilesNameFileLineAndColumn) {
  TempDir dir;
  const auto bad = dir / "bad.csv";
  write_text_file(bad, "time,x,y\n0,1,2\n1,2,oops\n");
  expect_input_error_at([&] { read_csv_file(bad); }, bad, 3, "expected a number, got 'oops'", 5, "y");
  const auto empty_field = dir / "empty_field.csv";
  write_text_file(empty_field, "time,x\n0,\n");
  expect_input_error_at([&] { read_csv_file(empty_field); }, empty_field, 2, "expected a number, got an empty cell (a value missing", 3, "x");
  const auto count = dir / "count.csv";
  write_text_file(count, "time,x\n0,1\n1,2,3\n");
  expect_input_error_at([&] { read_csv_file(count); }, count, 3, "expected 2 values");
  const auto quote = dir / "quote.csv";
  write_text_file(quote, "time,\"x\n0,1\n");
  expect_input_error_at([&] { read_csv_file(quote); }, quote, 1, "unterminated quoted field", 6);
  const auto no_name = dir / "no_name.csv";
  write_text_file(no_name, "time,,y\n0,1,2\n");
  expect_input_error_at([&] { read_csv_file(no_name); }, no_name, 1, "column 2 has an empty name");
}

TEST(TextTable, MissingFileUnknownFormatAndMissingColumn) {
  TempDir dir;
  const auto missing = dir / "missing.mot";
  try {
    read_text_table(missing);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.where().file, missing.string());
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
  EXPECT_THROW(read_text_table(dir / "motion.trc"), InputError);
  EXPECT_THROW(write_text_table(dir / "motion.xlsx", sample_motion()), InputError);
  EXPECT_THROW(write_text_table(dir / "no_folder" / "m.mot", sample_motion()), IoError);
  try {
    sample_motion().get_column("ankle_angle_r");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().field, "ankle_angle_r");
    EXPECT_NE(std::string(e.what()).find("knee_angle_r"), std::string::npos);  // lists what exists
  }
}

TEST(TextTable, AtomicWriteLeavesEarlierFileUntilTheNewOneIsComplete) {
  TempDir dir;
  const auto path = dir / "m.csv";
  write_text_file(path, "old\n");
  TextTable bad;  // 2 names, 1 data column: rejected before anything is written
  bad.column_names = {"time", "x"};
  bad.data.resize(1, 1);
  EXPECT_THROW(write_csv_file(path, bad), InternalError);
  EXPECT_EQ(read_text_file(path), "old\n");
  write_csv_file(path, sample_motion());
  EXPECT_EQ(read_csv_file(path).data, sample_motion().data);
  EXPECT_FALSE(std::filesystem::exists(dir / "m.csv.partial"));
}

// A column label given twice was read from its first column, the second ignored without a word
// (audit): an error naming both columns, in CSV and in OpenSim files.
TEST(StorageFile, AColumnLabelGivenTwiceIsAnError) {
  TempDir dir;
  write_text_file(dir / "twice.csv", "time,knee_angle,hip_flexion,knee_angle\n0,0,0,0\n");
  write_text_file(dir / "twice.mot", "twice\nversion=1\nnRows=1\nnColumns=3\ninDegrees=yes\nendheader\n"
                                     "time\tknee_angle\tknee_angle\n0\t0\t0\n");
  for (const char* name : {"twice.csv", "twice.mot"}) {
    try {
      read_text_table(dir / name);
      ADD_FAILURE() << name << " was read";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().field, "knee_angle") << name;
      EXPECT_NE(e.message().find("appears twice (columns 2 and "), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace dembones
