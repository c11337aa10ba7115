#pragma once
// Column tables in text form: OpenSim storage files (.mot, .sto) and CSV with a header row. They
// carry motion input (joint angles over time) and `dembones export` output.
//
// OpenSim storage format, as written by OpenSim's Storage::print (opensim-core,
// OpenSim/Common/Storage.cpp, writeHeader) and read by Storage::parseHeaders:
//
//   Coordinates               <- name (first line)
//   version=1
//   nRows=3                   <- data rows
//   nColumns=4                <- columns including time
//   inDegrees=yes             <- angles in degrees (yes) or radians (no)
//   endheader
//   time<TAB>hip_flexion<TAB>knee_angle<TAB>lumbar_extension
//   0<TAB>...
//
// The reader also accepts the synonyms OpenSim accepts (nr/datarows, nc/datacolumns, "name X"), other
// key=value lines of OpenSim 4 files (DataRate=, DataType=, OpenSimVersion=, kept in `metadata`),
// free description lines, blank lines, tabs or spaces between values, and CRLF line ends. Malformed
// input throws InputError naming file, line, column and the column label.
#include <Eigen/Core>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dembones {

struct TextTable {
  std::vector<std::string> column_names;  // .mot/.sto: the first is "time"
  Eigen::MatrixXd data;                   // [rows × column_names.size()]
  // .mot/.sto header (ignored for CSV):
  std::string name{};                                          // first header line; empty = file stem
  bool in_degrees = false;                                   // inDegrees=yes
  std::vector<std::pair<std::string, std::string>> metadata;  // other key=value lines, in order
  std::vector<std::string> description;                      // free header lines, in order
  std::string source_file{};  // set by the readers; names the file in get_column's error
  std::vector<int> row_lines{};  // set by the readers: the file line of each data row (1-based)

  // Index of a column by exact name, or -1.
  Eigen::Index find_column(std::string_view column) const;
  // The column's values; InputError naming the column when absent.
  Eigen::VectorXd get_column(std::string_view column) const;
};

// By extension: .mot and .sto -> read_storage_file, .csv -> read_csv_file; others are an InputError.
TextTable read_text_table(const std::filesystem::path& path);
TextTable read_storage_file(const std::filesystem::path& path);
TextTable read_csv_file(const std::filesystem::path& path);

// By extension, as above. Files are written under "<path>.partial" and renamed when complete.
void write_text_table(const std::filesystem::path& path, const TextTable& table);
// OpenSim storage format (the same for .mot and .sto); the first column must be "time".
void write_storage_file(const std::filesystem::path& path, const TextTable& table);
// CSV: header row of names (quoted when they contain a comma or quote), then one row per frame.
void write_csv_file(const std::filesystem::path& path, const TextTable& table);
// CSV of text cells, e.g. a table mixing numbers and names: the header row, then the rows (each as
// many cells as names), every cell quoted when it holds a comma, quote or line break. Written as above.
void write_csv_cells(const std::filesystem::path& path, const std::vector<std::string>& names,
                     const std::vector<std::vector<std::string>>& rows);
// A number as write_csv_file writes it: the shortest text that reads back to the same double.
std::string csv_number(double v);

}  // namespace dembones
