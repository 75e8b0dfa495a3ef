// The charts of a well-mixed report: cell populations on a log scale with doses, events and
// thresholds marked, a close-up of the first days, and one linear chart per drug or cytokine.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "nksim/core/text.h"
#include "nksim/report/chart_labels.h"
#include "nksim/report/well_mixed_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;

constexpr double kChartWidth = 800;  // px, the time charts

// A log axis with one grid line per power of ten (every other one over many decades), labelled
// in words ("1 million") so that a newcomer can read it.
json log_axis(const NumericTable& table, const std::vector<std::string>& states, double floor,
              const json& endpoints) {
  double low = HUGE_VAL, high = 0;
  for (const char* key : {"elimination_below", "escape_above"}) {  // drawn as lines too
    if (auto v = optional_number(endpoints, key); v && *v >= floor) {
      low = std::min(low, *v);
      high = std::max(high, *v);
    }
  }
  for (const auto& state : states) {
    const std::size_t c = table.column(state);
    for (const auto& row : table.rows) {
      if (std::isfinite(row[c]) && row[c] >= floor) {
        low = std::min(low, row[c]);
        high = std::max(high, row[c]);
      }
    }
  }
  json axis = {{"labelExpr",
                "datum.value >= 1e12 ? format(datum.value / 1e12, '~g') + ' trillion' : "
                "datum.value >= 1e9 ? format(datum.value / 1e9, '~g') + ' billion' : "
                "datum.value >= 1e6 ? format(datum.value / 1e6, '~g') + ' million' : "
                "format(datum.value, ',~g')"}};
  if (high <= 0) return axis;
  const int first = static_cast<int>(std::floor(std::log10(low)));
  const int last = static_cast<int>(std::ceil(std::log10(high)));
  const int step = last - first > 12 ? 2 : 1;
  json values = json::array();
  for (int k = first; k <= last; k += step) values.push_back(std::pow(10.0, k));
  axis["values"] = values;
  return axis;
}

// The value of a column that never changes (non-finite entries ignored), if it never does.
std::optional<double> constant_value(const NumericTable& table, const std::string& state) {
  const std::size_t c = table.column(state);
  std::optional<double> value;
  for (const auto& row : table.rows) {
    if (!std::isfinite(row[c])) continue;
    if (value && row[c] != *value) return std::nullopt;
    value = row[c];
  }
  return value;
}

// Sets "clip" on every mark of a (layered) spec, so that nothing is drawn outside the axes.
void clip_marks(json& spec) {
  if (spec.contains("mark")) {
    if (spec["mark"].is_string()) spec["mark"] = {{"type", spec["mark"]}};
    spec["mark"]["clip"] = true;
  }
  if (spec.contains("layer")) {
    for (auto& layer : spec["layer"]) clip_marks(layer);
  }
}

// Vertical rules at data[x_field], one per row, with their tooltips.
json rule_layer(const std::string& name, const json& data, const std::string& x_field,
                const std::string& colour, const std::vector<int>& dash, bool bold) {
  json rule = {{"type", "rule"}, {"color", colour}, {"strokeWidth", bold ? 2.5 : 2}};
  if (!dash.empty()) rule["strokeDash"] = dash;
  return {
      {"name", name + "_rules"},  // the SVG group's class: <name>_rules_marks
      {"data", {{"name", name}, {"values", data}}},
      {"mark", rule},
      {"encoding",
       {{"x", {{"field", x_field}, {"type", "quantitative"}}}, {"tooltip", {{"field", "label"}}}}}};
}

// Text labels at the top of the chart, at data[x_field], `dy` pixels below the top.
json label_layer(const std::string& name, const json& data, const std::string& x_field,
                 const std::string& colour, int dy, bool bold) {
  json text = {{"type", "text"}, {"align", "left"},   {"dx", 4},         {"dy", dy},
               {"y", 0},         {"baseline", "top"}, {"color", colour}, {"fontSize", 12}};
  if (bold) text["fontWeight"] = "bold";
  return {
      {"data", {{"name", name}, {"values", data}}},
      {"mark", text},
      {"encoding",
       {{"x", {{"field", x_field}, {"type", "quantitative"}}}, {"text", {{"field", "label"}}}}}};
}

