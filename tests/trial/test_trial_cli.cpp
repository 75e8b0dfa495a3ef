// End-to-end: `nksim trial run|analyse|export`, `nksim-mpi` and `nksim dose-find`.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "nksim/core/text.h"
#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::CliResult;
using testing::quoted;
using testing::run_command;
using testing::TempDir;

const std::string kNksim = NKSIM_BINARY;
const std::string kMpi =
    std::string(kMpiEnv) + NKSIM_MPIEXEC + " --oversubscribe --allow-run-as-root -np ";

CliResult run_trial(const std::filesystem::path& file, const std::filesystem::path& out,
                    int threads) {
  return run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out) +
                     " --threads " + std::to_string(threads));
}

CliResult run_mpi(const std::filesystem::path& file, const std::filesystem::path& out, int ranks) {
  return run_command(kMpi + std::to_string(ranks) + " " + NKSIM_MPI_BINARY + " " + quoted(file) +
                     " --out " + quoted(out));
}

TEST(TrialDeterminism, SameRowsAtOneAndTwoThreads) {
  TempDir dir("threads");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(40, "lhs"));
  const auto one = run_trial(file, dir.path() / "one", 1);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = run_trial(file, dir.path() / "two", 2);
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const auto rows = endpoint_rows(dir.path() / "one");
  EXPECT_EQ(rows.size(), 80u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "two"));
}

TEST(TrialDeterminism, SameRowsWithOneAndTwoMpiRanksAsWithThreads) {
  TempDir dir("mpi");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(40, "sobol"));
  const auto threads = run_trial(file, dir.path() / "threads", 2);
  ASSERT_EQ(threads.exit_code, 0) << threads.output;
  const auto one = run_mpi(file, dir.path() / "one", 1);
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = run_mpi(file, dir.path() / "two", 2);
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const auto rows = endpoint_rows(dir.path() / "threads");
  EXPECT_EQ(rows.size(), 80u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "one"));
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "two"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "two" / "parts"));
}

