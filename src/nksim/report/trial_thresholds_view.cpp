// The threshold endpoints of a trial report ([[endpoints.threshold]]; analysis.json
// arms[].thresholds): the share of each arm meeting each threshold with its 95% interval, and for
// thresholds read as a time to an event (first_after_day) the Kaplan-Meier curve of the time
// from the landmark to the first crossing.
#include <algorithm>
#include <string>

#include "nksim/core/text.h"
#include "nksim/report/trial_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;

// "E > 100 on day 14" or "first E < 10 after day 1", as `trial analyse` prints it.
std::string definition(const json& t) {
  const std::string test = t.value("state", std::string()) +
                           (t.value("direction", std::string()) == "above" ? " > " : " < ") +
                           format_number(t.value("level", 0.0), 4);
  const std::string day = format_number(t.value("day", 0.0), 4);
  if (t.value("kind", std::string()) == "first_crossing")
    return "first " + test + " after day " + day;
  return test + " on day " + day;
}

std::string share_percent(double fraction) { return format_number(100 * fraction, 3) + "%"; }

// The thresholds in the order of the first arm that has them (every arm has the same list).
json threshold_names(const json& analysis) {
  json names = json::array();
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains("thresholds")) continue;
    for (const auto& t : arm["thresholds"]) {
      if (std::find(names.begin(), names.end(), t["name"]) == names.end())
        names.push_back(t["name"]);
    }
  }
  return names;
}

void rates_chart(HtmlPage& page, const json& analysis, const json& domain, const json& names) {
  json rows = json::array();
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains("thresholds")) continue;
    for (const auto& t : arm["thresholds"]) {
      rows.push_back({{"threshold", t["name"]},
                      {"definition", definition(t)},
                      {"arm", arm["name"]},
                      {"rate", t["rate"]},
                      {"lower", t["ci"][0]},
                      {"upper", t["ci"][1]},
                      {"met", t["met"]},
                      {"n", t["n"]}});
    }
  }
  json spec = json::parse(R"json({
    "width": 700, "height": 300,
    "encoding": {
      "x": {"field": "threshold", "type": "nominal", "title": "Threshold endpoint, one bar per Arm",
            "axis": {"labelAngle": 0}},
      "xOffset": {"field": "arm", "type": "nominal"}},
    "layer": [
      {"mark": "bar",
       "encoding": {
         "y": {"field": "rate", "type": "quantitative", "title": "Patients meeting it (% of arm)",
               "axis": {"format": ".0%"}, "scale": {"domain": [0, 1]}},
         "tooltip": [{"field": "arm"}, {"field": "threshold"}, {"field": "definition"},
                     {"field": "met"}, {"field": "n"}, {"field": "rate", "format": ".1%"},
                     {"field": "lower", "format": ".1%"}, {"field": "upper", "format": ".1%"}]}},
      {"mark": {"type": "rule", "color": "black", "strokeWidth": 1.5},
       "encoding": {"y": {"field": "lower", "type": "quantitative"}, "y2": {"field": "upper"},
                    "color": {"value": "black"}}}]})json");
  spec["data"] = {{"name", "thresholds"}, {"values", rows}};
  spec["encoding"]["x"]["sort"] = names;
  spec["encoding"]["xOffset"]["sort"] = domain;
  spec["layer"][0]["encoding"]["color"] = arm_colour(domain);
  page.chart("thresholds", spec,
             "Share of each arm's patients who met each threshold endpoint (definitions in the "
             "table below); black lines are 95% Wilson intervals.");
}

