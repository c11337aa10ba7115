// Writing a sweep run's row (the attributes of /runs/NNNNN, sweep_summary.cpp write_run_row) against
// the same attributes set one call each, which opens the run group by path for every attribute (what
// write_run_row did before Hdf5Writer::open_attributes); and its /summary group (write_run_peaks)
// copied from a template against attribute by attribute. Each pair timed in the same run.
//
//   dembones_bench_sweep --benchmark_filter='RunRow|RunSummaryGroup'
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

// A run's /summary group of a summary-mode sweep (write_run_peaks: body_weight_N and 3 attributes per
// peak, 22 peaks = 67 scalar attributes) copied from the writer's in-memory template
// (create_group_with_double_attributes) against the group created and its attributes appended one by
// one (create_group + set_double_attributes, what write_run_peaks did before). Values change every
// run but the peak times, as in a sweep whose runs peak on the same frames.
template <bool kTemplate>
void BM_RunSummaryGroup(benchmark::State& state) {
  const fs::path path =
      fs::temp_directory_path() / ("dembones_run_summary_bench_" + std::to_string(::getpid()) + ".h5");
  std::vector<std::string> names{"body_weight_N"};
  for (int i = 0; i < 22; ++i)
    for (const char* suffix : {"_peak_N", "_peak_bw", "_peak_time_s"})
      names.push_back("site_" + std::to_string(i) + "_compression" + suffix);
  std::vector<double> values(names.size(), 0.5);
  int run = 0;
  {
    Hdf5Writer w(path, {.compression_level = 0});
    w.create_group("/runs");
    for (auto _ : state) {
      values[0] = 700.0 + run;
      for (std::size_t k = 1; k < values.size(); k += 3) values[k] = values[k + 1] = 3000.0 + run + k;
      const std::string g = run_group(run++) + "/summary";
      if constexpr (kTemplate) {
        w.create_group_with_double_attributes(g, names, values);
      } else {
        w.create_group(g);
        w.set_double_attributes(g, names, values);
      }
    }
  }  // not committed: the writer removes its temporary file
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RunSummaryGroup<true>)->Name("BM_RunSummaryGroup/template_copy")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunSummaryGroup<false>)->Name("BM_RunSummaryGroup/per_attribute")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dembones
