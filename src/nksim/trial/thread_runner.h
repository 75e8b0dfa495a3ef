// Runs the missing plans of a trial on a pool of std::threads. Each worker takes the next plan
// index from an atomic counter and simulates it on its own; only the calling thread writes to
// the database, one transaction per finished plan.
#pragma once

#include <filesystem>
#include <string>

#include "nksim/trial/trial_spec.h"

namespace nksim {

struct TrialRunOptions {
  int threads = 1;       // 0: all hardware threads
  bool progress = true;  // only on a terminal
};

struct TrialRunSummary {
  std::size_t plans = 0;         // patients x arms
  std::size_t already_done = 0;  // found in the database (resumed run)
  std::size_t ran = 0;
  std::size_t failed = 0;        // numerical failures of this run (stored with status "failed")
  std::size_t failed_total = 0;  // numerical failures in the database, earlier runs included
  std::string first_failure;     // "patient P in arm A: message" of the first failed plan
  double seconds = 0;
  std::filesystem::path database;
};

// The error a command prints when plans failed: how many, the first one and how to go on.
std::string failures_message(const TrialRunSummary& summary);

// Parses the trial file (InputError before anything is created), then runs it into `dir`.
TrialRunSummary run_trial_threads(const std::filesystem::path& trial_file,
                                  const std::filesystem::path& dir, const TrialRunOptions& options);
// The same for a trial already read (parse_trial_file).
TrialRunSummary run_trial_threads(TrialSpec spec, const std::filesystem::path& dir,
                                  const TrialRunOptions& options);

}  // namespace nksim
