// What a new user runs into in the first hour, through the command line: crashes, runaway
// memory, silent geometry, missing keys without a suggestion, absurd values, endpoints met at
// the start, interrupted runs, outputs that do not describe themselves. Each case states the
// message it expects and checks that nothing is left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace first_hour_test {

using testing::BackgroundProcess;
using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;
using testing::wait_until;
using testing::write_file;

const std::string kWellMixed = R"([simulation]
engine = "well_mixed"
model = "depillis2005"
end_time_days = 30
output_interval_days = 1
[initial]
T = 1e6
[[dose]]
state = "N"
time_days = 1
amount = 1e7
)";

// A small 2-D tissue: 200 tumour cells in a disc, NK cells infused from the boundary.
const std::string kSpatial = R"([simulation]
engine = "spatial"
dimension = 2
domain_min_um = [-300, -300]
domain_max_um = [300, 300]
end_time_min = 60
dt_diffusion_min = 0.1
dt_mechanics_min = 0.1
dt_phenotype_min = 6
output_interval_min = 30
seed = 3
[[cell_type]]
name = "tumour"
radius_um = 8
[[cell_type]]
name = "nk"
radius_um = 5
[[population]]
type = "tumour"
shape = "sphere"
center_um = [0, 0]
radius_um = 100
count = 200
[mechanisms.mechanics.tumour]
repulsion_um_per_min = 10
[[mechanisms.nk_infusion.dose]]
type = "nk"
time_min = 30
count = 50
where = "boundary"
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("fixture text not found: " + from);
  return text.replace(at, from.size(), to);
}

// Entries of `dir` other than `keep` (staging folders are hidden: .NAME.partial-PID).
int leftovers(const std::filesystem::path& dir, const std::string& keep) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename() != keep) ++n;
  }
  return n;
}

struct Case {
  const char* name;
  std::string scenario;
  std::vector<std::string> expected;  // substrings of the message
  const char* extra_flags = "";
};

void expect_rejected(const Case& c) {
  const auto dir = fresh_directory(std::string("first-hour-") + c.name);
  write_file(dir / "s.toml", c.scenario);
  for (const char* command : {"validate", "run"}) {
    const std::string out = command == std::string("run") ? " --out " + (dir / "out").string() : "";
    const auto r = run_cli(std::string(command) + " " + (dir / "s.toml").string() + out + " " +
                           c.extra_flags);
    EXPECT_EQ(r.exit_code, 2) << c.name << " (" << command << "): " << r.output;
    for (const auto& text : c.expected) {
      EXPECT_NE(r.output.find(text), std::string::npos)
          << c.name << " (" << command << "): expected '" << text << "' in: " << r.output;
    }
  }
  EXPECT_EQ(leftovers(dir, "s.toml"), 0) << c.name << ": output left behind";
}

TEST(FirstHour, MisspeltOrWrongUnitRequiredKeysNameTheKeyTyped) {
  const std::vector<Case> cases = {
      {"typo_required", replace(kWellMixed, "end_time_days", "end_tme_days"),
       {"s.toml:4:", "'simulation.end_time_days' is required",
        "but this table has 'end_tme_days': did you mean 'end_time_days'?"}},
      {"dose_in_minutes", replace(kWellMixed, "time_days = 1", "time_min = 1440"),
       {"s.toml:10:", "'dose[1].time_days' is required", "has 'time_min'",
        "same quantity in another unit"}},
      {"spatial_end_in_days", replace(kSpatial, "end_time_min = 60", "end_time_days = 1"),
       {"s.toml:6:", "'simulation.end_time_min' is required", "has 'end_time_days'"}},
      {"diffusion_per_second",
       kSpatial + "[[field]]\nname = \"il2\"\ndiffusion_um2_per_s = 100\n",
       {"'field[1].diffusion_um2_per_min' is required", "has 'diffusion_um2_per_s'",
        "another unit"}},
      {"cycle_in_hours",
       kSpatial + "[mechanisms.proliferation.tumour]\ncycle_duration_h = 10\n",
       {"'mechanisms.proliferation.tumour.cycle_duration_min' is required",
        "has 'cycle_duration_h'"}},
  };
  for (const Case& c : cases) expect_rejected(c);
}

