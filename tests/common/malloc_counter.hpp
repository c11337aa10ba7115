#pragma once
// One counting malloc for the whole test binary: malloc/calloc/realloc calls are counted while
// `counting` is true. Eigen allocates through malloc, so counting operator new alone would miss it.
// On glibc the test executable interposes the three functions and forwards to __libc_*; under
// AddressSanitizer (which owns malloc) nothing is interposed and DEMBONES_MALLOC_COUNTED is 0.
#include <atomic>

#if defined(__SANITIZE_ADDRESS__)
#define DEMBONES_MALLOC_COUNTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEMBONES_MALLOC_COUNTED 0
#endif
#endif
#ifndef DEMBONES_MALLOC_COUNTED
#if defined(__GLIBC__) || defined(__linux__)
#define DEMBONES_MALLOC_COUNTED 1
#else
#define DEMBONES_MALLOC_COUNTED 0
#endif
#endif

namespace dembones::test_support {
extern std::atomic<bool> counting;
extern std::atomic<long> allocations;
}  // namespace dembones::test_support
