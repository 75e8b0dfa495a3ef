// nksim trial run | analyse | export: virtual clinical trials (docs/trials.md).
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/errors.h"
#include "nksim/api/trial.h"

namespace nksim::cli {
namespace {

// An arm whose doses lie outside the plausible range of their state is a warning, not an error.
void print_trial_warning(const std::string& warning) {
  std::cerr << "nksim: warning: " << warning << "\n";
}

// What the trial subcommands read from the command line; shared by their callbacks.
struct TrialCommandOptions {
  std::string file;
  std::string out;
  std::string dir;
  int threads = 0;
  bool quiet = false;
  bool allow_failures = false;
};
using TrialOptionsPtr = std::shared_ptr<TrialCommandOptions>;

// nksim trial run: run or resume a trial; exit 3 when plans failed numerically.
void add_trial_run(CLI::App* trial, Action& action, const TrialOptionsPtr& options) {
  CLI::App* run = trial->add_subcommand("run", "Run (or resume) a trial into DIR/trial.sqlite");
  run->add_option("trial", options->file, "trial file (TOML)")->required();
  run->add_option("-o,--out", options->out, "output directory (default: results/<trial name>)");
  run->add_option("-t,--threads", options->threads, "worker threads (0: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  run->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  run->add_flag("--allow-failures", options->allow_failures,
                "exit 0 even when plans failed numerically (default: exit 3)");
  run->callback([&action, options] {
    action = [options] {
      TrialRunRequest request;
      request.trial_file = options->file;
      request.out = options->out;
      request.threads = options->threads;
      request.progress = !options->quiet;
      request.warn = print_trial_warning;
      const TrialRunResult s = run_trial_file(request);
      if (!options->quiet) std::cout << trial_run_text(s);
      if (s.failed_total > 0 && !options->allow_failures) {
        std::cerr << "nksim: error: " << s.failures << "\n";
        return static_cast<int>(ExitCode::kNumerical);
      }
      return 0;
    };
  });
}

// nksim trial validate: check the trial file and its base scenario.
void add_trial_validate(CLI::App* trial, Action& action, const TrialOptionsPtr& options) {
  CLI::App* validate =
      trial->add_subcommand("validate", "Check a trial file and its base scenario; run nothing");
  validate->add_option("trial", options->file, "trial file (TOML)")->required();
  validate->callback([&action, options] {
    action = [options] {
      const TrialCheck check = validate_trial_file(options->file);
      std::cout << check.description << "\n";
      for (const auto& w : check.warnings) print_trial_warning(w);
      return 0;
    };
  });
}

// nksim trial analyse: the analysis of the plans finished so far.
void add_trial_analyse(CLI::App* trial, Action& action, const TrialOptionsPtr& options) {
  CLI::App* analyse = trial->add_subcommand(
      "analyse", "Response rates, Kaplan-Meier, log-rank, PRCC; writes DIR/analysis.json");
  analyse->alias("analyze");
  analyse->add_option("dir", options->dir, "trial output directory")->required();
  analyse->add_flag("--allow-failures", options->allow_failures,
                    "exit 0 even when plans failed numerically (default: exit 3)");
  analyse->callback([&action, options] {
    action = [options] {
      const TrialAnalysis report = analyse_trial_dir(options->dir);
      std::cout << report.table;
      if (!report.json.empty()) std::cout << "Written " << report.json.string() << "\n";
      if (report.ok == 0 && report.failed == 0) {
        std::cerr << "nksim: error: no plan of the trial in " << options->dir
                  << " has finished yet; 'nksim trial run' resumes it\n";
        return static_cast<int>(ExitCode::kBadInput);
      }
      if (report.ok == 0) {
        std::cerr << "nksim: error: no plan of the trial in " << options->dir << " succeeded ("
                  << report.failed << " failed numerically, " << report.missing
                  << " not run): nothing to analyse\n";
        return static_cast<int>(ExitCode::kNumerical);
      }
      if (report.failed > 0 && !options->allow_failures) {
        std::cerr << "nksim: error: " << report.failed
                  << " plans failed numerically and are left out of the analysis; "
                     "--allow-failures accepts that\n";
        return static_cast<int>(ExitCode::kNumerical);
      }
      return 0;
    };
  });
}

// nksim trial export: the trial store as CSV files.
void add_trial_export(CLI::App* trial, Action& action, const TrialOptionsPtr& options) {
  CLI::App* exporter = trial->add_subcommand(
      "export", "Write patients.csv, endpoints.csv and timeseries.csv into DIR");
  exporter->add_option("dir", options->dir, "trial output directory")->required();
  exporter->callback([&action, options] {
    action = [options] {
      for (const auto& file : export_trial_dir(options->dir)) {
        std::cout << "Written " << file.string() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace

void add_trial_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<TrialCommandOptions>();
  CLI::App* trial = app.add_subcommand(
      "trial",
      "Virtual clinical trials: a cohort of sampled patients in several arms (docs/trials.md).\n"
      "  nksim trial validate scenarios/trial_nk_dose.toml\n"
      "  nksim trial run scenarios/trial_nk_dose.toml --out results/trial --threads 2\n"
      "  nksim trial analyse results/trial\n"
      "  nksim trial export results/trial\n"
      "A killed run resumes where it stopped when started again with the same --out.");
  trial->require_subcommand(1);

  add_trial_run(trial, action, options);
  add_trial_validate(trial, action, options);
  add_trial_analyse(trial, action, options);
  add_trial_export(trial, action, options);
}

}  // namespace nksim::cli
