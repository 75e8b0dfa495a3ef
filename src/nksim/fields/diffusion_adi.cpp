#include "nksim/fields/diffusion_adi.h"

#include <cstdint>

#include "nksim/engine/parallel.h"
#include "nksim/fields/lattice_laplacian.h"
#include "nksim/fields/lod_kernels.h"

namespace nksim {

void ImplicitAdiSolver::factorise(const FieldGrid& grid, double dt_min) {
  const auto n = grid.shape();
  const double h2 = grid.spacing_um() * grid.spacing_um();
  factors_.assign(grid.num_fields() * 3, Factor{});
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    const FieldSpec& s = grid.spec(f);
    for (int a = 0; a < grid.dim(); ++a) {
      Factor& fac = factors_[f * 3 + static_cast<std::size_t>(a)];
      const std::size_t len = n[a];
      const double r = len > 1 || s.boundary == FieldBoundary::kDirichlet
                           ? s.diffusion_um2_per_min * dt_min / h2
                           : 0.0;
      lod::factorise_line(len, r, 0.0, s.boundary == FieldBoundary::kNeumann, fac.m, fac.e);
      fac.zeros.assign(lod::padded_length(len), 0.0);
    }
  }
  factor_dt_ = dt_min;
}

void ImplicitAdiSolver::set_exchange(std::size_t f, const ExchangeView& exchange) {
  if (exchange_.size() <= f) exchange_.resize(f + 1);
  exchange_[f] = exchange;
}

void ImplicitAdiSolver::step(FieldGrid& grid, double dt_min, int threads) {
  if (factor_dt_ != dt_min || factors_.size() != grid.num_fields() * 3) factorise(grid, dt_min);
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1], nz = n[2];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const int team = big ? threads : 1;
  const double h2 = grid.spacing_um() * grid.spacing_um();
  const int dim = grid.dim();
  const std::size_t num_fields = grid.num_fields();
  exchange_.resize(num_fields);
  delta_.resize(num_fields);
  std::vector<lod::FieldJob> jobs(num_fields);
  std::vector<double> boundary_line;
  for (std::size_t f = 0; f < num_fields; ++f) {
    const FieldSpec& s = grid.spec(f);
    const double r = s.diffusion_um2_per_min * dt_min / h2;
    const double ldt = s.decay_per_min * dt_min;
    const double inv = 1.0 / (1.0 + ldt);
    const bool dirichlet = s.boundary == FieldBoundary::kDirichlet;
    const double cb = s.boundary_value;
    const double* c = grid.values(f).data();
    std::vector<double>& delta = delta_[f];
    delta.resize(grid.num_voxels());
    double* out = delta.data();
    // dt (A c - lambda c) at voxel v, with the explicit solver's Laplacian.
    const LaplacianStencil stencil{nx, ny, nz, dim, dirichlet, cb};
    const auto rate = [&](std::size_t v) {
      const std::size_t i = v % nx, j = v / nx % ny, k = v / (nx * ny);
      return r * lattice_laplacian(stencil, c, v, i, j, k) - ldt * c[v];
    };
    if (dirichlet) boundary_line.assign(nx, cb);
    const ExchangeView ex = exchange_[f];
    const std::int64_t lines = static_cast<std::int64_t>(ny * nz);
    const std::int64_t touched = static_cast<std::int64_t>(ex.count);
#pragma omp parallel num_threads(team) if (team > 1)
    {
#pragma omp for schedule(static)
      for (std::int64_t line = 0; line < lines; ++line) {
        // rate() for a whole x line (the same terms in the same order as lattice_laplacian): a missing neighbour is the line itself (Neumann: adds
        // c - c = 0) or a line of boundary values (Dirichlet), so the loop has no branches.
        const std::size_t j = static_cast<std::size_t>(line) % ny;
        const std::size_t k = static_cast<std::size_t>(line) / ny;
        const std::size_t v0 = static_cast<std::size_t>(line) * nx;
        const double* self = c + v0;
        const double* edge = dirichlet ? boundary_line.data() : self;
        const double* ym = j > 0 ? self - nx : edge;
        const double* yp = j + 1 < ny ? self + nx : edge;
        const double* zm = dim == 3 ? (k > 0 ? self - nx * ny : edge) : self;
        const double* zp = dim == 3 ? (k + 1 < nz ? self + nx * ny : edge) : self;
        const double x_ghost_lo = dirichlet ? cb : self[0];
        const double x_ghost_hi = dirichlet ? cb : self[nx - 1];
        for (std::size_t i = 0; i < nx; ++i) {
          const double ci = self[i];
          const double xm = i > 0 ? self[i - 1] : x_ghost_lo;
          const double xp = i + 1 < nx ? self[i + 1] : x_ghost_hi;
          double lap = xm - ci;
          lap += xp - ci;
          if (dim >= 2) {
            lap += ym[i] - ci;
            lap += yp[i] - ci;
          }
          if (dim == 3) {
            lap += zm[i] - ci;
            lap += zp[i] - ci;
          }
          out[v0 + i] = (r * lap - ldt * ci) * inv;
        }
      }
      // Voxels with agents: the diagonal factor with their sink, and their source.
#pragma omp for schedule(static)
      for (std::int64_t q = 0; q < touched; ++q) {
        const std::size_t at = static_cast<std::size_t>(q) * ex.stride;
        const std::size_t v = ex.voxels[q];
        const double alpha = ex.alpha[at], beta = ex.beta[at];
        out[v] = (alpha * rate(v) + beta - (1.0 - alpha) * c[v]) / (1.0 + alpha * ldt);
      }
    }
    exchange_[f] = ExchangeView{};
    lod::FieldJob& job = jobs[f];
    job.c = out;
    for (int a = 0; a < dim; ++a) {
      const Factor& fac = factors_[f * 3 + static_cast<std::size_t>(a)];
      job.axis[a] = lod::Coeffs{fac.m.data(), fac.e.data(), fac.zeros.data()};
      job.bc[a] = 0.0;
    }
  }
  lod::sweep_fields(jobs.data(), num_fields, nx, ny, nz, dim, team);
  const std::int64_t voxels = static_cast<std::int64_t>(grid.num_voxels());
  for (std::size_t f = 0; f < num_fields; ++f) {
    double* c = grid.values(f).data();
    const double* d = delta_[f].data();
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1)
    for (std::int64_t v = 0; v < voxels; ++v) c[v] += d[v];
  }
}

}  // namespace nksim
