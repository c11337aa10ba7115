#include "io/text_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <system_error>

#include "common/error.hpp"

namespace dembones {

Eigen::Index TextTable::find_column(std::string_view column) const {
  for (std::size_t i = 0; i < column_names.size(); ++i) {
    if (column_names[i] == column) return static_cast<Eigen::Index>(i);
  }
  return -1;
}

Eigen::VectorXd TextTable::get_column(std::string_view column) const {
  const Eigen::Index i = find_column(column);
  if (i < 0) {
    std::string known;
    for (const auto& n : column_names) {
      if (!known.empty()) known += ", ";
      known += n;
    }
    throw InputError(Location{source_file, 0, 0, std::string(column)}, "no such column; the table has: " + known);
  }
  return data.col(i);
}

namespace {

// A column label given twice: the reader would use the first and ignore the second without a word.
void reject_duplicate_labels(const std::vector<std::string>& names, const std::string& file, int line) {
  for (std::size_t c = 0; c < names.size(); ++c)
    for (std::size_t k = 0; k < c; ++k)
      if (names[c] == names[k])
        throw InputError(Location{file, line, 0, names[c]},
                         fmt::format("column '{}' appears twice (columns {} and {}): which one is meant?", names[c],
                                     k + 1, c + 1));
}

}  // namespace

namespace {

// ----- Reading helpers -----------------------------------------------------------------------

struct Line {
  std::string_view text;  // without the line end
  int number = 0;         // 1-based
};

struct Token {
  std::string_view text;
  int column = 0;  // 1-based character column in its line
};

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const bool missing = !std::filesystem::exists(path);
    throw IoError(Location{path.string(), 0, 0, ""}, missing ? "no such file" : "cannot open for reading");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, ++number});
    start = end + 1;
  }
  return lines;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

std::vector<Token> split_whitespace(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) tokens.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return tokens;
}

// Tab-separated fields, each trimmed of surrounding spaces (labels may contain inner spaces).
std::vector<Token> split_tabs(std::string_view line) {
  std::vector<Token> tokens;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find('\t', start);
    if (end == std::string_view::npos) end = line.size();
    std::string_view field = line.substr(start, end - start);
    std::size_t lead = 0;
    while (lead < field.size() && is_space(field[lead])) ++lead;
    const std::string_view trimmed = trim(field);
    if (!trimmed.empty()) tokens.push_back({trimmed, static_cast<int>(start + lead) + 1});
    if (end == line.size()) break;
    start = end + 1;
  }
  return tokens;
}

// CSV fields (RFC 4180 quoting: "a,b" and "" for a quote inside quotes). `unquoted` receives the
// field texts (quotes removed), tokens keep their columns.
std::vector<Token> split_csv(std::string_view line, std::vector<std::string>& unquoted, const std::string& file,
                             int line_number) {
  std::vector<Token> tokens;
  unquoted.clear();
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    std::string value;
    while (i < line.size() && is_space(line[i]) && line[i] != '\t') ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value += '"';
            i += 2;
          } else {
            ++i;
            closed = true;
            break;
          }
        } else {
          value += line[i++];
        }
      }
      if (!closed) {
        throw InputError(Location{file, line_number, static_cast<int>(start) + 1, ""},
                         "unterminated quoted field");
      }
      while (i < line.size() && line[i] != ',') {
        if (!is_space(line[i])) {
          throw InputError(Location{file, line_number, static_cast<int>(i) + 1, ""},
                           "expected ',' after a quoted field");
        }
        ++i;
      }
    } else {
      const std::size_t end = std::min(line.find(',', i), line.size());
      value = std::string(trim(line.substr(i, end - i)));
      i = end;
    }
    tokens.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
    unquoted.push_back(std::move(value));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return tokens;
}

