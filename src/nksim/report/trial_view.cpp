// The report of a virtual trial: analysis.json (schema in docs/report.md). The per-patient
// charts (waterfall, swimmer, spider) are in trial_patients_view.cpp.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/report/evidence.h"
#include "nksim/report/json_checks.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/trial_sections.h"
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

json km_records(const json& analysis, const std::string& key) {
  json rows = json::array();
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains(key)) continue;
    const json& km = arm[key];
    const auto& t = km["time_days"];
    for (std::size_t i = 0; i < t.size(); ++i) {
      json row = {{"arm", arm["name"]}};
      for (const char* k : {"time_days", "survival", "lower", "upper", "at_risk", "events"}) {
        row[k] = km.contains(k) && i < km[k].size() ? km[k][i] : json(nullptr);
      }
      rows.push_back(row);
    }
  }
  return rows;
}

// One row per censoring time of each arm: where the curve's tick goes and how many left.
json censor_records(const json& analysis, const std::string& key) {
  json rows = json::array();
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains(key) || !arm[key].contains("censored")) continue;
    const json& c = arm[key]["censored"];
    for (std::size_t i = 0; i < c.value("time_days", json::array()).size(); ++i) {
      rows.push_back({{"arm", arm["name"]},
                      {"time_days", c["time_days"][i]},
                      {"survival", c["survival"][i]},
                      {"censored", c["count"][i]}});
    }
  }
  return rows;
}

const char* endpoint_words(const std::string& endpoint) {
  if (endpoint == "best_pct_change") return "best % change";
  if (endpoint == "survival_days") return "survival";
  if (endpoint == "ttp_days") return "time to progression";
  if (endpoint == "final_tumour") return "final tumour";
  if (endpoint == "peak") return "peak";
  return nullptr;
}

// "nk_1e6:best_pct_change" + "c" -> "nk_1e6 · best % change · c".
std::string prcc_label(const json& row) {
  std::string endpoint = row.value("endpoint", std::string());
  std::string arm;
  if (const auto colon = endpoint.find(':'); colon != std::string::npos) {
    arm = endpoint.substr(0, colon) + " \u00b7 ";
    endpoint = endpoint.substr(colon + 1);
  }
  const char* words = endpoint_words(endpoint);
  return arm + (words ? words : endpoint) + " \u00b7 " + row.value("parameter", std::string());
}

// Rows {arm, measure, rate, lower, upper}: objective response and elimination of each arm
// that has results.
json rate_records(const json& analysis) {
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
  return rates;
}

// Objective response and elimination rates side by side per arm, with 95% intervals.
void response_rates_chart(HtmlPage& page, const json& analysis, const json& domain) {
  const json rates = rate_records(analysis);
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
}

// One row per arm: patients, response categories, rates with intervals, median TTP.
void arms_table(HtmlPage& page, const json& analysis) {
  std::vector<std::vector<std::string>> rows = {{"arm", "patients", "failed numerically", "CR",
                                                 "PR", "SD", "PD", "objective response",
                                                 "eliminated", "median time to progression"}};
  for (const auto& arm : analysis["arms"]) {
    const std::string failed = std::to_string(arm.value("failed", 0));
    if (no_results(arm)) {
      rows.push_back({arm.value("name", std::string()), "0", failed, "", "", "", "",
                      "no plan of this arm succeeded", "", ""});
      continue;
    }
    const json& r = arm["response"];
    const json& ttp = arm["ttp_median_days"];
    rows.push_back(
        {arm.value("name", std::string()), std::to_string(arm.value("n", 0)), failed,
         std::to_string(r.value("CR", 0)), std::to_string(r.value("PR", 0)),
         std::to_string(r.value("SD", 0)), std::to_string(r.value("PD", 0)),
         percent(r.value("orr", 0.0)) + interval(r["orr_ci"]),
         percent(arm["elimination"].value("rate", 0.0)) + interval(arm["elimination"]["ci"]),
         ttp.is_number() ? format_number(ttp.get<double>(), 4) + " days" : "not reached"});
  }
  page.table(rows, "Arms");
}

void response_section(HtmlPage& page, const json& analysis, const json& domain) {
  page.heading("Response rates");
  response_rates_chart(page, analysis, domain);
  arms_table(page, analysis);
}

