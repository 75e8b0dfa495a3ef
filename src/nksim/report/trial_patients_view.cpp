// The per-patient charts of a trial report: the waterfall of best changes, the swimmer plot of
// follow-up and events, and the spider plot of tumour size over time.
#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nksim/report/trial_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;

// Change of the tumour from its first stored value, in %; values below zero (solver
// undershoot after elimination) count as 0 cells, so the change is never below -100 %.
json trajectory_records(const json& analysis, double& largest_change) {
  json rows = json::array();
  largest_change = 100;
  for (const auto& p : analysis.value("trajectories", json::array())) {
    const auto& t = p["time_days"];
    const auto& v = p["tumour"];
    const double baseline = v.empty() ? 0.0 : std::max(0.0, v[0].get<double>());
    for (std::size_t i = 0; i < t.size() && i < v.size(); ++i) {
      json row = {{"patient", p["patient"]},
                  {"arm", p["arm"]},
                  {"time_days", t[i]},
                  {"tumour", v[i]},
                  {"pct_change", nullptr}};
      if (baseline > 0) {
        const double change = 100 * (std::max(0.0, v[i].get<double>()) / baseline - 1);
        largest_change = std::max(largest_change, change);
        row["pct_change"] = change;
      }
      rows.push_back(row);
    }
  }
  return rows;
}

// Ticks of a symmetric-log percent axis: -100, -30, 0, +20, then powers of ten up to `top`.
json percent_ticks(double top) {
  json ticks = {-100, -30, 0, 20};
  for (double v = 100; v <= top * 1.0001; v *= 10) ticks.push_back(v);
  return ticks;
}

// The RECIST lines (+20 % progression, -30 % partial response) as a dashed rule layer.
json recist_layer() {
  return json::parse(R"json({
    "data": {"values": [{"y": 20, "label": "+20% (progression)"},
                        {"y": -30, "label": "-30% (partial response)"}]},
    "layer": [
      {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
       "encoding": {"y": {"field": "y", "type": "quantitative"}}},
      {"mark": {"type": "text", "align": "right", "dx": -4, "dy": -6, "color": "#555",
                "fontSize": 10},
       "encoding": {"y": {"field": "y", "type": "quantitative"},
                    "x": {"value": "width"}, "text": {"field": "label"}}}]})json");
}

json symlog_percent_scale(double top) {
  return {{"type", "symlog"}, {"constant", 10}, {"domain", {-100, top}}, {"nice", false}};
}

// Patients sorted by arm (in the analysis order) and then numerically: "#2" before "#10".
json swimmer_order(const json& patients, const json& domain) {
  std::vector<std::pair<std::size_t, std::int64_t>> keys;
  for (const auto& p : patients) {
    std::size_t arm = 0;
    while (arm < domain.size() && domain[arm] != p["arm"]) ++arm;
    keys.emplace_back(arm, p["patient"].get<std::int64_t>());
  }
  std::sort(keys.begin(), keys.end());
  json order = json::array();
  for (const auto& [arm, patient] : keys) {
    order.push_back(domain[arm].get<std::string>() + " #" + std::to_string(patient));
  }
  return order;
}

}  // namespace

void waterfall_section(HtmlPage& page, const json& patients, const json& domain) {
  page.heading("Best change in tumour size (waterfall)");
  double top = 100;
  for (const auto& p : patients) top = std::max(top, p.value("best_pct_change", 0.0));
  json spec = json::parse(R"json({
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
                 "title": "Best change from baseline (%, symmetric log scale)"},
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
  json& y = spec["spec"]["layer"][0]["encoding"]["y"];
  y["scale"] = symlog_percent_scale(top);
  y["axis"] = {{"values", percent_ticks(top)}};
  page.chart("waterfall", spec,
             "One bar per patient: the largest shrinkage (negative) or growth of the tumour "
             "relative to the start, on a symmetric log scale (linear near 0, logarithmic "
             "beyond ±10%). Dashed lines at +20% (progression) and -30% (partial response).");
}

void swimmer_section(HtmlPage& page, json patients, const json& domain) {
  page.heading("Each patient over time (swimmer plot)");
  for (auto& p : patients) {
    p["who"] = p.value("arm", std::string()) + " #" + std::to_string(p.value("patient", 0));
  }
  json spec = json::parse(R"json({
    "width": 700, "height": {"step": 14},
    "encoding": {"y": {"field": "who", "type": "nominal",
                       "title": "Patient (arm #number)"}},
    "layer": [
      {"mark": {"type": "bar", "height": 10},
       "encoding": {
         "x": {"field": "survival_days", "type": "quantitative",
               "title": "Follow-up (days)"},
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
  spec["encoding"]["y"]["sort"] = swimmer_order(patients, domain);
  spec["data"] = {{"name", "patients"}, {"values", patients}};
  spec["layer"][0]["encoding"]["color"] = arm_colour(domain);
  page.chart("swimmer", spec,
             "One bar per patient, as long as their follow-up, arm by arm in patient order. "
             "Black triangle: progression; green diamond: tumour eliminated; black X: death.");
}

void spider_section(HtmlPage& page, const json& analysis, const json& domain) {
  if (!analysis.contains("trajectories") || analysis["trajectories"].empty()) return;
  page.heading("Tumour size over time (spider plot)");
  double top = 100;
  const json rows = trajectory_records(analysis, top);
  json spec = json::parse(R"json({
    "width": 700, "height": 340,
    "layer": [
      {"mark": {"type": "line", "strokeWidth": 1.5, "opacity": 0.8},
       "encoding": {
         "x": {"field": "time_days", "type": "quantitative",
               "title": "Time since the start of treatment (days)"},
         "y": {"field": "pct_change", "type": "quantitative",
               "title": "Tumour change from baseline (%, symmetric log scale)"},
         "detail": {"field": "patient"},
         "tooltip": [{"field": "patient"}, {"field": "arm"}, {"field": "time_days"},
                     {"field": "tumour", "title": "tumour (cells)"},
                     {"field": "pct_change", "format": ".1f"}]}}]})json");
  spec["data"] = {{"name", "trajectories"}, {"values", rows}};
  json& y = spec["layer"][0]["encoding"]["y"];
  y["scale"] = symlog_percent_scale(top);
  y["axis"] = {{"values", percent_ticks(top)}};
  spec["layer"][0]["encoding"]["color"] = arm_colour(domain);
  spec["layer"].push_back(recist_layer());
  page.chart("spider", spec,
             "One line per patient: the tumour's size relative to its size at the start, on a "
             "symmetric log scale (linear near 0, logarithmic beyond ±10%), so that both "
             "shrinkage to -100% and growth by orders of magnitude stay readable. Dashed lines: "
             "RECIST thresholds, +20% (progression) and -30% (partial response).");
}

}  // namespace nksim::report
