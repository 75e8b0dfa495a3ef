// Unit tests of the report module: directory detection, input errors,
// the missing-library error, and the pages written for each kind of output (with a stand-in
// charting library, so these run without npm; the real library is tested in the browser test).
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/ode/ode_model.h"
#include "nksim/report/chart_labels.h"
#include "nksim/report/evidence.h"
#include "nksim/report/html_page.h"
#include "nksim/report/json_checks.h"
#include "nksim/report/report.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/spatial_inputs.h"
#include "nksim/report/views.h"
#include "support/run_cli.h"

namespace nksim::report {
namespace {

namespace fs = std::filesystem;

using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;
using testing::run_command;
using testing::write_file;

// A node_modules folder with stand-ins for the three library files.
fs::path fake_library(const std::string& name) {
  return testing::fake_chart_library(fresh_directory("report-" + name));
}

TEST(Scenarios, EveryNkScenarioWritesSnapshots) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(NKSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const toml::table root = toml::parse_file(entry.path().string());
    if (root["simulation"]["engine"].value_or(std::string()) != "spatial") continue;
    bool nk = false;
    if (const auto* mechanisms = root["mechanisms"].as_table()) {
      for (const auto& [name, table] : *mechanisms) nk = nk || name.str().starts_with("nk_");
    }
    if (!nk) continue;
    ++checked;
    const double interval = root["simulation"]["snapshot_interval_min"].value_or(0.0);
    const double end = root["simulation"]["end_time_min"].value_or(0.0);
    EXPECT_GT(interval, 0) << entry.path();
    EXPECT_LE(2 * interval, end) << entry.path();
  }
  EXPECT_GE(checked, 10);
}

// Wilson score interval, 95 %: centre (p + z²/2n)/(1 + z²/n), half-width
// z sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n). By hand for 5 of 10: p = 0.5, z² = 3.8416,
// 1 + z²/n = 1.38416, centre 0.5, half 1.96 * sqrt(0.025 + 0.009604) / 1.38416 = 0.263411.
TEST(Sweep, WilsonIntervalByHand) {
  const auto [lo, hi] = wilson_interval(5, 10);
  EXPECT_NEAR(lo, 0.5 - 0.263411, 1e-6);
  EXPECT_NEAR(hi, 0.5 + 0.263411, 1e-6);
  // 0 of 20: [0, (z²/n) / (1 + z²/n)] = [0, 0.19208 / 1.19208] = [0, 0.161130].
  const auto [lo0, hi0] = wilson_interval(0, 20);
  EXPECT_DOUBLE_EQ(lo0, 0.0);
  EXPECT_NEAR(hi0, 0.161130, 1e-6);
  // All of them: the mirror image.
  const auto [lo1, hi1] = wilson_interval(20, 20);
  EXPECT_NEAR(lo1, 1 - 0.161130, 1e-6);
  EXPECT_DOUBLE_EQ(hi1, 1.0);
  EXPECT_EQ(wilson_interval(0, 0), (std::pair<double, double>{0.0, 1.0}));
  // Exactly 0 and 1 at the ends, not a rounding rest (0 of 100 once printed "3.34e-16-3.7").
  EXPECT_EQ(wilson_interval(0, 100).first, 0.0);
  EXPECT_EQ(wilson_interval(100, 100).second, 1.0);
}

// Dose times from nk_infusion doses: repeats expanded, sorted, cut at the end of the run.
TEST(SpatialInputs, DoseTimesExpandRepeats) {
  const nlohmann::json doses = nlohmann::json::parse(R"([
    {"type": "nk", "time_min": 0, "repeats": 3, "repeat_every_min": 480, "count": 100},
    {"type": "car_nk", "time_min": 100, "effector_to_target": 2}])");
  const auto marks = nk_doses(doses, 1000);
  ASSERT_EQ(marks.size(), 4u);  // 0, 100, 480, 960 (1440 is after the end)
  EXPECT_DOUBLE_EQ(marks[0].time_min, 0);
  EXPECT_EQ(marks[1].label, "dose: E:T 2 car_nk");
  EXPECT_DOUBLE_EQ(marks[2].time_min, 480);
  EXPECT_EQ(marks[3].label, "dose: 100 nk");
  EXPECT_DOUBLE_EQ(marks[3].time_min, 960);
}

