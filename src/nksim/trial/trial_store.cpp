#include "nksim/trial/trial_store.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"

namespace nksim {
namespace {

// Bumped whenever the tables change: a store of another format is refused, not misread.
constexpr const char* kStoreFormat = "3";

// Tables every store has, part files of MPI ranks included.
constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS endpoints(
  patient INTEGER NOT NULL, arm INTEGER NOT NULL, seed TEXT NOT NULL, status TEXT NOT NULL,
  message TEXT, best_pct_change REAL, category TEXT, ttp_days REAL, survival_days REAL,
  death INTEGER, elimination_time_days REAL, escape_time_days REAL, peak REAL, final_tumour REAL,
  PRIMARY KEY(patient, arm));
CREATE TABLE IF NOT EXISTS series(
  patient INTEGER NOT NULL, arm INTEGER NOT NULL, state TEXT NOT NULL, time_days REAL NOT NULL,
  value REAL NOT NULL, PRIMARY KEY(patient, arm, state, time_days)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS thresholds(
  patient INTEGER NOT NULL, arm INTEGER NOT NULL, threshold INTEGER NOT NULL, value REAL,
  met INTEGER, PRIMARY KEY(patient, arm, threshold));
)";

// Tables of the trial database only (the patients table is made from the distributions).
constexpr const char* kTrialSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS arms(arm INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS parameters(
  parameter INTEGER PRIMARY KEY, name TEXT NOT NULL, distribution TEXT NOT NULL,
  unit TEXT NOT NULL, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS states(
  state TEXT PRIMARY KEY, unit TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threshold_endpoints(
  threshold INTEGER PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL, day REAL NOT NULL,
  direction TEXT NOT NULL, level REAL NOT NULL);
CREATE VIEW IF NOT EXISTS series_named AS
  SELECT s.patient, a.name AS arm, s.state, st.unit, s.time_days, s.value
  FROM series s JOIN arms a ON a.arm = s.arm JOIN states st ON st.state = s.state;
)";

bool has_meta(SqliteDb& db) {
  auto stmt = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'meta'");
  stmt.step();
  if (stmt.column_int(0) == 0) return false;
  auto rows = db.prepare("SELECT count(*) FROM meta WHERE key = 'file_hash'");
  rows.step();
  return rows.column_int(0) > 0;
}

// "initial.T" -> "\"initial.T\"": a column name for SQL.
std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}


// A store of another format cannot be read; one of another nksim version is not resumed,
// since results of two versions must not be mixed in one trial.
void check_compatible(SqliteDb& db, const std::filesystem::path& file, bool resume) {
  auto format = db.prepare("SELECT value FROM meta WHERE key = 'store_format'");
  const std::string found = format.step() ? format.column_text(0) : "1";
  const std::string version = trial_meta(db, "nksim_version");
  if (found != kStoreFormat) {
    throw InputError(file.string() + " was written by nksim " + version + " in store format " +
                     found + "; this is nksim " + kVersion + " (store format " + kStoreFormat +
                     "), which cannot read it: use nksim " + version +
                     (resume ? ", or choose another --out directory to start again" : ""));
  }
  if (resume && version != kVersion) {
    throw InputError(file.string() + " was written by nksim " + version + "; this is nksim " +
                     kVersion +
                     ", which does not resume another version's trial: finish it with nksim " +
                     version + ", or choose another --out directory to start again");
  }
}

// Creates the output directory and names the database inside it.
std::filesystem::path prepare_database(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  return TrialStore::database_path(dir);
}

// True when the file's header says write-ahead-log mode (bytes 18 and 19 are 2).
bool in_wal_mode(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char header[20] = {};
  if (!in.read(header, sizeof header)) return false;
  return header[18] == 2 && header[19] == 2;
}

// Leaves the database as one file; a failure (another process still has it open) only means
// the files stay until that process closes it.
void leave_wal_mode(SqliteDb& db) {
  try {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("PRAGMA journal_mode=DELETE");
  } catch (const Error&) {
  }
}

void write_meta(SqliteDb& db, const TrialSpec& spec) {
  auto meta = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"name", spec.name},
      {"file_hash", spec.file_hash},
      {"nksim_version", kVersion},
      {"store_format", kStoreFormat},
      {"seed", std::to_string(spec.seed)},
      {"patients", std::to_string(spec.patients)},
      {"follow_up_days", format_number(spec.follow_up_days, 17)},
      {"sampler", sampler_name(spec.sampler)},
      {"model", spec.model_name()},
      {"tumour_state", spec.tumour_state()},
      {"trial_file", spec.file.string()},
      {"trial_text", spec.text},
      {"base_file", spec.base_file.string()},
      {"base_text", spec.base_text},
  };
  for (const auto& [key, value] : entries) meta.bind(1, key).bind(2, value).run();
  auto state = db.prepare("INSERT INTO states(state, unit, description) VALUES (?, ?, ?)");
  for (const TrialSpec::Series& s : spec.series()) {
    state.bind(1, s.name).bind(2, s.unit).bind(3, s.description).run();
  }
  auto threshold = db.prepare(
      "INSERT INTO threshold_endpoints(threshold, name, state, day, direction, level) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  for (std::size_t k = 0; k < spec.endpoints.thresholds.size(); ++k) {
    const ThresholdSpec& th = spec.endpoints.thresholds[k];
    threshold.bind(1, static_cast<std::int64_t>(k))
        .bind(2, th.name)
        .bind(3, th.state)
        .bind(4, th.day)
        .bind(5, std::string(th.first ? "first_" : "") + (th.above ? "above" : "below"))
        .bind(6, th.level)
        .run();
  }
  auto arm = db.prepare("INSERT INTO arms(arm, name, description) VALUES (?, ?, ?)");
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    arm.bind(1, static_cast<std::int64_t>(a))
        .bind(2, spec.arms[a].name)
        .bind(3, spec.arms[a].description)
        .run();
  }
}

