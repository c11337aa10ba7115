#include "io/hdf5_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

#include "common/error.hpp"
#include "io/hdf5_handle.hpp"
#include "io/hdf5_reader.hpp"

namespace dembones {

using hdf5::check;
using hdf5::check_id;

// ---------------------------------------------------------------------------------------------
// Chunking policy. A run is read mostly one channel at a time ("the force of psoas over the whole
// lift"), so chunks are long along time and narrow across channels:
//   [n]              -> [min(n, 65536)]                      (<= 512 KiB of float64)
//   [frames × N]     -> [min(frames, 4096) × min(N, 4)]      (<= 128 KiB; one column of a
//                       4096-frame run is one chunk read, 4 columns decompressed)
//   [frames × m × nv]-> [f × 1 × nv], f = min(frames, max(1, 65536 / nv))  (per muscle: all its
//                       moment arms over a time block, <= 512 KiB)
//   [frames × B × 3 × 3] and higher ranks likewise: one index of the second (channel) dimension,
//                       the trailing dimensions whole, f frames filling 65536 elements.
// All chunks stay below HDF5's default 1 MiB chunk cache, so a chunk is decompressed once per read.
// Datasets with a zero dimension are stored contiguous (HDF5 cannot chunk a fixed size-0 extent).
// ---------------------------------------------------------------------------------------------
std::vector<std::uint64_t> choose_chunk_dims(std::span<const std::uint64_t> dims) {
  constexpr std::uint64_t kMaxChunkElements = 65536;
  constexpr std::uint64_t kFramesPerChunk2d = 4096;
  constexpr std::uint64_t kColumnsPerChunk2d = 4;
  if (dims.empty()) return {};
  for (auto d : dims) {
    if (d == 0) return {};
  }
  std::vector<std::uint64_t> chunk(dims.begin(), dims.end());
  switch (dims.size()) {
    case 1:
      chunk[0] = std::min(dims[0], kMaxChunkElements);
      break;
    case 2:
      chunk[0] = std::min(dims[0], kFramesPerChunk2d);
      chunk[1] = std::min(dims[1], kColumnsPerChunk2d);
      break;
    default: {
      // One channel (index of dimension 1) per chunk, the trailing dimensions whole, and the element
      // budget filled along the first (time) dimension.
      chunk[1] = 1;
      std::uint64_t tail = 1;
      for (std::size_t i = 2; i < dims.size(); ++i) tail *= dims[i];
      chunk[0] = std::min(dims[0], std::max<std::uint64_t>(1, kMaxChunkElements / tail));
      break;
    }
  }
  return chunk;
}

// Open state of a compound table: the dataset stays open while rows are appended.
struct Hdf5Writer::TableState {
  hdf5::Dataset dataset;
  hdf5::Datatype mem_type;  // compound of NATIVE_DOUBLE / NATIVE_INT64 / char* members
  std::vector<TableColumn> columns;
  std::vector<std::size_t> offsets;  // byte offset of each column in a memory row
  std::size_t row_size = 0;
};

// An in-memory group whose scalar double attributes stay open (create_group_with_double_attributes).
// Members close in reverse order: attributes, group, file.
struct Hdf5Writer::AttributeTemplate {
  hdf5::File file;  // core driver without backing store: never touches the disk
  hdf5::Group group;
  std::vector<std::string> names;
  std::vector<hdf5::Attribute> attributes;  // one per name, open
  std::vector<std::uint64_t> bits;          // the value each attribute holds (when `filled`)
  bool filled = false;                      // every attribute written once
};

namespace {

static_assert(sizeof(char*) == 8 && sizeof(double) == 8 && sizeof(std::int64_t) == 8,
              "table rows lay out every cell in 8 bytes");

// Attributes an object header holds before HDF5 moves them to dense storage (create_group).
constexpr unsigned kMaxCompactAttributes = 128;

hdf5::PropertyList make_lcpl_with_parents() {
  hdf5::PropertyList lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
  return lcpl;
}

// Group creation properties: attributes stay in the object header up to kMaxCompactAttributes
// (HDF5's default is 8): a run's /summary group holds ~60 peak attributes, and dense storage builds a
// fractal heap and a name B-tree per group for them (and H5Ocopy copies both in a merge). Readers see
// the same attributes either way (h5py lists them by name in both).
hdf5::PropertyList make_gcpl() {
  hdf5::PropertyList gcpl(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_attr_phase_change(gcpl.get(), kMaxCompactAttributes, kMaxCompactAttributes - 16);
  return gcpl;
}

// fsync so that the rename in commit() cannot expose a file whose data is still only in the page
// cache (a power loss between rename and write-back would otherwise leave an empty final file).
void fsync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

const char* column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::Float64: return "float64";
    case ColumnType::Int64: return "int64";
    case ColumnType::String: return "string";
  }
  return "?";
}

}  // namespace

