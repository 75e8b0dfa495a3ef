// Virtual clinical trials for the command line and the runners (docs/trials.md): run or resume
// a trial file into DIR/trial.sqlite on threads, check a trial file, analyse and export a trial
// directory. The MPI runner (api/trial_mpi.h) returns the same TrialRunResult.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace nksim {

struct TrialRunSummary;

struct TrialRunRequest {
  std::filesystem::path trial_file;
  std::filesystem::path out;  // empty: results/<trial file name without extension>
  int threads = 0;            // 0: all cores
  bool progress = true;       // only on a terminal
  // Arms whose doses lie outside the plausible range of their state, told before the run.
  std::function<void(const std::string&)> warn;
};

struct TrialRunResult {
  std::size_t plans = 0;         // patients x arms
  std::size_t already_done = 0;  // found in the database (resumed run)
  std::size_t ran = 0;
  std::size_t failed = 0;        // numerical failures of this run
  std::size_t failed_total = 0;  // numerical failures in the database, earlier runs included
  double seconds = 0;
  std::filesystem::path database;
  std::string failures;  // when failed_total > 0: how many, the first one and how to go on
};

// Reads the trial file (InputError before anything is created) and runs its missing plans. On
// Ctrl-C or SIGTERM the plans finished so far stay in the database and the InterruptedError
// says how to resume.
TrialRunResult run_trial_file(const TrialRunRequest& request);

// "Ran R of P plans[ on N ranks][ (D already done)] in S s[; F failed numerically]" and
// "Results in DB", each ending in a newline; ranks 0 leaves out the ranks.
std::string trial_run_text(const TrialRunResult& result, int ranks = 0);

// The runners' summary as the API's result.
TrialRunResult trial_run_result(const TrialRunSummary& summary);

struct TrialCheck {
  std::string description;  // "FILE: trial 'name', ... : OK"
  std::vector<std::string> warnings;
};

// Checks a trial file and its base scenario; runs nothing. Throws InputError.
TrialCheck validate_trial_file(const std::filesystem::path& trial_file);

struct TrialAnalysis {
  std::string table;           // the readable summary
  std::filesystem::path json;  // DIR/analysis.json; empty when no plan succeeded
  std::size_t ok = 0;          // plans analysed
  std::size_t failed = 0;      // plans that failed numerically (left out)
  std::size_t missing = 0;     // plans not run yet
};

// Response rates, Kaplan-Meier, log-rank and PRCC of a trial directory; writes DIR/analysis.json.
TrialAnalysis analyse_trial_dir(const std::filesystem::path& dir);

// Writes patients.csv, endpoints.csv and timeseries.csv into DIR; returns their paths.
std::vector<std::filesystem::path> export_trial_dir(const std::filesystem::path& dir);

}  // namespace nksim
