#include "sweep/sweep_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <thread>
#include <utility>

#include "common/error.hpp"

#ifdef DEMBONES_WITH_MPI
#include <mpi.h>
#endif

namespace dembones {

bool mpi_compiled() {
#ifdef DEMBONES_WITH_MPI
  return true;
#else
  return false;
#endif
}

bool launched_under_mpi() {
  if (!mpi_compiled()) return false;
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

#ifdef DEMBONES_WITH_MPI

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw InternalError("the MPI library does not support MPI_THREAD_SERIALIZED (needed by the sweep's threads)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (const char* s = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE")) local_size_ = std::max(1, std::atoi(s));
}

MpiSession::~MpiSession() { MPI_Finalize(); }

namespace {

// Waits for a non-blocking collective without spinning. Open MPI's blocking collectives poll their
// progress engine on a busy loop, so a rank that waits for another (rank 0 closing the file, the
// last run of a slower rank) would hold a whole core for nothing: on a machine shared with other
// work (or with more ranks than cores) the working rank then gets less of the processor. Polling
// every 50 us to 1 ms costs at most a millisecond per collective.
class Backoff {
 public:
  void pause() {
    std::this_thread::sleep_for(pause_);
    pause_ = std::min(2 * pause_, std::chrono::microseconds(1000));
  }

 private:
  std::chrono::microseconds pause_{50};
};

void wait_politely(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  Backoff backoff;
  while (done == 0) {
    backoff.pause();
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

constexpr int kMailboxTag = 7301;

}  // namespace

void MpiSession::barrier() const {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_politely(request);
}

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort();
}

bool MpiSession::any(bool flag) const {
  int in = flag ? 1 : 0, out = 0;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD, &request);
  wait_politely(request);
  return out != 0;
}

int MpiSession::min(int value) const {
  int out = value;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(&value, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &request);
  wait_politely(request);
  return out;
}

std::string MpiSession::broadcast(const std::string& text, int root) const {
  std::int64_t n = rank_ == root ? static_cast<std::int64_t>(text.size()) : 0;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibcast(&n, 1, MPI_INT64_T, root, MPI_COMM_WORLD, &request);
  wait_politely(request);
  std::string out = rank_ == root ? text : std::string(static_cast<std::size_t>(n), '\0');
  if (n > 0) {
    MPI_Ibcast(out.data(), static_cast<int>(n), MPI_CHAR, root, MPI_COMM_WORLD, &request);
    wait_politely(request);
  }
  return out;
}

struct MpiCounter::Impl {
  MPI_Win win = MPI_WIN_NULL;
  std::int64_t* base = nullptr;
};

MpiCounter::MpiCounter(const MpiSession& session) : impl_(std::make_unique<Impl>()) {
  const MPI_Aint bytes = session.rank() == 0 ? static_cast<MPI_Aint>(sizeof(std::int64_t)) : 0;
  MPI_Win_allocate(bytes, sizeof(std::int64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &impl_->base, &impl_->win);
  if (session.rank() == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, impl_->win);
    *impl_->base = 0;
    MPI_Win_unlock(0, impl_->win);
  }
  session.barrier();  // the counter is zero before anyone fetches
  MPI_Win_lock_all(0, impl_->win);
}

MpiCounter::~MpiCounter() {
  MPI_Win_unlock_all(impl_->win);
  MPI_Win_free(&impl_->win);
}

std::int64_t MpiCounter::next() {
  const std::int64_t one = 1;
  std::int64_t previous = 0;
  MPI_Fetch_and_op(&one, &previous, MPI_INT64_T, 0, 0, MPI_SUM, impl_->win);
  MPI_Win_flush(0, impl_->win);
  return previous;
}

struct MpiMailbox::Impl {
  // MPI_COMM_WORLD with a tag of its own (nothing else in dembones sends point-to-point): no
  // collective call to create or free a communicator, so a rank can unwind after an error.
  MPI_Comm comm = MPI_COMM_WORLD;
  std::deque<std::pair<std::string, MPI_Request>> sending;  // bytes kept until delivered

  // Frees the buffers of delivered sends (in order; the oldest complete first).
  void reap() {
    while (!sending.empty()) {
      int done = 0;
      MPI_Test(&sending.front().second, &done, MPI_STATUS_IGNORE);
      if (done == 0) return;
      sending.pop_front();
    }
  }
};

MpiMailbox::MpiMailbox(const MpiSession&) : impl_(std::make_unique<Impl>()) {}

MpiMailbox::~MpiMailbox() { flush(); }

void MpiMailbox::send(int rank, std::string bytes) {
  impl_->reap();
  auto& [buffer, request] = impl_->sending.emplace_back(std::move(bytes), MPI_REQUEST_NULL);
  MPI_Isend(buffer.data(), static_cast<int>(buffer.size()), MPI_BYTE, rank, kMailboxTag, impl_->comm, &request);
}

std::optional<std::string> MpiMailbox::try_receive() {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, kMailboxTag, impl_->comm, &arrived, &status);
  if (arrived == 0) return std::nullopt;
  int bytes = 0;
  MPI_Get_count(&status, MPI_BYTE, &bytes);
  std::string out(static_cast<std::size_t>(bytes), '\0');
  MPI_Recv(out.data(), bytes, MPI_BYTE, status.MPI_SOURCE, kMailboxTag, impl_->comm, MPI_STATUS_IGNORE);
  return out;
}

std::string MpiMailbox::receive() {
  Backoff backoff;
  for (;;) {
    if (std::optional<std::string> m = try_receive()) return std::move(*m);
    backoff.pause();
  }
}

void MpiMailbox::flush() {
  while (!impl_->sending.empty()) {
    wait_politely(impl_->sending.front().second);
    impl_->sending.pop_front();
  }
}

#else

MpiSession::MpiSession() { throw InternalError("this dembones was built without MPI"); }
MpiSession::~MpiSession() = default;
void MpiSession::barrier() const {}
void MpiSession::abort(int code) const { std::exit(code); }
bool MpiSession::any(bool flag) const { return flag; }
int MpiSession::min(int value) const { return value; }
std::string MpiSession::broadcast(const std::string& text, int) const { return text; }
struct MpiCounter::Impl {};
MpiCounter::MpiCounter(const MpiSession&) { throw InternalError("this dembones was built without MPI"); }
MpiCounter::~MpiCounter() = default;
std::int64_t MpiCounter::next() { return 0; }
struct MpiMailbox::Impl {};
MpiMailbox::MpiMailbox(const MpiSession&) { throw InternalError("this dembones was built without MPI"); }
MpiMailbox::~MpiMailbox() = default;
void MpiMailbox::send(int, std::string) {}
std::optional<std::string> MpiMailbox::try_receive() { return std::nullopt; }
std::string MpiMailbox::receive() { return {}; }
void MpiMailbox::flush() {}

#endif

}  // namespace dembones
