// Virtual trials whose base is a spatial scenario: each patient's run is the base with its
// sampled values, its seed (shared by its arms) and the arm's doses; results do not depend on
// the thread count; a killed trial resumes to the same rows; the report is written; bad inputs
// are refused with the file, line and key.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>

#include "nksim/io/sqlite_db.h"
#include "nksim/trial/run_plan.h"
#include "nksim/trial/spatial_plan.h"
#include "nksim/trial/trial_spec.h"
#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::BackgroundProcess;
using testing::quoted;
using testing::run_command;
using testing::TempDir;
using testing::wait_until;

// A spatial trial on a copy of scenarios/trial_spatial_nk_base.toml: `patients` patients, half a
// day of follow-up, a sampled growth and NK persistence; `extra` is appended.
std::filesystem::path write_spatial_trial(const std::filesystem::path& dir, int patients,
                                          const std::string& extra = "") {
  std::filesystem::copy_file(
      std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_spatial_nk_base.toml", dir / "base.toml",
      std::filesystem::copy_options::overwrite_existing);
  const auto file = dir / "trial.toml";
  std::ofstream(file) << "[trial]\nbase = \"base.toml\"\ntumour_type = \"tumour\"\npatients = "
                      << patients << R"(
seed = 5
follow_up_days = 0.5
[[distribution]]
parameter = "mechanisms.proliferation.tumour.cycle_duration_min"
kind = "uniform"
lower = 600
upper = 1800
[[distribution]]
parameter = "population[1].radius_um"
kind = "uniform"
lower = 60
upper = 90
[[distribution]]
parameter = "mechanisms.nk_infusion.dose[1].count"
kind = "uniform"
lower = 80
upper = 120
[[arm]]
name = "control"
doses = "none"
[[arm]]
name = "nk"
dose_scale = 2
[endpoints]
death_above = 300
)" << extra;
  return file;
}

std::size_t column(const PlanResult& r, const std::string& name) {
  return static_cast<std::size_t>(std::find(r.states.begin(), r.states.end(), name) -
                                  r.states.begin());
}

TEST(SpatialTrial, APatientIsTheBaseWithItsValuesSeedAndDoses) {
  TempDir dir("spatial-trial-plan");
  const TrialSpec spec = parse_trial_file(write_spatial_trial(dir.path(), 3));
  EXPECT_EQ(spec.engine, "spatial");
  EXPECT_EQ(spec.tumour_state(), "tumour_live");
  const std::vector<Patient> patients = sample_patients(spec);
  const std::vector<RunPlan> plans = make_run_plans(spec);
  ASSERT_EQ(plans.size(), 6u);
  const TomlDocument doc = spatial_plan_scenario(spec, patients[1], plans[3]);  // patient 1, nk
  TableReader root = doc.reader();
  EXPECT_EQ(
      root.table("mechanisms").table("proliferation").table("tumour").number("cycle_duration_min"),
      patients[1].values[0]);
  EXPECT_EQ(root.tables("population")[0].number("radius_um"), patients[1].values[1]);
  EXPECT_EQ(root.table("simulation").number("end_time_min"), 720);
  // The sampled dose is a cell count: sampled in whole numbers, then doubled by dose_scale 2.
  EXPECT_EQ(patients[1].values[2], std::round(patients[1].values[2]));
  EXPECT_EQ(root.table("mechanisms").table("nk_infusion").tables("dose")[0].integer("count", 0),
            2 * static_cast<std::int64_t>(patients[1].values[2]));
  EXPECT_TRUE(spec.distributions[2].whole_numbers);
  EXPECT_FALSE(spec.distributions[0].whole_numbers) << "1440 minutes is written as an integer";
  EXPECT_EQ(plans[2].seed, plans[3].seed) << "a patient's arms share its seed";
  // A dose scale that does not give whole cells is rounded to whole cells.
  TrialSpec third = spec;
  third.arms[1].dose_scale = 1.0 / 3.0;
  const TomlDocument thirds = spatial_plan_scenario(third, patients[1], plans[3]);
  EXPECT_EQ(thirds.reader().table("mechanisms").table("nk_infusion").tables("dose")[0].integer(
                "count", 0),
            std::llround(patients[1].values[2] / 3.0));
  EXPECT_TRUE(run_plan(third, patients[1], plans[3]).ok);

  const PlanResult control = run_plan(spec, patients[1], plans[2]);
  const PlanResult nk = run_plan(spec, patients[1], plans[3]);
  ASSERT_TRUE(control.ok && nk.ok) << control.message << nk.message;
  ASSERT_EQ(control.states, nk.states);
  const std::size_t n = control.states.size();
  const std::size_t tumour = column(control, "tumour_live");
  const std::size_t nk_live = column(control, "nk_live");
  ASSERT_LT(tumour, n);
  ASSERT_LT(nk_live, n);
  // Same seed, same sampled tissue: the arms start from the same cells.
  EXPECT_EQ(control.values[tumour], nk.values[tumour]);
  EXPECT_GT(control.values[tumour], 20);
  // No NK cell ever in the control arm; the NK arm's first dose arrives at t = 0.
  for (std::size_t i = 0; i < control.times_days.size(); ++i) {
    EXPECT_EQ(control.values[i * n + nk_live], 0) << "day " << control.times_days[i];
  }
  EXPECT_GT(nk.values[1 * n + nk_live], 100);  // 160-240 infused at t = 0
  EXPECT_DOUBLE_EQ(control.times_days.back(), 0.5);
  // The endpoints read the tumour series: the final tumour is its last value.
  EXPECT_EQ(control.endpoints.final_tumour,
            control.values[(control.times_days.size() - 1) * n + tumour]);
}

