// The report of a spatial (agent-based) run: counts.csv, summary.json, snapshots/*.h5 and
// snapshots.xdmf. The NK-cell, field and tissue-picture sections are in spatial_nk_view.cpp,
// spatial_fields_view.cpp and spatial_tissue_view.cpp.
#include <algorithm>
#include <map>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/spatial_inputs.h"
#include "nksim/report/spatial_sections.h"
#include "nksim/report/views.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::vector<fs::path> snapshot_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir / "snapshots")) return files;
  for (const auto& entry : fs::directory_iterator(dir / "snapshots")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("snapshot_") && entry.path().extension() == ".h5") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The counts with the checks every chart relies on: time first, at least one row.
NumericTable read_counts(const fs::path& file) {
  NumericTable counts = read_numeric_csv(file);
  if (counts.columns.empty() || counts.columns[0] != "time_min") {
    throw InputError(file.string() + ": the first column must be time_min");
  }
  if (counts.rows.empty()) throw InputError(file.string() + ": no rows");
  return counts;
}

// The cell type names of the run, from its first snapshot (none without snapshots).
std::vector<std::string> snapshot_type_names(const std::vector<fs::path>& snapshots) {
  if (snapshots.empty()) return {};
  return split_list(Hdf5File::open(snapshots.front()).read_string_attribute("type_names"));
}

struct CountColumn {
  std::string column, type, state;
};

// "<type>_<state>": the longest known type name that prefixes the column wins.
CountColumn split_count_column(const std::string& column, const std::vector<std::string>& types) {
  std::string best;
  for (const auto& t : types) {
    if (column.size() > t.size() + 1 && column.starts_with(t + "_") && t.size() > best.size()) {
      best = t;
    }
  }
  if (best.empty()) {
    const auto cut = column.find('_');
    best = cut == std::string::npos ? column : column.substr(0, cut);
  }
  const std::string state = column.size() > best.size() ? column.substr(best.size() + 1) : "";
  return {column, best, state};
}

// A summary.json value for people: strings as they are, lists joined, objects as
// "key: value" pairs; numbers in short form.
std::string readable(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return format_number(value.get<double>(), 6);
  std::string text;
  if (value.is_array()) {
    for (const auto& v : value) text += (text.empty() ? "" : ", ") + readable(v);
    return text;
  }
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      text += (text.empty() ? "" : "; ") + k + ": " + readable(v);
    }
    return text;
  }
  return value.dump();
}

// The columns of counts.csv after time_min: cell counts ("<type>_<state>") and field totals
// ("<field>_total").
struct CountColumns {
  std::vector<CountColumn> cells;
  std::vector<std::string> cell_names, field_names, viral_names;
};

CountColumns split_counts(const NumericTable& counts, const std::vector<std::string>& type_names) {
  CountColumns columns;
  for (std::size_t c = 1; c < counts.columns.size(); ++c) {
    const std::string& name = counts.columns[c];
    if (name.ends_with("_total")) {
      columns.field_names.push_back(name);
    } else if (viral_column(name)) {
      columns.viral_names.push_back(name);
    } else {
      columns.cells.push_back(split_count_column(name, type_names));
      columns.cell_names.push_back(name);
    }
  }
  return columns;
}

// The cell types of the count columns, in column order.
std::vector<std::string> types_in_order(const std::vector<CountColumn>& count_columns) {
  std::vector<std::string> types;
  for (const auto& c : count_columns) {
    if (std::find(types.begin(), types.end(), c.type) == types.end()) types.push_back(c.type);
  }
  return types;
}

// Living cells of each type at the start and at the end.
std::string spatial_headline(const NumericTable& counts,
                             const std::vector<CountColumn>& count_columns,
                             const std::vector<std::string>& types) {
  const double end_min = counts.rows.back()[0];
  std::string headline = "Over " + format_number(end_min / 60, 3) + " hours of simulated tissue";
  for (std::size_t t = 0; t < types.size(); ++t) {
    double first = 0, last = 0;
    for (const auto& c : count_columns) {
      if (c.type != types[t] || dead_state(c.state)) continue;
      const std::size_t col = counts.column(c.column);
      first += counts.rows.front()[col];
      last += counts.rows.back()[col];
    }
    headline += (t == 0 ? ", the living " : "; living ") + types[t] + " cells went from " +
                pretty_number(first) + " to " + pretty_number(last);
  }
  return headline + ". This is what the model predicts, not a clinical forecast.";
}

