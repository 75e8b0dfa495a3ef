// Writes small, hand-made outputs in the formats of the spatial engine and of the trial
// analysis, so that their reports can be tested before (and independently of) those engines:
//   write_report_fixtures OUT
// creates OUT/spatial/ (counts.csv, summary.json, snapshots/*.h5, snapshots.xdmf),
// OUT/trial/analysis.json, and OUT/expected_cells.json (the agents of each snapshot, for the
// browser test to compare with what the report embeds).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/io/hdf5_file.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// Two snapshots of a 2-D tissue: a ring of tumour cells with NK cells moving in.
json write_snapshot(const fs::path& file, double time_min, int step) {
  std::vector<std::int32_t> type, state;
  std::vector<double> position, radius;
  json cells = json::array();
  const char* types[] = {"tumour", "nk"};
  const char* states[] = {"alive", "conjugated", "dead"};
  for (int i = 0; i < 12; ++i) {
    const double angle = 2 * 3.14159265358979 * i / 12;
    const bool is_nk = i % 4 == 0;
    const double r = is_nk ? 60.0 - 20.0 * step : 40.0;
    const std::int32_t t = is_nk ? 1 : 0;
    const std::int32_t s = step == 1 && i % 4 == 1 ? 2 : (step == 1 && is_nk ? 1 : 0);
    const double x = 100 + r * std::cos(angle), y = 100 + r * std::sin(angle), z = 0.25 * i;
    const double rad = is_nk ? 4.0 : 8.5;
    type.push_back(t);
    state.push_back(s);
    position.insert(position.end(), {x, y, z});
    radius.push_back(rad);
    cells.push_back({{"x_um", x},
                     {"y_um", y},
                     {"z_um", z},
                     {"radius_um", rad},
                     {"type", types[t]},
                     {"state", states[s]}});
  }
  nksim::Hdf5File h5 = nksim::Hdf5File::create(file);
  h5.attribute("/", "time_min", time_min);
  h5.attribute("/", "type_names", "tumour,nk");
  h5.attribute("/", "state_names", "alive,conjugated,dead", /*variable_length=*/true);
  h5.create_group("/agents");
  const std::vector<std::uint64_t> dims1{type.size()}, dims3{type.size(), 3};
  h5.dataset("/agents/type", dims1, std::span<const std::int32_t>(type));
  h5.dataset("/agents/state", dims1, std::span<const std::int32_t>(state));
  h5.dataset("/agents/position", dims3, std::span<const double>(position));
  h5.dataset("/agents/radius", dims1, std::span<const double>(radius));
  return cells;
}

void write_spatial(const fs::path& dir, json& expected) {
  fs::create_directories(dir / "snapshots");
  write_text(dir / "counts.csv",
             "time_min,tumour_alive,tumour_conjugated,tumour_dead,nk_alive,nk_conjugated,"
             "nk_dead,ifng_total\n"
             "0,9,0,0,3,0,0,0\n"
             "30,9,1,0,2,1,0,12.5\n"
             "60,7,1,2,1,2,0,40.25\n"
             "90,6,0,3,3,0,0,55.125\n");
  // The CSV-on-the-Web sidecar the spatial engine writes beside counts.csv (units per column).
  write_text(dir / "counts.csv-metadata.json",
             json({{"@context", "http://www.w3.org/ns/csvw"},
                   {"url", "counts.csv"},
                   {"tableSchema",
                    {{"columns",
                      {{{"name", "time_min"}, {"schema:unitText", "min"}},
                       {{"name", "ifng_total"}, {"schema:unitText", "ng/mL x um^3"}}}}}}})
                 .dump(2));
  write_text(dir / "summary.json",
             json({{"engine", "spatial"},
                   {"nksim_version", "0.1.0"},
                   {"scenario_file", "scenarios/spatial_fixture.toml"},
                   {"seed", 42},
                   {"end_time_min", 90},
                   {"mechanisms", {"nk_infusion", "nk_recognition_kill", "ifn_gamma_response"}}})
                 .dump(2));
  expected["snapshot_0"] = write_snapshot(dir / "snapshots/snapshot_000000.h5", 0.0, 0);
  expected["snapshot_1"] = write_snapshot(dir / "snapshots/snapshot_000001.h5", 90.0, 1);
  write_text(dir / "snapshots.xdmf",
             "<?xml version=\"1.0\"?>\n<Xdmf Version=\"3.0\"><Domain><Grid Name=\"cells\" "
             "GridType=\"Collection\" CollectionType=\"Temporal\"></Grid></Domain></Xdmf>\n");
}

json km(std::vector<double> t, std::vector<double> s, std::vector<int> at_risk,
        std::vector<int> events) {
  json lower = json::array(), upper = json::array();
  for (double v : s) {
    lower.push_back(std::max(0.0, v - 0.2));
    upper.push_back(std::min(1.0, v + 0.15));
  }
  return {{"time_days", t}, {"survival", s},      {"lower", lower},
          {"upper", upper}, {"at_risk", at_risk}, {"events", events}};
}

