#pragma once
// Plain types shared by Hdf5Writer and Hdf5Reader.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dembones {

// The attributes every dataset carries (docs/hdf5-layout.md): `units` (SI, e.g. "N", "rad", "1" for
// dimensionless) and a one-line `description`.
struct DatasetMeta {
  std::string units{};
  std::string description{};
  // What each dimension indexes, first (slowest, C order) first, joined by " × ": "frame × muscle",
  // "frame × xyz (world)".
  // Stored as the `dimensions` attribute when not empty (MATLAB and Julia see the dimensions reversed).
  std::string dimensions{};
  // Keep float64 even when the writer stores doubles as float32 (e.g. /time, where float32's 24-bit
  // mantissa would blur the sample times of long runs).
  bool always_float64 = false;
};

// Columns of a compound table (the sweep summary: one row per run).
enum class ColumnType { Float64, Int64, String };

struct TableColumn {
  std::string name{};
  ColumnType type = ColumnType::Float64;
  std::string units{};  // stored in the table's `units` attribute, one entry per column
};

using TableCell = std::variant<double, std::int64_t, std::string>;

// One object found by Hdf5Reader::list.
struct Hdf5Entry {
  std::string path{};                 // absolute, e.g. "/muscles/force"
  bool is_group = false;            // else a dataset
  std::vector<std::uint64_t> dims{};  // dataset shape (empty for groups and scalars)
  std::string dtype{};                // dataset element type: "float64", "float32", "int64", "int32",
                                    // "uint8", ..., "string", "compound", "other"; empty for groups
};

}  // namespace dembones