// One colour per cell type, the same in every chart: the snapshots' types first.
json type_domain_of(const std::vector<std::string>& type_names,
                    const std::vector<std::string>& types) {
  json type_domain = json::array();
  for (const auto& t : type_names) type_domain.push_back(t);
  for (const auto& t : types) {
    if (std::find(type_domain.begin(), type_domain.end(), t) == type_domain.end()) {
      type_domain.push_back(t);
    }
  }
  return type_domain;
}

// Cells of each type (colour) in each state (line style) over time, with the doses marked.
void counts_section(HtmlPage& page, const NumericTable& counts, const CountColumns& columns,
                    const json& type_domain, const ScenarioFacts& facts) {
  json type_of = json::object(), state_of = json::object();
  for (const auto& c : columns.cells) {
    type_of[c.column] = c.type;
    state_of[c.column] = c.state;
  }
  json x = {{"field", "time_min"}, {"type", "quantitative"}, {"title", "Time (minutes)"}};
  json count_lines = {
      {"data", {{"name", "counts"}, {"values", table_records(counts)}}},
      {"transform",
       {{{"fold", columns.cell_names}, {"as", {"column", "cells"}}},
        {{"calculate", type_of.dump() + "[datum.column]"}, {"as", "type"}},
        {{"calculate", state_of.dump() + "[datum.column]"}, {"as", "state"}}}},
      {"mark", {{"type", "line"}, {"strokeWidth", 2.5}}},
      {"encoding",
       {{"x", x},
        {"y", {{"field", "cells"}, {"type", "quantitative"}, {"title", "Number of cells"}}},
        {"color",
         {{"field", "type"},
          {"type", "nominal"},
          {"title", "Cell type"},
          {"scale", {{"domain", type_domain}}}}},
        {"strokeDash", {{"field", "state"}, {"type", "nominal"}, {"title", "State"}}},
        {"detail", {{"field", "column"}}},
        {"tooltip",
         {{{"field", "time_min"}, {"title", "minute"}},
          {{"field", "type"}},
          {{"field", "state"}},
          {{"field", "cells"}}}}}}};
  json count_layers = json::array({count_lines});
  for (auto& l : dose_layers(facts.doses, counts.rows.back()[0])) count_layers.push_back(l);
  page.heading("Cell counts by type and state");
  page.chart("counts", {{"width", 800}, {"height", 360}, {"layer", count_layers}},
             "Number of cells of each type (colour) in each state (line style) over time." +
                 std::string(facts.doses.empty() ? "" : " Dashed blue lines: doses."));
}

// The systemic run of systemic_supply (systemic.csv): the blood level C (line) and the cells
// recruited at each coupling (bars), on the tissue's time axis so that it lines up with the counts.
void systemic_section(HtmlPage& page, const fs::path& file) {
  if (!fs::exists(file)) return;
  const NumericTable systemic = read_numeric_csv(file);
  const std::map<std::string, std::string> units = csv_units(file);
  for (const char* column : {"time_min", "blood_level", "recruited"}) {
    if (std::find(systemic.columns.begin(), systemic.columns.end(), column) ==
        systemic.columns.end()) {
      throw InputError(file.string() + ": no column " + column);
    }
  }
  const auto unit = units.find("blood_level");
  const std::string level_title =
      "Blood level C" + (unit == units.end() ? std::string() : " (" + unit->second + ")");
  // The axis starts at 0 like the counts' (the bars' width would otherwise pad it below 0).
  const json x = {{"field", "time_min"},
                  {"type", "quantitative"},
                  {"title", "Time (minutes)"},
                  {"scale", {{"domainMin", 0}, {"nice", false}}}};
  const json bars = {
      {"mark", {{"type", "bar"}, {"opacity", 0.45}, {"color", "#f58518"}, {"clip", true}}},
      {"encoding",
       {{"x", x},
        {"y",
         {{"field", "recruited"}, {"type", "quantitative"}, {"title", "Cells recruited"}}},
        {"tooltip", {{{"field", "time_min"}, {"title", "minute"}}, {{"field", "recruited"}}}}}}};
  const json line = {
      {"mark", {{"type", "line"}, {"strokeWidth", 2.5}, {"color", "#4c78a8"}}},
      {"encoding",
       {{"x", x},
        {"y", {{"field", "blood_level"}, {"type", "quantitative"}, {"title", level_title}}},
        {"tooltip",
         {{{"field", "time_min"}, {"title", "minute"}},
          {{"field", "time_days"}, {"title", "day"}},
          {{"field", "blood_level"}}}}}}};
  page.heading("Blood and arrivals (systemic model)");
  page.chart("systemic",
             {{"width", 800},
              {"height", 300},
              {"data", {{"name", "systemic"}, {"values", table_records(systemic)}}},
              {"layer", json::array({bars, line})},
              {"resolve", {{"scale", {{"y", "independent"}}}}}},
             "The systemic well-mixed run stepped with the tissue (systemic.csv): blood level C "
             "of the infused cells (blue line, right axis) and the cells recruited into this "
             "tissue patch at each coupling (orange bars, left axis).");
}

