// The report of `nksim personalise` (docs/personalise.md, "Choosing a schedule"): each
// schedule's predicted target trajectory (median and 10-90 % band over the ensemble) and the
// table of schedules with the dominated ones marked.
#include <algorithm>
#include <cmath>
#include <limits>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/csv_fields.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json positive_or_null(const std::string& text) {
  double value = std::numeric_limits<double>::quiet_NaN();
  try {
    value = std::stod(text);
  } catch (const std::exception&) {
  }
  return std::isfinite(value) && value > 0 ? json(value) : json(nullptr);
}

// trajectories.csv (schedule,time_days,target_median,target_p10,target_p90) as chart rows.
json trajectory_rows(const fs::path& file) {
  CsvReader csv = CsvReader::open(file);
  const std::vector<std::string> columns{"schedule", "time_days", "target_median", "target_p10",
                                         "target_p90"};
  CsvRecord record;
  if (!csv.next(record) || record.texts() != columns) {
    throw InputError(file.string() + ": expected the header " + join(columns, ","));
  }
  json rows = json::array();
  while (csv.next(record)) {
    if (record.size() != 5) {
      csv.fail(record.line, 1, count_of(record.size(), "value") + ", the header has 5");
    }
    rows.push_back({{"schedule", record[0].text},
                    {"time_days", csv.finite_number(record[1], "time_days")},
                    {"median", positive_or_null(record[2].text)},
                    {"p10", positive_or_null(record[3].text)},
                    {"p90", positive_or_null(record[4].text)}});
  }
  return rows;
}

// The lowest value the log axis shows: a millionth of the largest 90th percentile. A tumour the
// model drives to 1e-40 cells would otherwise squeeze every schedule that matters into the top
// of the chart; values below are drawn at the floor (the scale clamps them).
double axis_floor(const json& rows) {
  double top = 0;
  for (const auto& row : rows) {
    if (row["p90"].is_number()) top = std::max(top, row["p90"].get<double>());
  }
  return top > 0 ? top * 1e-6 : 1e-6;
}

// Median lines over 10-90 % bands, one colour per schedule, on a log axis.
json band_chart(const json& rows, const std::string& target, const std::string& unit,
                const json& schedule_names) {
  json range = json::array();
  for (std::size_t i = 0; i < schedule_names.size(); ++i) range.push_back(kOkabeIto[i % 8]);
  const json colour = {{"field", "schedule"},
                       {"type", "nominal"},
                       {"scale", {{"domain", schedule_names}, {"range", range}}},
                       {"title", "schedule"}};
  const json x = {{"field", "time_days"}, {"type", "quantitative"}, {"title", "time (days)"}};
  const std::string title = target + (unit.empty() || unit == "-" ? "" : " (" + unit + ")");
  return {{"width", 640},
          {"height", 320},
          {"data", {{"name", "trajectories"}, {"values", rows}}},
          {"layer",
           {{{"mark", {{"type", "area"}, {"opacity", 0.2}}},
             {"encoding",
              {{"x", x},
               {"y",
                {{"field", "p10"},
                 {"type", "quantitative"},
                 {"scale",
                  {{"type", "log"}, {"domainMin", axis_floor(rows)}, {"clamp", true}}},
                 {"title", title}}},
               {"y2", {{"field", "p90"}}},
               {"color", colour}}}},
            {{"mark", {{"type", "line"}, {"strokeWidth", 2}}},
             {"encoding",
              {{"x", x},
               {"y", {{"field", "median"}, {"type", "quantitative"}}},
               {"color", colour},
               {"tooltip",
                {{{"field", "schedule"}},
                 {{"field", "time_days"}},
                 {{"field", "median"}},
                 {{"field", "p10"}},
                 {{"field", "p90"}}}}}}}}}};
}

std::string range_text(const json& q, int digits) {
  return format_number(q.value("median", 0.0), digits) + " (" +
         format_number(q.value("p10", 0.0), digits) + " to " +
         format_number(q.value("p90", 0.0), digits) + ")";
}

}  // namespace

HtmlPage personalise_page(const fs::path& dir) {
  const json summary = read_json_file(dir / "summary.json");
  const std::string file = (dir / "summary.json").string();
  if (!summary.contains("schedules") || !summary.contains("outcomes") ||
      !summary.contains("ensemble")) {
    throw InputError(file + ": a personalise output needs 'schedules', 'outcomes' and 'ensemble'");
  }
  const json& outcomes = summary["outcomes"];
  const std::string target = outcomes.value("target", std::string("?"));
  const std::string toxicity = outcomes.value("toxicity_state", std::string("?"));
  const std::string model = summary.value("model", std::string("?"));
  HtmlPage page("nksim report: schedules for " + model +
                (summary["patient"].is_string()
                     ? " patient " + summary["patient"].get<std::string>()
                     : std::string()));
  std::size_t dominated = 0;
  json names = json::array();
  for (const auto& s : summary["schedules"]) {
    dominated += s.value("dominated", false) ? 1 : 0;
    names.push_back(s.value("name", std::string()));
  }
  page.headline(
      std::to_string(summary["schedules"].size()) + " candidate schedules simulated for " +
      std::to_string(summary["ensemble"].value("members", 0)) + " acceptable fits of " + model +
      "; " + std::to_string(dominated) + " dominated. " + summary.value("note", std::string()));

  page.heading("Schedules");
  std::vector<std::vector<std::string>> rows = {
      {"schedule", "P(response) [95 % CI]", "time to progression, days: median (10-90 %)",
       "peak " + toxicity + ": median (10-90 %)", "dominated"}};
  for (const auto& s : summary["schedules"]) {
    std::string by;
    for (const auto& n : s.value("dominated_by", json::array())) {
      by += (by.empty() ? "" : ", ") + n.get<std::string>();
    }
    const json ci = s.value("response_ci", json::array({0.0, 0.0}));
    rows.push_back({s.value("name", std::string()),
                    format_number(s.value("response_probability", 0.0), 3) + " [" +
                        format_number(ci[0].get<double>(), 2) + ", " +
                        format_number(ci[1].get<double>(), 2) + "]",
                    range_text(s["ttp_days"], 4), range_text(s["toxicity_peak"], 3),
                    s.value("dominated", false) ? "yes, by " + by : "no"});
  }
  page.table(rows,
             "Response: " + target + " at or below " +
                 format_number(outcomes.value("response_below", 0.0), 6) + " on day " +
                 format_number(outcomes.value("response_day", 0.0)) + ". Progression: " + target +
                 " above " + format_number(outcomes.value("progression_factor", 2.0)) + "x its " +
                 outcomes.value("progression_from", std::string("nadir")) + " from day " +
                 format_number(outcomes.value("progression_after_day", 0.0)) + " (the horizon, " +
                 format_number(outcomes.value("horizon_days", 0.0)) +
                 " days, when it never does). A schedule is dominated when another is at least "
                 "as good on all three and better on one.");

  page.heading("Predicted " + target + " under each schedule");
  page.chart("personalise-bands",
             band_chart(trajectory_rows(dir / "trajectories.csv"), target,
                        outcomes.value("target_unit", std::string()), names),
             "Median (line) and 10-90 % band (shaded) of " + target +
                 " across the ensemble of acceptable fits, for each schedule; the axis stops at "
                 "a millionth of the highest value shown, lower values are drawn at that floor.");
  for (const auto& w : summary["fit"].value("warnings", json::array())) {
    page.paragraph("Warning from the fit: " + w.get<std::string>(), "note");
  }
  glossary_section(page, ReportKind::kPersonalise);
  return page;
}

}  // namespace nksim::report
