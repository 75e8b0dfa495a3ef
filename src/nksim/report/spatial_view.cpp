// The report of a spatial (agent-based) run: counts.csv, summary.json, snapshots/*.h5 and
// snapshots.xdmf.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

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

std::vector<std::size_t> chosen(std::size_t available, int wanted) {
  std::vector<std::size_t> picks;
  if (available == 0 || wanted <= 0) return picks;
  const std::size_t n = std::min<std::size_t>(available, static_cast<std::size_t>(wanted));
  for (std::size_t i = 0; i < n; ++i) {
    picks.push_back(n == 1 ? available - 1 : i * (available - 1) / (n - 1));
  }
  picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
  return picks;
}

// For each requested time, the snapshot nearest to it (each drawn once, in time order).
std::vector<std::size_t> nearest_to(const std::vector<fs::path>& snapshots,
                                    const std::vector<double>& times_min) {
  std::vector<double> snapshot_times;
  for (const auto& file : snapshots) {
    snapshot_times.push_back(Hdf5File::open(file).read_double_attribute("time_min"));
  }
  std::vector<std::size_t> picks;
  for (double t : times_min) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < snapshot_times.size(); ++i) {
      if (std::fabs(snapshot_times[i] - t) < std::fabs(snapshot_times[best] - t)) best = i;
    }
    picks.push_back(best);
  }
  std::sort(picks.begin(), picks.end(),
            [&](std::size_t a, std::size_t b) { return snapshot_times[a] < snapshot_times[b]; });
  picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
  return picks;
}

std::string name_or_index(const std::vector<std::string>& names, std::int32_t i, const char* what) {
  if (i >= 0 && static_cast<std::size_t>(i) < names.size()) return names[i];
  return std::string(what) + " " + std::to_string(i);
}

bool dead_state(const std::string& state) {
  return state.find("dead") != std::string::npos || state.find("apopt") != std::string::npos ||
         state.find("lys") != std::string::npos || state.find("necro") != std::string::npos;
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

struct Snapshot {
  double time_min = 0;
  std::size_t total = 0;     // cells in the file
  std::size_t selected = 0;  // cells in the slice (all cells for a projection)
  double slice_z_um = 0;     // centre of the slice
  json cells = json::array();
  double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
};

// Reads one snapshot; with slice_um > 0 keeps only the cells within slice_um/2 of the middle of
// the tissue's z range; draws at most max_cells of them (every k-th).
Snapshot read_snapshot(const fs::path& path, int max_cells, double slice_um) {
  const Hdf5File file = Hdf5File::open(path);
  const SnapshotAgents agents = read_snapshot_agents(file, path);
  const auto& types = agents.type_names;
  const auto& states = agents.state_names;
  const auto& type = agents.type;
  const auto& state = agents.state;
  Snapshot snapshot;
  snapshot.time_min = agents.time_min;
  std::vector<std::uint64_t> dims;
  const auto position = file.read_double("/agents/position", &dims);
  const auto radius = file.read_double("/agents/radius");
  const std::size_t n = type.size();
  if (state.size() != n || radius.size() != n || dims.size() != 2 || dims[0] != n || dims[1] != 3) {
    throw InputError(path.string() +
                     ": /agents/type, state, radius must have n entries and position n x 3");
  }
  std::vector<std::size_t> keep;
  if (slice_um > 0 && n > 0) {
    double z0 = HUGE_VAL, z1 = -HUGE_VAL;
    for (std::size_t i = 0; i < n; ++i) {
      z0 = std::min(z0, position[3 * i + 2]);
      z1 = std::max(z1, position[3 * i + 2]);
    }
    snapshot.slice_z_um = (z0 + z1) / 2;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::fabs(position[3 * i + 2] - snapshot.slice_z_um) <= slice_um / 2) keep.push_back(i);
    }
  } else {
    keep.resize(n);
    for (std::size_t i = 0; i < n; ++i) keep[i] = i;
  }
  snapshot.selected = keep.size();
  const std::size_t limit = max_cells > 0 ? static_cast<std::size_t>(max_cells) : keep.size();
  const std::size_t stride = keep.size() > limit ? (keep.size() + limit - 1) / limit : 1;
  for (std::size_t k = 0; k < keep.size(); k += stride) {
    const std::size_t i = keep[k];
    const double x = position[3 * i], y = position[3 * i + 1], z = position[3 * i + 2];
    snapshot.cells.push_back({{"x_um", x},
                              {"y_um", y},
                              {"z_um", z},
                              {"radius_um", radius[i]},
                              {"type", name_or_index(types, type[i], "type")},
                              {"state", name_or_index(states, state[i], "state")}});
    snapshot.x0 = std::min(snapshot.x0, x - radius[i]);
    snapshot.x1 = std::max(snapshot.x1, x + radius[i]);
    snapshot.y0 = std::min(snapshot.y0, y - radius[i]);
    snapshot.y1 = std::max(snapshot.y1, y + radius[i]);
  }
  snapshot.total = n;
  return snapshot;
}

