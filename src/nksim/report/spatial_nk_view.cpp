// The NK-cell sections of a spatial report: kill read-outs as tables, kills over time by
// pathway, NK states over time (conjugated, exhausted), the MHC-I display of the targets, and
// dose markers on the time plots.
#include <algorithm>
#include <cmath>
#include <map>

#include "nksim/core/text.h"
#include "nksim/report/chart_labels.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/spatial_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kWidth = 800;  // px, the time charts

std::string percent(double fraction) { return format_number(100 * fraction, 3) + " %"; }

std::string number_or_dash(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return "–";
  return pretty_number(j[key].get<double>());
}

// "median 18 min (10–48, n = 12)" from a describe() block.
std::string latency(const json& j) {
  const int n = j.value("count", 0);
  if (n == 0) return "no kills";
  return "median " + format_number(j.value("median", 0.0), 3) + " min (" +
         format_number(j.value("min", 0.0), 3) + "–" + format_number(j.value("max", 0.0), 3) +
         " min, n = " + std::to_string(n) + ")";
}

void targets_table(HtmlPage& page, const json& targets) {
  std::vector<std::vector<std::string>> rows = {{"target cells", "value"}};
  rows.push_back({"at the start", number_or_dash(targets, "initial")});
  rows.push_back({"born during the run", number_or_dash(targets, "births")});
  rows.push_back({"killed by effector cells", number_or_dash(targets, "killed_by_effectors")});
  rows.push_back({"alive at the end", number_or_dash(targets, "live_at_end")});
  rows.push_back({"dead at the end (all causes)",
                  percent(targets.value("dead_fraction", 0.0)) + " of those at the start or born"});
  const json display = targets.value("mean_display_of_live", json::object());
  for (const auto& [key, value] : display.items()) {
    rows.push_back({"mean " + key + " of the living (relative display)",
                    format_number(value.get<double>(), 3)});
  }
  page.table(rows, "Targets (nk_recognition_kill read-outs)");
}

void effectors_table(HtmlPage& page, const json& effectors) {
  std::vector<std::string> header = {"effector cells"};
  for (const auto& [name, e] : effectors.items()) header.push_back(name);
  std::vector<std::vector<std::string>> rows = {header};
  const auto row = [&](const std::string& what, auto value_of) {
    std::vector<std::string> r = {what};
    for (const auto& [name, e] : effectors.items()) r.push_back(value_of(e));
    rows.push_back(r);
  };
  row("cells (all doses)", [](const json& e) { return number_or_dash(e, "effectors"); });
  row("contacts with targets", [](const json& e) { return number_or_dash(e, "contacts"); });
  row("lethal hits delivered", [](const json& e) { return number_or_dash(e, "lethal_hits"); });
  row("targets killed", [](const json& e) { return number_or_dash(e, "kills_total"); });
  row("hits per contact",
      [](const json& e) { return percent(e.value("per_contact_hit_fraction", 0.0)); });
  row("kills per effector (mean)",
      [](const json& e) { return format_number(e.value("mean_kills_per_effector", 0.0), 3); });
  row("effectors that killed none",
      [](const json& e) { return percent(e.value("fraction_killing_none", 0.0)); });
  row("serial killers (3 or more kills)", [](const json& e) {
    return number_or_dash(e, "effectors_killing_3_or_more") + " (" +
           percent(e.value("share_of_kills_by_serial_killers", 0.0)) + " of kills)";
  });
  row("kills by the top 20 % of effectors",
      [](const json& e) { return percent(e.value("share_of_kills_by_top_20_percent", 0.0)); });
  row("kill capacity spent",
      [](const json& e) { return percent(e.value("capacity_zero_fraction", 0.0)); });
  row("contact to death, granzyme",
      [](const json& e) { return latency(e.value("latency_granzyme_min", json::object())); });
  row("contact to death, death receptor",
      [](const json& e) { return latency(e.value("latency_death_receptor_min", json::object())); });
  page.table(rows, "Effector cells (nk_recognition_kill read-outs)");
}

// Rows {effector, pathway, start_min, end_min, kills}: one bar per hour and pathway.
json kill_rows(const json& effectors) {
  json rows = json::array();
  for (const auto& item : effectors.items()) {
    // Plain names, not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::string name = item.key();
    const json& e = item.value();
    const auto total = e.value("kills_per_hour", std::vector<int>());
    const bool split = e.contains("kills_per_hour_granzyme");
    const auto granzyme = e.value("kills_per_hour_granzyme", std::vector<int>());
    const auto receptor = e.value("kills_per_hour_death_receptor", std::vector<int>());
    for (std::size_t h = 0; h < total.size(); ++h) {
      const double start = 60.0 * static_cast<double>(h);
      const auto push = [&](const std::string& pathway, int kills) {
        rows.push_back({{"effector", name},
                        {"pathway", pathway},
                        {"series", effectors.size() > 1 ? name + ": " + pathway : pathway},
                        {"start_min", start},
                        {"end_min", start + 60},
                        {"kills", kills}});
      };
      if (split && h < granzyme.size() && h < receptor.size()) {
        push("granzyme", granzyme[h]);
        push("death receptor", receptor[h]);
      } else {
        push("all pathways", total[h]);
      }
    }
  }
  return rows;
}

