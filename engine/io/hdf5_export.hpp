#pragma once
// HDF5 time series as a text table, for `dembones export RUN.h5 ... --to out.sto|.mot|.csv`:
// the frame times first, then one column per channel, named after the channels.
//
//   TextTable t = export_time_series(reader, {.dataset = "/muscles/force"});
//   write_text_table("forces.sto", t);   // time, psoas_r, iliacus_r, ...
#include <string>

#include "io/text_table.hpp"

namespace dembones {

class Hdf5Reader;

struct ExportRequest {
  std::string dataset{};  // [frames] or [frames × channels], e.g. "/runs/00003/muscles/force"
  // [frames] times; empty = "time" in the dataset's run: the first of "<group>/time",
  // "<parent group>/time", ... up to "/time" that exists (so /runs/NNNNN/... finds its own time).
  std::string time_dataset{};
  // [channels] names; empty = the sibling "names" dataset when it exists and has one name per
  // channel, else "<dataset name>_<i>" (a 1-d dataset gives one column named after itself).
  std::string names_dataset{};
  std::string table_name{};  // .mot/.sto header name; empty = the dataset path
};

// Throws IoError when a dataset is missing or shapes disagree (time length != frames).
TextTable export_time_series(const Hdf5Reader& reader, const ExportRequest& request);

}  // namespace dembones