// One picture of the tissue; every picture shares the box [x0, x0+extent] x [y0, y1].
json snapshot_chart(const Snapshot& snapshot, double x0, double y0, double extent, double y1,
                    const json& type_domain, const json& state_domain) {
  const double width = 440, height = std::max(160.0, width * (y1 - y0) / extent);
  const double pixels_per_um = width / extent;
  return {
      {"width", width},
      {"height", height},
      {"data", {{"name", "cells"}, {"values", snapshot.cells}}},
      {"transform",
       {{{"calculate", format_number(std::numbers::pi * pixels_per_um * pixels_per_um) +
                           " * datum.radius_um * datum.radius_um"},
         {"as", "area_px"}}}},
      {"mark", {{"type", "point"}, {"filled", true}, {"opacity", 0.8}, {"strokeWidth", 0.5}}},
      {"encoding",
       {{"x",
         {{"field", "x_um"},
          {"type", "quantitative"},
          {"title", "x (µm)"},
          // Room below the axis: the first x label must not run into the lowest y label.
          {"axis", {{"labelPadding", 7}}},
          {"scale", {{"domain", {x0, x0 + extent}}, {"nice", false}}}}},
        {"y",
         {{"field", "y_um"},
          {"type", "quantitative"},
          {"title", "y (µm)"},
          {"scale", {{"domain", {y0, y1}}, {"nice", false}}}}},
        {"color",
         {{"field", "type"},
          {"type", "nominal"},
          {"title", "Cell type"},
          {"scale", {{"domain", type_domain}}}}},
        {"shape",
         {{"field", "state"},
          {"type", "nominal"},
          {"title", "State"},
          {"scale", {{"domain", state_domain}}}}},
        {"size",
         {{"field", "area_px"}, {"type", "quantitative"}, {"scale", nullptr}, {"legend", nullptr}}},
        {"order", {{"field", "z_um"}, {"type", "quantitative"}}},
        {"tooltip",
         {{{"field", "type"}},
          {{"field", "state"}},
          {{"field", "x_um"}, {"format", ".1f"}},
          {{"field", "y_um"}, {"format", ".1f"}},
          {{"field", "z_um"}, {"format", ".1f"}}}}}}};
}

constexpr double kSlice3dUm = 20;  // about two cell diameters

// The cells of a snapshot as a 3-D scene (HtmlPage::scene3d): one category per type and
// state, coordinates to 0.1 µm. Living cells take their type's colour in the charts (the
// palette in `type_domain` order); dying and dead cells are grey.
json scene_of(const Snapshot& snapshot, const json& type_domain) {
  const auto colour_of = [&](const std::string& type, const std::string& state) -> std::string {
    if (state.find("apopt") != std::string::npos) return "#999999";
    if (dead_state(state)) return "#555555";
    const auto at = std::find(type_domain.begin(), type_domain.end(), type);
    const auto k = static_cast<std::size_t>(at - type_domain.begin());
    return kOkabeIto[k % std::size(kOkabeIto)];
  };
  json categories = json::array(), colours = json::array();
  json x = json::array(), y = json::array(), z = json::array(), r = json::array();
  json k = json::array();
  const auto tenth = [](double v) { return std::round(v * 10) / 10; };
  for (const auto& cell : snapshot.cells) {
    const std::string type = cell["type"].get<std::string>();
    const std::string state = cell["state"].get<std::string>();
    const std::string name = type + " " + state;
    auto it = std::find(categories.begin(), categories.end(), name);
    if (it == categories.end()) {
      categories.push_back(name);
      colours.push_back(colour_of(type, state));
      it = categories.end() - 1;
    }
    k.push_back(it - categories.begin());
    x.push_back(tenth(cell["x_um"].get<double>()));
    y.push_back(tenth(cell["y_um"].get<double>()));
    z.push_back(tenth(cell["z_um"].get<double>()));
    r.push_back(tenth(cell["radius_um"].get<double>()));
  }
  return {{"categories", categories},
          {"colours", colours},
          {"x", x},
          {"y", y},
          {"z", z},
          {"r", r},
          {"k", k}};
}

}  // namespace

