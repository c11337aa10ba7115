#pragma once
// Hdf5Reader: read-only access to an HDF5 file (ours or any other): list the tree, shapes, read
// doubles whatever their stored precision, integers, strings, attributes and compound-table columns
// by name. Used by `dembones info`, `dembones export`, `dembones merge` and sweep resume.
// Every failure throws IoError naming the file and the object path.
#include <H5Ipublic.h>  // hid_t

#include <Eigen/Core>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/hdf5_types.hpp"

namespace dembones {

class Hdf5Reader {
 public:
  // Opens read-only. IoError when missing or not an HDF5 file.
  explicit Hdf5Reader(std::filesystem::path path);
  ~Hdf5Reader();
  Hdf5Reader(const Hdf5Reader&) = delete;
  Hdf5Reader& operator=(const Hdf5Reader&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // --- Structure ---
  bool exists(std::string_view path) const;  // group or dataset; false for dangling links
  bool is_group(std::string_view path) const;
  bool is_dataset(std::string_view path) const;
  // The file an external link at `path` points to (as stored: relative to this file's folder when
  // written by `dembones merge --link`); empty when `path` is not an external link. Its target need
  // not exist: a merged file moved away from its shards holds dangling links.
  std::string external_link_file(std::string_view path) const;
  // Every group and dataset below `group` (not itself), depth first, in name order; external links
  // are followed. With `keep`, a path it refuses is left out with everything below it, unopened.
  std::vector<Hdf5Entry> list(std::string_view group = "/",
                              const std::function<bool(const std::string&)>& keep = nullptr) const;
  // Names of the direct children of a group, in name order.
  std::vector<std::string> children(std::string_view group) const;
  std::vector<std::uint64_t> dims(std::string_view dataset) const;  // empty for a scalar
  std::string dtype(std::string_view dataset) const;                // as in Hdf5Entry::dtype

  // --- Data (row-major, flattened) ---
  std::vector<double> read_doubles(std::string_view dataset) const;  // any float/int storage
  Eigen::VectorXd read_vector(std::string_view dataset) const;       // 0-d or 1-d
  Eigen::MatrixXd read_matrix(std::string_view dataset) const;       // 2-d (1-d as one column)
  double read_scalar(std::string_view dataset) const;
  // Column `column` of a 2-d [frames × channels] dataset: one channel's whole series (what the
  // chunk layout is made for, see hdf5_writer.cpp).
  std::vector<double> read_column(std::string_view dataset, std::uint64_t column) const;
  std::vector<std::int64_t> read_ints(std::string_view dataset) const;
  std::vector<std::string> read_strings(std::string_view dataset) const;  // variable or fixed length

  // --- Attributes ("/" = root) ---
  bool has_attribute(std::string_view object, std::string_view name) const;
  std::vector<std::string> attribute_names(std::string_view object) const;
  std::string read_string_attribute(std::string_view object, std::string_view name) const;
  double read_double_attribute(std::string_view object, std::string_view name) const;
  std::int64_t read_int_attribute(std::string_view object, std::string_view name) const;
  std::vector<double> read_double_array_attribute(std::string_view object, std::string_view name) const;
  std::vector<std::string> read_string_array_attribute(std::string_view object, std::string_view name) const;

  // --- Compound tables ---
  std::vector<TableColumn> table_columns(std::string_view table) const;  // with units when present
  std::size_t table_rows(std::string_view table) const;
  std::vector<double> read_table_doubles(std::string_view table, std::string_view column) const;
  std::vector<std::int64_t> read_table_ints(std::string_view table, std::string_view column) const;
  std::vector<std::string> read_table_strings(std::string_view table, std::string_view column) const;
  // Every row, cells typed per table_columns (Float64 -> double, Int64 -> int64_t, String -> string).
  std::vector<std::vector<TableCell>> read_table_rows(std::string_view table) const;

 private:
  friend class Hdf5Writer;  // copy_from needs the file id
  hid_t file_id() const { return file_; }
  std::string label() const { return path_.string(); }

  std::filesystem::path path_;
  hid_t file_ = -1;
};

}  // namespace dembones