Hdf5Writer::Hdf5Writer(std::filesystem::path final_path, Hdf5WriterOptions options)
    : final_path_(std::move(final_path)), options_(std::move(options)) {
  hdf5::silence_hdf5_error_printing();
  if (options_.compression_level < 0 || options_.compression_level > 9) {
    throw InputError(Location{"", 0, 0, "compression"},
                     "expected a compression level from 0 (none) to 9, got " +
                         std::to_string(options_.compression_level));
  }
  temporary_path_ = options_.temporary_path.empty()
                        ? std::filesystem::path(final_path_.string() + ".partial")
                        : options_.temporary_path;
  file_label_ = temporary_path_.string();
  const std::filesystem::path folder = temporary_path_.parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder)) {
    throw IoError(Location{final_path_.string(), 0, 0, ""},
                  "cannot write: folder '" + folder.string() + "' does not exist");
  }
  // STRONG close degree: H5Fclose also closes any object still open, so the file is really closed
  // (and complete) before the rename.
  const auto fapl = hdf5::make_file_access_plist(/*strong_close=*/true);
  // The HDF5 1.8 file format, lower and upper bound: it stores attributes of any size ("dense"
  // attribute storage; the 1.6 default caps an object header at 64 KiB), and every reader built on
  // HDF5 >= 1.8 (h5py, MATLAB since R2011a, Julia, HDF5.jl) opens it. 1.10-only structures (new
  // chunk indexes) would lock out 1.8-based readers, so the upper bound stays at 1.8 too.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  // A link left at the temporary name (by anyone) is replaced, never written through: HDF5 would
  // truncate the file it points to.
  if (!options_.resume_existing && std::filesystem::is_symlink(temporary_path_)) std::filesystem::remove(temporary_path_);
  if (options_.resume_existing && std::filesystem::exists(temporary_path_)) {
    file_ = check_id(H5Fopen(temporary_path_.c_str(), H5F_ACC_RDWR, fapl.get()), file_label_,
                     "cannot reopen for resuming", "");
  } else {
    file_ = check_id(H5Fcreate(temporary_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                     file_label_, "cannot create", "");
  }
}

Hdf5Writer::~Hdf5Writer() {
  if (committed_) return;
  close_all_open_objects();
  if (file_ >= 0) {
    H5Fclose(file_);
    H5Eclear2(H5E_DEFAULT);
    file_ = -1;
  }
  if (options_.remove_partial_on_abort) {
    std::error_code ignored;
    std::filesystem::remove(temporary_path_, ignored);
  }
}

hid_t Hdf5Writer::file_id() const {
  if (committed_ || file_ < 0) throw InternalError("Hdf5Writer used after commit(): " + final_path_.string());
  return file_;
}

void Hdf5Writer::close_all_open_objects() {
  tables_.clear();
  templates_.clear();
}

void Hdf5Writer::flush() {
  check(H5Fflush(file_id(), H5F_SCOPE_GLOBAL), file_label_, "cannot flush", "");
}

void Hdf5Writer::commit() {
  const hid_t file = file_id();
  close_all_open_objects();
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), file_label_, "cannot flush", "");
  file_ = -1;
  check(H5Fclose(file), file_label_, "cannot close", "");
  fsync_file(temporary_path_);
  std::error_code ec;
  std::filesystem::rename(temporary_path_, final_path_, ec);
  if (ec) {
    throw IoError(Location{final_path_.string(), 0, 0, ""},
                  "cannot rename '" + temporary_path_.string() + "' to the final name: " + ec.message());
  }
  committed_ = true;
}

// --- Structure -------------------------------------------------------------------------------

bool Hdf5Writer::exists(std::string_view path) const { return hdf5::path_exists(file_id(), path); }

void Hdf5Writer::create_group(std::string_view path) {
  const std::string norm = hdf5::normalize_path(path);
  const hid_t file = file_id();
  if (norm == "/") return;
  if (hdf5::path_exists(file, norm)) {
    hdf5::Object obj(check_id(H5Oopen(file, norm.c_str(), H5P_DEFAULT), file_label_, "cannot open", norm));
    if (H5Iget_type(obj.get()) != H5I_GROUP) {
      throw IoError(Location{file_label_, 0, 0, ""}, "cannot create group '" + norm + "': a dataset has that name");
    }
    return;
  }
  const auto lcpl = make_lcpl_with_parents();
  const auto gcpl = make_gcpl();
  hdf5::Group g(check_id(H5Gcreate2(file, norm.c_str(), lcpl.get(), gcpl.get(), H5P_DEFAULT), file_label_,
                         "cannot create group", norm));
}

void Hdf5Writer::remove(std::string_view path) {
  const std::string norm = hdf5::normalize_path(path);
  tables_.erase(norm);
  check(H5Ldelete(file_id(), norm.c_str(), H5P_DEFAULT), file_label_, "cannot remove", norm);
}

namespace {

void require_units(std::string_view path, const DatasetMeta& meta) {
  if (meta.units.empty()) {
    // Every dataset carries SI units (DEVELOPERS.md); "1" marks a dimensionless quantity.
    throw InternalError("HDF5 dataset '" + std::string(path) +
                        "' written without units (use \"1\" for dimensionless)");
  }
}

}  // namespace

std::string Hdf5Writer::ensure_parent(std::string_view path) {
  const std::string norm = hdf5::normalize_path(path);
  if (norm == "/") throw InternalError("HDF5: the root group cannot be a dataset (" + file_label_ + ")");
  create_group(hdf5::split_parent(norm).first);
  if (hdf5::path_exists(file_id(), norm)) {
    throw IoError(Location{file_label_, 0, 0, ""}, "cannot create '" + norm + "': it already exists");
  }
  return norm;
}

