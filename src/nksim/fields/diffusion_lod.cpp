#include "nksim/fields/diffusion_lod.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nksim/core/simd.h"
#include "nksim/engine/parallel.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nksim {

namespace {

constexpr std::size_t round_up4(std::size_t n) { return (n + 3) / 4 * 4; }
// Length of the per-axis coefficient arrays: whole blocks of 4, and one spare block.
constexpr std::size_t padded_length(std::size_t n) { return round_up4(n) + 4; }

}  // namespace

void ImplicitLodSolver::factorise(const FieldGrid& grid, double dt_min) {
  const auto n = grid.shape();
  const double h2 = grid.spacing_um() * grid.spacing_um();
  factors_.assign(grid.num_fields() * 3, Factor{});
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    const FieldSpec& s = grid.spec(f);
    const double decay = s.decay_per_min * dt_min / grid.dim();
    for (int a = 0; a < grid.dim(); ++a) {
      Factor& fac = factors_[f * 3 + a];
      const std::size_t len = n[a];
      const double r = len > 1 || s.boundary == FieldBoundary::kDirichlet
                           ? s.diffusion_um2_per_min * dt_min / h2
                           : 0.0;
      fac.r = r;
      fac.m.assign(padded_length(len), 0.0);
      fac.e.assign(padded_length(len), 0.0);
      const double open = s.boundary == FieldBoundary::kNeumann ? r : 0.0;
      for (std::size_t i = 0; i < len; ++i) {
        double b = 1.0 + decay + 2.0 * r;
        if (i == 0) b -= open;
        if (i + 1 == len) b -= open;
        const double pivot = i == 0 ? b : b - r * r * fac.m[i - 1];
        fac.m[i] = 1.0 / pivot;
        fac.e[i] = r * fac.m[i];
      }
    }
  }
  factor_dt_ = dt_min;
}

