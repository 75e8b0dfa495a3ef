// Portable four-lane vectors for the hot loops (GCC vector extensions), and the multiversioning
// that runs them as AVX2 where the processor has it.
//
// Hot loops marked NKSIM_SIMD_CLONES are compiled twice, for baseline x86-64 and for x86-64-v3
// (AVX2), and picked at load time. The project builds with -ffp-contract=off, so both clones do
// the same IEEE operations in the same order and give bit-identical results: V4 is one AVX
// register in the x86-64-v3 clone and two SSE2 registers in the default one, with the same
// lane-wise arithmetic.
#pragma once

#include <cstring>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    !defined(__SANITIZE_ADDRESS__)
#define NKSIM_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NKSIM_SIMD_CLONES
#endif

// The helpers and the loops that use them are always inlined into one function, so passing
// these vectors by value never crosses an ABI boundary; GCC's note about the AVX calling
// convention (-Wpsabi) is off for every file that includes this header.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace nksim::simd {

using V4 = double __attribute__((vector_size(32)));
using V4Mask = long long __attribute__((vector_size(32)));

[[gnu::always_inline]] inline V4 load4(const double* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store4(double* p, V4 v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline V4 splat(double x) { return V4{x, x, x, x}; }

// Lanes of `v` where `mask` is set, 0 elsewhere (bitwise select).
[[gnu::always_inline]] inline V4 select(V4Mask mask, V4 v) {
  return __builtin_bit_cast(V4, mask & __builtin_bit_cast(V4Mask, v));
}

// 4x4 transpose: rows a..d become columns. __builtin_shufflevector (GCC >= 12 and clang) rather
// than GCC's __builtin_shuffle, so that the fuzzing build (clang) compiles it too.
[[gnu::always_inline]] inline void transpose4(V4& a, V4& b, V4& c, V4& d) {
  const V4 t0 = __builtin_shufflevector(a, b, 0, 4, 2, 6);
  const V4 t1 = __builtin_shufflevector(a, b, 1, 5, 3, 7);
  const V4 t2 = __builtin_shufflevector(c, d, 0, 4, 2, 6);
  const V4 t3 = __builtin_shufflevector(c, d, 1, 5, 3, 7);
  a = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  b = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  c = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  d = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

}  // namespace nksim::simd
