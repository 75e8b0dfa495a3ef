// The cohort of a trial as every runner starts from it: the trial file read, its patients sampled
// and every plan made (all deterministic in the trial seed, so every thread and MPI rank holds the
// same cohort), and, once a store is open, which plans it still lacks.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

#include "nksim/trial/run_plan.h"
#include "nksim/trial/thread_runner.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {

class TrialStore;

struct Cohort {
  TrialSpec spec;
  std::vector<Patient> patients;
  std::vector<RunPlan> plans;  // every (patient, arm), in that order
};

// The plans a run still has to do, for a store that may already hold some (a resumed run).
struct PendingPlans {
  std::vector<std::size_t> todo;  // indices into Cohort::plans, in order
  std::size_t failed_before = 0;  // failed plans already in the store
};

// Parses the trial file (InputError before anything is created) and samples its cohort.
Cohort load_cohort(const std::filesystem::path& trial_file);
// The cohort of a trial already read (the command reads it once, for its warnings too).
Cohort make_cohort(TrialSpec spec);

// Runs plan `index` of the cohort (numerical failures are reported in the result).
PlanResult run_cohort_plan(const Cohort& cohort, std::size_t index);

// A summary of a run into `dir` before anything ran: the plan count and the database.
TrialRunSummary start_summary(const Cohort& cohort, const std::filesystem::path& dir);

// The plans `store` lacks; sets summary.already_done.
PendingPlans pending_plans(TrialStore& store, const Cohort& cohort, TrialRunSummary& summary);

// Completes the summary at the end of a run: the failures (from the store) and the time taken.
void finish_summary(TrialStore& store, const PendingPlans& pending,
                    std::chrono::steady_clock::time_point start, TrialRunSummary& summary);

}  // namespace nksim