void Hdf5Writer::write_meta(const std::string& path, const DatasetMeta& meta) {
  set_string_attribute(path, "units", meta.units);
  set_string_attribute(path, "description", meta.description);
  if (!meta.dimensions.empty()) set_string_attribute(path, "dimensions", meta.dimensions);
}

// --- Datasets --------------------------------------------------------------------------------

namespace {

// Dataset creation properties: chunking per choose_chunk_dims, shuffle + deflate when compressing.
hdf5::PropertyList make_dcpl(std::span<const std::uint64_t> dims, int compression_level) {
  hdf5::PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const auto chunk = choose_chunk_dims(dims);
  if (!chunk.empty()) {
    std::vector<hsize_t> c(chunk.begin(), chunk.end());
    H5Pset_chunk(dcpl.get(), static_cast<int>(c.size()), c.data());
    if (compression_level > 0) {
      H5Pset_shuffle(dcpl.get());
      H5Pset_deflate(dcpl.get(), static_cast<unsigned>(compression_level));
    }
  }
  return dcpl;
}

hdf5::Dataspace make_space(std::span<const std::uint64_t> dims) {
  if (dims.empty()) return hdf5::Dataspace(H5Screate(H5S_SCALAR));
  std::vector<hsize_t> d(dims.begin(), dims.end());
  return hdf5::Dataspace(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr));
}

std::uint64_t element_count(std::span<const std::uint64_t> dims) {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

template <typename Int>
struct IntTypes;
template <>
struct IntTypes<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t mem() { return H5T_NATIVE_INT64; }
};
template <>
struct IntTypes<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t mem() { return H5T_NATIVE_INT32; }
};

}  // namespace

void Hdf5Writer::write_double_dataset(std::string_view path, const double* data,
                                      std::span<const std::uint64_t> dims, const DatasetMeta& meta) {
  require_units(path, meta);
  const std::string norm = ensure_parent(path);
  const hid_t file_type =
      (options_.store_float32 && !meta.always_float64) ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  const auto space = make_space(dims);
  const auto dcpl = make_dcpl(dims, options_.compression_level);
  hdf5::Dataset ds(check_id(H5Dcreate2(file_id(), norm.c_str(), file_type, space.get(), H5P_DEFAULT,
                                       dcpl.get(), H5P_DEFAULT),
                            file_label_, "cannot create dataset", norm));
  if (element_count(dims) > 0) {
    check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file_label_,
          "cannot write dataset", norm);
  }
  write_meta(norm, meta);
}