TEST(TrialAnalysis, WritesTheAnalysisJsonSchemaAndCsv) {
  TempDir dir("analyse");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(30, "monte_carlo"));
  ASSERT_EQ(run_trial(file, dir.path() / "out", 2).exit_code, 0);
  const auto analysis = run_command(kNksim + " trial analyse " + quoted(dir.path() / "out"));
  ASSERT_EQ(analysis.exit_code, 0) << analysis.output;
  EXPECT_NE(analysis.output.find("ORR"), std::string::npos) << analysis.output;
  EXPECT_NE(analysis.output.find("Log-rank"), std::string::npos);
  EXPECT_NE(analysis.output.find("PRCC"), std::string::npos);
  std::ifstream in(dir.path() / "out" / "analysis.json");
  const auto json = nlohmann::json::parse(in);
  EXPECT_EQ(json["trial"]["patients"], 30);
  EXPECT_EQ(json["trial"]["seed"], 99);
  EXPECT_EQ(json["trial"]["arms"], nlohmann::json({"low", "high"}));
  EXPECT_EQ(json["trial"]["follow_up_days"], 40.0);
  ASSERT_EQ(json["arms"].size(), 2u);
  for (const auto& arm : json["arms"]) {
    EXPECT_EQ(arm["n"], 30);
    const auto& r = arm["response"];
    EXPECT_EQ(r["CR"].get<int>() + r["PR"].get<int>() + r["SD"].get<int>() + r["PD"].get<int>(),
              30);
    EXPECT_EQ(r["orr_ci"].size(), 2u);
    EXPECT_EQ(arm["elimination"]["ci"].size(), 2u);
    EXPECT_TRUE(arm.contains("ttp_median_days"));
    for (const char* key : {"time_days", "survival", "lower", "upper", "at_risk", "events"}) {
      EXPECT_EQ(arm["km"][key].size(), arm["km"]["time_days"].size()) << key;
    }
  }
  ASSERT_EQ(json["logrank"].size(), 1u);
  EXPECT_EQ(json["logrank"][0]["arm_a"], "low");
  EXPECT_TRUE(json["logrank"][0]["p_value"].is_number());
  ASSERT_FALSE(json["prcc"].empty());
  for (const auto& p : json["prcc"]) {
    EXPECT_TRUE(p["endpoint"].is_string());
    EXPECT_TRUE(p["parameter"] == "c" || p["parameter"] == "initial.T") << p;
    EXPECT_LE(std::abs(p["prcc"].get<double>()), 1.0);
  }
  EXPECT_EQ(json["patients"].size(), 60u);
  for (const char* key : {"patient", "arm", "best_pct_change", "category", "ttp_days",
                          "survival_days", "death", "elimination_time_days", "peak"}) {
    EXPECT_TRUE(json["patients"][0].contains(key)) << key;
  }
  EXPECT_EQ(json["trajectories"].size(), 40u);  // 20 per arm
  EXPECT_EQ(json["trajectories"][0]["tumour"].size(), json["trajectories"][0]["time_days"].size());

  const auto exported = run_command(kNksim + " trial export " + quoted(dir.path() / "out"));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::ifstream csv(dir.path() / "out" / "endpoints.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("patient,arm,status,best_pct_change,category", 0), 0u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "patients.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / "timeseries.csv"));

  // The selection section: each arm's AUC of c for objective response, recomputed here from
  // the exported sampled values and the analysed categories by the pairwise definition.
  std::ifstream patients_csv(dir.path() / "out" / "patients.csv");
  std::string line;
  std::getline(patients_csv, line);
  const auto csv_header = split_list(line);
  std::size_t c_column = csv_header.size();
  for (std::size_t k = 0; k < csv_header.size(); ++k)
    if (csv_header[k].rfind("c (", 0) == 0) c_column = k;
  ASSERT_LT(c_column, csv_header.size()) << line;
  std::map<int, double> c_of;
  while (std::getline(patients_csv, line)) {
    const auto cells = split_list(line);
    c_of[std::stoi(cells[0])] = std::stod(cells[c_column]);
  }
  ASSERT_EQ(json["selection"].size(), 2u);
  for (const auto& arm : json["selection"]) {
    EXPECT_EQ(arm["outcome"], "objective_response");
    EXPECT_EQ(arm["n"], 30);
    std::vector<double> pos, neg;
    for (const auto& p : json["patients"]) {
      if (p["arm"] != arm["arm"]) continue;
      const bool responded = p["category"] == "CR" || p["category"] == "PR";
      (responded ? pos : neg).push_back(c_of.at(p["patient"].get<int>()));
    }
    EXPECT_EQ(arm["responders"].get<std::size_t>(), pos.size());
    if (pos.empty() || neg.empty()) {
      EXPECT_TRUE(arm["features"].empty());
      continue;
    }
    double won = 0;
    for (double x : pos)
      for (double y : neg) won += x > y ? 1.0 : x == y ? 0.5 : 0.0;
    const double auc = won / static_cast<double>(pos.size() * neg.size());
    bool found = false;
    for (const auto& f : arm["features"]) {
      if (f["parameter"] != "c") continue;
      found = true;
      EXPECT_NEAR(f["auc"].get<double>(), auc, 1e-12);
      EXPECT_LE(f["ci"][0].get<double>(), auc);
      EXPECT_GE(f["ci"][1].get<double>(), auc);
    }
    EXPECT_TRUE(found) << arm;
  }
  EXPECT_NE(analysis.output.find("Who responds"), std::string::npos) << analysis.output;
}

struct BadInput {
  const char* name;
  std::string body;
  const char* expected;  // in the message: "file:line" is checked separately
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class TrialBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(TrialBadInput, ExitsWithCodeTwoNamingTheKeyAndCreatesNothing) {
  TempDir dir("bad");
  const auto file = write_trial(dir.path(), "bad.toml", GetParam().body);
  const auto out = dir.path() / "out";
  const auto result = run_trial(file, out, 1);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("bad.toml:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(GetParam().expected), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  const auto mpi = run_mpi(file, dir.path() / "mpi", 2);
  EXPECT_EQ(mpi.exit_code, 2) << mpi.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "mpi"));
}

const std::string kArms = "\n[[arm]]\nname = \"a\"\n";

