// The infection read-outs of a spatial run with viral_infection (counts.csv columns viral_*):
// target cells by infection state, the infected fraction beside the virus in the tissue, and the
// evidence note of the run's infection (readouts.viral_infection.infection in summary.json).
#include <algorithm>

#include "nksim/core/text.h"
#include "nksim/report/evidence.h"
#include "nksim/report/spatial_sections.h"

namespace nksim::report {

using nlohmann::json;

bool viral_column(const std::string& column) { return column.starts_with("viral_"); }

std::vector<std::string> viral_evidence_keys(const json& summary) {
  const json* readouts = summary.contains("readouts") ? &summary["readouts"] : nullptr;
  if (!readouts || !readouts->contains("viral_infection")) return {};
  const json& r = (*readouts)["viral_infection"];
  if (!r.contains("infection") || !r["infection"].is_string()) return {};
  const std::string key = "viral_infection/" + r["infection"].get<std::string>();
  return find_evidence(key) ? std::vector<std::string>{key} : std::vector<std::string>{};
}

void viral_sections(HtmlPage& page, const json& counts_records,
                    const std::vector<std::string>& columns, const std::vector<std::string>& totals,
                    const json& summary) {
  const std::vector<std::pair<std::string, std::string>> states = {
      {"viral_susceptible", "susceptible"},   {"viral_eclipse", "eclipse"},
      {"viral_productive", "productive"},     {"viral_refractory", "refractory (IFN)"},
      {"viral_dead_by_virus", "dead by virus"}, {"viral_killed_by_nk", "killed by NK"},
      {"viral_dead_other", "dead, other causes"}};
  std::vector<std::string> folded;
  json label = json::object();
  for (const auto& [column, name] : states) {
    if (std::find(columns.begin(), columns.end(), column) == columns.end()) continue;
    folded.push_back(column);
    label[column] = name;
  }
  if (folded.empty()) return;
  const json x = {{"field", "hours"}, {"type", "quantitative"}, {"title", "Time (hours)"}};
  const json hours = {{"calculate", "datum.time_min / 60"}, {"as", "hours"}};
  page.heading("Infection of the tissue");
  for (const std::string& key : viral_evidence_keys(summary)) {
    const EvidenceNote* note = find_evidence(key);
    page.paragraph("Evidence for " + std::string(note->topic) + ": " + std::string(note->level) +
                       ". " + std::string(note->text),
                   "evidence");
  }
  page.chart(
      "viral_states",
      {{"width", 800},
       {"height", 320},
       {"data", {{"name", "counts"}, {"values", counts_records}}},
       {"transform",
        {hours,
         {{"fold", folded}, {"as", {"column", "cells"}}},
         {{"calculate", label.dump() + "[datum.column]"}, {"as", "state"}}}},
       {"mark", {{"type", "line"}, {"strokeWidth", 2.5}}},
       {"encoding",
        {{"x", x},
         {"y", {{"field", "cells"}, {"type", "quantitative"}, {"title", "Target cells"}}},
         {"color", {{"field", "state"}, {"type", "nominal"}, {"title", "Infection state"}}},
         {"tooltip",
          {{{"field", "hours"}, {"title", "hour"}, {"format", ".3~f"}},
           {{"field", "state"}},
           {{"field", "cells"}}}}}}},
      "The target cells by infection state (counts.csv, viral_* columns). Susceptible cells are "
      "infected from the virus field, pass the eclipse, release virus and die; type-I IFN makes "
      "some refractory; NK cells kill cells that show infection.");
  const bool has_fraction = std::find(columns.begin(), columns.end(),
                                      "viral_infected_fraction") != columns.end();
  const std::string virus_total = "virus_total";
  std::string total;
  for (const auto& t : totals) {
    if (t == virus_total) total = t;
  }
  if (!has_fraction) return;
  json layers = json::array();
  layers.push_back(
      {{"mark", {{"type", "line"}, {"strokeWidth", 2.5}, {"color", "#e45756"}}},
       {"encoding",
        {{"x", x},
         {"y",
          {{"field", "viral_infected_fraction"},
           {"type", "quantitative"},
           {"axis", {{"format", "%"}}},
           {"title", "Infected fraction (eclipse + productive)"}}},
         {"tooltip",
          {{{"field", "hours"}, {"title", "hour"}, {"format", ".3~f"}},
           {{"field", "viral_infected_fraction"}, {"format", ".2%"}}}}}}});
  if (!total.empty()) {
    layers.push_back(
        {{"mark", {{"type", "line"}, {"strokeWidth", 2}, {"strokeDash", {4, 3}},
                   {"color", "#4c78a8"}}},
         {"encoding",
          {{"x", x},
           {"y",
            {{"field", total},
             {"type", "quantitative"},
             {"axis", {{"format", "~s"}}},
             {"title", "Virus in the tissue (field total)"}}},
           {"tooltip",
            {{{"field", "hours"}, {"title", "hour"}, {"format", ".3~f"}},
             {{"field", total}, {"format", ".4~g"}}}}}}});
  }
  page.chart("viral_fraction",
             {{"width", 800},
              {"height", 300},
              {"data", {{"name", "counts"}, {"values", counts_records}}},
              {"transform", {hours}},
              {"layer", layers},
              {"resolve", {{"scale", {{"y", "independent"}}}}}},
             "Share of the target cells infected (red, left axis) and the virus in the tissue "
             "(dashed blue, right axis: the virus field summed over the grid times the voxel "
             "volume).");
}

}  // namespace nksim::report