template <typename Int>
void Hdf5Writer::write_int_dataset(std::string_view path, const Int* data, std::span<const std::uint64_t> dims,
                                   const DatasetMeta& meta) {
  require_units(path, meta);
  const std::string norm = ensure_parent(path);
  const auto space = make_space(dims);
  const auto dcpl = make_dcpl(dims, options_.compression_level);
  hdf5::Dataset ds(check_id(H5Dcreate2(file_id(), norm.c_str(), IntTypes<Int>::file(), space.get(),
                                       H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                            file_label_, "cannot create dataset", norm));
  if (element_count(dims) > 0) {
    check(H5Dwrite(ds.get(), IntTypes<Int>::mem(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file_label_,
          "cannot write dataset", norm);
  }
  write_meta(norm, meta);
}

void Hdf5Writer::write_vector(std::string_view path, const double* data, std::size_t n, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {n};
  write_double_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_matrix(std::string_view path, const double* data, std::size_t rows, std::size_t cols,
                              const DatasetMeta& meta) {
  const std::uint64_t dims[] = {rows, cols};
  write_double_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_array3(std::string_view path, const double* data, std::size_t d0, std::size_t d1,
                              std::size_t d2, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {d0, d1, d2};
  write_double_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_array(std::string_view path, const double* data, std::span<const std::uint64_t> dims,
                             const DatasetMeta& meta) {
  write_double_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_vector(std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v,
                              const DatasetMeta& meta) {
  if (v.innerStride() == 1) {
    write_vector(path, v.data(), static_cast<std::size_t>(v.size()), meta);
  } else {
    const Eigen::VectorXd copy = v;
    write_vector(path, copy.data(), static_cast<std::size_t>(copy.size()), meta);
  }
}

void Hdf5Writer::write_matrix(std::string_view path, const Eigen::Ref<const Eigen::MatrixXd>& m,
                              const DatasetMeta& meta) {
  // HDF5 wants C order; Eigen's default is column-major, so copy once into a row-major matrix.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = m;
  write_matrix(path, row_major.data(), static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols()),
               meta);
}

void Hdf5Writer::write_scalar(std::string_view path, double value, const DatasetMeta& meta) {
  write_double_dataset(path, &value, {}, meta);
}

void Hdf5Writer::write_ints(std::string_view path, std::span<const std::int64_t> data, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {data.size()};
  write_int_dataset(path, data.data(), dims, meta);
}

void Hdf5Writer::write_ints(std::string_view path, std::span<const std::int32_t> data, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {data.size()};
  write_int_dataset(path, data.data(), dims, meta);
}

void Hdf5Writer::write_vector_as_ints(std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v,
                                      const DatasetMeta& meta) {
  std::vector<std::int32_t> ints(static_cast<std::size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const double x = v(i);
    if (!(std::abs(x) <= 2147483647.0) || x != std::trunc(x))
      throw InternalError(fmt::format("{}: entry {} is {}, not a whole number (an integer series)", path, i, x));
    ints[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(x);
  }
  write_ints(path, ints, meta);
}

void Hdf5Writer::write_int_matrix(std::string_view path, const std::int64_t* data, std::size_t rows,
                                  std::size_t cols, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {rows, cols};
  write_int_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_int_matrix(std::string_view path, const std::int32_t* data, std::size_t rows,
                                  std::size_t cols, const DatasetMeta& meta) {
  const std::uint64_t dims[] = {rows, cols};
  write_int_dataset(path, data, dims, meta);
}

void Hdf5Writer::write_strings(std::string_view path, std::span<const std::string> strings,
                               const DatasetMeta& meta) {
  const std::string norm = ensure_parent(path);
  const auto type = hdf5::make_vl_utf8_string_type();
  const std::uint64_t dims[] = {strings.size()};
  const auto space = make_space(dims);
  // Name lists are short; variable-length data lives in the global heap, which the filters would
  // not compress anyway, so these stay contiguous.
  hdf5::Dataset ds(check_id(H5Dcreate2(file_id(), norm.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                       H5P_DEFAULT, H5P_DEFAULT),
                            file_label_, "cannot create dataset", norm));
  if (!strings.empty()) {
    std::vector<const char*> pointers(strings.size());
    for (std::size_t i = 0; i < strings.size(); ++i) pointers[i] = strings[i].c_str();
    check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), file_label_,
          "cannot write dataset", norm);
  }
  DatasetMeta text_meta = meta;
  // (std::string(1, ...) rather than a literal: GCC 12 false -Wrestrict, bug 105651)
  if (text_meta.units.empty()) text_meta.units = std::string(1, '-');
  write_meta(norm, text_meta);
}

// --- Attributes ------------------------------------------------------------------------------

namespace {

hdf5::PropertyList make_utf8_acpl() {
  hdf5::PropertyList acpl(H5Pcreate(H5P_ATTRIBUTE_CREATE));
  H5Pset_char_encoding(acpl.get(), H5T_CSET_UTF8);
  return acpl;
}

// The normalized path of the object that receives one value per attribute name (the counts must match).
std::string attributes_path(std::string_view object, std::size_t n_names, std::size_t n_values) {
  std::string norm = hdf5::normalize_path(object);
  if (n_names != n_values)
    throw InternalError("HDF5 attributes of '" + norm + "': " + std::to_string(n_names) + " names, " +
                        std::to_string(n_values) + " values");
  return norm;
}

// True when no name occurs twice.
bool distinct_names(std::span<const std::string> names) {
  std::vector<std::string_view> sorted(names.begin(), names.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

// Creates one attribute on an open object; replaces it unless `is_new` (the caller knows it is absent).
void write_attribute(hid_t obj, const std::string& attr_name, hid_t file_type, hid_t mem_type, hid_t space,
                     const void* data, const std::string& file_label, const std::string& where, hid_t acpl,
                     bool is_new = false) {
  if (!is_new) {
    const htri_t exists = check(H5Aexists(obj, attr_name.c_str()), file_label, "cannot query attribute", where);
    if (exists > 0) check(H5Adelete(obj, attr_name.c_str()), file_label, "cannot replace attribute", where);
  }
  hdf5::Attribute attr(check_id(H5Acreate2(obj, attr_name.c_str(), file_type, space, acpl, H5P_DEFAULT),
                                file_label, "cannot create attribute", where));
  check(H5Awrite(attr.get(), mem_type, data), file_label, "cannot write attribute", where);
}

}  // namespace

void Hdf5Writer::set_attribute_raw(std::string_view object, std::string_view name, hid_t file_type,
                                   hid_t mem_type, hid_t space, const void* data) {
  open_attributes(object).set_raw(name, file_type, mem_type, space, data);
}

Hdf5Writer::ObjectAttributes Hdf5Writer::open_attributes(std::string_view object) {
  return ObjectAttributes(*this, object);
}

Hdf5Writer::ObjectAttributes::ObjectAttributes(const Hdf5Writer& writer, std::string_view object)
    : file_label_(writer.file_label_), object_(hdf5::normalize_path(object)) {
  hdf5::Object obj(check_id(H5Oopen(writer.file_id(), object_.c_str(), H5P_DEFAULT), file_label_,
                            "cannot open object for attribute", object_));
  auto acpl = make_utf8_acpl();
  object_id_ = obj.release();
  acpl_ = acpl.release();
}

Hdf5Writer::ObjectAttributes::ObjectAttributes(const Hdf5Writer& writer, std::string normalized_path,
                                               hid_t owned_object)
    : file_label_(writer.file_label_), object_(std::move(normalized_path)), object_id_(owned_object), created_(true) {
  acpl_ = make_utf8_acpl().release();
}

Hdf5Writer::ObjectAttributes::ObjectAttributes(ObjectAttributes&& other) noexcept
    : file_label_(other.file_label_),
      object_(std::move(other.object_)),
      object_id_(std::exchange(other.object_id_, H5I_INVALID_HID)),
      acpl_(std::exchange(other.acpl_, H5I_INVALID_HID)),
      created_(other.created_),
      set_names_(std::move(other.set_names_)) {}

Hdf5Writer::ObjectAttributes Hdf5Writer::create_group_with_attributes(std::string_view path) {
  const std::string norm = hdf5::normalize_path(path);
  const auto lcpl = make_lcpl_with_parents();
  const auto gcpl = make_gcpl();
  hdf5::Group g(check_id(H5Gcreate2(file_id(), norm.c_str(), lcpl.get(), gcpl.get(), H5P_DEFAULT), file_label_,
                         "cannot create group", norm));
  return ObjectAttributes(*this, norm, g.release());
}

Hdf5Writer::ObjectAttributes::~ObjectAttributes() {
  if (acpl_ >= 0) H5Pclose(acpl_);
  if (object_id_ >= 0) H5Oclose(object_id_);
}

void Hdf5Writer::ObjectAttributes::set_raw(std::string_view name, hid_t file_type, hid_t mem_type, hid_t space,
                                           const void* data) {
  const std::string attr_name(name);
  bool is_new = false;
  if (created_) {
    is_new = std::find(set_names_.begin(), set_names_.end(), attr_name) == set_names_.end();
    if (is_new) set_names_.push_back(attr_name);
  }
  write_attribute(object_id_, attr_name, file_type, mem_type, space, data, file_label_, object_ + "@" + attr_name,
                  acpl_, is_new);
}

void Hdf5Writer::ObjectAttributes::set_string(std::string_view name, std::string_view value) {
  const auto type = hdf5::make_vl_utf8_string_type();
  hdf5::Dataspace scalar(H5Screate(H5S_SCALAR));
  const std::string copy(value);  // NUL-terminated
  const char* pointer = copy.c_str();
  set_raw(name, type.get(), type.get(), scalar.get(), &pointer);
}

void Hdf5Writer::ObjectAttributes::set_double_array(std::string_view name, std::span<const double> values) {
  const std::uint64_t dims[] = {values.size()};
  const auto space = make_space(dims);
  set_raw(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), values.data());
}

void Hdf5Writer::ObjectAttributes::set_string_array(std::string_view name, std::span<const std::string> values) {
  const auto type = hdf5::make_vl_utf8_string_type();
  const std::uint64_t dims[] = {values.size()};
  const auto space = make_space(dims);
  // One element even for an empty list: H5Awrite refuses a null buffer (a zero-length vector's
  // data() may be null), although it reads nothing from it.
  std::vector<const char*> pointers(std::max<std::size_t>(values.size(), 1), "");
  for (std::size_t i = 0; i < values.size(); ++i) pointers[i] = values[i].c_str();
  set_raw(name, type.get(), type.get(), space.get(), pointers.data());
}

void Hdf5Writer::set_double_attributes(std::string_view object, std::span<const std::string> names,
                                       std::span<const double> values) {
  const std::string norm = attributes_path(object, names.size(), values.size());
  hdf5::Object obj(check_id(H5Oopen(file_id(), norm.c_str(), H5P_DEFAULT), file_label_,
                            "cannot open object for attribute", norm));
  hdf5::Dataspace scalar(H5Screate(H5S_SCALAR));
  const auto acpl = make_utf8_acpl();
  // On an object without attributes (a group just created) and distinct names, none can exist yet:
  // skip the per-name lookup.
#if H5_VERSION_GE(1, 12, 0)
  H5O_info2_t info{};
  check(H5Oget_info3(obj.get(), &info, H5O_INFO_NUM_ATTRS), file_label_, "cannot query attributes", norm);
#else
  H5O_info_t info{};
  check(H5Oget_info2(obj.get(), &info, H5O_INFO_NUM_ATTRS), file_label_, "cannot query attributes", norm);
#endif
  const bool fresh = info.num_attrs == 0 && distinct_names(names);
  for (std::size_t i = 0; i < names.size(); ++i)
    write_attribute(obj.get(), names[i], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar.get(), &values[i], file_label_,
                    norm + "@" + names[i], acpl.get(), fresh);
}

Hdf5Writer::AttributeTemplate* Hdf5Writer::attribute_template(std::span<const std::string> names) {
  const auto same = [&](const std::unique_ptr<AttributeTemplate>& t) {
    return std::equal(t->names.begin(), t->names.end(), names.begin(), names.end());
  };
  if (auto it = std::find_if(templates_.begin(), templates_.end(), same); it != templates_.end()) {
    std::rotate(it, it + 1, templates_.end());  // most recently used last
    return templates_.back().get();
  }
  // Repeated names (set one after another) and more attributes than an object header keeps (dense
  // storage, which H5Ocopy handles badly in libhdf5 1.10.8) get no template.
  if (names.size() > kMaxCompactAttributes || !distinct_names(names)) return nullptr;
  constexpr std::size_t kMaxTemplates = 4;
  if (templates_.size() == kMaxTemplates) templates_.erase(templates_.begin());
  auto t = std::make_unique<AttributeTemplate>();
  // The same format bounds as the file, so that the copied messages are those create_group and
  // set_double_attributes would write; a name unique among the open core files of the process.
  static std::atomic<unsigned long> serial{0};
  const std::string name = "dembones-attribute-template-" + std::to_string(::getpid()) + "-" +
                           std::to_string(serial.fetch_add(1));
  hdf5::PropertyList fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_core(fapl.get(), 64 * 1024, /*backing_store=*/0);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  t->file = hdf5::File(check_id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), file_label_,
                                "cannot create the in-memory attribute template for", ""));
  const auto gcpl = make_gcpl();
  t->group = hdf5::Group(check_id(H5Gcreate2(t->file.get(), "template", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                                  file_label_, "cannot create the in-memory attribute template for", ""));
  hdf5::Dataspace scalar(H5Screate(H5S_SCALAR));
  const auto acpl = make_utf8_acpl();
  t->names.assign(names.begin(), names.end());
  t->attributes.reserve(names.size());
  for (const std::string& n : t->names)
    t->attributes.emplace_back(check_id(H5Acreate2(t->group.get(), n.c_str(), H5T_IEEE_F64LE, scalar.get(), acpl.get(),
                                                   H5P_DEFAULT),
                                        file_label_, "cannot create template attribute", n));
  templates_.push_back(std::move(t));
  return templates_.back().get();
}

void Hdf5Writer::create_group_with_double_attributes(std::string_view path, std::span<const std::string> names,
                                                     std::span<const double> values) {
  const std::string norm = attributes_path(path, names.size(), values.size());
  const hid_t file = file_id();
  AttributeTemplate* t = attribute_template(names);
  if (t == nullptr) {  // the attribute-by-attribute way
    if (hdf5::path_exists(file, norm))
      throw IoError(Location{file_label_, 0, 0, ""}, "cannot create group '" + norm + "': it already exists");
    create_group(norm);
    set_double_attributes(norm, names, values);
    return;
  }
  // A value the attribute holds already is not written again (a sweep's consecutive runs share about
  // one in five: the body weight, peak times on the same frame).
  t->bits.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &values[i], sizeof bits);
    if (t->filled && bits == t->bits[i]) continue;
    if (H5Awrite(t->attributes[i].get(), H5T_NATIVE_DOUBLE, &values[i]) < 0)  // (the label only on failure)
      check(-1, file_label_, "cannot write attribute", norm + "@" + names[i]);
    t->bits[i] = bits;
  }
  t->filled = true;
  const auto lcpl = make_lcpl_with_parents();
  check(H5Ocopy(t->group.get(), ".", file, norm.c_str(), H5P_DEFAULT, lcpl.get()), file_label_, "cannot create group",
        norm);
}

void Hdf5Writer::set_string_attribute(std::string_view object, std::string_view name, std::string_view value) {
  open_attributes(object).set_string(name, value);
}

void Hdf5Writer::set_double_attribute(std::string_view object, std::string_view name, double value) {
  hdf5::Dataspace scalar(H5Screate(H5S_SCALAR));
  set_attribute_raw(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar.get(), &value);
}

void Hdf5Writer::set_int_attribute(std::string_view object, std::string_view name, std::int64_t value) {
  hdf5::Dataspace scalar(H5Screate(H5S_SCALAR));
  set_attribute_raw(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar.get(), &value);
}

void Hdf5Writer::set_double_array_attribute(std::string_view object, std::string_view name,
                                            std::span<const double> values) {
  open_attributes(object).set_double_array(name, values);
}

void Hdf5Writer::set_string_array_attribute(std::string_view object, std::string_view name,
                                            std::span<const std::string> values) {
  open_attributes(object).set_string_array(name, values);
}

// --- Compound table --------------------------------------------------------------------------

namespace {

// Memory and file compound types of a table: every cell 8 bytes (double, int64 or char*).
void build_table_types(const std::vector<TableColumn>& columns, hdf5::Datatype& mem, hdf5::Datatype* file,
                       std::vector<std::size_t>& offsets, std::size_t& row_size) {
  row_size = 8 * columns.size();
  offsets.resize(columns.size());
  const auto vl = hdf5::make_vl_utf8_string_type();
  mem = hdf5::Datatype(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(row_size, 1)));
  if (file != nullptr) *file = hdf5::Datatype(H5Tcreate(H5T_COMPOUND, std::max<std::size_t>(row_size, 1)));
  for (std::size_t i = 0; i < columns.size(); ++i) {
    offsets[i] = 8 * i;
    const char* name = columns[i].name.c_str();
    switch (columns[i].type) {
      case ColumnType::Float64:
        H5Tinsert(mem.get(), name, offsets[i], H5T_NATIVE_DOUBLE);
        if (file != nullptr) H5Tinsert(file->get(), name, offsets[i], H5T_IEEE_F64LE);
        break;
      case ColumnType::Int64:
        H5Tinsert(mem.get(), name, offsets[i], H5T_NATIVE_INT64);
        if (file != nullptr) H5Tinsert(file->get(), name, offsets[i], H5T_STD_I64LE);
        break;
      case ColumnType::String:
        H5Tinsert(mem.get(), name, offsets[i], vl.get());
        if (file != nullptr) H5Tinsert(file->get(), name, offsets[i], vl.get());
        break;
    }
  }
}

}  // namespace

void Hdf5Writer::create_table(std::string_view path, const std::vector<TableColumn>& columns,
                              std::string_view description, std::string_view dimensions) {
  if (columns.empty()) throw InternalError("HDF5 table '" + std::string(path) + "' needs at least one column");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (columns[i].name == columns[j].name) {
        throw InternalError("HDF5 table '" + std::string(path) + "': duplicate column '" + columns[i].name + "'");
      }
    }
  }
  const std::string norm = ensure_parent(path);
  auto state = std::make_unique<TableState>();
  state->columns = columns;
  hdf5::Datatype file_type;
  build_table_types(columns, state->mem_type, &file_type, state->offsets, state->row_size);

  // Extendible along rows; chunks of 256 rows (a sweep summary row is ~100 B, so ~25 KiB chunks).
  const hsize_t dims[] = {0};
  const hsize_t max_dims[] = {H5S_UNLIMITED};
  const hsize_t chunk[] = {256};
  hdf5::Dataspace space(H5Screate_simple(1, dims, max_dims));
  hdf5::PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), 1, chunk);
  if (options_.compression_level > 0) {
    H5Pset_shuffle(dcpl.get());
    H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options_.compression_level));
  }
  state->dataset = hdf5::Dataset(check_id(
      H5Dcreate2(file_id(), norm.c_str(), file_type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      file_label_, "cannot create table", norm));
  std::vector<std::string> units;
  for (const auto& c : columns) units.push_back(c.units);
  set_string_array_attribute(norm, "units", units);
  set_string_attribute(norm, "description", description);
  if (!dimensions.empty()) set_string_attribute(norm, "dimensions", dimensions);
  tables_[norm] = std::move(state);
}

