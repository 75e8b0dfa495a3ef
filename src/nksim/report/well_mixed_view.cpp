// The report of a well-mixed (ODE) run: timeseries.csv + summary.json.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/ode/ode_model.h"
#include "nksim/report/chart_labels.h"
#include "nksim/report/evidence.h"
#include "nksim/report/json_checks.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"

namespace nksim::report {
namespace {

using nlohmann::json;

constexpr double kChartWidth = 800;  // px, the time charts

std::optional<double> optional_number(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

// "day 0.422", "day 13.9", "day 250" (3 significant digits, whole days from day 100).
std::string day(double t) {
  return "day " + (t >= 100 ? format_number(std::round(t)) : format_number(t, 3));
}

bool any_dose_into_nk(const json& doses) {
  for (const auto& d : doses) {
    if (d.value("state", std::string()) == "N") return true;
  }
  return false;
}

std::string headline(const json& summary, double initial_tumour, double final_tumour) {
  const std::string outcome = summary.value("outcome", std::string("neither"));
  const json& doses = summary["doses"];
  const bool treated = doses.is_array() && !doses.empty();
  const std::string who =
      treated ? (any_dose_into_nk(doses) ? "With the NK-cell treatment" : "With the treatment")
              : "Without treatment";
  const json& endpoints = summary["endpoints"];
  const auto below = optional_number(endpoints, "elimination_below");
  const auto above = optional_number(endpoints, "escape_above");
  const double end = summary.value("end_time_days", 0.0);
  std::string text = who + ", ";
  if (outcome == "eliminated") {
    const double elimination = summary.value("elimination_time_days", 0.0);
    const std::string gone = " cells to below " + pretty_number(below.value_or(1)) + " cell" +
                             (below.value_or(1) == 1 ? "" : "s") + " by " + day(elimination) + ".";
    const json tumour = summary.value("tumour", json::object());
    const double peak = tumour.value("max", initial_tumour);
    const double peak_day = tumour.value("max_time_days", 0.0);
    if (peak > 1.1 * initial_tumour && peak_day > 0 && peak_day < elimination) {
      text += "the tumour was eliminated: it first grew from " + pretty_number(initial_tumour) +
              " to " + pretty_number(peak) + " cells (" + day(peak_day) + "), then fell from " +
              pretty_number(peak) + gone;
    } else {
      text += "the tumour was eliminated: it fell from " + pretty_number(initial_tumour) + gone;
    }
  } else if (outcome == "escaped") {
    text += "the tumour escaped control: it grew from " + pretty_number(initial_tumour) +
            " cells to more than " + pretty_number(above.value_or(0)) + " cells by " +
            day(summary.value("escape_time_days", 0.0)) + ".";
  } else if (below || above) {
    text += "the tumour was neither eliminated nor did it escape within " + format_number(end) +
            " days: it went from " + pretty_number(initial_tumour) + " to " +
            pretty_number(final_tumour) + " cells.";
  } else {
    text += "the tumour went from " + pretty_number(initial_tumour) + " to " +
            pretty_number(final_tumour) + " cells in " + format_number(end) +
            " days (the scenario sets no [endpoints] thresholds, so elimination and escape were "
            "not judged).";
  }
  text += " This is what the model predicts, not a clinical forecast.";
  return text;
}

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

// The population chart: log-scale lines, dose markers, event markers, threshold lines.
json populations_chart(const NumericTable& table, const std::vector<std::string>& states,
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
  json layers = json::array({lines});

  json boluses = json::array();
  json infusions = json::array();
  std::vector<double> bolus_times;
  std::vector<std::string> bolus_what;
  const auto label_of = [&](const std::string& state) {
    return labels.count(state) ? labels.at(state) : state;
  };
  for (const auto& d : summary["doses"]) {
    const std::string state = d.value("state", std::string("?"));
    if (d.value("kind", std::string()) == "infusion") {
      infusions.push_back({{"start_days", d.value("start_days", 0.0)},
                           {"stop_days", d.value("stop_days", 0.0)},
                           {"label", "infusion into " + label_of(state)}});
    } else {
      const std::string what = pretty_number(d.value("amount", 0.0)) + " into " + state;
      boluses.push_back({{"time_days", d.value("time_days", 0.0)},
                         {"label", "dose: " + pretty_number(d.value("amount", 0.0)) + " into " +
                                       label_of(state)}});
      bolus_times.push_back(d.value("time_days", 0.0));
      bolus_what.push_back("dose: " + what);
    }
  }
  if (!infusions.empty()) {
    layers.push_back({{"data", {{"name", "infusions"}, {"values", infusions}}},
                      {"mark", {{"type", "rect"}, {"color", "#0072B2"}, {"opacity", 0.12}}},
                      {"encoding",
                       {{"x", {{"field", "start_days"}, {"type", "quantitative"}}},
                        {"x2", {{"field", "stop_days"}}},
                        {"tooltip", {{"field", "label"}}}}}});
  }
  const double span = table.rows.back()[0] - std::min(0.0, table.rows.front()[0]);
  if (!boluses.empty()) {
    layers.push_back(rule_layer("doses", boluses, "time_days", "#0072B2", {6, 3}, false));
    // Sorted copies: summary.json lists doses in scenario order.
    std::vector<std::size_t> order(bolus_times.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return bolus_times[a] < bolus_times[b]; });
    std::vector<double> times;
    std::vector<std::string> what;
    for (std::size_t i : order) {
      times.push_back(bolus_times[i]);
      what.push_back(bolus_what[i]);
    }
    json text = json::array();
    for (const auto& l : cluster_labels(times, what, span, kChartWidth, "doses")) {
      text.push_back({{"time_days", l.time}, {"label", l.text}, {"doses", l.count}});
    }
    layers.push_back(label_layer("dose_labels", text, "time_days", "#0072B2", 6, false));
  }
  json events = json::array();
  if (auto t = optional_number(summary, "elimination_time_days")) {
    events.push_back({{"time_days", *t}, {"label", "tumour eliminated (" + day(*t) + ")"}});
  }
  if (auto t = optional_number(summary, "escape_time_days")) {
    events.push_back({{"time_days", *t}, {"label", "tumour escaped (" + day(*t) + ")"}});
  }
  if (!events.empty()) {
    layers.push_back(rule_layer("events", events, "time_days", "#D55E00", {}, true));
    layers.push_back(label_layer("event_labels", events, "time_days", "#D55E00", 24, true));
  }
  json thresholds = json::array();
  if (log_scale) {
    const json& endpoints = summary["endpoints"];
    if (auto v = optional_number(endpoints, "elimination_below"); v && *v >= floor) {
      thresholds.push_back({{"value", *v}, {"label", "elimination: below " + pretty_number(*v)}});
    }
    if (auto v = optional_number(endpoints, "escape_above")) {
      thresholds.push_back({{"value", *v}, {"label", "escape: above " + pretty_number(*v)}});
    }
  }
  if (!thresholds.empty()) {
    layers.push_back({{"data", {{"name", "thresholds"}, {"values", thresholds}}},
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
                         {"encoding", {{"text", {{"field", "label"}}}}}}}}});
  }
  return {{"width", kChartWidth}, {"height", 380}, {"layer", layers}};
}

}  // namespace