std::optional<double> parse_double(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars rejects a leading '+'
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<long> parse_int(std::string_view s) {
  s = trim(s);
  long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parses one data row of `expected` numbers into row `r` of `data`, growing it as needed.
void parse_data_row(const std::vector<Token>& tokens, const std::vector<std::string>* unquoted,
                    const std::vector<std::string>& labels, const std::string& file, int line_number,
                    Eigen::MatrixXd& data, Eigen::Index r) {
  if (tokens.size() != labels.size()) {
    throw InputError(Location{file, line_number, 0, ""},
                     fmt::format("expected {} values (one per column label), got {}", labels.size(), tokens.size()));
  }
  if (r >= data.rows()) data.conservativeResize(std::max<Eigen::Index>(2 * data.rows(), 16), Eigen::NoChange);
  for (std::size_t c = 0; c < tokens.size(); ++c) {
    const std::string_view text = unquoted != nullptr ? std::string_view((*unquoted)[c]) : tokens[c].text;
    const auto v = parse_double(text);
    if (!v) {
      throw InputError(Location{file, line_number, tokens[c].column, labels[c]},
                       text.find_first_not_of(" \t") == std::string_view::npos
                           ? std::string("expected a number, got an empty cell (a value missing from the export: fill "
                                         "it, e.g. by interpolating in the source program, or cut the row)")
                           : fmt::format("expected a number, got '{}'", text));
    }
    data(r, static_cast<Eigen::Index>(c)) = *v;
  }
}

}  // namespace

// ----- OpenSim storage (.mot/.sto) -----------------------------------------------------------

TextTable read_storage_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = read_whole_file(path);
  const auto lines = split_lines(text);
  TextTable table;
  std::optional<long> n_rows, n_columns;
  int n_rows_line = 0;
  std::size_t i = 0;
  bool first_line = true;
  bool end_header = false;
  // Header, following OpenSim's Storage::parseHeaders: key is the text up to the first ' ', '\t'
  // or '='; the first line that is not a known key is the name.
  for (; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i].text);
    const int number = lines[i].number;
    if (line.empty()) continue;
    const std::size_t delim = line.find_first_of(" \t=");
    const std::string_view key = line.substr(0, delim);
    const std::size_t rest_at = delim == std::string_view::npos ? std::string_view::npos : line.find_first_not_of(" \t=", delim);
    const std::string_view rest = rest_at == std::string_view::npos ? std::string_view() : line.substr(rest_at);
    const bool has_equals = delim != std::string_view::npos && line[delim] == '=';
    auto need_int = [&](std::string_view what) {
      const auto v = parse_int(rest);
      if (!v || *v < 0) {
        throw InputError(Location{file, number, 0, std::string(what)},
                         fmt::format("expected a non-negative integer, got '{}'", rest));
      }
      return v;
    };
    if (key == "endheader") {
      end_header = true;
      ++i;
      break;
    } else if (key == "nRows" || key == "nr" || key == "datarows") {
      n_rows = need_int(key);
      n_rows_line = number;
    } else if (key == "nColumns" || key == "nc" || key == "datacolumns") {
      n_columns = need_int(key);
    } else if (key == "version") {
      need_int(key);  // 1 (Storage) or 3 (OpenSim 4 STOFileAdapter); both share this layout
    } else if (key == "inDegrees") {
      const std::string v = lowercase(rest);
      if (v == "yes" || v == "y") {
        table.in_degrees = true;
      } else if (v == "no" || v == "n") {
        table.in_degrees = false;
      } else {
        throw InputError(Location{file, number, 0, "inDegrees"}, fmt::format("expected yes or no, got '{}'", rest));
      }
    } else if (key == "name" && !has_equals) {
      table.name = std::string(rest);
    } else if (first_line && !has_equals) {
      table.name = std::string(line);
    } else if (has_equals) {
      table.metadata.emplace_back(std::string(key), std::string(rest));
    } else if (line == "Angles are in degrees." || line == "Angles are in radians.") {
      // Pre-version-1 files state the unit in prose (OpenSim's parseHeaders honours it).
      table.in_degrees = line == "Angles are in degrees.";
      table.description.emplace_back(line);
    } else {
      table.description.emplace_back(line);
    }
    first_line = false;
  }
  if (!end_header) {
    throw InputError(Location{file, lines.empty() ? 0 : lines.back().number, 0, ""},
                     "no 'endheader' line: not an OpenSim .mot/.sto file");
  }
  // Column labels: the first non-blank line after the header.
  while (i < lines.size() && is_blank(lines[i].text)) ++i;
  if (i == lines.size()) {
    throw InputError(Location{file, lines.back().number, 0, ""}, "expected a line of column labels after 'endheader'");
  }
  const Line& label_line = lines[i++];
  // OpenSim 4 separates labels by tabs (labels may then contain spaces); older files by spaces.
  const auto label_tokens = label_line.text.find('\t') != std::string_view::npos ? split_tabs(label_line.text)
                                                                                 : split_whitespace(label_line.text);
  for (const auto& t : label_tokens) table.column_names.emplace_back(t.text);
  reject_duplicate_labels(table.column_names, file, label_line.number);
  if (n_columns && static_cast<std::size_t>(*n_columns) != table.column_names.size()) {
    throw InputError(Location{file, label_line.number, 0, "nColumns"},
                     fmt::format("the header says nColumns={} but the column label line has {} labels",
                                 *n_columns, table.column_names.size()));
  }
  if (table.column_names.empty() || lowercase(table.column_names[0]) != "time") {
    throw InputError(Location{file, label_line.number, 1, ""},
                     fmt::format("expected the first column label to be 'time', got '{}'",
                                 table.column_names.empty() ? "" : table.column_names[0]));
  }
  table.data.resize(std::max<long>(n_rows.value_or(16), 1), static_cast<Eigen::Index>(table.column_names.size()));
  Eigen::Index rows = 0;
  int last_line = label_line.number;
  for (; i < lines.size(); ++i) {
    if (is_blank(lines[i].text)) continue;
    parse_data_row(split_whitespace(lines[i].text), nullptr, table.column_names, file, lines[i].number, table.data,
                   rows);
    // Time is the independent variable of a motion: it must increase.
    if (rows > 0 && !(table.data(rows, 0) > table.data(rows - 1, 0))) {
      throw InputError(Location{file, lines[i].number, 1, table.column_names[0]},
                       fmt::format("time {} does not increase (previous row: {})", table.data(rows, 0),
                                   table.data(rows - 1, 0)));
    }
    ++rows;
    last_line = lines[i].number;
    table.row_lines.push_back(last_line);
  }
  if (n_rows && *n_rows != rows) {
    throw InputError(Location{file, last_line, 0, "nRows"},
                     fmt::format("the header (line {}) says nRows={} but the file has {} data rows", n_rows_line,
                                 *n_rows, rows));
  }
  table.data.conservativeResize(rows, Eigen::NoChange);
  if (table.name.empty()) table.name = path.stem().string();
  table.source_file = file;
  return table;
}

