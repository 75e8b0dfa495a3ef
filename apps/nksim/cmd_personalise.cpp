#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/fit/personalise.h"
#include "nksim/io/output_dir.h"
#include "nksim/report/report.h"

namespace nksim::cli {
namespace {

struct PersonaliseCommandOptions {
  std::string spec;
  std::string out;
  int threads = 0;
  bool quiet = false;
  bool report = false;
};

}  // namespace

void add_personalise_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<PersonaliseCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "personalise",
      "Predict candidate schedules for a fitted patient (docs/personalise.md, \"Choosing a\n"
      "schedule\"). Fits the named fit specification, draws an ensemble of acceptable fits\n"
      "(objective within chi2_{p,0.95}/2 of the best), simulates every schedule for every\n"
      "member and writes schedules.csv (response probability, time to progression, toxicity\n"
      "peak, dominated schedules), members.csv, ensemble.csv, trajectories.csv and\n"
      "summary.json. Model predictions, not medical advice.");
  command->add_option("spec", options->spec, "personalise specification (TOML)")->required();
  command->add_option("-o,--out", options->out, "output directory (default: results/<spec name>)");
  command
      ->add_option("-t,--threads", options->threads,
                   "worker threads over fit starts, ensemble draws and runs (0: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  command->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  command->add_flag("--report", options->report,
                    "also write report.html (trajectory bands and the schedule table)");
  command->callback([&action, options] {
    action = [options] {
      const std::filesystem::path out =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->spec).stem()
              : std::filesystem::path(options->out);
      OutputDirectory::check_target(out);
      if (options->report) nksim::report::check_chart_library();
      const PersonaliseSpec spec = read_personalise_spec_file(options->spec);
      const PersonaliseResult result = run_personalise(spec, options->threads);
      OutputDirectory dir(out);
      write_personalise_outputs(dir.staging(), spec, result);
      dir.commit();
      if (!options->quiet) {
        std::cout << personalise_summary_text(spec, result) << "Results in " << out.string()
                  << "/\n";
      }
      if (options->report) {
        const auto file = nksim::report::write_report(out);
        if (!options->quiet) std::cout << "Report: " << file.string() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
