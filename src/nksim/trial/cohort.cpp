#include "nksim/trial/cohort.h"

#include <utility>

#include "nksim/trial/trial_store.h"

namespace nksim {

Cohort load_cohort(const std::filesystem::path& trial_file) {
  return make_cohort(parse_trial_file(trial_file));
}

Cohort make_cohort(TrialSpec spec) {
  Cohort cohort;
  cohort.spec = std::move(spec);
  cohort.patients = sample_patients(cohort.spec);
  cohort.plans = make_run_plans(cohort.spec);
  return cohort;
}

PlanResult run_cohort_plan(const Cohort& cohort, std::size_t index) {
  const RunPlan& plan = cohort.plans[index];
  return run_plan(cohort.spec, cohort.patients[plan.patient], plan);
}

TrialRunSummary start_summary(const Cohort& cohort, const std::filesystem::path& dir) {
  TrialRunSummary summary;
  summary.plans = cohort.plans.size();
  summary.database = TrialStore::database_path(dir);
  return summary;
}

PendingPlans pending_plans(TrialStore& store, const Cohort& cohort, TrialRunSummary& summary) {
  PendingPlans pending;
  pending.failed_before = store.count_failed();
  const auto done = store.done_plans();
  for (std::size_t i = 0; i < cohort.plans.size(); ++i) {
    if (!done.contains({cohort.plans[i].patient, cohort.plans[i].arm})) pending.todo.push_back(i);
  }
  summary.already_done = cohort.plans.size() - pending.todo.size();
  return pending;
}

void finish_summary(TrialStore& store, const PendingPlans& pending,
                    std::chrono::steady_clock::time_point start, TrialRunSummary& summary) {
  store.summarise_failures(summary, pending.failed_before);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace nksim
