// The sweep's default thread count follows what the process is granted (an audit: under taskset,
// OMP_NUM_THREADS=1 or SLURM_CPUS_PER_TASK=1 the sweep still started one thread per core).
#include "sweep/default_threads.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>

#include <optional>
#include <string>

namespace dembones {
namespace {

// Sets (or unsets, nullopt) an environment variable for the scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1); else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1); else unsetenv(name_);
  }
 private:
  const char* name_;
  std::optional<std::string> old_;
};

int allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  return CPU_COUNT(&set);
}

TEST(DefaultThreads, OmpNumThreadsThenSlurmThenTheAllowedCpus) {
  ScopedEnv omp("OMP_NUM_THREADS", std::nullopt), slurm("SLURM_CPUS_PER_TASK", std::nullopt);
  EXPECT_EQ(default_thread_count(1), allowed_cpus());
  EXPECT_EQ(default_thread_count(allowed_cpus() + 1), 1) << "more ranks than CPUs: one thread each";
  {
    ScopedEnv s("SLURM_CPUS_PER_TASK", "3");
    EXPECT_EQ(default_thread_count(1), 3);
    EXPECT_EQ(default_thread_count(4), 3) << "Slurm's count is this task's own";
    ScopedEnv o("OMP_NUM_THREADS", "5,2");
    EXPECT_EQ(default_thread_count(1), 5) << "OpenMP's variable first; a list's first value";
  }
  for (const char* bad : {"", "0", "-2", "two", "3x"}) {
    ScopedEnv o("OMP_NUM_THREADS", bad);
    EXPECT_EQ(default_thread_count(1), allowed_cpus()) << "OMP_NUM_THREADS='" << bad << "' is ignored";
  }
}

// A process restricted to one CPU (taskset -c 0, a batch system's binding) runs one thread.
TEST(DefaultThreads, AnAffinityMaskOfOneCpuGivesOneThread) {
  ScopedEnv omp("OMP_NUM_THREADS", std::nullopt), slurm("SLURM_CPUS_PER_TASK", std::nullopt);
  cpu_set_t old;
  CPU_ZERO(&old);
  ASSERT_EQ(sched_getaffinity(0, sizeof(old), &old), 0);
  int first = 0;
  while (!CPU_ISSET(first, &old)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const int n = default_thread_count(1);
  ASSERT_EQ(sched_setaffinity(0, sizeof(old), &old), 0);
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace dembones
