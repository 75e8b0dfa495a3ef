// Runs a trial over MPI ranks (the separate nksim-mpi executable; the nksim library never links
// MPI). Rank 0 owns DIR/trial.sqlite and hands out chunks of plan indices on request (guided
// self-scheduling: smaller chunks as the work runs out), so uneven run times balance; it also runs
// plans itself between requests. Every other rank writes its results to its own
// DIR/parts/rank-<r>.sqlite (one transaction per plan); rank 0 merges the parts at the end, and at
// the start of a resumed run.
#pragma once

#include <filesystem>

#include "nksim/trial/thread_runner.h"

namespace nksim {

// RAII for MPI_Init / MPI_Finalize; the only owner of MPI's global state in a process.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ends every rank (for failures that leave the others waiting).
  [[noreturn]] void abort(int exit_code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

// Collective: every rank calls it. Input errors found while reading the trial file are thrown
// on every rank alike (nothing is created); the summary is complete on rank 0 only.
TrialRunSummary run_trial_mpi(const MpiSession& mpi, const std::filesystem::path& trial_file,
                              const std::filesystem::path& dir, bool progress);

}  // namespace nksim
