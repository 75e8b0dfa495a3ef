// Accuracy of the diffusion solvers near a point source (docs/spatial.md, "Accuracy of the
// solvers"). Prints, for each step D dt/h^2, each solver's
//   - steady-state error: its fixed point (run from the lattice steady state until it no longer
//     changes) against the exact lattice steady state, at the source voxel, its neighbour on an
//     axis and on a diagonal;
//   - transient error: the field at the source after T = 50 h^2/D (about 3 decay times) of a source
//     switched on at t = 0, against implicit_adi_bdf2 at D dt/h^2 = 0.002 (second order in time).
//     The explicit and LOD solvers are not the reference: with the exchange split off, their
//     source voxel is off in steady state.
// Problem: 3-D, 21^3 voxels of h = 10 um, D = 100 um^2/min, decay 0.0625/min (L = sqrt(D/decay) = 4
// voxels), zero-flux box; a source of 5/min in the centre voxel and a sink (uptake 2/min) 2-3
// voxels away, given to every solver as the secretion mechanism's implicit map c -> alpha c + beta
// (applied before the step, or passed to a solver that takes the exchange).
// Run: build/benchmarks/diffusion_accuracy
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <cmath>
#include <cstdio>
#include <vector>

#include "nksim/fields/diffusion_solver.h"

namespace {

using nksim::FieldGrid;

constexpr double kH = 10, kD = 100, kLambda = 0.0625, kS = 5, kK = 2;
constexpr std::size_t kN = 21;

FieldGrid make_grid() {
  nksim::Domain d;
  d.dim = 3;
  const double half = static_cast<double>(kN) * kH / 2;
  d.lo_um = {-half, -half, -half};
  d.hi_um = {half, half, half};
  return FieldGrid(d, kH, {nksim::FieldSpec{"c", kD, kLambda, 0.0,
                                            nksim::FieldBoundary::kNeumann, 0.0}});
}

struct Voxels {
  std::size_t source, axis, diagonal, sink;
};

std::vector<double> lattice(const FieldGrid& g, const Voxels& v) {
  const auto n = g.shape();
  const std::size_t N = g.num_voxels();
  const double a = kD / (kH * kH);
  const std::size_t stride[3] = {1, n[0], n[0] * n[1]};
  std::vector<Eigen::Triplet<double>> t;
  for (std::size_t i = 0; i < N; ++i) {
    const std::size_t idx[3] = {i % n[0], i / n[0] % n[1], i / (n[0] * n[1])};
    double diag = kLambda + (i == v.sink ? kK : 0.0);
    for (int ax = 0; ax < 3; ++ax) {
      if (idx[ax] > 0) diag += a, t.emplace_back(int(i), int(i - stride[ax]), -a);
      if (idx[ax] + 1 < n[ax]) diag += a, t.emplace_back(int(i), int(i + stride[ax]), -a);
    }
    t.emplace_back(int(i), int(i), diag);
  }
  const auto size = static_cast<Eigen::Index>(N);
  Eigen::SparseMatrix<double> m(size, size);
  m.setFromTriplets(t.begin(), t.end());
  Eigen::VectorXd b = Eigen::VectorXd::Zero(size);
  b[Eigen::Index(v.source)] = kS;
  Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
  cg.setTolerance(1e-14);
  cg.compute(m);
  const Eigen::VectorXd x = cg.solve(b);
  return {x.data(), x.data() + x.size()};
}

// One step of `solver` with the source and sink.
void step(nksim::DiffusionSolver& solver, FieldGrid& g, const Voxels& v, double dt) {
  const std::uint32_t ids[2] = {std::uint32_t(v.source), std::uint32_t(v.sink)};
  const double alpha[2] = {1.0, 1.0 / (1.0 + kK * dt)};
  const double beta[2] = {kS * dt, 0.0};
  if (solver.takes_exchange()) {
    solver.set_exchange(0, nksim::ExchangeView{ids, alpha, beta, 2, 1});
  } else {
    for (int q = 0; q < 2; ++q) g.values(0)[ids[q]] = alpha[q] * g.values(0)[ids[q]] + beta[q];
  }
  solver.step(g, dt, 1);
}

}  // namespace

int main() {
  FieldGrid base = make_grid();
  const Voxels v{base.voxel_of(0, 0, 0), base.voxel_of(kH, 0, 0), base.voxel_of(kH, kH, 0),
                 base.voxel_of(25, 15, -5)};
  const std::vector<double> exact = lattice(base, v);
  const double t_end = 50 * kH * kH / kD;
  // Transient reference.
  double reference = 0;
  {
    FieldGrid g = make_grid();
    auto s = nksim::make_diffusion_solver("implicit_adi_bdf2");
    const double dt = 0.002 * kH * kH / kD;
    for (long i = 0; i < std::lround(t_end / dt); ++i) step(*s, g, v, dt);
    reference = g.values(0)[v.source];
  }
  std::printf(
      "%-17s %7s | steady state vs lattice: %8s %8s %8s | transient at source | "
      "time to 98 %% of the peak\n",
      "solver", "Ddt/h^2", "source", "axis", "diagonal");
  for (const char* name : {"explicit", "implicit_lod", "implicit_adi", "implicit_adi_bdf2"}) {
    for (double number : {0.02, 0.05, 0.1, 0.15, 0.25, 1.0, 2.5, 5.0, 25.0}) {
      const double dt = number * kH * kH / kD;
      auto solver = nksim::make_diffusion_solver(name);
      FieldGrid g = make_grid();
      if (solver->check_step(g, dt)) continue;  // unstable (explicit)
      g.values(0) = exact;
      for (int i = 0; i < 200000; ++i) {  // to the solver's own fixed point
        const double before = g.values(0)[v.source];
        step(*solver, g, v, dt);
        if (std::abs(g.values(0)[v.source] - before) < 1e-14 * before && i > 10) break;
      }
      const auto err = [&](std::size_t at) { return 100 * (g.values(0)[at] / exact[at] - 1); };
      FieldGrid t = make_grid();
      auto fresh = nksim::make_diffusion_solver(name);
      const long steps = std::lround(t_end / dt);
      for (long i = 0; i < steps; ++i) step(*fresh, t, v, dt);
      // Time until the source voxel is within 2 % of its steady value (the lattice's), from zero.
      FieldGrid rise = make_grid();
      auto rising = nksim::make_diffusion_solver(name);
      long taken = 0;
      while (taken < 100000 && rise.values(0)[v.source] < 0.98 * exact[v.source]) {
        step(*rising, rise, v, dt);
        ++taken;
      }
      char rise_text[64] = "never (its steady state is lower)";
      if (taken < 100000) {
        std::snprintf(rise_text, sizeof rise_text, "%.1f min (%ld steps)",
                      static_cast<double>(taken) * dt, taken);
      }
      std::printf("%-17s %7.2f | %+23.3f%% %+7.3f%% %+7.3f%% | %+.3f%% | %s\n", name, number,
                  err(v.source), err(v.axis), err(v.diagonal),
                  100 * (t.values(0)[v.source] / reference - 1), rise_text);
    }
  }
}
