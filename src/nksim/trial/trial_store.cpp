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
constexpr const char* kStoreFormat = "2";

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
CREATE VIEW IF NOT EXISTS series_named AS
  SELECT s.patient, a.name AS arm, s.state, st.unit, s.time_days, s.value
  FROM series s JOIN arms a ON a.arm = s.arm JOIN states st ON st.state = s.state;
)";

std::string meta_value(SqliteDb& db, const std::string& key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
  stmt.bind(1, key);
  if (!stmt.step()) {
    throw InputError(db.path().string() + " has no '" + key +
                     "' in its meta table: it is not a trial database of this nksim");
  }
  return stmt.column_text(0);
}

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

// Unit of a distribution target: the model parameter's, the state's, or none (labels).
std::string target_unit(const OdeModel& model, const std::string& target) {
  if (target.rfind("initial.", 0) == 0) {
    for (const StateInfo& s : model.states())
      if (s.name == target.substr(8)) return std::string(s.unit);
  }
  for (const ParameterInfo& p : model.parameters())
    if (p.name == target) return std::string(p.unit);
  return "";
}

// A store of another format cannot be read; one of another nksim version is not resumed,
// since results of two versions must not be mixed in one trial.
void check_compatible(SqliteDb& db, const std::filesystem::path& file, bool resume) {
  auto format = db.prepare("SELECT value FROM meta WHERE key = 'store_format'");
  const std::string found = format.step() ? format.column_text(0) : "1";
  const std::string version = meta_value(db, "nksim_version");
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
  const OdeModel& model = *resolve(spec.base).model;
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"name", spec.name},
      {"file_hash", spec.file_hash},
      {"nksim_version", kVersion},
      {"store_format", kStoreFormat},
      {"seed", std::to_string(spec.seed)},
      {"patients", std::to_string(spec.patients)},
      {"follow_up_days", format_number(spec.follow_up_days, 17)},
      {"sampler", sampler_name(spec.sampler)},
      {"model", spec.base.model},
      {"tumour_state", std::string(model.states()[model.tumour_state()].name)},
      {"trial_file", spec.file.string()},
      {"trial_text", spec.text},
      {"base_file", spec.base_file.string()},
      {"base_text", spec.base_text},
  };
  for (const auto& [key, value] : entries) meta.bind(1, key).bind(2, value).run();
  auto state = db.prepare("INSERT INTO states(state, unit, description) VALUES (?, ?, ?)");
  for (const StateInfo& s : model.states()) {
    state.bind(1, std::string(s.name))
        .bind(2, std::string(s.unit))
        .bind(3, std::string(s.description))
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
  const OdeModel& model = *resolve(spec.base).model;
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
        .bind(4, dist.is_label() ? std::string() : target_unit(model, dist.target))
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

TrialStore::TrialStore(const std::filesystem::path& file) : db_(file, SqliteDb::Mode::kCreate) {
  db_.exec(kSchema);
}

TrialStore TrialStore::open_part(const std::filesystem::path& file) { return TrialStore(file); }

TrialStore::TrialStore(const std::filesystem::path& dir, const TrialSpec& spec,
                       const std::vector<Patient>& patients)
    : db_(prepare_database(dir), SqliteDb::Mode::kCreate) {
  if (has_meta(db_)) {
    check_compatible(db_, database_path(dir), true);
    const std::string hash = meta_value(db_, "file_hash");
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
  if (r.ok) write_series(r);
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

namespace {

void load_parameters(SqliteDb& db, TrialData& data) {
  auto parameters =
      db.prepare("SELECT name, distribution, unit, type FROM parameters ORDER BY parameter");
  while (parameters.step()) {
    data.parameters.push_back({parameters.column_text(0), parameters.column_text(1),
                               parameters.column_text(2), parameters.column_text(3) == "TEXT"});
  }
  const std::size_t k = data.parameters.size();
  data.values.assign(data.patients, std::vector<double>(k, std::nan("")));
  data.labels.assign(data.patients, std::vector<std::string>(k));
  auto values = db.prepare("SELECT * FROM patients ORDER BY patient");
  while (values.step()) {
    const auto p = static_cast<std::size_t>(values.column_int(0));
    if (p >= data.patients) continue;
    for (std::size_t j = 0; j < k; ++j) {
      const int column = static_cast<int>(j) + 1;
      if (data.parameters[j].label) {
        data.labels[p][j] = values.column_text(column);
      } else {
        data.values[p][j] = values.column_double(column);
      }
    }
  }
}

void load_endpoints(SqliteDb& db, TrialData& data) {
  auto rows = db.prepare(
      "SELECT patient, arm, status, best_pct_change, category, ttp_days, survival_days, death, "
      "elimination_time_days, escape_time_days, peak, final_tumour FROM endpoints "
      "ORDER BY patient, arm");
  while (rows.step()) {
    EndpointRow row;
    row.patient = static_cast<std::size_t>(rows.column_int(0));
    row.arm = static_cast<std::size_t>(rows.column_int(1));
    row.ok = rows.column_text(2) == "ok";
    Endpoints& e = row.endpoints;
    e.best_pct_change = rows.column_double(3);
    e.category = rows.column_text(4);
    e.ttp_days = rows.column_optional(5);
    e.survival_days = rows.column_double(6);
    e.death = rows.column_int(7) != 0;
    e.elimination_time_days = rows.column_optional(8);
    e.escape_time_days = rows.column_optional(9);
    e.peak = rows.column_optional(10);
    e.final_tumour = rows.column_double(11);
    data.rows.push_back(row);
  }
}

}  // namespace

TrialData load_trial(const std::filesystem::path& dir) {
  const auto db = open_trial_database(dir);
  TrialData data;
  data.name = meta_value(*db, "name");
  data.seed = std::stoull(meta_value(*db, "seed"));
  data.patients = std::stoull(meta_value(*db, "patients"));
  data.follow_up_days = std::stod(meta_value(*db, "follow_up_days"));
  data.file_hash = meta_value(*db, "file_hash");
  data.tumour_state = meta_value(*db, "tumour_state");
  auto arms = db->prepare("SELECT name FROM arms ORDER BY arm");
  while (arms.step()) data.arms.push_back(arms.column_text(0));
  load_parameters(*db, data);
  load_endpoints(*db, data);
  return data;
}

std::pair<std::vector<double>, std::vector<double>> load_timeseries(SqliteDb& db,
                                                                    std::size_t patient,
                                                                    std::size_t arm,
                                                                    const std::string& state) {
  auto stmt = db.prepare(
      "SELECT time_days, value FROM series WHERE patient = ? AND arm = ? AND state = ? "
      "ORDER BY time_days");
  stmt.bind(1, static_cast<std::int64_t>(patient))
      .bind(2, static_cast<std::int64_t>(arm))
      .bind(3, state);
  std::pair<std::vector<double>, std::vector<double>> out;
  while (stmt.step()) {
    out.first.push_back(stmt.column_double(0));
    out.second.push_back(stmt.column_double(1));
  }
  return out;
}

namespace {

std::string patients_csv(const TrialData& data) {
  std::ostringstream out;
  out << "patient";
  for (const auto& p : data.parameters) {
    out << "," << p.name;
    if (!p.unit.empty()) out << " (" << p.unit << ")";
  }
  out << "\n";
  for (std::size_t i = 0; i < data.patients; ++i) {
    out << i;
    for (std::size_t j = 0; j < data.parameters.size(); ++j) {
      out << ","
          << (data.parameters[j].label ? data.labels[i][j] : format_number(data.values[i][j], 17));
    }
    out << "\n";
  }
  return out.str();
}

std::string endpoints_csv(const TrialData& data) {
  const auto opt = [](const std::optional<double>& v) {
    return v ? format_number(*v, 17) : std::string();
  };
  std::ostringstream out;
  out << "patient,arm,status,best_pct_change,category,ttp_days,survival_days,death,"
         "elimination_time_days,escape_time_days,peak,final_tumour\n";
  for (const auto& r : data.rows) {
    const Endpoints& e = r.endpoints;
    out << r.patient << "," << data.arms[r.arm] << "," << (r.ok ? "ok" : "failed") << ",";
    if (r.ok) {
      out << format_number(e.best_pct_change, 17) << "," << e.category << "," << opt(e.ttp_days)
          << "," << format_number(e.survival_days, 17) << "," << (e.death ? 1 : 0) << ","
          << opt(e.elimination_time_days) << "," << opt(e.escape_time_days) << "," << opt(e.peak)
          << "," << format_number(e.final_tumour, 17);
    } else {
      out << ",,,,,,,,";
    }
    out << "\n";
  }
  return out.str();
}

std::string series_csv(SqliteDb& db) {
  std::ostringstream out;
  out << "patient,arm,state,unit,time_days,value\n";
  auto stmt = db.prepare(
      "SELECT s.patient, a.name, s.state, st.unit, s.time_days, s.value FROM series s "
      "JOIN arms a ON a.arm = s.arm JOIN states st ON st.state = s.state "
      "ORDER BY s.patient, s.arm, s.state, s.time_days");
  while (stmt.step()) {
    out << stmt.column_text(0) << "," << stmt.column_text(1) << "," << stmt.column_text(2) << ","
        << stmt.column_text(3) << "," << format_number(stmt.column_double(4), 17) << ","
        << format_number(stmt.column_double(5), 17) << "\n";
  }
  return out.str();
}

}  // namespace

std::vector<std::filesystem::path> export_trial_csv(const std::filesystem::path& dir) {
  const TrialData data = load_trial(dir);
  std::vector<std::filesystem::path> written = {dir / "patients.csv", dir / "endpoints.csv"};
  write_file_atomically(written[0], patients_csv(data));
  write_file_atomically(written[1], endpoints_csv(data));
  const auto db = open_trial_database(dir);
  auto count = db->prepare("SELECT count(*) FROM series");
  count.step();
  if (count.column_int(0) > 0) {
    written.push_back(dir / "timeseries.csv");
    write_file_atomically(written.back(), series_csv(*db));
  }
  return written;
}

}  // namespace nksim
