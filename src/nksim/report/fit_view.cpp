// The report of a fit (`nksim fit`, docs/fit.md): the fitted curves over the data, the
// parameters with their profile intervals, the waterfall of starts and the profiles.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/csv_fields.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A CSV with a header whose cells may be text: rows of {column: text}.
std::vector<std::map<std::string, std::string>> read_text_csv(const fs::path& file) {
  CsvReader csv = CsvReader::open(file);
  CsvRecord record;
  if (!csv.next(record)) throw InputError(file.string() + ": empty");
  const std::vector<std::string> header = record.texts();
  std::vector<std::map<std::string, std::string>> rows;
  while (csv.next(record)) {
    if (record.size() != header.size()) {
      csv.fail(
          record.line, 1,
          count_of(record.size(), "value") + ", the header has " + std::to_string(header.size()));
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = record[i].text;
    rows.push_back(std::move(row));
  }
  return rows;
}

double number_of(const std::string& text) {
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

json finite_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

// One observable: the best fit's state or formula over time (on the observable's scale) and the
// data. `series` is observables.csv (a column per observable), or for a fit written without it
// timeseries.csv (a column per state).
json curve_chart(const json& observable, const NumericTable& series, bool by_observable,
                 const std::vector<std::map<std::string, std::string>>& residuals) {
  const std::string name = observable.value("name", "");
  const bool log10 = observable.value("transform", "") == "log10";
  const bool lognormal = observable.value("noise", "") == "lognormal";
  const std::size_t column =
      series.column(by_observable ? name : observable.value("state", std::string()));
  const std::size_t time = series.column("time_days");
  json curve = json::array();
  for (const auto& row : series.rows) {
    const double v = row[column];
    curve.push_back({{"time_days", row[time]},
                     {"model", finite_or_null(log10 ? (v > 0 ? std::log10(v) : std::numeric_limits<double>::quiet_NaN()) : v)}});
  }
  json data = json::array();
  for (const auto& r : residuals) {
    if (r.at("observable") != name) continue;
    data.push_back({{"time_days", number_of(r.at("time_days"))},
                    {"value", number_of(r.at("value"))},
                    {"sd", number_of(r.at("sd"))}});
  }
  json y = {{"type", "quantitative"}, {"title", name + (log10 ? " (log10)" : "")}};
  y["scale"] = lognormal ? json{{"type", "log"}} : json{{"zero", false}};
  json y_model = y;
  y_model["field"] = "model";
  json y_value = y;
  y_value["field"] = "value";
  const json x = {{"field", "time_days"}, {"type", "quantitative"}, {"title", "time (days)"}};
  return {{"width", 640},
          {"height", 300},
          {"layer",
           {{{"data", {{"name", "curve"}, {"values", curve}}},
             {"mark", {{"type", "line"}, {"color", kOkabeIto[4]}, {"strokeWidth", 2}}},
             {"encoding", {{"x", x}, {"y", y_model}}}},
            {{"data", {{"name", "data"}, {"values", data}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 60}, {"color", kOkabeIto[5]}}},
             {"encoding",
              {{"x", x},
               {"y", y_value},
               {"tooltip", {{{"field", "time_days"}}, {{"field", "value"}}, {{"field", "sd"}}}}}}}}}};
}

json waterfall_chart(const json& starts, double best) {
  std::vector<double> objectives;
  for (const auto& s : starts) {
    objectives.push_back(s["objective"].is_number() ? s["objective"].get<double>()
                                                    : std::numeric_limits<double>::infinity());
  }
  std::sort(objectives.begin(), objectives.end());
  json rows = json::array();
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    if (!std::isfinite(objectives[i])) continue;
    // Above the best, plus 1e-3 so that the best itself shows on a log axis.
    rows.push_back({{"rank", i + 1}, {"above_best", objectives[i] - best + 1e-3}});
  }
  return {{"width", 640},
          {"height", 260},
          {"data", {{"name", "waterfall"}, {"values", rows}}},
          {"mark", {{"type", "point"}, {"filled", true}, {"color", kOkabeIto[4]}}},
          {"encoding",
           {{"x", {{"field", "rank"}, {"type", "quantitative"}, {"title", "start, by objective"}}},
            {"y",
             {{"field", "above_best"},
              {"type", "quantitative"},
              {"scale", {{"type", "log"}}},
              {"title", "objective minus the best, + 0.001"}}}}}};
}

json profile_chart(const json& parameter, const std::vector<std::map<std::string, std::string>>& rows,
                   double threshold) {
  const std::string name = parameter.value("name", "");
  json points = json::array();
  for (const auto& r : rows) {
    if (r.at("parameter") != name) continue;
    points.push_back({{"value", number_of(r.at("value"))},
                      {"delta_objective", finite_or_null(number_of(r.at("delta_objective")))}});
  }
  json x = {{"field", "value"},
            {"type", "quantitative"},
            {"title", name},
            {"axis", {{"format", "~g"}, {"labelOverlap", true}}}};
  if (parameter.value("log", false)) x["scale"] = {{"type", "log"}};
  return {{"width", 300},
          {"height", 220},
          {"layer",
           {{{"data", {{"name", "profile"}, {"values", points}}},
             {"mark", {{"type", "line"}, {"point", true}, {"color", kOkabeIto[4]}}},
             {"encoding",
              {{"x", x},
               {"y",
                {{"field", "delta_objective"},
                 {"type", "quantitative"},
                 {"title", "objective minus the best"}}}}}},
            {{"data", {{"values", {{{"threshold", threshold}}}}}},
             {"mark", {{"type", "rule"}, {"color", kOkabeIto[5]}, {"strokeDash", {4, 4}}}},
             {"encoding", {{"y", {{"field", "threshold"}, {"type", "quantitative"}}}}}}}}};
}

}  // namespace

