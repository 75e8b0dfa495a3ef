// The command line end to end: help, version, describe, run, validate, exit codes.
#include <gtest/gtest.h>

#include "nksim/mechanisms/mechanism_docs.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;

const std::string kDefault = std::string(NKSIM_SOURCE_DIR) + "/scenarios/default.toml";

TEST(Cli, HelpAndVersion) {
  auto help = run_cli("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("run"), std::string::npos);
  EXPECT_NE(help.output.find("Exit codes"), std::string::npos);
  auto version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find(NKSIM_VERSION), std::string::npos);
  auto run_help = run_cli("run --help");
  EXPECT_EQ(run_help.exit_code, 0);
  EXPECT_NE(run_help.output.find("--out"), std::string::npos);
}

TEST(Cli, NoSubcommandOrUnknownOptionIsBadInput) {
  EXPECT_EQ(run_cli("").exit_code, 2);
  EXPECT_EQ(run_cli("run --no-such-option x.toml").exit_code, 2);
}

TEST(Cli, DescribeListsStatesParametersAndSources) {
  auto r = run_cli("describe depillis2005");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"sigma", "cells/day", "mouse_nn", "human_patient10", "BioModels",
                           "Cancer Res 65:7950"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text;
  }
  auto unknown = run_cli("describe depilis2005");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("did you mean 'depillis2005'?"), std::string::npos);
}

TEST(Cli, DescribeMechanismListsItsDeclaredKeysWithUnitsAndDefaults) {
  auto r = run_cli("describe nk_recognition_kill");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("[mechanisms.nk_recognition_kill]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Evidence: strong"), std::string::npos) << r.output;
  // Real keys with the unit and default the declaration gives them, e.g. the granzyme delay.
  EXPECT_NE(r.output.find("  <type>.delay.granzyme_mean_min\n      unit: min   default: 22"),
            std::string::npos)
      << r.output;
  const auto parameters = nk_recognition_kill_parameters();
  ASSERT_GE(parameters.size(), 20u);
  for (const ParameterDoc& p : parameters) {
    const std::string unit = *p.unit ? p.unit : "–";
    EXPECT_NE(r.output.find("  " + std::string(p.key) + "\n      unit: " + unit +
                            "   default: " + p.default_value +
                            "   evidence: " + std::string(evidence_label(p.evidence))),
              std::string::npos)
        << p.key;
    EXPECT_NE(r.output.find(p.source), std::string::npos) << p.key;
  }
  auto markdown = run_cli("describe nk_recognition_kill --markdown");
  EXPECT_EQ(markdown.output, parameters_markdown(parameters));

  // An unknown name: both kinds listed, the nearest suggested.
  auto unknown = run_cli("describe nk_recognition_kil");
  EXPECT_EQ(unknown.exit_code, 2);
  for (const char* text :
       {"models: kuznetsov1994", "mechanisms: mechanics", "did you mean 'nk_recognition_kill'?"}) {
    EXPECT_NE(unknown.output.find(text), std::string::npos) << unknown.output;
  }
  auto list = run_cli("describe");
  EXPECT_EQ(list.exit_code, 0);
  for (const char* text : {"depillis2005", "nk_infusion", "ligand_shedding"}) {
    EXPECT_NE(list.output.find(text), std::string::npos) << list.output;
  }
}

TEST(Cli, RunWritesTimeseriesAndSummary) {
  const auto dir = fresh_directory("cli-run");
  const auto out = dir / "out";
  auto r = run_cli("run " + kDefault + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("eliminated"), std::string::npos) << r.output;
  const std::string csv = read_file(out / "timeseries.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "time_days,T,N,L");
  const std::string summary = read_file(out / "summary.json");
  for (const char* key : {"\"outcome\": \"eliminated\"", "\"scenario_hash\"", "\"nksim_version\"",
                          "\"elimination_time_days\"", "\"escape_time_days\": null",
                          "\"parameter_set\": \"mouse_nn\""}) {
    EXPECT_NE(summary.find(key), std::string::npos) << key;
  }
  // Running again replaces the earlier output (it is an nksim output directory).
  EXPECT_EQ(run_cli("run " + kDefault + " --out " + out.string() + " -q").exit_code, 0);
  // No staging directories are left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(Cli, RefusesToOverwriteForeignDirectory) {
  const auto dir = fresh_directory("cli-foreign");
  testing::write_file(dir / "precious.txt", "keep me");
  auto r = run_cli("run " + kDefault + " --out " + dir.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("not an nksim output directory"), std::string::npos);
  EXPECT_EQ(read_file(dir / "precious.txt"), "keep me");
}

TEST(Cli, ValidateDoesNotRun) {
  auto r = run_cli("validate " + kDefault);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("valid well_mixed scenario"), std::string::npos);
}

