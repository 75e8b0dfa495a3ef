// The report of a well-mixed (ODE) run: timeseries.csv + summary.json. Its charts are drawn in
// well_mixed_charts.cpp.
#include <algorithm>
#include <cmath>
#include <optional>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/ode/ode_model.h"
#include "nksim/report/evidence.h"
#include "nksim/report/json_checks.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"
#include "nksim/report/well_mixed_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

// A dose into NK cells: the state N, or a state the model describes as NK cells ("K" of
// hernandez_vargas2012).
bool any_dose_into_nk(const json& doses, const OdeModel* model) {
  for (const auto& d : doses) {
    const std::string state = d.value("state", std::string());
    if (state == "N") return true;
    if (!model) continue;
    const int index = model->state_index(state);
    if (index >= 0 && model->states()[index].description.starts_with("NK cells")) return true;
  }
  return false;
}

// The target state's unit from summary.json ("cells" for the older summaries without one).
std::string target_unit(const json& summary) {
  if (!summary.contains("tumour") || !summary["tumour"].is_object()) return "cells";
  return summary["tumour"].value("unit", std::string("cells"));
}

bool target_is_cells(const json& summary) {
  const std::string unit = target_unit(summary);
  return unit == "cells" || unit.starts_with("cells/");
}

// The headline of a run whose target state is not a cell count (a viral load): its peak, its
// clearance below the elimination threshold, and its level at the end.
std::string target_headline(const json& summary, const OdeModel* model, double final_value) {
  const json& doses = summary["doses"];
  const bool treated = doses.is_array() && !doses.empty();
  const std::string who = treated ? (any_dose_into_nk(doses, model) ? "With the NK-cell treatment"
                                                                    : "With the treatment")
                                  : "Without treatment";
  const json tumour = summary.value("tumour", json::object());
  const std::string state = tumour.value("state", std::string("V"));
  const std::string unit = target_unit(summary);
  std::string text = who + ", " + state + " (" + unit + ") peaked at " +
                     pretty_number(tumour.value("max", 0.0)) + " on " +
                     day(tumour.value("max_time_days", 0.0));
  const auto below = optional_number(summary["endpoints"], "elimination_below");
  const auto cleared = optional_number(tumour, "clearance_time_days");
  if (below && cleared) {
    text += " and fell below " + pretty_number(*below) + " (cleared) on " + day(*cleared) +
            "; it was " + pretty_number(final_value) + " after " +
            format_number(summary.value("end_time_days", 0.0)) + " days.";
  } else {
    text += " and was " + pretty_number(final_value) + " after " +
            format_number(summary.value("end_time_days", 0.0)) + " days" +
            (below ? " (never below the clearance threshold " + pretty_number(*below) + ")."
                   : ".");
  }
  return text + " This is what the model predicts, not a clinical forecast.";
}

std::string headline(const json& summary, const OdeModel* model, double initial_tumour,
                     double final_tumour) {
  if (!target_is_cells(summary)) return target_headline(summary, model, final_tumour);
  const std::string outcome = summary.value("outcome", std::string("neither"));
  const json& doses = summary["doses"];
  const bool treated = doses.is_array() && !doses.empty();
  const std::string who = treated ? (any_dose_into_nk(doses, model) ? "With the NK-cell treatment"
                                                                    : "With the treatment")
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

// The timeseries with the checks every chart relies on: time first, at least one row.
NumericTable read_timeseries(const std::filesystem::path& file) {
  NumericTable table = read_numeric_csv(file);
  if (table.columns.empty() || table.columns[0] != "time_days") {
    throw InputError(file.string() + ": the first column must be time_days");
  }
  if (table.rows.empty()) throw InputError(file.string() + ": no rows");
  return table;
}

// Each state's label and unit from the model (a state the model does not know counts cells).
WellMixedStates classify_states(const NumericTable& table, const OdeModel* model) {
  WellMixedStates states;
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
      for (const auto& info : model->derived_outputs()) {  // R0 and other derived columns
        if (info.name == s) {
          unit = info.unit;
          description = info.description;
        }
      }
    }
    states.labels[s] = description.empty() ? s : s + ": " + description;
    // Cell counts and cell levels ("cells/uL") are populations; everything else is a drug.
    if (unit == "cells" || unit.starts_with("cells/")) {
      states.cell_states.push_back(s);
    } else {
      states.labels[s] += " [" + unit + "]";
      states.units[s] = unit;
      states.other_states.push_back(s);
    }
  }
  return states;
}

// The headline, what kind of simulation this is, and the evidence behind its model.
void introduction(HtmlPage& page, const json& summary, const NumericTable& table,
                  const OdeModel* model) {
  const std::string tumour_state =
      summary.contains("tumour") ? summary["tumour"].value("state", std::string("T")) : "T";
  const std::size_t tumour_column = table.column(tumour_state);
  page.headline(headline(summary, model, table.rows.front()[tumour_column],
                         table.rows.back()[tumour_column]));
  const std::string model_name = summary.value("model", std::string("?"));
  const std::string set_name = summary.value("parameter_set", std::string("?"));
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
  if (const auto* note = find_evidence(model_evidence_key(model_name, set_name))) {
    page.paragraph("Evidence: " + std::string(note->level) + ". " + std::string(note->text),
                   "evidence");
  }
}

