#pragma once
// Hdf5Writer: writes one HDF5 file under a temporary name and renames it to its final name on
// commit(), so that a killed or failed run never leaves a file under the final name
// (DEVELOPERS.md: "No output file is left half-written").
//
//   Hdf5Writer w("out/stoop.h5", {.compression_level = 4});
//   w.write_vector("/time", t.data(), t.size(), {"s", "sample time"});
//   w.write_matrix("/muscles/force", F.data(), frames, muscles, {"N", "muscle tendon force"});
//   w.set_string_attribute("/", "format", "dembones-run");
//   w.commit();  // flush, close, fsync, rename "out/stoop.h5.partial" -> "out/stoop.h5"
//
// Arrays are row-major (C order), which is what h5py/numpy and the HDF5 C API use; MATLAB's h5read
// shows them transposed. Paths are inside the file, "a/b/c" or "/a/b/c"; missing parent groups are
// created. All HDF5 failures throw IoError naming the file and the object path.
#include <H5Ipublic.h>  // hid_t

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/hdf5_types.hpp"

namespace dembones {

class Hdf5Reader;

struct Hdf5WriterOptions {
  // 0 = no compression; 1..9 = deflate (gzip) level, always with the shuffle filter, which groups
  // the bytes of the floats by significance and typically doubles deflate's ratio on smooth series.
  int compression_level = 4;
  // Store double datasets as IEEE float32 (halves the file; ~7 significant digits). Attributes,
  // tables and datasets with DatasetMeta::always_float64 stay float64.
  bool store_float32 = false;
  // Where to write until commit(); empty = "<final path>.partial" (same folder, so the rename is
  // atomic).
  std::filesystem::path temporary_path{};
  // Reopen an existing temporary file read-write instead of truncating it (sweep resume after a
  // crash). Creates it when absent.
  bool resume_existing = false;
  // When the writer is destroyed without commit(): remove the temporary file (true) or keep it for
  // a later resume (false, what a sweep wants).
  bool remove_partial_on_abort = true;
};

class Hdf5Writer {
 public:
  // Creates (or with resume_existing, reopens) the temporary file. Throws IoError when the folder
  // is missing or not writable, or when compression_level is outside 0..9 (InputError).
  explicit Hdf5Writer(std::filesystem::path final_path, Hdf5WriterOptions options = {});
  // Without commit(): closes the file and, per remove_partial_on_abort, removes it. A file that
  // already exists under the final name is never touched.
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  const std::filesystem::path& final_path() const { return final_path_; }
  const std::filesystem::path& temporary_path() const { return temporary_path_; }
  const Hdf5WriterOptions& options() const { return options_; }
  bool committed() const { return committed_; }

  // Flushes everything written so far to the temporary file (H5Fflush), so that a later SIGKILL
  // keeps it: call after writing a run's completion marker in a sweep.
  void flush();
  // Flush, close, fsync, then rename the temporary file to the final name (replacing any file
  // there). After commit() no other method may be called.
  void commit();

  // --- Structure ---
  void create_group(std::string_view path);  // with missing parents; no-op when it exists
  bool exists(std::string_view path) const;  // group or dataset (following links)
  void remove(std::string_view path);        // unlink a group or dataset (space is not reclaimed)

  // --- Double datasets (row-major), stored float64 or float32 per options ---
  void write_vector(std::string_view path, const double* data, std::size_t n, const DatasetMeta& meta);
  void write_matrix(std::string_view path, const double* data, std::size_t rows, std::size_t cols,
                    const DatasetMeta& meta);
  void write_array3(std::string_view path, const double* data, std::size_t d0, std::size_t d1,
                    std::size_t d2, const DatasetMeta& meta);
  // Any rank (e.g. /bodies/rotation [frames × bodies × 3 × 3]); dims empty = scalar.
  void write_array(std::string_view path, const double* data, std::span<const std::uint64_t> dims,
                   const DatasetMeta& meta);
  void write_vector(std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v,
                    const DatasetMeta& meta);
  // Any Eigen storage order; written as [rows × cols] row-major.
  void write_matrix(std::string_view path, const Eigen::Ref<const Eigen::MatrixXd>& m,
                    const DatasetMeta& meta);
  // A 0-d (scalar) double dataset.
  void write_scalar(std::string_view path, double value, const DatasetMeta& meta);