// A scenario edited after the run must not lend its dose times to the report.
TEST(SpatialInputs, ScenarioIsUsedOnlyWhenItsHashMatches) {
  const fs::path dir = fresh_directory("report-facts");
  const std::string text =
      "[simulation]\ndomain_min_um = [-5, -6]\nvoxel_um = 10\n"
      "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\ntime_min = 30\ncount = 5\n";
  write_file(dir / "scenario.toml", text);
  nlohmann::json summary = {{"scenario_hash", fnv1a_hex(text)}, {"end_time_min", 60}};
  const ScenarioFacts facts = read_scenario_facts(dir, summary);
  EXPECT_EQ(facts.missing, "");
  ASSERT_EQ(facts.doses.size(), 1u);
  EXPECT_DOUBLE_EQ(facts.doses[0].time_min, 30);
  EXPECT_DOUBLE_EQ(facts.domain_min_um[1], -6);
  EXPECT_DOUBLE_EQ(facts.voxel_um, 10);
  summary["scenario_hash"] = fnv1a_hex(text + " ");
  const ScenarioFacts changed = read_scenario_facts(dir, summary);
  EXPECT_TRUE(changed.doses.empty());
  EXPECT_NE(changed.missing.find("hash"), std::string::npos);
}

TEST(SpatialInputs, UnitsFromTheCsvSidecar) {
  const fs::path dir = fresh_directory("report-units");
  EXPECT_TRUE(csv_units(dir / "counts.csv").empty());  // no sidecar: no units
  write_file(dir / "counts.csv-metadata.json",
             R"({"tableSchema": {"columns": [{"name": "time_min", "schema:unitText": "min"},
                 {"name": "o2_total", "schema:unitText": "mmHg x um^3"}, {"name": "x"}]}})");
  const auto units = csv_units(dir / "counts.csv");
  EXPECT_EQ(units.size(), 2u);
  EXPECT_EQ(units.at("o2_total"), "mmHg x um^3");
  EXPECT_EQ(readable_unit(units.at("o2_total")), "mmHg × µm³");
  EXPECT_EQ(readable_unit("um^2 x um"), "µm² × µm");
  write_file(dir / "counts.csv-metadata.json", "{not json");
  try {
    (void)csv_units(dir / "counts.csv");
    ADD_FAILURE() << "a malformed sidecar was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("counts.csv-metadata.json"), std::string::npos);
  }
}

