#include "nksim/api/trial_mpi.h"

#include "nksim/trial/mpi_runner.h"

namespace nksim {

MpiTrialRunner::MpiTrialRunner(int& argc, char**& argv)
    : session_(std::make_unique<MpiSession>(argc, argv)) {}

MpiTrialRunner::~MpiTrialRunner() = default;

int MpiTrialRunner::rank() const { return session_->rank(); }
int MpiTrialRunner::size() const { return session_->size(); }
void MpiTrialRunner::abort(int exit_code) const { session_->abort(exit_code); }

TrialRunResult MpiTrialRunner::run(const std::filesystem::path& trial_file,
                                   const std::filesystem::path& dir, bool progress) const {
  return trial_run_result(run_trial_mpi(*session_, trial_file, dir, progress));
}

}  // namespace nksim
