#include "io/hdf5_reader.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "io/hdf5_handle.hpp"

namespace dembones {

using hdf5::check;
using hdf5::check_id;

namespace {

// Frees the strings HDF5 allocated for a variable-length read. H5Treclaim is declared by the
// 1.10.8 headers but not exported by Debian's 1.10 library; H5Dvlen_reclaim is its older name.
void reclaim_vl(hid_t mem_type, hid_t space, void* buffer) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem_type, space, H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(mem_type, space, H5P_DEFAULT, buffer);
#endif
}

// Nesting deeper than this is a link cycle, not a real layout.
constexpr int kMaxListDepth = 64;

std::string join(const std::string& group, const std::string& name) {
  return group == "/" ? "/" + name : group + "/" + name;
}

std::vector<std::uint64_t> space_dims(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, d.data(), nullptr);
  return {d.begin(), d.end()};
}

// Reads `count` strings of (file) string type `type` through `read`, which is called with the memory
// type and the buffer. Handles variable-length and fixed-length strings (files from MATLAB or h5py
// may use either).
std::vector<std::string> read_string_values(hid_t type, std::size_t count, hid_t space,
                                            const std::function<herr_t(hid_t, void*)>& read,
                                            const std::string& file, const std::string& where) {
  if (H5Tget_class(type) != H5T_STRING) {
    throw IoError(Location{file, 0, 0, ""}, "'" + where + "' does not hold strings");
  }
  std::vector<std::string> out;
  out.reserve(count);
  const H5T_cset_t cset = H5Tget_cset(type);
  if (H5Tis_variable_str(type) > 0) {
    hdf5::Datatype mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), cset);
    std::vector<char*> pointers(count, nullptr);
    if (count > 0) {
      check(read(mem.get(), pointers.data()), file, "cannot read strings", where);
      for (char* p : pointers) out.emplace_back(p != nullptr ? p : "");
      reclaim_vl(mem.get(), space, pointers.data());
    }
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  hdf5::Datatype mem(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), size);
  H5Tset_cset(mem.get(), cset);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buffer(size * count + 1, '\0');
  if (count > 0) check(read(mem.get(), buffer.data()), file, "cannot read strings", where);
  const bool space_padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s(buffer.data() + i * size, size);
    s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
    if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Hdf5Reader::Hdf5Reader(std::filesystem::path path) : path_(std::move(path)) {
  hdf5::silence_hdf5_error_printing();
  if (!std::filesystem::exists(path_)) {
    throw IoError(Location{label(), 0, 0, ""}, "no such file");
  }
  if (H5Fis_hdf5(path_.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(Location{label(), 0, 0, ""}, "not an HDF5 file");
  }
  const auto fapl = hdf5::make_file_access_plist(/*strong_close=*/false);
  file_ = check_id(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, fapl.get()), label(), "cannot open", "");
}

Hdf5Reader::~Hdf5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

// --- Structure -------------------------------------------------------------------------------

namespace {

// Opens an existing group or dataset, or throws IoError "no object '/x'" (without HDF5's noise).
hdf5::Object open_object(hid_t file, const std::string& file_label, std::string_view path, const char* kind) {
  const std::string norm = hdf5::normalize_path(path);
  if (!hdf5::path_exists(file, norm)) {
    throw IoError(Location{file_label, 0, 0, ""}, std::string("no ") + kind + " '" + norm + "' in the file");
  }
  return hdf5::Object(check_id(H5Oopen(file, norm.c_str(), H5P_DEFAULT), file_label, "cannot open", norm));
}

hdf5::Dataset open_dataset(hid_t file, const std::string& file_label, std::string_view path) {
  const std::string norm = hdf5::normalize_path(path);
  {
    hdf5::Object obj = open_object(file, file_label, norm, "dataset");
    if (H5Iget_type(obj.get()) != H5I_DATASET) {
      throw IoError(Location{file_label, 0, 0, ""}, "'" + norm + "' is a group, expected a dataset");
    }
  }
  return hdf5::Dataset(check_id(H5Dopen2(file, norm.c_str(), H5P_DEFAULT), file_label, "cannot open dataset", norm));
}

}  // namespace

