// Thomas sweeps along grid lines of the implicit LOD solver (lod_kernels.h).
#include <algorithm>
#include <vector>

#include "nksim/fields/lod_kernels.h"

namespace nksim::lod {

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

namespace {

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

}  // namespace

// Sweeps `count` consecutive contiguous lines of length n: 16 lines at a time, then 4; the last
// 1-3 lines are copied into a block of 4 padded with zero lines (lines are independent, and the
// arithmetic is the same in every path, so the grouping never changes a result).
NKSIM_SIMD_CLONES void sweep_x(double* __restrict base, std::size_t n, std::size_t count,
                               const double* __restrict m, const double* __restrict e, double bc) {
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

// Stage 5: z back substitution c_k += e_k c_{k+1} over whole slabs, top down; with add_to, the
// finished slab is added there while it is in cache.
NKSIM_SIMD_CLONES void z_backward(double* __restrict c, std::size_t plane, std::size_t nz,
                                  const double* __restrict e, double* __restrict add_to) {
  if (add_to != nullptr) {
    const double* __restrict top = c + (nz - 1) * plane;
    double* __restrict to = add_to + (nz - 1) * plane;
    for (std::size_t i = 0; i < plane; ++i) to[i] += top[i];
  }
  for (std::size_t k = nz - 1; k-- > 0;) {
    double* __restrict cur = c + k * plane;
    const double* __restrict next = cur + plane;
    const double ek = e[k];
    if (add_to == nullptr) {
      for (std::size_t i = 0; i < plane; ++i) cur[i] += ek * next[i];
    } else {
      double* __restrict to = add_to + k * plane;
      for (std::size_t i = 0; i < plane; ++i) {
        cur[i] += ek * next[i];
        to[i] += cur[i];
      }
    }
  }
}

}  // namespace nksim::lod
