#include "io/summary_export.hpp"

#include <fmt/format.h>

#include <string>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/text_table.hpp"

namespace dembones {

std::size_t export_summary_csv(const Hdf5Reader& reader, const std::filesystem::path& out) {
  if (!reader.is_dataset("/summary"))
    throw InputError(Location{reader.path().string(), 0, 0, "--summary"},
                     "no /summary table: not a sweep's file (a single run's loads export with --format csv)");
  const std::vector<TableColumn> columns = reader.table_columns("/summary");
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const TableColumn& c : columns) names.push_back(c.units.empty() || c.units == "-" ? c.name : fmt::format("{} [{}]", c.name, c.units));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : reader.read_table_rows("/summary")) {
    std::vector<std::string>& cells = rows.emplace_back();
    cells.reserve(row.size());
    for (const TableCell& cell : row) {
      if (const double* d = std::get_if<double>(&cell))
        cells.push_back(csv_number(*d));
      else if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        cells.push_back(std::to_string(*i));
      else
        cells.push_back(std::get<std::string>(cell));
    }
  }
  write_csv_cells(out, names, rows);
  return rows.size();
}

std::filesystem::path default_summary_export_path(const std::filesystem::path& input) {
  std::filesystem::path out = input;
  out.replace_filename(input.stem().string() + "_summary.csv");
  return out;
}

}  // namespace dembones