// A dose far outside the clinically used range is a warning naming the key, the range and the
// source; validate and run still succeed, and no shipped well-mixed scenario warns.
const char* kImplausible = R"([simulation]
engine = "well_mixed"
model = "depillis2006"
end_time_days = 5
[[dose]]
state = "N"
time_days = 1
amount = 1e9
[[dose]]
state = "N"
time_days = 2
amount = 9e11
)";

TEST(Cli, ImplausibleDoseWarnsButValidatesAndRuns) {
  const auto dir = fresh_directory("cli-plausible");
  testing::write_file(dir / "s.toml", kImplausible);
  const std::string warning =
      "s.toml:12:10: 'dose[2].amount' = 9e+11 cells on N, above the plausible range";
  auto v = run_cli("validate " + (dir / "s.toml").string());
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find(warning), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("Miller 2005"), std::string::npos) << v.output;
  EXPECT_EQ(v.output.find("dose[1]"), std::string::npos) << v.output;  // 1e9 is inside
  auto r = run_cli("run " + (dir / "s.toml").string() + " -q --out " + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("nksim: warning: " + std::string(dir / "s.toml") + ":12:10"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(read_file(dir / "out" / "summary.json").find("9e+11 cells"), std::string::npos);
}

TEST(Cli, ShippedWellMixedScenariosGiveNoDoseWarning) {
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(NKSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    auto v = run_cli("validate " + entry.path().string());
    if (v.output.find("valid well_mixed scenario") == std::string::npos) continue;
    EXPECT_EQ(v.output.find("warning"), std::string::npos) << v.output;
  }
}

// implicit_lod's field near a source is within 2 % of the lattice steady state only up to
// D dt/h^2 = 0.02 (docs/spatial.md, accuracy of the solvers): validate warns above it (exit 0)
// with the field and its number, and is silent below it; the ADI solvers warn above 1.
TEST(Cli, ValidateWarnsWhenTheDiffusionStepIsOutsideTheLodsAccurateRange) {
  const auto dir = fresh_directory("cli-diffusion-step");
  const std::string shipped =
      read_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/spheroid_2d.toml");
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string text = shipped;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
  };
  // D = 1e5 um^2/min, dt = 0.1 min, h = 20 um: D dt/h^2 = 25.
  testing::write_file(dir / "lod.toml", shipped);
  auto lod = run_cli("validate " + (dir / "lod.toml").string());
  EXPECT_EQ(lod.exit_code, 0) << lod.output;
  EXPECT_NE(lod.output.find("warning: field 'oxygen' has D dt/h^2 = 25 (dt_diffusion_min 0.1"),
            std::string::npos)
      << lod.output;
  // D = 60 um^2/min: D dt/h^2 = 0.015, inside the range.
  testing::write_file(dir / "slow.toml",
                      edited("diffusion_um2_per_min = 1e5", "diffusion_um2_per_min = 60"));
  auto slow = run_cli("validate " + (dir / "slow.toml").string());
  EXPECT_EQ(slow.exit_code, 0) << slow.output;
  EXPECT_EQ(slow.output.find("warning"), std::string::npos) << slow.output;
  // The ADI solvers warn above D dt/h^2 = 1 (slow build-up of a newly switched-on point
  // source), with their own reason, and are silent at 0.015.
  for (const std::string solver : {"implicit_adi", "implicit_adi_bdf2"}) {
    const std::string line = "[simulation]\ndiffusion_solver = \"" + solver + "\"\n";
    testing::write_file(dir / "adi.toml", edited("[simulation]\n", line));
    auto adi = run_cli("validate " + (dir / "adi.toml").string());
    EXPECT_EQ(adi.exit_code, 0) << adi.output;
    EXPECT_NE(adi.output.find("warning: field 'oxygen' has D dt/h^2 = 25 (dt_diffusion_min 0.1"),
              std::string::npos)
        << adi.output;
    EXPECT_NE(adi.output.find("the " + solver + " solver builds the peak"), std::string::npos)
        << adi.output;
    std::string slow_adi = edited("diffusion_um2_per_min = 1e5", "diffusion_um2_per_min = 60");
    slow_adi.replace(slow_adi.find("[simulation]\n"), 13, line);
    testing::write_file(dir / "slow_adi.toml", slow_adi);
    auto quiet = run_cli("validate " + (dir / "slow_adi.toml").string());
    EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
    EXPECT_EQ(quiet.output.find("warning"), std::string::npos) << quiet.output;
  }
}

