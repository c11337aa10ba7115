// Writing a sweep run's row (the attributes of /runs/NNNNN, sweep_summary.cpp write_run_row) against
// the same attributes set one call each, which opens the run group by path for every attribute (what
// write_run_row did before Hdf5Writer::open_attributes). Both in one file, timed in the same run.
//
//   dembones_bench_sweep --benchmark_filter=RunRow
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5_writer.hpp"
#include "sweep/sweep_summary.hpp"

namespace dembones {
namespace {

namespace fs = std::filesystem;

// A lift's row: 3 parameters and 20 peak quantities (the load sites of a summary sweep).
SweepRow make_row() {
  SweepRow row;
  row.values = {"stoop", "12.5", "1.75"};
  row.status = "ok";
  row.frames = 200;
  row.reserve_frames = 3;
  for (int i = 0; i < 20; ++i)
    row.peaks.push_back(Peak{"site_" + std::to_string(i) + "_compression", 3000.0 + i, 0.5 + 0.01 * i, 4.0 + i});
  return row;
}

// write_run_row's attributes, one set_*_attribute call (one group open) each.
void write_row_per_attribute(Hdf5Writer& w, const SweepRow& row) {
  const std::string g = run_group(row.index);
  w.create_group(g);
  w.set_string_array_attribute(g, "parameter_values", row.values);
  w.set_string_attribute(g, "status", row.status);
  w.set_string_attribute(g, "error", row.error);
  const double counts[] = {static_cast<double>(row.frames), static_cast<double>(row.reserve_frames)};
  w.set_double_array_attribute(g, "frame_counts", counts);
  const RunRowPeaks p = run_row_peaks(row);
  w.set_string_array_attribute(g, "peak_quantities", p.quantities);
  w.set_double_array_attribute(g, "peaks", p.values);
}

template <bool kOpenOnce>
void BM_RunRow(benchmark::State& state) {
  const fs::path path =
      fs::temp_directory_path() / ("dembones_run_row_bench_" + std::to_string(::getpid()) + ".h5");
  SweepRow row = make_row();
  {
    Hdf5Writer w(path, {.compression_level = 0});
    w.create_group("/runs");
    for (auto _ : state) {
      if constexpr (kOpenOnce) write_run_row(w, row);
      else write_row_per_attribute(w, row);
      ++row.index;
    }
  }  // not committed: the writer removes its temporary file
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RunRow<true>)->Name("BM_RunRow/open_once")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunRow<false>)->Name("BM_RunRow/per_attribute")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dembones
