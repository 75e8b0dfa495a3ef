#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/bench.h"
#include "nksim/api/errors.h"

namespace nksim::cli {

namespace {

void print_bench_progress(const std::string& figure) {
  std::cerr << "measuring " << figure << " ...\n";
}

}  // namespace

void add_bench_command(CLI::App& app, Action& action) {
  struct Options {
    nksim::BenchOptions bench;
    std::string json;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* bench = app.add_subcommand(
      "bench",
      "Measure this machine's standard figures on built-in workloads (no files needed):\n"
      "agent-steps per second (1 and 2 threads and the threads used, and their ratio), bytes\n"
      "per agent, diffusion voxel-updates per second per field (explicit and implicit_lod),\n"
      "and well-mixed patients per second (de Pillis 2005, 300 days, one thread). About 20 s,\n"
      "about 3 s with --quick. Each figure is the median of several repeats. The results are\n"
      "timings: they are not deterministic and differ from run to run, more so on a busy\n"
      "machine (docs/performance.md, \"Your machine's figures\").");
  bench->add_flag("--quick", options->bench.quick,
                  "smaller workloads and shorter repeats (10^4 agents, 32^3 voxels)");
  bench
      ->add_option("-t,--threads", options->bench.threads,
                   "threads for the main figures (default: all hardware threads, or "
                   "OMP_NUM_THREADS)")
      ->check(CLI::Range(1, kMaxThreads));
  bench
      ->add_option("--agents", options->bench.agents,
                   "agents in the agent-steps workload (default 10^5, 10^4 with --quick)")
      ->check(CLI::Range(nksim::kBenchMinAgents, nksim::kBenchMaxAgents));
  bench
      ->add_option("--grid", options->bench.grid,
                   "voxels per side of the diffusion cube (default 64, 32 with --quick)")
      ->check(CLI::Range(nksim::kBenchMinGrid, nksim::kBenchMaxGrid));
  bench->add_option("--repeats", options->bench.repeats, "repeats per figure (median reported)")
      ->check(CLI::Range(1, 100));
  bench->add_option("--json", options->json, "also write the figures as JSON to this file");
  bench->add_flag("-q,--quiet", options->quiet, "print no progress lines");
  bench->callback([&action, options] {
    action = [options] {
      const nksim::BenchResult result =
          nksim::run_bench(options->bench, options->quiet ? nullptr : print_bench_progress);
      if (!options->json.empty()) {
        std::ofstream out(options->json);
        out << nksim::bench_json(result).dump(2) << "\n";
        if (!out) throw nksim::InputError("bench: cannot write " + options->json);
      }
      std::cout << nksim::bench_table(result);
      return 0;
    };
  });
}

}  // namespace nksim::cli
