// The diffusing fields of a spatial report: totals over time (in concentration × µm³) and heat
// maps of each field from the snapshots (3-D: the middle z plane), block-averaged to at most
// kMaxCells × kMaxCells squares and rounded to 3 significant digits to keep the page small.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/spatial_sections.h"

namespace nksim::report {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr std::size_t kMaxCells = 40;  // squares per side of a heat map

double round3(double v) {
  if (v == 0 || !std::isfinite(v)) return 0;
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

}  // namespace

HeatMap read_heat_map(const fs::path& file, const std::string& field, const ScenarioFacts& facts) {
  const Hdf5File h5 = Hdf5File::open(file);
  HeatMap map;
  map.time_min = h5.read_double_attribute("time_min");
  const std::string path = "/fields/" + field;
  if (!h5.has_dataset(path)) return map;
  std::vector<std::uint64_t> dims;
  const auto values = h5.read_double(path, &dims);
  if (dims.size() != 3) throw InputError(file.string() + ": " + path + " must be nz x ny x nx");
  const std::size_t nz = dims[0], ny = dims[1], nx = dims[2];
  const std::size_t z = nz / 2;  // the middle plane (the only one in 2-D)
  const std::size_t block =
      std::max<std::size_t>(1, (std::max(nx, ny) + kMaxCells - 1) / kMaxCells);
  map.square_um = facts.voxel_um * static_cast<double>(block);
  for (std::size_t by = 0; by < ny; by += block) {
    for (std::size_t bx = 0; bx < nx; bx += block) {
      double sum = 0;
      int n = 0;
      for (std::size_t y = by; y < std::min(ny, by + block); ++y) {
        for (std::size_t x = bx; x < std::min(nx, bx + block); ++x) {
          sum += values[(z * ny + y) * nx + x];
          ++n;
        }
      }
      const double mean = sum / n;
      map.max = std::max(map.max, mean);
      map.cells.push_back({{"x", facts.domain_min_um[0] + facts.voxel_um * static_cast<double>(bx) +
                                     map.square_um / 2},
                           {"y", facts.domain_min_um[1] + facts.voxel_um * static_cast<double>(by) +
                                     map.square_um / 2},
                           {"v", round3(mean)}});
    }
  }
  map.found = true;
  return map;
}

namespace {

// Each field's concentration unit, from the sidecar's "<unit> x um^3" for its total (a run
// without a sidecar, or a field without a unit, says "concentration").
struct FieldUnits {
  json name_of = json::object();                     // total column -> "<field> (<unit>)"
  std::map<std::string, std::string> concentration;  // field -> unit
  std::set<std::string> total_units;
};

FieldUnits field_units(const std::vector<std::string>& total_columns,
                       const std::map<std::string, std::string>& units) {
  FieldUnits fields;
  for (const auto& c : total_columns) {
    const std::string field = c.substr(0, c.size() - 6);  // "_total"
    std::string unit = units.count(c) ? units.at(c) : "";
    if (unit.ends_with(" x um^3")) unit.resize(unit.size() - 7);
    fields.concentration[field] = unit.empty() ? "concentration" : readable_unit(unit);
    fields.total_units.insert(fields.concentration[field]);
    fields.name_of[c] = unit.empty() ? field : field + " (" + fields.concentration[field] + ")";
  }
  return fields;
}

// Each field's amount in the tissue over time (concentration summed over the grid times the
// voxel volume).
void totals_chart(HtmlPage& page, const json& counts_records,
                  const std::vector<std::string>& total_columns, const FieldUnits& fields,
                  const ScenarioFacts& facts) {
  const std::string total_unit = fields.total_units.size() == 1
                                     ? *fields.total_units.begin() + " × µm³"
                                     : "concentration × µm³";
  const std::string voxel = format_number(facts.voxel_um);
  page.chart(
      "fields",
      {{"width", 800},
       {"height", 300},
       {"data", {{"name", "counts"}, {"values", counts_records}}},
       {"transform",
        {{{"fold", total_columns}, {"as", {"column", "total"}}},
         {{"calculate", fields.name_of.dump() + "[datum.column]"}, {"as", "field"}}}},
       {"mark", {{"type", "line"}, {"strokeWidth", 2.5}}},
       {"encoding",
        {{"x", {{"field", "time_min"}, {"type", "quantitative"}, {"title", "Time (minutes)"}}},
         {"y",
          {{"field", "total"},
           {"type", "quantitative"},
           {"axis", {{"format", "~s"}}},
           {"title", "Amount in the tissue (" + total_unit + ")"}}},
         {"color", {{"field", "field"}, {"type", "nominal"}, {"title", "Field"}}},
         {"tooltip",
          {{{"field", "time_min"}, {"title", "minute"}},
           {{"field", "field"}},
           {{"field", "total"}, {"format", ".4~g"}}}}}}},
      "Each field's concentration summed over the grid times the voxel volume (" + voxel +
          " µm × " + voxel + " µm × " + voxel +
          " µm; a 2-D tissue counts as a slab one voxel thick)." +
          std::string(fields.total_units.count("concentration")
                          ? " Where no unit is given, the concentration unit is the one the "
                            "scenario uses for the field's initial and boundary values."
                          : ""));
}

// Four snapshots, first and last included (fewer when the run wrote fewer).
std::vector<std::size_t> heat_map_picks(std::size_t available) {
  std::vector<std::size_t> picks;
  const std::size_t n = std::min<std::size_t>(4, available);
  for (std::size_t i = 0; i < n; ++i) {
    picks.push_back(n == 1 ? available - 1 : i * (available - 1) / (n - 1));
  }
  return picks;
}

// One field's heat maps at the picked snapshots, as rows of one dataset (t: the snapshot).
struct HeatMaps {
  json cells = json::array();
  double top = 0;     // the largest square value: the top of the colour scale
  double square = 0;  // side of a square (µm)
};

HeatMaps read_heat_maps(const std::vector<fs::path>& snapshots,
                        const std::vector<std::size_t>& picks, const std::string& field,
                        const ScenarioFacts& facts) {
  HeatMaps maps;
  for (std::size_t index : picks) {
    const HeatMap map = read_heat_map(snapshots[index], field, facts);
    if (!map.found) continue;
    for (auto cell : map.cells) {
      cell["t"] = "minute " + format_number(map.time_min, 5);
      cell["tm"] = map.time_min;
      maps.cells.push_back(cell);
    }
    maps.top = std::max(maps.top, map.max);
    maps.square = map.square_um;
  }
  return maps;
}

// The heat maps of one field side by side, with one colour scale.
void heat_map_chart(HtmlPage& page, const std::string& field, const std::string& unit,
                    const HeatMaps& maps, std::size_t snapshot_count, bool located) {
  const std::string half = format_number(maps.square / 2, 12);
  const std::string where = located ? " (µm)" : " (µm, assuming a 20 µm voxel at 0)";
  const double top = maps.top;
  page.chart("field_" + field,
             {{"data", {{"name", "field"}, {"values", maps.cells}}},
              {"transform",
               {{{"calculate", "datum.x - " + half}, {"as", "x0"}},
                {{"calculate", "datum.x + " + half}, {"as", "x1"}},
                {{"calculate", "datum.y - " + half}, {"as", "y0"}},
                {{"calculate", "datum.y + " + half}, {"as", "y1"}}}},
              {"mark", "rect"},
              {"width", 190},
              {"height", 190},
              {"encoding",
               {{"x", {{"field", "x0"}, {"type", "quantitative"}, {"title", "x" + where}}},
                {"x2", {{"field", "x1"}}},
                {"y", {{"field", "y0"}, {"type", "quantitative"}, {"title", "y" + where}}},
                {"y2", {{"field", "y1"}}},
                {"color",
                 {{"field", "v"},
                  {"type", "quantitative"},
                  {"title", field + " (" + unit + ")"},
                  {"scale", {{"scheme", "viridis"}, {"domain", {0, top > 0 ? top : 1}}}}}},
                {"column",
                 {{"field", "t"},
                  {"type", "nominal"},
                  {"title", "Snapshot"},
                  {"sort", {{"field", "tm"}, {"op", "min"}}}}},
                {"tooltip",
                 {{{"field", "x"}, {"title", "x (µm)"}},
                  {{"field", "y"}, {"title", "y (µm)"}},
                  {{"field", "v"}, {"title", field}}}}}}},
             field + " across the tissue at " + std::to_string(snapshot_count) +
                 " snapshots (one colour scale; squares of " + format_number(maps.square) +
                 " µm, each the mean of its voxels; a 3-D run shows its middle z plane).");
}

}  // namespace

void field_sections(HtmlPage& page, const json& counts_records,
                    const std::vector<std::string>& total_columns,
                    const std::map<std::string, std::string>& units,
                    const std::vector<fs::path>& snapshots, const ScenarioFacts& facts) {
  if (total_columns.empty()) return;
  page.heading("Signalling molecules");
  const FieldUnits fields = field_units(total_columns, units);
  totals_chart(page, counts_records, total_columns, fields, facts);
  if (snapshots.empty()) return;
  const std::vector<std::size_t> picks = heat_map_picks(snapshots.size());
  for (const auto& [field, unit] : fields.concentration) {
    const HeatMaps maps = read_heat_maps(snapshots, picks, field, facts);
    if (maps.cells.empty()) continue;
    heat_map_chart(page, field, unit, maps, picks.size(), facts.missing.empty());
  }
}

}  // namespace nksim::report
