// The repair trial (scenarios/trial_repair_nk.toml, a HYPOTHESIS on nk_repair, evidence weak)
// end to end through the command line with 12 patients: it runs, analyses and exports; its two
// vessel-density endpoints reach analysis.json and endpoints.csv; the untreated arm's day-34
// vessel density is the closed form of nk_repair without NK cells (1e-6 relative; the base sets
// atol = 1e-10), and more NK cells never give
// a patient fewer vessels.
//
// Without NK cells the growth factor stays at G0 = g_0/d_G = 10 pg/mL, h0 = G0/(K_G + G0) = 1/6,
// and the vessel density is logistic: with a = r_E h0 - d_E and K = E_max (1 - d_E/(r_E h0)),
//     E(t) = K E0 e^{a t} / (K + E0 (e^{a t} - 1)),   E0 = 0.3.
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace repair_trial_test {

using nlohmann::json;
using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;

TEST(RepairTrial, RunsAnalysesAndMeetsTheClosedFormWithoutNkCells) {
  const auto dir = fresh_directory("repair_trial");
  const auto trial = testing::small_shipped_trial("trial_repair_nk.toml", dir, 12);
  const auto out = dir / "out";
  const auto ran =
      run_cli("trial run " + trial.string() + " -q --out " + out.string() + " --threads 2");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  const auto table = run_cli("trial analyse " + out.string());
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("nk_full vessels_day34 (E > 0.6 on day 34): "), std::string::npos)
      << table.output;
  EXPECT_NE(table.output.find("control vessels_half (first E > 0.5 after day 0): "),
            std::string::npos);

  const json analysis = json::parse(read_file(out / "analysis.json"));
  ASSERT_EQ(analysis["arms"].size(), 3u);
  std::map<std::string, double> met_day34;
  for (const auto& arm : analysis["arms"]) {
    ASSERT_EQ(arm["thresholds"].size(), 2u);
    EXPECT_EQ(arm["thresholds"][0]["name"], "vessels_day34");
    EXPECT_EQ(arm["thresholds"][0]["n"], 12);
    EXPECT_EQ(arm["thresholds"][1]["kind"], "first_crossing");
    met_day34[arm["name"].get<std::string>()] = arm["thresholds"][0]["met"].get<double>();
  }
  EXPECT_LE(met_day34["control"], met_day34["nk_half"]);
  EXPECT_LE(met_day34["nk_half"], met_day34["nk_full"]);
  EXPECT_GT(met_day34["nk_full"], met_day34["control"]);

  ASSERT_EQ(run_cli("trial export " + out.string()).exit_code, 0);
  std::map<int, double> r_e;
  for (const auto& row : testing::read_csv_rows(out / "patients.csv")) {
    r_e[std::stoi(row.at("patient"))] = std::stod(row.at("r_E (1/day)"));
  }
  ASSERT_EQ(r_e.size(), 12u);
  std::map<std::string, std::map<int, double>> day34;
  for (const auto& row : testing::read_csv_rows(out / "endpoints.csv")) {
    ASSERT_EQ(row.at("status"), "ok");
    const double v = std::stod(row.at("vessels_day34_value"));
    EXPECT_EQ(v > 0.6, row.at("vessels_day34_met") == "1");
    day34[row.at("arm")][std::stoi(row.at("patient"))] = v;
  }
  for (const auto& [patient, r] : r_e) {
    const double h0 = 10.0 / 60.0, a = r * h0 - 0.02, k = 1 - 0.02 / (r * h0);
    const double g = std::exp(a * 34);
    const double closed = k * 0.3 * g / (k + 0.3 * (g - 1));
    EXPECT_NEAR(day34["control"][patient], closed, 1e-6 * closed) << "patient " << patient;
    EXPECT_GE(day34["nk_half"][patient], day34["control"][patient]) << "patient " << patient;
    EXPECT_GE(day34["nk_full"][patient], day34["nk_half"][patient]) << "patient " << patient;
  }
}

}  // namespace repair_trial_test
}  // namespace nksim
