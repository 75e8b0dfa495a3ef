#include "nksim/fields/diffusion_lod.h"

#include <algorithm>
#include <cstdint>

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

void ImplicitLodSolver::step(FieldGrid& grid, double dt_min, int threads) {
  if (factor_dt_ != dt_min || factors_.size() != grid.num_fields() * 3) factorise(grid, dt_min);
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1], nz = n[2];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const std::size_t plane = nx * ny;
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    double* c = grid.values(f).data();
    const FieldSpec& s = grid.spec(f);
    const bool dirichlet = s.boundary == FieldBoundary::kDirichlet;
    // x: the recurrence along a line is latency-bound, so kLines lines (same slab, consecutive
    // j) are swept together: independent chains the CPU overlaps. Arithmetic per value is
    // unchanged, so results do not depend on the grouping.
    {
      const Factor& fac = factors_[f * 3 + 0];
      const double* m = fac.m.data();
      const double* e = fac.e.data();
      const double r = fac.r;
      const double bc = dirichlet ? r * s.boundary_value : 0.0;
      constexpr std::size_t kLines = 8;
      const std::size_t groups_per_slab = (ny + kLines - 1) / kLines;
      const std::int64_t groups = static_cast<std::int64_t>(groups_per_slab * nz);
#pragma omp parallel for schedule(static) num_threads(threads) if (big)
      for (std::int64_t group = 0; group < groups; ++group) {
        const std::size_t k = static_cast<std::size_t>(group) / groups_per_slab;
        const std::size_t j0 = (static_cast<std::size_t>(group) % groups_per_slab) * kLines;
        const std::size_t count = std::min(kLines, ny - j0);
        double* base = c + k * plane + j0 * nx;
        if (count == kLines) {
          for (std::size_t l = 0; l < kLines; ++l) base[l * nx] = (base[l * nx] + bc) * m[0];
          for (std::size_t i = 1; i < nx; ++i) {
            for (std::size_t l = 0; l < kLines; ++l) {
              double* v = base + l * nx;
              v[i] = (v[i] + r * v[i - 1]) * m[i];
            }
          }
          for (std::size_t l = 0; l < kLines; ++l) base[l * nx + nx - 1] += bc * m[nx - 1];
          for (std::size_t i = nx - 1; i-- > 0;) {
            for (std::size_t l = 0; l < kLines; ++l) {
              double* v = base + l * nx;
              v[i] += e[i] * v[i + 1];
            }
          }
          continue;
        }
        for (std::size_t l = 0; l < count; ++l) {
          double* v = base + l * nx;
          v[0] = (v[0] + bc) * m[0];
          for (std::size_t i = 1; i < nx; ++i) v[i] = (v[i] + r * v[i - 1]) * m[i];
          v[nx - 1] += bc * m[nx - 1];
          for (std::size_t i = nx - 1; i-- > 0;) v[i] += e[i] * v[i + 1];
        }
      }
    }
    // y: rows of nx values, slab by slab.
    if (grid.dim() >= 2) {
      const Factor& fac = factors_[f * 3 + 1];
      const double* m = fac.m.data();
      const double* e = fac.e.data();
      const double r = fac.r;
      const double bc = dirichlet ? r * s.boundary_value : 0.0;
      const std::int64_t slabs = static_cast<std::int64_t>(nz);
#pragma omp parallel for schedule(static) num_threads(threads) if (nz > 1 && big)
      for (std::int64_t k = 0; k < slabs; ++k) {
        double* slab = c + static_cast<std::size_t>(k) * plane;
        for (std::size_t i = 0; i < nx; ++i) slab[i] = (slab[i] + bc) * m[0];
        for (std::size_t j = 1; j < ny; ++j) {
          double* row = slab + j * nx;
          const double* prev = row - nx;
          const double last_bc = j + 1 == ny ? bc : 0.0;
          for (std::size_t i = 0; i < nx; ++i) row[i] = (row[i] + last_bc + r * prev[i]) * m[j];
        }
        if (ny == 1) {
          for (std::size_t i = 0; i < nx; ++i) slab[i] += bc * m[0];
        }
        for (std::size_t j = ny - 1; j-- > 0;) {
          double* row = slab + j * nx;
          const double* next = row + nx;
          for (std::size_t i = 0; i < nx; ++i) row[i] += e[j] * next[i];
        }
      }
    }
    // z: planes, in chunks of one plane so that each chunk's column stays in cache.
    if (grid.dim() == 3) {
      const Factor& fac = factors_[f * 3 + 2];
      const double* m = fac.m.data();
      const double* e = fac.e.data();
      const double r = fac.r;
      const double bc = dirichlet ? r * s.boundary_value : 0.0;
      constexpr std::size_t kChunk = 512;
      const std::int64_t chunks = static_cast<std::int64_t>((plane + kChunk - 1) / kChunk);
#pragma omp parallel for schedule(static) num_threads(threads) if (big)
      for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
        const std::size_t p0 = static_cast<std::size_t>(chunk) * kChunk;
        const std::size_t p1 = std::min(plane, p0 + kChunk);
        for (std::size_t p = p0; p < p1; ++p) c[p] = (c[p] + bc) * m[0];
        for (std::size_t k = 1; k < nz; ++k) {
          double* cur = c + k * plane;
          const double* prev = cur - plane;
          const double last_bc = k + 1 == nz ? bc : 0.0;
          for (std::size_t p = p0; p < p1; ++p) cur[p] = (cur[p] + last_bc + r * prev[p]) * m[k];
        }
        if (nz == 1) {
          for (std::size_t p = p0; p < p1; ++p) c[p] += bc * m[0];
        }
        for (std::size_t k = nz - 1; k-- > 0;) {
          double* cur = c + k * plane;
          const double* next = cur + plane;
          for (std::size_t p = p0; p < p1; ++p) cur[p] += e[k] * next[p];
        }
      }
    }
  }
}

}  // namespace nksim
