#include "common/malloc_counter.hpp"

#include <cstddef>

namespace dembones::test_support {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace dembones::test_support

#if DEMBONES_MALLOC_COUNTED
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);

void* malloc(std::size_t n) {
  if (dembones::test_support::counting.load(std::memory_order_relaxed))
    dembones::test_support::allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  if (dembones::test_support::counting.load(std::memory_order_relaxed))
    dembones::test_support::allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  if (dembones::test_support::counting.load(std::memory_order_relaxed))
    dembones::test_support::allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
}
#endif
