#include "sweep/default_threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

namespace dembones {

namespace {

// A positive count from an environment variable ("4", or OpenMP's list "4,2": its first), else 0.
int env_count(const char* name) {
  const char* s = std::getenv(name);
  if (!s || !*s) return 0;
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || (*end != '\0' && *end != ',') || v <= 0 || v > 4096) return 0;
  return static_cast<int>(v);
}

int cpus_allowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

int default_thread_count(int local_ranks) {
  if (const int omp = env_count("OMP_NUM_THREADS")) return omp;
  if (const int slurm = env_count("SLURM_CPUS_PER_TASK")) return slurm;
  return std::max(1, cpus_allowed() / std::max(1, local_ranks));
}

}  // namespace dembones
