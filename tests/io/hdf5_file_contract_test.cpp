// The file-level contract of Hdf5Writer (temporary name, rename on commit, nothing left behind on
// failure), error messages naming file and object, merging helpers, and that third-party readers
// (h5dump, h5ls, h5py) read what we write.
#include <cstdlib>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"
#include "io_test_util.hpp"

namespace dembones {
namespace {

using io_test::run_command;
using io_test::TempDir;

void write_marker_file(const std::filesystem::path& path, double value) {
  Hdf5Writer w(path);
  w.write_scalar("/marker", value, {"1", "identifies which writer made the file"});
  w.commit();
}

TEST(Hdf5WriterContract, NoFinalFileBeforeCommitThenRenamed) {
  TempDir dir;
  const auto final_path = dir / "run.h5";
  Hdf5Writer w(final_path);
  EXPECT_EQ(w.temporary_path(), dir / "run.h5.partial");
  w.write_scalar("/x", 1.0, {"1", "x"});
  w.flush();
  EXPECT_TRUE(std::filesystem::exists(dir / "run.h5.partial"));
  EXPECT_FALSE(std::filesystem::exists(final_path));
  w.commit();
  EXPECT_TRUE(w.committed());
  EXPECT_TRUE(std::filesystem::exists(final_path));
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.partial"));
  EXPECT_EQ(Hdf5Reader(final_path).read_scalar("/x"), 1.0);
  EXPECT_THROW(w.write_scalar("/y", 2.0, {"1", "y"}), InternalError);  // used after commit
}

TEST(Hdf5WriterContract, AbortedWriterLeavesEarlierFileIntactAndRemovesPartial) {
  TempDir dir;
  const auto final_path = dir / "run.h5";
  write_marker_file(final_path, 1.0);
  {
    Hdf5Writer w(final_path);
    w.write_scalar("/marker", 2.0, {"1", "second writer"});
    w.flush();
    // Destroyed without commit, e.g. by an exception unwinding the run.
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.partial"));
  EXPECT_EQ(Hdf5Reader(final_path).read_scalar("/marker"), 1.0);
}

TEST(Hdf5WriterContract, CommitReplacesEarlierFileAndCustomTemporaryName) {
  TempDir dir;
  const auto final_path = dir / "run.h5";
  write_marker_file(final_path, 1.0);
  Hdf5WriterOptions opts;
  opts.temporary_path = dir / ".run.h5.tmp";
  Hdf5Writer w(final_path, opts);
  w.write_scalar("/marker", 2.0, {"1", "second writer"});
  EXPECT_TRUE(std::filesystem::exists(dir / ".run.h5.tmp"));
  EXPECT_EQ(Hdf5Reader(final_path).read_scalar("/marker"), 1.0);  // untouched until commit
  w.commit();
  EXPECT_EQ(Hdf5Reader(final_path).read_scalar("/marker"), 2.0);
  EXPECT_FALSE(std::filesystem::exists(dir / ".run.h5.tmp"));
}

TEST(Hdf5WriterContract, ResumeReopensPartialAndSeesFinishedRuns) {
  TempDir dir;
  const auto final_path = dir / "sweep.h5";
  Hdf5WriterOptions opts;
  opts.remove_partial_on_abort = false;
  {
    Hdf5Writer w(final_path, opts);
    w.write_scalar("/runs/00000/peak", 10.0, {"N", "peak"});
    w.set_int_attribute("/runs/00000", "complete", 1);
    w.write_scalar("/runs/00001/peak", 11.0, {"N", "peak"});  // run 1 never marked complete
    w.flush();
  }
  opts.resume_existing = true;
  Hdf5Writer w(final_path, opts);
  EXPECT_TRUE(w.exists("/runs/00000/peak"));
  EXPECT_TRUE(w.exists("/runs/00001"));
  w.remove("/runs/00001");  // redo the incomplete run
  EXPECT_FALSE(w.exists("/runs/00001"));
  w.write_scalar("/runs/00001/peak", 12.0, {"N", "peak"});
  w.set_int_attribute("/runs/00001", "complete", 1);
  w.commit();
  Hdf5Reader r(final_path);
  EXPECT_EQ(r.read_scalar("/runs/00000/peak"), 10.0);
  EXPECT_EQ(r.read_scalar("/runs/00001/peak"), 12.0);
  EXPECT_EQ(r.read_int_attribute("/runs/00001", "complete"), 1);
}

TEST(Hdf5WriterContract, RejectsBadOptionsMissingFolderMissingUnitsAndDuplicates) {
  TempDir dir;
  EXPECT_THROW(Hdf5Writer(dir / "a.h5", {.compression_level = 10}), InputError);
  try {
    Hdf5Writer w(dir / "no_such_folder" / "a.h5");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_folder"), std::string::npos) << e.what();
  }
  Hdf5Writer w(dir / "a.h5");
  EXPECT_THROW(w.write_scalar("/x", 1.0, {"", "no units"}), InternalError);
  EXPECT_FALSE(w.exists("/x"));
  w.write_scalar("/x", 1.0, {"1", "x"});
  try {
    w.write_scalar("/x", 2.0, {"1", "x again"});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("a.h5.partial"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'/x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(w.create_group("/x"), IoError);  // a dataset has that name
}

TEST(Hdf5ReaderErrors, NameTheFileAndTheObject) {
  TempDir dir;
  const auto missing = dir / "missing.h5";
  try {
    Hdf5Reader r(missing);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.where().file, missing.string());
    EXPECT_NE(std::string(e.what()).find("missing.h5"), std::string::npos);
  }
  const auto not_hdf5 = dir / "text.h5";
  io_test::write_text_file(not_hdf5, "hello\n");
  EXPECT_THROW(Hdf5Reader{not_hdf5}, IoError);

  const auto path = dir / "run.h5";
  write_marker_file(path, 3.0);
  Hdf5Reader r(path);
  try {
    r.read_doubles("/muscles/force");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("run.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("/muscles/force"), std::string::npos) << what;
  }
  try {
    r.read_string_attribute("/marker", "units_typo");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("units_typo"), std::string::npos) << what;
    EXPECT_NE(what.find("/marker"), std::string::npos) << what;
  }
  EXPECT_THROW(r.read_strings("/marker"), IoError);  // numbers, not strings
  EXPECT_THROW(r.children("/marker"), IoError);      // a dataset, not a group
}

TEST(Hdf5WriterContract, RealHdf5FailuresCarryTheHdf5Message) {
  TempDir dir;
  write_marker_file(dir / "source.h5", 1.0);
  Hdf5Reader source(dir / "source.h5");
  Hdf5Writer w(dir / "dest.h5");
  try {
    w.copy_from(source, "/no/such/group", "/copy");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("dest.h5.partial"), std::string::npos) << what;
    EXPECT_NE(what.find("source.h5:/no/such/group"), std::string::npos) << what;
    EXPECT_NE(what.find("H5Ocopy"), std::string::npos) << what;  // from the HDF5 error stack
  }
  // The error stack was consumed: the next failure reports only its own cause.
  try {
    w.link_external("/marker", "source.h5", "/marker");
    w.link_external("/marker", "source.h5", "/marker");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()).find("H5Ocopy"), std::string::npos) << e.what();
  }
}

TEST(Hdf5Merge, ExternalLinksAndCopiesReadLikeLocalGroups) {
  TempDir dir;
  for (int shard = 0; shard < 2; ++shard) {
    Hdf5Writer w(dir / ("shard" + std::to_string(shard) + ".h5"));
    const std::string run = "/runs/0000" + std::to_string(shard);
    const std::vector<double> force = {1.0 + shard, 2.0 + shard, 3.0 + shard};
    w.write_vector(run + "/muscles/force", force.data(), force.size(), {"N", "force"});
    w.set_int_attribute(run, "complete", 1);
    w.commit();
  }
  {
    Hdf5Writer w(dir / "merged.h5");
    // Bare file name: resolved next to merged.h5, so the folder can be moved as a whole.
    w.link_external("/runs/00000", "shard0.h5", "/runs/00000");
    Hdf5Reader shard1(dir / "shard1.h5");
    w.copy_from(shard1, "/runs/00001", "/runs/00001");
    w.commit();
  }
  {
    // A self-contained copy of the linked merge: the external link is expanded into data.
    Hdf5Reader linked(dir / "merged.h5");
    Hdf5Writer w(dir / "standalone.h5");
    w.copy_from(linked, "/runs", "/runs", /*expand_external_links=*/true);
    w.commit();
  }
  // Read from another working directory than the files' folder.
  Hdf5Reader r(dir / "merged.h5");
  EXPECT_EQ(r.read_doubles("/runs/00000/muscles/force"), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(r.read_doubles("/runs/00001/muscles/force"), (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(r.read_int_attribute("/runs/00001", "complete"), 1);
  EXPECT_EQ(r.read_string_attribute("/runs/00001/muscles/force", "units"), "N");
  EXPECT_EQ(r.read_int_attribute("/runs/00000", "complete"), 1);
  // The copy is independent of its source; the link is not.
  std::filesystem::remove(dir / "shard1.h5");
  std::filesystem::remove(dir / "shard0.h5");
  Hdf5Reader after(dir / "merged.h5");
  EXPECT_EQ(after.read_doubles("/runs/00001/muscles/force"), (std::vector<double>{2, 3, 4}));
  EXPECT_FALSE(after.exists("/runs/00000"));  // dangling link
  Hdf5Reader standalone(dir / "standalone.h5");
  EXPECT_EQ(standalone.read_doubles("/runs/00000/muscles/force"), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(standalone.read_doubles("/runs/00001/muscles/force"), (std::vector<double>{2, 3, 4}));
  std::vector<std::string> paths;
  for (const auto& e : after.list()) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/runs", "/runs/00001", "/runs/00001/muscles",
                                             "/runs/00001/muscles/force"}));
}

// A file with one of everything, for the third-party readers below.
std::filesystem::path write_sample_run(const TempDir& dir, bool float32) {
  const auto path = dir / (float32 ? "sample32.h5" : "sample.h5");
  Hdf5Writer w(path, {.compression_level = 4, .store_float32 = float32});
  const std::vector<double> t = {0.0, 0.01, 0.02};
  const std::vector<double> force = {1, 2, 3, 4, 5, 6};
  w.set_string_attribute("/", "format", "dembones-run");
  w.set_string_attribute("/", "subject", "Jürgen 腰");
  w.set_int_attribute("/", "format_version", 1);
  w.write_vector("/time", t.data(), t.size(), {"s", "sample time", "frame", true});
  w.write_matrix("/muscles/force", force.data(), 3, 2, {"N", "muscle force"});
  w.write_strings("/muscles/names", std::vector<std::string>{"psoas_r", "iliacus_ü"}, {"1", "names"});
  w.create_table("/summary", {{"run", ColumnType::Int64, "1"}, {"peak_N", ColumnType::Float64, "N"},
                              {"status", ColumnType::String, ""}},
                 "one row per run");
  w.append_table_row("/summary", std::vector<TableCell>{std::int64_t{0}, 812.5, std::string("ok")});
  w.append_table_row("/summary", std::vector<TableCell>{std::int64_t{1}, 901.25, std::string("réserve")});
  w.commit();
  return path;
}

TEST(Hdf5ThirdPartyReaders, H5dumpAndH5lsReadOurFiles) {
  TempDir dir;
  const auto path = write_sample_run(dir, false);
  const auto dump = run_command("h5dump " + path.string());
  EXPECT_EQ(dump.exit_code, 0) << dump.output;
  EXPECT_NE(dump.output.find("psoas_r"), std::string::npos) << dump.output;
  EXPECT_NE(dump.output.find("H5T_CSET_UTF8"), std::string::npos) << dump.output;
  const auto ls = run_command("h5ls -r " + path.string());
  EXPECT_EQ(ls.exit_code, 0) << ls.output;
  EXPECT_NE(ls.output.find("/muscles/force"), std::string::npos) << ls.output;
  EXPECT_NE(ls.output.find("/summary"), std::string::npos) << ls.output;
  const auto dump32 = run_command("h5dump -H -d /muscles/force " + write_sample_run(dir, true).string());
  EXPECT_EQ(dump32.exit_code, 0) << dump32.output;
  EXPECT_NE(dump32.output.find("H5T_IEEE_F32LE"), std::string::npos) << dump32.output;
}

TEST(Hdf5ThirdPartyReaders, H5pyReadsStringsAttributesAndTable) {
  if (run_command("/usr/bin/python3 -c 'import h5py'").exit_code != 0) {
    GTEST_SKIP() << "/usr/bin/python3 has no h5py (Debian package python3-h5py)";
  }
  TempDir dir;
  const auto path = write_sample_run(dir, false);
  const std::string script = dir.path() / "check.py";
  io_test::write_text_file(script, R"PY(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
a = f.attrs
assert isinstance(a["format"], str) and a["format"] == "dembones-run", repr(a["format"])
assert a["subject"] == "Jürgen 腰", repr(a["subject"])
assert int(a["format_version"]) == 1
names = f["muscles/names"]
assert h5py.check_string_dtype(names.dtype).encoding == "utf-8"
assert list(names.asstr()[:]) == ["psoas_r", "iliacus_ü"], list(names.asstr()[:])
force = f["muscles/force"]
assert force.shape == (3, 2) and force.dtype == np.float64
assert force[2, 1] == 6.0 and force.attrs["units"] == "N"
assert isinstance(force.attrs["description"], str)
s = f["summary"][:]
assert list(s.dtype.names) == ["run", "peak_N", "status"], s.dtype.names
assert list(s["peak_N"]) == [812.5, 901.25]
assert [x.decode("utf-8") for x in s["status"]] == ["ok", "réserve"]
assert list(f["summary"].attrs["units"]) == ["1", "N", ""]
try:
    import pandas as pd
except ImportError:
    pd = None
if pd is not None:  # the sweep summary goes straight into pandas
    df = pd.DataFrame(f["summary"][:])
    assert list(df.columns) == ["run", "peak_N", "status"], list(df.columns)
    assert df["peak_N"].max() == 901.25 and df["run"].tolist() == [0, 1]
    assert df["status"].str.decode("utf-8").tolist() == ["ok", "réserve"]
print("h5py ok")
)PY");
  const auto result = run_command("/usr/bin/python3 " + script + " " + path.string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("h5py ok"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace dembones