INSTANTIATE_TEST_SUITE_P(
    Trial, TrialBadInput,
    ::testing::Values(
        BadInput{"unknown_parameter",
                 "patients = 5\n[[distribution]]\nparameter = \"cc\"\nkind = \"uniform\"\n"
                 "lower = 1\nupper = 2\n" +
                     kArms,
                 "'distribution[1].parameter' is 'cc', not a parameter of depillis2005"},
        BadInput{"impossible_bounds",
                 "patients = 5\n[[distribution]]\nparameter = \"c\"\nkind = \"uniform\"\n"
                 "lower = 2e-7\nupper = 1e-7\n" +
                     kArms,
                 "'distribution[1].upper' must be greater than lower"},
        BadInput{"empty_truncation",
                 "patients = 5\n[[distribution]]\nparameter = \"a\"\nkind = \"normal\"\n"
                 "mean = 0.5\nsd = 0.01\nlower = 2\nupper = 3\n" +
                     kArms,
                 "'distribution[1].lower' and upper leave no probability"},
        BadInput{"zero_patients", "patients = 0\n" + kArms, "'trial.patients'"},
        BadInput{"not_positive_definite",
                 "patients = 5\n[[distribution]]\nparameter = \"a\"\nkind = \"uniform\"\n"
                 "lower = 0.4\nupper = 0.6\n[[distribution]]\nparameter = \"c\"\n"
                 "kind = \"uniform\"\nlower = 1e-7\nupper = 5e-7\n[[distribution]]\n"
                 "parameter = \"g\"\nkind = \"uniform\"\nlower = 0.01\nupper = 0.03\n"
                 "[correlation]\nparameters = [\"a\", \"c\", \"g\"]\n"
                 "matrix = [[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]\n" +
                     kArms,
                 "'correlation.matrix' is not positive definite"},
        BadInput{"unknown_key", "patients = 5\npateints = 3\n" + kArms, "did you mean 'patients'"},
        BadInput{"no_arm", "patients = 5\n", "'arm' is missing"},
        BadInput{"peak_after_without_peak_state",
                 "patients = 5\n" + kArms + "[endpoints]\npeak_after_days = 3\n",
                 "'endpoints.peak_after_days' needs peak_state"},
        BadInput{"peak_after_follow_up",
                 "patients = 5\nfollow_up_days = 10\n" + kArms +
                     "[endpoints]\npeak_state = \"N\"\npeak_after_days = 10\n",
                 "'endpoints.peak_after_days' must be before follow_up_days (10)"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// The shipped example: validates, runs on threads and on two MPI ranks with the same rows, and
// its analysis prints response rates, Kaplan-Meier medians, the log-rank test and PRCC.
TEST(TrialScenario, NkDoseRunsOnThreadsAndMpiAndAnalyses) {
  const std::string file = std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose.toml";
  const auto validated = run_command(kNksim + " trial validate " + file);
  ASSERT_EQ(validated.exit_code, 0) << validated.output;
  EXPECT_NE(validated.output.find("200 patients x 2 arms = 400 plans"), std::string::npos)
      << validated.output;
  TempDir dir("nk-dose");
  ASSERT_EQ(run_trial(file, dir.path() / "threads", 2).exit_code, 0);
  const auto mpi = run_mpi(file, dir.path() / "mpi", 2);
  ASSERT_EQ(mpi.exit_code, 0) << mpi.output;
  const auto rows = endpoint_rows(dir.path() / "threads");
  EXPECT_EQ(rows.size(), 400u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "mpi"));
  const auto analysis = run_command(kNksim + " trial analyse " + quoted(dir.path() / "mpi"));
  ASSERT_EQ(analysis.exit_code, 0) << analysis.output;
  for (const char* text : {"nk_1e6", "nk_3e6", "ORR (95% CI)", "median TTP", "median OS",
                           "Log-rank (survival) nk_1e6 vs nk_3e6", "PRCC"}) {
    EXPECT_NE(analysis.output.find(text), std::string::npos) << text << "\n" << analysis.output;
  }
}

TEST(TrialResume, RefusesADatabaseOfAnotherTrialFile) {
  TempDir dir("hash");
  const auto first = write_trial(dir.path(), "a.toml", small_trial_body(4, "lhs"));
  ASSERT_EQ(run_trial(first, dir.path() / "out", 1).exit_code, 0);
  const auto second = write_trial(dir.path(), "b.toml", small_trial_body(5, "lhs"));
  const auto result = run_trial(second, dir.path() / "out", 1);
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("belongs to another trial file"), std::string::npos);
  EXPECT_EQ(run_mpi(second, dir.path() / "out", 2).exit_code, 2);
}

TEST(DoseFindCli, PrintsTheBracketForAScenarioAndACohort) {
  const std::string scenario = std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose_base.toml";
  const auto one = run_command(kNksim + " dose-find " + scenario + " --state N --rel-tol 0.05");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("minimal dose scale for eliminated: ["), std::string::npos)
      << one.output;
  TempDir dir("dosefind");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(3, "lhs"));
  const auto cohort = run_command(kNksim + " dose-find --trial " + quoted(file) +
                                  " --arm high --state N --rel-tol 0.1");
  ASSERT_EQ(cohort.exit_code, 0) << cohort.output;
  EXPECT_NE(cohort.output.find("patient,lower_scale,upper_scale,result\n0,"), std::string::npos)
      << cohort.output;
  const auto bad = run_command(kNksim + " dose-find " + scenario + " --state Q");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