bool Hdf5Reader::exists(std::string_view path) const { return hdf5::path_exists(file_, path); }

bool Hdf5Reader::is_group(std::string_view path) const {
  if (!exists(path)) return false;
  const auto obj = open_object(file_, label(), path, "object");
  return H5Iget_type(obj.get()) == H5I_GROUP;
}

std::string Hdf5Reader::external_link_file(std::string_view path) const {
  const std::string p(path);
  // Each parent must exist for H5Lexists; the run groups' parent (/runs) is an ordinary group.
  const std::size_t slash = p.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !exists(p.substr(0, slash))) return "";
  if (H5Lexists(file_, p.c_str(), H5P_DEFAULT) <= 0) return "";
  H5L_info_t info;  // HDF5 1.10 (Debian 12): H5Lget_info, not 1.12's H5Lget_info2
  if (H5Lget_info(file_, p.c_str(), &info, H5P_DEFAULT) < 0 || info.type != H5L_TYPE_EXTERNAL) return "";
  std::vector<char> value(info.u.val_size);
  if (H5Lget_val(file_, p.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0) return "";
  unsigned flags = 0;
  const char* file = nullptr;
  const char* object = nullptr;
  if (H5Lunpack_elink_val(value.data(), value.size(), &flags, &file, &object) < 0 || file == nullptr) return "";
  return file;
}

bool Hdf5Reader::is_dataset(std::string_view path) const {
  if (!exists(path)) return false;
  const auto obj = open_object(file_, label(), path, "object");
  return H5Iget_type(obj.get()) == H5I_DATASET;
}

namespace {

herr_t collect_link_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}

}  // namespace

std::vector<std::string> Hdf5Reader::children(std::string_view group) const {
  const std::string norm = hdf5::normalize_path(group);
  const auto obj = open_object(file_, label(), norm, "group");
  if (H5Iget_type(obj.get()) != H5I_GROUP) {
    throw IoError(Location{label(), 0, 0, ""}, "'" + norm + "' is a dataset, expected a group");
  }
  // One H5Literate pass: H5Lget_name_by_idx per index walks the group's links again for every
  // index (quadratic: a 10,000-run sweep file took seconds to scan for --resume and merge).
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Literate(obj.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_link_name, &names), label(),
        "cannot list group", norm);
  return names;
}

std::vector<Hdf5Entry> Hdf5Reader::list(std::string_view group,
                                        const std::function<bool(const std::string&)>& keep) const {
  std::vector<Hdf5Entry> out;
  std::function<void(const std::string&, int)> walk = [&](const std::string& g, int depth) {
    if (depth > kMaxListDepth) {
      throw IoError(Location{label(), 0, 0, ""}, "groups nested deeper than 64 below '" + g + "' (a link cycle?)");
    }
    for (const auto& name : children(g)) {
      const std::string path = join(g, name);
      if (keep && !keep(path)) continue;
      if (!hdf5::path_exists(file_, path)) continue;  // dangling external link
      Hdf5Entry e;
      e.path = path;
      {
        const auto obj = open_object(file_, label(), path, "object");
        e.is_group = H5Iget_type(obj.get()) == H5I_GROUP;
      }
      if (!e.is_group) {
        e.dims = dims(path);
        e.dtype = dtype(path);
      }
      out.push_back(std::move(e));
      if (out.back().is_group) walk(path, depth + 1);
    }
  };
  walk(hdf5::normalize_path(group), 0);
  return out;
}

std::vector<std::uint64_t> Hdf5Reader::dims(std::string_view dataset) const {
  const auto ds = open_dataset(file_, label(), dataset);
  hdf5::Dataspace space(H5Dget_space(ds.get()));
  return space_dims(space.get());
}

