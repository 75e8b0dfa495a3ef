// A virtual trial over MPI ranks (the nksim-mpi executable; linked from the nksim_mpi library,
// never from nksim). Same trial files, database and results as run_trial_file.
#pragma once

#include <filesystem>
#include <memory>

#include "nksim/api/trial.h"

namespace nksim {

class MpiSession;

// Owns MPI for the process (MPI_Init in the constructor, MPI_Finalize in the destructor).
class MpiTrialRunner {
 public:
  MpiTrialRunner(int& argc, char**& argv);
  ~MpiTrialRunner();
  MpiTrialRunner(const MpiTrialRunner&) = delete;
  MpiTrialRunner& operator=(const MpiTrialRunner&) = delete;

  int rank() const;
  int size() const;
  // Ends every rank (for failures that leave the others waiting).
  [[noreturn]] void abort(int exit_code) const;

  // Collective: every rank calls it. Input errors in the trial file are thrown on every rank
  // alike (nothing is created); the result is complete on rank 0 only.
  TrialRunResult run(const std::filesystem::path& trial_file, const std::filesystem::path& dir,
                     bool progress) const;

 private:
  std::unique_ptr<MpiSession> session_;
};

}  // namespace nksim
