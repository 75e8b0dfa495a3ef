// The trial store describes itself: numbers as REAL columns, every state's series in a long
// table SQL can query, the trial and base scenario text, one file (no -wal or -shm left by any
// command) and a version check before a resume.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "nksim/core/version.h"
#include "nksim/io/sqlite_db.h"
#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::quoted;
using testing::read_file;
using testing::run_command;
using testing::TempDir;

const std::string kNksim = NKSIM_BINARY;

// Fails the test when a -wal or -shm file sits next to the database.
void expect_one_file(const std::filesystem::path& dir, const std::string& after) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(std::filesystem::exists(dir / ("trial.sqlite" + std::string(suffix))))
        << suffix << " left after " << after;
  }
}

double scalar(SqliteDb& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt.step()) << sql;
  return stmt.column_double(0);
}

std::string text(SqliteDb& db, const std::string& sql) {
  auto stmt = db.prepare(sql);
  EXPECT_TRUE(stmt.step()) << sql;
  return stmt.column_text(0);
}

TEST(TrialStoreSchema, NumbersAreRealAndEveryStatesSeriesIsALongTable) {
  TempDir dir("schema");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(6, "lhs"));
  const auto out = dir.path() / "out";
  const auto run = run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  expect_one_file(out, "trial run");

  SqliteDb db(out / "trial.sqlite", SqliteDb::Mode::kReadOnly);
  // One row per patient, a REAL column per sampled number, TEXT for the label.
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM patients"), 6);
  EXPECT_EQ(text(db, "SELECT group_concat(DISTINCT typeof(c)) FROM patients"), "real");
  EXPECT_EQ(text(db, "SELECT group_concat(DISTINCT typeof(\"initial.T\")) FROM patients"), "real");
  EXPECT_EQ(text(db, "SELECT group_concat(DISTINCT typeof(parameter_set)) FROM patients"), "text");
  EXPECT_GE(scalar(db, "SELECT min(\"initial.T\") FROM patients"), 1e5);
  EXPECT_LT(scalar(db, "SELECT max(\"initial.T\") FROM patients"), 5e6);
  EXPECT_EQ(text(db, "SELECT unit FROM parameters WHERE name = 'initial.T'"), "cells");
  EXPECT_EQ(text(db, "SELECT unit FROM parameters WHERE name = 'c'"), "1/(cell day)");

  // Every state of de Pillis 2005 (T, N, L), at every output time (0, 0.5, ..., 40 days).
  EXPECT_EQ(text(db,
                 "SELECT group_concat(state) FROM (SELECT DISTINCT state FROM series "
                 "ORDER BY state)"),
            "L,N,T");
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM series"), 6 * 2 * 3 * 81);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM series WHERE value < 0"), 0);
  EXPECT_EQ(text(db, "SELECT unit FROM states WHERE state = 'N'"), "cells");
  // The tumour at follow-up in the series is the endpoint final_tumour, plan by plan; the
  // tumour at time 0 is the patient's sampled initial.T.
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM endpoints e JOIN series s ON s.patient = e.patient AND "
                   "s.arm = e.arm AND s.state = 'T' AND s.time_days = 40 "
                   "WHERE s.value = e.final_tumour"),
            12);
  EXPECT_EQ(scalar(db,
                   "SELECT count(*) FROM patients p JOIN series s ON s.patient = p.patient AND "
                   "s.state = 'T' AND s.time_days = 0 WHERE s.value = p.\"initial.T\""),
            12);
  // The documented example query: the NK peak of each arm, by arm name, with its unit.
  EXPECT_EQ(text(db,
                 "SELECT arm || ':' || unit FROM series_named WHERE state = 'N' GROUP BY arm "
                 "ORDER BY max(value) DESC LIMIT 1"),
            "high:cells");

  // The text of both files, to reproduce the trial from the store alone.
  EXPECT_EQ(text(db, "SELECT value FROM meta WHERE key = 'trial_text'"), read_file(file));
  EXPECT_EQ(text(db, "SELECT value FROM meta WHERE key = 'base_text'"),
            read_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose_base.toml"));
  EXPECT_EQ(text(db, "SELECT value FROM meta WHERE key = 'nksim_version'"), kVersion);

  for (const char* command : {" trial analyse ", " trial export "}) {
    const auto result = run_command(kNksim + command + quoted(out));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    expect_one_file(out, command);
  }
  std::ifstream csv(out / "timeseries.csv");
  std::string header, first;
  std::getline(csv, header);
  std::getline(csv, first);
  EXPECT_EQ(header, "patient,arm,state,unit,time_days,value");
  EXPECT_EQ(first, "0,low,L,cells,0,0");
}

TEST(TrialStoreSchema, ResumeRefusesAStoreOfAnotherVersion) {
  TempDir dir("version");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(3, "lhs"));
  const auto out = dir.path() / "out";
  ASSERT_EQ(run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out)).exit_code,
            0);
  {
    SqliteDb db(out / "trial.sqlite", SqliteDb::Mode::kReadWrite);
    db.exec("UPDATE meta SET value = '0.0.1' WHERE key = 'nksim_version'");
    db.exec("PRAGMA journal_mode=DELETE");
  }
  const auto resumed = run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out));
  EXPECT_EQ(resumed.exit_code, 2) << resumed.output;
  EXPECT_NE(resumed.output.find("was written by nksim 0.0.1"), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find(std::string("this is nksim ") + kVersion), std::string::npos)
      << resumed.output;
  const auto mpi = run_command(std::string(kMpiEnv) + NKSIM_MPIEXEC +
                               " --oversubscribe --allow-run-as-root -np 2 " + NKSIM_MPI_BINARY +
                               " " + quoted(file) + " --out " + quoted(out));
  EXPECT_EQ(mpi.exit_code, 2) << mpi.output;
  EXPECT_NE(mpi.output.find("was written by nksim 0.0.1"), std::string::npos) << mpi.output;
  expect_one_file(out, "a refused resume");
  // Reading is fine across versions of the same store format, not across formats.
  const auto analysis = run_command(kNksim + " trial analyse " + quoted(out));
  EXPECT_EQ(analysis.exit_code, 0) << analysis.output;
  {
    SqliteDb db(out / "trial.sqlite", SqliteDb::Mode::kReadWrite);
    db.exec("UPDATE meta SET value = '1' WHERE key = 'store_format'");
    db.exec("PRAGMA journal_mode=DELETE");
  }
  const auto old_format = run_command(kNksim + " trial analyse " + quoted(out));
  EXPECT_EQ(old_format.exit_code, 2) << old_format.output;
  EXPECT_NE(old_format.output.find("in store format 1; this is nksim"), std::string::npos)
      << old_format.output;
  expect_one_file(out, "a refused analysis");
}

}  // namespace
}  // namespace nksim::test