TEST(Cli, DoseFindWarnsWhenTheFoundScaleImpliesAnImplausibleDose) {
  // The default scenario with a 100 times larger tumour: eliminating it takes about 2e8 NK cells
  // in the mouse-based de Pillis 2005 model, above the murine range (up to 1e8 per mouse).
  const auto dir = fresh_directory("cli-plausible-dose-find");
  std::string text = read_file(kDefault);
  const std::string from = "T = 1e6 ";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "T = 1e8 ");
  testing::write_file(dir / "s.toml", text);
  auto r = run_cli("dose-find " + (dir / "s.toml").string() + " --state N --rel-tol 0.1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("nksim: warning: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("'dose[1].amount' = "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at dose scale"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mouse"), std::string::npos) << r.output;
  // The default scenario itself: the scale found (about 0.5) keeps the dose inside the range.
  auto plain = run_cli("dose-find " + kDefault + " --state N --rel-tol 0.1");
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output.find("warning"), std::string::npos) << plain.output;
}

TEST(Cli, TrialArmWithImplausibleDoseWarnsButValidatesAndRuns) {
  // The shipped trial's base gives 1e8 NK cells to a mouse-based model (the top of the murine
  // range, up to 1e8 per mouse); an arm that scales it by 10 gives 1e9 and is warned about, the
  // arm at scale 0.01 (1e6 cells) is not.
  const auto dir = fresh_directory("cli-plausible-trial");
  const std::string scenarios = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";
  testing::write_file(dir / "base.toml", read_file(scenarios + "trial_nk_dose_base.toml"));
  testing::write_file(dir / "trial.toml", R"([trial]
name = "plausible"
base = "base.toml"
patients = 2
seed = 1
follow_up_days = 5
[[distribution]]
parameter = "a"
kind = "uniform"
lower = 0.4
upper = 0.6
[[arm]]
name = "low"
dose_scale = 0.01
[[arm]]
name = "high"
dose_scale = 10
[endpoints]
assessment_day = 5
death_above = 5e8
)");
  const std::string warning = "nksim: warning: arm 'high' (dose_scale 10): ";
  auto v = run_cli("trial validate " + (dir / "trial.toml").string());
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find(warning), std::string::npos) << v.output;
  EXPECT_NE(v.output.find("= 1e+09 cells on N, above the plausible range"), std::string::npos)
      << v.output;
  EXPECT_EQ(v.output.find("arm 'low'"), std::string::npos) << v.output;
  auto r = run_cli("trial run " + (dir / "trial.toml").string() + " -q --threads 1 --out " +
                   (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(warning), std::string::npos) << r.output;
  // No shipped well-mixed trial warns.
  for (const char* trial : {"trial_nk_dose.toml"}) {
    auto shipped = run_cli("trial validate " + scenarios + trial);
    EXPECT_EQ(shipped.exit_code, 0) << shipped.output;
    EXPECT_EQ(shipped.output.find("warning"), std::string::npos) << shipped.output;
  }
}

}  // namespace
}  // namespace nksim