Hdf5Writer::TableState& Hdf5Writer::open_table(const std::string& norm) {
  if (auto it = tables_.find(norm); it != tables_.end()) return *it->second;
  // A table from an earlier session (sweep resume): rebuild its layout from the stored type.
  auto state = std::make_unique<TableState>();
  state->dataset = hdf5::Dataset(
      check_id(H5Dopen2(file_id(), norm.c_str(), H5P_DEFAULT), file_label_, "cannot open table", norm));
  hdf5::Datatype type(check_id(H5Dget_type(state->dataset.get()), file_label_, "cannot read type of", norm));
  if (H5Tget_class(type.get()) != H5T_COMPOUND) {
    throw IoError(Location{file_label_, 0, 0, ""}, "'" + norm + "' is not a compound table");
  }
  const int n = H5Tget_nmembers(type.get());
  for (int i = 0; i < n; ++i) {
    char* raw = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    TableColumn c;
    c.name = raw;
    H5free_memory(raw);
    switch (H5Tget_member_class(type.get(), static_cast<unsigned>(i))) {
      case H5T_FLOAT: c.type = ColumnType::Float64; break;
      case H5T_INTEGER: c.type = ColumnType::Int64; break;
      case H5T_STRING: c.type = ColumnType::String; break;
      default:
        throw IoError(Location{file_label_, 0, 0, ""},
                      "table '" + norm + "' column '" + c.name + "' is not a number or a string");
    }
    state->columns.push_back(std::move(c));
  }
  build_table_types(state->columns, state->mem_type, nullptr, state->offsets, state->row_size);
  return *(tables_[norm] = std::move(state));
}

