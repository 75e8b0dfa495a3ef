// Virtual patients per second: one 300-day de Pillis 2005 run (mouse_nn, T0 = 1e6, an NK bolus
// of 1e7 cells on day 7, daily outputs, elimination/escape events) at atol 1e-6, on one thread,
// with each integrator and rtol (second argument, kMethods below). The counter max_rel_error is
// the run's accuracy: the largest relative error of N and L over the daily rows against a
// reference run (CVODE at rtol 1e-12, atol 1e-10); docs/performance.md, "Well-mixed integrators".
// benchmarks/compare_scipy.py runs the same problem with SciPy's LSODA.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "nksim/api/bench.h"
#include "nksim/io/well_mixed_scenario.h"

namespace {

struct BenchMethod {
  nksim::SolverMethod method;
  double rtol;
};
// 0: CVODE at rtol 1e-8; 1, 2: Rodas4 at 1e-8 and at 1e-6 (where its error, about 1e-6, is
// CVODE's at 1e-8); 3, 4: Rodas5P at 1e-8 and 1e-6; 5, 6: Rodas5P at 2e-9 and 3e-7, where its
// error is about Rodas4's at 1e-8 and at 1e-6.
constexpr BenchMethod kMethods[] = {
    {nksim::SolverMethod::kCvode, 1e-8},   {nksim::SolverMethod::kRodas4, 1e-8},
    {nksim::SolverMethod::kRodas4, 1e-6},  {nksim::SolverMethod::kRodas5P, 1e-8},
    {nksim::SolverMethod::kRodas5P, 1e-6}, {nksim::SolverMethod::kRodas5P, 2e-9},
    {nksim::SolverMethod::kRodas5P, 3e-7},
};

nksim::WellMixedScenario patient(double nk_dose, nksim::SolverMethod method, double rtol) {
  nksim::WellMixedScenario s = nksim::bench_patient_scenario(nk_dose);  // what nksim bench times
  s.solver.rtol = rtol;
  s.solver.atol = 1e-6;
  s.solver.method = method;
  return s;
}

// The largest relative error of N and L (states 1 and 2) over the rows, against the reference.
double max_rel_error(const nksim::WellMixedResult& run, const nksim::WellMixedResult& reference) {
  double worst = 0;
  for (std::size_t i = 0; i < reference.times_days.size(); ++i) {
    for (std::size_t state = 1; state < 3; ++state) {
      const double exact = reference.value(i, state);
      if (exact != 0) {
        worst = std::max(worst, std::fabs(run.value(i, state) - exact) / std::fabs(exact));
      }
    }
  }
  return worst;
}

// Arg: NK dose. 1e7 eliminates the tumour by day 14; 1e6 lets it escape (a harder run: the
// tumour grows to its carrying capacity).
void BM_DePillis2005Patient(benchmark::State& state) {
  const double dose = static_cast<double>(state.range(0));
  const BenchMethod& which = kMethods[state.range(1)];
  const nksim::WellMixedProblem problem = nksim::resolve(patient(dose, which.method, which.rtol));
  nksim::WellMixedScenario reference = patient(dose, nksim::SolverMethod::kCvode, 1e-12);
  reference.solver.atol = 1e-10;
  const nksim::WellMixedResult exact = nksim::simulate(nksim::resolve(reference));
  for (auto _ : state) {
    const nksim::WellMixedResult result = nksim::simulate(problem);
    benchmark::DoNotOptimize(result.values.data());
  }
  state.SetItemsProcessed(state.iterations());  // items = virtual patients
  const nksim::WellMixedResult result = nksim::simulate(problem);  // the same run, untimed
  state.counters["solver_steps"] = static_cast<double>(result.solver_steps);
  state.counters["max_rel_error"] = max_rel_error(result, exact);
}
BENCHMARK(BM_DePillis2005Patient)
    ->ArgsProduct({{10000000, 1000000}, {0, 1, 2, 3, 4, 5, 6}})
    ->ArgNames({"dose", "method"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
