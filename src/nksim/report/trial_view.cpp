// The report of a virtual trial: analysis.json (schema in docs/report.md).
#include <cmath>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/report/json_checks.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"

namespace nksim::report {
namespace {

using nlohmann::json;

std::string percent(double fraction) { return format_number(100 * fraction, 3) + "%"; }

std::string interval(const json& ci) {
  if (!ci.is_array() || ci.size() != 2) return "";
  return " (95% CI " + percent(ci[0].get<double>()) + "–" + percent(ci[1].get<double>()) + ")";
}

// True when none of the arm's plans succeeded (analysis.json then holds nulls, not rates).
bool no_results(const json& arm) { return arm.value("n", 0) == 0; }

json arm_domain(const json& analysis) {
  json domain = json::array();
  for (const auto& arm : analysis["arms"]) domain.push_back(arm.value("name", std::string()));
  return domain;
}

json arm_colour(const json& domain) {
  return {{"field", "arm"}, {"type", "nominal"}, {"title", "Arm"}, {"scale", {{"domain", domain}}}};
}

json km_records(const json& analysis) {
  json rows = json::array();
  for (const auto& arm : analysis["arms"]) {
    const json& km = arm["km"];
    const auto& t = km["time_days"];
    for (std::size_t i = 0; i < t.size(); ++i) {
      json row = {{"arm", arm["name"]}};
      for (const char* key : {"time_days", "survival", "lower", "upper", "at_risk", "events"}) {
        row[key] = km.contains(key) && i < km[key].size() ? km[key][i] : json(nullptr);
      }
      rows.push_back(row);
    }
  }
  return rows;
}

json trajectory_records(const json& analysis) {
  json rows = json::array();
  for (const auto& p : analysis.value("trajectories", json::array())) {
    const auto& t = p["time_days"];
    const auto& v = p["tumour"];
    for (std::size_t i = 0; i < t.size() && i < v.size(); ++i) {
      rows.push_back(
          {{"patient", p["patient"]}, {"arm", p["arm"]}, {"time_days", t[i]}, {"tumour", v[i]}});
    }
  }
  return rows;
}

}  // namespace

HtmlPage trial_page(const std::filesystem::path& dir) {
  const json analysis = read_json_file(dir / "analysis.json");
  check_trial_analysis(analysis, (dir / "analysis.json").string());
  const json& trial = analysis["trial"];
  const json domain = arm_domain(analysis);
  HtmlPage page("nksim report: virtual trial " + trial.value("name", std::string("")));

  // Headline: the best arm by objective response.
  std::string headline = "In this virtual trial of " + std::to_string(trial.value("patients", 0)) +
                         " simulated patients";
  const json* best = nullptr;
  for (const auto& arm : analysis["arms"]) {
    if (no_results(arm)) continue;
    if (!best || arm["response"].value("orr", 0.0) > (*best)["response"].value("orr", 0.0)) {
      best = &arm;
    }
  }
  if (!best || (*best)["response"].value("orr", 0.0) <= 0) {
    headline += ", no arm had responders: no patient's tumour shrank by 30% or more.";
  } else {
    headline += ", the arm with the most responders was \"" + best->value("name", std::string()) +
                "\": " + percent((*best)["response"].value("orr", 0.0)) +
                " of its patients' tumours shrank by at least 30%" +
                interval((*best)["response"].value("orr_ci", json())) + ".";
  }
  page.headline(headline + " Virtual patients are model runs, not people.");
  page.paragraph(
      "Each virtual patient is one simulation with its own parameters drawn from the "
      "cohort's distributions; arms differ in dose, schedule or product. Response "
      "categories follow RECIST-like rules on the tumour size: CR complete response "
      "(tumour gone), PR partial response (at least 30% smaller), PD progressive "
      "disease (at least 20% larger), SD stable disease (in between).");
  std::vector<std::string> evidence_keys = {"virtual_trial", "nk_infusion"};
  if (trial.contains("model") && trial["model"].is_string()) {
    evidence_keys.push_back(trial["model"].get<std::string>());  // optional in analysis.json
  }
  evidence_section(page, evidence_keys);

  page.heading("Response rates");
  json rates = json::array();
  for (const auto& arm : analysis["arms"]) {
    if (no_results(arm)) continue;
    const json& r = arm["response"];
    rates.push_back({{"arm", arm["name"]},
                     {"measure", "objective response (CR+PR)"},
                     {"rate", r.value("orr", 0.0)},
                     {"lower", r["orr_ci"][0]},
                     {"upper", r["orr_ci"][1]}});
    const json& e = arm["elimination"];
    rates.push_back({{"arm", arm["name"]},
                     {"measure", "tumour eliminated"},
                     {"rate", e.value("rate", 0.0)},
                     {"lower", e["ci"][0]},
                     {"upper", e["ci"][1]}});
  }
  json spec = json::parse(R"json({
    "width": 700, "height": 300,
    "encoding": {
      "x": {"field": "arm", "type": "nominal", "title": "Arm", "axis": {"labelAngle": 0}},
      "xOffset": {"field": "measure", "type": "nominal"},
      "color": {"field": "measure", "type": "nominal", "title": "Rate",
                "legend": {"orient": "bottom"}}},
    "layer": [
      {"mark": "bar",
       "encoding": {
         "y": {"field": "rate", "type": "quantitative", "title": "Patients (% of arm)",
               "axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}},
         "tooltip": [{"field": "arm"}, {"field": "measure"},
                     {"field": "rate", "format": ".1%"}, {"field": "lower", "format": ".1%"},
                     {"field": "upper", "format": ".1%"}]}},
      {"mark": {"type": "rule", "color": "black", "strokeWidth": 1.5},
       "encoding": {"y": {"field": "lower", "type": "quantitative"},
                    "y2": {"field": "upper"}, "color": {"value": "black"}}}]})json");
  spec["data"] = {{"name", "rates"}, {"values", rates}};
  spec["encoding"]["x"]["sort"] = domain;
  page.chart("response_rates", spec,
             "Share of each arm's patients who responded (CR or PR) and whose tumour was "
             "eliminated; black lines are 95% confidence intervals.");
  std::vector<std::vector<std::string>> arm_rows = {{"arm", "patients", "CR", "PR", "SD", "PD",
                                                     "objective response", "eliminated",
                                                     "median time to progression"}};
  for (const auto& arm : analysis["arms"]) {
    if (no_results(arm)) {
      arm_rows.push_back({arm.value("name", std::string()), "0", "", "", "", "",
                          "no plan of this arm succeeded", "", ""});
      continue;
    }
    const json& r = arm["response"];
    const json& ttp = arm["ttp_median_days"];
    arm_rows.push_back(
        {arm.value("name", std::string()), std::to_string(arm.value("n", 0)),
         std::to_string(r.value("CR", 0)), std::to_string(r.value("PR", 0)),
         std::to_string(r.value("SD", 0)), std::to_string(r.value("PD", 0)),
         percent(r.value("orr", 0.0)) + interval(r["orr_ci"]),
         percent(arm["elimination"].value("rate", 0.0)) + interval(arm["elimination"]["ci"]),
         ttp.is_number() ? format_number(ttp.get<double>(), 4) + " days" : "not reached"});
  }
  page.table(arm_rows, "Arms");

  page.heading("Best change in tumour size (waterfall)");
  const json patients = analysis["patients"];
  spec = json::parse(R"json({
    "facet": {"column": {"field": "arm", "type": "nominal", "title": "Arm"}},
    "resolve": {"scale": {"x": "independent"}},
    "spec": {
      "width": 300, "height": 280,
      "layer": [
        {"mark": "bar",
         "encoding": {
           "x": {"field": "patient", "type": "nominal",
                 "sort": {"field": "best_pct_change", "order": "descending"},
                 "axis": {"labels": false, "ticks": false,
                          "title": "Patients, ordered by change"}},
           "y": {"field": "best_pct_change", "type": "quantitative",
                 "title": "Best change from baseline (%)"},
           "color": {"field": "category", "type": "nominal", "title": "Response",
                     "scale": {"domain": ["CR", "PR", "SD", "PD"],
                               "range": ["#009E73", "#56B4E9", "#E69F00", "#D55E00"]}},
           "tooltip": [{"field": "patient"}, {"field": "best_pct_change"},
                       {"field": "category"}]}},
        {"transform": [{"aggregate": [{"op": "count", "as": "n"}]},
                       {"calculate": "[20, -30]", "as": "y"}, {"flatten": ["y"]}],
         "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
         "encoding": {"y": {"field": "y", "type": "quantitative"}}}]}})json");
  spec["data"] = {{"name", "patients"}, {"values", patients}};
  spec["facet"]["column"]["sort"] = domain;
  page.chart("waterfall", spec,
             "One bar per patient: the largest shrinkage (negative) or growth of the tumour "
             "relative to the start. Dashed lines at +20% (progression) and -30% (partial "
             "response).");