void write_trial(const fs::path& dir) {
  fs::create_directories(dir);
  json analysis;
  analysis["trial"] = {{"name", "fixture"},
                       {"patients", 8},
                       {"seed", 7},
                       {"arms", {"control", "nk_1e8"}},
                       {"follow_up_days", 90}};
  analysis["arms"] = {
      {{"name", "control"},
       {"n", 4},
       {"response",
        {{"CR", 0}, {"PR", 1}, {"SD", 1}, {"PD", 2}, {"orr", 0.25}, {"orr_ci", {0.0063, 0.8059}}}},
       {"elimination", {{"rate", 0.0}, {"ci", {0.0, 0.6024}}}},
       {"ttp_median_days", 30.5},
       {"km", km({0, 20, 30.5, 60}, {1, 0.75, 0.5, 0.5}, {4, 4, 3, 2}, {0, 1, 1, 0})}},
      {{"name", "nk_1e8"},
       {"n", 4},
       {"response",
        {{"CR", 2}, {"PR", 1}, {"SD", 1}, {"PD", 0}, {"orr", 0.75}, {"orr_ci", {0.1941, 0.9937}}}},
       {"elimination", {{"rate", 0.5}, {"ci", {0.0676, 0.9324}}}},
       {"ttp_median_days", nullptr},
       {"km", km({0, 45, 90}, {1, 0.75, 0.75}, {4, 4, 3}, {0, 1, 0})}}};
  analysis["logrank"] = {
      {{"arm_a", "control"}, {"arm_b", "nk_1e8"}, {"chi2", 1.87}, {"p_value", 0.1714}}};
  analysis["prcc"] = {
      {{"endpoint", "best_pct_change"}, {"parameter", "c"}, {"prcc", -0.81}, {"p_value", 0.002}},
      {{"endpoint", "best_pct_change"}, {"parameter", "a"}, {"prcc", 0.55}, {"p_value", 0.04}},
      {{"endpoint", "best_pct_change"}, {"parameter", "f"}, {"prcc", 0.12}, {"p_value", 0.61}},
      {{"endpoint", "ttp_days"}, {"parameter", "c"}, {"prcc", 0.7}, {"p_value", 0.01}},
      {{"endpoint", "ttp_days"}, {"parameter", "a"}, {"prcc", -0.35}, {"p_value", 0.2}}};
  const json none = nullptr;
  struct P {
    int id;
    const char* arm;
    double best;
    const char* category;
    json ttp;
    double survival;
    bool death;
    json elimination;
    double peak;
  };
  const std::vector<P> patients = {{1, "control", 35.5, "PD", 20.0, 60.0, true, none, 2.5e5},
                                   {2, "control", 12.25, "PD", 30.5, 90.0, false, none, 3.1e5},
                                   {3, "control", -5.0, "SD", none, 90.0, false, none, 3.3e5},
                                   {4, "control", -42.0, "PR", none, 90.0, false, none, 4.0e5},
                                   {5, "nk_1e8", -100.0, "CR", none, 90.0, false, 6.5, 1.0e8},
                                   {6, "nk_1e8", -100.0, "CR", none, 90.0, false, 11.0, 9.0e7},
                                   {7, "nk_1e8", -64.5, "PR", none, 90.0, false, none, 8.0e7},
                                   {8, "nk_1e8", 8.0, "SD", 45.0, 70.0, true, none, 7.5e7}};
  analysis["patients"] = json::array();
  analysis["trajectories"] = json::array();
  for (const auto& p : patients) {
    analysis["patients"].push_back({{"patient", p.id},
                                    {"arm", p.arm},
                                    {"best_pct_change", p.best},
                                    {"category", p.category},
                                    {"ttp_days", p.ttp},
                                    {"survival_days", p.survival},
                                    {"death", p.death},
                                    {"elimination_time_days", p.elimination},
                                    {"peak", p.peak}});
    const double start = 1e6;
    analysis["trajectories"].push_back(
        {{"patient", p.id},
         {"arm", p.arm},
         {"time_days", {0, 15, 30, 60}},
         {"tumour",
          {start, start * (1 + p.best / 200), start * (1 + p.best / 100),
           start * (1 + p.best / 100)}}});
  }
  write_text(dir / "analysis.json", analysis.dump(2));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_report_fixtures OUT\n";
    return 2;
  }
  try {
    const fs::path out = argv[1];
    fs::create_directories(out);
    json expected = json::object();
    write_spatial(out / "spatial", expected);
    write_trial(out / "trial");
    write_text(out / "expected_cells.json", expected.dump(2));
  } catch (const std::exception& e) {
    std::cerr << "write_report_fixtures: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