// One row per patient, one REAL column per sampled quantity (TEXT for labels), named after it.
void write_patients(SqliteDb& db, const TrialSpec& spec, const std::vector<Patient>& patients) {
  auto parameter = db.prepare(
      "INSERT INTO parameters(parameter, name, distribution, unit, type) VALUES (?, ?, ?, ?, ?)");
  std::string columns = "patient INTEGER PRIMARY KEY";
  std::string placeholders = "?";
  for (std::size_t d = 0; d < spec.distributions.size(); ++d) {
    const Distribution& dist = spec.distributions[d];
    const std::string type = dist.is_label() ? "TEXT" : "REAL";
    parameter.bind(1, static_cast<std::int64_t>(d))
        .bind(2, dist.target)
        .bind(3, std::string(distribution_kind_name(dist.kind)))
        .bind(4, dist.is_label() ? std::string() : spec.target_unit(dist.target))
        .bind(5, type)
        .run();
    columns += ", " + quote_identifier(dist.target) + " " + type;
    placeholders += ", ?";
  }
  db.exec("CREATE TABLE patients(" + columns + ")");
  auto insert = db.prepare("INSERT INTO patients VALUES (" + placeholders + ")");
  for (const Patient& p : patients) {
    insert.bind(1, static_cast<std::int64_t>(p.index));
    for (std::size_t d = 0; d < spec.distributions.size(); ++d) {
      const Distribution& dist = spec.distributions[d];
      const int column = static_cast<int>(d) + 2;
      if (dist.is_label()) {
        insert.bind(column, patient_value_text(spec, p, d));
      } else {
        insert.bind(column, p.values[d]);
      }
    }
    insert.run();
  }
}

}  // namespace

std::string trial_meta(SqliteDb& db, const std::string& key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
  stmt.bind(1, key);
  if (!stmt.step()) {
    throw InputError(db.path().string() + " has no '" + key +
                     "' in its meta table: it is not a trial database of this nksim");
  }
  return stmt.column_text(0);
}

TrialStore::TrialStore(const std::filesystem::path& file) : db_(file, SqliteDb::Mode::kCreate) {
  db_.exec(kSchema);
}

TrialStore TrialStore::open_part(const std::filesystem::path& file) { return TrialStore(file); }

TrialStore::TrialStore(const std::filesystem::path& dir, const TrialSpec& spec,
                       const std::vector<Patient>& patients)
    : db_(prepare_database(dir), SqliteDb::Mode::kCreate) {
  if (has_meta(db_)) {
    check_compatible(db_, database_path(dir), true);
    const std::string hash = trial_meta(db_, "file_hash");
    if (hash != spec.file_hash) {
      throw InputError(database_path(dir).string() + " belongs to another trial file (hash " +
                       hash + ", " + spec.file.string() + " has " + spec.file_hash +
                       "): choose another --out directory or delete it to start again");
    }
    return;
  }
  SqliteTransaction tx(db_);
  db_.exec(kSchema);
  db_.exec(kTrialSchema);
  write_meta(db_, spec);
  write_patients(db_, spec, patients);
  tx.commit();
}

TrialStore::~TrialStore() { leave_wal_mode(db_); }

std::set<std::pair<std::size_t, std::size_t>> TrialStore::done_plans() {
  std::set<std::pair<std::size_t, std::size_t>> done;
  auto stmt = db_.prepare("SELECT patient, arm FROM endpoints");
  while (stmt.step()) {
    done.emplace(static_cast<std::size_t>(stmt.column_int(0)),
                 static_cast<std::size_t>(stmt.column_int(1)));
  }
  return done;
}

std::size_t TrialStore::count_rows() {
  auto stmt = db_.prepare("SELECT count(*) FROM endpoints");
  stmt.step();
  return static_cast<std::size_t>(stmt.column_int(0));
}

std::size_t TrialStore::count_failed() {
  auto stmt = db_.prepare("SELECT count(*) FROM endpoints WHERE status <> 'ok'");
  stmt.step();
  return static_cast<std::size_t>(stmt.column_int(0));
}

