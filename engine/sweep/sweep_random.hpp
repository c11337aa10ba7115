#pragma once
// Portable random sampling for sweep designs. std::mt19937_64's output sequence is fixed by the C++
// standard, but std::uniform_real_distribution and std::normal_distribution are not (libstdc++,
// libc++ and MSVC differ), so a seed would give other runs on another platform. These mappings are
// written out here so that the same seed gives the same runs everywhere.
#include <cstdint>
#include <random>

namespace dembones {

// u in [0, 1) from the top 53 bits of one 64-bit draw: u = (x >> 11) · 2^-53 (every double of the
// form k · 2^-53 equally likely; the construction used by Vigna's xoshiro reference code).
double uniform01(std::mt19937_64& rng);

// Uniform integer in [0, n), n >= 1: floor(u · n) with u from uniform01 (bias below n · 2^-53).
std::uint64_t uniform_index(std::mt19937_64& rng, std::uint64_t n);

// Standard normal by the Box–Muller transform (Box & Muller 1958, Ann. Math. Stat. 29:610):
// z = sqrt(-2 ln(1 - u1)) · cos(2π u2), from two uniform01 draws (1 - u1 in (0, 1], so the log is
// finite). The sine partner is discarded, so each normal costs exactly two draws.
double standard_normal(std::mt19937_64& rng);

// Inverse of the standard normal CDF, for p in (0, 1): Acklam's rational approximation (relative
// error 1.15e-9) refined by one Halley step on erfc (Acklam 2003, "An algorithm for computing the
// inverse normal cumulative distribution function"), accurate to a few ulp. Latin hypercube samples
// of a normal field map their stratified p through it.
double inverse_normal_cdf(double p);

}  // namespace dembones
