#include "nksim/api/bench.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "nksim/api/session.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/fields/diffusion_solver.h"
#include "nksim/fields/field_grid.h"
#include "nksim/io/toml_reader.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/ode/well_mixed.h"

#ifndef NKSIM_BUILD_TYPE
#define NKSIM_BUILD_TYPE "unknown"
#endif

namespace nksim {
namespace bench_detail {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median_of(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Runs `unit` (which does some work and returns how many items it did) until `slice_s` seconds
// have passed, at least once; returns items per second.
template <class Unit>
double rate_over(double slice_s, Unit&& unit) {
  const Clock::time_point start = Clock::now();
  double items = 0;
  double elapsed = 0;
  do {
    items += unit();
    elapsed = seconds_since(start);
  } while (elapsed < slice_s);
  return items / elapsed;
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    std::string name = line.substr(colon + 1);
    const std::size_t first = name.find_first_not_of(" \t");
    return first == std::string::npos ? "unknown" : name.substr(first);
  }
  return "unknown";
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// A number with three significant digits, in scientific notation above 10^4.
std::string figure(double value) {
  char text[32];
  if (value >= 1e4) {
    std::snprintf(text, sizeof text, "%.3g", value);
    std::string s = text;  // 1.23e+07 -> 1.23e7
    const std::size_t e = s.find("e+");
    if (e != std::string::npos) {
      std::size_t digits = e + 2;
      while (digits + 1 < s.size() && s[digits] == '0') ++digits;
      s = s.substr(0, e + 1) + s.substr(digits);
    }
    return s;
  }
  std::snprintf(text, sizeof text, value >= 100 ? "%.0f" : "%.3g", value);
  return text;
}

WellMixedProblem bench_patient(double nk_dose) { return resolve(bench_patient_scenario(nk_dose)); }

}  // namespace bench_detail

std::string bench_agent_scenario(std::int64_t agents) {
  // r = 5 um at 30 % volume fraction: 4/3 pi 5^3 / 0.3 ~= 1745 um^3 per agent.
  const double side = std::cbrt(static_cast<double>(agents) * 1745.0);
  const std::string h = format_number(side / 2, 10);
  return "[simulation]\nengine = \"spatial\"\ndimension = 3\ndomain_min_um = [-" + h + ", -" + h +
         ", -" + h + "]\ndomain_max_um = [" + h + ", " + h + ", " + h +
         "]\nboundary = \"periodic\"\nend_time_min = 1\ndt_mechanics_min = 0.1\n"
         "dt_diffusion_min = 0.1\ndt_phenotype_min = 600\n"
         "[[cell_type]]\nname = \"c\"\nradius_um = 5\n"
         "[[population]]\ntype = \"c\"\nshape = \"uniform\"\ncount = " +
         std::to_string(agents) +
         "\n[mechanisms.mechanics.c]\n[mechanisms.persistent_walk.c]\n"
         "speed_um_per_min = 1\npersistence_time_min = 10\n";
}

// The cohort's doses are spread evenly in log between 10^6 (escapes) and 10^7 (eliminated).
WellMixedScenario bench_patient_scenario(double nk_dose) {
  WellMixedScenario s;
  s.model = "depillis2005";
  s.parameter_set = "mouse_nn";
  s.end_time_days = 300;
  s.output_interval_days = 1;
  s.initial["T"] = 1e6;
  s.doses.push_back({.state = "N", .time_days = 7, .amount = nk_dose});
  s.elimination_below = 1;
  s.escape_above = 1e8;
  return s;
}

namespace bench_detail {

// The options checked against their ranges, and what the figures depend on: the machine, the
// build and the OpenMP wait settings.
BenchResult start_bench(const BenchOptions& options) {
  BenchResult r;
  r.quick = options.quick;
  r.threads = options.threads > 0 ? options.threads : std::max(omp_get_max_threads(), 1);
  r.agents = options.agents > 0 ? options.agents : (options.quick ? 10000 : 100000);
  r.grid = options.grid > 0 ? options.grid : (options.quick ? 32 : 64);
  r.repeats = options.repeats;
  if (options.threads < 0 || options.threads > 1024) {
    throw InputError("bench: --threads must be 0 (automatic) to 1024, not " +
                     std::to_string(options.threads));
  }
  if (r.agents < kBenchMinAgents || r.agents > kBenchMaxAgents) {
    throw InputError("bench: --agents must be " + std::to_string(kBenchMinAgents) + " to " +
                     std::to_string(kBenchMaxAgents) + ", not " + std::to_string(r.agents));
  }
  if (r.grid < kBenchMinGrid || r.grid > kBenchMaxGrid) {
    throw InputError("bench: --grid must be " + std::to_string(kBenchMinGrid) + " to " +
                     std::to_string(kBenchMaxGrid) + " voxels per side, not " +
                     std::to_string(r.grid));
  }
  if (r.repeats < 1 || r.repeats > 100) {
    throw InputError("bench: --repeats must be 1 to 100, not " + std::to_string(r.repeats));
  }
  r.cpu_model = cpu_model_name();
  r.hardware_threads = static_cast<int>(std::thread::hardware_concurrency());
  r.omp_wait_policy = environment("OMP_WAIT_POLICY");
  r.gomp_spincount = environment("GOMP_SPINCOUNT");
  r.version = kVersion;
  r.build_type = NKSIM_BUILD_TYPE;
#ifdef __VERSION__
#if defined(__clang__)
  r.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  r.compiler = std::string("g++ ") + __VERSION__;
#else
  r.compiler = __VERSION__;
#endif
#endif
  return r;
}

// Agent-steps per second on 1, 2 and the asked thread count, and the bytes per agent.
void measure_agents(const BenchOptions& options, BenchResult& r) {
  const double agent_s = options.quick ? 0.5 : 6.0;  // all thread counts together
  const double repeats = r.repeats;
  // One run per thread count, built and warmed up alike (the runs do not depend on the
  // thread count, so they stay identical), then timed in turn, repeat by repeat.
  std::vector<int> thread_counts = {1, 2};
  if (r.threads > 2) thread_counts.push_back(r.threads);
  const TomlDocument document =
      TomlDocument::parse_string(bench_agent_scenario(r.agents), "bench.toml");
  std::vector<std::unique_ptr<SpatialSession>> runs;
  r.warmup_steps = options.quick ? 10 : 20;
  for (int t : thread_counts) {
    runs.push_back(std::make_unique<SpatialSession>(document, t));
    for (int s = 0; s < r.warmup_steps; ++s) runs.back()->simulation().step();
  }
  std::vector<std::vector<double>> rates(thread_counts.size());
  const double slice = agent_s / repeats / static_cast<double>(thread_counts.size());
  const double per_step = static_cast<double>(r.agents);
  for (int k = 0; k < r.repeats; ++k) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      Simulation& sim = runs[i]->simulation();
      rates[i].push_back(rate_over(slice, [&] {
        sim.step();
        return per_step;
      }));
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    r.agent_rates.push_back({thread_counts[i], median_of(rates[i])});
    if (thread_counts[i] == r.threads) r.agent_steps_per_s = r.agent_rates.back().agent_steps_per_s;
  }
  r.agent_steps_per_s_per_thread = r.agent_steps_per_s / r.threads;
  r.two_thread_speedup = r.agent_rates[1].agent_steps_per_s / r.agent_rates[0].agent_steps_per_s;
  const Simulation& sim = runs.front()->simulation();
  r.agent_store_bytes_per_agent = sim.agents().bytes_per_agent();
  r.total_bytes_per_agent = sim.bytes_per_agent();
}

// Voxel-updates per second of one field, explicit and implicit_lod.
void measure_diffusion(const BenchOptions& options, BenchResult& r,
                       void (*progress)(const std::string&)) {
  const double diffusion_s = options.quick ? 0.15 : 2.0;  // each solver
  const double repeats = r.repeats;
  // One field (D = 10^5 um^2/min, decay 0.1/min, Dirichlet 38) on grid^3 voxels of
  // 20 um with a peak in the middle; the explicit solver below its stability bound
  // (1 / (6 D / h^2 + decay) = 6.7e-4 min), the implicit one at 0.01 min.
  r.explicit_dt_min = 0.0006;
  r.implicit_dt_min = 0.01;
  for (const bool implicit : {false, true}) {
    if (progress) progress(implicit ? "diffusion, implicit_lod" : "diffusion, explicit");
    Domain d;
    d.dim = 3;
    d.lo_um = {0, 0, 0};
    const double side = 20.0 * r.grid;
    d.hi_um = {side, side, side};
    FieldGrid grid(d, 20.0, {FieldSpec{"o2", 1e5, 0.1, 38.0, FieldBoundary::kDirichlet, 38.0}});
    grid.values(0)[grid.num_voxels() / 2] = 1e3;
    r.voxels = grid.num_voxels();
    auto solver = make_diffusion_solver(implicit ? "implicit_lod" : "explicit");
    const double dt = implicit ? r.implicit_dt_min : r.explicit_dt_min;
    solver->step(grid, dt, r.threads);  // scratch allocated outside the timing
    std::vector<double> samples;
    const double voxels = static_cast<double>(grid.num_voxels());
    for (int k = 0; k < r.repeats; ++k) {
      samples.push_back(rate_over(diffusion_s / repeats, [&] {
        solver->step(grid, dt, r.threads);
        return voxels;
      }));
    }
    (implicit ? r.implicit_voxel_updates_per_s : r.explicit_voxel_updates_per_s) =
        median_of(samples);
  }
}

// Well-mixed patients per second on one thread.
void measure_well_mixed(const BenchOptions& options, BenchResult& r) {
  const double well_mixed_s = options.quick ? 0.2 : 2.0;
  const double repeats = r.repeats;
  r.cohort_size = 16;
  std::vector<WellMixedProblem> cohort;
  for (int p = 0; p < r.cohort_size; ++p) {
    cohort.push_back(bench_patient(1e6 * std::pow(10.0, p / (r.cohort_size - 1.0))));
  }
  const WellMixedResult first = simulate(cohort.front());
  r.well_mixed_model =
      std::string(cohort.front().model->name()) + " (" + cohort.front().parameter_set + ")";
  r.well_mixed_method = first.solver_method;
  r.well_mixed_rtol = cohort.front().solver.rtol;
  r.well_mixed_atol = cohort.front().solver.atol;
  std::vector<double> samples;
  std::size_t next = 0;
  for (int k = 0; k < r.repeats; ++k) {
    samples.push_back(rate_over(well_mixed_s / repeats, [&] {
      const WellMixedResult result = simulate(cohort[next]);
      next = (next + 1) % cohort.size();
      return result.values.empty() ? 0.0 : 1.0;
    }));
  }
  r.patients_per_s = median_of(samples);
}

}  // namespace bench_detail

BenchResult run_bench(const BenchOptions& options, void (*progress)(const std::string&)) {
  using namespace bench_detail;
  // Each figure gets a fixed time, split evenly between its repeats.
  BenchResult r = start_bench(options);
  if (progress) progress("agent-steps");
  measure_agents(options, r);
  measure_diffusion(options, r, progress);
  if (progress) progress("well-mixed patients");
  measure_well_mixed(options, r);
  return r;
}

std::string bench_table(const BenchResult& r) {
  using bench_detail::figure;
  std::ostringstream out;
  out << "nksim " << r.version << " (" << r.build_type << "), " << r.compiler << "\n";
  out << "CPU: " << r.cpu_model << ", " << r.hardware_threads << " hardware threads; " << r.threads
      << " used";
  out << "; OMP_WAIT_POLICY=" << (r.omp_wait_policy.empty() ? "(not set)" : r.omp_wait_policy);
  if (!r.gomp_spincount.empty()) out << ", GOMP_SPINCOUNT=" << r.gomp_spincount;
  out << "\nMedians of " << r.repeats << " repeats" << (r.quick ? " (--quick)" : "")
      << "; timings vary from run to run.\n\n";

  struct Row {
    std::string name, value, unit, note;
  };
  std::vector<Row> rows;
  const std::string box = figure(static_cast<double>(r.agents)) + " agents, mechanics + walk";
  for (const BenchAgentRate& a : r.agent_rates) {
    rows.push_back(
        {"agent-steps, " + std::to_string(a.threads) + " thread" + (a.threads == 1 ? "" : "s"),
         figure(a.agent_steps_per_s), "agent-steps/s", box});
  }
  rows.push_back({"agent-steps per thread", figure(r.agent_steps_per_s_per_thread), "agent-steps/s",
                  "on " + std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads")});
  char speedup[32];
  std::snprintf(speedup, sizeof speedup, "%.2f", r.two_thread_speedup);
  rows.push_back({"2 threads / 1 thread", speedup, "x", "agent-steps/s, same run"});
  rows.push_back({"memory, agent store", std::to_string(r.agent_store_bytes_per_agent), "B/agent",
                  "columns + id map"});
  rows.push_back({"memory, whole run", std::to_string(r.total_bytes_per_agent), "B/agent",
                  "+ neighbour grid and lists"});
  const std::string cube = std::to_string(r.grid) + "^3 voxels, " + std::to_string(r.threads) +
                           " thread" + (r.threads == 1 ? "" : "s");
  rows.push_back({"diffusion, explicit", figure(r.explicit_voxel_updates_per_s), "voxel-updates/s",
                  "per field, " + cube});
  rows.push_back({"diffusion, implicit_lod", figure(r.implicit_voxel_updates_per_s),
                  "voxel-updates/s", "per field, " + cube});
  rows.push_back({"well-mixed patients", figure(r.patients_per_s), "patients/s",
                  "300 days, " + r.well_mixed_model + ", 1 thread"});

  std::size_t w[3] = {0, 0, 0};
  for (const Row& row : rows) {
    w[0] = std::max(w[0], row.name.size());
    w[1] = std::max(w[1], row.value.size());
    w[2] = std::max(w[2], row.unit.size());
  }
  for (const Row& row : rows) {
    out << row.name << std::string(w[0] - row.name.size() + 2, ' ')
        << std::string(w[1] - row.value.size(), ' ') << row.value << "  " << row.unit
        << std::string(w[2] - row.unit.size() + 2, ' ') << row.note << "\n";
  }
  out << "\nwell-mixed integrator: " << r.well_mixed_method << ", rtol "
      << format_number(r.well_mixed_rtol) << ", atol " << format_number(r.well_mixed_atol) << "\n";
  return out.str();
}

nlohmann::ordered_json bench_json(const BenchResult& r) {
  nlohmann::ordered_json j;
  j["machine"] = {
      {"cpu_model", r.cpu_model},
      {"hardware_threads", r.hardware_threads},
      {"threads", r.threads},
      {"omp_wait_policy", r.omp_wait_policy.empty() ? nlohmann::ordered_json()
                                                    : nlohmann::ordered_json(r.omp_wait_policy)},
      {"gomp_spincount", r.gomp_spincount.empty() ? nlohmann::ordered_json()
                                                  : nlohmann::ordered_json(r.gomp_spincount)},
      {"nksim_version", r.version},
      {"build_type", r.build_type},
      {"compiler", r.compiler}};
  j["quick"] = r.quick;
  j["repeats"] = r.repeats;
  nlohmann::ordered_json by_threads = nlohmann::ordered_json::array();
  for (const BenchAgentRate& a : r.agent_rates) {
    by_threads.push_back({{"threads", a.threads}, {"agent_steps_per_s", a.agent_steps_per_s}});
  }
  j["agents"] = {{"count", r.agents},
                 {"warmup_steps", r.warmup_steps},
                 {"agent_steps_per_s", r.agent_steps_per_s},
                 {"agent_steps_per_s_per_thread", r.agent_steps_per_s_per_thread},
                 {"two_thread_speedup", r.two_thread_speedup},
                 {"by_threads", by_threads},
                 {"agent_store_bytes_per_agent", r.agent_store_bytes_per_agent},
                 {"total_bytes_per_agent", r.total_bytes_per_agent}};
  j["diffusion"] = {{"grid", r.grid},
                    {"voxels", r.voxels},
                    {"fields", 1},
                    {"explicit_voxel_updates_per_s", r.explicit_voxel_updates_per_s},
                    {"implicit_lod_voxel_updates_per_s", r.implicit_voxel_updates_per_s},
                    {"explicit_dt_min", r.explicit_dt_min},
                    {"implicit_lod_dt_min", r.implicit_dt_min}};
  j["well_mixed"] = {{"model", r.well_mixed_model},
                     {"method", r.well_mixed_method},
                     {"rtol", r.well_mixed_rtol},
                     {"atol", r.well_mixed_atol},
                     {"end_time_days", 300},
                     {"cohort_size", r.cohort_size},
                     {"patients_per_s", r.patients_per_s}};
  return j;
}

}  // namespace nksim