void TrialStore::summarise_failures(TrialRunSummary& summary, std::size_t failed_before) {
  summary.failed_total = count_failed();
  summary.failed = summary.failed_total - std::min(failed_before, summary.failed_total);
  auto stmt = db_.prepare(
      "SELECT e.patient, a.name, e.message FROM endpoints e JOIN arms a ON a.arm = e.arm "
      "WHERE e.status <> 'ok' ORDER BY e.patient, e.arm LIMIT 1");
  if (stmt.step()) {
    summary.first_failure = "patient " + stmt.column_text(0) + " in arm " + stmt.column_text(1) +
                            ": " + stmt.column_text(2);
  }
}

void TrialStore::write(const PlanResult& r, std::uint64_t seed) {
  SqliteTransaction tx(db_);
  auto stmt = db_.prepare(
      "INSERT INTO endpoints(patient, arm, seed, status, message, best_pct_change, category, "
      "ttp_days, survival_days, death, elimination_time_days, escape_time_days, peak, "
      "final_tumour) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const Endpoints& e = r.endpoints;
  stmt.bind(1, static_cast<std::int64_t>(r.patient))
      .bind(2, static_cast<std::int64_t>(r.arm))
      .bind(3, std::to_string(seed))
      .bind(4, std::string(r.ok ? "ok" : "failed"))
      .bind(5, r.message);
  if (r.ok) {
    stmt.bind(6, e.best_pct_change)
        .bind(7, e.category)
        .bind(8, e.ttp_days)
        .bind(9, e.survival_days)
        .bind(10, static_cast<std::int64_t>(e.death ? 1 : 0))
        .bind(11, e.elimination_time_days)
        .bind(12, e.escape_time_days)
        .bind(13, e.peak)
        .bind(14, e.final_tumour);
  }
  stmt.run();
  if (r.ok) {
    auto threshold = db_.prepare(
        "INSERT INTO thresholds(patient, arm, threshold, value, met) VALUES (?, ?, ?, ?, ?)");
    for (std::size_t k = 0; k < e.thresholds.size(); ++k) {
      threshold.bind(1, static_cast<std::int64_t>(r.patient))
          .bind(2, static_cast<std::int64_t>(r.arm))
          .bind(3, static_cast<std::int64_t>(k))
          .bind(4, e.thresholds[k].value)
          .bind(5, static_cast<std::int64_t>(e.thresholds[k].met ? 1 : 0))
          .run();
    }
    write_series(r);
  }
  tx.commit();
}

// Long format, one row per (state, time). Values below zero (the solver undershoots a little
// after a population is gone) are stored as 0: no negative cell counts in what users read.
void TrialStore::write_series(const PlanResult& r) {
  if (r.states.empty() || r.times_days.empty()) return;
  auto series = db_.prepare(
      "INSERT INTO series(patient, arm, state, time_days, value) VALUES (?, ?, ?, ?, ?)");
  const std::size_t n = r.states.size();
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t i = 0; i < r.times_days.size(); ++i) {
      series.bind(1, static_cast<std::int64_t>(r.patient))
          .bind(2, static_cast<std::int64_t>(r.arm))
          .bind(3, r.states[s])
          .bind(4, r.times_days[i])
          .bind(5, std::max(0.0, r.values[i * n + s]))
          .run();
    }
  }
}

void TrialStore::merge_part(const std::filesystem::path& part) {
  {
    auto attach = db_.prepare("ATTACH DATABASE ? AS part");
    attach.bind(1, part.string()).run();
    {
      SqliteTransaction tx(db_);
      db_.exec("INSERT OR IGNORE INTO endpoints SELECT * FROM part.endpoints");
      db_.exec("INSERT OR IGNORE INTO series SELECT * FROM part.series");
      db_.exec("INSERT OR IGNORE INTO thresholds SELECT * FROM part.thresholds");
      tx.commit();
    }
    db_.exec("DETACH DATABASE part");
  }
  std::filesystem::remove(part);
  std::filesystem::remove(part.string() + "-wal");
  std::filesystem::remove(part.string() + "-shm");
}

void write_file_atomically(const std::filesystem::path& file, const std::string& text) {
  const std::filesystem::path staging =
      file.parent_path() / ("." + file.filename().string() + ".partial");
  {
    std::ofstream out(staging, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::error_code ignored;
      std::filesystem::remove(staging, ignored);
      throw Error("cannot write " + file.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(staging, file, ec);
  if (ec) {
    std::filesystem::remove(staging, ec);
    throw Error("cannot write " + file.string() + ": " + ec.message());
  }
}

std::unique_ptr<SqliteDb> open_trial_database(const std::filesystem::path& dir) {
  const auto path = TrialStore::database_path(dir);
  if (std::error_code ec; !std::filesystem::is_regular_file(path, ec)) {
    throw InputError(dir.string() +
                     " holds no trial database (trial.sqlite); run "
                     "'nksim trial run' first");
  }
  if (in_wal_mode(path)) {
    try {
      SqliteDb writable(path, SqliteDb::Mode::kReadWrite);
      leave_wal_mode(writable);
    } catch (const Error&) {
      // A store we may not write (shared results) is still read, through its log.
    }
  }
  auto db = std::make_unique<SqliteDb>(path, SqliteDb::Mode::kReadOnly);
  check_compatible(*db, path, false);
  return db;
}

}  // namespace nksim
