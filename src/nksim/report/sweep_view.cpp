// The report of a spatial sweep (a [sweep] table: one run per value, in conditions/): the
// dose-response across conditions, with links to each condition's own report.
//
// With readout = "specific_lysis" (a killing assay) the chart is the percentage of specific
// lysis, 100 (p - c) / (1 - c), where p is a condition's dead fraction of targets and c the
// control's (the first value, 0). Its interval maps the Wilson 95 % interval of p (n = targets
// at the start + born) through the same formula, taking c as known.
#include <cmath>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"
#include "nksim/trial/analysis.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

bool is_effector_to_target(const std::string& parameter) {
  return parameter.ends_with("effector_to_target");
}

struct Lysis {
  double value = 0;  // the swept value
  double dead = 0, targets = 0;
  double percent = 0, lower = 0, upper = 0;
};

// Dead and total targets of one condition; false when it has no kill read-outs.
bool targets_of(const json& condition, double& dead, double& total) {
  const json readouts = condition.value("readouts", json::object());
  if (!readouts.contains("nk_recognition_kill")) return false;
  const json t = readouts["nk_recognition_kill"].value("targets", json::object());
  total = t.value("initial", 0.0) + t.value("births", 0.0);
  dead = total - t.value("live_at_end", 0.0);
  return total > 0;
}

std::vector<Lysis> lysis_of(const json& conditions) {
  std::vector<Lysis> rows;
  double control_dead = 0, control_total = 0;
  if (conditions.empty() || !targets_of(conditions[0], control_dead, control_total)) return rows;
  const double c = control_dead / control_total;
  const auto lysis = [c](double p) { return c >= 1 ? 0.0 : 100 * (p - c) / (1 - c); };
  for (std::size_t k = 1; k < conditions.size(); ++k) {
    Lysis row;
    row.value = conditions[k].value("value", 0.0);
    if (!targets_of(conditions[k], row.dead, row.targets)) continue;
    const auto [lo, hi] = wilson_interval(row.dead, row.targets);
    row.percent = lysis(row.dead / row.targets);
    row.lower = lysis(lo);
    row.upper = lysis(hi);
    rows.push_back(row);
  }
  return rows;
}

json lysis_chart(const std::vector<Lysis>& rows, const std::string& x_title) {
  json data = json::array();
  for (const auto& r : rows) {
    data.push_back({{"value", r.value},
                    {"specific_lysis_percent", r.percent},
                    {"lower", r.lower},
                    {"upper", r.upper},
                    {"dead", r.dead},
                    {"targets", r.targets}});
  }
  const json x = {{"field", "value"}, {"type", "quantitative"}, {"title", x_title}};
  const json tooltip = {{{"field", "value"}, {"title", x_title}},
                        {{"field", "specific_lysis_percent"}, {"format", ".1f"}},
                        {{"field", "lower"}, {"format", ".1f"}},
                        {{"field", "upper"}, {"format", ".1f"}},
                        {{"field", "dead"}},
                        {{"field", "targets"}}};
  return {{"width", 640},
          {"height", 340},
          {"data", {{"name", "lysis"}, {"values", data}}},
          {"layer",
           {{{"name", "lysis_intervals"},
             {"mark", {{"type", "errorbar"}, {"ticks", true}, {"color", "#0072B2"}}},
             {"encoding",
              {{"x", x},
               {"y",
                {{"field", "lower"},
                 {"type", "quantitative"},
                 {"title", "Specific lysis (% of targets)"}}},
               {"y2", {{"field", "upper"}}}}}},
            {{"mark", {{"type", "line"}, {"color", "#0072B2"}, {"strokeWidth", 2}}},
             {"encoding",
              {{"x", x}, {"y", {{"field", "specific_lysis_percent"}, {"type", "quantitative"}}}}}},
            {{"name", "lysis_points"},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 70}, {"color", "#0072B2"}}},
             {"encoding",
              {{"x", x},
               {"y", {{"field", "specific_lysis_percent"}, {"type", "quantitative"}}},
               {"tooltip", tooltip}}}}}}};
}

std::string link(const std::string& href, const std::string& text) {
  return "<a href=\"" + html_escape(href) + "\">" + html_escape(text) + "</a>";
}

