// HDF5 output: the cost of writing a run, and reading one muscle's whole series with our chunk
// layout ([4096 × 4], hdf5_writer.cpp) against the obvious alternative of whole-row chunks
// ([4096 × muscles]) written in the same run. Timings compare only within one run (bench/README.md).
#include <benchmark/benchmark.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_reader.hpp"
#include "io/hdf5_writer.hpp"

namespace dembones {
namespace {

constexpr std::size_t kFrames = 20000;  // 200 s at 100 Hz
constexpr std::size_t kMuscles = 80;

const std::vector<double>& sample_forces() {
  static const std::vector<double> v = [] {
    std::vector<double> f(kFrames * kMuscles);
    for (std::size_t t = 0; t < kFrames; ++t)
      for (std::size_t m = 0; m < kMuscles; ++m)
        f[t * kMuscles + m] = 500.0 * (1.0 + std::sin(0.01 * static_cast<double>(t) + 0.3 * static_cast<double>(m)));
    return f;
  }();
  return v;
}

// A scratch folder, removed when the benchmark program exits.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    path = std::filesystem::temp_directory_path() / "dembones_io_bench_";
    path += std::to_string(::getpid());
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};
const ScratchDir scratch;

const std::filesystem::path& bench_dir() { return scratch.path; }

// Our layout, through Hdf5Writer.
std::filesystem::path ours_file() {
  static const std::filesystem::path path = [] {
    const auto p = bench_dir() / "ours.h5";
    Hdf5Writer w(p, {.compression_level = 4});
    w.write_matrix("/muscles/force", sample_forces().data(), kFrames, kMuscles, {"N", "force"});
    w.commit();
    return p;
  }();
  return path;
}

// The baseline: same data and filters, chunks of whole rows, written with the C API directly.
std::filesystem::path row_chunk_file() {
  static const std::filesystem::path path = [] {
    const auto p = bench_dir() / "rows.h5";
    hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[2] = {kFrames, kMuscles};
    const hsize_t chunk[2] = {4096, kMuscles};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_shuffle(dcpl);
    H5Pset_deflate(dcpl, 4);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f, "/muscles/force", H5T_IEEE_F64LE, space, lcpl, dcpl, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, sample_forces().data());
    H5Dclose(d);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
    return p;
  }();
  return path;
}

void read_one_muscle(benchmark::State& state, const std::filesystem::path& file) {
  std::size_t m = 0;
  for (auto _ : state) {
    // Open per iteration, as `dembones export` or a plotting script would: no warm chunk cache.
    Hdf5Reader r(file);
    auto column = r.read_column("/muscles/force", m);
    benchmark::DoNotOptimize(column.data());
    m = (m + 17) % kMuscles;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}

void BM_ReadOneMuscle_OurChunks(benchmark::State& state) { read_one_muscle(state, ours_file()); }
void BM_ReadOneMuscle_WholeRowChunks(benchmark::State& state) { read_one_muscle(state, row_chunk_file()); }
BENCHMARK(BM_ReadOneMuscle_OurChunks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadOneMuscle_WholeRowChunks)->Unit(benchmark::kMillisecond);

// The price of narrow chunks: reading everything gathers many small chunks into rows.
void read_whole_matrix(benchmark::State& state, const std::filesystem::path& file) {
  for (auto _ : state) {
    Hdf5Reader r(file);
    auto all = r.read_doubles("/muscles/force");
    benchmark::DoNotOptimize(all.data());
  }
}
void BM_ReadWholeMatrix_OurChunks(benchmark::State& state) { read_whole_matrix(state, ours_file()); }
void BM_ReadWholeMatrix_WholeRowChunks(benchmark::State& state) { read_whole_matrix(state, row_chunk_file()); }
BENCHMARK(BM_ReadWholeMatrix_OurChunks)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadWholeMatrix_WholeRowChunks)->Unit(benchmark::kMillisecond);

// Writing a run's [frames × muscles] matrix and committing the file: argument = compression level,
// second argument 1 = float32 storage.
void BM_WriteAndCommit(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const bool f32 = state.range(1) != 0;
  const auto path = bench_dir() / "write.h5";
  std::uintmax_t bytes = 0;
  for (auto _ : state) {
    Hdf5Writer w(path, {.compression_level = level, .store_float32 = f32});
    w.write_matrix("/muscles/force", sample_forces().data(), kFrames, kMuscles, {"N", "force"});
    w.commit();
    bytes = std::filesystem::file_size(path);
  }
  state.counters["file_MB"] = static_cast<double>(bytes) / 1e6;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrames * kMuscles * sizeof(double)));
}
BENCHMARK(BM_WriteAndCommit)->Args({0, 0})->Args({4, 0})->Args({4, 1})->Args({9, 0})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dembones