TEST(ReportInputs, ReadsNumbersAndNamesBadCells) {
  const fs::path dir = fresh_directory("report-csv");
  write_file(dir / "a.csv", "time_days,T\n0,1e6\n0.5,nan\n");
  const NumericTable table = read_numeric_csv(dir / "a.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][1], 1e6);
  EXPECT_TRUE(table_records(table)[1]["T"].is_null());
  EXPECT_THROW((void)table.column("N"), InputError);
  write_file(dir / "b.csv", "time_days,T\n0,abc\n");
  try {
    read_numeric_csv(dir / "b.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("b.csv:2:3: 'T' must be a number, got 'abc'"),
              std::string::npos)
        << e.what();
  }
  write_file(dir / "c.csv", "time_days,T\n0\n");
  EXPECT_THROW(read_numeric_csv(dir / "c.csv"), InputError);
}

TEST(ReportInputs, PrettyNumbersForNewcomers) {
  EXPECT_EQ(pretty_number(1e6), "1 million");
  EXPECT_EQ(pretty_number(1.5e8), "150 million");
  EXPECT_EQ(pretty_number(2.5e9), "2.5 billion");
  EXPECT_EQ(pretty_number(315533.98), "316,000");
  EXPECT_EQ(pretty_number(-1234), "-1,230");
  EXPECT_EQ(pretty_number(0.4223), "0.422");
  EXPECT_EQ(pretty_number(1), "1");
  EXPECT_EQ(pretty_number(-1.2888e-5), "-1.29e-05");
}

TEST(Report, DetectsTheKindOfDirectory) {
  const fs::path dir = fresh_directory("report-detect");
  EXPECT_THROW(detect_report_kind(dir / "absent"), InputError);
  EXPECT_THROW(detect_report_kind(dir), InputError);
  write_file(dir / "summary.json", R"({"engine": "well_mixed"})");
  EXPECT_EQ(detect_report_kind(dir), ReportKind::kWellMixed);
  write_file(dir / "summary.json", R"({"engine": "spatial"})");
  EXPECT_EQ(detect_report_kind(dir), ReportKind::kSpatial);
  write_file(dir / "summary.json", R"({"engine": "spatial", "sweep": {}})");
  EXPECT_EQ(detect_report_kind(dir), ReportKind::kSweep);
  EXPECT_STREQ(report_kind_name(ReportKind::kSweep), "sweep");
  write_file(dir / "analysis.json", "{}");
  EXPECT_EQ(detect_report_kind(dir), ReportKind::kTrial);
}

TEST(Report, MissingChartLibraryTellsTheUserToRunSetup) {
  const fs::path dir = fresh_directory("report-nolib");
  write_file(dir / "summary.json", R"({"engine": "well_mixed"})");
  ReportOptions options;
  options.chart_library_dir = dir / "no_node_modules";
  try {
    write_report(dir, options);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scripts/setup.sh"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "report.html"));
}

TEST(JsonChecks, TrialAnalysisErrorsNameTheMember) {
  const fs::path dir = fresh_directory("report-schema");
  ASSERT_EQ(run_command(std::string(NKSIM_FIXTURE_WRITER) + " " + dir.string()).exit_code, 0);
  nlohmann::json analysis = read_json_file(dir / "trial" / "analysis.json");
  EXPECT_NO_THROW(check_trial_analysis(analysis, "analysis.json"));
  auto expect_error = [](const nlohmann::json& value, const std::string& message) {
    try {
      check_trial_analysis(value, "analysis.json");
      ADD_FAILURE() << "expected InputError: " << message;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  };
  nlohmann::json broken = analysis;
  broken["arms"][1]["km"].erase("survival");
  expect_error(broken, "analysis.json: arms[1].km.survival: missing");
  broken = analysis;
  broken["arms"][0]["km"]["lower"].push_back(0.5);
  expect_error(broken, "arms[0].km.lower: must have as many entries");
  broken = analysis;
  broken["patients"][2]["death"] = "no";
  expect_error(broken, "patients[2].death: must be true or false");
  broken = analysis;
  broken["arms"][0]["response"]["orr_ci"] = {0.1};
  expect_error(broken, "arms[0].response.orr_ci: must be [lower, upper]");
  // The command line reports it as bad input (exit 2).
  write_file(dir / "trial" / "analysis.json", broken.dump());
  EXPECT_EQ(run_cli("report " + (dir / "trial").string()).exit_code, 2);
}

// A run with systemic_supply: its systemic.csv is drawn beside the counts (blood level and
// arrivals on the tissue's time axis); without the file there is no such chart.
TEST(Report, SystemicCurveBesideTheTissueCharts) {
  const fs::path dir = fresh_directory("report-systemic");
  ASSERT_EQ(run_command(std::string(NKSIM_FIXTURE_WRITER) + " " + dir.string()).exit_code, 0);
  ReportOptions options;
  options.chart_library_dir = fake_library("lib_systemic");
  EXPECT_EQ(read_file(write_report(dir / "spatial", options)).find("chart-systemic"),
            std::string::npos);
  write_file(dir / "spatial" / "systemic.csv",
             "time_min,time_days,E,blood_level,p_recruit,recruited\n0,0,28.6,28.6,0.02,3\n"
             "60,0.0416666666666667,28.83,28.83,0.021,0\n");
  const std::string html = read_file(write_report(dir / "spatial", options));
  const auto chart = html.find("chart-systemic");
  ASSERT_NE(chart, std::string::npos);
  EXPECT_LT(html.find("chart-counts"), chart);  // right after the counts
  EXPECT_NE(html.find("28.83"), std::string::npos);
  write_file(dir / "spatial" / "systemic.csv", "time_min,E\n0,1\n");
  EXPECT_THROW(write_report(dir / "spatial", options), InputError);
}

// A run with viral_infection: its viral_* columns are drawn as infection states and infected
// fraction (not as a cell type "viral"), headed by the evidence note of the run's virus.
TEST(Report, InfectionChartsWithTheVirusEvidence) {
  const fs::path dir = fresh_directory("report-viral");
  ASSERT_EQ(run_command(std::string(NKSIM_FIXTURE_WRITER) + " " + dir.string()).exit_code, 0);
  ReportOptions options;
  options.chart_library_dir = fake_library("lib_viral");
  fs::remove_all(dir / "spatial" / "snapshots");
  fs::remove(dir / "spatial" / "snapshots.xdmf");
  write_file(dir / "spatial" / "counts.csv",
             "time_min,epithelium_live,virus_total,viral_susceptible,viral_eclipse,"
             "viral_productive,viral_refractory,viral_dead_by_virus,viral_killed_by_nk,"
             "viral_dead_other,viral_infected_fraction\n0,10,0,7,2,1,0,0,0,0,0.3\n"
             "60,9,12.5,5,1,2,1,1,0,0,0.3\n");
  nlohmann::json summary = read_json_file(dir / "spatial" / "summary.json");
  summary["readouts"]["viral_infection"] = {{"infection", "hbv"}};
  write_file(dir / "spatial" / "summary.json", summary.dump());
  const std::string html = read_file(write_report(dir / "spatial", options));
  EXPECT_NE(html.find("chart-viral_states"), std::string::npos);
  EXPECT_NE(html.find("chart-viral_fraction"), std::string::npos);
  EXPECT_NE(html.find("Evidence for NK cells against chronic hepatitis B: weak"),
            std::string::npos);
  EXPECT_EQ(html.find("\"viral\""), std::string::npos);  // not a cell type of the counts
}

TEST(Report, OptionalPartsMayBeAbsent) {
  const fs::path dir = fresh_directory("report-optional");
  ASSERT_EQ(run_command(std::string(NKSIM_FIXTURE_WRITER) + " " + dir.string()).exit_code, 0);
  ReportOptions options;
  options.chart_library_dir = fake_library("lib_optional");
  // A trial without log-rank tests, PRCC or trajectories: no spider or tornado chart.
  nlohmann::json analysis = read_json_file(dir / "trial" / "analysis.json");
  analysis.erase("logrank");
  analysis.erase("prcc");
  analysis.erase("trajectories");
  write_file(dir / "trial" / "analysis.json", analysis.dump());
  const std::string trial = read_file(write_report(dir / "trial", options));
  EXPECT_NE(trial.find("chart-kaplan_meier"), std::string::npos);
  EXPECT_EQ(trial.find("chart-spider"), std::string::npos);
  EXPECT_EQ(trial.find("chart-prcc"), std::string::npos);
  // A spatial run without snapshots, field columns or summary.json.
  fs::remove_all(dir / "spatial" / "snapshots");
  fs::remove(dir / "spatial" / "snapshots.xdmf");
  fs::remove(dir / "spatial" / "summary.json");
  write_file(dir / "spatial" / "counts.csv", "time_min,tumour_alive,nk_alive\n0,5,2\n10,4,2\n");
  const std::string spatial = read_file(write_report(dir / "spatial", options));
  EXPECT_NE(spatial.find("chart-counts"), std::string::npos);
  EXPECT_EQ(spatial.find("chart-fields"), std::string::npos);
  EXPECT_NE(spatial.find("wrote no snapshots"), std::string::npos);
  EXPECT_EQ(spatial.find("snapshots.xdmf"), std::string::npos);
}

TEST(JsonChecks, WellMixedSummaryNeedsItsMembers) {
  EXPECT_THROW(check_well_mixed_summary({{"engine", "well_mixed"}}, "summary.json"), InputError);
}

TEST(Evidence, CoversTheBuiltInModelsAndNkInfusion) {
  std::vector<std::string> keys = model_names();  // every built-in model has an entry
  keys.push_back("nk_infusion");
  for (const std::string& key : keys) {
    ASSERT_NE(find_evidence(key), nullptr) << key;
    EXPECT_FALSE(find_evidence(key)->text.empty());
  }
  EXPECT_NE(std::string(find_evidence("nk_infusion")->level).find("early-phase"),
            std::string::npos);
  EXPECT_EQ(find_evidence("no_such_mechanism"), nullptr);
}

TEST(Report, WellMixedRunFromTheCommandLine) {
  const fs::path dir = fresh_directory("report-well_mixed");
  const fs::path library = fake_library("lib_well_mixed");
  const std::string run = "NKSIM_REPORT_JS_DIR=" + library.string() + " " + NKSIM_BINARY +
                          " run scenarios/default.toml --quiet --report --out " +
                          (dir / "out").string();
  ASSERT_EQ(run_command(run, NKSIM_SOURCE_DIR).exit_code, 0);
  const std::string html = read_file(dir / "out" / "report.html");
  EXPECT_NE(html.find("/*VEGA*/"), std::string::npos);
  EXPECT_NE(html.find("/*EMBED*/"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);  // nothing fetched
  EXPECT_NE(html.find("id=\"headline\">With the NK-cell treatment, the tumour "),
            std::string::npos);
  EXPECT_NE(html.find("mouse RMA lymphoma"), std::string::npos);  // evidence beside the result
  EXPECT_NE(html.find("early-phase"), std::string::npos);
  EXPECT_NE(html.find("chart-populations"), std::string::npos);
  EXPECT_NE(html.find("\"timeseries\""), std::string::npos);
}

// A model whose cells are a level (nk_kinetics: cells/uL) charts them as populations, and only
// its cytokines and switches as drugs.
TEST(Report, CellLevelsArePopulations) {
  const fs::path dir = fresh_directory("report-cell_levels");
  const fs::path library = fake_library("lib_cell_levels");
  const std::string run = "NKSIM_REPORT_JS_DIR=" + library.string() + " " + NKSIM_BINARY +
                          " run scenarios/nk_kinetics_haplo_il2.toml --quiet --report --out " +
                          (dir / "out").string();
  ASSERT_EQ(run_command(run, NKSIM_SOURCE_DIR).exit_code, 0);
  const std::string html = read_file(dir / "out" / "report.html");
  EXPECT_NE(html.find("chart-populations"), std::string::npos);
  EXPECT_EQ(html.find("[cells/uL] over time, linear scale"), std::string::npos);
  EXPECT_NE(html.find("[pg/mL] over time, linear scale"), std::string::npos);
}

// The fibrosis, autoimmune and repair scenarios dose NK cells into N, but their reports show the
// model's own evidence row, not the cancer NK-infusion note.
TEST(Report, NonCancerModelsShowTheirOwnEvidenceNotTheCancerInfusionNote) {
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"fibrosis_hot_nk", "Adler 2020 fibrosis circuit"},
      {"autoimmune_nk", "NK regulation of autoreactive T cells"},
      {"repair_hypothesis", "HYPOTHESIS: NK-secreted growth factor"}};
  const fs::path library = fake_library("lib_non_cancer");
  for (const auto& [scenario, evidence] : runs) {
    const fs::path dir = fresh_directory("report-" + scenario);
    const std::string run = "NKSIM_REPORT_JS_DIR=" + library.string() + " " + NKSIM_BINARY +
                            " run scenarios/" + scenario + ".toml --quiet --report --out " +
                            (dir / "out").string();
    ASSERT_EQ(run_command(run, NKSIM_SOURCE_DIR).exit_code, 0) << scenario;
    const std::string html = read_file(dir / "out" / "report.html");
    EXPECT_NE(html.find(evidence), std::string::npos) << scenario;
    EXPECT_EQ(html.find("early-phase"), std::string::npos) << scenario;
  }
}

TEST(Report, CommandLineErrors) {
  const fs::path dir = fresh_directory("report-cli_errors");
  EXPECT_EQ(run_cli("report " + (dir / "absent").string()).exit_code, 2);
  write_file(dir / "summary.json", R"({"engine": "well_mixed"})");
  const auto no_library =
      run_cli("report " + dir.string() + " --js-dir " + (dir / "none").string());
  EXPECT_EQ(no_library.exit_code, 1);
  EXPECT_NE(no_library.output.find("scripts/setup.sh"), std::string::npos) << no_library.output;
}

TEST(Report, SpatialAndTrialFixtures) {
  const fs::path dir = fresh_directory("report-fixtures");
  ASSERT_EQ(run_command(std::string(NKSIM_FIXTURE_WRITER) + " " + dir.string()).exit_code, 0);
  ReportOptions options;
  options.chart_library_dir = fake_library("lib_fixtures");
  EXPECT_EQ(detect_report_kind(dir / "spatial"), ReportKind::kSpatial);
  const std::string spatial = read_file(write_report(dir / "spatial", options));
  for (const char* id : {"chart-counts", "chart-fields", "chart-snapshot_0", "chart-snapshot_1",
                         "snapshots.xdmf", "went from 9 to 6"}) {
    EXPECT_NE(spatial.find(id), std::string::npos) << id;
  }
  // Chosen times: the snapshot nearest to minute 80 only (snapshots at minutes 0 and 90).
  options.snapshot_times_min = {80};
  const std::string chosen = read_file(write_report(dir / "spatial", options));
  EXPECT_EQ(chosen.find("chart-snapshot_0"), std::string::npos);
  EXPECT_NE(chosen.find("chart-snapshot_1"), std::string::npos);
  // A slice 1 um thick through the middle of z (cells at z = 0, 0.25, ..., 2.75; middle 1.375):
  // the four cells at z = 1, 1.25, 1.5, 1.75.
  options.slice_um = 1;
  const std::string slice = read_file(write_report(dir / "spatial", options));
  EXPECT_NE(slice.find("4 in the slice z = 1.375"), std::string::npos);
  EXPECT_EQ(detect_report_kind(dir / "trial"), ReportKind::kTrial);
  const std::string trial = read_file(write_report(dir / "trial", options));
  for (const char* id : {"chart-response_rates", "chart-waterfall", "chart-kaplan_meier",
                         "chart-swimmer", "chart-spider", "chart-prcc", "nk_1e8"}) {
    EXPECT_NE(trial.find(id), std::string::npos) << id;
  }
}

}  // namespace
}  // namespace nksim::report