TEST(FirstHour, AbsurdValuesAndRunawaySizesAreRefusedBeforeRunning) {
  const std::vector<Case> cases = {
      // 3.65e9 rows: validate used to allocate 16.8 GB before bad_alloc.
      {"tiny_output_interval",
       replace(replace(kWellMixed, "end_time_days = 30", "end_time_days = 3650"),
               "output_interval_days = 1", "output_interval_days = 1e-6"),
       {"s.toml:5:", "'simulation.output_interval_days' asks for about 3.65e+09 output rows",
        "over the limit of 1e+06", "--allow-large-run"}},
      // Lifting the size limit still leaves the machine's memory.
      {"tiny_output_interval_allowed",
       replace(replace(kWellMixed, "end_time_days = 30", "end_time_days = 3650"),
               "output_interval_days = 1", "output_interval_days = 1e-6"),
       {"'simulation.output_interval_days' asks for about 3.65e+09 output rows",
        "more than this machine's memory"},
       "--allow-large-run"},
      {"end_time_1e300", replace(kWellMixed, "end_time_days = 30", "end_time_days = 1e300"),
       {"'simulation.end_time_days' is", "refuses runs longer than 100 years"}},
      {"tumour_1e300", replace(kWellMixed, "T = 1e6", "T = 1e300"),
       {"s.toml:7:", "'initial.T' is 1e+300 cells, more than a human body holds"}},
      {"dose_1e300", replace(kWellMixed, "amount = 1e7", "amount = 1e300"),
       {"'dose[1].amount' is 1e+300 cells"}},
      {"diffusion_step_tiny",
       replace(kSpatial, "dt_diffusion_min = 0.1", "dt_diffusion_min = 1e-300"),
       {"'simulation.dt_diffusion_min' gives more than 10000 diffusion steps"}},
      {"spatial_steps_over_limit",
       replace(kSpatial, "end_time_min = 60", "end_time_min = 30000000"),
       {"'simulation.dt_mechanics_min' asks for about 3e+08 mechanics steps", "over the limit"}},
      {"voxels_too_fine",
       replace(kSpatial, "seed = 3", "seed = 3\nvoxel_um = 0.01") +
           "[[field]]\nname = \"il2\"\ndiffusion_um2_per_min = 1\n",
       {"asks for about 3.6e+09 voxel values", "over the limit"}},
      {"spatial_end_1e300", replace(kSpatial, "end_time_min = 60", "end_time_min = 1e300"),
       {"'simulation.end_time_min' is", "100 years"}},
      // 2e6 NK cells (radius 5 um) need 1.6e8 um^2; the box has 3.6e5.
      {"nk_cells_cannot_fit", replace(kSpatial, "count = 50", "count = 2000000"),
       {"'mechanisms.nk_infusion.dose[1].count' infuses 2000000 cells", "cannot fit"}},
      {"agents_over_limit", replace(kSpatial, "count = 200", "count = 100000000000"),
       {"'population[1].count' asks for about 1e+11 agents", "over the limit"}},
      // Integers that would wrap when narrowed to int.
      {"dimension_wraps", replace(kSpatial, "dimension = 2", "dimension = 4294967298"),
       {"'simulation.dimension' must be <= 3, got 4294967298"}},
      {"repeats_huge", replace(kSpatial, "where = \"boundary\"",
                               "where = \"boundary\"\nrepeats = 100000\nrepeat_every_min = 1"),
       {"'mechanisms.nk_infusion.dose[1].repeats' must be <= 4096"}},
      // Nine dose tables would share random numbers (core/rng.h keys); refused, not silent.
      {"nine_doses", [] {
         std::string text = kSpatial;
         for (int k = 0; k < 8; ++k) {
           text += "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\ncount = 1\n";
         }
         return text;
       }(),
       {"'mechanisms.nk_infusion.dose[9].type' is dose 9; at most 8 doses"}},
      {"effector_ratio", replace(kSpatial, "count = 50", "effector_to_target = 1e6\nrelative_to = \"tumour\""),
       {"'mechanisms.nk_infusion.dose[1].effector_to_target' is 1000000"}},
  };
  for (const Case& c : cases) expect_rejected(c);
}

