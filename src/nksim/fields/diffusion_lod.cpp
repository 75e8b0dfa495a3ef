#include "nksim/fields/diffusion_lod.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nksim/engine/parallel.h"

namespace nksim {

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
      fac.m.resize(len);
      fac.e.resize(len);
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

// The hot loops are compiled twice, for baseline x86-64 and for x86-64-v3 (AVX2), and picked at
// load time. The project builds with -ffp-contract=off, so both clones do the same IEEE
// operations in the same order and give bit-identical results.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define NKSIM_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NKSIM_SIMD_CLONES
#endif

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

// Four doubles; GCC lowers it to one AVX register in the x86-64-v3 clone, two SSE2 registers in
// the default one, with the same lane-wise IEEE operations.
// The helpers below are always inlined, so passing these vectors by value never crosses an ABI.
#pragma GCC diagnostic ignored "-Wpsabi"
using V4 = double __attribute__((vector_size(32)));
using V4Mask = long long __attribute__((vector_size(32)));

[[gnu::always_inline]] inline V4 load4(const double* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store4(double* p, V4 v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline V4 splat(double x) { return V4{x, x, x, x}; }

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

}  // namespace

void ImplicitLodSolver::step(FieldGrid& grid, double dt_min, int threads) {
  if (factor_dt_ != dt_min || factors_.size() != grid.num_fields() * 3) factorise(grid, dt_min);
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1], nz = n[2];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const bool three = grid.dim() == 3;
  const std::size_t num_fields = grid.num_fields();
  struct Job {
    double* c;
    double value;  // Dirichlet value, 0 for Neumann
    const Factor* fac;  // x, y, z
  };
  std::vector<Job> jobs;
  for (std::size_t f = 0; f < num_fields; ++f) {
    const FieldSpec& s = grid.spec(f);
    jobs.push_back({grid.values(f).data(),
                    s.boundary == FieldBoundary::kDirichlet ? s.boundary_value : 0.0,
                    &factors_[f * 3]});
  }
  // Stage 1, per field: 3-D: x then y slab by slab, while the slab is in cache; 2-D: x on
  // groups of lines. Stage 2, per field: the last axis on column chunks small enough that a
  // chunk's lines stay in cache between the forward and the backward pass. One parallel region
  // and one barrier per step for all fields (fields are independent).
  constexpr std::size_t kGroup = 32, kChunk = 256;
  const std::size_t plane = nx * ny;
  const std::size_t stage1_per_field = three ? nz : (ny + kGroup - 1) / kGroup;
  const std::size_t lines = three ? nz : ny;      // stage 2: lines along the last axis
  const std::size_t stride = three ? plane : nx;  // and the distance between them
  const std::size_t stage2_per_field = (stride + kChunk - 1) / kChunk;
  const std::int64_t stage1 = static_cast<std::int64_t>(stage1_per_field * num_fields);
  const std::int64_t stage2 = static_cast<std::int64_t>(stage2_per_field * num_fields);
#pragma omp parallel num_threads(threads) if (big)
  {
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage1; ++t) {
      const Job& job = jobs[static_cast<std::size_t>(t) / stage1_per_field];
      const std::size_t k = static_cast<std::size_t>(t) % stage1_per_field;
      const Factor& fx = job.fac[0];
      if (three) {
        const Factor& fy = job.fac[1];
        double* slab = job.c + k * plane;
        sweep_x(slab, nx, ny, fx.m.data(), fx.e.data(), fx.r * job.value);
        sweep_lines(slab, ny, nx, nx, fy.m.data(), fy.e.data(), fy.r * job.value);
      } else {
        const std::size_t j0 = k * kGroup;
        sweep_x(job.c + j0 * nx, nx, std::min(kGroup, ny - j0), fx.m.data(), fx.e.data(),
                fx.r * job.value);
      }
    }
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage2; ++t) {
      const Job& job = jobs[static_cast<std::size_t>(t) / stage2_per_field];
      const std::size_t p0 = static_cast<std::size_t>(t) % stage2_per_field * kChunk;
      const Factor& fac = job.fac[three ? 2 : 1];
      sweep_lines(job.c + p0, lines, stride, std::min(kChunk, stride - p0), fac.m.data(),
                  fac.e.data(), fac.r * job.value);
    }
  }
}

}  // namespace nksim