TEST(SpatialTrial, SameRowsAtAnyThreadCountAndAfterAKillAndTheReportIsWritten) {
  TempDir dir("spatial-trial-cli");
  const auto file = write_spatial_trial(dir.path(), 24);
  const std::string nksim = std::string(NKSIM_BINARY);
  const auto one = run_command(nksim + " trial run " + quoted(file) + " -q --threads 1 --out " +
                               quoted(dir.path() / "one"));
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = run_command(nksim + " trial run " + quoted(file) + " -q --threads 2 --out " +
                               quoted(dir.path() / "two"));
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const std::vector<std::string> rows = endpoint_rows(dir.path() / "one");
  EXPECT_EQ(rows.size(), 48u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "two"));

  const auto killed = dir.path() / "killed";
  {
    BackgroundProcess run({NKSIM_BINARY, "trial", "run", file.string(), "-q", "--out",
                           killed.string(), "--threads", "1"});
    ASSERT_TRUE(run.started());
    wait_until([&] { return committed_rows(killed / "trial.sqlite") >= 4; },
               std::chrono::milliseconds(5));
    run.stop(SIGKILL);
  }
  const auto resumed =
      run_command(nksim + " trial run " + quoted(file) + " -q --threads 2 --out " + quoted(killed));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(endpoint_rows(killed), rows);

  const auto analysed = run_command(nksim + " trial analyse " + quoted(dir.path() / "one") +
                                    " && " + nksim + " report " + quoted(dir.path() / "one"));
  ASSERT_EQ(analysed.exit_code, 0) << analysed.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "one" / "report.html"));
}

TEST(SpatialTrial, BadInputsNameTheFileLineAndKey) {
  TempDir dir("spatial-trial-bad");
  const std::string nksim = std::string(NKSIM_BINARY);
  const auto check = [&](const std::string& body_change, const std::string& expected) {
    auto file = write_spatial_trial(dir.path(), 4);
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find(body_change.substr(0, body_change.find('|')));
    ASSERT_NE(at, std::string::npos) << body_change;
    text.replace(at, body_change.find('|'), body_change.substr(body_change.find('|') + 1));
    std::ofstream(file) << text;
    const auto r = run_command(nksim + " trial validate " + quoted(file));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  };
  check("population[1].radius_um|population[1].radius", "not a number in the base scenario");
  check("tumour_type = \"tumour\"|tumour_type = \"tumor\"", "did you mean 'tumour'");
  check("death_above = 300|pd_above_pct = 20", "needs death_above (cells) with a spatial base");
  check("follow_up_days = 0.5|follow_up_days = 36000", "makes the base scenario too long");
  check("dose_scale = 2|[[arm.dose]]\nstate = \"N\"\ntime_days = 0\namount = 1",
        "with a spatial base an arm keeps the base's");
}

}  // namespace
}  // namespace nksim::test
