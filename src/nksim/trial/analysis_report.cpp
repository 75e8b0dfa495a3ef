#include "nksim/trial/analysis_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/sqlite_db.h"
#include "nksim/trial/analysis.h"
#include "nksim/trial/analysis_parts.h"
#include "nksim/trial/trial_store.h"

namespace nksim {

// Numeric sampled parameters that vary (labels such as parameter_set are categorical: no PRCC,
// no AUC).
std::vector<std::size_t> numeric_parameters(const TrialData& data) {
  std::vector<std::size_t> columns;
  for (std::size_t k = 0; k < data.parameters.size(); ++k) {
    if (data.parameters[k].label) continue;
    bool varies = false;
    for (std::size_t p = 1; p < data.patients && !varies; ++p) {
      varies = data.values[p][k] != data.values[0][k];
    }
    if (varies) columns.push_back(k);
  }
  return columns;
}

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kTrajectoriesPerArm = 20;

Json optional_json(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

std::string optional_text(const std::optional<double>& value, const std::string& none) {
  return value ? format_number(*value, 4) : none;
}

// Survival times and death flags of the analysed runs, per arm.
struct Survival {
  std::vector<std::vector<double>> time;
  std::vector<std::vector<bool>> event;
};

// Counts of one arm's analysed (ok) and failed runs, with the survival data of the ok ones.
struct ArmCounts {
  std::size_t n = 0, failed = 0, cr = 0, pr = 0, sd = 0, pd = 0, eliminated = 0;
  std::vector<double> ttp_time;
  std::vector<bool> ttp_event;
  std::vector<double> pfs_time;  // progression or death, whichever comes first
  std::vector<bool> pfs_event;
};

ArmCounts count_arm(const TrialData& data, std::size_t a, Survival& survival) {
  ArmCounts c;
  for (const auto& row : data.rows) {
    if (row.arm != a) continue;
    if (!row.ok) {
      ++c.failed;
      continue;
    }
    const Endpoints& e = row.endpoints;
    ++c.n;
    c.cr += e.category == "CR";
    c.pr += e.category == "PR";
    c.sd += e.category == "SD";
    c.pd += e.category == "PD";
    c.eliminated += e.elimination_time_days.has_value();
    survival.time[a].push_back(e.survival_days);
    survival.event[a].push_back(e.death);
    c.ttp_time.push_back(e.ttp_days.value_or(data.follow_up_days));
    c.ttp_event.push_back(e.ttp_days.has_value());
    double pfs = e.ttp_days.value_or(data.follow_up_days);
    if (e.death) pfs = std::min(pfs, e.survival_days);
    c.pfs_time.push_back(pfs);
    c.pfs_event.push_back(e.ttp_days.has_value() || e.death);
  }
  return c;
}

// A Kaplan-Meier curve in analysis.json, named by its endpoint.
Json km_json(const KaplanMeier& km, const std::string& endpoint) {
  return {{"endpoint", endpoint},
          {"time_days", km.time},
          {"survival", km.survival},
          {"lower", km.lower},
          {"upper", km.upper},
          {"at_risk", km.at_risk},
          {"events", km.events},
          {"censored",
           {{"time_days", km.censor_time},
            {"survival", km.censor_survival},
            {"count", km.censor_count}}}};
}

std::string rate_text(std::size_t k, std::size_t n, const Interval& ci) {
  return format_number(100 * static_cast<double>(k) / static_cast<double>(n), 3) + "% (" +
         format_number(100 * ci.lower, 3) + "-" + format_number(100 * ci.upper, 3) + ")";
}

// An arm none of whose runs succeeded has no rates, intervals or curves: nulls, never the
// "0 % (0-100)" of an empty sample.
Json empty_arm_json(const std::string& name, const ArmCounts& c) {
  const Json empty = Json::array();
  return {{"name", name},
          {"n", 0},
          {"failed", c.failed},
          {"response",
           {{"CR", 0}, {"PR", 0}, {"SD", 0}, {"PD", 0}, {"orr", nullptr}, {"orr_ci", nullptr}}},
          {"elimination", {{"rate", nullptr}, {"ci", nullptr}}},
          {"ttp_median_days", nullptr},
          {"km",
           {{"time_days", empty},
            {"survival", empty},
            {"lower", empty},
            {"upper", empty},
            {"at_risk", empty},
            {"events", empty}}}};
}

// The median of a non-empty list.
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// "E > 100 on day 14", or "first E < 10 after day 1"
std::string threshold_text(const ThresholdSpec& th) {
  const std::string test = th.state + (th.above ? " > " : " < ") + format_number(th.level, 4);
  if (th.first) return "first " + test + " after day " + format_number(th.day, 4);
  return test + " on day " + format_number(th.day, 4);
}

// The rate at which one arm's analysed runs met each threshold, with its Wilson interval and the
// median peak of the runs that met it (null without a peak state); one table line each.
Json analyse_thresholds(const TrialData& data, std::size_t a, std::ostream& lines) {
  Json out = Json::array();
  for (std::size_t k = 0; k < data.thresholds.size(); ++k) {
    const ThresholdSpec& th = data.thresholds[k];
    std::size_t n = 0, met = 0;
    std::vector<double> peaks;
    for (const auto& row : data.rows) {
      if (row.arm != a || !row.ok || k >= row.endpoints.thresholds.size()) continue;
      ++n;
      if (!row.endpoints.thresholds[k].met) continue;
      ++met;
      if (row.endpoints.peak) peaks.push_back(*row.endpoints.peak);
    }
    if (n == 0) continue;
    const Interval ci = wilson_interval(met, n);
    const double peak_median = peaks.empty() ? 0.0 : median(peaks);
    out.push_back({{"name", th.name},
                   {"state", th.state},
                   {"day", th.day},
                   {"direction", th.above ? "above" : "below"},
                   {"kind", th.first ? "first_crossing" : "at_day"},
                   {"level", th.level},
                   {"met", met},
                   {"n", n},
                   {"rate", static_cast<double>(met) / static_cast<double>(n)},
                   {"ci", {ci.lower, ci.upper}},
                   {"peak_median", peaks.empty() ? Json(nullptr) : Json(peak_median)}});
    lines << "  " << data.arms[a] << " " << th.name << " (" << threshold_text(th) << "): " << met
          << "/" << n << " = " << rate_text(met, n, ci);
    if (th.first) {
      // Time to the crossing: Kaplan-Meier over the runs, censored at the end of follow-up.
      std::vector<double> time;
      std::vector<bool> event;
      for (const auto& row : data.rows) {
        if (row.arm != a || !row.ok || k >= row.endpoints.thresholds.size()) continue;
        time.push_back(row.endpoints.thresholds[k].value);
        event.push_back(row.endpoints.thresholds[k].met);
      }
      const KaplanMeier km =
          kaplan_meier(time, event, kZ95, data.follow_up_days - th.day);
      const auto km_med = km_median(km);
      out.back()["median_days"] = optional_json(km_med);
      out.back()["km"] = {{"time_days", km.time},   {"fraction_not_crossed", km.survival},
                          {"lower", km.lower},      {"upper", km.upper},
                          {"at_risk", km.at_risk},  {"events", km.events}};
      lines << "; median time " << (km_med ? format_number(*km_med, 4) + " days" : "not reached")
            << " after day " << format_number(th.day, 4);
    }
    if (!peaks.empty()) lines << "; median peak of these " << format_number(peak_median, 4);
    lines << "\n";
  }
  return out;
}

// The "arms" array and one table row per arm; fills `survival` for the log-rank tests.
Json analyse_arms(const TrialData& data, std::ostream& table, Survival& survival) {
  char line[512];
  std::snprintf(line, sizeof line, "%-16s %5s %6s %4s %4s %4s %4s  %-22s %-22s %10s %10s\n", "arm",
                "n", "failed", "CR", "PR", "SD", "PD", "ORR (95% CI)", "elimination (95% CI)",
                "median TTP", "median OS");
  table << line;
  survival.time.assign(data.arms.size(), {});
  survival.event.assign(data.arms.size(), {});
  Json arms = Json::array();
  std::ostringstream threshold_lines;
  for (std::size_t a = 0; a < data.arms.size(); ++a) {
    const ArmCounts c = count_arm(data, a, survival);
    if (c.n == 0) {
      arms.push_back(empty_arm_json(data.arms[a], c));
      std::snprintf(line, sizeof line,
                    "%-16s %5zu %6zu  no plan of this arm succeeded: nothing to analyse\n",
                    data.arms[a].c_str(), c.n, c.failed);
      table << line;
      continue;
    }
    const double nn = static_cast<double>(c.n);
    const Interval orr = wilson_interval(c.cr + c.pr, c.n);
    const Interval elim = wilson_interval(c.eliminated, c.n);
    const KaplanMeier ttp_km = kaplan_meier(c.ttp_time, c.ttp_event);
    const KaplanMeier km =
        kaplan_meier(survival.time[a], survival.event[a], kZ95, data.follow_up_days);
    const KaplanMeier pfs_km = kaplan_meier(c.pfs_time, c.pfs_event, kZ95, data.follow_up_days);
    const auto ttp_median = km_median(ttp_km);
    const auto os_median = km_median(km);
    arms.push_back(
        {{"name", data.arms[a]},
         {"n", c.n},
         {"failed", c.failed},
         {"response",
          {{"CR", c.cr},
           {"PR", c.pr},
           {"SD", c.sd},
           {"PD", c.pd},
           {"orr", static_cast<double>(c.cr + c.pr) / nn},
           {"orr_ci", {orr.lower, orr.upper}}}},
         {"elimination",
          {{"rate", static_cast<double>(c.eliminated) / nn}, {"ci", {elim.lower, elim.upper}}}},
         {"ttp_median_days", optional_json(ttp_median)},
         {"pfs_median_days", optional_json(km_median(pfs_km))},
         {"km", km_json(km, "overall_survival")},
         {"pfs_km", km_json(pfs_km, "progression_free_survival")},
         {"thresholds", analyse_thresholds(data, a, threshold_lines)}});
    std::snprintf(line, sizeof line, "%-16s %5zu %6zu %4zu %4zu %4zu %4zu  %-22s %-22s %10s %10s\n",
                  data.arms[a].c_str(), c.n, c.failed, c.cr, c.pr, c.sd, c.pd,
                  rate_text(c.cr + c.pr, c.n, orr).c_str(),
                  rate_text(c.eliminated, c.n, elim).c_str(),
                  optional_text(ttp_median, "not reached").c_str(),
                  optional_text(os_median, "not reached").c_str());
    table << line;
  }
  if (!threshold_lines.str().empty()) {
    table << "Thresholds (95% CI)\n" << threshold_lines.str();
  }
  return arms;
}

// Log-rank test of survival for every pair of arms.
Json analyse_logrank(const TrialData& data, const Survival& survival, std::ostream& table) {
  const auto& surv_time = survival.time;
  const auto& surv_event = survival.event;
  Json logrank = Json::array();
  for (std::size_t a = 0; a < data.arms.size(); ++a) {
    for (std::size_t b = a + 1; b < data.arms.size(); ++b) {
      if (surv_time[a].empty() || surv_time[b].empty()) continue;  // an arm without results
      const LogRank test = log_rank(surv_time[a], surv_event[a], surv_time[b], surv_event[b]);
      logrank.push_back({{"arm_a", data.arms[a]},
                         {"arm_b", data.arms[b]},
                         {"chi2", test.chi2},
                         {"p_value", test.p_value}});
      table << "Log-rank (survival) " << data.arms[a] << " vs " << data.arms[b]
            << ": chi2 = " << format_number(test.chi2, 4)
            << ", p = " << format_number(test.p_value, 3) << "\n";
    }
  }
  return logrank;
}

// PRCC of each endpoint with each numeric sampled parameter, per arm; the table lists the
// significant ones.
Json analyse_prcc(const TrialData& data, std::ostream& table) {
  char line[512];
  // PRCC per arm: endpoint names read "<arm>:<endpoint>".
  Json prcc_json = Json::array();
  const auto columns = numeric_parameters(data);
  std::size_t significant = 0;
  std::ostringstream prcc_lines;
  for (std::size_t a = 0; a < data.arms.size() && !columns.empty(); ++a) {
    std::vector<const EndpointRow*> rows;
    for (const auto& row : data.rows)
      if (row.arm == a && row.ok) rows.push_back(&row);
    std::vector<double> x;
    for (const auto* row : rows)
      for (std::size_t k : columns) x.push_back(data.values[row->patient][k]);
    const std::vector<
        std::pair<std::string, std::function<std::optional<double>(const Endpoints&)>>>
        endpoints = {
            {"best_pct_change",
             [](const Endpoints& e) { return std::optional(e.best_pct_change); }},
            {"survival_days", [](const Endpoints& e) { return std::optional(e.survival_days); }},
            {"ttp_days",
             [&](const Endpoints& e) {
               return std::optional(e.ttp_days.value_or(data.follow_up_days));
             }},
            {"final_tumour", [](const Endpoints& e) { return std::optional(e.final_tumour); }},
            {"peak", [](const Endpoints& e) { return e.peak; }},
        };
    for (const auto& [name, get] : endpoints) {
      std::vector<double> y;
      for (const auto* row : rows) {
        const auto v = get(row->endpoints);
        if (!v) break;
        y.push_back(*v);
      }
      if (y.size() != rows.size()) continue;
      const auto result = prcc(x, columns.size(), y);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        if (!result[c].valid) continue;
        const std::string endpoint = data.arms[a] + ":" + name;
        prcc_json.push_back({{"endpoint", endpoint},
                             {"parameter", data.parameters[columns[c]].name},
                             {"prcc", result[c].prcc},
                             {"p_value", result[c].p_value}});
        if (result[c].p_value < 0.05) {
          ++significant;
          std::snprintf(line, sizeof line, "  %-32s %-14s %+7.3f  p = %.3g\n", endpoint.c_str(),
                        data.parameters[columns[c]].name.c_str(), result[c].prcc,
                        result[c].p_value);
          prcc_lines << line;
        }
      }
    }
  }
  table << "PRCC (significant at p < 0.05: " << significant << " of " << prcc_json.size()
        << "; all in analysis.json)\n"
        << prcc_lines.str();
  return prcc_json;
}

// Every analysed run (waterfall data).
Json patient_rows(const TrialData& data) {
  Json patients = Json::array();
  for (const auto& row : data.rows) {
    if (!row.ok) continue;
    const Endpoints& e = row.endpoints;
    patients.push_back({{"patient", row.patient},
                        {"arm", data.arms[row.arm]},
                        {"best_pct_change", e.best_pct_change},
                        {"category", e.category},
                        {"ttp_days", optional_json(e.ttp_days)},
                        {"survival_days", e.survival_days},
                        {"death", e.death},
                        {"elimination_time_days", optional_json(e.elimination_time_days)},
                        {"peak", optional_json(e.peak)}});
  }
  return patients;
}

// Stored tumour series of the first kTrajectoriesPerArm runs of each arm.
Json trajectory_rows(const TrialData& data, SqliteDb& db) {
  Json trajectories = Json::array();
  for (std::size_t a = 0; a < data.arms.size(); ++a) {
    std::size_t count = 0;
    for (const auto& row : data.rows) {
      if (row.arm != a || !row.ok || count >= kTrajectoriesPerArm) continue;
      auto [t, y] = load_timeseries(db, row.patient, a, data.tumour_state);
      if (t.empty()) continue;
      trajectories.push_back(
          {{"patient", row.patient}, {"arm", data.arms[a]}, {"time_days", t}, {"tumour", y}});
      ++count;
    }
  }
  return trajectories;
}

}  // namespace

