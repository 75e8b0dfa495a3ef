// The trial database: the SQLite wrapper, part files merged without duplicates, hash check.
#include <gtest/gtest.h>

#include <fstream>

#include "nksim/core/error.h"
#include "nksim/io/sqlite_db.h"
#include "nksim/trial/trial_store.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

using testing::fresh_directory;

TEST(SqliteDb, ErrorsNameTheDatabaseAndTheStatement) {
  const auto dir = fresh_directory("trial-store-sqlite");
  EXPECT_THROW(SqliteDb(dir / "missing" / "x.sqlite", SqliteDb::Mode::kCreate), Error);
  SqliteDb db(dir / "x.sqlite", SqliteDb::Mode::kCreate);
  db.exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b REAL)");
  try {
    db.prepare("SELECT nope FROM t");
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.sqlite"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("SELECT nope FROM t"), std::string::npos) << e.what();
  }
  {
    SqliteTransaction tx(db);
    db.prepare("INSERT INTO t(a, b) VALUES (1, 2.5)").run();
  }  // not committed: rolled back
  auto count = db.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int(0), 0);
  {
    SqliteTransaction tx(db);
    auto insert = db.prepare("INSERT INTO t(a, b) VALUES (?, ?)");
    insert.bind(1, std::int64_t{1}).bind(2, std::optional<double>{}).run();
    tx.commit();
  }
  auto row = db.prepare("SELECT b FROM t WHERE a = 1");
  ASSERT_TRUE(row.step());
  EXPECT_FALSE(row.column_optional(0).has_value());
  EXPECT_THROW(db.prepare("INSERT INTO t(a, b) VALUES (1, 3)").run(), Error);  // primary key
  std::filesystem::remove_all(dir);
}

TEST(TrialStore, MergesPartsWithoutDuplicatesAndChecksTheTrialHash) {
  const auto dir = fresh_directory("trial-store-merge");
  const auto file = dir / "t.toml";
  std::ofstream(file) << "[trial]\nbase = \"" << NKSIM_SOURCE_DIR
                      << "/scenarios/trial_nk_dose_base.toml\"\npatients = 3\n[[arm]]\nname = \"a\"\n";
  const TrialSpec spec = parse_trial_file(file);
  const auto patients = sample_patients(spec);
  const auto plans = make_run_plans(spec);
  ASSERT_EQ(plans.size(), 3u);
  const auto out = dir / "out";
  TrialStore store(out, spec, patients);
  store.write(run_plan(spec, patients[0], plans[0]), plans[0].seed);
  {
    TrialStore part = TrialStore::open_part(out / "part.sqlite");
    for (const auto& plan : plans)
      part.write(run_plan(spec, patients[plan.patient], plan), plan.seed);
  }
  store.merge_part(out / "part.sqlite");
  EXPECT_EQ(store.count_rows(), 3u);  // plan 0 was in both: kept once
  EXPECT_FALSE(std::filesystem::exists(out / "part.sqlite"));
  EXPECT_EQ(store.done_plans().size(), 3u);

  std::ofstream(file, std::ios::app) << "# changed\n";
  const TrialSpec changed = parse_trial_file(file);
  EXPECT_THROW(TrialStore(out, changed, patients), InputError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nksim