std::vector<std::string> effector_names(const json& effectors) {
  std::vector<std::string> names;
  for (const auto& [name, e] : effectors.items()) names.push_back(name);
  return names;
}

json nk_state_rows(const std::vector<NkSnapshot>& snapshots,
                   const std::vector<std::string>& effectors) {
  json rows = json::array();
  for (const auto& s : snapshots) {
    for (std::size_t k = 0; k < effectors.size(); ++k) {
      const auto push = [&](const std::string& what, int cells) {
        rows.push_back({{"time_min", s.time_min},
                        {"effector", effectors[k]},
                        {"measure", what},
                        {"series", effectors.size() > 1 ? effectors[k] + ": " + what : what},
                        {"cells", cells}});
      };
      push("alive", s.live[k]);
      push("in a conjugate", s.conjugated[k]);
      push("exhausted (potency < " + format_number(kExhaustedPotency) + ")", s.exhausted[k]);
    }
  }
  return rows;
}

// Histogram rows {type, snapshot, bin_start, bin_end, cells} of MHC-I display, 10 bins over
// [0, max] shared by every snapshot, for the first and the last snapshot.
json mhc_rows(const std::vector<NkSnapshot>& snapshots) {
  json rows = json::array();
  if (snapshots.empty()) return rows;
  std::vector<const NkSnapshot*> ends = {&snapshots.front()};
  if (snapshots.size() > 1) ends.push_back(&snapshots.back());
  double top = 0;
  for (const auto* s : ends) {
    for (const auto& [type, v] : s->mhc_i) top = std::max(top, v);
  }
  if (!(top > 0)) return rows;
  constexpr int kBins = 10;
  const double width = top / kBins;
  for (const auto* s : ends) {
    std::map<std::string, std::vector<int>> counts;
    for (const auto& [type, v] : s->mhc_i) {
      auto& c = counts[type];
      c.resize(kBins, 0);
      ++c[std::clamp(static_cast<int>(v / width), 0, kBins - 1)];
    }
    for (const auto& [type, c] : counts) {
      for (int b = 0; b < kBins; ++b) {
        rows.push_back({{"type", type},
                        {"snapshot", "minute " + format_number(s->time_min, 5)},
                        {"bin_start", b * width},
                        {"bin_end", (b + 1) * width},
                        {"cells", c[static_cast<std::size_t>(b)]}});
      }
    }
  }
  return rows;
}

json time_x(const std::string& field = "time_min") {
  return {{"field", field}, {"type", "quantitative"}, {"title", "Time (minutes)"}};
}

// What the time charts say about dose markers: where they are, or why they are missing.
std::string doses_note(const ScenarioFacts& facts) {
  return facts.doses.empty()
             ? (facts.missing.empty() ? "" : " Dose times are not marked: " + facts.missing + ".")
             : " Dashed blue lines: doses of effector cells.";
}

// Targets killed per hour, stacked by pathway.
void kills_chart(HtmlPage& page, const json& kills, const ScenarioFacts& facts, double end_min) {
  json bars = {{"data", {{"name", "kills"}, {"values", kills}}},
               {"mark", {{"type", "bar"}, {"stroke", "white"}, {"strokeWidth", 0.5}}},
               {"encoding",
                {{"x", time_x("start_min")},
                 {"x2", {{"field", "end_min"}}},
                 {"y",
                  {{"field", "kills"},
                   {"type", "quantitative"},
                   {"stack", true},
                   {"title", "Targets killed per hour (cells)"}}},
                 {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "Pathway"}}},
                 {"tooltip",
                  {{{"field", "start_min"}, {"title", "from minute"}},
                   {{"field", "series"}, {"title", "pathway"}},
                   {{"field", "kills"}}}}}}};
  json layers = json::array({bars});
  for (auto& l : dose_layers(facts.doses, end_min)) layers.push_back(l);
  page.chart("kills", {{"width", kWidth}, {"height", 260}, {"layer", layers}},
             "Target cells killed by effector cells in each hour of the run, by the pathway "
             "that killed them (perforin/granzyme or death receptor)." +
                 doses_note(facts));
}

