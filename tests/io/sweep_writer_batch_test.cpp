// The batched writes of a sweep: many table rows in one write, many scalar attributes on one opened
// object, and completion markers set for a batch of runs with one pair of flushes. Each must store
// exactly what the one-at-a-time calls store, and a SIGKILL in the middle of a batch must leave only
// runs whose data are intact marked complete.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "io/completion_marker.hpp"
#include "io/hdf5_probe.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::TempDir;

const std::vector<TableColumn> kColumns = {{"run", ColumnType::Int64, "1"},
                                           {"mass_kg", ColumnType::Float64, "kg"},
                                           {"status", ColumnType::String, "-"}};

std::vector<TableCell> row(std::int64_t i) {
  return {i, 2.5 * static_cast<double>(i), std::string(i % 3 == 1 ? "failed: ünreachable" : "ok")};
}

TEST(SweepWriterBatch, RowsAppendedInOneWriteEqualRowsAppendedOneByOne) {
  TempDir dir;
  {
    Hdf5Writer one(dir / "one.h5");
    one.create_table("/summary", kColumns, "rows");
    for (std::int64_t i = 0; i < 300; ++i) one.append_table_row("/summary", row(i));  // > 1 chunk of 256
    one.commit();
  }
  {
    Hdf5Writer batch(dir / "batch.h5");
    batch.create_table("/summary", kColumns, "rows");
    batch.append_table_row("/summary", row(0));  // a batch after a single row continues after it
    std::vector<std::vector<TableCell>> rows;
    for (std::int64_t i = 1; i < 300; ++i) rows.push_back(row(i));
    batch.append_table_rows("/summary", rows);
    batch.append_table_rows("/summary", std::vector<std::vector<TableCell>>{});  // nothing to add
    EXPECT_EQ(batch.table_rows("/summary"), 300u);
    std::vector<std::vector<TableCell>> bad = {row(300), {1.5, 1.0, std::string("ok")}};  // double into int64
    EXPECT_THROW(batch.append_table_rows("/summary", bad), InternalError);
    EXPECT_EQ(batch.table_rows("/summary"), 300u);  // a bad batch adds no row
    batch.commit();
  }
  const Hdf5Reader a(dir / "one.h5"), b(dir / "batch.h5");
  ASSERT_EQ(b.table_rows("/summary"), 300u);
  EXPECT_EQ(a.read_table_ints("/summary", "run"), b.read_table_ints("/summary", "run"));
  EXPECT_EQ(a.read_table_doubles("/summary", "mass_kg"), b.read_table_doubles("/summary", "mass_kg"));
  EXPECT_EQ(a.read_table_strings("/summary", "status"), b.read_table_strings("/summary", "status"));
  EXPECT_EQ(b.read_table_strings("/summary", "status")[1], "failed: ünreachable");
  EXPECT_EQ(b.read_table_doubles("/summary", "mass_kg")[299], 2.5 * 299);
}

TEST(SweepWriterBatch, DoubleAttributesOnOneObjectEqualOneByOne) {
  TempDir dir;
  std::vector<std::string> names;
  std::vector<double> values;
  for (int i = 0; i < 40; ++i) {  // beyond the 8 attributes HDF5 keeps in the object header
    char name[32];
    std::snprintf(name, sizeof name, "q%d_peak_N", i);
    names.emplace_back(name);
    values.push_back(1000.0 + 0.125 * i);
  }
  {
    Hdf5Writer w(dir / "a.h5");
    w.create_group("/runs/00001/summary");
    w.set_double_attribute("/runs/00001/summary", "q3_peak_N", -1.0);  // replaced below
    w.set_double_attributes("/runs/00001/summary", names, values);
    const std::vector<double> short_values(3, 0.0);
    EXPECT_THROW(w.set_double_attributes("/runs/00001/summary", names, short_values), InternalError);
    EXPECT_THROW(w.set_double_attributes("/runs/missing", names, values), IoError);
    w.commit();
  }
  const Hdf5Reader r(dir / "a.h5");
  EXPECT_EQ(r.attribute_names("/runs/00001/summary").size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(r.read_double_attribute("/runs/00001/summary", names[i]), values[i]) << names[i];
}

// On a fresh group the batch skips the per-name existence lookup: a name given twice must still end
// with its last value and one attribute, and more attributes than the object header keeps (128, then
// dense storage) must all be readable.
TEST(SweepWriterBatch, DoubleAttributesOnAFreshGroupHandleRepeatsAndDenseStorage) {
  TempDir dir;
  std::vector<std::string> names;
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "q%d_peak_time_s", i);  // (not string +: GCC 12 false -Wrestrict)
    names.emplace_back(name);
    values.push_back(0.01 * i - 0.5);
  }
  const std::vector<std::string> repeated = {"a_N", "b_N", "a_N"};
  const std::vector<double> repeated_values = {1.0, 2.0, 3.0};
  {
    Hdf5Writer w(dir / "a.h5");
    w.create_group("/many");
    w.set_double_attributes("/many", names, values);
    w.create_group("/repeat");
    w.set_double_attributes("/repeat", repeated, repeated_values);
    w.commit();
  }
  const Hdf5Reader r(dir / "a.h5");
  EXPECT_EQ(r.attribute_names("/many").size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(r.read_double_attribute("/many", names[i]), values[i]);
  EXPECT_EQ(r.attribute_names("/repeat").size(), 2u);
  EXPECT_EQ(r.read_double_attribute("/repeat", "a_N"), 3.0);
  EXPECT_EQ(r.read_double_attribute("/repeat", "b_N"), 2.0);
}

constexpr std::size_t kValues = 3000;

std::string group(int run) { return io_test::run_group(run); }

std::vector<double> values_of(int run) { return io_test::run_values(run, kValues); }

// Child process: writes runs forever, marking them complete five at a time.
[[noreturn]] void child_batches(const std::filesystem::path& final_path) {
  try {
    Hdf5WriterOptions opts;
    opts.remove_partial_on_abort = false;
    Hdf5Writer w(final_path, opts);
    std::vector<std::string> batch;
    for (int run = 0;; ++run) {
      const auto v = values_of(run);
      w.write_vector(group(run) + "/force", v.data(), v.size(), {"N", "force"});
      batch.push_back(group(run));
      if (batch.size() == 5) {
        mark_complete(w, batch);
        batch.clear();
      }
    }
  } catch (...) {
    ::_exit(3);
  }
}

TEST(SweepWriterBatch, KilledBetweenOrDuringBatchesLeavesOnlyIntactRunsMarked) {
  TempDir dir;
  int readable = 0;
  for (int trial = 0; trial < 3; ++trial) {
    const auto final_path = dir / ("s" + std::to_string(trial) + ".h5");
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) child_batches(final_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 110 * trial));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    const auto partial = final_path.string() + ".partial";
    ASSERT_TRUE(std::filesystem::exists(partial));
    if (!hdf5_file_readable(partial, "/runs")) continue;  // killed inside libhdf5's metadata writes
    ++readable;
    const Hdf5Reader r(partial);
    const CompletionScan scan = scan_completion(r, "/runs");
    EXPECT_FALSE(scan.complete.empty()) << "trial " << trial << ": no batch finished in time";
    for (const std::string& name : scan.complete)
      EXPECT_EQ(r.read_doubles("/runs/" + name + "/force"), values_of(std::stoi(name))) << name;
    // Unmarked runs: at most the batch being written and the one being marked.
    EXPECT_LE(scan.incomplete.size(), 10u);
  }
  std::printf("%d of 3 killed files readable\n", readable);
}

}  // namespace
}  // namespace dembones
