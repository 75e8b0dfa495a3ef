// nksim trial run | analyse | export: virtual clinical trials (docs/trials.md).
#include <iostream>
#include <memory>
#include <utility>

#include "commands.h"
#include "nksim/core/error.h"
#include "nksim/core/interrupt.h"
#include "nksim/core/text.h"
#include "nksim/trial/analysis_report.h"
#include "nksim/trial/run_plan.h"
#include "nksim/trial/thread_runner.h"
#include "nksim/trial/trial_spec.h"
#include "nksim/trial/trial_store.h"

namespace nksim::cli {
namespace {

// Ctrl-C or SIGTERM stops the workers after their current plan; the plans finished so far stay
// in the store, and the message says how to go on.
TrialRunSummary run_resumable(const std::string& file, TrialSpec spec,
                              const std::filesystem::path& out, const TrialRunOptions& options) {
  try {
    return run_trial_threads(std::move(spec), out, options);
  } catch (const InterruptedError&) {
    throw InterruptedError("trial interrupted by " + interrupt_name() +
                               "; the plans finished so far are kept in " +
                               TrialStore::database_path(out).string() +
                               "; resume with: nksim trial run " + file + " --out " +
                               out.string(),
                           interrupt_signal());
  }
}

// An arm whose doses lie outside the plausible range of their state is a warning, not an error.
void print_arm_dose_warnings(const TrialSpec& spec) {
  for (const auto& w : arm_dose_warnings(spec)) std::cerr << "nksim: warning: " << w << "\n";
}

}  // namespace

void add_trial_command(CLI::App& app, Action& action) {
  struct Options {
    std::string file;
    std::string out;
    std::string dir;
    int threads = 0;
    bool quiet = false;
    bool allow_failures = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* trial = app.add_subcommand(
      "trial",
      "Virtual clinical trials: a cohort of sampled patients in several arms (docs/trials.md).\n"
      "  nksim trial validate scenarios/trial_nk_dose.toml\n"
      "  nksim trial run scenarios/trial_nk_dose.toml --out results/trial --threads 2\n"
      "  nksim trial analyse results/trial\n"
      "  nksim trial export results/trial\n"
      "A killed run resumes where it stopped when started again with the same --out.");
  trial->require_subcommand(1);

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
      const std::filesystem::path out =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->file).stem()
              : std::filesystem::path(options->out);
      TrialRunOptions run_options;
      run_options.threads = options->threads;
      run_options.progress = !options->quiet;
      TrialSpec spec = parse_trial_file(options->file);  // read once: warnings, then the run
      print_arm_dose_warnings(spec);
      const TrialRunSummary s = run_resumable(options->file, std::move(spec), out, run_options);
      if (!options->quiet) {
        std::cout << "Ran " << s.ran << " of " << s.plans << " plans";
        if (s.already_done > 0) std::cout << " (" << s.already_done << " already done)";
        std::cout << " in " << format_number(s.seconds, 3) << " s";
        if (s.failed > 0) std::cout << "; " << s.failed << " failed numerically";
        std::cout << "\nResults in " << s.database.string() << "\n";
      }
      if (s.failed_total > 0 && !options->allow_failures) {
        std::cerr << "nksim: error: " << failures_message(s) << "\n";
        return static_cast<int>(ExitCode::kNumerical);
      }
      return 0;
    };
  });

  CLI::App* validate =
      trial->add_subcommand("validate", "Check a trial file and its base scenario; run nothing");
  validate->add_option("trial", options->file, "trial file (TOML)")->required();
  validate->callback([&action, options] {
    action = [options] {
      const TrialSpec spec = parse_trial_file(options->file);
      std::cout << options->file << ": trial '" << spec.name << "', " << spec.patients
                << " patients x " << spec.arms.size()
                << " arms = " << spec.patients * spec.arms.size() << " plans, "
                << spec.distributions.size() << " distributions, sampler "
                << sampler_name(spec.sampler) << ", model " << spec.model_name() << ", follow-up "
                << format_number(spec.follow_up_days) << " days: OK\n";
      print_arm_dose_warnings(spec);
      return 0;
    };
  });

  CLI::App* analyse = trial->add_subcommand(
      "analyse", "Response rates, Kaplan-Meier, log-rank, PRCC; writes DIR/analysis.json");
  analyse->alias("analyze");
  analyse->add_option("dir", options->dir, "trial output directory")->required();
  analyse->add_flag("--allow-failures", options->allow_failures,
                    "exit 0 even when plans failed numerically (default: exit 3)");
  analyse->callback([&action, options] {
    action = [options] {
      const AnalysisReport report = analyse_trial(options->dir);
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

  CLI::App* exporter = trial->add_subcommand(
      "export", "Write patients.csv, endpoints.csv and timeseries.csv into DIR");
  exporter->add_option("dir", options->dir, "trial output directory")->required();
  exporter->callback([&action, options] {
    action = [options] {
      for (const auto& file : export_trial_csv(options->dir)) {
        std::cout << "Written " << file.string() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
