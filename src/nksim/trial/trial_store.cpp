#include "nksim/trial/trial_store.h"

#include <algorithm>
#include <fstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"

namespace nksim {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS endpoints(
  patient INTEGER NOT NULL, arm INTEGER NOT NULL, seed TEXT NOT NULL, status TEXT NOT NULL,
  message TEXT, best_pct_change REAL, category TEXT, ttp_days REAL, survival_days REAL,
  death INTEGER, elimination_time_days REAL, escape_time_days REAL, peak REAL, final_tumour REAL,
  PRIMARY KEY(patient, arm));
CREATE TABLE IF NOT EXISTS timeseries(
  patient INTEGER NOT NULL, arm INTEGER NOT NULL, time_days BLOB, tumour BLOB,
  PRIMARY KEY(patient, arm));
)";

constexpr const char* kTrialSchema = R"(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS arms(arm INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS parameters(
  parameter INTEGER PRIMARY KEY, name TEXT NOT NULL, distribution TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patients(
  patient INTEGER NOT NULL, parameter INTEGER NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY(patient, parameter));
)";

std::string meta_value(SqliteDb& db, const std::string& key) {
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = ?");
  stmt.bind(1, key);
  if (!stmt.step()) throw Error("database " + db.path().string() + " has no '" + key + "'");
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

// Creates the output directory and names the database inside it.
std::filesystem::path prepare_database(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  return TrialStore::database_path(dir);
}

}  // namespace

TrialStore::TrialStore(const std::filesystem::path& file) : db_(file, SqliteDb::Mode::kCreate) {
  db_.exec(kSchema);
}

TrialStore TrialStore::open_part(const std::filesystem::path& file) { return TrialStore(file); }

TrialStore::TrialStore(const std::filesystem::path& dir, const TrialSpec& spec,
                       const std::vector<Patient>& patients)
    : db_(prepare_database(dir), SqliteDb::Mode::kCreate) {
  db_.exec(kSchema);
  db_.exec(kTrialSchema);
  if (has_meta(db_)) {
    const std::string hash = meta_value(db_, "file_hash");
    if (hash != spec.file_hash) {
      throw InputError(database_path(dir).string() + " belongs to another trial file (hash " +
                       hash + ", " + spec.file.string() + " has " + spec.file_hash +
                       "): choose another --out directory or delete it to start again");
    }
    return;
  }
  SqliteTransaction tx(db_);
  auto meta = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
  const std::vector<std::pair<std::string, std::string>> entries = {
      {"name", spec.name},
      {"file_hash", spec.file_hash},
      {"nksim_version", kVersion},
      {"seed", std::to_string(spec.seed)},
      {"patients", std::to_string(spec.patients)},
      {"follow_up_days", format_number(spec.follow_up_days, 17)},
      {"sampler", sampler_name(spec.sampler)},
      {"model", spec.base.model},
      {"trial_file", spec.file.string()},
      {"trial_text", spec.text},
  };
  for (const auto& [key, value] : entries) meta.bind(1, key).bind(2, value).run();
  auto arm = db_.prepare("INSERT INTO arms(arm, name, description) VALUES (?, ?, ?)");
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    arm.bind(1, static_cast<std::int64_t>(a))
        .bind(2, spec.arms[a].name)
        .bind(3, spec.arms[a].description)
        .run();
  }
  auto parameter =
      db_.prepare("INSERT INTO parameters(parameter, name, distribution) VALUES (?, ?, ?)");
  for (std::size_t d = 0; d < spec.distributions.size(); ++d) {
    parameter.bind(1, static_cast<std::int64_t>(d))
        .bind(2, spec.distributions[d].target)
        .bind(3, std::string(distribution_kind_name(spec.distributions[d].kind)))
        .run();
  }
  auto value = db_.prepare("INSERT INTO patients(patient, parameter, value) VALUES (?, ?, ?)");
  for (const Patient& p : patients) {
    for (std::size_t d = 0; d < spec.distributions.size(); ++d) {
      value.bind(1, static_cast<std::int64_t>(p.index))
          .bind(2, static_cast<std::int64_t>(d))
          .bind(3, patient_value_text(spec, p, d))
          .run();
    }
  }
  tx.commit();
}

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
  if (r.ok && !r.times_days.empty()) {
    auto series =
        db_.prepare("INSERT INTO timeseries(patient, arm, time_days, tumour) VALUES (?, ?, ?, ?)");
    series.bind(1, static_cast<std::int64_t>(r.patient))
        .bind(2, static_cast<std::int64_t>(r.arm))
        .bind_blob(3, r.times_days)
        .bind_blob(4, r.tumour)
        .run();
  }
  tx.commit();
}

