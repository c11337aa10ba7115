#pragma once
// How many threads a sweep runs when --threads is not given: what the machine, the batch system and
// the OpenMP conventions grant this process, not the node's core count (an audit: under taskset,
// OMP_NUM_THREADS=1 or a Slurm allocation of one CPU the sweep still started one thread per core).

namespace dembones {

// In order: OMP_NUM_THREADS (its first value, as OpenMP reads a list); SLURM_CPUS_PER_TASK (the CPUs
// Slurm allotted this task); else the CPUs this process may run on (sched_getaffinity: taskset,
// cpusets, a batch system's binding) divided among the local_ranks MPI ranks of the node. At least 1.
int default_thread_count(int local_ranks);

}  // namespace dembones
