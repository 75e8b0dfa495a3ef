// Trials with plans the solver cannot integrate: the commands say so and exit 3 (numerical
// failure) unless --allow-failures; the analysis counts failures per arm and never reports the
// rates of an empty sample as results.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "nksim/trial/trial_store.h"
#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::quoted;
using testing::read_file;
using testing::run_command;
using testing::TempDir;

const std::string kNksim = NKSIM_BINARY;

// A base scenario whose every run fails: 20 solver steps cannot cover 60 days.
std::filesystem::path write_failing_trial(const std::filesystem::path& dir) {
  std::ofstream(dir / "base.toml") << R"([simulation]
engine = "well_mixed"
model = "depillis2005"
end_time_days = 60
output_interval_days = 1
[initial]
T = 1e6
[[dose]]
state = "N"
time_days = 0
amount = 1e6
[endpoints]
escape_above = 1e8
[solver]
max_steps = 20
)";
  std::ofstream(dir / "fail.toml") << R"([trial]
base = "base.toml"
patients = 3
[[distribution]]
parameter = "initial.T"
kind = "uniform"
lower = 1e5
upper = 5e6
[[arm]]
name = "a"
[[arm]]
name = "b"
dose_scale = 3
)";
  return dir / "fail.toml";
}

TEST(TrialFailures, RunExitsThreeUnlessFailuresAreAllowed) {
  TempDir dir("fail-run");
  const auto file = write_failing_trial(dir.path());
  const auto out = dir.path() / "out";
  const auto run = run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("6 of 6 plans failed numerically (first: patient 0 in arm a: model "
                            "depillis2005 failed at t = "),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("more than solver.max_steps = 20"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("--allow-failures"), std::string::npos) << run.output;
  // Accepting the failures recomputes nothing.
  const auto allowed = run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out) +
                                   " --allow-failures");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("Ran 0 of 6 plans (6 already done)"), std::string::npos)
      << allowed.output;

  const std::string mpi = std::string(kMpiEnv) + NKSIM_MPIEXEC +
                          " --oversubscribe --allow-run-as-root -np 2 " + NKSIM_MPI_BINARY + " " +
                          quoted(file) + " --out " + quoted(dir.path() / "mpi");
  const auto on_ranks = run_command(mpi);
  EXPECT_EQ(on_ranks.exit_code, 3) << on_ranks.output;
  EXPECT_NE(on_ranks.output.find("6 of 6 plans failed numerically"), std::string::npos)
      << on_ranks.output;
  EXPECT_EQ(run_command(mpi + " --allow-failures").exit_code, 0);
}

TEST(TrialFailures, AnalyseOfATrialWithoutSuccessSaysSoAndWritesNothing) {
  TempDir dir("fail-analyse");
  const auto file = write_failing_trial(dir.path());
  const auto out = dir.path() / "out";
  run_command(kNksim + " trial run " + quoted(file) + " --out " + quoted(out));
  for (const char* flag : {"", " --allow-failures"}) {
    const auto analysis = run_command(kNksim + " trial analyse " + quoted(out) + flag);
    EXPECT_EQ(analysis.exit_code, 3) << analysis.output;
    EXPECT_NE(analysis.output.find("No plan succeeded (6 failed numerically, 0 not run)"),
              std::string::npos)
        << analysis.output;
    EXPECT_EQ(analysis.output.find("ORR"), std::string::npos) << analysis.output;
    EXPECT_EQ(analysis.output.find("p = "), std::string::npos) << analysis.output;
    EXPECT_FALSE(std::filesystem::exists(out / "analysis.json"));
  }
}

// A store written through the library: arm "low" has 3 good plans and 1 failure, arm "high"
// only failures. The analysis counts them per arm and gives "high" no rates.
TEST(TrialFailures, AnalyseCountsFailuresPerArm) {
  TempDir dir("fail-arms");
  const auto file = write_trial(dir.path(), "t.toml", small_trial_body(4, "lhs"));
  const auto out = dir.path() / "out";
  {
    const TrialSpec spec = parse_trial_file(file);
    const auto patients = sample_patients(spec);
    TrialStore store(out, spec, patients);
    for (const RunPlan& plan : make_run_plans(spec)) {
      PlanResult result;
      if (plan.arm == 0 && plan.patient < 3) {
        result = run_plan(spec, patients[plan.patient], plan);
        ASSERT_TRUE(result.ok) << result.message;
      } else {
        result.patient = plan.patient;
        result.arm = plan.arm;
        result.ok = false;
        result.message = "stand-in for a solver failure";
      }
      store.write(result, plan.seed);
    }
  }
  const auto strict = run_command(kNksim + " trial analyse " + quoted(out));
  EXPECT_EQ(strict.exit_code, 3) << strict.output;
  EXPECT_NE(strict.output.find("5 plans failed numerically"), std::string::npos) << strict.output;
  const auto analysis = run_command(kNksim + " trial analyse " + quoted(out) + " --allow-failures");
  ASSERT_EQ(analysis.exit_code, 0) << analysis.output;
  EXPECT_NE(analysis.output.find("5 of 8 runs failed numerically"), std::string::npos)
      << analysis.output;
  EXPECT_NE(analysis.output.find("high                 0      4  no plan of this arm succeeded"),
            std::string::npos)
      << analysis.output;
  EXPECT_EQ(analysis.output.find("Log-rank"), std::string::npos) << analysis.output;

  std::ifstream in(out / "analysis.json");
  const auto json = nlohmann::json::parse(in);
  ASSERT_EQ(json["arms"].size(), 2u);
  EXPECT_EQ(json["arms"][0]["n"], 3);
  EXPECT_EQ(json["arms"][0]["failed"], 1);
  const auto& r = json["arms"][0]["response"];
  EXPECT_EQ(r["CR"].get<int>() + r["PR"].get<int>() + r["SD"].get<int>() + r["PD"].get<int>(), 3);
  EXPECT_EQ(json["arms"][1]["n"], 0);
  EXPECT_EQ(json["arms"][1]["failed"], 4);
  EXPECT_TRUE(json["arms"][1]["response"]["orr"].is_null());
  EXPECT_TRUE(json["arms"][1]["response"]["orr_ci"].is_null());
  EXPECT_TRUE(json["arms"][1]["elimination"]["rate"].is_null());
  EXPECT_TRUE(json["logrank"].empty());
  EXPECT_EQ(json["patients"].size(), 3u);

  // The report of such a trial still renders, with the empty arm named as such.
  const auto report = run_command(kNksim + " report " + quoted(out));
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const std::string page = read_file(out / "report.html");
  EXPECT_NE(page.find("no plan of this arm succeeded"), std::string::npos);
}

}  // namespace
}  // namespace nksim::test
