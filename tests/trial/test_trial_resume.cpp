// A trial killed part-way (SIGKILL) and started again ends with exactly one row per plan, equal
// to an uninterrupted run.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "nksim/io/sqlite_db.h"
#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::BackgroundProcess;
using testing::quoted;
using testing::run_command;
using testing::TempDir;
using testing::wait_until;

// Starts `nksim trial run` on one thread, kills it with SIGKILL once at least 50 plans are
// committed, and returns the number of rows left in the database.
std::size_t run_and_kill(const std::filesystem::path& file, const std::filesystem::path& out) {
  BackgroundProcess run(
      {NKSIM_BINARY, "trial", "run", file.string(), "--out", out.string(), "--threads", "1"});
  if (!run.started()) return 0;
  wait_until([&] { return committed_rows(out / "trial.sqlite") >= 50; },
             std::chrono::milliseconds(5));
  run.stop(SIGKILL);
  return committed_rows(out / "trial.sqlite");
}

constexpr int kPatients = 1000;

// No -wal or -shm file next to the database.
void expect_one_file(const std::filesystem::path& dir) {
  EXPECT_FALSE(std::filesystem::exists(dir / "trial.sqlite-wal"));
  EXPECT_FALSE(std::filesystem::exists(dir / "trial.sqlite-shm"));
}

std::vector<std::string> uninterrupted(const std::filesystem::path& file,
                                       const std::filesystem::path& out) {
  const auto whole = run_command(std::string(NKSIM_BINARY) + " trial run " + quoted(file) +
                                 " --out " + quoted(out) + " --threads 2");
  EXPECT_EQ(whole.exit_code, 0) << whole.output;
  return endpoint_rows(out);
}

TEST(TrialResume, KilledRunCompletesOnlyTheMissingPlans) {
  TempDir dir("resume");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(kPatients, "lhs"));
  const auto out = dir.path() / "killed";
  const std::size_t rows = run_and_kill(file, out);
  ASSERT_GE(rows, 50u) << "the run never committed a plan";
  EXPECT_LT(rows, 2u * kPatients) << "the run finished before it could be killed";

  // The killed run's write-ahead log is folded back by the next command that reads the store.
  const auto analysis = run_command(std::string(NKSIM_BINARY) + " trial analyse " + quoted(out));
  EXPECT_EQ(analysis.exit_code, 0) << analysis.output;
  EXPECT_NE(analysis.output.find("plans not run yet"), std::string::npos) << analysis.output;
  expect_one_file(out);

  const auto resumed = run_command(std::string(NKSIM_BINARY) + " trial run " + quoted(file) +
                                   " --out " + quoted(out) + " --threads 2");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("(" + std::to_string(rows) + " already done)"), std::string::npos)
      << resumed.output;
  expect_one_file(out);

  const auto expected = uninterrupted(file, dir.path() / "whole");
  ASSERT_EQ(expected.size(), 2u * kPatients);
  EXPECT_EQ(endpoint_rows(out), expected);  // one row per plan (primary key), same values
}

TEST(TrialResume, KilledThreadRunCompletesUnderMpi) {
  TempDir dir("resume-mpi");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(kPatients, "sobol"));
  const auto out = dir.path() / "killed";
  const std::size_t rows = run_and_kill(file, out);
  ASSERT_GE(rows, 50u) << "the run never committed a plan";
  const auto resumed = run_command(std::string(kMpiEnv) + NKSIM_MPIEXEC +
                                   " --oversubscribe --allow-run-as-root -np 2 " +
                                   NKSIM_MPI_BINARY + " " + quoted(file) + " --out " + quoted(out));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("(" + std::to_string(rows) + " already done)"), std::string::npos)
      << resumed.output;
  EXPECT_EQ(endpoint_rows(out), uninterrupted(file, dir.path() / "whole"));
}

// An MPI run stopped part-way (SIGTERM to mpirun, which ends every rank at once) leaves rows in
// trial.sqlite (rank 0) and in parts/rank-1.sqlite; the next run merges the part first and
// completes only the missing plans.
TEST(TrialResume, StoppedMpiRunMergesItsPartsAndCompletes) {
  TempDir dir("resume-mpi-parts");
  // Three times the other tests' patients: with the Rodas5P integrator a 2,000-plan run took
  // ~1 s after its 50th row, short enough for a SIGTERM through mpirun to land too late on a
  // loaded machine.
  constexpr int kStoppedPatients = 3 * kPatients;
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(kStoppedPatients, "lhs"));
  // The stop is timed from outside: on a loaded machine the run may, rarely, finish before the
  // signal lands. Then it is tried again in a fresh folder (three tries at most).
  std::filesystem::path out;
  std::size_t in_main = 0, in_part = 0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    out = dir.path() / ("stopped-" + std::to_string(attempt));
    // Through env, which execs mpirun in its own place: SIGTERM reaches mpirun.
    BackgroundProcess run({"env", "ASAN_OPTIONS=detect_leaks=0", NKSIM_MPIEXEC,
                           "--oversubscribe", "--allow-run-as-root", "-np", "2",
                           NKSIM_MPI_BINARY, file.string(), "--out", out.string(), "-q"});
    ASSERT_TRUE(run.started());
    wait_until([&] { return committed_rows(out / "trial.sqlite") >= 50; },
               std::chrono::milliseconds(5));
    run.stop(SIGTERM);
    in_main = committed_rows(out / "trial.sqlite");
    in_part = committed_rows(out / "parts" / "rank-1.sqlite");
    ASSERT_GE(in_main, 50u);
    if (in_main + in_part < 2u * kStoppedPatients) break;
  }
  ASSERT_LT(in_main + in_part, 2u * kStoppedPatients)
      << "the run finished before it could be stopped";

  const auto resumed = run_command(std::string(kMpiEnv) + NKSIM_MPIEXEC +
                                   " --oversubscribe --allow-run-as-root -np 2 " +
                                   NKSIM_MPI_BINARY + " " + quoted(file) + " --out " + quoted(out));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("(" + std::to_string(in_main + in_part) + " already done)"),
            std::string::npos)
      << resumed.output;
  EXPECT_FALSE(std::filesystem::exists(out / "parts"));
  expect_one_file(out);
  EXPECT_EQ(endpoint_rows(out), uninterrupted(file, dir.path() / "whole"));
}

}  // namespace
}  // namespace nksim::test
