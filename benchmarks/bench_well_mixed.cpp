// Virtual patients per second: one 300-day de Pillis 2005 run (mouse_nn, T0 = 1e6, an NK bolus
// of 1e7 cells on day 7, daily outputs, elimination/escape events) at rtol 1e-8, atol 1e-6, on
// one thread, with each integrator (second argument: 0 CVODE BDF, 1 Rodas4 at the same
// tolerances, 2 Rodas4 at rtol 1e-6, where its global error, about 1e-6 relative, matches
// CVODE's at rtol 1e-8; 3 Rodas5P at rtol 1e-8, 4 Rodas5P at rtol 1e-6: docs/performance.md,
// "Well-mixed integrators").
// benchmarks/compare_scipy.py runs the same problem with SciPy's LSODA.
#include <cstdint>

#include <benchmark/benchmark.h>

#include "nksim/api/bench.h"
#include "nksim/io/well_mixed_scenario.h"

namespace {

nksim::WellMixedScenario patient(double nk_dose, nksim::SolverMethod method) {
  nksim::WellMixedScenario s = nksim::bench_patient_scenario(nk_dose);  // what nksim bench times
  s.solver.rtol = 1e-8;
  s.solver.atol = 1e-6;
  s.solver.method = method;
  return s;
}

// Arg: NK dose. 1e7 eliminates the tumour by day 14; 1e6 lets it escape (a harder run: the
// tumour grows to its carrying capacity).
void BM_DePillis2005Patient(benchmark::State& state) {
  const std::int64_t which = state.range(1);
  const auto method = which == 0   ? nksim::SolverMethod::kCvode
                      : which <= 2 ? nksim::SolverMethod::kRodas4
                                   : nksim::SolverMethod::kRodas5P;
  nksim::WellMixedScenario scenario = patient(static_cast<double>(state.range(0)), method);
  if (which == 2 || which == 4) scenario.solver.rtol = 1e-6;
  const nksim::WellMixedProblem problem = nksim::resolve(scenario);
  long steps = 0;
  for (auto _ : state) {
    const nksim::WellMixedResult result = nksim::simulate(problem);
    steps = result.solver_steps;
    benchmark::DoNotOptimize(result.values.data());
  }
  state.SetItemsProcessed(state.iterations());  // items = virtual patients
  state.counters["solver_steps"] = static_cast<double>(steps);
}
BENCHMARK(BM_DePillis2005Patient)
    ->ArgsProduct({{10000000, 1000000}, {0, 1, 2, 3, 4}})
    ->ArgNames({"dose", "method"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
