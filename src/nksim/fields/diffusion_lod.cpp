#include "nksim/fields/diffusion_lod.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "nksim/engine/parallel.h"
#include "nksim/fields/lod_kernels.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nksim {

using lod::padded_length;

namespace lod {

void factorise_line(std::size_t len, double r, double decay, bool neumann, std::vector<double>& m,
                    std::vector<double>& e) {
  m.assign(padded_length(len), 0.0);
  e.assign(padded_length(len), 0.0);
  const double open = neumann ? r : 0.0;
  for (std::size_t i = 0; i < len; ++i) {
    double b = 1.0 + decay + 2.0 * r;
    if (i == 0) b -= open;
    if (i + 1 == len) b -= open;
    const double pivot = i == 0 ? b : b - r * r * m[i - 1];
    m[i] = 1.0 / pivot;
    e[i] = r * m[i];
  }
}

}  // namespace lod

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
      lod::factorise_line(len, r, decay, s.boundary == FieldBoundary::kNeumann, fac.m, fac.e);
    }
  }
  factor_dt_ = dt_min;
}

namespace {

using lod::Coeffs;
using lod::FieldJob;
using lod::ZStep;

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
  const std::size_t scratch_size = lod::slab_scratch_size(nx, ny);
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
        if (job.prepare != nullptr) job.prepare(job.context, k);
        const ZStep z{cz.m[k], cz.e[k], cz.add[k], k == 0 ? nullptr : slab - plane};
        lod::sweep_slab(slab, nx, ny, job.axis[0], job.axis[1], &z, scratch,
                        k + 1 < nz ? slab + plane : nullptr);
      }
      lod::z_backward(job.c, plane, nz, cz.e, job.add_to);
    }
    if (whole < num_fields) {
      const std::int64_t slabs = static_cast<std::int64_t>((num_fields - whole) * nz);
#pragma omp for schedule(static)
      for (std::int64_t t = 0; t < slabs; ++t) {
        const FieldJob& job = jobs[whole + static_cast<std::size_t>(t) / nz];
        const std::size_t k = static_cast<std::size_t>(t) % nz;
        if (job.prepare != nullptr) job.prepare(job.context, k);
        lod::sweep_slab(job.c + k * plane, nx, ny, job.axis[0], job.axis[1], nullptr, scratch,
                        k + 1 < nz ? job.c + (k + 1) * plane : nullptr);
      }
      const std::int64_t columns = static_cast<std::int64_t>((num_fields - whole) * chunks);
#pragma omp for schedule(static)
      for (std::int64_t t = 0; t < columns; ++t) {
        const FieldJob& job = jobs[whole + static_cast<std::size_t>(t) / chunks];
        const std::size_t p0 = static_cast<std::size_t>(t) % chunks * kChunk;
        const std::size_t width = std::min(kChunk, plane - p0);
        lod::sweep_lines(job.c + p0, nz, plane, width, job.axis[2].m, job.axis[2].e, job.bc[2]);
        if (job.add_to != nullptr) {
          for (std::size_t k = 0; k < nz; ++k) {
            const double* from = job.c + k * plane + p0;
            double* to = job.add_to + k * plane + p0;
            for (std::size_t i = 0; i < width; ++i) to[i] += from[i];
          }
        }
      }
    }
  }
}

}  // namespace

void lod::sweep_fields(const FieldJob* jobs, std::size_t num_fields, std::size_t nx, std::size_t ny,
                      std::size_t nz, int dim, int threads) {
  if (dim == 3) {
    step_3d(jobs, num_fields, nx, ny, nz, threads);
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
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage1; ++t) {
      const FieldJob& job = jobs[static_cast<std::size_t>(t) / stage1_per_field];
      const std::size_t j0 = static_cast<std::size_t>(t) % stage1_per_field * kGroup;
      lod::sweep_x(job.c + j0 * nx, nx, std::min(kGroup, ny - j0), job.axis[0].m, job.axis[0].e,
                   job.bc[0]);
    }
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < stage2; ++t) {
      const FieldJob& job = jobs[static_cast<std::size_t>(t) / stage2_per_field];
      const std::size_t p0 = static_cast<std::size_t>(t) % stage2_per_field * kChunk;
      lod::sweep_lines(job.c + p0, ny, nx, std::min(kChunk, nx - p0), job.axis[1].m, job.axis[1].e,
                       job.bc[1]);
    }
  }
}

std::optional<std::string> ImplicitLodSolver::accuracy_warning(const FieldGrid& grid,
                                                               double dt_min) const {
  return diffusion_number_warning(
      grid, dt_min, kAccurateDiffusionNumber,
      "the implicit_lod solver's field near point-like sources and sinks is within 2 % of the "
      "grid's steady state (docs/spatial.md, accuracy of the solvers); a smaller "
      "dt_diffusion_min mends it, or diffusion_solver = \"implicit_adi_bdf2\", whose steady "
      "state is exact at any step (in the reference workload its field at the cells is within "
      "1 % of the converged one at D dt/h^2 = 25, this solver's within 6 % at 2.5)");
}

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
  lod::sweep_fields(jobs.data(), num_fields, nx, ny, n[2], grid.dim(), big ? threads : 1);
}

}  // namespace nksim
