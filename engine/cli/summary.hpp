#pragma once
// The summary table `dembones run` prints: peak spinal and knee loads in newtons and body weights,
// the NIOSH action limit, reserve use, joints at the end of their range and the most active muscles.
#include <cstdio>
#include <vector>

#include "scenario/run_record.hpp"
#include "scenario/scenario_spec.hpp"

namespace dembones::cli {

// Who does what: the subject, the model file, the task as run and the impairments, every --set
// applied (what `dembones validate` confirms and the summary starts with).
void print_scenario_lines(std::FILE* out, const ScenarioSpec& scenario, double body_weight_N);

// q_min, q_max: the model's coordinate ranges (nv), for the line on joints at the end of their range.
void print_summary(std::FILE* out, const ScenarioSpec& scenario, const MusculoskeletalModel& msm, const RunRecord& r,
                   const std::vector<Peak>& peaks, const VecX& q_min, const VecX& q_max);

}  // namespace dembones::cli
