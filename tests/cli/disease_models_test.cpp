// The fibrosis, autoimmune, repair and CML scenarios and the fibrosis, autoimmune and CML trials,
// end to end through the command line: each scenario runs and its outputs say what its comments
// claim; the trials run (with fewer patients) and analyse; the AML trial shows its threshold
// endpoints everywhere.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
namespace {

using nlohmann::json;
using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;

const std::string kScenarios = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";

// The value of `column` at `day` in a run's timeseries.csv.
double at_day(const std::filesystem::path& out, const std::string& column, double day) {
  const std::string csv = read_file(out / "timeseries.csv");
  std::size_t pos = csv.find('\n');
  const std::string header = csv.substr(0, pos);
  int index = -1, i = 0;
  for (std::size_t start = 0;; ++i) {
    const std::size_t comma = header.find(',', start);
    if (header.substr(start, comma - start) == column) index = i;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  EXPECT_GE(index, 0) << column;
  while (pos != std::string::npos && pos + 1 < csv.size()) {
    const std::size_t end = csv.find('\n', pos + 1);
    const std::string line = csv.substr(pos + 1, end - pos - 1);
    if (std::stod(line.substr(0, line.find(','))) == day) {
      std::size_t start = 0;
      for (int k = 0; k < index; ++k) start = line.find(',', start) + 1;
      return std::stod(line.substr(start, line.find(',', start) - start));
    }
    pos = end;
  }
  ADD_FAILURE() << "no row at day " << day;
  return NAN;
}

json run_scenario(const std::string& name, const std::filesystem::path& out) {
  const auto r = run_cli("run " + kScenarios + name + ".toml --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  return json::parse(read_file(out / "summary.json"));
}

// NK infusion for 60 days resolves hot fibrosis (F < 1/mL) within the year; N returns to the
// resident 1e6/mL.
TEST(DiseaseModels, FibrosisScenarioResolvesHotFibrosis) {
  const auto out = fresh_directory("disease-fibrosis") / "out";
  const json summary = run_scenario("fibrosis_hot_nk", out);
  EXPECT_EQ(summary["model"], "adler2020");
  EXPECT_EQ(summary["parameter_set"], "liver_nk");
  EXPECT_EQ(summary["outcome"], "eliminated");
  const double day = summary["elimination_time_days"].get<double>();
  EXPECT_GT(day, 60);  // after the infusion, by the circuit's own collapse
  EXPECT_LT(day, 150);
  EXPECT_NEAR(at_day(out, "F", 0), 309258.6, 1);
  EXPECT_GT(at_day(out, "N", 60), 2.14e6);  // above the threshold NK density
  EXPECT_NEAR(at_day(out, "N", 365), 1e6, 1e3);
}

// The autoimmune flare and the NK boost: N roughly triples, A falls by about a third, V falls.
TEST(DiseaseModels, AutoimmuneScenarioBoostsNkAndLowersActivatedTCells) {
  const auto out = fresh_directory("disease-autoimmune") / "out";
  const json summary = run_scenario("autoimmune_nk", out);
  EXPECT_EQ(summary["model"], "nk_autoimmune");
  EXPECT_EQ(summary["outcome"], "neither");
  const double n0 = at_day(out, "N", 100), n1 = at_day(out, "N", 156);
  const double a0 = at_day(out, "A", 100), a1 = at_day(out, "A", 156);
  EXPECT_GT(n1, 2.5 * n0);
  EXPECT_LT(a1, 0.7 * a0);
  EXPECT_LT(at_day(out, "V", 156), at_day(out, "V", 100));
  EXPECT_NEAR(at_day(out, "A", 240), a0, 0.01 * a0);  // back to the flare's steady state
}

// The repair hypothesis: vessel density rises above the no-NK level while NK cells are there and
// falls back towards it afterwards.
TEST(DiseaseModels, RepairScenarioRaisesVesselDensityWhileNkArePresent) {
  const auto out = fresh_directory("disease-repair") / "out";
  const json summary = run_scenario("repair_hypothesis", out);
  EXPECT_EQ(summary["model"], "nk_repair");
  const double peak = summary["tumour"]["max"].get<double>();
  EXPECT_GT(peak, 0.6);
  EXPECT_LT(at_day(out, "E", 180), 0.5);
  EXPECT_GT(at_day(out, "E", 180), 0.4);
}

// The fibrosis trial with 12 patients: runs, analyses, and the NK arms resolve more fibrosis than
// the control arm.
TEST(DiseaseModels, FibrosisTrialRunsAndAnalyses) {
  const auto dir = fresh_directory("disease-trial");
  std::filesystem::copy_file(kScenarios + "trial_fibrosis_nk_base.toml",
                             dir / "trial_fibrosis_nk_base.toml");
  std::string trial = read_file(kScenarios + "trial_fibrosis_nk.toml");
  const std::string patients = "patients = 100";
  ASSERT_NE(trial.find(patients), std::string::npos);
  trial.replace(trial.find(patients), patients.size(), "patients = 12");
  testing::write_file(dir / "t.toml", trial);
  const auto r = run_cli("trial run " + (dir / "t.toml").string() + " --out " +
                         (dir / "out").string() + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("36 of 36 plans"), std::string::npos) << r.output;
  const auto a = run_cli("trial analyse " + (dir / "out").string());
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const json analysis = json::parse(read_file(dir / "out" / "analysis.json"));
  ASSERT_EQ(analysis["arms"].size(), 3u);
  std::map<std::string, double> eliminated;
  for (const auto& arm : analysis["arms"]) {
    EXPECT_EQ(arm["n"], 12);
    EXPECT_EQ(arm["failed"], 0);
    eliminated[arm["name"].get<std::string>()] = arm["elimination"]["rate"].get<double>();
  }
  EXPECT_GT(eliminated["nk_full"], eliminated["control"]);
  EXPECT_GE(eliminated["nk_full"], eliminated["nk_half"]);
}

// The autoimmune trial with 12 patients: runs and analyses; no patient's flare "resolves" (the
// model's constant antigen keeps A above the 0.2/uL threshold), and more NK cells never raise A:
// for every patient the best change is ordered control >= boost >= boost_x2 (N enters dA/dt
// only as a loss, so a larger N gives a smaller A at all times).
TEST(DiseaseModels, AutoimmuneTrialOrdersEveryPatientsArms) {
  const auto dir = fresh_directory("disease-trial-autoimmune");
  std::filesystem::copy_file(kScenarios + "trial_autoimmune_nk_base.toml",
                             dir / "trial_autoimmune_nk_base.toml");
  std::string trial = read_file(kScenarios + "trial_autoimmune_nk.toml");
  const std::string patients = "patients = 100";
  ASSERT_NE(trial.find(patients), std::string::npos);
  trial.replace(trial.find(patients), patients.size(), "patients = 12");
  testing::write_file(dir / "t.toml", trial);
  const auto r = run_cli("trial run " + (dir / "t.toml").string() + " -q --out " +
                         (dir / "out").string() + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(run_cli("trial analyse " + (dir / "out").string()).exit_code, 0);
  ASSERT_EQ(run_cli("trial export " + (dir / "out").string()).exit_code, 0);
  const json analysis = json::parse(read_file(dir / "out" / "analysis.json"));
  for (const auto& arm : analysis["arms"]) {
    EXPECT_EQ(arm["n"], 12);
    EXPECT_EQ(arm["elimination"]["rate"].get<double>(), 0.0) << arm["name"];
  }
  // endpoints.csv: patient,arm,status,best_pct_change,...
  std::map<std::string, std::map<int, double>> best;
  std::istringstream rows(read_file(dir / "out" / "endpoints.csv"));
  std::string line;
  std::getline(rows, line);
  ASSERT_EQ(line.rfind("patient,arm,status,best_pct_change,", 0), 0u) << line;
  while (std::getline(rows, line)) {
    std::istringstream cells(line);
    std::string patient, arm, status, change;
    std::getline(cells, patient, ',');
    std::getline(cells, arm, ',');
    std::getline(cells, status, ',');
    std::getline(cells, change, ',');
    EXPECT_EQ(status, "ok");
    best[arm][std::stoi(patient)] = std::stod(change);
  }
  ASSERT_EQ(best["control"].size(), 12u);
  for (const auto& [patient, control] : best["control"]) {
    EXPECT_LE(best["boost"][patient], control + 1e-9) << "patient " << patient;
    EXPECT_LE(best["boost_x2"][patient], best["boost"][patient] + 1e-9) << "patient " << patient;
  }
}

// CML patient 20 (hahnel2020): the TKI is on until month 99 (day 3013.3125) and off after it;
// BCR-ABL1 (2 + log10(Y/K_Y), log10 %) is in deep response at the stop and stays below the
// relapse line of 0.1 % (-1) at every weekly output of the five years after it.
TEST(DiseaseModels, CmlTkiStopKeepsTreatmentFreeRemission) {
  const auto out = fresh_directory("disease-cml") / "out";
  const json summary = run_scenario("cml_tki_stop", out);
  EXPECT_EQ(summary["model"], "hahnel2020");
  const std::string csv = read_file(out / "timeseries.csv");
  EXPECT_EQ(csv.rfind("time_days,X,Y,Z,TKI,BCR_ABL1\n", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(at_day(out, "TKI", 3010), 1.0);
  EXPECT_EQ(at_day(out, "TKI", 3017), 0.0);
  EXPECT_LT(at_day(out, "BCR_ABL1", 3010), -2);
  double highest = -1e300;
  for (double day = 3017; day <= 4837; day += 7) {
    highest = std::max(highest, at_day(out, "BCR_ABL1", day));
  }
  EXPECT_LT(highest, -1);
  EXPECT_GT(highest, at_day(out, "BCR_ABL1", 3010));  // a rebound after the stop, then control
}

// The TFR trial with 21 patients: Latin-hypercube sampling draws each of the 21 parameter sets
// exactly once. Every patient of class A (no immune window, p_Z/(2 K_Z) <= a) relapses after the
// stop (peak of Y from the stop on at least 1e3 cells, 0.1 % of K_Y), and the fraction in
// treatment-free remission at 24 months lies inside IMMUNOSTIM's 95 % interval (31.4-58.8 %,
// Rea 2017).
TEST(DiseaseModels, CmlTfrTrialRelapsesClassAAndMatchesImmunostim) {
  const auto dir = fresh_directory("disease-trial-cml");
  std::filesystem::copy_file(kScenarios + "trial_cml_tfr_base.toml",
                             dir / "trial_cml_tfr_base.toml");
  std::string trial = read_file(kScenarios + "trial_cml_tfr.toml");
  const std::string patients = "patients = 210";
  ASSERT_NE(trial.find(patients), std::string::npos);
  trial.replace(trial.find(patients), patients.size(), "patients = 21");
  testing::write_file(dir / "t.toml", trial);
  const auto r = run_cli("trial run " + (dir / "t.toml").string() + " -q --out " +
                         (dir / "out").string() + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(run_cli("trial export " + (dir / "out").string()).exit_code, 0);
  // patients.csv: patient,parameter_set,m (...)
  std::map<int, std::string> set_of;
  std::istringstream patients_csv(read_file(dir / "out" / "patients.csv"));
  std::string line;
  std::getline(patients_csv, line);
  ASSERT_EQ(line.rfind("patient,parameter_set,", 0), 0u) << line;
  while (std::getline(patients_csv, line)) {
    const auto comma = line.find(',');
    set_of[std::stoi(line.substr(0, comma))] =
        line.substr(comma + 1, line.find(',', comma + 1) - comma - 1);
  }
  ASSERT_EQ(set_of.size(), 21u);
  std::set<std::string> distinct;
  for (const auto& [patient, set] : set_of) distinct.insert(set);
  EXPECT_EQ(distinct.size(), 21u);
  // endpoints.csv: patient,arm,status,...,peak,final_tumour
  std::istringstream rows(read_file(dir / "out" / "endpoints.csv"));
  std::getline(rows, line);
  const std::string tail = ",peak,final_tumour,relapse_value,relapse_met";
  ASSERT_GE(line.size(), tail.size());
  ASSERT_EQ(line.substr(line.size() - tail.size()), tail) << line;
  const std::set<std::string> class_a = {"patient2", "patient3",  "patient7",
                                         "patient9", "patient18", "patient19"};
  int stop_rows = 0, remission = 0;
  while (std::getline(rows, line)) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 14u) << line;
    if (cells[1] != "stop") continue;
    ++stop_rows;
    const std::string& set = set_of[std::stoi(cells[0])];
    const double peak = std::stod(cells[10]);
    if (class_a.count(set)) {
      EXPECT_GE(peak, 1e3) << set;
    }
    remission += peak < 1e3;
    // The time-to-relapse endpoint agrees with the peak: a crossing of 1000 exactly when the
    // peak after the stop exceeds it, within the follow-up after the stop (24 months).
    const double relapse_days = std::stod(cells[12]);
    EXPECT_EQ(cells[13] == "1", peak > 1e3) << set;
    EXPECT_GE(relapse_days, 0.0);
    EXPECT_LE(relapse_days, 3339.01375 - 2608.49375 + 1e-9) << set;  // follow-up - stop
  }
  ASSERT_EQ(stop_rows, 21);
  const double tfr = remission / 21.0;
  EXPECT_GE(tfr, 0.314) << remission << " of 21";
  EXPECT_LE(tfr, 0.588) << remission << " of 21";
}

// The virtual Bachanova 2014 through the command line with 10 patients: the threshold endpoints
// reach the table, analysis.json (rate = met / n inside its Wilson interval), endpoints.csv (a
// value and a met column each, the value on the right side of the level exactly when met) and
// the report (the model's evidence note).
TEST(DiseaseTrials, AmlTrialReportsItsThresholdEndpoints) {
  const auto dir = fresh_directory("aml_trial");
  std::string trial = read_file(kScenarios + "trial_aml_nk.toml");
  const std::string base = "base = \"trial_aml_nk_base.toml\"";
  trial.replace(trial.find(base), base.size(),
                "base = \"" + kScenarios + "trial_aml_nk_base.toml\"");
  const std::string patients = "patients = 400";
  ASSERT_NE(trial.find(patients), std::string::npos);
  trial.replace(trial.find(patients), patients.size(), "patients = 10");
  testing::write_file(dir / "t.toml", trial);
  const auto out = dir / "out";
  ASSERT_EQ(run_cli("trial run " + (dir / "t.toml").string() + " -q --out " + out.string() +
                    " --threads 2").exit_code, 0);
  const auto table = run_cli("trial analyse " + out.string());
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("il2dt expansion (E > 100 on day 14): "), std::string::npos)
      << table.output;
  EXPECT_NE(table.output.find("il2 CR (B < 5 on day 28): "), std::string::npos);
  const json analysis = json::parse(read_file(out / "analysis.json"));
  for (const auto& arm : analysis["arms"]) {
    ASSERT_EQ(arm["thresholds"].size(), 3u);
    const auto& expansion = arm["thresholds"][0];
    EXPECT_EQ(expansion["name"], "expansion");
    EXPECT_EQ(expansion["state"], "E");
    EXPECT_EQ(expansion["direction"], "above");
    EXPECT_EQ(expansion["n"], 10);
    const double rate = expansion["rate"].get<double>();
    EXPECT_DOUBLE_EQ(rate, expansion["met"].get<double>() / 10);
    EXPECT_LE(expansion["ci"][0].get<double>(), rate);
    EXPECT_GE(expansion["ci"][1].get<double>(), rate);
    EXPECT_EQ(arm["thresholds"][1]["direction"], "below");
    // Persistence: a time to the first crossing, with its Kaplan-Meier curve.
    const auto& persistence = arm["thresholds"][2];
    EXPECT_EQ(persistence["kind"], "first_crossing");
    ASSERT_TRUE(persistence.contains("km"));
    EXPECT_EQ(persistence["km"]["time_days"].size(),
              persistence["km"]["fraction_not_crossed"].size());
  }
  ASSERT_EQ(run_cli("trial export " + out.string()).exit_code, 0);
  std::istringstream rows(read_file(out / "endpoints.csv"));
  std::string line;
  std::getline(rows, line);
  const std::string tail =
      ",expansion_value,expansion_met,CR_value,CR_met,persistence_value,persistence_met";
  ASSERT_GE(line.size(), tail.size());
  EXPECT_EQ(line.substr(line.size() - tail.size()), tail) << line;
  int n = 0;
  while (std::getline(rows, line)) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 18u) << line;
    EXPECT_EQ(std::stod(cells[12]) > 100, cells[13] == "1") << line;
    EXPECT_EQ(std::stod(cells[14]) < 5, cells[15] == "1") << line;
    EXPECT_GE(std::stod(cells[16]), 0.0) << line;  // days after day 1, <= 27 (follow-up 28)
    EXPECT_LE(std::stod(cells[16]), 27.0) << line;
    ++n;
  }
  EXPECT_EQ(n, 20);
  const auto library = testing::fake_chart_library(dir / "lib");
  const auto report = testing::run_command("NKSIM_REPORT_JS_DIR=" + library.string() + " " +
                                           std::string(NKSIM_BINARY) + " report " + out.string());
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(read_file(out / "report.html").find("Bachanova 2014"), std::string::npos);
}

}  // namespace
}  // namespace nksim