// One line per state over time; on a log scale only the values at or above `floor`.
json population_lines(const NumericTable& table, const std::vector<std::string>& states,
                      const std::map<std::string, std::string>& labels, const json& summary,
                      double floor, const std::string& y_title, bool log_scale) {
  json label_map = json::object();
  json domain = json::array();
  for (const auto& s : states) {
    label_map[s] = labels.at(s);
    domain.push_back(labels.at(s));
  }
  const std::string time = "time_days";
  json x = {{"field", time}, {"type", "quantitative"}, {"title", "Time (days)"}};
  json lines = {
      {"data", {{"name", "timeseries"}, {"values", table_records(table)}}},
      {"transform",
       {{{"fold", states}, {"as", {"state", "value"}}},
        {{"filter", log_scale ? "isValid(datum.value) && datum.value >= " + format_number(floor)
                              : "isValid(datum.value)"}},
        {{"calculate", label_map.dump() + "[datum.state]"}, {"as", "population"}}}},
      {"mark", {{"type", "line"}, {"strokeWidth", 2.5}}},
      {"encoding",
       {{"x", x},
        {"y",
         {{"field", "value"},
          {"type", "quantitative"},
          {"title", y_title},
          {"scale", log_scale ? json{{"type", "log"}} : json{{"zero", true}}},
          {"axis", log_scale ? log_axis(table, states, floor, summary["endpoints"])
                             : json{{"format", "~s"}}}}},
        {"color",
         {{"field", "population"},
          {"type", "nominal"},
          {"title", "Population"},
          {"scale", {{"domain", domain}}},
          {"legend", {{"orient", "bottom"}, {"columns", 1}}}}},
        {"tooltip",
         {{{"field", time}, {"type", "quantitative"}, {"title", "day"}},
          {{"field", "population"}, {"type", "nominal"}},
          {{"field", "value"}, {"type", "quantitative"}, {"format", ".3~e"}}}}}}};
  return lines;
}

// The doses of summary.json, in scenario order: infusions as spans, boluses as instants.
struct DoseMarks {
  json boluses = json::array();    // {time_days, label}: the rules' tooltips
  json infusions = json::array();  // {start_days, stop_days, label}
  std::vector<double> bolus_times;
  std::vector<std::string> bolus_what;  // "dose: 1e7 into N": the labels at the top
};

DoseMarks dose_marks(const json& doses, const std::map<std::string, std::string>& labels) {
  DoseMarks marks;
  const auto label_of = [&](const std::string& state) {
    return labels.count(state) ? labels.at(state) : state;
  };
  for (const auto& d : doses) {
    const std::string state = d.value("state", std::string("?"));
    if (d.value("kind", std::string()) == "infusion") {
      marks.infusions.push_back({{"start_days", d.value("start_days", 0.0)},
                                 {"stop_days", d.value("stop_days", 0.0)},
                                 {"label", "infusion into " + label_of(state)}});
    } else {
      const std::string what = pretty_number(d.value("amount", 0.0)) + " into " + state;
      marks.boluses.push_back({{"time_days", d.value("time_days", 0.0)},
                               {"label", "dose: " + pretty_number(d.value("amount", 0.0)) +
                                             " into " + label_of(state)}});
      marks.bolus_times.push_back(d.value("time_days", 0.0));
      marks.bolus_what.push_back("dose: " + what);
    }
  }
  return marks;
}

// Shaded spans while an infusion runs.
json infusion_layer(const json& infusions) {
  return {{"data", {{"name", "infusions"}, {"values", infusions}}},
          {"mark", {{"type", "rect"}, {"color", "#0072B2"}, {"opacity", 0.12}}},
          {"encoding",
           {{"x", {{"field", "start_days"}, {"type", "quantitative"}}},
            {"x2", {{"field", "stop_days"}}},
            {"tooltip", {{"field", "label"}}}}}};
}

// The bolus labels in time order, doses too close to be read apart sharing one label; `span`
// is the chart's time range in days.
json bolus_labels(const DoseMarks& marks, double span) {
  // Sorted copies: summary.json lists doses in scenario order.
  std::vector<std::size_t> order(marks.bolus_times.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return marks.bolus_times[a] < marks.bolus_times[b];
  });
  std::vector<double> times;
  std::vector<std::string> what;
  for (std::size_t i : order) {
    times.push_back(marks.bolus_times[i]);
    what.push_back(marks.bolus_what[i]);
  }
  json text = json::array();
  for (const auto& l : cluster_labels(times, what, span, kChartWidth, "doses")) {
    text.push_back({{"time_days", l.time}, {"label", l.text}, {"doses", l.count}});
  }
  return text;
}

// When the tumour was eliminated or escaped, if it was.
// The target state when it is not a cell count (a viral load): its symbol, else "".
std::string non_cell_target(const json& summary) {
  if (!summary.contains("tumour") || !summary["tumour"].is_object()) return "";
  const json& t = summary["tumour"];
  const std::string unit = t.value("unit", std::string("cells"));
  if (unit == "cells" || unit.starts_with("cells/")) return "";
  return t.value("state", std::string());
}

