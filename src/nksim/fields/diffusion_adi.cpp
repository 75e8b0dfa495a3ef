#include "nksim/fields/diffusion_adi.h"

#include <cstdint>
#include <string>

#include "nksim/core/simd.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/parallel.h"
#include "nksim/fields/lattice_laplacian.h"
#include "nksim/fields/lod_kernels.h"

namespace nksim {

void ImplicitAdiSolver::factorise(const FieldGrid& grid, double dt_min) {
  const auto n = grid.shape();
  const double h2 = grid.spacing_um() * grid.spacing_um();
  for (int b = 0; b < order_; ++b) {
    const double beta = b == 0 ? 1.0 : 2.0 / 3.0;
    factors_[b].assign(grid.num_fields() * 3, Factor{});
    for (std::size_t f = 0; f < grid.num_fields(); ++f) {
      const FieldSpec& s = grid.spec(f);
      for (int a = 0; a < grid.dim(); ++a) {
        Factor& fac = factors_[b][f * 3 + static_cast<std::size_t>(a)];
        const std::size_t len = n[a];
        const double r = len > 1 || s.boundary == FieldBoundary::kDirichlet
                             ? beta * (s.diffusion_um2_per_min * dt_min / h2)
                             : 0.0;
        lod::factorise_line(len, r, 0.0, s.boundary == FieldBoundary::kNeumann, fac.m, fac.e);
        fac.zeros.assign(lod::padded_length(len), 0.0);
      }
    }
  }
  factor_dt_ = dt_min;
}

void ImplicitAdiSolver::set_exchange(std::size_t f, const ExchangeView& exchange) {
  if (exchange_.size() <= f) exchange_.resize(f + 1);
  exchange_[f] = exchange;
}

namespace {

// One field's values and coefficients for adi_kernels::line_rhs.
struct AdiLine {
  const double* c;
  const double* boundary_line;  // nx boundary values (Dirichlet), else unused
  std::size_t nx, ny, nz;
  int dim;
  bool dirichlet;
  double cb, r, ldt, inv;  // inv: 1 / the diagonal factor without agents
};

}  // namespace

// One x line of the right-hand side, written so that the interior vectorises: scalar ends, a
// branch-free middle; the same operations per value in the same order at any size.
namespace adi_kernels {

template <int kDim, bool kBdf2>
[[gnu::always_inline]] inline void line_rhs_of(const AdiLine& p, std::size_t line,
                                               double* __restrict out) {
  constexpr double kBeta = 2.0 / 3.0, kThird = 1.0 / 3.0;
  const std::size_t nx = p.nx, ny = p.ny;
  const std::size_t j = line % ny, k = line / ny;
  const std::size_t v0 = line * nx;
  const double* __restrict self = p.c + v0;
  const double* edge = p.dirichlet ? p.boundary_line : self;
  const double* __restrict ym = j > 0 ? self - nx : edge;
  const double* __restrict yp = j + 1 < ny ? self + nx : edge;
  const double* __restrict zm = k > 0 ? self - nx * ny : edge;
  const double* __restrict zp = k + 1 < p.nz ? self + nx * ny : edge;
  double* __restrict o = out + v0;
  const double r = p.r, ldt = p.ldt, inv = p.inv;
  const auto value = [&](std::size_t i, double xm, double xp) {
    const double ci = self[i];
    double lap = xm - ci;
    lap += xp - ci;
    if constexpr (kDim >= 2) {
      lap += ym[i] - ci;
      lap += yp[i] - ci;
    }
    if constexpr (kDim == 3) {
      lap += zm[i] - ci;
      lap += zp[i] - ci;
    }
    if constexpr (kBdf2) {
      return (kBeta * (r * lap - ldt * ci) + kThird * o[i]) * inv;
    } else {
      return (r * lap - ldt * ci) * inv;
    }
  };
  const double ghost_lo = p.dirichlet ? p.cb : self[0];
  const double ghost_hi = p.dirichlet ? p.cb : self[nx - 1];
  if (nx == 1) {
    o[0] = value(0, ghost_lo, ghost_hi);
    return;
  }
  const double first = value(0, ghost_lo, self[1]);
  const double last = value(nx - 1, self[nx - 2], ghost_hi);
  for (std::size_t i = 1; i + 1 < nx; ++i) o[i] = value(i, self[i - 1], self[i + 1]);
  o[0] = first;
  o[nx - 1] = last;
}

// The right-hand side of the factored system for x line `line` of one field, divided by the
// diagonal factor without agents, written to out (which holds the last step's increment for
// BDF2; it is read before being overwritten, element by element):
//   first order: (dt (A c - lambda c)) / (1 + lambda dt)
//   BDF2:        (beta dt (A c - lambda c) + delta^- / 3) / (1 + beta lambda dt)
// A missing neighbour is the line itself (Neumann: adds c - c = 0) or a line of boundary values
// (Dirichlet); the Laplacian's terms are summed in lattice_laplacian's order.
NKSIM_SIMD_CLONES void line_rhs(const AdiLine& p, std::size_t line, double* out, bool bdf2) {
  switch (p.dim * 2 + (bdf2 ? 1 : 0)) {
    case 2:
      return line_rhs_of<1, false>(p, line, out);
    case 3:
      return line_rhs_of<1, true>(p, line, out);
    case 4:
      return line_rhs_of<2, false>(p, line, out);
    case 5:
      return line_rhs_of<2, true>(p, line, out);
    case 6:
      return line_rhs_of<3, false>(p, line, out);
    default:
      return line_rhs_of<3, true>(p, line, out);
  }
}

}  // namespace adi_kernels

namespace {

// The right-hand side of one slab of a 3-D field (lod::FieldJob::prepare): its x lines, then
// the voxels with agents in it.
struct AdiSlab {
  AdiLine line;
  bool bdf2;
  double* out;
  const std::uint32_t* voxels;      // the exchange's voxels
  const double* touched;            // their values, by exchange index
  const std::uint32_t* order;       // exchange indices by slab
  const std::uint32_t* slab_start;  // nz + 1 offsets into order
};

void adi_prepare_slab(const void* context, std::size_t k) {
  const AdiSlab& s = *static_cast<const AdiSlab*>(context);
  const std::size_t ny = s.line.ny;
  for (std::size_t j = 0; j < ny; ++j) adi_kernels::line_rhs(s.line, k * ny + j, s.out, s.bdf2);
  for (std::uint32_t q = s.slab_start[k]; q < s.slab_start[k + 1]; ++q) {
    s.out[s.voxels[s.order[q]]] = s.touched[s.order[q]];
  }
}

}  // namespace

void ImplicitAdiSolver::step(FieldGrid& grid, double dt_min, int threads) {
  if (factor_dt_ != dt_min || factors_[0].size() != grid.num_fields() * 3) {
    factorise(grid, dt_min);
  }
  const auto n = grid.shape();
  const std::size_t nx = n[0], ny = n[1], nz = n[2];
  const bool big = static_cast<std::int64_t>(grid.num_voxels()) >= kMinParallelVoxels;
  const int team = big ? threads : 1;
  const double h2 = grid.spacing_um() * grid.spacing_um();
  const int dim = grid.dim();
  const std::size_t num_fields = grid.num_fields();
  exchange_.resize(num_fields);
  if (delta_.size() != num_fields) history_dt_ = -1;
  delta_.resize(num_fields);
  for (const std::vector<double>& d : delta_) {
    if (d.size() != grid.num_voxels()) history_dt_ = -1;
  }
  // BDF2 needs the last step's increment, taken with this dt.
  const bool bdf2 = order_ == 2 && history_dt_ == dt_min;
  constexpr double kBeta = 2.0 / 3.0, kThird = 1.0 / 3.0;
  const std::vector<Factor>& factors = factors_[bdf2 ? 1 : 0];
  std::vector<lod::FieldJob> jobs(num_fields);
  std::vector<AdiSlab> slabs(num_fields);
  scratch_.resize(num_fields);
  const std::size_t plane = nx * ny;
  for (std::size_t f = 0; f < num_fields; ++f) {
    const FieldSpec& s = grid.spec(f);
    const double r = s.diffusion_um2_per_min * dt_min / h2;
    const double ldt = s.decay_per_min * dt_min;
    const bool dirichlet = s.boundary == FieldBoundary::kDirichlet;
    const double* c = grid.values(f).data();
    std::vector<double>& delta = delta_[f];
    delta.resize(grid.num_voxels());
    double* out = delta.data();
    FieldScratch& fs = scratch_[f];
    fs.boundary_line.assign(dirichlet ? nx : 0, s.boundary_value);
    const AdiLine line_job{c,   fs.boundary_line.data(), nx, ny, nz, dim, dirichlet, s.boundary_value,
                           r,   ldt,
                           1.0 / (1.0 + (bdf2 ? kBeta * ldt : ldt))};
    const LaplacianStencil stencil{nx, ny, nz, dim, dirichlet, s.boundary_value};
    // dt (A c - lambda c) at voxel v, with the explicit solver's Laplacian.
    const auto rate = [&](std::size_t v) {
      const std::size_t i = v % nx, j = v / nx % ny, k = v / (nx * ny);
      return r * lattice_laplacian(stencil, c, v, i, j, k) - ldt * c[v];
    };
    const ExchangeView ex = exchange_[f];
    exchange_[f] = ExchangeView{};
    fs.touched.resize(ex.count);
    double* touched = fs.touched.data();
    const std::int64_t lines = static_cast<std::int64_t>(ny * nz);
    const std::int64_t count = static_cast<std::int64_t>(ex.count);
#pragma omp parallel num_threads(team) if (team > 1)
    {
      // Voxels with agents: the diagonal factor with their sink, and their source (multiplied
      // through by alpha; see the header). Computed first: BDF2 reads the history there.
#pragma omp for schedule(static)
      for (std::int64_t q = 0; q < count; ++q) {
        const std::size_t at = static_cast<std::size_t>(q) * ex.stride;
        const std::size_t v = ex.voxels[q];
        const double alpha = ex.alpha[at], beta = ex.beta[at];
        if (bdf2) {
          touched[q] = (kBeta * (alpha * rate(v) - (1.0 - alpha) * c[v] + beta) +
                        kThird * alpha * out[v]) /
                       (alpha + kBeta * (alpha * ldt + (1.0 - alpha)));
        } else {
          touched[q] = (alpha * rate(v) + beta - (1.0 - alpha) * c[v]) / (1.0 + alpha * ldt);
        }
      }
      if (dim != 3) {  // 2-D: the whole right-hand side now (3-D: slab by slab, in the sweep)
#pragma omp for schedule(static)
        for (std::int64_t line = 0; line < lines; ++line) {
          adi_kernels::line_rhs(line_job, static_cast<std::size_t>(line), out, bdf2);
        }
#pragma omp for schedule(static)
        for (std::int64_t q = 0; q < count; ++q) out[ex.voxels[q]] = touched[q];
      }
    }
    lod::FieldJob& job = jobs[f];
    job.c = out;
    for (int a = 0; a < dim; ++a) {
      const Factor& fac = factors[f * 3 + static_cast<std::size_t>(a)];
      job.axis[a] = lod::Coeffs{fac.m.data(), fac.e.data(), fac.zeros.data()};
      job.bc[a] = 0.0;
    }
    if (dim == 3) {
      // The exchange's voxels by slab (counting sort, in exchange order within a slab).
      fs.slab_start.assign(nz + 1, 0);
      for (std::size_t q = 0; q < ex.count; ++q) ++fs.slab_start[ex.voxels[q] / plane + 1];
      for (std::size_t k = 0; k < nz; ++k) fs.slab_start[k + 1] += fs.slab_start[k];
      fs.order.resize(ex.count);
      fs.cursor.assign(fs.slab_start.begin(), fs.slab_start.end() - 1);
      for (std::size_t q = 0; q < ex.count; ++q) {
        fs.order[fs.cursor[ex.voxels[q] / plane]++] = static_cast<std::uint32_t>(q);
      }
      slabs[f] = AdiSlab{line_job,          bdf2,          out, ex.voxels, touched,
                         fs.order.data(), fs.slab_start.data()};
      job.prepare = adi_prepare_slab;
      job.context = &slabs[f];
      job.add_to = grid.values(f).data();
    }
  }
  // 3-D: each slab's right-hand side is written right before the slab is swept, and the
  // increment is added to the field as the z back substitution finishes it (one pass less over
  // the fields each way; the same operations per value, so the same results).
  lod::sweep_fields(jobs.data(), num_fields, nx, ny, nz, dim, team);
  if (dim != 3) {
    const std::int64_t voxels = static_cast<std::int64_t>(grid.num_voxels());
    for (std::size_t f = 0; f < num_fields; ++f) {
      double* c = grid.values(f).data();
      const double* d = delta_[f].data();
#pragma omp parallel for schedule(static) num_threads(team) if (team > 1)
      for (std::int64_t v = 0; v < voxels; ++v) c[v] += d[v];
    }
  }
  history_dt_ = dt_min;
}

std::optional<std::string> ImplicitAdiSolver::accuracy_warning(const FieldGrid& grid,
                                                               double dt_min) const {
  return diffusion_number_warning(
      grid, dt_min, kTransientDiffusionNumber,
      std::string("the ") + name() +
          " solver builds the peak of a newly switched-on point source within ~10 steps; its "
          "steady state is exact at any step, and fields fed by many cells or by slowly changing "
          "sources stay accurate well above it (docs/spatial.md, accuracy of the solvers); a "
          "smaller dt_diffusion_min mends it");
}

void ImplicitAdiSolver::save_state(StateWriter& out) const {
  if (order_ != 2) return;
  out.put_value("history_dt_min", history_dt_);
  out.put_value("fields", static_cast<std::uint64_t>(delta_.size()));
  for (std::size_t f = 0; f < delta_.size(); ++f) {
    out.put("increment/" + std::to_string(f), delta_[f]);
  }
}

void ImplicitAdiSolver::restore_state(const StateReader& in) {
  if (order_ != 2) return;
  history_dt_ = in.get_value<double>("history_dt_min");
  delta_.resize(in.get_value<std::uint64_t>("fields"));
  for (std::size_t f = 0; f < delta_.size(); ++f) {
    delta_[f] = in.get<double>("increment/" + std::to_string(f));
  }
}

}  // namespace nksim
