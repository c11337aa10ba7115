#pragma once
// MPI for `mpirun -np N dembones sweep ...` (Open MPI; compiled when found, DEMBONES_WITH_MPI=1).
//
// MPI is initialised only when the program was started by an MPI launcher (Open MPI's mpirun sets
// OMPI_COMM_WORLD_SIZE; PMI_SIZE / PMIX_RANK for other launchers), so the plain binary runs without
// mpirun and without an MPI runtime being reachable.
//
// Dynamic load balancing: rank 0 exposes one int64 counter in an MPI window (MPI_Win_allocate) and
// every rank takes the next position of the shared to-do list with an atomic MPI_Fetch_and_op
// (MPI-3 passive target, under MPI_Win_lock_all). No rank serves requests, so rank 0 works like the
// others; on one node Open MPI's shared-memory window makes the fetch a processor atomic.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace dembones {

// True when an MPI launcher started this process (and MPI support is compiled in).
bool launched_under_mpi();
// True when this binary was built with MPI.
bool mpi_compiled();

// MPI_Init_thread (MPI_THREAD_SERIALIZED) in the constructor, MPI_Finalize in the destructor.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks on this node (OMPI_COMM_WORLD_LOCAL_SIZE, else 1): threads per rank default to cores / it.
  int local_size() const { return local_size_; }
  // The collectives below wait without spinning (a sleeping poll, at most ~1 ms late): a rank
  // waiting for another leaves the core to whoever has work.
  void barrier() const;
  // Ends every rank (after an error on one of them, so the others do not wait forever).
  [[noreturn]] void abort(int code) const;
  // Logical OR of a flag over all ranks.
  bool any(bool flag) const;
  // Smallest value over all ranks.
  int min(int value) const;
  // Rank `root`'s text, on every rank.
  std::string broadcast(const std::string& text, int root) const;

 private:
  int rank_ = 0, size_ = 1, local_size_ = 1;
};

// The shared counter: next() returns 0, 1, 2, ... across all ranks, each value once. Collective
// construction and destruction.
class MpiCounter {
 public:
  explicit MpiCounter(const MpiSession& session);
  ~MpiCounter();
  MpiCounter(const MpiCounter&) = delete;
  MpiCounter& operator=(const MpiCounter&) = delete;
  std::int64_t next();  // one thread at a time (MPI_THREAD_SERIALIZED)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Messages between ranks (MPI: the ranks send their finished runs to rank 0, which writes the final
// file as it goes). send() does not block: the bytes are kept until delivered. Messages from one
// rank arrive in the order sent. Not collective; destruction waits for this rank's sends.
class MpiMailbox {
 public:
  explicit MpiMailbox(const MpiSession& session);
  ~MpiMailbox();
  MpiMailbox(const MpiMailbox&) = delete;
  MpiMailbox& operator=(const MpiMailbox&) = delete;
  void send(int rank, std::string bytes);
  // The next message that has arrived (from any rank), without waiting; nullopt when none has.
  std::optional<std::string> try_receive();
  // Waits (without spinning) until the next message arrives.
  std::string receive();
  // Waits (without spinning) until this rank's sends are delivered.
  void flush();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dembones
