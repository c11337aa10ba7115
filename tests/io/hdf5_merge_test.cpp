// merge_sweep_shards: complete runs and summary rows of several shards into one sweep file.
#include "io/hdf5_merge.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/completion_marker.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::TempDir;

std::string run_path(int run) {
  char name[32];
  std::snprintf(name, sizeof name, "/runs/%05d", run);
  return name;
}

const std::vector<TableColumn> kColumns = {{"run", ColumnType::Int64, "1"},
                                           {"status", ColumnType::String, ""},
                                           {"peak_N", ColumnType::Float64, "N"}};

// A shard with complete runs `done` and one run `unfinished` (no marker), plus summary rows.
void make_shard(const std::filesystem::path& path, const std::vector<int>& done, int unfinished, int shard,
                const std::vector<TableColumn>& columns = kColumns) {
  Hdf5Writer w(path);
  w.set_string_attribute("/", "format", "dembones-sweep");
  w.set_int_attribute("/", "shard", shard);
  w.set_double_array_attribute("/", "grid_kg", std::vector<double>{5, 10});
  w.create_table("/summary", columns, "one row per run");
  for (int run : done) {
    const std::vector<double> force = {100.0 * run, 100.0 * run + 1};
    w.write_vector(run_path(run) + "/muscles/force", force.data(), force.size(), {"N", "force"});
    w.set_string_attribute(run_path(run), "varied", "task.box.mass_kg=" + std::to_string(run));
    mark_complete(w, run_path(run));
    std::vector<TableCell> row = {std::int64_t{run}, std::string("ok"), 100.0 * run + 1};
    row.resize(columns.size(), TableCell{0.0});
    w.append_table_row("/summary", row);
  }
  if (unfinished >= 0) w.write_scalar(run_path(unfinished) + "/partial", 1.0, {"1", "half a run"});
  w.commit();
}

TEST(Hdf5MergeShards, CopyModeTakesCompleteRunsSummaryRowsAndRootAttributes) {
  TempDir dir;
  make_shard(dir / "rank0.h5", {0, 2}, -1, 0);
  make_shard(dir / "rank1.h5", {1, 3}, 5, 1);
  const auto report = merge_sweep_shards({dir / "rank0.h5", dir / "rank1.h5"}, dir / "sweep.h5", MergeMode::Copy);
  EXPECT_EQ(report.runs_merged, 4u);
  EXPECT_EQ(report.summary_rows, 4u);
  EXPECT_EQ(report.skipped_incomplete, (std::vector<std::string>{(dir / "rank1.h5").string() + ":/runs/00005"}));
  EXPECT_FALSE(std::filesystem::exists(dir / "sweep.h5.partial"));
  // Self-contained: the shards can go.
  std::filesystem::remove(dir / "rank0.h5");
  std::filesystem::remove(dir / "rank1.h5");
  Hdf5Reader r(dir / "sweep.h5");
  const auto scan = scan_completion(r, "/runs");
  EXPECT_EQ(scan.complete, (std::vector<std::string>{"00000", "00001", "00002", "00003"}));
  EXPECT_TRUE(scan.incomplete.empty());
  EXPECT_EQ(r.read_doubles("/runs/00003/muscles/force"), (std::vector<double>{300, 301}));
  EXPECT_EQ(r.read_string_attribute("/runs/00002", "varied"), "task.box.mass_kg=2");
  EXPECT_EQ(r.read_table_ints("/summary", "run"), (std::vector<std::int64_t>{0, 2, 1, 3}));
  EXPECT_EQ(r.read_table_doubles("/summary", "peak_N"), (std::vector<double>{1, 201, 101, 301}));
  EXPECT_EQ(r.read_table_strings("/summary", "status"), (std::vector<std::string>(4, "ok")));
  EXPECT_EQ(r.table_columns("/summary")[2].units, "N");
  // Root attributes of the first shard, of every type, and the provenance of the merge.
  EXPECT_EQ(r.read_string_attribute("/", "format"), "dembones-sweep");
  EXPECT_EQ(r.read_int_attribute("/", "shard"), 0);
  EXPECT_EQ(r.read_double_array_attribute("/", "grid_kg"), (std::vector<double>{5, 10}));
  EXPECT_EQ(r.read_string_array_attribute("/", "merged_from"), (std::vector<std::string>{"rank0.h5", "rank1.h5"}));
}

TEST(Hdf5MergeShards, LinkModeReadsThroughTheShards) {
  TempDir dir;
  std::filesystem::create_directories(dir / "shards");
  make_shard(dir / "shards" / "a.h5", {0}, -1, 0);
  make_shard(dir / "shards" / "b.h5", {1}, -1, 1);
  const auto report =
      merge_sweep_shards({dir / "shards" / "a.h5", dir / "shards" / "b.h5"}, dir / "sweep.h5", MergeMode::ExternalLink);
  EXPECT_EQ(report.runs_merged, 2u);
  {
    Hdf5Reader r(dir / "sweep.h5");
    EXPECT_EQ(r.read_doubles("/runs/00001/muscles/force"), (std::vector<double>{100, 101}));
    EXPECT_TRUE(is_complete(r, "/runs/00000"));
  }
  // The links are relative: moving the folder as a whole keeps them working.
  std::filesystem::rename(dir.path(), dir.path().string() + "_moved");
  {
    Hdf5Reader r(dir.path().string() + "_moved/sweep.h5");
    EXPECT_EQ(r.read_doubles("/runs/00000/muscles/force"), (std::vector<double>{0, 1}));
  }
  std::filesystem::rename(dir.path().string() + "_moved", dir.path());
}

TEST(Hdf5MergeShards, OverlappingRunsOrDifferentSummariesLeaveNoOutput) {
  TempDir dir;
  make_shard(dir / "a.h5", {0, 1}, -1, 0);
  make_shard(dir / "b.h5", {1, 2}, -1, 1);
  try {
    merge_sweep_shards({dir / "a.h5", dir / "b.h5"}, dir / "sweep.h5", MergeMode::Copy);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/runs/00001"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("a.h5"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "sweep.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir / "sweep.h5.partial"));

  std::vector<TableColumn> other = kColumns;
  other.push_back({"extra", ColumnType::Float64, "1"});
  make_shard(dir / "c.h5", {7}, -1, 2, other);
  EXPECT_THROW(merge_sweep_shards({dir / "a.h5", dir / "c.h5"}, dir / "sweep.h5", MergeMode::Copy), IoError);
  EXPECT_FALSE(std::filesystem::exists(dir / "sweep.h5"));
  EXPECT_THROW(merge_sweep_shards({}, dir / "sweep.h5", MergeMode::Copy), InputError);
}

}  // namespace
}  // namespace dembones
