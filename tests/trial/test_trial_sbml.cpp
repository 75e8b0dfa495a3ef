// A model imported from SBML runs wherever a built-in one does: a trial whose base scenario
// names an SBML file (exported from depillis2005 by nksim export-sbml) samples parameters by
// their SBML ids, gives the same rows on one and two threads, and dose finding works on it.
#include <gtest/gtest.h>

#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace test_trial_sbml {

using testing::quoted;
using testing::run_command;
using testing::TempDir;
using testing::write_file;

const std::string kNksim = NKSIM_BINARY;

TEST(SbmlCli, ExportRunTrialAndDoseFindOnAnImportedModel) {
  TempDir dir("sbml");
  const auto xml = dir.path() / "depillis2005.xml";
  const auto exported =
      run_command(kNksim + " export-sbml depillis2005 --set mouse_nn -o " + quoted(xml));
  ASSERT_EQ(exported.exit_code, 0) << exported.output;

  write_file(dir.path() / "base.toml", R"([simulation]
engine = "well_mixed"
model = "sbml"
sbml = "depillis2005.xml"
end_time_days = 40
output_interval_days = 1

[initial]
T = 1e6

[[dose]]
state = "N"
time_days = 0
amount = 1e8

[endpoints]
elimination_below = 1
escape_above = 1e8
)");
  const auto run = run_command(kNksim + " run " + quoted(dir.path() / "base.toml") + " --out " +
                               quoted(dir.path() / "run"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("sbml:depillis2005/sbml"), std::string::npos) << run.output;
  const std::string summary = testing::read_file(dir.path() / "run" / "summary.json");
  EXPECT_NE(summary.find("\"sbml_hash\""), std::string::npos) << summary;

  write_file(dir.path() / "trial.toml", R"([trial]
name = "sbml_trial"
base = "base.toml"
patients = 6
seed = 7
sampler = "lhs"
follow_up_days = 40

[[distribution]]
parameter = "a"
kind = "uniform"
lower = 0.4
upper = 0.6

[[distribution]]
parameter = "initial.T"
kind = "uniform"
lower = 1e5
upper = 5e6

[[arm]]
name = "low"
dose_scale = 0.01

[[arm]]
name = "high"
dose_scale = 0.03
)");
  const auto trial = dir.path() / "trial.toml";
  for (int threads : {1, 2}) {
    const auto out = dir.path() / ("trial" + std::to_string(threads));
    const auto r = run_command(kNksim + " trial run " + quoted(trial) + " --out " + quoted(out) +
                               " --threads " + std::to_string(threads));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  const auto rows = endpoint_rows(dir.path() / "trial1");
  EXPECT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows, endpoint_rows(dir.path() / "trial2"));

  // The SBML file is part of the trial's identity: once it changes, resuming into the same
  // store is refused (the rows would mix two models).
  std::string xml_text = testing::read_file(xml);
  const std::size_t note = xml_text.find("Written by nksim");
  ASSERT_NE(note, std::string::npos);
  xml_text.insert(note, "Edited. ");
  write_file(xml, xml_text);
  const auto resumed = run_command(kNksim + " trial run " + quoted(trial) + " --out " +
                                   quoted(dir.path() / "trial1"));
  EXPECT_EQ(resumed.exit_code, 2) << resumed.output;
  EXPECT_NE(resumed.output.find("belongs to another trial file"), std::string::npos)
      << resumed.output;

  const auto validated = run_command(kNksim + " trial validate " + quoted(trial));
  ASSERT_EQ(validated.exit_code, 0) << validated.output;
  EXPECT_NE(validated.output.find("6 patients x 2 arms"), std::string::npos) << validated.output;

  const auto found = run_command(kNksim + " dose-find " + quoted(dir.path() / "base.toml") +
                                 " --state N --rel-tol 0.1");
  ASSERT_EQ(found.exit_code, 0) << found.output;
  EXPECT_NE(found.output.find("minimal dose scale for eliminated: ["), std::string::npos)
      << found.output;
}

// describe reads an SBML file as a scenario would, and prints its equations and units.
TEST(SbmlCli, DescribeAnSbmlFile) {
  const std::string file = std::string(NKSIM_SOURCE_DIR) + "/scenarios/sbml/tumour_nk.xml";
  const auto r = run_command(kNksim + " describe " + file);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text : {"sbml:tumour_nk", "dT/dt = growth - nk_kill", "growth = a*T*(1 - b*T)",
                           "T [cells]", "per_day", "nk_source = sigma"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  }
  const auto missing = run_command(kNksim + " describe no_such_model.xml");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
}

TEST(SbmlCli, ExportRefusesBadArguments) {
  TempDir dir("sbml-bad");
  const auto out = quoted(dir.path() / "x.xml");
  EXPECT_EQ(run_command(kNksim + " export-sbml depilis2005 -o " + out).exit_code, 2);
  EXPECT_EQ(run_command(kNksim + " export-sbml depillis2005 --set nope -o " + out).exit_code, 2);
  const std::string scenario = std::string(NKSIM_SOURCE_DIR) + "/scenarios/default.toml";
  EXPECT_EQ(run_command(kNksim + " export-sbml depillis2005 --set mouse_nn --scenario " +
                        scenario + " -o " + out)
                .exit_code,
            2);
  EXPECT_EQ(run_command(kNksim + " export-sbml depillis2006 --scenario " + scenario + " -o " + out)
                .exit_code,
            2);
  const auto ok =
      run_command(kNksim + " export-sbml depillis2005 --scenario " + scenario + " -o " + out);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

}  // namespace test_trial_sbml
}  // namespace nksim::test