// Kaplan-Meier curves of one endpoint, carried to the end of follow-up, with a tick where
// patients were censored. The y title and caption name the endpoint the curves estimate.
void km_chart(HtmlPage& page, const json& analysis, const json& domain, const std::string& key,
              const std::string& id) {
  json first_km;
  for (const auto& arm : analysis["arms"])
    if (arm.contains(key) && first_km.is_null()) first_km = arm[key];
  if (first_km.is_null()) return;
  const bool pfs =
      first_km.value("endpoint", std::string("overall_survival")) == "progression_free_survival";
  const std::string follow_up =
      format_number(analysis["trial"].value("follow_up_days", 0.0), 4) + " days";
  json spec = json::parse(R"json({
    "width": 700, "height": 340,
    "encoding": {"x": {"field": "time_days", "type": "quantitative",
                       "title": "Time since the start of treatment (days)"}},
    "layer": [
      {"mark": {"type": "area", "interpolate": "step-after", "opacity": 0.18},
       "encoding": {"y": {"field": "lower", "type": "quantitative"},
                    "y2": {"field": "upper"}}},
      {"mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
       "encoding": {
         "y": {"field": "survival", "type": "quantitative", "axis": {"format": ".0%"},
               "scale": {"domain": [0, 1]}},
         "tooltip": [{"field": "arm"}, {"field": "time_days"},
                     {"field": "survival", "format": ".1%"}, {"field": "at_risk"},
                     {"field": "events"}]}},
      {"mark": {"type": "tick", "orient": "vertical", "thickness": 2.5, "size": 16},
       "encoding": {
         "y": {"field": "survival", "type": "quantitative"},
         "tooltip": [{"field": "arm"}, {"field": "time_days", "title": "censored at (days)"},
                     {"field": "censored", "title": "patients censored"}]}}]})json");
  spec["data"] = {{"name", id == "kaplan_meier" ? "km" : id},
                  {"values", km_records(analysis, key)}};
  spec["layer"][2]["data"] = {{"name", id + "_censored"},
                              {"values", censor_records(analysis, key)}};
  spec["layer"][1]["encoding"]["y"]["title"] =
      pfs ? "Patients alive without progression (%)" : "Patients alive (%)";
  spec["encoding"]["color"] = arm_colour(domain);
  page.chart(id, spec,
             std::string(pfs ? "Progression-free survival: the share of patients alive and "
                               "free of progression (tumour at least 20% above its smallest "
                               "size)"
                             : "Overall survival: the share of patients alive (death is the "
                               "tumour reaching the trial's death threshold)") +
                 ", Kaplan–Meier estimate with 95% confidence bands. Curves run to the end "
                 "of follow-up (" +
                 follow_up +
                 "); ticks mark patients censored there, alive and event-free when follow-up "
                 "ended.");
}

void survival_section(HtmlPage& page, const json& analysis, const json& domain) {
  page.heading("Overall survival (Kaplan–Meier)");
  km_chart(page, analysis, domain, "km", "kaplan_meier");
  if (analysis.contains("logrank") && !analysis["logrank"].empty()) {
    std::vector<std::vector<std::string>> rows = {{"arms compared", "chi-squared", "p-value"}};
    for (const auto& t : analysis["logrank"]) {
      rows.push_back({t.value("arm_a", std::string()) + " vs " + t.value("arm_b", std::string()),
                      format_number(t.value("chi2", 0.0), 4),
                      format_number(t.value("p_value", 1.0), 3)});
    }
    page.table(rows, "Log-rank tests of overall survival");
  }
  bool has_pfs = false;
  for (const auto& arm : analysis["arms"]) has_pfs = has_pfs || arm.contains("pfs_km");
  if (has_pfs) {
    page.heading("Progression-free survival (Kaplan–Meier)");
    km_chart(page, analysis, domain, "pfs_km", "kaplan_meier_pfs");
  }
}

// Row indices grouped by arm and endpoint in analysis order, strongest first within a group.
std::vector<std::size_t> prcc_order(const json& rows) {
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::string ea = rows[a].value("endpoint", std::string());
    const std::string eb = rows[b].value("endpoint", std::string());
    if (ea != eb) {
      std::size_t fa = 0, fb = 0;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].value("endpoint", std::string()) == ea && fa == 0) fa = i + 1;
        if (rows[i].value("endpoint", std::string()) == eb && fb == 0) fb = i + 1;
      }
      return fa < fb;
    }
    return std::abs(rows[a].value("prcc", 0.0)) > std::abs(rows[b].value("prcc", 0.0));
  });
  return order;
}