json event_marks(const json& summary) {
  json events = json::array();
  if (const std::string target = non_cell_target(summary); !target.empty()) {
    // A viral load is cleared (a downward crossing during the run), not eliminated at day 0.
    if (auto t = optional_number(summary["tumour"], "clearance_time_days")) {
      events.push_back({{"time_days", *t}, {"label", target + " cleared (" + day(*t) + ")"}});
    }
    return events;
  }
  if (auto t = optional_number(summary, "elimination_time_days")) {
    events.push_back({{"time_days", *t}, {"label", "tumour eliminated (" + day(*t) + ")"}});
  }
  if (auto t = optional_number(summary, "escape_time_days")) {
    events.push_back({{"time_days", *t}, {"label", "tumour escaped (" + day(*t) + ")"}});
  }
  return events;
}

// The [endpoints] thresholds that can be drawn on a log scale whose lowest value is `floor`.
json threshold_marks(const json& endpoints, double floor) {
  json thresholds = json::array();
  if (auto v = optional_number(endpoints, "elimination_below"); v && *v >= floor) {
    thresholds.push_back({{"value", *v}, {"label", "elimination: below " + pretty_number(*v)}});
  }
  if (auto v = optional_number(endpoints, "escape_above")) {
    thresholds.push_back({{"value", *v}, {"label", "escape: above " + pretty_number(*v)}});
  }
  return thresholds;
}

// Dotted horizontal lines at the thresholds, labelled at the right edge.
json threshold_layer(const json& thresholds) {
  return {{"data", {{"name", "thresholds"}, {"values", thresholds}}},
          {"encoding", {{"y", {{"field", "value"}, {"type", "quantitative"}}}}},
          {"layer",
           {{{"mark", {{"type", "rule"}, {"color", "#666"}, {"strokeDash", {2, 2}}}},
             {"encoding", {{"tooltip", {{"field", "label"}}}}}},
            {{"mark",
              {{"type", "text"},
               {"align", "right"},
               {"dy", -6},
               {"x", "width"},
               {"color", "#444"},
               {"fontSize", 11}}},
             {"encoding", {{"text", {{"field", "label"}}}}}}}}};
}

// The population chart: log-scale lines, dose markers, event markers, threshold lines.
json populations_chart(const NumericTable& table, const std::vector<std::string>& states,
                       const std::map<std::string, std::string>& labels, const json& summary,
                       double floor, const std::string& y_title, bool log_scale) {
  json layers =
      json::array({population_lines(table, states, labels, summary, floor, y_title, log_scale)});
  const DoseMarks doses = dose_marks(summary["doses"], labels);
  if (!doses.infusions.empty()) layers.push_back(infusion_layer(doses.infusions));
  if (!doses.boluses.empty()) {
    const double span = table.rows.back()[0] - std::min(0.0, table.rows.front()[0]);
    layers.push_back(rule_layer("doses", doses.boluses, "time_days", "#0072B2", {6, 3}, false));
    layers.push_back(
        label_layer("dose_labels", bolus_labels(doses, span), "time_days", "#0072B2", 6, false));
  }
  const json events = event_marks(summary);
  if (!events.empty()) {
    layers.push_back(rule_layer("events", events, "time_days", "#D55E00", {}, true));
    layers.push_back(label_layer("event_labels", events, "time_days", "#D55E00", 24, true));
  }
  // The thresholds are in the target state's unit: drawn where the target is (a viral load has
  // its own chart, not the cell populations').
  const std::string target = non_cell_target(summary);
  const bool target_here = target.empty() || (states.size() == 1 && states[0] == target);
  const json thresholds = log_scale && target_here ? threshold_marks(summary["endpoints"], floor)
                                                   : json::array();
  if (!thresholds.empty()) layers.push_back(threshold_layer(thresholds));
  return {{"width", kChartWidth}, {"height", 380}, {"layer", layers}};
}

// The smallest population drawn on a log scale: 0.01 cells, or a hundredth of the elimination
// threshold when that is lower.
double population_floor(const json& summary) {
  double floor = 0.01;
  if (auto below = optional_number(summary["endpoints"], "elimination_below")) {
    floor = std::min(floor, *below / 100);
  }
  return floor;
}

void populations_section(HtmlPage& page, const NumericTable& table, const WellMixedStates& states,
                         const json& summary, double floor) {
  // A log scale needs something to draw: when every population stays below the floor (all
  // zero), the chart is linear.
  bool drawable = false;
  for (const auto& state : states.cell_states) {
    const std::size_t c = table.column(state);
    for (const auto& row : table.rows) drawable = drawable || row[c] >= floor;
  }
  page.heading("Cell populations over time");
  page.chart(
      "populations",
      populations_chart(table, states.cell_states, states.labels, summary, floor,
                        drawable ? "Number of cells (log scale)" : "Number of cells", drawable),
      "Each line is one cell population (log scale: each grid line is ten times the one "
      "below). Dashed blue lines: doses; red lines: when the tumour was eliminated or "
      "escaped; grey dotted lines: the thresholds that define those events. Values below " +
          pretty_number(floor) + " cells are not drawn (the population is gone).");
}

