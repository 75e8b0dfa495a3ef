#include "nksim/api/trial.h"

#include <sstream>
#include <utility>

#include "nksim/core/interrupt.h"
#include "nksim/core/text.h"
#include "nksim/trial/analysis_report.h"
#include "nksim/trial/run_plan.h"
#include "nksim/trial/samplers.h"
#include "nksim/trial/thread_runner.h"
#include "nksim/trial/trial_spec.h"
#include "nksim/trial/trial_store.h"

namespace nksim {

TrialRunResult trial_run_result(const TrialRunSummary& summary) {
  TrialRunResult result;
  result.plans = summary.plans;
  result.already_done = summary.already_done;
  result.ran = summary.ran;
  result.failed = summary.failed;
  result.failed_total = summary.failed_total;
  result.seconds = summary.seconds;
  result.database = summary.database;
  if (summary.failed_total > 0) result.failures = failures_message(summary);
  return result;
}

TrialRunResult run_trial_file(const TrialRunRequest& request) {
  const std::filesystem::path out =
      request.out.empty() ? std::filesystem::path("results") / request.trial_file.stem()
                          : request.out;
  TrialRunOptions options;
  options.threads = request.threads;
  options.progress = request.progress;
  TrialSpec spec = parse_trial_file(request.trial_file);  // read once: warnings, then the run
  if (request.warn) {
    for (const auto& w : arm_dose_warnings(spec)) request.warn(w);
  }
  try {
    return trial_run_result(run_trial_threads(std::move(spec), out, options));
  } catch (const InterruptedError&) {
    throw InterruptedError(
        "trial interrupted by " + interrupt_name() + "; the plans finished so far are kept in " +
            TrialStore::database_path(out).string() + "; resume with: nksim trial run " +
            request.trial_file.string() + " --out " + out.string(),
        interrupt_signal());
  }
}

std::string trial_run_text(const TrialRunResult& result, int ranks) {
  std::ostringstream text;
  text << "Ran " << result.ran << " of " << result.plans << " plans";
  if (ranks > 0) text << " on " << ranks << " ranks";
  if (result.already_done > 0) text << " (" << result.already_done << " already done)";
  text << " in " << format_number(result.seconds, 3) << " s";
  if (result.failed > 0) text << "; " << result.failed << " failed numerically";
  text << "\nResults in " << result.database.string() << "\n";
  return text.str();
}

TrialCheck validate_trial_file(const std::filesystem::path& trial_file) {
  const TrialSpec spec = parse_trial_file(trial_file);
  std::ostringstream text;
  text << trial_file.string() << ": trial '" << spec.name << "', " << spec.patients
       << " patients x " << spec.arms.size() << " arms = " << spec.patients * spec.arms.size()
       << " plans, " << spec.distributions.size() << " distributions, sampler "
       << sampler_name(spec.sampler) << ", model " << spec.model_name() << ", follow-up "
       << format_number(spec.follow_up_days) << " days: OK";
  return {text.str(), arm_dose_warnings(spec)};
}

TrialAnalysis analyse_trial_dir(const std::filesystem::path& dir) {
  const AnalysisReport report = analyse_trial(dir);
  return {report.table, report.json, report.ok, report.failed, report.missing};
}

std::vector<std::filesystem::path> export_trial_dir(const std::filesystem::path& dir) {
  return export_trial_csv(dir);
}

}  // namespace nksim
