// Every class of bad input, through the command line: a clear message naming the file, the line
// and the key; exit code 2 (3 for numerical failure); no output directory left behind.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace nksim {
namespace {

using testing::fresh_directory;
using testing::run_cli;
using testing::write_file;

const std::string kValid = R"([simulation]
engine = "well_mixed"
model = "depillis2005"
end_time_days = 30
output_times_days = [0, 10, 20, 30]
[initial]
T = 1e6
[[dose]]
state = "N"
time_days = 0
amount = 1e7
)";

struct Case {
  const char* name;
  std::string scenario;       // full text
  std::vector<std::string> expected;  // substrings of the message
  int exit_code = 2;
};

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("fixture text not found: " + from);
  return text.replace(at, from.size(), to);
}

std::vector<Case> cases() {
  return {
      {"unknown_key", replace(kValid, "end_time_days", "end_tme_days = 1\nend_time_days"),
       {"s.toml:4:1", "unknown key 'end_tme_days' in [simulation]",
        "did you mean 'end_time_days'?"}},
      {"unknown_table", kValid + "[solvr]\nrtol = 1e-6\n",
       {"unknown key 'solvr' at the top level", "did you mean 'solver'?"}},
      {"wrong_type", replace(kValid, "end_time_days = 30", "end_time_days = \"30\""),
       {"s.toml:4:", "'simulation.end_time_days' must be a number, got a string"}},
      {"negative_rate", kValid + "[parameters]\nc = -1e-7\n",
       {"s.toml:13:", "'parameters.c' must be >= 0, got -1e-07"}},
      {"nan_value", replace(kValid, "T = 1e6", "T = nan"),
       {"s.toml:7:", "'initial.T' must be a finite number"}},
      {"unknown_model", replace(kValid, "depillis2005", "depillis2007"),
       {"s.toml:3:", "'simulation.model' is 'depillis2007'", "kuznetsov1994"}},
      {"unknown_set", replace(kValid, "end_time_days", "parameter_set = \"mouse_xx\"\nend_time_days"),
       {"s.toml:4:", "not a parameter set of depillis2005", "mouse_nn"}},
      {"unknown_parameter", kValid + "[parameters]\nsgima = 1\n",
       {"s.toml:13:", "'parameters.sgima' is not a parameter", "did you mean 'sigma'?"}},
      {"unknown_state", replace(kValid, "T = 1e6", "X = 1e6"),
       {"s.toml:7:", "'initial.X' is not a state of depillis2005"}},
      {"dose_unknown_state", replace(kValid, "state = \"N\"", "state = \"NK\""),
       {"s.toml:9:", "'dose[1].state' is 'NK', not a state", "did you mean 'N'?"}},
      {"dose_outside_run", replace(kValid, "time_days = 0", "time_days = 45"),
       {"s.toml:10:", "'dose[1].time_days' is 45, outside the run"}},
      {"dose_bolus_and_infusion", replace(kValid, "amount = 1e7", "amount = 1e7\nrate_per_day = 1"),
       {"'dose[1].state' needs either a bolus", "not both"}},
      {"unsorted_output_times", replace(kValid, "[0, 10, 20, 30]", "[0, 20, 10, 30]"),
       {"s.toml:5:", "'simulation.output_times_days' must be strictly increasing"}},
      {"output_after_end", replace(kValid, "[0, 10, 20, 30]", "[0, 10, 40]"),
       {"'simulation.output_times_days' has 40, after end_time_days = 30"}},
      {"zero_end_time", replace(kValid, "end_time_days = 30", "end_time_days = 0"),
       {"'simulation.end_time_days' must be > 0, got 0"}},
      {"missing_engine", replace(kValid, "engine = \"well_mixed\"\n", ""),
       {"'simulation.engine' is required"}},
      {"bad_engine", replace(kValid, "\"well_mixed\"", "\"wellmixed\""),
       {"expected one of", "did you mean 'well_mixed'?"}},
      {"syntax_error", replace(kValid, "T = 1e6", "T = = 1e6"), {"s.toml:7:", "not valid TOML"}},
      // Numerical failures: exit 3 with model, time and state in the message.
      {"blow_up", kValid + "[parameters]\na = 20\nb = 0\n",
       {"model depillis2005 failed at t =", "blew up", "T = "}, 3},
      {"solver_gives_up", kValid + "[solver]\nmax_steps = 5\n",
       {"model depillis2005 failed at t =", "state: T = "}, 3},
  };
}

TEST(BadInput, EveryClassGivesClearErrorAndNoOutput) {
  for (const Case& c : cases()) {
    const auto dir = fresh_directory(std::string("bad-") + c.name);
    write_file(dir / "s.toml", c.scenario);
    const auto out = dir / "out";
    const auto r = run_cli("run " + (dir / "s.toml").string() + " --out " + out.string());
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << ": " << r.output;
    for (const auto& text : c.expected) {
      EXPECT_NE(r.output.find(text), std::string::npos)
          << c.name << ": expected '" << text << "' in: " << r.output;
    }
    EXPECT_FALSE(std::filesystem::exists(out)) << c.name << ": output directory left behind";
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
    EXPECT_EQ(entries, 1) << c.name << ": staging files left behind";
  }
}

TEST(BadInput, MissingAndUnreadableFiles) {
  auto missing = run_cli("run /nonexistent/scenario.toml --out /tmp/nksim-never");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("/nonexistent/scenario.toml: no such file"), std::string::npos);
  const auto dir = fresh_directory("bad-directory");
  auto directory = run_cli("validate " + dir.string());
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_NE(directory.output.find("is a directory"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists("/tmp/nksim-never"));
}

}  // namespace
}  // namespace nksim
