// `nksim calibrate` end to end: the real binary calibrates the per-contact commit probability
// p_max of a small killing assay to a lysis curve that nksim itself produced at a known p_max,
// and rejects bad specifications naming file, line and key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_cli.h"

namespace nksim {
namespace calibrate_cli_test {

using testing::fresh_directory;
using testing::quoted;
using testing::read_file;
using testing::run_cli;
using testing::write_file;

// killing_assay_2d.toml made smaller: 40 targets on 450 um x 450 um (the same density), 2 h.
std::string small_assay(double p_max) {
  std::string text = read_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/killing_assay_2d.toml");
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
  };
  replace("domain_max_um = [700, 700]", "domain_max_um = [450, 450]");
  replace("count = 100", "count = 40");
  replace("end_time_min = 240", "end_time_min = 120");
  replace("p_max = 0.5 ", "p_max = " + std::to_string(p_max) + " ");
  return text;
}

constexpr double kTrueP = 0.1;

// The data: nksim's own lysis at p_max = 0.1 (a [sweep] run with its control), sd 5 points.
void write_inputs(const std::filesystem::path& dir, int population, int generations) {
  write_file(dir / "assay.toml", small_assay(0.5));
  write_file(dir / "truth.toml", "[sweep]\nparameter = \"mechanisms.nk_infusion.dose[1]."
                                 "effector_to_target\"\nvalues = [0, 1, 3]\nreadout = "
                                 "\"specific_lysis\"\n" + small_assay(kTrueP));
  const auto r = run_cli("run " + quoted(dir / "truth.toml") + " --out " + quoted(dir / "truth") +
                         " -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto truth = nlohmann::json::parse(read_file(dir / "truth" / "summary.json"));
  std::ostringstream csv;
  csv << "# lysis simulated by nksim at p_max = 0.1\neffector_to_target,lysis_percent,sd\n";
  for (const auto& point : truth["specific_lysis"]["by_value"]) {
    csv << point["value"].get<double>() << "," << point["specific_lysis_percent"].get<double>()
        << ",5\n";
  }
  write_file(dir / "lysis.csv", csv.str());
  write_file(dir / "calibrate.toml",
             "[calibrate]\nscenario = \"assay.toml\"\ndata = \"lysis.csv\"\nseed = 3\n"
             "replicates = 2\n[abc]\npopulation = " + std::to_string(population) +
                 "\nmax_generations = " + std::to_string(generations) +
                 "\nquantile = 0.5\nmax_simulations = 200\n[[parameter]]\nname = \"p_max\"\n"
                 "path = \"mechanisms.nk_recognition_kill.nk.recognition.p_max\"\n"
                 "lower = 0.05\nupper = 1\n");
}

TEST(CalibrateCli, MovesThePosteriorTowardsTheValueThatMadeTheDataAndWritesEveryFile) {
  const auto dir = fresh_directory("calibrate-cli");
  write_inputs(dir, 10, 1);
  const auto out = dir / "out";
  const auto r = run_cli("calibrate " + quoted(dir / "calibrate.toml") + " --out " + quoted(out) +
                         " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ABC-SMC calibration of 1 parameter to 2 E:T points"),
            std::string::npos) << r.output;
  for (const char* file :
       {"particles.csv", "generations.csv", "posterior.csv", "curve.csv", "summary.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out / file)) << file;
  }
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  ASSERT_EQ(summary["generations"].size(), 2u);  // the prior and one generation
  EXPECT_TRUE(summary["generations"][0]["epsilon"].is_null());  // infinity
  EXPECT_EQ(summary["posterior"].size(), 1u);
  EXPECT_EQ(summary["curve_at_posterior_median"].size(), 2u);
  EXPECT_EQ(summary["curve_at_posterior_median"][0]["simulated_replicates"].size(), 2u);
  // The prior's mean is 0.525; after one generation the posterior must lie nearer the truth.
  const double mean = summary["posterior"][0]["mean"].get<double>();
  EXPECT_LT(std::abs(mean - kTrueP), std::abs(0.525 - kTrueP) - 0.1) << mean;
  // particles.csv: a header and 2 generations x 10 particles, each generation's weights sum to 1.
  std::istringstream particles(read_file(out / "particles.csv"));
  std::string line;
  std::getline(particles, line);
  EXPECT_EQ(line, "generation,particle,p_max,weight,distance");
  double weights[2] = {0, 0};
  int rows = 0;
  while (std::getline(particles, line)) {
    ++rows;
    std::istringstream fields(line);
    std::string g, i, p, w;
    std::getline(fields, g, ',');
    std::getline(fields, i, ',');
    std::getline(fields, p, ',');
    std::getline(fields, w, ',');
    weights[std::stoi(g)] += std::stod(w);
  }
  EXPECT_EQ(rows, 20);
  EXPECT_NEAR(weights[0], 1.0, 1e-9);
  EXPECT_NEAR(weights[1], 1.0, 1e-9);
  const std::string posterior = read_file(out / "posterior.csv");
  EXPECT_EQ(posterior.rfind("parameter,path,prior,prior_lower,prior_upper,mean,median,q05,q95,"
                            "identified\n", 0), 0u) << posterior;
}

TEST(CalibrateCli, SameFilesAtOneAndTwoThreads) {
  const auto dir = fresh_directory("calibrate-threads");
  write_inputs(dir, 4, 1);
  for (const char* threads : {"1", "2"}) {
    const auto r = run_cli("calibrate " + quoted(dir / "calibrate.toml") + " -q --out " +
                           quoted(dir / (std::string("t") + threads)) + " --threads " + threads);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_EQ(read_file(dir / "t1" / "particles.csv"), read_file(dir / "t2" / "particles.csv"));
  EXPECT_EQ(read_file(dir / "t1" / "curve.csv"), read_file(dir / "t2" / "curve.csv"));
}

TEST(CalibrateCli, BadSpecsNameFileLineAndKey) {
  const auto dir = fresh_directory("calibrate-bad");
  write_file(dir / "assay.toml", small_assay(0.5));
  write_file(dir / "lysis.csv", "effector_to_target,lysis_percent,sd\n1,20,5\n2,30,5\n");
  const std::string head = "[calibrate]\nscenario = \"assay.toml\"\ndata = \"lysis.csv\"\n";
  const std::string parameter =
      "[[parameter]]\nname = \"p\"\npath = \"mechanisms.nk_recognition_kill.nk.recognition."
      "p_max\"\nlower = 0.05\nupper = 1\n";
  const auto fails_with = [&](const std::string& spec, const std::string& expected) {
    write_file(dir / "spec.toml", spec);
    const auto r = run_cli("calibrate " + quoted(dir / "spec.toml") + " --out " +
                           quoted(dir / "out"));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  };
  write_file(dir / "good.toml", head + parameter);
  const auto valid = run_cli("validate " + quoted(dir / "good.toml"));
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_NE(valid.output.find("valid calibration (1 parameter, 2 E:T points"), std::string::npos)
      << valid.output;
  // The CSV's bad number: file, line and column.
  write_file(dir / "lysis.csv", "effector_to_target,lysis_percent,sd\n1,20,5\n2,abc,5\n");
  fails_with(head + parameter, "lysis.csv:3:3: 'lysis_percent' must be a finite number");
  write_file(dir / "lysis.csv", "effector_to_target,lysis_percent,sd\n1,20,5\n");
  fails_with(head + "[abc]\npopulation = 1\n" + parameter, "spec.toml:5");
  fails_with(head + "[abc]\npopulation = 1\n" + parameter, "abc.population");
  fails_with(head + "[[parameter]]\nname = \"p\"\npath = \"mechanisms.nope.x\"\nlower = 0\n"
                    "upper = 1\n",
             "parameter[1].path");
  fails_with(head + parameter + "upper_bound = 3\n", "upper_bound");
  fails_with(head + "[[parameter]]\nname = \"p\"\npath = \"mechanisms.nk_recognition_kill.nk."
                    "recognition.p_max\"\nlower = 0\nupper = 1\nlog = true\n",
             "parameter[1].lower");
}

}  // namespace calibrate_cli_test
}  // namespace nksim
