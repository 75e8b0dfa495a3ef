// `nksim fit` end to end: the real binary on a small fit (de Pillis 2006's drug decay,
// dM/dt = -gamma M, sampled daily with log-normal noise), its files, its exit codes.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
namespace {

using testing::quoted;
using testing::read_file;
using testing::run_cli;
using testing::TempDir;
using testing::write_file;

void write_inputs(const std::filesystem::path& dir) {
  write_file(dir / "drug.toml", R"([simulation]
engine = "well_mixed"
model = "depillis2006"
end_time_days = 6
output_interval_days = 0.5
[initial]
M = 8
)");
  // 8 exp(-0.9 t) (gamma of the patient9 set) times fixed log-normal factors.
  write_file(dir / "drug.csv", R"(time_days,observable,value
0,drug,8.4
1,drug,3.1
2,drug,1.37
3,drug,0.51
4,drug,0.22
5,drug,0.093
6,drug,0.036
)");
  write_file(dir / "fit.toml", R"([fit]
scenario = "drug.toml"
measurements = "drug.csv"
starts = 4
seed = 9
[[observable]]
name = "drug"
state = "M"
noise = "lognormal"
sd = 0.1
[[parameter]]
name = "gamma"
lower = 0.05
upper = 5
log = true
[[parameter]]
name = "initial.M"
lower = 0.5
upper = 50
log = true
)");
}

TEST(FitCli, FitsWritesEveryFileAndIsThreadIndependent) {
  TempDir dir("fit-cli");
  write_inputs(dir.path());
  const auto out1 = dir.path() / "out1";
  const auto out2 = dir.path() / "out2";
  auto r = run_cli("fit " + quoted(dir.path() / "fit.toml") + " --out " + quoted(out1) +
                   " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Fit of depillis2006 to 7 measurements"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("95% ["), std::string::npos) << r.output;
  for (const char* file : {"fit.json", "starts.csv", "profiles.csv", "residuals.csv",
                           "timeseries.csv", "timeseries.csv-metadata.json", "summary.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out1 / file)) << file;
  }
  const auto fit = nlohmann::json::parse(read_file(out1 / "fit.json"));
  // Least squares on ln(value) against t: gamma = 0.89998, M0 = 8.0356 (numpy.polyfit).
  EXPECT_NEAR(fit["best"]["parameters"]["gamma"].get<double>(), 0.89998, 2e-3);
  EXPECT_NEAR(fit["best"]["parameters"]["initial.M"].get<double>(), 8.0356, 0.02);
  EXPECT_EQ(fit["starts"].size(), 4u);
  EXPECT_EQ(fit["parameters"][0]["identifiable"], true);
  // The waterfall is sorted.
  const std::string starts = read_file(out1 / "starts.csv");
  EXPECT_EQ(starts.substr(0, starts.find('\n')), "rank,start,objective,converged,evaluations");

  // Two threads: the same bytes. A second fit into an earlier fit's folder replaces it.
  r = run_cli("fit " + quoted(dir.path() / "fit.toml") + " --out " + quoted(out2) +
              " --threads 2 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  for (const char* file : {"fit.json", "starts.csv", "profiles.csv", "residuals.csv",
                           "timeseries.csv"}) {
    EXPECT_EQ(read_file(out1 / file), read_file(out2 / file)) << file;
  }
  r = run_cli("fit " + quoted(dir.path() / "fit.toml") + " --out " + quoted(out2) + " --report");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Report: "), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(out2 / "report.html"));

  r = run_cli("validate " + quoted(dir.path() / "fit.toml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("valid fit of depillis2006 (2 parameters, 7 measurements"),
            std::string::npos)
      << r.output;
  // The report: parameters, curves over the data, waterfall, one profile per parameter.
  r = run_cli("report " + quoted(out1));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = read_file(out1 / "report.html");
  for (const char* id : {"curve-0", "waterfall", "profile-0", "profile-1"}) {
    EXPECT_NE(html.find(std::string("\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("Fitted parameters"), std::string::npos);
  EXPECT_NE(html.find("initial.M"), std::string::npos);
}

// The same data in ug/L through the formula 1000 * M (M is in mg/L): the same estimates, and the
// formula where the state would be named.
TEST(FitCli, FitsAFormulaObservable) {
  TempDir dir("fit-cli-formula");
  write_inputs(dir.path());
  write_file(dir.path() / "drug.csv", R"(time_days,observable,value
0,drug,8400
1,drug,3100
2,drug,1370
3,drug,510
4,drug,220
5,drug,93
6,drug,36
)");
  std::string spec = read_file(dir.path() / "fit.toml");
  spec.replace(spec.find("state = \"M\""), 11, "formula = \"1000 * M\"");
  spec.replace(spec.find("seed = 9"), 8, "seed = 9\nprofiles = false");
  write_file(dir.path() / "fit.toml", spec);
  const auto out = dir.path() / "out";
  auto r = run_cli("fit " + quoted(dir.path() / "fit.toml") + " --out " + quoted(out) +
                   " --report");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto fit = nlohmann::json::parse(read_file(out / "fit.json"));
  EXPECT_NEAR(fit["best"]["parameters"]["gamma"].get<double>(), 0.89998, 2e-3);
  EXPECT_NEAR(fit["best"]["parameters"]["initial.M"].get<double>(), 8.0356, 0.02);
  EXPECT_EQ(fit["observables"][0]["formula"], "1000 * M");
  // observables.csv: the formula's value over the run, 1000 times the state's.
  const std::string curve = read_file(out / "observables.csv");
  EXPECT_EQ(curve.substr(0, curve.find('\n')), "time_days,drug");
  EXPECT_NE(read_file(out / "observables.csv-metadata.json").find("the formula 1000 * M"),
            std::string::npos);
  EXPECT_NE(read_file(out / "report.html").find("(formula 1000 * M)"), std::string::npos);
}

TEST(FitCli, BadInputIsExitCodeTwoAndLeavesNoOutput) {
  TempDir dir("fit-cli-bad");
  write_inputs(dir.path());
  std::string csv = read_file(dir.path() / "drug.csv");
  csv.replace(csv.find("3,drug,0.51"), 11, "3,drug,-0.51");
  write_file(dir.path() / "drug.csv", csv);
  const auto out = dir.path() / "out";
  const auto r = run_cli("fit " + quoted(dir.path() / "fit.toml") + " --out " + quoted(out));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("drug.csv:5:8: 'value' must be > 0 for the log-normal observable"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace nksim