  // --- Integer datasets (flags, counts, indices) ---
  void write_ints(std::string_view path, std::span<const std::int64_t> data, const DatasetMeta& meta);
  void write_ints(std::string_view path, std::span<const std::int32_t> data, const DatasetMeta& meta);
  // A series of whole numbers kept as doubles in memory (per-frame flags, statuses, iteration counts),
  // stored as int32 (whatever float32 storage says): readers get integers. A value that is not a whole
  // number within int32 is an InternalError (a flag is never NaN).
  void write_vector_as_ints(std::string_view path, const Eigen::Ref<const Eigen::VectorXd>& v,
                            const DatasetMeta& meta);
  void write_int_matrix(std::string_view path, const std::int64_t* data, std::size_t rows,
                        std::size_t cols, const DatasetMeta& meta);
  void write_int_matrix(std::string_view path, const std::int32_t* data, std::size_t rows,
                        std::size_t cols, const DatasetMeta& meta);

  // --- Strings: 1-D dataset of variable-length UTF-8 strings (names, groups, nerve roots) ---
  // Text has no unit: empty DatasetMeta::units is stored as "-" (the '–' of docs/hdf5-layout.md).
  void write_strings(std::string_view path, std::span<const std::string> strings, const DatasetMeta& meta);

  // --- Attributes on a group or dataset ("/" = the file's root); an existing one is replaced ---
  void set_string_attribute(std::string_view object, std::string_view name, std::string_view value);
  void set_double_attribute(std::string_view object, std::string_view name, double value);
  void set_int_attribute(std::string_view object, std::string_view name, std::int64_t value);
  void set_double_array_attribute(std::string_view object, std::string_view name, std::span<const double> values);
  void set_string_array_attribute(std::string_view object, std::string_view name,
                                  std::span<const std::string> values);
  // Scalar double attributes names[i] = values[i] on one object, opened once (a sweep run's peaks:
  // opening the object by path for each of ~60 attributes was most of the cost).
  void set_double_attributes(std::string_view object, std::span<const std::string> names,
                             std::span<const double> values);

  // A new group holding the scalar double attributes names[i] = values[i] (a sweep run's /summary:
  // ~67 peaks), the same group and attributes as create_group + set_double_attributes at half the
  // cost: the writer keeps an in-memory template group with these attributes open, writes the values
  // into it and copies it into the file (H5Ocopy encodes the whole object header at once instead of
  // appending one attribute message at a time, each append scanning the header). The group must not
  // exist (IoError); missing parents are created. A name given twice keeps its last value.
  void create_group_with_double_attributes(std::string_view path, std::span<const std::string> names,
                                           std::span<const double> values);

  // Attributes set one after another on one object opened once, for as long as this lives (a sweep
  // run group's 6 attributes: opening the group by path for each was a third of their cost). An
  // existing attribute is replaced, as with set_*_attribute. Must not outlive its writer.
  class ObjectAttributes {
   public:
    ObjectAttributes(ObjectAttributes&&) noexcept;
    ObjectAttributes& operator=(ObjectAttributes&&) = delete;
    ~ObjectAttributes();
    void set_string(std::string_view name, std::string_view value);
    void set_double_array(std::string_view name, std::span<const double> values);
    void set_string_array(std::string_view name, std::span<const std::string> values);

   private:
    friend class Hdf5Writer;
    ObjectAttributes(const Hdf5Writer& writer, std::string_view object);
    // On an object just created (owned_object: its open id): no attribute but those set through this
    // handle can exist, so other names are created without looking them up first.
    ObjectAttributes(const Hdf5Writer& writer, std::string normalized_path, hid_t owned_object);
    void set_raw(std::string_view name, hid_t file_type, hid_t mem_type, hid_t space, const void* data);
    const std::string& file_label_;
    std::string object_;  // normalized path, for error messages
    hid_t object_id_ = H5I_INVALID_HID;  // owned (H5Oclose in the destructor)
    hid_t acpl_ = H5I_INVALID_HID;       // owned (H5Pclose in the destructor)
    bool created_ = false;               // the object was created with this handle
    std::vector<std::string> set_names_;  // names set through this handle (when created_)
  };
  ObjectAttributes open_attributes(std::string_view object);
  // A new group at `path` (IoError when something is linked there already; missing parents are
  // created) and its attributes, set on the group kept open (a sweep run group: no path lookup to
  // open it again, no lookup of each attribute before creating it).
  ObjectAttributes create_group_with_attributes(std::string_view path);