namespace {

// The hot loops are compiled twice, for baseline x86-64 and for x86-64-v3 (AVX2), with the same
// IEEE operations in the same order (core/simd.h).

// Thomas sweep along `lines` lines spaced `stride` apart, each a contiguous run of `width`
// independent values (one value per grid line across the sweep direction): the recurrence runs
// across lines and vectorises along them. `bc` is r times the Dirichlet value (0 for Neumann),
// added at the first and the last line.
NKSIM_SIMD_CLONES void sweep_lines(double* __restrict base, std::size_t lines, std::size_t stride,
                                   std::size_t width, const double* __restrict m,
                                   const double* __restrict e, double bc) {
  const std::size_t last = lines - 1;
  {
    const double add = lines == 1 ? 2.0 * bc : bc;
    for (std::size_t i = 0; i < width; ++i) base[i] = (base[i] + add) * m[0];
  }
  for (std::size_t l = 1; l < lines; ++l) {
    double* __restrict cur = base + l * stride;
    const double* __restrict prev = cur - stride;
    const double add = l == last ? bc : 0.0;
    const double ml = m[l], el = e[l];
    for (std::size_t i = 0; i < width; ++i) cur[i] = (cur[i] + add) * ml + el * prev[i];
  }
  for (std::size_t l = last; l-- > 0;) {
    double* __restrict cur = base + l * stride;
    const double* __restrict next = cur + stride;
    const double el = e[l];
    for (std::size_t i = 0; i < width; ++i) cur[i] += el * next[i];
  }
}

using simd::load4;
using simd::splat;
using simd::store4;
using simd::V4;
using simd::V4Mask;

// 4x4 transpose: rows a..d become columns.
[[gnu::always_inline]] inline void transpose4(V4& a, V4& b, V4& c, V4& d) {
  const V4 t0 = __builtin_shuffle(a, b, V4Mask{0, 4, 2, 6});
  const V4 t1 = __builtin_shuffle(a, b, V4Mask{1, 5, 3, 7});
  const V4 t2 = __builtin_shuffle(c, d, V4Mask{0, 4, 2, 6});
  const V4 t3 = __builtin_shuffle(c, d, V4Mask{1, 5, 3, 7});
  a = __builtin_shuffle(t0, t2, V4Mask{0, 1, 4, 5});
  b = __builtin_shuffle(t1, t3, V4Mask{0, 1, 4, 5});
  c = __builtin_shuffle(t0, t2, V4Mask{2, 3, 6, 7});
  d = __builtin_shuffle(t1, t3, V4Mask{2, 3, 6, 7});
}

// Sweeps 4 * kGroups consecutive contiguous lines of length n (the x direction) with the
// arithmetic of sweep_lines per value. The recurrence runs along the contiguous axis, so 4x4
// blocks are transposed in registers (a vector then holds one x position of 4 lines) and the
// groups' dependency chains overlap.
template <std::size_t kGroups>
[[gnu::always_inline]] inline void sweep_x_block(double* __restrict v, std::size_t n,
                                                 const double* __restrict m,
                                                 const double* __restrict e, double bc) {
  const std::size_t last = n - 1;
  const double first_add = n == 1 ? 2.0 * bc : bc;
  const auto add_at = [&](std::size_t i) { return i == 0 ? first_add : (i == last ? bc : 0.0); };
  const std::size_t full = n / 4 * 4;          // forward: blocks cover [0, full)
  const std::size_t back_full = last / 4 * 4;  // backward: blocks cover [0, back_full)
  constexpr std::size_t kLines = 4 * kGroups;
  // Forward elimination: v_i = (c_i + add_i) m_i + e_i v_{i-1}.
  V4 prev[kGroups] = {};
  for (std::size_t i = 0; i < full; i += 4) {
    for (std::size_t g = 0; g < kGroups; ++g) {
      double* row = v + 4 * g * n + i;
      V4 a = load4(row), b = load4(row + n), c = load4(row + 2 * n), d = load4(row + 3 * n);
      transpose4(a, b, c, d);
      a = (a + splat(add_at(i))) * splat(m[i]) + splat(e[i]) * prev[g];
      b = (b + splat(add_at(i + 1))) * splat(m[i + 1]) + splat(e[i + 1]) * a;
      c = (c + splat(add_at(i + 2))) * splat(m[i + 2]) + splat(e[i + 2]) * b;
      d = (d + splat(add_at(i + 3))) * splat(m[i + 3]) + splat(e[i + 3]) * c;
      prev[g] = d;
      transpose4(a, b, c, d);
      store4(row, a);
      store4(row + n, b);
      store4(row + 2 * n, c);
      store4(row + 3 * n, d);
    }
  }
  for (std::size_t l = 0; l < kLines; ++l) {
    double* line = v + l * n;
    for (std::size_t i = full; i < n; ++i) {
      line[i] = (line[i] + add_at(i)) * m[i] + e[i] * (i == 0 ? 0.0 : line[i - 1]);
    }
  }
  // Back substitution v_i += e_i v_{i+1}: scalar tail [back_full, last), then blocks downwards.
  for (std::size_t l = 0; l < kLines; ++l) {
    double* line = v + l * n;
    for (std::size_t i = last; i-- > back_full;) line[i] += e[i] * line[i + 1];
  }
  if (back_full == 0) return;
  V4 next[kGroups];
  for (std::size_t g = 0; g < kGroups; ++g) {
    const double* col = v + 4 * g * n + back_full;
    const double column[4] = {col[0], col[n], col[2 * n], col[3 * n]};
    next[g] = load4(column);
  }
  for (std::size_t i = back_full; i > 0;) {
    i -= 4;
    for (std::size_t g = 0; g < kGroups; ++g) {
      double* row = v + 4 * g * n + i;
      V4 a = load4(row), b = load4(row + n), c = load4(row + 2 * n), d = load4(row + 3 * n);
      transpose4(a, b, c, d);
      d += splat(e[i + 3]) * next[g];
      c += splat(e[i + 2]) * d;
      b += splat(e[i + 1]) * c;
      a += splat(e[i]) * b;
      next[g] = a;
      transpose4(a, b, c, d);
      store4(row, a);
      store4(row + n, b);
      store4(row + 2 * n, c);
      store4(row + 3 * n, d);
    }
  }
}

// Sweeps `count` consecutive contiguous lines of length n: 16 lines at a time, then 4; the last
// 1-3 lines are copied into a block of 4 padded with zero lines (lines are independent, and the
// arithmetic is the same in every path, so the grouping never changes a result).
NKSIM_SIMD_CLONES void sweep_x(double* __restrict base, std::size_t n, std::size_t count,
                               const double* __restrict m, const double* __restrict e,
                               double bc) {
  std::size_t l0 = 0;
  for (; l0 + 16 <= count; l0 += 16) sweep_x_block<4>(base + l0 * n, n, m, e, bc);
  for (; l0 + 4 <= count; l0 += 4) sweep_x_block<1>(base + l0 * n, n, m, e, bc);
  if (l0 == count) return;
  thread_local std::vector<double> pad;
  pad.assign(4 * n, 0.0);
  const std::size_t rest = (count - l0) * n;
  std::copy(base + l0 * n, base + l0 * n + rest, pad.begin());
  sweep_x_block<1>(pad.data(), n, m, e, bc);
  std::copy(pad.begin(), pad.begin() + static_cast<std::ptrdiff_t>(rest), base + l0 * n);
}

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

struct Coeffs {  // one axis of one field, all padded (padded_length)
  const double* m;
  const double* e;
  const double* add;  // r * Dirichlet value at both ends (2x on a single-voxel axis), else 0
};

// The z step fused into stage 4, for slab k: v <- (v + add) m + e * below (below: slab k - 1,
// already eliminated; the first slab has no e * below term, as in sweep_lines).
enum class ZMode { kNone, kFirst, kNext };
struct ZStep {
  double m = 0, e = 0, add = 0;
  const double* below = nullptr;
};

// Loads and stores of the first `cnt` (1..4) lanes; the other lanes load as zero. Built from
// scalars (a memcpy of 24 bytes into a vector goes through the stack and stalls on store
// forwarding).
[[gnu::always_inline]] inline V4 load_part(const double* p, std::size_t cnt) {
  switch (cnt) {
    case 1: return V4{p[0], 0.0, 0.0, 0.0};
    case 2: return V4{p[0], p[1], 0.0, 0.0};
    case 3: return V4{p[0], p[1], p[2], 0.0};
    default: return load4(p);
  }
}
[[gnu::always_inline]] inline void store_part(double* p, V4 v, std::size_t cnt) {
  switch (cnt) {
    case 1: p[0] = v[0]; break;
    case 2: p[0] = v[0], p[1] = v[1]; break;
    case 3: p[0] = v[0], p[1] = v[1], p[2] = v[2]; break;
    default: store4(p, v); break;
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
                                                    std::size_t ny, std::size_t i,
                                                    std::size_t cnt, const Block4& k,
                                                    double* __restrict t, std::size_t tw,
                                                    const double* zeros) {
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
                                                  bool last, double ey,
                                                  double* __restrict slab_row, std::size_t nx,
                                                  const ZVec z, const double* below_row,
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

// Scratch of one thread for sweep_slab, in doubles: t and s (round_up4(nx) x round_up4(ny)
// each) and a zero line. All accesses are unaligned loads and stores (memcpy), so no alignment
// is required; the caller aligns it to a cache line anyway.
std::size_t slab_scratch_size(std::size_t nx, std::size_t ny) {
  return 2 * round_up4(nx) * round_up4(ny) + std::max(round_up4(nx), round_up4(ny));
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

// Stage 5: z back substitution c_k += e_k c_{k+1} over whole slabs, top down.
NKSIM_SIMD_CLONES void z_backward(double* __restrict c, std::size_t plane, std::size_t nz,
                                  const double* __restrict e) {
  for (std::size_t k = nz - 1; k-- > 0;) {
    double* __restrict cur = c + k * plane;
    const double* __restrict next = cur + plane;
    const double ek = e[k];
    for (std::size_t i = 0; i < plane; ++i) cur[i] += ek * next[i];
  }
}

// One field's data for a step: values, and per axis the coefficients and r * Dirichlet value.
struct FieldJob {
  double* c;
  Coeffs axis[3];
  double bc[3];
};

// 3-D step. Fields are independent: with F fields and a team of T threads, the first F / T * T
// fields are swept one field per thread in one go (slabs bottom up, each slab's z forward step
// fused into its x/y pass, then the z back substitution), with no barrier at all. The remaining
// fields (all of them when F < T) are split by slabs for x/y (the z forward step cannot be fused
// there: the slabs run in parallel), then, after a barrier, by column chunks for z, each chunk's
// lines staying in cache between its forward and backward pass. Every value sees the same
// operations in the same order in both ways, so results do not depend on the thread count (nor
// on the F / T split).
void step_3d(const FieldJob* jobs, std::size_t num_fields, std::size_t nx, std::size_t ny,
             std::size_t nz, int threads) {
  const std::size_t plane = nx * ny;
  const std::size_t scratch_size = slab_scratch_size(nx, ny);
  constexpr std::size_t kChunk = 256;
  const std::size_t chunks = (plane + kChunk - 1) / kChunk;
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    thread_local std::vector<double> scratch_store;
    if (scratch_store.size() < scratch_size + 8) scratch_store.resize(scratch_size + 8);
    double* scratch = scratch_store.data();  // aligned to 64 bytes
    scratch += (64 - reinterpret_cast<std::uintptr_t>(scratch) % 64) % 64 / sizeof(double);
#ifdef _OPENMP
    const std::size_t team = static_cast<std::size_t>(omp_get_num_threads());
#else
    const std::size_t team = 1;
#endif
    const std::size_t whole = num_fields / team * team;  // fields swept whole by one thread
#pragma omp for schedule(static, 1) nowait
    for (std::int64_t f = 0; f < static_cast<std::int64_t>(whole); ++f) {
      const FieldJob& job = jobs[f];
      const Coeffs& cz = job.axis[2];
      for (std::size_t k = 0; k < nz; ++k) {
        double* slab = job.c + k * plane;
        const ZStep z{cz.m[k], cz.e[k], cz.add[k], k == 0 ? nullptr : slab - plane};
        sweep_slab(slab, nx, ny, job.axis[0], job.axis[1], &z, scratch,
                   k + 1 < nz ? slab + plane : nullptr);
      }
      z_backward(job.c, plane, nz, cz.e);
    }
    if (whole < num_fields) {
      const std::int64_t slabs = static_cast<std::int64_t>((num_fields - whole) * nz);
#pragma omp for schedule(static)
      for (std::int64_t t = 0; t < slabs; ++t) {
        const FieldJob& job = jobs[whole + static_cast<std::size_t>(t) / nz];
        const std::size_t k = static_cast<std::size_t>(t) % nz;
        sweep_slab(job.c + k * plane, nx, ny, job.axis[0], job.axis[1], nullptr, scratch,
                   k + 1 < nz ? job.c + (k + 1) * plane : nullptr);
      }
      const std::int64_t columns = static_cast<std::int64_t>((num_fields - whole) * chunks);
#pragma omp for schedule(static)
      for (std::int64_t t = 0; t < columns; ++t) {
        const FieldJob& job = jobs[whole + static_cast<std::size_t>(t) / chunks];
        const std::size_t p0 = static_cast<std::size_t>(t) % chunks * kChunk;
        sweep_lines(job.c + p0, nz, plane, std::min(kChunk, plane - p0), job.axis[2].m,
                    job.axis[2].e, job.bc[2]);
      }
    }
  }
}

}  // namespace

void ImplicitLodSolver::step(FieldGrid& grid, double dt_min, int threads) {
  if (factor_dt_ != dt_min || factors_.size() != grid.num_fields() * 3) factorise(grid, dt_min);
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const std::size_t num_fields = grid.num_fields();
  adds_.resize(num_fields * 3);
  std::vector<FieldJob> jobs(num_fields);
  for (std::size_t f = 0; f < num_fields; ++f) {
    const FieldSpec& s = grid.spec(f);
    const double value = s.boundary == FieldBoundary::kDirichlet ? s.boundary_value : 0.0;
    FieldJob& job = jobs[f];
    job.c = grid.values(f).data();
    for (int a = 0; a < grid.dim(); ++a) {
      const Factor& fac = factors_[f * 3 + static_cast<std::size_t>(a)];
      const std::size_t len = n[a];
      const double bc = fac.r * value;
      // The Dirichlet term added at each position along the axis (zero-padded like the factors).
      std::vector<double>& add = adds_[f * 3 + static_cast<std::size_t>(a)];
      add.assign(padded_length(len), 0.0);
      add[0] = len == 1 ? 2.0 * bc : bc;
      if (len > 1) add[len - 1] = bc;
      job.axis[a] = Coeffs{fac.m.data(), fac.e.data(), add.data()};
      job.bc[a] = bc;
    }
  }
  if (grid.dim() == 3) {
    step_3d(jobs.data(), num_fields, nx, ny, n[2], big ? threads : 1);
    return;
  }
  // 2-D: x on groups of lines, then y on column chunks small enough that a chunk's lines stay in
  // cache between the forward and the backward pass. One parallel region and one barrier per
  // step for all fields (fields are independent).
  constexpr std::size_t kGroup = 32, kChunk = 256;
  const std::size_t stage1_per_field = (ny + kGroup - 1) / kGroup;
  const std::size_t stage2_per_field = (nx + kChunk - 1) / kChunk;
  const std::int64_t stage1 = static_cast<std::int64_t>(stage1_per_field * num_fields);
  const std::int64_t stage2 = static_cast<std::int64_t>(stage2_per_field * num_fields);
#pragma omp parallel num_threads(threads) if (big)
  {
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage1; ++t) {
      const FieldJob& job = jobs[static_cast<std::size_t>(t) / stage1_per_field];
      const std::size_t j0 = static_cast<std::size_t>(t) % stage1_per_field * kGroup;
      sweep_x(job.c + j0 * nx, nx, std::min(kGroup, ny - j0), job.axis[0].m, job.axis[0].e,
              job.bc[0]);
    }
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage2; ++t) {
      const FieldJob& job = jobs[static_cast<std::size_t>(t) / stage2_per_field];
      const std::size_t p0 = static_cast<std::size_t>(t) % stage2_per_field * kChunk;
      sweep_lines(job.c + p0, ny, nx, std::min(kChunk, nx - p0), job.axis[1].m, job.axis[1].e,
                  job.bc[1]);
    }
  }
}

}  // namespace nksim