// ----- CSV -----------------------------------------------------------------------------------

// A label "name [unit]" as `dembones export --format csv` writes it: the name, when the unit is one of
// the SI units a CSV is read in (time in s, angles in rad, lengths in m, forces in N); a column in
// degrees is refused (a CSV is read in radians). The export could not be read back as a motion
// ("no 'time' column"; measured-data audit).
std::string csv_label_without_si_unit(const std::string& label, const std::string& file, int line, int column) {
  if (label.size() < 4 || label.back() != ']') return label;
  const std::size_t open = label.rfind(" [");
  if (open == std::string::npos || open == 0) return label;
  const std::string unit = label.substr(open + 2, label.size() - open - 3);
  static const char* kSi[] = {"s", "rad", "m", "N", "N*m", "m/s", "rad/s", "1"};
  for (const char* si : kSi)
    if (unit == si) return label.substr(0, open);
  if (unit == "deg")
    throw InputError(Location{file, line, column, ""},
                     fmt::format("column '{}' is in degrees, but a CSV table is read in SI units (angles in radians): "
                                 "convert it, or give the angles in an OpenSim .mot whose header says inDegrees=yes",
                                 label));
  return label;
}

TextTable read_csv_file(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = read_whole_file(path);
  auto lines = split_lines(text);
  // A UTF-8 byte order mark (spreadsheet exports) is not part of the first label.
  if (!lines.empty() && lines[0].text.substr(0, 3) == "\xEF\xBB\xBF") lines[0].text.remove_prefix(3);
  TextTable table;
  table.name = path.stem().string();
  std::size_t i = 0;
  while (i < lines.size() && is_blank(lines[i].text)) ++i;
  if (i == lines.size()) throw InputError(Location{file, 0, 0, ""}, "empty file: expected a header row of column names");
  std::vector<std::string> fields;
  const int header_line = lines[i].number;
  const auto header = split_csv(lines[i++].text, fields, file, header_line);
  for (std::size_t c = 0; c < fields.size(); ++c) {
    if (fields[c].empty()) {
      throw InputError(Location{file, header_line, header[c].column, ""},
                       fmt::format("column {} has an empty name", c + 1));
    }
    table.column_names.push_back(csv_label_without_si_unit(fields[c], file, header_line, header[c].column));
  }
  reject_duplicate_labels(table.column_names, file, header_line);
  table.data.resize(16, static_cast<Eigen::Index>(table.column_names.size()));
  Eigen::Index rows = 0;
  for (; i < lines.size(); ++i) {
    if (is_blank(lines[i].text)) continue;
    const auto tokens = split_csv(lines[i].text, fields, file, lines[i].number);
    parse_data_row(tokens, &fields, table.column_names, file, lines[i].number, table.data, rows);
    table.row_lines.push_back(lines[i].number);
    ++rows;
  }
  table.data.conservativeResize(rows, Eigen::NoChange);
  table.source_file = file;
  return table;
}

TextTable read_text_table(const std::filesystem::path& path) {
  const std::string ext = lowercase(path.extension().string());
  if (ext == ".mot" || ext == ".sto") return read_storage_file(path);
  if (ext == ".csv") return read_csv_file(path);
  throw InputError(Location{path.string(), 0, 0, ""},
                   fmt::format("unknown table format '{}': expected .mot, .sto or .csv", path.extension().string()));
}