TEST(FirstHour, GeometryOutsideTheDomainIsAnError) {
  const std::vector<Case> cases = {
      {"sphere_outside", replace(kSpatial, "center_um = [0, 0]", "center_um = [1000, 0]"),
       {"s.toml:", "'population[1].radius_um' places the sphere outside the domain",
        "on x it spans [900, 1100] um"}},
      {"sphere_huge", replace(kSpatial, "radius_um = 100", "radius_um = 1e300"),
       {"'population[1].radius_um' places the sphere outside the domain"}},
      {"box_outside",
       replace(kSpatial, "shape = \"sphere\"\ncenter_um = [0, 0]\nradius_um = 100",
               "shape = \"box\"\nmin_um = [-500, 0]\nmax_um = [0, 100]"),
       {"'population[1].max_um' places the box outside the domain"}},
      {"dose_sphere_outside",
       replace(kSpatial, "where = \"boundary\"",
               "where = \"sphere\"\ncenter_um = [290, 0]\nradius_um = 50"),
       {"'mechanisms.nk_infusion.dose[1].radius_um' places cells outside the domain"}},
      {"packed_too_thin",
       replace(kSpatial, "radius_um = 100\ncount = 200",
               "radius_um = 3\ninner_radius_um = 2\npacked = true"),
       {"'population[1].radius_um' packs no cell"}},
  };
  for (const Case& c : cases) expect_rejected(c);
}

TEST(FirstHour, CsvPositionsAreReadStrictly) {
  const auto dir = fresh_directory("first-hour-csv");
  const std::string scenario =
      replace(kSpatial, "shape = \"sphere\"\ncenter_um = [0, 0]\nradius_um = 100\ncount = 200",
              "shape = \"csv\"\nfile = \"cells.csv\"");
  write_file(dir / "s.toml", scenario);
  const auto validate = [&](const std::string& csv) {
    write_file(dir / "cells.csv", csv);
    return run_cli("validate " + (dir / "s.toml").string());
  };
  // Windows line ends are fine.
  auto r = validate("x,y\r\n10,20\r\n-5,7\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 initial agents"), std::string::npos) << r.output;
  r = validate("x,y\n10,20,30\n");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cells.csv line 2: expected 2 numbers (x,y), found more: '30'"),
            std::string::npos)
      << r.output;
  r = validate("x,y\n10,20abc\n");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = validate("x,y\n10,20\n900,0\n");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("line 3 outside the domain"), std::string::npos) << r.output;
}

TEST(FirstHour, MisspeltPropertiesAreCaught) {
  const std::string source = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";
  // "mhc" for "mhc_i": the NK and T-cell mechanisms would read MHC-I as absent.
  expect_rejected({"property_typo",
                   replace(read_file(source + "mhc_high_targets.toml"), "mhc_i = 3.0",
                           "mhc = 3.0"),
                   {"s.toml:", "'cell_type[1].properties.mhc' is read by no mechanism",
                    "did you mean 'mhc_i'"}});
  // A property no mechanism reads and that resembles none is legal, with a warning.
  const auto dir = fresh_directory("first-hour-property-unused");
  write_file(dir / "s.toml", replace(read_file(source + "spheroid_2d.toml"), "ligand = 1.0 }",
                                     "ligand = 1.0, colour = 2 }"));
  const auto r = run_cli("validate " + (dir / "s.toml").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("property 'colour' is read by no mechanism"), std::string::npos)
      << r.output;
}