// The read-outs of the target state (a tumour, a viral load): peak, clearance, set point, area
// under the curve, with the evidence level of the model right beside them.
void target_readouts_section(HtmlPage& page, const json& summary) {
  if (!summary.contains("tumour") || !summary["tumour"].contains("auc")) return;
  const json& t = summary["tumour"];
  const std::string state = t.value("state", std::string("T"));
  const std::string unit = target_unit(summary);
  page.heading("Read-outs of " + state);
  Rows rows = {{"read-out", "value", "how it is computed"}};
  rows.push_back({"peak", pretty_number(t.value("max", 0.0)) + " " + unit + " on " +
                              day(t.value("max_time_days", 0.0)),
                  "largest value at any solver step"});
  const auto below = optional_number(summary["endpoints"], "elimination_below");
  const auto cleared = optional_number(t, "clearance_time_days");
  rows.push_back({"time to clearance",
                  !below     ? std::string("no threshold set ([endpoints] elimination_below)")
                  : cleared ? day(*cleared)
                            : "not cleared (never below " + pretty_number(*below) + ")",
                  "first downward crossing of elimination_below during the run (root finding)"});
  rows.push_back({"value at the end", pretty_number(t.value("final", 0.0)) + " " + unit, ""});
  const auto window = t.value("set_point_window_days", json::array());
  const std::string window_text =
      window.size() == 2 ? "mean of log10 " + state + " over days " +
                               format_number(window[0].get<double>(), 4) + " to " +
                               format_number(window[1].get<double>(), 4) + " (the last tenth)"
                         : std::string("mean of log10 over the last tenth of the run");
  const auto set_point = optional_number(t, "set_point_log10");
  rows.push_back({"set point",
                  set_point ? "10^" + format_number(*set_point, 4) + " = " +
                                  pretty_number(std::pow(10.0, *set_point)) + " " + unit
                            : std::string("none (reached zero)"),
                  window_text});
  rows.push_back({"area under the curve",
                  pretty_number(t.value("auc", 0.0)) + " " + unit + " x day",
                  "integral over the run, Simpson's rule on every solver step"});
  page.table(rows);
  const std::string model_name = summary.value("model", std::string());
  const std::string set_name = summary.value("parameter_set", std::string());
  if (const auto* note = find_evidence(model_evidence_key(model_name, set_name))) {
    page.paragraph("Evidence behind these numbers: " + std::string(note->level) + " (" +
                       std::string(note->topic) + ").",
                   "evidence");
  }
}

// One row per dose, in scenario order.
void add_dose_rows(Rows& rows, const json& doses) {
  for (const auto& d : doses) {
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
}

// The endpoints, the outcome, the tumour's extremes and the solver's work.
void add_outcome_rows(Rows& rows, const json& summary) {
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
}

void scenario_table(HtmlPage& page, const json& summary, const std::string& scenario) {
  page.heading("Scenario");
  Rows rows = {{"setting", "value"}};
  rows.push_back({"scenario file", scenario});
  rows.push_back({"scenario hash", summary.value("scenario_hash", std::string())});
  rows.push_back({"model / parameter set", summary.value("model", std::string("?")) + " / " +
                                               summary.value("parameter_set", std::string("?"))});
  rows.push_back({"simulated time", format_number(summary.value("end_time_days", 0.0)) + " days"});
  for (const auto& [state, value] : summary["initial"].items()) {
    rows.push_back({"initial " + state, pretty_number(value.get<double>())});
  }
  add_dose_rows(rows, summary["doses"]);
  add_outcome_rows(rows, summary);
  page.table(rows);
}

// Every parameter with its unit and meaning from the model; those the scenario set are marked.
void parameters_table(HtmlPage& page, const json& summary, const OdeModel* model) {
  page.heading("Parameters used");
  Rows parameters = {{"parameter", "value", "unit", "meaning"}};
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
}

}  // namespace

std::optional<double> optional_number(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

std::string day(double t) {
  return "day " + (t >= 100 ? format_number(std::round(t)) : format_number(t, 3));
}

HtmlPage well_mixed_page(const std::filesystem::path& dir) {
  const json summary = read_json_file(dir / "summary.json");
  check_well_mixed_summary(summary, (dir / "summary.json").string());
  const NumericTable table = read_timeseries(dir / "timeseries.csv");
  const std::string model_name = summary.value("model", std::string("?"));
  const OdeModel* model = find_model(model_name);
  const WellMixedStates states = classify_states(table, model);

  const std::string scenario = summary.value("scenario_file", std::string());
  HtmlPage page("nksim report: " + (scenario.empty()
                                        ? std::string("well-mixed run")
                                        : std::filesystem::path(scenario).stem().string()));
  introduction(page, summary, table, model);
  target_readouts_section(page, summary);
  population_sections(page, table, states, summary);
  std::vector<std::string> evidence_keys = {
      model_evidence_key(model_name, summary.value("parameter_set", std::string()))};
  const std::string infusion = infusion_evidence_key(model_name);
  if (!infusion.empty() && any_dose_into_nk(summary["doses"], model)) {
    evidence_keys.push_back(infusion);
  }
  evidence_section(page, evidence_keys);

  glossary_section(page, ReportKind::kWellMixed);

  scenario_table(page, summary, scenario);
  parameters_table(page, summary, model);
  page.paragraph(
      "Files: timeseries.csv (every population at each output time) and summary.json "
      "(everything in the tables above).",
      "note");
  return page;
}

}  // namespace nksim::report