// Living, engaged and exhausted effector cells at each snapshot.
void nk_states_chart(HtmlPage& page, const std::vector<NkSnapshot>& nk,
                     const std::vector<std::string>& names, const ScenarioFacts& facts,
                     double end_min) {
  json lines = {
      {"data", {{"name", "nk_states"}, {"values", nk_state_rows(nk, names)}}},
      {"mark", {{"type", "line"}, {"point", true}, {"strokeWidth", 2.5}}},
      {"encoding",
       {{"x", time_x()},
        {"y", {{"field", "cells"}, {"type", "quantitative"}, {"title", "Effector cells (cells)"}}},
        {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "State"}}},
        {"tooltip",
         {{{"field", "time_min"}, {"title", "minute"}},
          {{"field", "series"}, {"title", "state"}},
          {{"field", "cells"}}}}}}};
  json layers = json::array({lines});
  for (auto& l : dose_layers(facts.doses, end_min)) layers.push_back(l);
  page.chart("nk_states", {{"width", kWidth}, {"height", 260}, {"layer", layers}},
             "Living effector cells at each snapshot: all of them, those in a conjugate with "
             "a target (engaged), and those whose cytotoxic potency has fallen below " +
                 format_number(kExhaustedPotency) + " (exhausted by repeated killing)." +
                 doses_note(facts));
}

// MHC-I display of the living non-effector cells at the first and the last snapshot.
void mhc_chart(HtmlPage& page, const json& mhc) {
  page.chart("mhc_i",
             {{"data", {{"name", "mhc_i"}, {"values", mhc}}},
              {"mark", {{"type", "bar"}, {"opacity", 0.65}, {"binSpacing", 0}}},
              {"encoding",
               {{"x",
                 {{"field", "bin_start"},
                  {"type", "quantitative"},
                  {"title", "MHC class I on the cell (relative display, 1 = normal)"}}},
                {"x2", {{"field", "bin_end"}}},
                {"y",
                 {{"field", "cells"},
                  {"type", "quantitative"},
                  {"stack", nullptr},
                  {"title", "Living cells (cells)"}}},
                {"color", {{"field", "snapshot"}, {"type", "nominal"}, {"title", "Snapshot"}}},
                {"column", {{"field", "type"}, {"type", "nominal"}, {"title", "Cell type"}}},
                {"tooltip",
                 {{{"field", "type"}},
                  {{"field", "snapshot"}},
                  {{"field", "bin_start"}, {"format", ".2f"}},
                  {{"field", "cells"}}}}}},
              {"width", 360},
              {"height", 220}},
             "How much MHC class I the living non-effector cells display, at the first and the "
             "last snapshot (overlaid). MHC-I inhibits NK cells: a shift to the right over the run "
             "is immune escape (IFN-gamma induction or selection of MHC-I-high cells).");
}

}  // namespace

json dose_layers(const std::vector<DoseMark>& doses, double end_min) {
  json layers = json::array();
  if (doses.empty()) return layers;
  json rules = json::array();
  std::vector<double> times;
  std::vector<std::string> what;
  for (const auto& d : doses) {
    rules.push_back({{"time_min", d.time_min}, {"label", d.label}});
    times.push_back(d.time_min);
    what.push_back(d.label);
  }
  json text = json::array();
  for (const auto& l : cluster_labels(times, what, end_min, kWidth, "doses")) {
    text.push_back({{"time_min", l.time}, {"label", l.text}, {"doses", l.count}});
  }
  const json x = {{"field", "time_min"}, {"type", "quantitative"}};
  layers.push_back({{"name", "nk_doses_rules"},
                    {"data", {{"name", "nk_doses"}, {"values", rules}}},
                    {"mark", {{"type", "rule"}, {"color", "#0072B2"}, {"strokeDash", {6, 3}}}},
                    {"encoding", {{"x", x}, {"tooltip", {{"field", "label"}}}}}});
  layers.push_back({{"data", {{"name", "nk_dose_labels"}, {"values", text}}},
                    {"mark",
                     {{"type", "text"},
                      {"align", "left"},
                      {"baseline", "top"},
                      {"dx", 4},
                      {"dy", 4},
                      {"y", 0},
                      {"color", "#0072B2"},
                      {"fontSize", 12}}},
                    {"encoding", {{"x", x}, {"text", {{"field", "label"}}}}}});
  return layers;
}

void nk_sections(HtmlPage& page, const json& summary, const std::vector<fs::path>& snapshots,
                 const ScenarioFacts& facts) {
  const json readouts = summary.value("readouts", json::object());
  if (!readouts.contains("nk_recognition_kill")) return;
  const json& kill = readouts["nk_recognition_kill"];
  const json effectors = kill.value("effectors", json::object());
  const double end_min = summary.value("end_time_min", 0.0);
  page.heading("NK-cell killing");
  if (kill.contains("targets")) targets_table(page, kill["targets"]);
  if (!effectors.empty()) effectors_table(page, effectors);
  const json kills = kill_rows(effectors);
  if (!kills.empty()) kills_chart(page, kills, facts, end_min);
  std::vector<NkSnapshot> nk;
  const auto names = effector_names(effectors);
  for (const auto& file : snapshots) nk.push_back(read_nk_snapshot(file, names));
  if (nk.size() >= 2 && !names.empty()) nk_states_chart(page, nk, names, facts, end_min);
  const json mhc = mhc_rows(nk);
  if (!mhc.empty()) mhc_chart(page, mhc);
}

}  // namespace nksim::report