std::string Hdf5Reader::dtype(std::string_view dataset) const {
  const auto ds = open_dataset(file_, label(), dataset);
  hdf5::Datatype type(H5Dget_type(ds.get()));
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT: return std::string("float").append(bits);
    case H5T_INTEGER:
      return std::string(H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int").append(bits);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    default: return "other";
  }
}

// --- Data ------------------------------------------------------------------------------------

std::vector<double> Hdf5Reader::read_doubles(std::string_view dataset) const {
  const std::string norm = hdf5::normalize_path(dataset);
  const auto ds = open_dataset(file_, label(), norm);
  hdf5::Datatype type(H5Dget_type(ds.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    throw IoError(Location{label(), 0, 0, ""}, "'" + norm + "' does not hold numbers");
  }
  hdf5::Dataspace space(H5Dget_space(ds.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> out(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  // HDF5 converts float32 or integer storage to double during the read.
  if (!out.empty()) {
    check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), label(),
          "cannot read dataset", norm);
  }
  return out;
}

Eigen::VectorXd Hdf5Reader::read_vector(std::string_view dataset) const {
  const auto d = dims(dataset);
  if (d.size() > 1) {
    throw IoError(Location{label(), 0, 0, ""},
                  "'" + hdf5::normalize_path(dataset) + "' has " + std::to_string(d.size()) + " dimensions, expected 1");
  }
  const auto v = read_doubles(dataset);
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

Eigen::MatrixXd Hdf5Reader::read_matrix(std::string_view dataset) const {
  const auto d = dims(dataset);
  if (d.empty() || d.size() > 2) {
    throw IoError(Location{label(), 0, 0, ""},
                  "'" + hdf5::normalize_path(dataset) + "' has " + std::to_string(d.size()) + " dimensions, expected 2");
  }
  const auto v = read_doubles(dataset);
  const auto rows = static_cast<Eigen::Index>(d[0]);
  const auto cols = static_cast<Eigen::Index>(d.size() == 2 ? d[1] : 1);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(v.data(), rows, cols);
}

std::vector<double> Hdf5Reader::read_column(std::string_view dataset, std::uint64_t column) const {
  const std::string norm = hdf5::normalize_path(dataset);
  const auto ds = open_dataset(file_, label(), norm);
  hdf5::Dataspace file_space(H5Dget_space(ds.get()));
  const auto d = space_dims(file_space.get());
  if (d.size() != 2) {
    throw IoError(Location{label(), 0, 0, ""},
                  "'" + norm + "' has " + std::to_string(d.size()) + " dimensions, expected 2");
  }
  if (column >= d[1]) {
    throw IoError(Location{label(), 0, 0, ""}, "'" + norm + "' has " + std::to_string(d[1]) +
                                                   " columns, asked for column " + std::to_string(column));
  }
  std::vector<double> out(d[0]);
  if (out.empty()) return out;
  const hsize_t start[2] = {0, column};
  const hsize_t count[2] = {d[0], 1};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), label(),
        "cannot select a column of", norm);
  const hsize_t n = d[0];
  hdf5::Dataspace mem_space(H5Screate_simple(1, &n, nullptr));
  check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()), label(),
        "cannot read a column of", norm);
  return out;
}

double Hdf5Reader::read_scalar(std::string_view dataset) const {
  const auto v = read_doubles(dataset);
  if (v.size() != 1) {
    throw IoError(Location{label(), 0, 0, ""}, "'" + hdf5::normalize_path(dataset) + "' holds " +
                                                   std::to_string(v.size()) + " values, expected 1");
  }
  return v[0];
}