AnalysisReport analyse_trial(const std::filesystem::path& dir) {
  const TrialData data = load_trial(dir);
  AnalysisReport report;
  for (const auto& row : data.rows) ++(row.ok ? report.ok : report.failed);
  report.missing = data.patients * data.arms.size() - data.rows.size();
  std::ostringstream table;
  table << "Trial " << data.name << ": " << data.patients << " patients x " << data.arms.size()
        << " arms, seed " << data.seed << ", follow-up " << format_number(data.follow_up_days)
        << " days\n";
  if (report.missing > 0) table << "  (incomplete: " << report.missing << " plans not run yet)\n";
  if (report.ok == 0) {
    table << "No plan succeeded (" << report.failed << " failed numerically, " << report.missing
          << " not run): there is nothing to analyse and no analysis.json was written\n";
    report.table = table.str();
    return report;
  }

  Json root;
  root["trial"] = {{"name", data.name},
                   {"patients", data.patients},
                   {"seed", data.seed},
                   {"arms", data.arms},
                   {"follow_up_days", data.follow_up_days}};
  if (!data.model.empty()) root["trial"]["model"] = data.model;
  Survival survival;
  root["arms"] = analyse_arms(data, table, survival);
  if (report.failed > 0) {
    table << "  " << report.failed << " of " << data.rows.size()
          << " runs failed numerically and are left out (column 'failed')\n";
  }
  root["logrank"] = analyse_logrank(data, survival, table);
  root["prcc"] = analyse_prcc(data, table);
  root["selection"] = analyse_selection(data, table);
  root["patients"] = patient_rows(data);
  root["trajectories"] = trajectory_rows(data, *open_trial_database(dir));

  report.json = dir / "analysis.json";
  write_file_atomically(report.json, root.dump(1) + "\n");
  report.table = table.str();
  return report;
}

}  // namespace nksim