// When the events happen early, a second chart shows the first days at a readable scale.
void close_up_chart(HtmlPage& page, const NumericTable& table, const WellMixedStates& states,
                    const json& summary, double floor) {
  const double end = summary.value("end_time_days", table.rows.back()[0]);
  double last_event = 0;
  for (const char* key : {"elimination_time_days", "escape_time_days"}) {
    if (auto t = optional_number(summary, key)) last_event = std::max(last_event, *t);
  }
  const double step = table.rows.size() > 1 ? table.rows[1][0] - table.rows[0][0] : end;
  const double zoom_end = std::max(3 * last_event, 8 * step);
  if (!(last_event > 0 && zoom_end < end / 4)) return;
  json zoom = populations_chart(table, states.cell_states, states.labels, summary, floor,
                                "Number of cells (log scale)", true);
  zoom["height"] = 300;
  zoom["layer"][0]["encoding"]["x"]["scale"] = {{"domain", {0, zoom_end}}, {"clamp", false}};
  zoom["layer"][0]["mark"]["point"] = true;
  clip_marks(zoom);
  zoom["title"] = "Close-up of the first " + format_number(zoom_end, 3) + " days";
  page.chart("populations_early", zoom,
             "The same populations during the first " + format_number(zoom_end, 3) +
                 " days, with a dot at each output time (every " + format_number(step, 3) +
                 " days): what happens right after treatment.");
}

// A target state that is not a cell count (a viral load) on its own log-scale chart, with
// doses, its clearance and the thresholds: it spans many decades.
void target_section(HtmlPage& page, const NumericTable& table, const WellMixedStates& states,
                    const json& summary) {
  const std::string target = non_cell_target(summary);
  if (target.empty() || !states.units.contains(target)) return;
  // Drawn down to a thousandth of the clearance threshold (or of 1 without one).
  const double floor = optional_number(summary["endpoints"], "elimination_below").value_or(1) / 1e3;
  bool drawable = false;
  const std::size_t c = table.column(target);
  for (const auto& row : table.rows) drawable = drawable || row[c] >= floor;
  const std::string& unit = states.units.at(target);
  page.heading(target + " over time");
  json spec = populations_chart(table, {target}, states.labels, summary, floor,
                                target + " (" + unit + (drawable ? ", log scale)" : ")"), drawable);
  spec["layer"][0]["encoding"]["color"]["legend"] = nullptr;
  spec["title"] = states.labels.at(target);
  page.chart("target", spec,
             states.labels.at(target) + " over time" +
                 (drawable ? ", log scale (values below " + pretty_number(floor) + " " + unit +
                                 " are not drawn)"
                           : std::string()) +
                 ". Dashed blue lines: doses; red line: clearance; grey dotted lines: the "
                 "thresholds.");
}

// One chart per state that is not counted in cells: their units and scales differ.
void drugs_and_cytokines_section(HtmlPage& page, const NumericTable& table,
                                 const WellMixedStates& states, const json& summary, double floor) {
  const std::string target = non_cell_target(summary);
  bool any = false;
  for (const auto& state : states.other_states) any = any || state != target;
  if (!any) return;
  page.heading("Drugs and cytokines");
  for (const auto& state : states.other_states) {
    if (state == target) continue;  // drawn by target_section
    std::string id = "state_";
    for (char c : state) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    const std::string& unit = states.units.at(state);
    const std::string& label = states.labels.at(state);
    json spec = populations_chart(table, {state}, states.labels, summary, floor,
                                  state + " (" + unit + ")", false);
    spec["height"] = 200;
    spec["title"] = label;
    spec["layer"][0]["encoding"]["color"]["legend"] = nullptr;
    std::string caption = label + " over time, linear scale.";
    // A constant series gives the scale an empty domain, whose ticks read "NaN": give it room.
    if (const auto constant = constant_value(table, state)) {
      const double v = *constant;
      spec["layer"][0]["encoding"]["y"]["scale"]["domain"] =
          v == 0 ? json{0, 1} : json{std::min(0.0, 2 * v), std::max(0.0, 2 * v)};
      caption += " It stays at " + pretty_number(v) + " " + unit + " for the whole run.";
    }
    page.chart(id, spec, caption);
  }
}

}  // namespace

void population_sections(HtmlPage& page, const NumericTable& table, const WellMixedStates& states,
                         const json& summary) {
  const double floor = population_floor(summary);
  target_section(page, table, states, summary);
  populations_section(page, table, states, summary, floor);
  close_up_chart(page, table, states, summary, floor);
  drugs_and_cytokines_section(page, table, states, summary, floor);
}

}  // namespace nksim::report
