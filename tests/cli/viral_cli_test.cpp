// End-to-end: the viral scenarios (influenza with and without an NK infusion, chronic HBV with
// NK infusions) run, write their read-outs and derived columns, and report them with their
// evidence level; the HBV NK trial runs and is analysed.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace viral_cli_test {

using testing::fresh_directory;
using testing::quoted;
using testing::read_file;
using testing::run_cli;
using testing::run_command;
using testing::write_file;
namespace fs = std::filesystem;

const std::string kScenarios = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";

struct ViralRun {
  nlohmann::json summary;
  std::string csv_header;
  std::string html;
};

ViralRun run_viral(const std::string& scenario) {
  const fs::path dir = fresh_directory("viral-" + scenario);
  const fs::path library = testing::fake_chart_library(dir / "lib");
  const fs::path file = kScenarios + scenario + ".toml";
  const auto r = run_command("NKSIM_REPORT_JS_DIR=" + quoted(library) + " " +
                             std::string(NKSIM_BINARY) + " run " + quoted(file) +
                             " --quiet --report --out " + quoted(dir / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  ViralRun run;
  if (r.exit_code != 0) return run;
  run.summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  const std::string csv = read_file(dir / "out" / "timeseries.csv");
  run.csv_header = csv.substr(0, csv.find('\n'));
  run.html = read_file(dir / "out" / "report.html");
  // Every target-state read-out is in summary.json, under "tumour" (the engine's target state).
  const auto& t = run.summary["tumour"];
  EXPECT_EQ(t["state"], "V");
  for (const char* key : {"max", "max_time_days", "final", "auc", "set_point_log10",
                          "set_point_window_days", "unit", "clearance_time_days"}) {
    EXPECT_TRUE(t.contains(key)) << scenario << ": no tumour." << key;
  }
  EXPECT_TRUE(run.summary.contains("elimination_time_days"));
  // The report shows the read-outs with the evidence level beside them, and never the
  // solid-tumour note on NK infusions.
  EXPECT_NE(run.html.find("Read-outs of V"), std::string::npos) << scenario;
  EXPECT_NE(run.html.find("Evidence behind these numbers"), std::string::npos) << scenario;
  EXPECT_EQ(run.html.find("Solid tumours"), std::string::npos) << scenario;
  // The viral load has its own log-scale chart, with its clearance as the event (not a tumour's
  // elimination).
  EXPECT_NE(run.html.find("id=\"chart-target\""), std::string::npos) << scenario;
  EXPECT_NE(run.html.find("[" + t["unit"].get<std::string>() + "] over time, log scale"),
            std::string::npos)
      << scenario;
  EXPECT_EQ(run.html.find("tumour eliminated ("), std::string::npos) << scenario;
  // The headline speaks of the viral load, not of a tumour.
  const std::size_t start = run.html.find("id=\"headline\">");
  EXPECT_NE(start, std::string::npos) << scenario;
  if (start != std::string::npos) {
    const std::string headline = run.html.substr(start, run.html.find("</p>", start) - start);
    EXPECT_EQ(headline.find("tumour"), std::string::npos) << headline;
    EXPECT_NE(headline.find("V (" + t["unit"].get<std::string>() + ") peaked at "),
              std::string::npos)
        << headline;
  }
  return run;
}

TEST(Viral, AcuteInfluenzaPeaksAndSettlesWithR0AsAColumn) {
  const ViralRun run = run_viral("influenza_acute");
  EXPECT_EQ(run.csv_header, "time_days,UH,UE,UI,UR,V,F,K,R0");
  const auto& t = run.summary["tumour"];
  EXPECT_NEAR(t["max"].get<double>(), 3.3e4, 0.01 * 3.3e4);
  EXPECT_NEAR(t["max_time_days"].get<double>(), 1.58, 0.02);
  // No adaptive immunity: the virus persists at the steady state (355 EID50/mL), never cleared.
  EXPECT_TRUE(t["clearance_time_days"].is_null());
  EXPECT_NEAR(t["final"].get<double>(), 355, 0.05 * 355);
  EXPECT_NE(run.html.find("NK role in early control: moderate"), std::string::npos);
  EXPECT_NE(run.html.find("R0: reproduction number"), std::string::npos);
}

TEST(Viral, NkInfusionClearsInfluenzaAndLowersThePeak) {
  const ViralRun plain = run_viral("influenza_acute");
  const ViralRun nk = run_viral("influenza_nk_infusion");
  ASSERT_TRUE(nk.summary["tumour"]["clearance_time_days"].is_number());
  EXPECT_LT(nk.summary["tumour"]["clearance_time_days"].get<double>(), 4.0);
  EXPECT_LT(nk.summary["tumour"]["max"].get<double>(),
            0.2 * plain.summary["tumour"]["max"].get<double>());
  EXPECT_NE(nk.html.find("NK-cell infusion against influenza"), std::string::npos);
  EXPECT_NE(nk.html.find("V cleared (day 2.76)"), std::string::npos);
}

TEST(Viral, ChronicHbvWithNkInfusionsShowsItsWeakEvidence) {
  const ViralRun run = run_viral("hbv_nk_infusion");
  EXPECT_EQ(run.csv_header, "time_days,T,I,V,N,R");
  const auto& t = run.summary["tumour"];
  // The NK infusions lower the viral load below its chronic set point, which it regains.
  EXPECT_LT(t["min"].get<double>(), 0.9 * run.summary["initial"]["V"].get<double>());
  EXPECT_NEAR(t["final"].get<double>(), run.summary["initial"]["V"].get<double>(),
              0.02 * run.summary["initial"]["V"].get<double>());
  EXPECT_NE(run.html.find("NK cells in chronic hepatitis B"), std::string::npos);
  EXPECT_NE(run.html.find("Evidence behind these numbers: weak"), std::string::npos);
}

TEST(Viral, HbvNkTrialRunsAndIsAnalysed) {
  const fs::path dir = fresh_directory("viral-trial");
  fs::copy_file(kScenarios + "trial_hbv_nk_base.toml", dir / "trial_hbv_nk_base.toml");
  std::string trial = read_file(kScenarios + "trial_hbv_nk.toml");
  const std::string from = "patients = 100";
  ASSERT_NE(trial.find(from), std::string::npos);
  trial.replace(trial.find(from), from.size(), "patients = 6");
  write_file(dir / "trial_hbv_nk.toml", trial);
  const auto run = run_cli("trial run " + quoted(dir / "trial_hbv_nk.toml") + " --quiet --out " +
                           quoted(dir / "out") + " --threads 2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto analyse = run_cli("trial analyse " + quoted(dir / "out"));
  ASSERT_EQ(analyse.exit_code, 0) << analyse.output;
  const auto exported = run_cli("trial export " + quoted(dir / "out"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  for (const char* file : {"analysis.json", "endpoints.csv", "trial.sqlite"}) {
    EXPECT_TRUE(fs::exists(dir / "out" / file)) << file;
  }
  const auto analysis = nlohmann::json::parse(read_file(dir / "out" / "analysis.json"));
  ASSERT_EQ(analysis["arms"].size(), 2u);
  // The larger dose lowers the viral load more: more partial responses (>= 30 % fall).
  const auto count = [&](std::size_t arm, const char* category) {
    return analysis["arms"][arm]["response"].value(category, 0);
  };
  EXPECT_GT(count(1, "PR"), count(0, "PR")) << analysis["arms"].dump();
  const std::string endpoints = read_file(dir / "out" / "endpoints.csv");
  EXPECT_NE(endpoints.find("best_pct_change"), std::string::npos);
  EXPECT_NE(endpoints.find("peak"), std::string::npos);
  // The trial's report names the model's evidence and the viral NK-infusion note, not the
  // solid-tumour one.
  EXPECT_EQ(analysis["trial"].value("model", std::string()), "viral_nk");
  const fs::path library = testing::fake_chart_library(dir / "lib");
  const auto report = run_command("NKSIM_REPORT_JS_DIR=" + quoted(library) + " " +
                                  std::string(NKSIM_BINARY) + " report " + quoted(dir / "out"));
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string html = read_file(dir / "out" / "report.html");
  EXPECT_NE(html.find("HCV moderate association"), std::string::npos);
  EXPECT_NE(html.find("NK-cell infusion against a chronic viral infection"), std::string::npos);
  EXPECT_EQ(html.find("Solid tumours"), std::string::npos);
}

}  // namespace viral_cli_test
}  // namespace nksim