// Evidence notes for the mechanisms this run used (keys are registered mechanism names).
std::vector<std::string> mechanism_names(const json& summary) {
  std::vector<std::string> evidence_keys;
  if (summary.contains("mechanisms") && summary["mechanisms"].is_array()) {
    for (const auto& m : summary["mechanisms"]) {
      if (m.is_string()) evidence_keys.push_back(m.get<std::string>());
      if (m.is_object() && m.contains("name"))
        evidence_keys.push_back(m["name"].get<std::string>());
    }
  }
  return evidence_keys;
}

void paraview_note(HtmlPage& page) {
  page.raw_html(
      "<p>For 3-D views and animations open <a href=\"snapshots.xdmf\">snapshots.xdmf</a> in "
      "ParaView or VisIt (it indexes every snapshot; keep it beside the snapshots/ folder).</p>"
      "\n");
}

void run_table(HtmlPage& page, const json& summary) {
  page.heading("Run");
  std::vector<std::vector<std::string>> rows = {{"setting", "value"}};
  for (const auto& [key, value] : summary.items()) {
    if (key == "readouts") continue;  // shown as tables above
    rows.push_back({key, readable(value)});
  }
  page.table(rows, "summary.json");
}

}  // namespace

bool dead_state(const std::string& state) {
  return state.find("dead") != std::string::npos || state.find("apopt") != std::string::npos ||
         state.find("lys") != std::string::npos || state.find("necro") != std::string::npos;
}

HtmlPage spatial_page(const fs::path& dir, const ReportOptions& options) {
  const json summary =
      fs::exists(dir / "summary.json") ? read_json_file(dir / "summary.json") : json::object();
  const NumericTable counts = read_counts(dir / "counts.csv");
  const auto snapshots = snapshot_files(dir);
  const std::vector<std::string> type_names = snapshot_type_names(snapshots);
  const CountColumns columns = split_counts(counts, type_names);
  const std::vector<std::string> types = types_in_order(columns.cells);

  const std::string scenario = summary.value("scenario_file", std::string());
  HtmlPage page(
      "nksim report: " +
      (scenario.empty() ? std::string("spatial run") : fs::path(scenario).stem().string()) +
      " (spatial)");
  page.headline(spatial_headline(counts, columns.cells, types));
  page.paragraph(
      "A spatial simulation: every cell is an agent in a piece of tissue; NK cells "
      "move, touch, recognise and kill target cells; signalling molecules diffuse on "
      "a grid.");

  const json type_domain = type_domain_of(type_names, types);
  const ScenarioFacts facts = read_scenario_facts(dir, summary);
  counts_section(page, counts, columns, type_domain, facts);
  viral_sections(page, table_records(counts), columns.viral_names, columns.field_names, summary);
  systemic_section(page, dir / "systemic.csv");
  nk_sections(page, summary, snapshots, facts);
  field_sections(page, table_records(counts), columns.field_names, csv_units(dir / "counts.csv"),
                 snapshots, facts);
  tissue_sections(page, snapshots, type_domain, summary.value("dimension", 2) == 3, options);
  if (fs::exists(dir / "snapshots.xdmf")) paraview_note(page);
  std::vector<std::string> evidence_keys = mechanism_names(summary);
  for (const auto& key : viral_evidence_keys(summary)) evidence_keys.push_back(key);
  evidence_section(page, evidence_keys);

  glossary_section(page, ReportKind::kSpatial);

  run_table(page, summary);
  return page;
}

}  // namespace nksim::report
