// Reading a trial store back: load_trial (the analysis' input) and export_trial_csv.
// Writing lives in trial_store.cpp.
#include <fstream>
#include <sstream>
#include <utility>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/trial/trial_store.h"

namespace nksim {

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

// The threshold endpoints and each successful row's results (rows are in (patient, arm) order).
void load_thresholds(SqliteDb& db, TrialData& data) {
  auto defs = db.prepare(
      "SELECT name, state, day, direction, level FROM threshold_endpoints ORDER BY threshold");
  while (defs.step()) {
    ThresholdSpec th;
    th.name = defs.column_text(0);
    th.state = defs.column_text(1);
    th.day = defs.column_double(2);
    const std::string direction = defs.column_text(3);
    th.first = direction.rfind("first_", 0) == 0;
    th.above = direction == "above" || direction == "first_above";
    th.level = defs.column_double(4);
    data.thresholds.push_back(th);
  }
  if (data.thresholds.empty()) return;
  auto values = db.prepare(
      "SELECT patient, arm, threshold, value, met FROM thresholds ORDER BY patient, arm, "
      "threshold");
  std::size_t at = 0;
  while (values.step()) {
    const auto patient = static_cast<std::size_t>(values.column_int(0));
    const auto arm = static_cast<std::size_t>(values.column_int(1));
    while (at < data.rows.size() &&
           std::pair(data.rows[at].patient, data.rows[at].arm) < std::pair(patient, arm)) {
      ++at;
    }
    if (at == data.rows.size()) break;
    if (data.rows[at].patient != patient || data.rows[at].arm != arm) continue;
    data.rows[at].endpoints.thresholds.push_back(
        {values.column_double(3), values.column_int(4) != 0});
  }
}

}  // namespace

TrialData load_trial(const std::filesystem::path& dir) {
  const auto db = open_trial_database(dir);
  TrialData data;
  data.name = trial_meta(*db, "name");
  data.seed = std::stoull(trial_meta(*db, "seed"));
  data.patients = std::stoull(trial_meta(*db, "patients"));
  data.follow_up_days = std::stod(trial_meta(*db, "follow_up_days"));
  data.file_hash = trial_meta(*db, "file_hash");
  data.tumour_state = trial_meta(*db, "tumour_state");
  try {
    data.model = trial_meta(*db, "model");  // the report picks its evidence notes by model
  } catch (const InputError&) {
    data.model.clear();
  }
  auto arms = db->prepare("SELECT name FROM arms ORDER BY arm");
  while (arms.step()) data.arms.push_back(arms.column_text(0));
  load_parameters(*db, data);
  load_endpoints(*db, data);
  load_thresholds(*db, data);
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
         "elimination_time_days,escape_time_days,peak,final_tumour";
  for (const ThresholdSpec& th : data.thresholds) {
    out << "," << th.name << "_value," << th.name << "_met";
  }
  out << "\n";
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
    for (std::size_t k = 0; k < data.thresholds.size(); ++k) {
      if (k < e.thresholds.size()) {
        out << "," << format_number(e.thresholds[k].value, 17) << ","
            << (e.thresholds[k].met ? 1 : 0);
      } else {
        out << ",,";
      }
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