// ----- Writing -------------------------------------------------------------------------------

namespace {

void check_shape(const std::filesystem::path& path, const TextTable& table) {
  if (static_cast<std::size_t>(table.data.cols()) != table.column_names.size()) {
    throw InternalError(fmt::format("{}: table has {} column names but {} data columns", path.string(),
                                    table.column_names.size(), table.data.cols()));
  }
}

// Shortest text that reads back to the same double (fmt's "{}" is round-trip exact).
void append_number(std::string& out, double v) { fmt::format_to(std::back_inserter(out), "{}", v); }

// Writes `text` under "<path>.partial", then renames it to `path` (no half-written file under the
// final name, DEVELOPERS.md).
void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path partial = path.string() + ".partial";
  if (std::error_code ec; std::filesystem::is_directory(path, ec))
    throw IoError(Location{path.string(), 0, 0, ""}, "is a folder; expected a file name (one inside it, say)");
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(Location{path.string(), 0, 0, ""}, "cannot open for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw IoError(Location{path.string(), 0, 0, ""}, "write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    const std::string why = ec.message();  // before remove() reuses ec (an audit read "Success")
    std::filesystem::remove(partial, ec);
    throw IoError(Location{path.string(), 0, 0, ""}, "cannot rename the finished file: " + why);
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && trim(s) == s) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void write_storage_file(const std::filesystem::path& path, const TextTable& table) {
  check_shape(path, table);
  if (table.column_names.empty() || table.column_names[0] != "time") {
    throw InternalError(path.string() + ": an OpenSim storage file's first column must be 'time'");
  }
  for (const auto& n : table.column_names) {
    if (n.empty() || n.find_first_of("\t\n\r") != std::string::npos) {
      throw InternalError(path.string() + ": column label '" + n + "' is empty or holds a tab or line break");
    }
  }
  std::string out;
  // Header as OpenSim's Storage::writeHeader writes it: name, version, nRows, nColumns (with time),
  // inDegrees; then any further key=value and description lines; then endheader.
  out += (table.name.empty() ? path.stem().string() : table.name) + "\n";
  out += "version=1\n";
  out += fmt::format("nRows={}\n", table.data.rows());
  out += fmt::format("nColumns={}\n", table.data.cols());
  out += fmt::format("inDegrees={}\n", table.in_degrees ? "yes" : "no");
  for (const auto& [key, value] : table.metadata) out += key + "=" + value + "\n";
  for (const auto& line : table.description) out += line + "\n";
  out += "endheader\n";
  for (std::size_t c = 0; c < table.column_names.size(); ++c) {
    if (c) out += '\t';
    out += table.column_names[c];
  }
  out += "\n";
  for (Eigen::Index r = 0; r < table.data.rows(); ++r) {
    for (Eigen::Index c = 0; c < table.data.cols(); ++c) {
      if (c) out += '\t';
      append_number(out, table.data(r, c));
    }
    out += '\n';
  }
  write_file_atomically(path, out);
}

void write_csv_file(const std::filesystem::path& path, const TextTable& table) {
  check_shape(path, table);
  std::string out;
  for (std::size_t c = 0; c < table.column_names.size(); ++c) {
    if (c) out += ',';
    out += csv_field(table.column_names[c]);
  }
  out += "\n";
  for (Eigen::Index r = 0; r < table.data.rows(); ++r) {
    for (Eigen::Index c = 0; c < table.data.cols(); ++c) {
      if (c) out += ',';
      append_number(out, table.data(r, c));
    }
    out += '\n';
  }
  write_file_atomically(path, out);
}

void write_csv_cells(const std::filesystem::path& path, const std::vector<std::string>& names,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  const auto append_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c) out += ',';
      out += csv_field(cells[c]);
    }
    out += '\n';
  };
  append_row(names);
  for (const auto& row : rows) {
    if (row.size() != names.size())
      throw InternalError(fmt::format("{}: a row of {} cells under {} names", path.string(), row.size(), names.size()));
    append_row(row);
  }
  write_file_atomically(path, out);
}

std::string csv_number(double v) {
  std::string out;
  append_number(out, v);
  return out;
}

void write_text_table(const std::filesystem::path& path, const TextTable& table) {
  const std::string ext = lowercase(path.extension().string());
  if (ext == ".mot" || ext == ".sto") return write_storage_file(path, table);
  if (ext == ".csv") return write_csv_file(path, table);
  throw InputError(Location{path.string(), 0, 0, ""},
                   fmt::format("unknown table format '{}': expected .mot, .sto or .csv", path.extension().string()));
}

}  // namespace dembones