TEST(FirstHour, DeepNestingAndHugeFilesAreRejectedWithoutRecursion) {
  std::string dotted;
  for (int i = 0; i < 40000; ++i) dotted += "a.";
  std::string arrays = "x = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  const std::vector<Case> cases = {
      {"dotted_40000", dotted + "b = 1\n", {"s.toml:1: ", "nested deeper than 64 levels"}},
      {"arrays_5000", kWellMixed + arrays, {"s.toml:12: ", "nested deeper than 64 levels"}},
      {"huge_file", kWellMixed + "# " + std::string(17u << 20, 'x') + "\n",
       {"more than a scenario may hold"}},
  };
  for (const Case& c : cases) expect_rejected(c);
  // Dots in numbers, strings and comments are not nesting.
  const auto dir = fresh_directory("first-hour-dots");
  std::string many_numbers = "output_times_days = [";
  for (int i = 0; i < 100; ++i) many_numbers += std::to_string(i) + ".5, ";
  many_numbers += "100.5]\n";
  write_file(dir / "s.toml",
             replace(replace(kWellMixed, "output_interval_days = 1\n", many_numbers),
                     "end_time_days = 30", "end_time_days = 101 # a.b.c.d." +
                                                std::string(200, '.')));
  const auto r = run_cli("validate " + (dir / "s.toml").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(FirstHour, NkDoseAfterTheEndIsReportedAndTheRunCompletes) {
  const auto dir = fresh_directory("first-hour-late-dose");
  write_file(dir / "s.toml", replace(kSpatial, "time_min = 30", "time_min = 600"));
  const auto v = run_cli("validate " + (dir / "s.toml").string());
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_NE(v.output.find("warning: " + (dir / "s.toml").string() + ":"), std::string::npos)
      << v.output;
  EXPECT_NE(v.output.find("is after the end of the run (60 min): this dose is never given"),
            std::string::npos)
      << v.output;
  const auto out = dir / "out";
  const auto r = run_cli("run " + (dir / "s.toml").string() + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;  // was a segfault in the read-outs
  EXPECT_NE(r.output.find("this dose is never given"), std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  const auto doses = summary["readouts"]["nk_infusion"]["doses"];
  ASSERT_EQ(doses.size(), 1u) << summary.dump();
  EXPECT_EQ(doses[0]["doses_given"], 0);
  EXPECT_EQ(doses[0]["cells"], 0);
  EXPECT_EQ(leftovers(dir, "s.toml"), 1);  // out/ only
}

TEST(FirstHour, EndpointAlreadyMetAtTheStartIsReported) {
  const auto dir = fresh_directory("first-hour-endpoints");
  const std::string escaping =
      replace(kWellMixed, "T = 1e6", "T = 1e9") + "[endpoints]\nescape_above = 1e8\n";
  write_file(dir / "escape.toml", escaping);
  auto r = run_cli("run " + (dir / "escape.toml").string() + " --out " + (dir / "e").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto summary = nlohmann::json::parse(read_file(dir / "e" / "summary.json"));
  EXPECT_EQ(summary["outcome"], "escaped");
  EXPECT_EQ(summary["escape_time_days"], 0.0);
  const std::string cleared =
      replace(kWellMixed, "T = 1e6", "T = 0.5") + "[endpoints]\nelimination_below = 1\n";
  write_file(dir / "clear.toml", cleared);
  r = run_cli("run " + (dir / "clear.toml").string() + " --out " + (dir / "c").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  summary = nlohmann::json::parse(read_file(dir / "c" / "summary.json"));
  EXPECT_EQ(summary["outcome"], "eliminated");
  EXPECT_EQ(summary["elimination_time_days"], 0.0);
}

TEST(FirstHour, OutputsDescribeThemselvesAndShowNoNegativeCells) {
  const auto dir = fresh_directory("first-hour-outputs");
  const auto out = dir / "out";
  const auto r = run_cli("run " + std::string(NKSIM_SOURCE_DIR) + "/scenarios/default.toml --out " +
                         out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("min -"), std::string::npos) << r.output;
  // Every value of a cell-count column is >= 0 (the solver dips to about -1e-6 near
  // elimination; the file shows 0).
  std::ifstream csv(out / "timeseries.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "time_days,T,N,L");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    std::stringstream fields(line);
    std::string value;
    for (int column = 0; std::getline(fields, value, ','); ++column) {
      if (column >= 1) {
        EXPECT_GE(std::stod(value), 0.0) << line;
      }
    }
  }
  EXPECT_GT(rows, 100);
  const auto meta = nlohmann::json::parse(read_file(out / "timeseries.csv-metadata.json"));
  EXPECT_EQ(meta["url"], "timeseries.csv");
  const auto& columns = meta["tableSchema"]["columns"];
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0]["schema:unitText"], "days");
  EXPECT_EQ(columns[1]["name"], "T");
  EXPECT_EQ(columns[1]["schema:unitText"], "cells");
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_GE(summary["tumour"]["min"].get<double>(), 0.0);
}

TEST(FirstHour, SpatialCountsHaveUnitsIncludingFieldUnits) {
  const auto dir = fresh_directory("first-hour-spatial-units");
  write_file(dir / "s.toml", kSpatial + "[[field]]\nname = \"il2\"\nunit = \"ng/mL\"\n"
                                        "diffusion_um2_per_min = 100\n");
  const auto r = run_cli("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() +
                         " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(1 thread,"), std::string::npos) << r.output;
  const auto meta = nlohmann::json::parse(read_file(dir / "out" / "counts.csv-metadata.json"));
  const auto& columns = meta["tableSchema"]["columns"];
  ASSERT_EQ(columns.size(), 1u + 2 * 3 + 1);
  EXPECT_EQ(columns[1]["name"], "tumour_live");
  EXPECT_EQ(columns[1]["schema:unitText"], "cells");
  EXPECT_EQ(columns[7]["name"], "il2_total");
  EXPECT_EQ(columns[7]["schema:unitText"], "ng/mL x um^3");
}

TEST(FirstHour, CommandLineNumbersAndPluralsReadWell) {
  const auto r = run_cli("run " + std::string(NKSIM_SOURCE_DIR) +
                         "/scenarios/default.toml --threads -1 --out /tmp/nksim-never-threads");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--threads"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1024"), std::string::npos) << r.output;
  EXPECT_LT(r.output.size(), 400u) << r.output;  // was a 300-digit bound
  const auto dir = fresh_directory("first-hour-plural");
  write_file(dir / "s.toml", kWellMixed);
  const auto v = run_cli("validate " + (dir / "s.toml").string());
  EXPECT_NE(v.output.find("30 days, 1 dose, 31 output rows)"), std::string::npos) << v.output;
}

