// Long (label "long"): the benchmark cohort — scenarios/trial_nk_dose.toml with 1,000 patients
// and two arms — finishes in under a minute on two threads and on two MPI ranks, with the same
// rows.
#include <gtest/gtest.h>

#include <chrono>

#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::CliResult;
using testing::quoted;
using testing::read_file;
using testing::run_command;
using testing::TempDir;
using testing::write_file;

TEST(TrialLong, ThousandPatientCohortUnderAMinuteOnThreadsAndMpi) {
  TempDir dir("long");
  std::string body = read_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose.toml");
  body.replace(body.find("base = \"trial_nk_dose_base.toml\""), 33,
               "base = \"" + std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose_base.toml\"");
  body.replace(body.find("patients = 200"), 14, "patients = 1000");
  const auto file = dir.path() / "trial.toml";
  write_file(file, body);

  const auto timed = [](const std::string& command) {
    const auto start = std::chrono::steady_clock::now();
    const CliResult result = run_command(command);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double threads = timed(std::string(NKSIM_BINARY) + " trial run " + quoted(file) +
                               " --out " + quoted(dir.path() / "threads") + " --threads 2 -q");
  const double mpi =
      timed(std::string(kMpiEnv) + NKSIM_MPIEXEC + " --oversubscribe --allow-run-as-root -np 2 " +
            NKSIM_MPI_BINARY + " " + quoted(file) + " --out " + quoted(dir.path() / "mpi") + " -q");
  EXPECT_LT(threads, 60.0);
  EXPECT_LT(mpi, 60.0);
  const auto rows = endpoint_rows(dir.path() / "threads");
  EXPECT_EQ(rows.size(), 2000u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "mpi"));
}

}  // namespace
}  // namespace nksim::test