namespace {

// Packs one row's cells into `cell_bytes` (t.row_size bytes) at the column offsets. Strings are
// stored as pointers into the cells themselves, which must outlive the H5Dwrite.
void pack_table_row(const std::string& norm, const std::vector<TableColumn>& columns,
                    const std::vector<std::size_t>& offsets, std::span<const TableCell> row, unsigned char* cell_bytes) {
  if (row.size() != columns.size()) {
    throw InternalError("HDF5 table '" + norm + "': row has " + std::to_string(row.size()) + " cells, table has " +
                        std::to_string(columns.size()) + " columns");
  }
  for (std::size_t i = 0; i < row.size(); ++i) {
    unsigned char* cell = cell_bytes + offsets[i];
    const TableColumn& col = columns[i];
    bool ok = false;
    if (col.type == ColumnType::Float64) {
      double v = 0;
      if (const auto* d = std::get_if<double>(&row[i])) {
        v = *d;
        ok = true;
      } else if (const auto* k = std::get_if<std::int64_t>(&row[i])) {
        v = static_cast<double>(*k);
        ok = true;
      }
      std::memcpy(cell, &v, sizeof v);
    } else if (col.type == ColumnType::Int64) {
      if (const auto* k = std::get_if<std::int64_t>(&row[i])) {
        std::memcpy(cell, k, sizeof *k);
        ok = true;
      }
    } else if (const auto* s = std::get_if<std::string>(&row[i])) {
      const char* p = s->c_str();
      std::memcpy(cell, &p, sizeof p);
      ok = true;
    }
    if (!ok) {
      throw InternalError("HDF5 table '" + norm + "': column '" + col.name + "' holds " + column_type_name(col.type) +
                          ", the row gives another type");
    }
  }
}

}  // namespace