HtmlPage fit_page(const fs::path& dir) {
  const json fit = read_json_file(dir / "fit.json");
  const std::string file = (dir / "fit.json").string();
  if (!fit.contains("best") || !fit.contains("parameters") || !fit.contains("starts") ||
      !fit.contains("observables")) {
    throw InputError(file + ": a fit needs 'best', 'parameters', 'starts' and 'observables'");
  }
  const json& best = fit["best"];
  const double objective = best.value("objective", 0.0);
  HtmlPage page("nksim report: fit of " + fit.value("model", std::string("?")) + " to " +
                fit.value("measurements", std::string("?")));
  std::size_t flat = 0;
  // "identifiable" is null without profiles (profiles = false).
  for (const auto& p : fit["parameters"]) flat += p["identifiable"] == false ? 1 : 0;
  page.headline("The model " + fit.value("model", std::string("?")) + " fitted to " +
                std::to_string(fit.value("measurement_count", 0)) + " measurements" +
                (fit["patient"].is_string() ? " of patient " + fit["patient"].get<std::string>()
                                            : std::string()) +
                ": " + std::to_string(fit.value("converged_starts", 0)) + " of " +
                std::to_string(fit["starts"].size()) + " starts converged" +
                (flat ? "; " + std::to_string(flat) + " parameter(s) not identifiable" : "") +
                ". These are model estimates, not clinical facts.");

  page.heading("Fitted parameters");
  std::vector<std::vector<std::string>> rows = {
      {"parameter", "unit", "estimate", "95 % profile interval", "identifiable", "bounds"}};
  for (const auto& p : fit["parameters"]) {
    std::string interval = "not computed";
    if (p["interval_95"].is_array()) {
      interval = (p.value("lower_reached_bound", false) ? "<= " : "") +
                 pretty_number(p["interval_95"][0].get<double>()) + " to " +
                 (p.value("upper_reached_bound", false) ? ">= " : "") +
                 pretty_number(p["interval_95"][1].get<double>());
    }
    rows.push_back({p.value("name", ""), p.value("unit", ""),
                    pretty_number(p.value("estimate", 0.0)), interval,
                    p["identifiable"].is_boolean() ? (p["identifiable"].get<bool>() ? "yes" : "no")
                                                   : "–",
                    pretty_number(p.value("lower", 0.0)) + " to " +
                        pretty_number(p.value("upper", 0.0)) +
                        (p.value("log", false) ? " (log scale)" : "")});
  }
  page.table(rows, "Objective " + format_number(objective, 8) + ", AIC " +
                       format_number(best.value("aic", 0.0), 8) + ".");
  for (const auto& w : fit.value("warnings", json::array())) {
    page.paragraph("Warning: " + w.get<std::string>(), "note");
  }

  page.heading("Fitted curves over the data");
  const bool by_observable = fs::exists(dir / "observables.csv");
  const NumericTable series =
      read_numeric_csv(dir / (by_observable ? "observables.csv" : "timeseries.csv"));
  const auto residuals = read_text_csv(dir / "residuals.csv");
  std::size_t k = 0;
  for (const auto& o : fit["observables"]) {
    const std::string definition = o.contains("formula")
                                       ? "formula " + o.value("formula", std::string())
                                       : "state " + o.value("state", std::string());
    page.chart("curve-" + std::to_string(k++), curve_chart(o, series, by_observable, residuals),
               "Observable " + o.value("name", std::string()) + " (" + definition +
                   "): the best fit (line) and the measurements (points).");
  }

  page.heading("Starts (waterfall)");
  page.chart("waterfall", waterfall_chart(fit["starts"], objective),
             "Every start's final objective, sorted. Many starts on the lowest plateau suggest "
             "the best fit was found; starts left higher ended in other local optima.");

  if (fs::exists(dir / "profiles.csv")) {
    const auto profiles = read_text_csv(dir / "profiles.csv");
    if (!profiles.empty()) {
      page.heading("Profile likelihoods");
      k = 0;
      for (const auto& p : fit["parameters"]) {
        page.chart("profile-" + std::to_string(k++),
                   profile_chart(p, profiles, fit.value("profile_threshold", 1.92)),
                   "Profile of " + p.value("name", std::string()) +
                       ": the objective with the others re-optimised. The 95 % interval is where "
                       "it stays under the dashed line; a profile flat to a bound means the data "
                       "do not determine the parameter.");
      }
    }
  }
  glossary_section(page, ReportKind::kFit);
  return page;
}

}  // namespace nksim::report
