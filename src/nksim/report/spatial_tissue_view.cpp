// The tissue pictures of a spatial report: chosen snapshots drawn from above (every cell
// projected, or a slice through the middle of a 3-D tissue), and the last snapshot of a 3-D run
// as an interactive scene.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/report/spatial_inputs.h"
#include "nksim/report/spatial_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kSlice3dUm = 20;  // about two cell diameters

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

struct Snapshot {
  double time_min = 0;
  std::size_t total = 0;     // cells in the file
  std::size_t selected = 0;  // cells in the slice (all cells for a projection)
  double slice_z_um = 0;     // centre of the slice
  json cells = json::array();
  double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
};

// The indices of the cells to draw: all n of them, or with slice_um > 0 those within
// slice_um/2 of the middle of the tissue's z range (that middle goes into `slice_z_um`).
std::vector<std::size_t> cells_in_slice(const std::vector<double>& position, std::size_t n,
                                        double slice_um, double& slice_z_um) {
  std::vector<std::size_t> keep;
  if (slice_um > 0 && n > 0) {
    double z0 = HUGE_VAL, z1 = -HUGE_VAL;
    for (std::size_t i = 0; i < n; ++i) {
      z0 = std::min(z0, position[3 * i + 2]);
      z1 = std::max(z1, position[3 * i + 2]);
    }
    slice_z_um = (z0 + z1) / 2;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::fabs(position[3 * i + 2] - slice_z_um) <= slice_um / 2) keep.push_back(i);
    }
  } else {
    keep.resize(n);
    for (std::size_t i = 0; i < n; ++i) keep[i] = i;
  }
  return keep;
}

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
  const std::vector<std::size_t> keep = cells_in_slice(position, n, slice_um, snapshot.slice_z_um);
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

using Pictures = std::vector<std::pair<std::size_t, Snapshot>>;  // (snapshot index, cells)

// Every state in the pictures, in order of first appearance: one marker shape each.
json state_domain_of(const Pictures& pictures) {
  json state_domain = json::array();
  for (const auto& [index, snapshot] : pictures) {
    for (const auto& cell : snapshot.cells) {
      if (std::find(state_domain.begin(), state_domain.end(), cell["state"]) ==
          state_domain.end()) {
        state_domain.push_back(cell["state"]);
      }
    }
  }
  return state_domain;
}

// The caption of one picture: the cells in the file, those in the slice, how many are drawn
// (without the final full stop).
std::string picture_caption(const Snapshot& snapshot, double slice_um) {
  std::string caption =
      std::to_string(snapshot.total) + " cells at minute " + format_number(snapshot.time_min, 5);
  if (slice_um > 0) {
    caption += "; " + std::to_string(snapshot.selected) +
               " in the slice z = " + format_number(snapshot.slice_z_um, 4) + " ± " +
               format_number(slice_um / 2, 4) + " µm";
  }
  if (!snapshot.cells.empty() && snapshot.cells.size() < snapshot.selected) {
    caption += "; every " + std::to_string(snapshot.selected / snapshot.cells.size()) + "th drawn";
  }
  return caption;
}

// One picture per chosen snapshot, all in the same box so that they compare at a glance.
void tissue_pictures(HtmlPage& page, const std::vector<fs::path>& snapshots,
                     const json& type_domain, double slice_um, const ReportOptions& options) {
  Pictures pictures;
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
  const json state_domain = state_domain_of(pictures);
  for (const auto& [index, snapshot] : pictures) {
    json spec = snapshot_chart(snapshot, x0, y0, extent, y1, type_domain, state_domain);
    spec["title"] = "minute " + format_number(snapshot.time_min, 5) + " (" +
                    snapshots[index].filename().string() + ")";
    page.chart("snapshot_" + std::to_string(index), spec,
               picture_caption(snapshot, slice_um) + ".");
  }
}

// The last snapshot as a 3-D scene.
void tissue_3d(HtmlPage& page, const fs::path& snapshot, const json& type_domain,
               const ReportOptions& options) {
  const Snapshot last = read_snapshot(snapshot, options.max_cells_per_snapshot, 0);
  page.heading("The tissue in 3-D");
  page.scene3d("tissue_3d", scene_of(last, type_domain),
               "Every cell at minute " + format_number(last.time_min, 5) + " (" +
                   snapshot.filename().string() + "), " + std::to_string(last.cells.size()) +
                   " of " + std::to_string(last.total) +
                   " drawn, at its true radius, coloured by type (as in the charts; dying and "
                   "dead cells grey). Drag to turn, "
                   "scroll to zoom.");
}

}  // namespace

void tissue_sections(HtmlPage& page, const std::vector<fs::path>& snapshots,
                     const json& type_domain, bool three_d, const ReportOptions& options) {
  // 3-D tissue is drawn as slices through its middle unless --slice says otherwise (a slice
  // thicker than the tissue is a projection).
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
    tissue_pictures(page, snapshots, type_domain, slice_um, options);
  }
  if (three_d && !snapshots.empty()) tissue_3d(page, snapshots.back(), type_domain, options);
}

}  // namespace nksim::report
