// The fused per-slab pass of the implicit LOD solver's 3-D step (lod_kernels.h).
#include <algorithm>
#include <cstring>

#include "nksim/fields/lod_kernels.h"

namespace nksim::lod {

// ---------------------------------------------------------------------------------------------
// 3-D: one pass per slab for x, y and the z forward elimination.
//
// Sweeping axis after axis in place (sweep_x, then sweep_lines for y and z, as 2-D still does)
// needs 4x4 register transposes there and back for every x value, scalar tails when nx is not a
// multiple of 4 and width-nx loops with scalar epilogues for y, passes over the whole field three
// times per step (x/y, z forward, z backward), and runs one Thomas recurrence per register block,
// so it mostly waits on the 6-cycle (mul, add) latency of each elimination step. Here the
// per-value arithmetic is the same (bit-identical results); only where values live between
// operations, and the loop order, differ:
//
//  1. x forward: the slab is transposed block by block (4x4 in registers) into a scratch slab
//     t[x][y] (y contiguous, padded to a multiple of 4), and the forward elimination is applied
//     on the way: t[x] = (c + add_x) m_x + e_x t[x-1]. The outer loop runs over blocks of 4 x,
//     the inner one over blocks of 4 y lines, so t[x-1] comes from the previous outer iteration
//     (in memory, long done) and the inner iterations are independent: the loop is bound by
//     throughput, not by the latency of the recurrence.
//  2. x back substitution on whole rows of t: t[x] += e_x t[x+1], 4 y lines per vector.
//  3. y forward: t is transposed back block by block into a second scratch slab s[y][x] (x
//     contiguous, padded), applying s[y] = (t + add_y) m_y + e_y s[y-1] on the way; same loop
//     structure as 1 with the axes swapped.
//  4. y back substitution on whole rows of s, and, while each value is in a register anyway,
//     the z forward elimination step of this slab (it needs only this value and the same voxel
//     of the slab below, already done), stored into the field once. The next slab is prefetched
//     here (stage 1 reads it column-wise, which the hardware prefetchers do not follow).
//  5. After all slabs, one z back-substitution pass over the field.
//
// So a step reads and writes the field twice (1-4, 5) instead of three times, transposes each
// value twice instead of four times, has no scalar tails (odd sizes use padding lanes with zero
// inputs and zero coefficients -- Factor arrays are zero-padded -- which stay finite and are
// never stored), and every inner loop has independent iterations. Scratch (t, s: two slabs)
// stays in L2 with the slab, the slab below and the next slab.

namespace {

enum class ZMode { kNone, kFirst, kNext };

// Loads and stores of the first `cnt` (1..4) lanes; the other lanes load as zero. Built from
// scalars (a memcpy of 24 bytes into a vector goes through the stack and stalls on store
// forwarding).
[[gnu::always_inline]] inline V4 load_part(const double* p, std::size_t cnt) {
  switch (cnt) {
    case 1:
      return V4{p[0], 0.0, 0.0, 0.0};
    case 2:
      return V4{p[0], p[1], 0.0, 0.0};
    case 3:
      return V4{p[0], p[1], p[2], 0.0};
    default:
      return load4(p);
  }
}
[[gnu::always_inline]] inline void store_part(double* p, V4 v, std::size_t cnt) {
  switch (cnt) {
    case 1:
      p[0] = v[0];
      break;
    case 2:
      p[0] = v[0], p[1] = v[1];
      break;
    case 3:
      p[0] = v[0], p[1] = v[1], p[2] = v[2];
      break;
    default:
      store4(p, v);
      break;
  }
}

// Coefficients of 4 consecutive positions along the swept axis, broadcast.
struct Block4 {
  V4 add[4], m[4], e[4];
};
[[gnu::always_inline]] inline Block4 block4(const Coeffs& c, std::size_t i) {
  Block4 b;
  for (std::size_t q = 0; q < 4; ++q) {
    b.add[q] = splat(c.add[i + q]);
    b.m[q] = splat(c.m[i + q]);
    b.e[q] = splat(c.e[i + q]);
  }
  return b;
}

// One 4x4 block of stages 1 and 3: rows r0..r3 (4 lanes each along the swept axis) are
// transposed, so that a vector holds one position along the swept axis of 4 lines, eliminated
// forward from `below` (the eliminated previous position of the same 4 lines; ignored when
// kFirst), and stored as 4 rows of the transposed scratch, `out_stride` apart.
template <bool kFirst, bool kPrevTerm>
[[gnu::always_inline]] inline void forward_block(V4 a, V4 b, V4 c, V4 d, const Block4& k,
                                                 const double* below, double* out,
                                                 std::size_t out_stride) {
  transpose4(a, b, c, d);
  if constexpr (kFirst && !kPrevTerm) {
    a = (a + k.add[0]) * k.m[0];
  } else {
    const V4 p = kFirst ? V4{0.0, 0.0, 0.0, 0.0} : load4(below);
    a = (a + k.add[0]) * k.m[0] + k.e[0] * p;
  }
  b = (b + k.add[1]) * k.m[1] + k.e[1] * a;
  c = (c + k.add[2]) * k.m[2] + k.e[2] * b;
  d = (d + k.add[3]) * k.m[3] + k.e[3] * c;
  store4(out, a);
  store4(out + out_stride, b);
  store4(out + 2 * out_stride, c);
  store4(out + 3 * out_stride, d);
}

// Stage 1 for x positions i..i+3 (cnt of them valid) of all y lines. The x sweep's first
// position keeps the old sweep_x's "+ e_0 * 0" term (kPrevTerm), which can turn -0 into +0.
template <bool kFirst, bool kPartial>
[[gnu::always_inline]] inline void x_forward_column(const double* __restrict slab, std::size_t nx,
                                                    std::size_t ny, std::size_t i, std::size_t cnt,
                                                    const Block4& k, double* __restrict t,
                                                    std::size_t tw, const double* zeros) {
  const double* below = t + (i - (kFirst ? 0 : 1)) * tw;
  double* out = t + i * tw;
  const std::size_t full = ny / 4 * 4;
  const double* src = slab + i;
  for (std::size_t j = 0; j < full; j += 4, src += 4 * nx) {
    if constexpr (kPartial) {
      forward_block<kFirst, true>(load_part(src, cnt), load_part(src + nx, cnt),
                                  load_part(src + 2 * nx, cnt), load_part(src + 3 * nx, cnt), k,
                                  below + j, out + j, tw);
    } else {
      forward_block<kFirst, true>(load4(src), load4(src + nx), load4(src + 2 * nx),
                                  load4(src + 3 * nx), k, below + j, out + j, tw);
    }
  }
  if (full < ny) {  // the last 1-3 lines, padded with zero lines
    V4 r[4];
    for (std::size_t l = 0; l < 4; ++l) {
      r[l] = full + l < ny ? load_part(slab + (full + l) * nx + i, cnt) : load_part(zeros, 4);
    }
    forward_block<kFirst, true>(r[0], r[1], r[2], r[3], k, below + full, out + full, tw);
  }
}

// Stage 3 for y positions j..j+3 of all x positions (whole padded rows of t and s).
template <bool kFirst>
[[gnu::always_inline]] inline void y_forward_row(const double* __restrict t, std::size_t tw,
                                                 std::size_t xw, std::size_t j, const Block4& k,
                                                 double* __restrict s) {
  const double* below = s + (j - (kFirst ? 0 : 1)) * xw;
  double* out = s + j * xw;
  const double* src = t + j;
  for (std::size_t i = 0; i < xw; i += 4, src += 4 * tw) {
    forward_block<kFirst, false>(load4(src), load4(src + tw), load4(src + 2 * tw),
                                 load4(src + 3 * tw), k, below + i, out + i, xw);
  }
}

// Back substitution v_i += e_i v_{i+1} over whole rows (width a multiple of 4) of a scratch
// slab, from row last - 1 down to row 0.
[[gnu::always_inline]] inline void backward_rows(double* __restrict rows, std::size_t width,
                                                 std::size_t last, const double* e) {
  for (std::size_t i = last; i-- > 0;) {
    const V4 ei = splat(e[i]);
    double* row = rows + i * width;
    for (std::size_t q = 0; q < width; q += 4) {
      store4(row + q, load4(row + q) + ei * load4(row + width + q));
    }
  }
}

// Stage 4 for one row y of s: y back substitution (unless it is the last row), z forward step,
// store into the slab (nx values).
struct ZVec {  // ZStep's coefficients, broadcast once per slab
  V4 add, m, e;
};
template <ZMode kZ>
[[gnu::always_inline]] inline V4 finish_value(V4 v, const ZVec& z, V4 below) {
  if constexpr (kZ != ZMode::kNone) {
    v = (v + z.add) * z.m;
    if constexpr (kZ == ZMode::kNext) v = v + z.e * below;
  }
  return v;
}

template <ZMode kZ>
[[gnu::always_inline]] inline void y_backward_row(double* __restrict s_row, std::size_t xw,
                                                  bool last, double ey, double* __restrict slab_row,
                                                  std::size_t nx, const ZVec z,
                                                  const double* below_row,
                                                  const double* prefetch_row) {
  if (prefetch_row != nullptr) {
    for (std::size_t q = 0; q < nx; q += 8) __builtin_prefetch(prefetch_row + q, 0, 3);
  }
  const V4 e = splat(ey);
  const std::size_t full = nx / 4 * 4;
  for (std::size_t q = 0; q < full; q += 4) {
    V4 v = load4(s_row + q);
    if (!last) {
      v = v + e * load4(s_row + xw + q);
      store4(s_row + q, v);
    }
    const V4 below = kZ == ZMode::kNext ? load4(below_row + q) : V4{};
    store4(slab_row + q, finish_value<kZ>(v, z, below));
  }
  if (full < nx) {
    const std::size_t cnt = nx - full;
    V4 v = load4(s_row + full);
    if (!last) {
      v = v + e * load4(s_row + xw + full);
      store4(s_row + full, v);
    }
    const V4 below = kZ == ZMode::kNext ? load_part(below_row + full, cnt) : V4{};
    store_part(slab_row + full, finish_value<kZ>(v, z, below), cnt);
  }
}

template <ZMode kZ>
[[gnu::always_inline]] inline void sweep_slab_impl(double* __restrict slab, std::size_t nx,
                                                   std::size_t ny, Coeffs cx, Coeffs cy,
                                                   const ZStep& z, double* scratch,
                                                   const double* prefetch) {
  const std::size_t xw = round_up4(nx), tw = round_up4(ny);
  double* t = scratch;
  double* s = t + xw * tw;
  double* zeros = s + xw * tw;
  std::fill(zeros, zeros + std::max(xw, tw), 0.0);
  // 1. x forward into t.
  const std::size_t x_full = nx / 4 * 4;
  for (std::size_t i = 0; i < x_full; i += 4) {
    const Block4 k = block4(cx, i);
    if (i == 0) {
      x_forward_column<true, false>(slab, nx, ny, i, 4, k, t, tw, zeros);
    } else {
      x_forward_column<false, false>(slab, nx, ny, i, 4, k, t, tw, zeros);
    }
  }
  if (x_full < nx) {
    const Block4 k = block4(cx, x_full);
    if (x_full == 0) {
      x_forward_column<true, true>(slab, nx, ny, x_full, nx - x_full, k, t, tw, zeros);
    } else {
      x_forward_column<false, true>(slab, nx, ny, x_full, nx - x_full, k, t, tw, zeros);
    }
  }
  // 2. x back substitution on t.
  backward_rows(t, tw, nx - 1, cx.e);
  // 3. y forward from t into s.
  for (std::size_t j = 0; j < tw; j += 4) {
    const Block4 k = block4(cy, j);
    if (j == 0) {
      y_forward_row<true>(t, tw, xw, j, k, s);
    } else {
      y_forward_row<false>(t, tw, xw, j, k, s);
    }
  }
  // 4. y back substitution (+ z forward step) from s into the slab; prefetch the next slab.
  const ZVec zv{splat(z.add), splat(z.m), splat(z.e)};
  for (std::size_t j = ny; j-- > 0;) {
    y_backward_row<kZ>(s + j * xw, xw, j + 1 == ny, cy.e[j], slab + j * nx, nx, zv,
                       z.below == nullptr ? slab : z.below + j * nx,  // (read for kNext only)
                       prefetch == nullptr ? nullptr : prefetch + j * nx);
  }
}

}  // namespace

// Scratch of one thread for sweep_slab, in doubles: t and s (round_up4(nx) x round_up4(ny)
// each) and a zero line. All accesses are unaligned loads and stores (memcpy), so no alignment
// is required; the caller aligns it to a cache line anyway.
std::size_t slab_scratch_size(std::size_t nx, std::size_t ny) {
  return 2 * round_up4(nx) * round_up4(ny) + std::max(round_up4(nx), round_up4(ny));
}

// x and y sweeps of one slab of a 3-D field, and, unless z is null, the z forward elimination
// step of this slab. `prefetch`: the slab to be swept next, or null.
NKSIM_SIMD_CLONES void sweep_slab(double* __restrict slab, std::size_t nx, std::size_t ny,
                                  Coeffs cx, Coeffs cy, const ZStep* z, double* scratch,
                                  const double* prefetch) {
  if (z == nullptr) {
    sweep_slab_impl<ZMode::kNone>(slab, nx, ny, cx, cy, ZStep{}, scratch, prefetch);
  } else if (z->below == nullptr) {
    sweep_slab_impl<ZMode::kFirst>(slab, nx, ny, cx, cy, *z, scratch, prefetch);
  } else {
    sweep_slab_impl<ZMode::kNext>(slab, nx, ny, cx, cy, *z, scratch, prefetch);
  }
}

}  // namespace nksim::lod
