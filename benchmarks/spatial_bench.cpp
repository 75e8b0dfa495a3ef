// Spatial engine micro-benchmarks (figures in docs/performance.md, section "Spatial engine").
//
//   BM_AgentSteps/<agents>/<threads>/<warm-up steps>: one mechanics step (pairwise mechanics
//     with its neighbour lists, persistent random walk, position update) of a 3-D periodic box at
//     30 % volume fraction, after 1 step (the first pushes of a random placement: lists rebuilt
//     every step) or 100 (relaxed: lists rebuilt every few steps); items/s = agent-steps per
//     second.
//   BM_Diffusion/<solver>/<threads>: one diffusion-decay step of one field on 100^3 voxels;
//     items/s = voxel updates per second.
//   BM_StreamField/<threads>: each thread reads and rewrites one array of 75^3 doubles, the
//     bandwidth bound the diffusion figures are compared with; bytes/s.
//   BM_DiffusionReference/<threads>: one implicit LOD step of the two fields of
//     scenarios/bench_cancer_immune_3d.toml (and bench_diffusion_motility_3d.toml: 75^3 voxels
//     of 20 um; oxygen: D 1e5, decay 0.1, Dirichlet 38; factor: D 1000, decay 0.016, Neumann;
//     dt 0.01 min); items/s = voxel updates per second over both fields.
//   BM_DiffusionReferenceAdi/<threads>: the same with the implicit_adi solver (no agents: the
//     exchange terms cost only in voxels with agents).
//   BM_DiffusionReferenceBdf2/<threads>: the same with implicit_adi_bdf2 (after its first step,
//     every timed step is a BDF2 step).
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "nksim/api/bench.h"
#include "nksim/fields/diffusion_solver.h"
#include "nksim/io/spatial_scenario.h"
#include "nksim/io/toml_reader.h"

namespace {

void BM_AgentSteps(benchmark::State& state) {
  const std::int64_t agents = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  nksim::SpatialModel model = nksim::load_spatial(
      nksim::TomlDocument::parse_string(nksim::bench_agent_scenario(agents), "bench.toml"),
      threads);
  nksim::Simulation& sim = *model.simulation;
  // Warm up: the uniform placement overlaps heavily at first; relax it so the timed steps are
  // the steady state of a crawling tissue, not the first pushes.
  const int warmup = static_cast<int>(state.range(2));
  for (int s = 0; s < warmup; ++s) sim.step();
  for (auto _ : state) sim.step();
  state.SetItemsProcessed(state.iterations() * agents);
  state.counters["bytes_per_agent"] = static_cast<double>(sim.bytes_per_agent());
}
BENCHMARK(BM_AgentSteps)
    ->ArgsProduct({{10000, 100000}, {1, 2}, {1, 100}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AgentSteps)
    ->ArgsProduct({{1000000}, {1, 2}, {1, 100}})
    ->Iterations(10)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Diffusion(benchmark::State& state) {
  const bool implicit = state.range(0) == 0;
  const int threads = static_cast<int>(state.range(1));
  nksim::Domain d;
  d.dim = 3;
  d.lo_um = {0, 0, 0};
  d.hi_um = {2000, 2000, 2000};
  nksim::FieldGrid grid(
      d, 20.0, {nksim::FieldSpec{"o2", 1e5, 0.1, 38.0, nksim::FieldBoundary::kDirichlet, 38.0}});
  grid.values(0)[grid.num_voxels() / 2] = 1e3;
  auto solver = nksim::make_diffusion_solver(implicit ? "implicit_lod" : "explicit");
  const double dt = implicit ? 0.01 : 0.0006;  // explicit: below its bound 1/(6 D/h^2 + decay)
  for (auto _ : state) solver->step(grid, dt, threads);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(grid.num_voxels()));
  state.SetLabel(implicit ? "implicit_lod" : "explicit");
  state.counters["bytes_per_voxel_per_field"] = sizeof(double);
}
BENCHMARK(BM_Diffusion)
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void diffusion_reference(benchmark::State& state, const char* solver_name) {
  const int threads = static_cast<int>(state.range(0));
  nksim::Domain d;
  d.dim = 3;
  d.lo_um = {-750, -750, -750};
  d.hi_um = {750, 750, 750};
  nksim::FieldGrid grid(
      d, 20.0,
      {nksim::FieldSpec{"oxygen", 1e5, 0.1, 38.0, nksim::FieldBoundary::kDirichlet, 38.0},
       nksim::FieldSpec{"factor", 1000, 0.016, 0.0, nksim::FieldBoundary::kNeumann, 0.0}});
  // A tumour-like sink and source in the middle, so neither field is uniform.
  const std::size_t centre = grid.num_voxels() / 2;
  grid.values(0)[centre] = 0.0;
  grid.values(1)[centre] = 1e3;
  auto solver = nksim::make_diffusion_solver(solver_name);
  for (auto _ : state) solver->step(grid, 0.01, threads);
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(grid.num_voxels() * grid.num_fields()));
  state.SetLabel("75^3 x 2 fields");
}
void BM_DiffusionReference(benchmark::State& state) { diffusion_reference(state, "implicit_lod"); }
BENCHMARK(BM_DiffusionReference)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_DiffusionReferenceAdi(benchmark::State& state) {
  diffusion_reference(state, "implicit_adi");
}
BENCHMARK(BM_DiffusionReferenceAdi)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_DiffusionReferenceBdf2(benchmark::State& state) {
  diffusion_reference(state, "implicit_adi_bdf2");
}
BENCHMARK(BM_DiffusionReferenceBdf2)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

// The memory-bandwidth bound the diffusion figures are compared with: each thread streams one
// array of the size of one reference field (75^3 doubles, 3.4 MB: it fits in L3, not in L2),
// reading and writing every value once per pass (16 B per value), as one LOD pass does.
void BM_StreamField(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const std::size_t n = 75 * 75 * 75;
  std::vector<std::vector<double>> arrays(static_cast<std::size_t>(threads),
                                          std::vector<double>(n, 1.0));
  for (auto _ : state) {
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int t = 0; t < threads; ++t) {
      double* x = arrays[static_cast<std::size_t>(t)].data();
      for (std::size_t i = 0; i < n; ++i) x[i] = x[i] * 0.999 + 0.001;
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * threads * static_cast<std::int64_t>(n) * 16);
}
BENCHMARK(BM_StreamField)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