// Kaplan-Meier of the time from the landmark to the first crossing, one curve per arm.
void crossing_chart(HtmlPage& page, const json& analysis, const json& domain,
                    const std::string& name, std::size_t index) {
  json rows = json::array();
  std::string words, state;
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains("thresholds")) continue;
    for (const auto& t : arm["thresholds"]) {
      if (t["name"] != name || !t.contains("km")) continue;
      words = definition(t);
      state = t.value("state", std::string());
      const json& km = t["km"];
      for (std::size_t i = 0; i < km["time_days"].size(); ++i) {
        rows.push_back({{"arm", arm["name"]},
                        {"time_days", km["time_days"][i]},
                        {"fraction", km["fraction_not_crossed"][i]},
                        {"lower", km["lower"][i]},
                        {"upper", km["upper"][i]},
                        {"at_risk", km["at_risk"][i]},
                        {"events", km["events"][i]}});
      }
    }
  }
  if (rows.empty()) return;
  json spec = json::parse(R"json({
    "width": 700, "height": 300,
    "encoding": {"x": {"field": "time_days", "type": "quantitative",
                       "title": "Time since the landmark day (days)"}},
    "layer": [
      {"mark": {"type": "area", "interpolate": "step-after", "opacity": 0.18},
       "encoding": {"y": {"field": "lower", "type": "quantitative"}, "y2": {"field": "upper"}}},
      {"mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
       "encoding": {
         "y": {"field": "fraction", "type": "quantitative", "axis": {"format": ".0%"},
               "scale": {"domain": [0, 1]}, "title": "Patients not yet crossed (%)"},
         "tooltip": [{"field": "arm"}, {"field": "time_days"},
                     {"field": "fraction", "format": ".1%"}, {"field": "at_risk"},
                     {"field": "events"}]}}]})json");
  const std::string id = "threshold_km_" + std::to_string(index + 1);
  spec["data"] = {{"name", id}, {"values", rows}};
  spec["encoding"]["color"] = arm_colour(domain);
  page.chart(id, spec,
             "Time to \"" + name + "\" (" + words +
                 "): Kaplan–Meier estimate of the share of patients whose " + state +
                 " had not crossed the level yet, with 95% bands; patients who never crossed "
                 "are censored at the end of follow-up.");
}

void thresholds_table(HtmlPage& page, const json& analysis) {
  std::vector<std::vector<std::string>> rows = {{"threshold", "definition", "arm", "met",
                                                 "share (95% CI)", "median time after landmark",
                                                 "median peak of those who met it"}};
  for (const auto& arm : analysis["arms"]) {
    if (!arm.contains("thresholds")) continue;
    for (const auto& t : arm["thresholds"]) {
      std::string median_time;
      if (t.value("kind", std::string()) == "first_crossing") {
        median_time = t.contains("median_days") && t["median_days"].is_number()
                          ? format_number(t["median_days"].get<double>(), 4) + " days"
                          : "not reached";
      }
      rows.push_back(
          {t.value("name", std::string()), definition(t), arm.value("name", std::string()),
           std::to_string(t.value("met", 0)) + " of " + std::to_string(t.value("n", 0)),
           share_percent(t.value("rate", 0.0)) + " (" + share_percent(t["ci"][0].get<double>()) +
               "–" + share_percent(t["ci"][1].get<double>()) + ")",
           median_time,
           t["peak_median"].is_number() ? format_number(t["peak_median"].get<double>(), 4) : ""});
    }
  }
  page.table(rows, "Threshold endpoints per arm");
}

}  // namespace

void thresholds_section(HtmlPage& page, const json& analysis, const json& domain) {
  const json names = threshold_names(analysis);
  if (names.empty()) return;
  page.heading("Threshold endpoints");
  page.paragraph(
      "Endpoints the trial defines on any state of the model ([[endpoints.threshold]]): a state "
      "above or below a level on a given day, or the first time it crosses the level after a "
      "landmark day. Model-based: shares of virtual patients, not of real ones.");
  rates_chart(page, analysis, domain, names);
  for (std::size_t k = 0; k < names.size(); ++k) {
    crossing_chart(page, analysis, domain, names[k].get<std::string>(), k);
  }
  thresholds_table(page, analysis);
}

}  // namespace nksim::report