// "A sweep of <parameter> over <n> values, ...": the lysis at the largest value, if measured.
std::string sweep_headline(const std::string& parameter, std::size_t condition_count,
                           const std::vector<Lysis>& rows, bool et) {
  std::string headline = "A sweep of " + parameter + " over " + std::to_string(condition_count) +
                         " values, one simulated run each";
  if (!rows.empty()) {
    const auto& top = rows.back();
    headline += ": at " + std::string(et ? "E:T " : "") + format_number(top.value) + ", " +
                format_number(top.percent, 3) + " % specific lysis (95 % interval " +
                format_number(top.lower, 3) + "–" + format_number(top.upper, 3) + " %)";
  }
  return headline + ". This is what the model predicts, not a clinical forecast.";
}

// One table row (HTML) per condition: value, dead targets, lysis, final cells, report link.
std::string condition_row(const json& c, std::size_t k, const std::vector<Lysis>& rows) {
  double dead = 0, total = 0;
  const bool has = targets_of(c, dead, total);
  std::string lysis = k == 0 && has ? "control" : "–";
  for (const auto& r : rows) {
    if (k > 0 && r.value == c.value("value", 0.0)) {
      lysis = format_number(r.percent, 3) + " % (" + format_number(r.lower, 3) + "–" +
              format_number(r.upper, 3) + ")";
    }
  }
  std::string cells;
  const json final_counts = c.value("final_counts", json::object());
  for (const auto& [name, n] : final_counts.items()) {
    if (name.ends_with("_total") || !n.is_number() || n.get<double>() == 0) continue;
    cells += (cells.empty() ? "" : ", ") + name + " " + pretty_number(n.get<double>());
  }
  const std::string out = c.value("out_dir", std::string());
  return "<tr><td>" + html_escape(format_number(c.value("value", 0.0))) + "</td><td>" +
         (has ? html_escape(format_number(dead) + " of " + format_number(total)) : "–") +
         "</td><td>" + html_escape(lysis) + "</td><td>" + html_escape(cells) + "</td><td>" +
         (out.empty() ? "–" : link(out + "/report.html", out)) + "</td></tr>";
}

void conditions_table(HtmlPage& page, const std::string& parameter, const json& conditions,
                      const std::vector<Lysis>& rows) {
  page.heading("Conditions");
  page.paragraph("Each condition is a full spatial run with its own report (linked).");
  std::string table = "<table><thead><tr><th>" + html_escape(parameter) +
                      "</th><th>targets dead</th><th>specific lysis</th><th>final cells</th>"
                      "<th>report</th></tr></thead><tbody>";
  for (std::size_t k = 0; k < conditions.size(); ++k) {
    table += condition_row(conditions[k], k, rows);
  }
  page.raw_html(table + "</tbody></table>\n");
}

}  // namespace

std::pair<double, double> wilson_interval(double successes, double n, double z) {
  if (!(n > 0) || !(successes >= 0) || successes > n) return {0.0, 1.0};
  const Interval interval = nksim::wilson_interval(static_cast<std::size_t>(std::llround(successes)),
                                                   static_cast<std::size_t>(std::llround(n)), z);
  return {interval.lower, interval.upper};
}

HtmlPage sweep_page(const fs::path& dir) {
  const json summary = read_json_file(dir / "summary.json");
  const std::string file = (dir / "summary.json").string();
  if (!summary.contains("sweep") || !summary["sweep"].is_object() ||
      !summary.contains("conditions") || !summary["conditions"].is_array()) {
    throw InputError(file + ": a sweep summary needs 'sweep' (object) and 'conditions' (array)");
  }
  const std::string parameter = summary["sweep"].value("parameter", std::string("?"));
  const json& conditions = summary["conditions"];
  const bool et = is_effector_to_target(parameter);
  const std::string x_title = et ? "E:T ratio (effector cells per target cell)" : parameter;
  const std::string scenario = summary.value("scenario_file", std::string());
  HtmlPage page("nksim report: " +
                (scenario.empty() ? std::string("sweep") : fs::path(scenario).stem().string()) +
                " (sweep)");
  const auto rows = lysis_of(conditions);
  page.headline(sweep_headline(parameter, conditions.size(), rows, et));
  if (!rows.empty()) {
    page.heading("Dose-response");
    page.chart("lysis", lysis_chart(rows, x_title),
               "Specific lysis at each " + std::string(et ? "E:T ratio" : "value") +
                   ": the dead fraction of targets above the control's (value " +
                   format_number(conditions[0].value("value", 0.0)) +
                   "), as a share of those the control left alive. Bars: 95 % Wilson interval "
                   "of the dead fraction (n = targets at the start + born), taking the "
                   "control as known.");
  }
  conditions_table(page, parameter, conditions, rows);
  evidence_section(page, {"nk_infusion", "nk_recognition_kill"});
  glossary_section(page, ReportKind::kSweep);
  return page;
}

}  // namespace nksim::report