void Hdf5Writer::append_table_row(std::string_view path, std::span<const TableCell> row) {
  const std::vector<TableCell> one(row.begin(), row.end());
  append_table_rows(path, std::span<const std::vector<TableCell>>(&one, 1));
}

void Hdf5Writer::append_table_rows(std::string_view path, std::span<const std::vector<TableCell>> rows) {
  const std::string norm = hdf5::normalize_path(path);
  TableState& t = open_table(norm);
  if (rows.empty()) return;
  std::vector<unsigned char> buffer(t.row_size * rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    pack_table_row(norm, t.columns, t.offsets, rows[r], buffer.data() + r * t.row_size);
  // One extent change and one write for all the rows: appending row by row re-reads and rewrites
  // the (compressed) chunk of 256 rows for every row.
  hdf5::Dataspace old_space(H5Dget_space(t.dataset.get()));
  hsize_t old_rows = 0;
  H5Sget_simple_extent_dims(old_space.get(), &old_rows, nullptr);
  const hsize_t count = rows.size();
  const hsize_t new_rows = old_rows + count;
  check(H5Dset_extent(t.dataset.get(), &new_rows), file_label_, "cannot extend table", norm);
  hdf5::Dataspace file_space(H5Dget_space(t.dataset.get()));
  const hsize_t start = old_rows;
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), file_label_,
        "cannot select rows of", norm);
  hdf5::Dataspace mem_space(H5Screate_simple(1, &count, nullptr));
  check(H5Dwrite(t.dataset.get(), t.mem_type.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()),
        file_label_, "cannot append rows to table", norm);
}