void TrialStore::merge_part(const std::filesystem::path& part) {
  {
    auto attach = db_.prepare("ATTACH DATABASE ? AS part");
    attach.bind(1, part.string()).run();
    {
      SqliteTransaction tx(db_);
      db_.exec("INSERT OR IGNORE INTO endpoints SELECT * FROM part.endpoints");
      db_.exec("INSERT OR IGNORE INTO timeseries SELECT * FROM part.timeseries");
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

TrialData load_trial(const std::filesystem::path& dir) {
  const auto path = TrialStore::database_path(dir);
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(dir.string() +
                     " holds no trial database (trial.sqlite); run "
                     "'nksim trial run' first");
  }
  SqliteDb db(path, SqliteDb::Mode::kReadOnly);
  TrialData data;
  data.name = meta_value(db, "name");
  data.seed = std::stoull(meta_value(db, "seed"));
  data.patients = std::stoull(meta_value(db, "patients"));
  data.follow_up_days = std::stod(meta_value(db, "follow_up_days"));
  data.file_hash = meta_value(db, "file_hash");
  auto arms = db.prepare("SELECT name FROM arms ORDER BY arm");
  while (arms.step()) data.arms.push_back(arms.column_text(0));
  auto parameters = db.prepare("SELECT name FROM parameters ORDER BY parameter");
  while (parameters.step()) data.parameters.push_back(parameters.column_text(0));
  data.values.assign(data.patients, std::vector<std::string>(data.parameters.size()));
  auto values = db.prepare("SELECT patient, parameter, value FROM patients");
  while (values.step()) {
    const auto p = static_cast<std::size_t>(values.column_int(0));
    const auto k = static_cast<std::size_t>(values.column_int(1));
    if (p < data.patients && k < data.parameters.size()) data.values[p][k] = values.column_text(2);
  }
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
  return data;
}

std::pair<std::vector<double>, std::vector<double>> load_timeseries(SqliteDb& db,
                                                                    std::size_t patient,
                                                                    std::size_t arm) {
  auto stmt = db.prepare("SELECT time_days, tumour FROM timeseries WHERE patient = ? AND arm = ?");
  stmt.bind(1, static_cast<std::int64_t>(patient)).bind(2, static_cast<std::int64_t>(arm));
  if (!stmt.step()) return {};
  return {stmt.column_blob(0), stmt.column_blob(1)};
}

std::vector<std::filesystem::path> export_trial_csv(const std::filesystem::path& dir) {
  const TrialData data = load_trial(dir);
  std::vector<std::filesystem::path> written;
  const auto open = [&](const std::string& name) {
    written.push_back(dir / name);
    std::ofstream out(written.back());
    if (!out) throw Error("cannot write " + written.back().string());
    return out;
  };
  const auto opt = [](const std::optional<double>& v) {
    return v ? format_number(*v, 17) : std::string();
  };
  {
    std::ofstream out = open("patients.csv");
    out << "patient";
    for (const auto& p : data.parameters) out << "," << p;
    out << "\n";
    for (std::size_t i = 0; i < data.patients; ++i) {
      out << i;
      for (const auto& v : data.values[i]) out << "," << v;
      out << "\n";
    }
  }
  {
    std::ofstream out = open("endpoints.csv");
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
  }
  SqliteDb db(TrialStore::database_path(dir), SqliteDb::Mode::kReadOnly);
  auto count = db.prepare("SELECT count(*) FROM timeseries");
  count.step();
  if (count.column_int(0) > 0) {
    std::ofstream out = open("timeseries.csv");
    out << "patient,arm,time_days,tumour\n";
    auto stmt = db.prepare(
        "SELECT patient, arm, time_days, tumour FROM timeseries "
        "ORDER BY patient, arm");
    while (stmt.step()) {
      const auto arm = static_cast<std::size_t>(stmt.column_int(1));
      const auto t = stmt.column_blob(2);
      const auto y = stmt.column_blob(3);
      for (std::size_t i = 0; i < t.size() && i < y.size(); ++i) {
        out << stmt.column_int(0) << "," << data.arms[arm] << "," << format_number(t[i], 17) << ","
            << format_number(y[i], 17) << "\n";
      }
    }
  }
  return written;
}

}  // namespace nksim