std::vector<std::int64_t> Hdf5Reader::read_ints(std::string_view dataset) const {
  const std::string norm = hdf5::normalize_path(dataset);
  const auto ds = open_dataset(file_, label(), norm);
  hdf5::Datatype type(H5Dget_type(ds.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER) {
    throw IoError(Location{label(), 0, 0, ""}, "'" + norm + "' does not hold integers");
  }
  hdf5::Dataspace space(H5Dget_space(ds.get()));
  std::vector<std::int64_t> out(static_cast<std::size_t>(std::max<hssize_t>(H5Sget_simple_extent_npoints(space.get()), 0)));
  if (!out.empty()) {
    check(H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), label(),
          "cannot read dataset", norm);
  }
  return out;
}

std::vector<std::string> Hdf5Reader::read_strings(std::string_view dataset) const {
  const std::string norm = hdf5::normalize_path(dataset);
  const auto ds = open_dataset(file_, label(), norm);
  hdf5::Datatype type(H5Dget_type(ds.get()));
  hdf5::Dataspace space(H5Dget_space(ds.get()));
  const auto n = static_cast<std::size_t>(std::max<hssize_t>(H5Sget_simple_extent_npoints(space.get()), 0));
  return read_string_values(
      type.get(), n, space.get(),
      [&](hid_t mem, void* buf) { return H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); }, label(),
      norm);
}

// --- Attributes ------------------------------------------------------------------------------