std::size_t Hdf5Writer::table_rows(std::string_view path) {
  TableState& t = open_table(hdf5::normalize_path(path));
  hdf5::Dataspace space(H5Dget_space(t.dataset.get()));
  hsize_t rows = 0;
  H5Sget_simple_extent_dims(space.get(), &rows, nullptr);
  return static_cast<std::size_t>(rows);
}

// --- Merging ---------------------------------------------------------------------------------

void Hdf5Writer::link_external(std::string_view link_path, const std::filesystem::path& target_file,
                               std::string_view target_object) {
  const std::string norm = ensure_parent(link_path);
  const std::string target = hdf5::normalize_path(target_object);
  check(H5Lcreate_external(target_file.c_str(), target.c_str(), file_id(), norm.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        file_label_, "cannot create external link", norm + " -> " + target_file.string() + ":" + target);
}

void Hdf5Writer::copy_from(const Hdf5Reader& source, std::string_view source_path, std::string_view dest_path,
                           bool expand_external_links) {
  const std::string norm = ensure_parent(dest_path);
  const std::string src = hdf5::normalize_path(source_path);
  hdf5::PropertyList ocpypl(H5Pcreate(H5P_OBJECT_COPY));
  if (expand_external_links) H5Pset_copy_object(ocpypl.get(), H5O_COPY_EXPAND_EXT_LINK_FLAG);
  check(H5Ocopy(source.file_id(), src.c_str(), file_id(), norm.c_str(), ocpypl.get(), H5P_DEFAULT), file_label_,
        "cannot copy", source.label() + ":" + src + " -> " + norm);
}

namespace {

herr_t collect_name(hid_t /*loc*/, const char* name, const H5A_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

void Hdf5Writer::copy_attributes_from(const Hdf5Reader& source, std::string_view source_object,
                                      std::string_view dest_object) {
  const std::string src = hdf5::normalize_path(source_object);
  hdf5::Object from(check_id(H5Oopen(source.file_id(), src.c_str(), H5P_DEFAULT), source.label(),
                             "cannot open object", src));
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Aiterate2(from.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_name, &names), source.label(),
        "cannot list attributes of", src);
  for (const auto& name : names) {
    hdf5::Attribute attr(check_id(H5Aopen(from.get(), name.c_str(), H5P_DEFAULT), source.label(),
                                  "cannot open attribute", src + "@" + name));
    hdf5::Datatype file_type(H5Aget_type(attr.get()));
    hdf5::Datatype mem_type(H5Tget_native_type(file_type.get(), H5T_DIR_DEFAULT));
    hdf5::Dataspace space(H5Aget_space(attr.get()));
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    std::vector<unsigned char> buffer(static_cast<std::size_t>(std::max<hssize_t>(n, 1)) * H5Tget_size(mem_type.get()));
    check(H5Aread(attr.get(), mem_type.get(), buffer.data()), source.label(), "cannot read attribute", src + "@" + name);
    // Variable-length data (strings) now lives in buffers HDF5 allocated: write, then free them
    // (H5Dvlen_reclaim does nothing for types without variable-length parts).
    try {
      set_attribute_raw(dest_object, name, file_type.get(), mem_type.get(), space.get(), buffer.data());
    } catch (...) {
      H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, buffer.data());
      throw;
    }
    H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, buffer.data());
  }
}

}  // namespace dembones
