// `nksim bench`: the standard figures of this machine (docs/performance.md, "Your machine's
// figures"), measured on built-in workloads made from values, so that no file is needed and the
// figures of two machines can be compared.
//
//   agent-steps per second: a 3-D periodic box of agents (r = 5 um, 30 % volume fraction) with
//     pairwise mechanics and a persistent random walk, after a few warm-up steps; measured on 1
//     and 2 threads and on the threads asked for, the repeats interleaved;
//   bytes per agent: the agent store's columns (AgentStore::bytes_per_agent), and the whole
//     per-agent memory of that run (Simulation::bytes_per_agent: store, neighbour grid, the
//     mechanics' neighbour lists);
//   voxel-updates per second per field: one field on a cube of voxels, with the explicit and the
//     implicit LOD solver;
//   well-mixed patients per second: 300-day de Pillis 2005 patients on one thread, the default
//     integrator and tolerances.
//
// Every figure is the median of several repeats, each of a bounded time. Timings depend on the
// machine and on what else runs on it: two runs never give the same numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/io/well_mixed_scenario.h"

namespace nksim {

struct BenchOptions {
  bool quick = false;       // smaller workloads and shorter repeats (about 3 s in all)
  int threads = 0;          // 0: OpenMP's default (all hardware threads unless told otherwise)
  std::int64_t agents = 0;  // 0: 10^5, 10^4 when quick
  int grid = 0;             // voxels per side of the diffusion cube; 0: 64, 32 when quick
  int repeats = 5;          // repeats per figure (the median is reported)
};

// Valid ranges of the options (what the command line accepts).
inline constexpr std::int64_t kBenchMinAgents = 100;
inline constexpr std::int64_t kBenchMaxAgents = 5000000;
inline constexpr int kBenchMinGrid = 8;
inline constexpr int kBenchMaxGrid = 400;

struct BenchAgentRate {
  int threads = 0;
  double agent_steps_per_s = 0;  // median over the repeats
};

struct BenchResult {
  // Machine and build.
  std::string cpu_model;
  int hardware_threads = 0;
  int threads = 0;
  std::string omp_wait_policy;  // empty when not set
  std::string gomp_spincount;   // empty when not set
  std::string version;
  std::string build_type;
  std::string compiler;
  bool quick = false;
  int repeats = 0;

  // Agents.
  std::int64_t agents = 0;
  int warmup_steps = 0;
  std::vector<BenchAgentRate> agent_rates;  // 1, 2 and `threads` threads (each once)
  double agent_steps_per_s = 0;             // on `threads` threads
  double agent_steps_per_s_per_thread = 0;  // the same divided by `threads`
  double two_thread_speedup = 0;            // rate on 2 threads / rate on 1, same run
  std::size_t agent_store_bytes_per_agent = 0;
  std::size_t total_bytes_per_agent = 0;

  // Diffusion, on `threads` threads.
  int grid = 0;
  std::size_t voxels = 0;
  double explicit_voxel_updates_per_s = 0;
  double implicit_voxel_updates_per_s = 0;
  double explicit_dt_min = 0, implicit_dt_min = 0;

  // Well-mixed engine, one thread.
  std::string well_mixed_model;
  std::string well_mixed_method;
  double well_mixed_rtol = 0, well_mixed_atol = 0;
  int cohort_size = 0;
  double patients_per_s = 0;
};

// The agent workload `nksim bench` times, as a scenario (TOML text), for tests and for anyone who
// wants to run it with `nksim run`.
std::string bench_agent_scenario(std::int64_t agents);
// The well-mixed patient it times: de Pillis 2005 (mouse_nn), T0 = 10^6, an NK bolus of
// `nk_dose` cells on day 7, 300 days, daily outputs, elimination and escape events, the default
// solver settings.
WellMixedScenario bench_patient_scenario(double nk_dose);

// Runs the measurements (about 20 s, about 3 s when quick). `progress`, when given, is told the
// name of each figure before it is measured. Throws InputError for options out of range.
BenchResult run_bench(const BenchOptions& options,
                      void (*progress)(const std::string& figure) = nullptr);

// The result as a table for a terminal (units in the header) and as JSON (bench_json's keys are
// listed in docs/performance.md).
std::string bench_table(const BenchResult& result);
nlohmann::ordered_json bench_json(const BenchResult& result);

}  // namespace nksim
