#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "commands.h"
#include "nksim/api/nksim.h"
#include "nksim/api/report.h"

namespace nksim::cli {
namespace {

// What `run` and `resume` do after the run: the headline, and the report when asked for.
int finish(const RunReport& report, bool quiet, bool write_report) {
  if (!quiet) std::cout << report.headline << "\nResults in " << report.out_dir.string() << "/\n";
  if (write_report) {
    // A sweep's report (the dose-response) also writes each condition's own report.
    const auto file = nksim::write_html_report(report.out_dir);
    if (!quiet) {
      std::cout << "Report: " << file.string();
      if (std::filesystem::is_directory(report.out_dir / "conditions")) {
        std::cout << " (and conditions/*/report.html, one per condition)";
      }
      std::cout << "\n";
    }
  }
  return 0;
}

struct Options {
  std::string scenario;
  std::string out;
  int threads = 0;
  bool quiet = false;
  bool report = false;
  double checkpoint_every_min = 0;
};

void add_common_options(CLI::App* command, Options& options) {
  command
      ->add_option("-t,--threads", options.threads,
                   "worker threads for spatial runs (0: the scenario's choice or all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  command->add_flag("-q,--quiet", options.quiet, "print nothing but errors");
  command->add_flag("--report", options.report,
                    "also write report.html (plots and a plain-language summary; see nksim "
                    "report)");
}

// The options both commands share; checks the chart library first when a report is asked for.
RunOptions common_run_options(const Options& options) {
  RunOptions run_options;
  run_options.threads = options.threads;
  run_options.progress = !options.quiet;
  run_options.checkpoint_every_min = options.checkpoint_every_min;
  if (options.report) nksim::check_report_library();
  return run_options;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<Options>();
  CLI::App* run = app.add_subcommand(
      "run",
      "Run a scenario and write its outputs into a directory.\n"
      "Well-mixed runs write timeseries.csv and summary.json. The directory appears whole or\n"
      "not at all: on any error nothing is left behind.");
  run->add_option("scenario", options->scenario, "scenario file (TOML)")->required();
  run->add_option("-o,--out", options->out, "output directory (default: results/<scenario name>)");
  add_common_options(run, *options);
  run->add_option("--checkpoint-every", options->checkpoint_every_min,
                  "spatial runs: save a checkpoint every MINUTES of simulated time; a stopped "
                  "run continues with 'nksim resume DIR' or the same command again")
      ->check(CLI::PositiveNumber);
  run->callback([&action, options] {
    action = [options] {
      RunOptions run_options = common_run_options(*options);
      run_options.out_dir =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->scenario).stem()
              : std::filesystem::path(options->out);
      return finish(run_scenario_file(options->scenario, run_options), options->quiet,
                    options->report);
    };
  });

  auto resume_options = std::make_shared<Options>();
  CLI::App* resume = app.add_subcommand(
      "resume",
      "Continue a spatial run from its last checkpoint (saved by 'nksim run ... "
      "--checkpoint-every').\nThe result is the same, bit for bit, as if the run had never "
      "stopped.");
  resume->add_option("dir", resume_options->out, "the stopped run's output directory (its --out)")
      ->required();
  add_common_options(resume, *resume_options);
  resume->callback([&action, resume_options] {
    action = [resume_options] {
      return finish(resume_run(resume_options->out, common_run_options(*resume_options)),
                    resume_options->quiet, resume_options->report);
    };
  });
}

}  // namespace nksim::cli
