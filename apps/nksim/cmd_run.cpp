#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "commands.h"
#include "nksim/api/nksim.h"
#include "nksim/report/report.h"

namespace nksim::cli {

void add_run_command(CLI::App& app, Action& action) {
  struct Options {
    std::string scenario;
    std::string out;
    int threads = 0;
    bool quiet = false;
    bool report = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* run = app.add_subcommand(
      "run",
      "Run a scenario and write its outputs into a directory.\n"
      "Well-mixed runs write timeseries.csv and summary.json. The directory appears whole or\n"
      "not at all: on any error nothing is left behind.");
  run->add_option("scenario", options->scenario, "scenario file (TOML)")->required();
  run->add_option("-o,--out", options->out, "output directory (default: results/<scenario name>)");
  run->add_option("-t,--threads", options->threads,
                  "worker threads for spatial runs (0: the scenario's choice or all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  run->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  run->add_flag("--report", options->report,
                "also write report.html (plots and a plain-language summary; see nksim report)");
  run->callback([&action, options] {
    action = [options] {
      RunOptions run_options;
      run_options.out_dir =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->scenario).stem()
              : std::filesystem::path(options->out);
      run_options.threads = options->threads;
      run_options.progress = !options->quiet;
      if (options->report) nksim::report::check_chart_library();
      const RunReport report = run_scenario_file(options->scenario, run_options);
      if (!options->quiet) {
        std::cout << report.headline << "\nResults in " << report.out_dir.string() << "/\n";
      }
      if (options->report) {
        // A sweep's report (the dose-response) also writes each condition's own report.
        const auto file = nksim::report::write_report(report.out_dir);
        if (!options->quiet) {
          std::cout << "Report: " << file.string();
          if (std::filesystem::is_directory(report.out_dir / "conditions")) {
            std::cout << " (and conditions/*/report.html, one per condition)";
          }
          std::cout << "\n";
        }
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