void prcc_section(HtmlPage& page, const json& analysis) {
  if (!analysis.contains("prcc") || analysis["prcc"].empty()) return;
  page.heading("Which patient features drive the outcome (PRCC)");
  json rows = analysis["prcc"];
  const std::vector<std::size_t> order = prcc_order(rows);
  json sort = json::array();
  for (auto& row : rows) row["label"] = prcc_label(row);
  for (const std::size_t i : order) sort.push_back(rows[i]["label"]);
  json spec = json::parse(R"json({
    "width": 520, "height": {"step": 20},
    "transform": [{"calculate": "datum.p_value < 0.05 ? 'p < 0.05' : 'not significant'",
                   "as": "significance"}],
    "mark": "bar",
    "encoding": {
      "y": {"field": "label", "type": "nominal", "title": "Arm · endpoint · parameter",
            "axis": {"labelLimit": 360, "titleAngle": 0, "titleAlign": "right",
                     "titleBaseline": "bottom", "titleX": -5, "titleY": -6}},
      "x": {"field": "prcc", "type": "quantitative", "scale": {"domain": [-1, 1]},
            "title": "Partial rank correlation with the endpoint (unitless, -1 to 1)"},
      "color": {"field": "significance", "type": "nominal", "title": "Significance",
                "scale": {"domain": ["p < 0.05", "not significant"],
                          "range": ["#0072B2", "#BBBBBB"]}},
      "tooltip": [{"field": "endpoint"}, {"field": "parameter"},
                  {"field": "prcc", "format": ".3f"}, {"field": "p_value", "format": ".3g"}]}})json");
  spec["encoding"]["y"]["sort"] = sort;
  spec["data"] = {{"name", "prcc"}, {"values", rows}};
  page.chart("prcc", spec,
             "Tornado plot, one horizontal bar per arm, endpoint and parameter: bars to the "
             "right mean a larger parameter goes with a larger endpoint. Grey bars are not "
             "statistically significant (p >= 0.05).");
}

// Who responds: each sampled parameter's ROC AUC for objective response, with its interval, and
// the cross-validated AUC of the logistic model of all of them (analysis.json "selection").
void selection_section(HtmlPage& page, const json& analysis) {
  if (!analysis.contains("selection") || analysis["selection"].empty()) return;
  json rows = json::array();
  std::vector<std::vector<std::string>> table = {
      {"Arm", "Responders", "Logistic model, 5-fold cross-validated AUC (95% CI)"}};
  for (const auto& arm : analysis["selection"]) {
    const std::string name = arm.value("arm", std::string());
    for (const auto& f : arm["features"]) {
      rows.push_back({{"label", name + " · " + f.value("parameter", std::string())},
                      {"arm", name},
                      {"parameter", f["parameter"]},
                      {"auc", f["auc"]},
                      {"lower", f["ci"][0]},
                      {"upper", f["ci"][1]}});
    }
    std::string model = "not fitted (fewer than 5 responders or non-responders)";
    if (arm.contains("logistic") && arm["logistic"].is_object()) {
      const json& l = arm["logistic"];
      model = format_number(l.value("cv_auc", 0.0), 3) + " (" +
              format_number(l["cv_auc_ci"][0].get<double>(), 3) + "–" +
              format_number(l["cv_auc_ci"][1].get<double>(), 3) + ")";
    }
    table.push_back({name,
                     std::to_string(arm.value("responders", 0)) + " of " +
                         std::to_string(arm.value("n", 0)),
                     model});
  }
  page.heading("Who responds: baseline features that predict response");
  page.paragraph(
      "For each arm, how well each sampled patient parameter separates the patients who "
      "responded (CR or PR) from those who did not: the area under the ROC curve (AUC), with "
      "its 95% interval (DeLong). 0.5 is no better than chance; above 0.5, responders tend to "
      "have larger values; below, smaller. Model-based: it says which virtual patients "
      "responded in this model, not which real patients will.");
  if (!rows.empty()) {
    // The chance line has its own one-row data and no y encoding, so it spans the whole plot.
    json spec = json::parse(R"json({
      "width": 520, "height": {"step": 20},
      "layer": [
        {"data": {"values": [{"chance": 0.5}]},
         "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#888888"},
         "encoding": {"x": {"field": "chance", "type": "quantitative"}}},
        {"mark": {"type": "rule", "strokeWidth": 2},
         "encoding": {"x": {"field": "lower", "type": "quantitative"}, "x2": {"field": "upper"},
                      "y": {"field": "label", "type": "nominal", "sort": null},
                      "color": {"field": "arm", "type": "nominal", "title": "Arm"}}},
        {"mark": {"type": "point", "filled": true, "size": 60},
         "encoding": {
           "x": {"field": "auc", "type": "quantitative"},
           "y": {"field": "label", "type": "nominal", "sort": null, "title": "Arm · parameter",
                 "axis": {"labelLimit": 360}},
           "color": {"field": "arm", "type": "nominal", "title": "Arm"},
           "tooltip": [{"field": "arm"}, {"field": "parameter"},
                       {"field": "auc", "format": ".3f"}, {"field": "lower", "format": ".3f"},
                       {"field": "upper", "format": ".3f"}]}}],
      "encoding": {
        "x": {"type": "quantitative", "scale": {"domain": [0, 1]},
              "title": "ROC AUC for objective response (unitless, 0.5 = chance)"}}})json");
    spec["data"] = {{"name", "selection"}, {"values", rows}};
    page.chart("selection", spec,
               "One row per arm and parameter: the dot is the AUC, the line its 95% interval; "
               "the dashed line marks chance (0.5).");
  }
  page.table(table, "All sampled parameters together: a logistic regression (ridge-penalised, "
                    "standardised features), scored on patients left out of its fit.");
}