  page.heading("Time to event (Kaplan–Meier)");
  spec = json::parse(R"json({
    "width": 700, "height": 340,
    "encoding": {"x": {"field": "time_days", "type": "quantitative", "title": "Time (days)"}},
    "layer": [
      {"mark": {"type": "area", "interpolate": "step-after", "opacity": 0.18},
       "encoding": {"y": {"field": "lower", "type": "quantitative"},
                    "y2": {"field": "upper"}}},
      {"mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
       "encoding": {
         "y": {"field": "survival", "type": "quantitative",
               "title": "Patients still event-free", "axis": {"format": ".0%"},
               "scale": {"domain": [0, 1]}},
         "tooltip": [{"field": "arm"}, {"field": "time_days"},
                     {"field": "survival", "format": ".1%"}, {"field": "at_risk"},
                     {"field": "events"}]}}]})json");
  spec["data"] = {{"name", "km"}, {"values", km_records(analysis)}};
  spec["encoding"]["color"] = arm_colour(domain);
  page.chart("kaplan_meier", spec,
             "Kaplan–Meier estimate of the share of patients still free of the event "
             "(progression or death) over time, with 95% confidence bands.");
  if (analysis.contains("logrank") && !analysis["logrank"].empty()) {
    std::vector<std::vector<std::string>> rows = {{"arms compared", "chi-squared", "p-value"}};
    for (const auto& t : analysis["logrank"]) {
      rows.push_back({t.value("arm_a", std::string()) + " vs " + t.value("arm_b", std::string()),
                      format_number(t.value("chi2", 0.0), 4),
                      format_number(t.value("p_value", 1.0), 3)});
    }
    page.table(rows, "Log-rank tests");
  }

  page.heading("Each patient over time (swimmer plot)");
  spec = json::parse(R"json({
    "width": 700, "height": {"step": 14},
    "transform": [{"calculate": "datum.arm + ' #' + datum.patient", "as": "who"}],
    "encoding": {"y": {"field": "who", "type": "nominal", "title": "Patient",
                       "sort": {"field": "survival_days", "order": "descending"}}},
    "layer": [
      {"mark": {"type": "bar", "height": 10},
       "encoding": {
         "x": {"field": "survival_days", "type": "quantitative", "title": "Follow-up (days)"},
         "tooltip": [{"field": "patient"}, {"field": "arm"}, {"field": "category"},
                     {"field": "survival_days"}, {"field": "ttp_days"},
                     {"field": "elimination_time_days"}]}},
      {"transform": [{"filter": "isValid(datum.ttp_days)"}],
       "mark": {"type": "point", "shape": "triangle-right", "filled": true, "color": "#000",
                "size": 70},
       "encoding": {"x": {"field": "ttp_days", "type": "quantitative"}}},
      {"transform": [{"filter": "isValid(datum.elimination_time_days)"}],
       "mark": {"type": "point", "shape": "diamond", "filled": true, "color": "#009E73",
                "stroke": "#000", "size": 70},
       "encoding": {"x": {"field": "elimination_time_days", "type": "quantitative"}}},
      {"transform": [{"filter": "datum.death"}],
       "mark": {"type": "point", "shape": "cross", "angle": 45, "filled": true,
                "color": "#000", "stroke": "#fff", "strokeWidth": 0.8, "size": 130},
       "encoding": {"x": {"field": "survival_days", "type": "quantitative"}}}]})json");
  spec["data"] = {{"name", "patients"}, {"values", patients}};
  spec["layer"][0]["encoding"]["color"] = arm_colour(domain);
  page.chart("swimmer", spec,
             "One bar per patient, as long as their follow-up. Black triangle: progression; "
             "green diamond: tumour eliminated; black X: death.");

  if (analysis.contains("trajectories") && !analysis["trajectories"].empty()) {
    page.heading("Tumour size over time (spider plot)");
    spec = json::parse(R"json({
      "width": 700, "height": 340,
      "transform": [
        {"window": [{"op": "first_value", "field": "tumour", "as": "baseline"}],
         "groupby": ["patient"], "sort": [{"field": "time_days"}], "frame": [null, null]},
        {"calculate": "100 * (datum.tumour / datum.baseline - 1)", "as": "pct_change"}],
      "mark": {"type": "line", "strokeWidth": 1.5, "opacity": 0.8},
      "encoding": {
        "x": {"field": "time_days", "type": "quantitative", "title": "Time (days)"},
        "y": {"field": "pct_change", "type": "quantitative",
              "title": "Tumour change from baseline (%)"},
        "detail": {"field": "patient"},
        "tooltip": [{"field": "patient"}, {"field": "arm"}, {"field": "time_days"},
                    {"field": "pct_change", "format": ".1f"}]}})json");
    spec["data"] = {{"name", "trajectories"}, {"values", trajectory_records(analysis)}};
    spec["encoding"]["color"] = arm_colour(domain);
    page.chart("spider", spec,
               "One line per patient: the tumour's size relative to its size at the start.");
  }

  if (analysis.contains("prcc") && !analysis["prcc"].empty()) {
    page.heading("Which patient features drive the outcome (PRCC)");
    spec = json::parse(R"json({
      "transform": [{"calculate": "datum.p_value < 0.05 ? 'p < 0.05' : 'not significant'",
                     "as": "significance"},
                    {"calculate": "abs(datum.prcc)", "as": "strength"}],
      "facet": {"row": {"field": "endpoint", "type": "nominal", "title": "Endpoint"}},
      "resolve": {"scale": {"y": "independent"}},
      "spec": {
        "width": 560, "height": {"step": 18},
        "mark": "bar",
        "encoding": {
          "y": {"field": "parameter", "type": "nominal", "title": "Parameter",
                "sort": {"field": "strength", "op": "max", "order": "descending"}},
          "x": {"field": "prcc", "type": "quantitative", "scale": {"domain": [-1, 1]},
                "title": "Partial rank correlation with the endpoint"},
          "color": {"field": "significance", "type": "nominal", "title": "",
                    "scale": {"domain": ["p < 0.05", "not significant"],
                              "range": ["#0072B2", "#BBBBBB"]}},
          "tooltip": [{"field": "parameter"}, {"field": "prcc", "format": ".3f"},
                      {"field": "p_value", "format": ".3g"}]}}})json");
    spec["data"] = {{"name", "prcc"}, {"values", analysis["prcc"]}};
    page.chart("prcc", spec,
               "Tornado plot: bars to the right mean a larger parameter goes with a larger "
               "endpoint. Grey bars are not statistically significant (p >= 0.05).");
  }

  glossary_section(page, ReportKind::kTrial);

  page.heading("Trial");
  std::vector<std::vector<std::string>> rows = {{"setting", "value"}};
  for (const auto& [key, value] : trial.items()) {
    rows.push_back({key, value.is_string() ? value.get<std::string>() : value.dump()});
  }
  page.table(rows);
  return page;
}

}  // namespace nksim::report