  // --- Compound table, one row per record, appendable (the sweep summary) ---
  // Creates an empty, extendible, chunked table. Its `units` attribute holds one entry per column
  // (TableColumn::units), its `description` attribute the given text, its `dimensions` attribute
  // what a row is ("run", "peak"; as every dataset's, docs/hdf5-layout.md) when given.
  void create_table(std::string_view path, const std::vector<TableColumn>& columns,
                    std::string_view description, std::string_view dimensions = {});
  // Appends one row; cells must match the columns in count and type (Int64 cells are accepted in
  // Float64 columns). Works on a table created earlier, also in a previous session (resume).
  void append_table_row(std::string_view path, std::span<const TableCell> row);
  // Appends many rows with one write (a sweep's /summary: row by row, every row rewrote its chunk).
  void append_table_rows(std::string_view path, std::span<const std::vector<TableCell>> rows);
  std::size_t table_rows(std::string_view path);

  // --- Merging shards ---
  // A link at link_path to target_object inside target_file (H5Lcreate_external). HDF5 resolves a
  // relative target_file against the folder of the file holding the link, so keep shards next to
  // the merged file and pass their bare names.
  void link_external(std::string_view link_path, const std::filesystem::path& target_file,
                     std::string_view target_object);
  // Deep copy of a group or dataset (with attributes) from another file (H5Ocopy). External links
  // inside the source are copied as links, or with expand_external_links as the objects they point
  // to (to turn a linked merge into a self-contained file).
  void copy_from(const Hdf5Reader& source, std::string_view source_path, std::string_view dest_path,
                 bool expand_external_links = false);
  // Copies every attribute of a group or dataset in another file onto dest_object (e.g. the root
  // provenance attributes of a shard onto the merged file's root), replacing same-named ones.
  void copy_attributes_from(const Hdf5Reader& source, std::string_view source_object, std::string_view dest_object);

 private:
  struct TableState;
  struct AttributeTemplate;
  // The template for these names, built when new; nullptr for names it cannot hold (repeated,
  // more than an object header keeps).
  AttributeTemplate* attribute_template(std::span<const std::string> names);
  hid_t file_id() const;
  void close_all_open_objects();
  void write_double_dataset(std::string_view path, const double* data, std::span<const std::uint64_t> dims,
                            const DatasetMeta& meta);
  template <typename Int>
  void write_int_dataset(std::string_view path, const Int* data, std::span<const std::uint64_t> dims,
                         const DatasetMeta& meta);
  TableState& open_table(const std::string& norm_path);
  std::string ensure_parent(std::string_view path);  // returns the normalized path
  void set_attribute_raw(std::string_view object, std::string_view name, hid_t file_type,
                         hid_t mem_type, hid_t space, const void* data);
  void write_meta(const std::string& path, const DatasetMeta& meta);

  std::filesystem::path final_path_;
  std::filesystem::path temporary_path_;
  Hdf5WriterOptions options_;
  std::string file_label_;  // for error messages: the temporary file's path
  hid_t file_ = -1;         // owned; closed in commit() or the destructor
  bool committed_ = false;
  std::map<std::string, std::unique_ptr<TableState>> tables_;
  // create_group_with_double_attributes: one template per list of names seen recently (a sweep has
  // one, or a few when its variants record different peaks), most recently used last.
  std::vector<std::unique_ptr<AttributeTemplate>> templates_;
};

// Chunk shape for a dataset of the given shape (exposed for tests and docs): see hdf5_writer.cpp.
std::vector<std::uint64_t> choose_chunk_dims(std::span<const std::uint64_t> dims);

}  // namespace dembones
