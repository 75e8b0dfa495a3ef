#include "nksim/fields/diffusion_explicit.h"

#include <cstdint>

#include "nksim/engine/parallel.h"
#include "nksim/fields/lattice_laplacian.h"

#include "nksim/core/text.h"

namespace nksim {

std::optional<std::string> ExplicitSolver::check_step(const FieldGrid& grid, double dt_min) const {
  const double h2 = grid.spacing_um() * grid.spacing_um();
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    const FieldSpec& s = grid.spec(f);
    const double limit = 1.0 / (2.0 * grid.dim() * s.diffusion_um2_per_min / h2 + s.decay_per_min);
    if (dt_min > limit) {
      return "the explicit diffusion solver is unstable for field '" + s.name + "' at dt " +
             format_number(dt_min) +
             " min: it needs dt <= 1/(2 d D/h^2 + decay) = " + format_number(limit, 4) +
             " min; use a smaller dt_diffusion_min, a coarser voxel_um, or diffusion_solver = "
             "\"implicit_lod\"";
    }
  }
  return std::nullopt;
}

void ExplicitSolver::step(FieldGrid& grid, double dt_min, int threads) {
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1], nz = n[2];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const double h2 = grid.spacing_um() * grid.spacing_um();
  const int dim = grid.dim();
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    const FieldSpec& s = grid.spec(f);
    const double r = s.diffusion_um2_per_min * dt_min / h2;
    const double keep = 1.0 - s.decay_per_min * dt_min;
    const bool dirichlet = s.boundary == FieldBoundary::kDirichlet;
    const double cb = s.boundary_value;
    const std::vector<double>& c = grid.values(f);
    next_.resize(c.size());
    const LaplacianStencil stencil{nx, ny, nz, dim, dirichlet, cb};
    const std::int64_t lines = static_cast<std::int64_t>(ny * nz);
#pragma omp parallel for schedule(static) num_threads(threads) if (big)
    for (std::int64_t line = 0; line < lines; ++line) {
      const std::size_t j = static_cast<std::size_t>(line) % ny;
      const std::size_t k = static_cast<std::size_t>(line) / ny;
      for (std::size_t i = 0; i < nx; ++i) {
        const std::size_t v = (k * ny + j) * nx + i;
        const double ci = c[v];
        const double lap = lattice_laplacian(stencil, c.data(), v, i, j, k);
        next_[v] = keep * ci + r * lap;
      }
    }
    grid.values(f).swap(next_);
  }
}

}  // namespace nksim