// --out writes the search and its bracket to disk: the JSON bracket is the printed one, the
// amounts are the scales times the reference dose, and a directory that is not an nksim output
// is refused before any run.
TEST(DoseFindCli, OutWritesTheBracketAsJsonAndCsv) {
  const std::string scenario = std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose_base.toml";
  TempDir dir("dosefind-out");
  const auto out = dir.path() / "one";
  const auto one = run_command(kNksim + " dose-find " + scenario + " --state N --rel-tol 0.05" +
                               " --out " + quoted(out));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  std::ifstream in(out / "summary.json");
  const auto json = nlohmann::json::parse(in);
  EXPECT_EQ(json["search"], "minimal_dose");
  EXPECT_EQ(json["state"], "N");
  EXPECT_EQ(json["outcome"], "eliminated");
  ASSERT_EQ(json["results"].size(), 1u);
  const auto& r = json["results"][0];
  EXPECT_EQ(r["result"], "found");
  const double lower = r["lower"], upper = r["upper"], reference = r["reference"];
  EXPECT_LT(lower, upper);
  EXPECT_LE(upper / lower, 1.05);
  EXPECT_EQ(reference, 1e8);
  EXPECT_DOUBLE_EQ(r["lower_amount"].get<double>(), lower * reference);
  EXPECT_DOUBLE_EQ(r["upper_amount"].get<double>(), upper * reference);
  const std::string printed = "[" + format_number(lower, 6) + ", " + format_number(upper, 6) + "]";
  EXPECT_NE(one.output.find(printed), std::string::npos) << printed << "\n" << one.output;
  std::ifstream csv(out / "dose_find.csv");
  std::string header, row, extra;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_EQ(header, "patient,result,lower_scale,upper_scale,reference,lower,upper,simulations");
  EXPECT_EQ(row.rfind(",found," + format_number(lower, 17) + ",", 0), 0u) << row;
  EXPECT_FALSE(std::getline(csv, extra));

  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(3, "lhs"));
  const auto cohort =
      run_command(kNksim + " dose-find --trial " + quoted(file) +
                  " --arm high --state N --rel-tol 0.1 --out " + quoted(dir.path() / "cohort"));
  ASSERT_EQ(cohort.exit_code, 0) << cohort.output;
  std::ifstream cohort_in(dir.path() / "cohort" / "summary.json");
  const auto cohort_json = nlohmann::json::parse(cohort_in);
  EXPECT_EQ(cohort_json["arm"], "high");
  ASSERT_EQ(cohort_json["results"].size(), 3u);
  for (int p = 0; p < 3; ++p) EXPECT_EQ(cohort_json["results"][p]["patient"], p);

  const auto foreign = dir.path() / "foreign";
  std::filesystem::create_directories(foreign);
  std::ofstream(foreign / "notes.txt") << "mine\n";
  const auto refused =
      run_command(kNksim + " dose-find " + scenario + " --state N --out " + quoted(foreign));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_EQ(refused.output.find("minimal dose scale"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(foreign / "summary.json"));
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  }
}

}  // namespace
}  // namespace nksim::test