// The best arm by objective response, or that no arm had responders.
std::string trial_headline(const json& analysis) {
  const json& trial = analysis["trial"];
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
  return headline + " Virtual patients are model runs, not people.";
}

std::vector<std::string> trial_evidence_keys(const json& trial) {
  std::vector<std::string> evidence_keys = {"virtual_trial"};
  if (trial.contains("model") && trial["model"].is_string()) {
    const std::string model = trial["model"].get<std::string>();  // optional in analysis.json
    const std::string infusion = infusion_evidence_key(model);
    if (!infusion.empty()) evidence_keys.push_back(infusion);
    evidence_keys.push_back(model);
  } else {
    evidence_keys.push_back("nk_infusion");
  }
  return evidence_keys;
}

void trial_table(HtmlPage& page, const json& trial) {
  page.heading("Trial");
  std::vector<std::vector<std::string>> rows = {{"setting", "value"}};
  for (const auto& [key, value] : trial.items()) {
    rows.push_back({key, value.is_string() ? value.get<std::string>() : value.dump()});
  }
  page.table(rows);
}

}  // namespace

json arm_colour(const json& domain) {
  return {{"field", "arm"}, {"type", "nominal"}, {"title", "Arm"}, {"scale", {{"domain", domain}}}};
}

HtmlPage trial_page(const std::filesystem::path& dir) {
  const json analysis = read_json_file(dir / "analysis.json");
  check_trial_analysis(analysis, (dir / "analysis.json").string());
  const json& trial = analysis["trial"];
  const json domain = arm_domain(analysis);
  HtmlPage page("nksim report: virtual trial " + trial.value("name", std::string("")));
  page.headline(trial_headline(analysis));
  page.paragraph(
      "Each virtual patient is one simulation with its own parameters drawn from the "
      "cohort's distributions; arms differ in dose, schedule or product. Response "
      "categories follow RECIST-like rules on the tumour size: CR complete response "
      "(tumour gone), PR partial response (at least 30% smaller), PD progressive "
      "disease (at least 20% larger), SD stable disease (in between).");
  evidence_section(page, trial_evidence_keys(trial));

  response_section(page, analysis, domain);
  waterfall_section(page, analysis["patients"], domain);
  survival_section(page, analysis, domain);
  thresholds_section(page, analysis, domain);
  swimmer_section(page, analysis["patients"], domain);
  spider_section(page, analysis, domain);
  prcc_section(page, analysis);
  selection_section(page, analysis);
  glossary_section(page, ReportKind::kTrial);

  trial_table(page, trial);
  return page;
}

}  // namespace nksim::report