// Starts `nksim <command> <file> --out DIR/out --quiet --threads 1` in the background, waits
// until a directory entry starting with `marker` exists in DIR, sends `signal_number` and
// returns the exit status.
int run_and_signal(const std::filesystem::path& dir, const std::string& command,
                   const std::string& file, const std::string& marker, int signal_number) {
  std::vector<std::string> argv = {NKSIM_BINARY, "run",     file,        "--out",
                                   (dir / "out").string(), "--quiet", "--threads", "1"};
  if (command == "trial") argv.insert(argv.begin() + 1, "trial");
  BackgroundProcess run(argv);
  const bool staging = wait_until(
      [&] {
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
          if (e.path().filename().string().find(marker) == 0) return true;
        }
        return false;
      },
      std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int code = run.stop(signal_number);
  EXPECT_TRUE(staging) << "the run never created its staging folder";
  return code;
}

TEST(FirstHour, InterruptedRunsLeaveNothingBehind) {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    const auto dir = fresh_directory("first-hour-signal-" + std::to_string(signal_number));
    // About a simulated month of a 2-D tissue: minutes of work, interrupted after a fraction
    // of a second.
    write_file(dir / "s.toml", replace(kSpatial, "end_time_min = 60", "end_time_min = 40000"));
    const int code =
        run_and_signal(dir, "run", (dir / "s.toml").string(), ".out.partial-", signal_number);
    EXPECT_EQ(code, 128 + signal_number);
    EXPECT_EQ(leftovers(dir, "s.toml"), 0) << "signal " << signal_number;
  }
}

TEST(FirstHour, InterruptedTrialKeepsItsStoreAndResumes) {
  const auto dir = fresh_directory("first-hour-trial-signal");
  const std::string source = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";
  std::filesystem::copy_file(source + "trial_nk_dose_base.toml", dir / "trial_nk_dose_base.toml");
  // 2000 patients x 2 arms: seconds of work, interrupted after a fraction of one.
  write_file(dir / "t.toml",
             replace(replace(read_file(source + "trial_nk_dose.toml"), "patients = 200",
                             "patients = 2000"),
                     "store_timeseries = true", "store_timeseries = false"));
  const int code = run_and_signal(dir, "trial", (dir / "t.toml").string(), "out", SIGINT);
  EXPECT_EQ(code, 130);
  ASSERT_TRUE(std::filesystem::exists(dir / "out" / "trial.sqlite"));
  const auto r = run_cli("trial run " + (dir / "t.toml").string() + " --out " +
                         (dir / "out").string() + " --threads 2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("already done"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("of 4000 plans"), std::string::npos) << r.output;
}

}  // namespace first_hour_test
}  // namespace nksim
