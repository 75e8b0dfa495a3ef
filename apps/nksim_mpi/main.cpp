// nksim-mpi: run (or resume) a virtual trial over MPI ranks. Same trial files, same database
// and same results as `nksim trial run`; analyse and export with `nksim trial ...`.
#include <iostream>

#include <CLI/CLI.hpp>

#include "nksim/api/errors.h"
#include "nksim/api/process.h"
#include "nksim/api/trial_mpi.h"

int main(int argc, char** argv) {
  nksim::MpiTrialRunner mpi(argc, argv);
  CLI::App app{"nksim-mpi " + std::string(nksim::version_string()) +
               ": run a virtual trial over MPI ranks (docs/trials.md).\n"
               "  mpirun -np 4 nksim-mpi scenarios/trial_nk_dose.toml --out results/trial\n"
               "Exit codes: 0 ok, 1 unexpected failure, 2 bad input, 3 numerical failure."};
  std::string file, out;
  bool quiet = false;
  bool allow_failures = false;
  app.add_option("trial", file, "trial file (TOML)")->required();
  app.add_option("-o,--out", out, "output directory")->required();
  app.add_flag("-q,--quiet", quiet, "print nothing but errors");
  app.add_flag("--allow-failures", allow_failures,
               "exit 0 even when plans failed numerically (default: exit 3)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = mpi.rank() == 0 ? app.exit(e) : 0;
    return e.get_exit_code() == 0 ? code : static_cast<int>(nksim::ExitCode::kBadInput);
  }
  try {
    const nksim::TrialRunResult s = mpi.run(file, out, !quiet);
    if (mpi.rank() == 0 && !quiet) std::cout << nksim::trial_run_text(s, mpi.size());
    if (s.failed_total > 0 && !allow_failures) {
      if (mpi.rank() == 0) std::cerr << "nksim-mpi: error: " << s.failures << "\n";
      return static_cast<int>(nksim::ExitCode::kNumerical);
    }
    return 0;
  } catch (const nksim::InputError& e) {
    // Raised alike on every rank (the trial file) or broadcast by rank 0 (the database).
    if (mpi.rank() == 0) std::cerr << "nksim-mpi: error: " << e.what() << "\n";
    return static_cast<int>(nksim::ExitCode::kBadInput);
  } catch (const std::exception& e) {
    std::cerr << "nksim-mpi (rank " << mpi.rank() << "): error: " << e.what() << "\n";
    mpi.abort(static_cast<int>(nksim::ExitCode::kFailure));
  }
}