HtmlPage spatial_page(const fs::path& dir, const ReportOptions& options) {
  const json summary =
      fs::exists(dir / "summary.json") ? read_json_file(dir / "summary.json") : json::object();
  const NumericTable counts = read_numeric_csv(dir / "counts.csv");
  if (counts.columns.empty() || counts.columns[0] != "time_min") {
    throw InputError((dir / "counts.csv").string() + ": the first column must be time_min");
  }
  if (counts.rows.empty()) throw InputError((dir / "counts.csv").string() + ": no rows");
  const auto snapshots = snapshot_files(dir);
  std::vector<std::string> type_names;
  if (!snapshots.empty()) {
    type_names = split_list(Hdf5File::open(snapshots.front()).read_string_attribute("type_names"));
  }

  std::vector<CountColumn> count_columns;
  std::vector<std::string> count_names, field_names;
  for (std::size_t c = 1; c < counts.columns.size(); ++c) {
    const std::string& name = counts.columns[c];
    if (name.ends_with("_total")) {
      field_names.push_back(name);
    } else {
      count_columns.push_back(split_count_column(name, type_names));
      count_names.push_back(name);
    }
  }

  const std::string scenario = summary.value("scenario_file", std::string());
  HtmlPage page(
      "nksim report: " +
      (scenario.empty() ? std::string("spatial run") : fs::path(scenario).stem().string()) +
      " (spatial)");
  // Headline: living cells of each type at the start and at the end.
  std::vector<std::string> types_in_order;
  for (const auto& c : count_columns) {
    if (std::find(types_in_order.begin(), types_in_order.end(), c.type) == types_in_order.end()) {
      types_in_order.push_back(c.type);
    }
  }
  const double end_min = counts.rows.back()[0];
  std::string headline = "Over " + format_number(end_min / 60, 3) + " hours of simulated tissue";
  for (std::size_t t = 0; t < types_in_order.size(); ++t) {
    double first = 0, last = 0;
    for (const auto& c : count_columns) {
      if (c.type != types_in_order[t] || dead_state(c.state)) continue;
      const std::size_t col = counts.column(c.column);
      first += counts.rows.front()[col];
      last += counts.rows.back()[col];
    }
    headline += (t == 0 ? ", the living " : "; living ") + types_in_order[t] + " cells went from " +
                pretty_number(first) + " to " + pretty_number(last);
  }
  page.headline(headline + ". This is what the model predicts, not a clinical forecast.");
  page.paragraph(
      "A spatial simulation: every cell is an agent in a piece of tissue; NK cells "
      "move, touch, recognise and kill target cells; signalling molecules diffuse on "
      "a grid.");

  json type_domain = json::array();  // one colour per cell type, the same in every chart
  for (const auto& t : type_names) type_domain.push_back(t);
  for (const auto& t : types_in_order) {
    if (std::find(type_domain.begin(), type_domain.end(), t) == type_domain.end()) {
      type_domain.push_back(t);
    }
  }
  json type_of = json::object(), state_of = json::object();
  for (const auto& c : count_columns) {
    type_of[c.column] = c.type;
    state_of[c.column] = c.state;
  }
  const ScenarioFacts facts = read_scenario_facts(dir, summary);
  json x = {{"field", "time_min"}, {"type", "quantitative"}, {"title", "Time (minutes)"}};
  json count_lines = {
      {"data", {{"name", "counts"}, {"values", table_records(counts)}}},
      {"transform",
       {{{"fold", count_names}, {"as", {"column", "cells"}}},
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
  for (auto& l : dose_layers(facts.doses, end_min)) count_layers.push_back(l);
  page.heading("Cell counts by type and state");
  page.chart("counts", {{"width", 800}, {"height", 360}, {"layer", count_layers}},
             "Number of cells of each type (colour) in each state (line style) over time." +
                 std::string(facts.doses.empty() ? "" : " Dashed blue lines: doses."));
  nk_sections(page, summary, snapshots, facts);
  field_sections(page, table_records(counts), field_names, csv_units(dir / "counts.csv"), snapshots,
                 facts);

  // 3-D tissue is drawn as slices through its middle unless --slice says otherwise (a slice
  // thicker than the tissue is a projection).
  const bool three_d = summary.value("dimension", 2) == 3;
  const double slice_um = options.slice_um > 0 ? options.slice_um : three_d ? kSlice3dUm : 0;
  page.heading("The tissue at chosen times");
  if (snapshots.empty()) {
    page.paragraph("This run wrote no snapshots (snapshots/snapshot_NNNNNN.h5).", "note");
  } else {
    page.paragraph(
        slice_um > 0
            ? "Each picture shows the cells in a slice " + format_number(slice_um, 4) +
                  " µm thick through the middle of the tissue (along z), seen from above, "
                  "drawn at their true radius, coloured by cell type, with their state as the "
                  "marker shape."
            : "Each picture shows every cell projected onto the x-y plane (viewed from "
              "above; for 3-D tissue, cells nearer the viewer are drawn on top), drawn at "
              "its true radius, coloured by cell type, with its state as the marker shape.");
    std::vector<std::pair<std::size_t, Snapshot>> pictures;
    double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
    const std::vector<std::size_t> picks = options.snapshot_times_min.empty()
                                               ? chosen(snapshots.size(), options.max_snapshots)
                                               : nearest_to(snapshots, options.snapshot_times_min);
    for (std::size_t index : picks) {
      Snapshot snapshot = read_snapshot(snapshots[index], options.max_cells_per_snapshot, slice_um);
      x0 = std::min(x0, snapshot.x0);
      x1 = std::max(x1, snapshot.x1);
      y0 = std::min(y0, snapshot.y0);
      y1 = std::max(y1, snapshot.y1);
      pictures.emplace_back(index, std::move(snapshot));
    }
    if (x0 > x1) x0 = y0 = 0, x1 = y1 = 1;  // no cells at all
    const double extent = std::max({x1 - x0, y1 - y0, 1e-9});
    json state_domain = json::array();
    for (const auto& [index, snapshot] : pictures) {
      for (const auto& cell : snapshot.cells) {
        if (std::find(state_domain.begin(), state_domain.end(), cell["state"]) ==
            state_domain.end()) {
          state_domain.push_back(cell["state"]);
        }
      }
    }
    for (const auto& [index, snapshot] : pictures) {
      json spec = snapshot_chart(snapshot, x0, y0, extent, y1, type_domain, state_domain);
      spec["title"] = "minute " + format_number(snapshot.time_min, 5) + " (" +
                      snapshots[index].filename().string() + ")";
      std::string caption = std::to_string(snapshot.total) + " cells at minute " +
                            format_number(snapshot.time_min, 5);
      if (slice_um > 0) {
        caption += "; " + std::to_string(snapshot.selected) +
                   " in the slice z = " + format_number(snapshot.slice_z_um, 4) + " ± " +
                   format_number(slice_um / 2, 4) + " µm";
      }
      if (!snapshot.cells.empty() && snapshot.cells.size() < snapshot.selected) {
        caption +=
            "; every " + std::to_string(snapshot.selected / snapshot.cells.size()) + "th drawn";
      }
      page.chart("snapshot_" + std::to_string(index), spec, caption + ".");
    }
  }
  if (three_d && !snapshots.empty()) {
    const Snapshot last = read_snapshot(snapshots.back(), options.max_cells_per_snapshot, 0);
    page.heading("The tissue in 3-D");
    page.scene3d("tissue_3d", scene_of(last, type_domain),
                 "Every cell at minute " + format_number(last.time_min, 5) + " (" +
                     snapshots.back().filename().string() + "), " +
                     std::to_string(last.cells.size()) + " of " + std::to_string(last.total) +
                     " drawn, at its true radius, coloured by type (as in the charts; dying and "
                     "dead cells grey). Drag to turn, "
                     "scroll to zoom.");
  }
  if (fs::exists(dir / "snapshots.xdmf")) {
    page.raw_html(
        "<p>For 3-D views and animations open <a href=\"snapshots.xdmf\">snapshots.xdmf</a> in "
        "ParaView or VisIt (it indexes every snapshot; keep it beside the snapshots/ folder).</p>"
        "\n");
  }

  // Evidence notes for the mechanisms this run used (keys are registered mechanism names).
  std::vector<std::string> evidence_keys;
  if (summary.contains("mechanisms") && summary["mechanisms"].is_array()) {
    for (const auto& m : summary["mechanisms"]) {
      if (m.is_string()) evidence_keys.push_back(m.get<std::string>());
      if (m.is_object() && m.contains("name"))
        evidence_keys.push_back(m["name"].get<std::string>());
    }
  }
  evidence_section(page, evidence_keys);

  glossary_section(page, ReportKind::kSpatial);

  page.heading("Run");
  std::vector<std::vector<std::string>> rows = {{"setting", "value"}};
  for (const auto& [key, value] : summary.items()) {
    if (key == "readouts") continue;  // shown as tables above
    rows.push_back({key, readable(value)});
  }
  page.table(rows, "summary.json");
  return page;
}

}  // namespace nksim::report