HtmlPage well_mixed_page(const std::filesystem::path& dir) {
  const json summary = read_json_file(dir / "summary.json");
  check_well_mixed_summary(summary, (dir / "summary.json").string());
  const NumericTable table = read_numeric_csv(dir / "timeseries.csv");
  if (table.columns.empty() || table.columns[0] != "time_days") {
    throw InputError((dir / "timeseries.csv").string() + ": the first column must be time_days");
  }
  if (table.rows.empty()) throw InputError((dir / "timeseries.csv").string() + ": no rows");
  const std::string model_name = summary.value("model", std::string("?"));
  const std::string set_name = summary.value("parameter_set", std::string("?"));
  const OdeModel* model = find_model(model_name);

  std::map<std::string, std::string> labels, units;
  std::vector<std::string> cell_states, other_states;
  for (std::size_t c = 1; c < table.columns.size(); ++c) {
    const std::string& s = table.columns[c];
    std::string unit = "cells", description;
    if (model) {
      for (const auto& info : model->states()) {
        if (info.name == s) {
          unit = std::string(info.unit);
          description = std::string(info.description);
        }
      }
    }
    labels[s] = description.empty() ? s : s + ": " + description;
    if (unit == "cells") {
      cell_states.push_back(s);
    } else {
      labels[s] += " [" + unit + "]";
      units[s] = unit;
      other_states.push_back(s);
    }
  }
  const std::string tumour_state =
      summary.contains("tumour") ? summary["tumour"].value("state", std::string("T")) : "T";
  const std::size_t tumour_column = table.column(tumour_state);

  const std::string scenario = summary.value("scenario_file", std::string());
  HtmlPage page("nksim report: " + (scenario.empty()
                                        ? std::string("well-mixed run")
                                        : std::filesystem::path(scenario).stem().string()));
  page.headline(
      headline(summary, table.rows.front()[tumour_column], table.rows.back()[tumour_column]));
  std::string what =
      "A well-mixed simulation: each population is one number that changes over "
      "time (no space). Model: " +
      model_name + ", parameter set " + set_name;
  if (model) {
    if (const auto* set = model->find_parameter_set(set_name)) {
      what += " (" + std::string(set->description) + ")";
    }
    what += ". Reference: " + std::string(model->citation());
  }
  if (!what.ends_with('.')) what += '.';
  page.paragraph(what);

  std::vector<std::string> evidence_keys = {model_name};
  if (any_dose_into_nk(summary["doses"])) evidence_keys.push_back("nk_infusion");
  if (const auto* note = find_evidence(model_name)) {
    page.paragraph("Evidence: " + std::string(note->level) + ". " + std::string(note->text),
                   "evidence");
  }

  double floor = 0.01;
  if (auto below = optional_number(summary["endpoints"], "elimination_below")) {
    floor = std::min(floor, *below / 100);
  }
  // A log scale needs something to draw: when every population stays below the floor (all
  // zero), the chart is linear.
  bool drawable = false;
  for (const auto& state : cell_states) {
    const std::size_t c = table.column(state);
    for (const auto& row : table.rows) drawable = drawable || row[c] >= floor;
  }
  page.heading("Cell populations over time");
  page.chart(
      "populations",
      populations_chart(table, cell_states, labels, summary, floor,
                        drawable ? "Number of cells (log scale)" : "Number of cells", drawable),
      "Each line is one cell population (log scale: each grid line is ten times the one "
      "below). Dashed blue lines: doses; red lines: when the tumour was eliminated or "
      "escaped; grey dotted lines: the thresholds that define those events. Values below " +
          pretty_number(floor) + " cells are not drawn (the population is gone).");
  // When the events happen early, a second chart shows the first days at a readable scale.
  const double end = summary.value("end_time_days", table.rows.back()[0]);
  double last_event = 0;
  for (const char* key : {"elimination_time_days", "escape_time_days"}) {
    if (auto t = optional_number(summary, key)) last_event = std::max(last_event, *t);
  }
  const double step = table.rows.size() > 1 ? table.rows[1][0] - table.rows[0][0] : end;
  const double zoom_end = std::max(3 * last_event, 8 * step);
  if (last_event > 0 && zoom_end < end / 4) {
    json zoom = populations_chart(table, cell_states, labels, summary, floor,
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
  if (!other_states.empty()) {
    page.heading("Drugs and cytokines");
    for (const auto& state : other_states) {  // one chart each: their units and scales differ
      std::string id = "state_";
      for (char c : state) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      json spec = populations_chart(table, {state}, labels, summary, floor,
                                    state + " (" + units.at(state) + ")", false);
      spec["height"] = 200;
      spec["title"] = labels.at(state);
      spec["layer"][0]["encoding"]["color"]["legend"] = nullptr;
      std::string caption = labels.at(state) + " over time, linear scale.";
      // A constant series gives the scale an empty domain, whose ticks read "NaN": give it room.
      if (const auto constant = constant_value(table, state)) {
        const double v = *constant;
        spec["layer"][0]["encoding"]["y"]["scale"]["domain"] =
            v == 0 ? json{0, 1} : json{std::min(0.0, 2 * v), std::max(0.0, 2 * v)};
        caption +=
            " It stays at " + pretty_number(v) + " " + units.at(state) + " for the whole run.";
      }
      page.chart(id, spec, caption);
    }
  }
  evidence_section(page, evidence_keys);

  glossary_section(page, ReportKind::kWellMixed);

  page.heading("Scenario");
  std::vector<std::vector<std::string>> rows = {{"setting", "value"}};
  rows.push_back({"scenario file", scenario});
  rows.push_back({"scenario hash", summary.value("scenario_hash", std::string())});
  rows.push_back({"model / parameter set", model_name + " / " + set_name});
  rows.push_back({"simulated time", format_number(summary.value("end_time_days", 0.0)) + " days"});
  for (const auto& [state, value] : summary["initial"].items()) {
    rows.push_back({"initial " + state, pretty_number(value.get<double>())});
  }
  for (const auto& d : summary["doses"]) {
    const std::string state = d.value("state", std::string());
    if (d.value("kind", std::string()) == "infusion") {
      rows.push_back({"infusion into " + state,
                      pretty_number(d.value("rate_per_day", 0.0)) + " per day from day " +
                          format_number(d.value("start_days", 0.0)) + " to day " +
                          format_number(d.value("stop_days", 0.0))});
    } else {
      rows.push_back({"dose into " + state, pretty_number(d.value("amount", 0.0)) + " at day " +
                                                format_number(d.value("time_days", 0.0))});
    }
  }
  for (const auto& [key, value] : summary["endpoints"].items()) {
    rows.push_back({"endpoint " + key, value.is_number() ? pretty_number(value.get<double>())
                                                         : std::string("not set")});
  }
  rows.push_back({"outcome", summary.value("outcome", std::string())});
  if (summary.contains("tumour")) {
    const json& t = summary["tumour"];
    rows.push_back({"tumour minimum", pretty_number(t.value("min", 0.0)) + " at day " +
                                          format_number(t.value("min_time_days", 0.0), 4)});
    rows.push_back({"tumour maximum", pretty_number(t.value("max", 0.0)) + " at day " +
                                          format_number(t.value("max_time_days", 0.0), 4)});
  }
  if (summary.contains("solver")) {
    const json& solver = summary["solver"];
    rows.push_back({"solver", solver.value("method", std::string()) + "; relative tolerance " +
                                  pretty_number(solver.value("rtol", 0.0)) +
                                  ", absolute tolerance " +
                                  pretty_number(solver.value("atol", 0.0)) + ", " +
                                  std::to_string(solver.value("steps", 0)) + " steps"});
  }
  page.table(rows);

  page.heading("Parameters used");
  std::vector<std::vector<std::string>> parameters = {{"parameter", "value", "unit", "meaning"}};
  std::vector<std::string> overridden;
  if (summary.contains("parameters_overridden")) {
    overridden = summary["parameters_overridden"].get<std::vector<std::string>>();
  }
  for (const auto& [name, value] : summary["parameters"].items()) {
    std::string unit, meaning;
    if (model) {
      for (const auto& info : model->parameters()) {
        if (info.name == name) {
          unit = std::string(info.unit);
          meaning = std::string(info.description);
        }
      }
    }
    if (std::find(overridden.begin(), overridden.end(), name) != overridden.end()) {
      meaning += " (set by the scenario)";
    }
    parameters.push_back({name, format_number(value.get<double>(), 6), unit, meaning});
  }
  page.table(parameters, "Resolved parameter values (after the scenario's overrides)");
  page.paragraph(
      "Files: timeseries.csv (every population at each output time) and summary.json "
      "(everything in the tables above).",
      "note");
  return page;
}

}  // namespace nksim::report