namespace {

struct OpenAttribute {
  hdf5::Attribute attr;
  hdf5::Datatype type;
  hdf5::Dataspace space;
  std::size_t count = 0;
  std::string where;
};

OpenAttribute open_attribute(hid_t file, const std::string& file_label, std::string_view object,
                             std::string_view name) {
  const std::string norm = hdf5::normalize_path(object);
  const auto obj = open_object(file, file_label, norm, "object");
  OpenAttribute a;
  a.where = norm + "@" + std::string(name);
  const std::string n(name);
  if (H5Aexists(obj.get(), n.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(Location{file_label, 0, 0, ""}, "no attribute '" + n + "' on '" + norm + "'");
  }
  a.attr = hdf5::Attribute(check_id(H5Aopen(obj.get(), n.c_str(), H5P_DEFAULT), file_label, "cannot open attribute", a.where));
  a.type = hdf5::Datatype(H5Aget_type(a.attr.get()));
  a.space = hdf5::Dataspace(H5Aget_space(a.attr.get()));
  a.count = static_cast<std::size_t>(std::max<hssize_t>(H5Sget_simple_extent_npoints(a.space.get()), 0));
  return a;
}

herr_t collect_attribute_name(hid_t /*loc*/, const char* name, const H5A_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

bool Hdf5Reader::has_attribute(std::string_view object, std::string_view name) const {
  if (!exists(object)) return false;
  const auto obj = open_object(file_, label(), object, "object");
  const std::string n(name);
  const htri_t e = H5Aexists(obj.get(), n.c_str());
  if (e < 0) H5Eclear2(H5E_DEFAULT);
  return e > 0;
}

std::vector<std::string> Hdf5Reader::attribute_names(std::string_view object) const {
  const std::string norm = hdf5::normalize_path(object);
  const auto obj = open_object(file_, label(), norm, "object");
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Aiterate2(obj.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute_name, &names), label(),
        "cannot list attributes of", norm);
  return names;
}

std::vector<std::string> Hdf5Reader::read_string_array_attribute(std::string_view object, std::string_view name) const {
  auto a = open_attribute(file_, label(), object, name);
  return read_string_values(
      a.type.get(), a.count, a.space.get(), [&](hid_t mem, void* buf) { return H5Aread(a.attr.get(), mem, buf); },
      label(), a.where);
}

std::string Hdf5Reader::read_string_attribute(std::string_view object, std::string_view name) const {
  const auto values = read_string_array_attribute(object, name);
  if (values.size() != 1) {
    throw IoError(Location{label(), 0, 0, ""}, "attribute '" + hdf5::normalize_path(object) + "@" + std::string(name) +
                                                   "' holds " + std::to_string(values.size()) + " strings, expected 1");
  }
  return values[0];
}

std::vector<double> Hdf5Reader::read_double_array_attribute(std::string_view object, std::string_view name) const {
  auto a = open_attribute(file_, label(), object, name);
  const H5T_class_t cls = H5Tget_class(a.type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    throw IoError(Location{label(), 0, 0, ""}, "attribute '" + a.where + "' does not hold numbers");
  }
  std::vector<double> out(a.count);
  if (!out.empty()) check(H5Aread(a.attr.get(), H5T_NATIVE_DOUBLE, out.data()), label(), "cannot read attribute", a.where);
  return out;
}

double Hdf5Reader::read_double_attribute(std::string_view object, std::string_view name) const {
  const auto v = read_double_array_attribute(object, name);
  if (v.size() != 1) {
    throw IoError(Location{label(), 0, 0, ""}, "attribute '" + hdf5::normalize_path(object) + "@" + std::string(name) +
                                                   "' holds " + std::to_string(v.size()) + " values, expected 1");
  }
  return v[0];
}

std::int64_t Hdf5Reader::read_int_attribute(std::string_view object, std::string_view name) const {
  auto a = open_attribute(file_, label(), object, name);
  if (H5Tget_class(a.type.get()) != H5T_INTEGER || a.count != 1) {
    throw IoError(Location{label(), 0, 0, ""}, "attribute '" + a.where + "' is not one integer");
  }
  std::int64_t v = 0;
  check(H5Aread(a.attr.get(), H5T_NATIVE_INT64, &v), label(), "cannot read attribute", a.where);
  return v;
}

// --- Compound tables -------------------------------------------------------------------------

namespace {

struct OpenTable {
  hdf5::Dataset dataset;
  hdf5::Datatype type;
  hdf5::Dataspace space;
  std::size_t rows = 0;
  std::string path;
};

OpenTable open_table(hid_t file, const std::string& file_label, std::string_view table) {
  OpenTable t;
  t.path = hdf5::normalize_path(table);
  t.dataset = open_dataset(file, file_label, t.path);
  t.type = hdf5::Datatype(H5Dget_type(t.dataset.get()));
  if (H5Tget_class(t.type.get()) != H5T_COMPOUND) {
    throw IoError(Location{file_label, 0, 0, ""}, "'" + t.path + "' is not a compound table");
  }
  t.space = hdf5::Dataspace(H5Dget_space(t.dataset.get()));
  t.rows = static_cast<std::size_t>(std::max<hssize_t>(H5Sget_simple_extent_npoints(t.space.get()), 0));
  return t;
}

// The class of column `column` in table t, or IoError naming the table and the column.
H5T_class_t column_class(const OpenTable& t, const std::string& file_label, std::string_view column) {
  const std::string c(column);
  const int index = H5Tget_member_index(t.type.get(), c.c_str());
  if (index < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(Location{file_label, 0, 0, ""}, "table '" + t.path + "' has no column '" + c + "'");
  }
  return H5Tget_member_class(t.type.get(), static_cast<unsigned>(index));
}

// A compound memory type holding only `column` (HDF5 matches compound members by name).
hdf5::Datatype single_member_type(std::string_view column, hid_t member_type, std::size_t size) {
  hdf5::Datatype t(H5Tcreate(H5T_COMPOUND, size));
  H5Tinsert(t.get(), std::string(column).c_str(), 0, member_type);
  return t;
}

}  // namespace

std::vector<TableColumn> Hdf5Reader::table_columns(std::string_view table) const {
  const auto t = open_table(file_, label(), table);
  std::vector<TableColumn> columns;
  const int n = H5Tget_nmembers(t.type.get());
  for (int i = 0; i < n; ++i) {
    char* raw = H5Tget_member_name(t.type.get(), static_cast<unsigned>(i));
    TableColumn c;
    c.name = raw;
    H5free_memory(raw);
    switch (H5Tget_member_class(t.type.get(), static_cast<unsigned>(i))) {
      case H5T_FLOAT: c.type = ColumnType::Float64; break;
      case H5T_INTEGER: c.type = ColumnType::Int64; break;
      case H5T_STRING: c.type = ColumnType::String; break;
      default:
        throw IoError(Location{label(), 0, 0, ""},
                      "table '" + t.path + "' column '" + c.name + "' is not a number or a string");
    }
    columns.push_back(std::move(c));
  }
  if (has_attribute(t.path, "units")) {
    const auto units = read_string_array_attribute(t.path, "units");
    if (units.size() == columns.size()) {
      for (std::size_t i = 0; i < units.size(); ++i) columns[i].units = units[i];
    }
  }
  return columns;
}

std::size_t Hdf5Reader::table_rows(std::string_view table) const { return open_table(file_, label(), table).rows; }

std::vector<double> Hdf5Reader::read_table_doubles(std::string_view table, std::string_view column) const {
  const auto t = open_table(file_, label(), table);
  const H5T_class_t cls = column_class(t, label(), column);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    throw IoError(Location{label(), 0, 0, ""}, "table '" + t.path + "' column '" + std::string(column) + "' is not numeric");
  }
  const auto mem = single_member_type(column, H5T_NATIVE_DOUBLE, sizeof(double));
  std::vector<double> out(t.rows);
  if (!out.empty()) {
    check(H5Dread(t.dataset.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), label(),
          "cannot read column of", t.path + "." + std::string(column));
  }
  return out;
}

std::vector<std::int64_t> Hdf5Reader::read_table_ints(std::string_view table, std::string_view column) const {
  const auto t = open_table(file_, label(), table);
  if (column_class(t, label(), column) != H5T_INTEGER) {
    throw IoError(Location{label(), 0, 0, ""}, "table '" + t.path + "' column '" + std::string(column) + "' is not integer");
  }
  const auto mem = single_member_type(column, H5T_NATIVE_INT64, sizeof(std::int64_t));
  std::vector<std::int64_t> out(t.rows);
  if (!out.empty()) {
    check(H5Dread(t.dataset.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), label(),
          "cannot read column of", t.path + "." + std::string(column));
  }
  return out;
}

std::vector<std::string> Hdf5Reader::read_table_strings(std::string_view table, std::string_view column) const {
  const auto t = open_table(file_, label(), table);
  if (column_class(t, label(), column) != H5T_STRING) {
    throw IoError(Location{label(), 0, 0, ""}, "table '" + t.path + "' column '" + std::string(column) + "' is not text");
  }
  const auto vl = hdf5::make_vl_utf8_string_type();
  const auto mem = single_member_type(column, vl.get(), sizeof(char*));
  std::vector<char*> pointers(t.rows, nullptr);
  std::vector<std::string> out;
  out.reserve(t.rows);
  if (!pointers.empty()) {
    check(H5Dread(t.dataset.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), label(),
          "cannot read column of", t.path + "." + std::string(column));
    for (char* p : pointers) out.emplace_back(p != nullptr ? p : "");
    reclaim_vl(mem.get(), t.space.get(), pointers.data());
  }
  return out;
}

std::vector<std::vector<TableCell>> Hdf5Reader::read_table_rows(std::string_view table) const {
  const auto columns = table_columns(table);
  const std::size_t rows = table_rows(table);
  std::vector<std::vector<TableCell>> out(rows, std::vector<TableCell>(columns.size()));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    switch (columns[c].type) {
      case ColumnType::Float64: {
        const auto v = read_table_doubles(table, columns[c].name);
        for (std::size_t r = 0; r < rows; ++r) out[r][c] = v[r];
        break;
      }
      case ColumnType::Int64: {
        const auto v = read_table_ints(table, columns[c].name);
        for (std::size_t r = 0; r < rows; ++r) out[r][c] = v[r];
        break;
      }
      case ColumnType::String: {
        auto v = read_table_strings(table, columns[c].name);
        for (std::size_t r = 0; r < rows; ++r) out[r][c] = std::move(v[r]);
        break;
      }
    }
  }
  return out;
}

}  // namespace dembones
