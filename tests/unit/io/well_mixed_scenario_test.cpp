#include "nksim/io/well_mixed_scenario.h"

#include <gtest/gtest.h>

#include "nksim/core/error.h"

namespace nksim {
namespace {

TEST(WellMixedScenario, ResolvesSetOverridesDefaultsAndDoses) {
  const auto doc = TomlDocument::parse_string(R"(
[simulation]
engine = "well_mixed"
model = "depillis2005"
parameter_set = "mouse_ll"
end_time_days = 10
output_interval_days = 2.5
[parameters]
c = 1e-6
[initial]
T = 5e5
[[dose]]
state = "N"
time_days = 1
amount = 1e7
[[dose]]
state = "L"
start_days = 2
stop_days = 4
rate_per_day = 100
)", "w.toml");
  const WellMixedScenario s = parse_well_mixed(doc);
  const WellMixedProblem p = resolve(s);
  EXPECT_EQ(p.parameter_set, "mouse_ll");
  EXPECT_EQ(p.parameters[2], 1e-6);       // c overridden
  EXPECT_EQ(p.parameters[13], 7.17);      // d from mouse_ll
  EXPECT_EQ(p.initial[0], 5e5);           // T given
  EXPECT_NEAR(p.initial[1], 1.3e4 / 4.12e-2, 1e-6);  // N defaults to sigma/f
  EXPECT_EQ(p.output_times_days, (std::vector<double>{0, 2.5, 5, 7.5, 10}));
  ASSERT_EQ(p.doses.size(), 2u);
  EXPECT_FALSE(p.doses[0].infusion);
  EXPECT_TRUE(p.doses[1].infusion);
  EXPECT_EQ(p.doses[1].state, 2u);
}

TEST(WellMixedScenario, SolverMethodIsReadAndCheckedWithItsLine) {
  const std::string head = R"([simulation]
engine = "well_mixed"
model = "depillis2005"
end_time_days = 10
[solver]
)";
  EXPECT_EQ(parse_well_mixed(TomlDocument::parse_string(head, "w.toml")).solver.method,
            SolverMethod::kAuto);  // the default
  for (const auto& [text, method] :
       {std::pair{"rodas4", SolverMethod::kRodas4}, std::pair{"rodas5p", SolverMethod::kRodas5P},
        std::pair{"auto", SolverMethod::kAuto}, std::pair{"cvode", SolverMethod::kCvode}}) {
    const auto doc =
        TomlDocument::parse_string(head + "method = \"" + text + "\"\n", "w.toml");
    EXPECT_EQ(parse_well_mixed(doc).solver.method, method) << text;
  }
  try {
    parse_well_mixed(TomlDocument::parse_string(head + "method = \"rk45\"\n", "w.toml"));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.toml:6:10: 'solver.method' is 'rk45'"),
              std::string::npos)
        << e.what();
  }
}

TEST(WellMixedScenario, ResolveRejectsUnknownNamesFromCode) {
  WellMixedScenario s;
  s.model = "depillis2005";
  s.end_time_days = 1;
  s.parameters["sgima"] = 1;
  try {
    resolve(s);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'sigma'?"), std::string::npos);
  }
}

// Found by fuzzing: end_time_days = 1e9 asked for 1e9 output times (8 GB) before any check.
// Now the run length is bounded (100 years) and so is the number of rows an interval asks for
// (docs/scenarios.md, "Limits").
TEST(WellMixedScenario, RefusesRunawayOutputTimes) {
  const auto expect_refused = [](const std::string& times, const std::string& key,
                                 const std::string& why) {
    const auto doc = TomlDocument::parse_string(
        "[simulation]\nengine = \"well_mixed\"\nmodel = \"kuznetsov1994\"\n" + times, "w.toml");
    try {
      parse_well_mixed(doc);
      FAIL() << "expected InputError for " << times;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("w.toml:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("'simulation." + key + "'"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  expect_refused("end_time_days = 1e9\n", "end_time_days", "longer than 100 years");
  expect_refused("end_time_days = 3650\noutput_interval_days = 1e-6\n", "output_interval_days",
                 "over the limit of 1e+06");
  // A century at the default interval of one day is allowed: 36,526 rows.
  const auto ok = TomlDocument::parse_string(
      "[simulation]\nengine = \"well_mixed\"\nmodel = \"kuznetsov1994\"\n"
      "end_time_days = 36525\n",
      "w.toml");
  EXPECT_EQ(output_times(parse_well_mixed(ok)).size(), 36'526u);
}

}  // namespace
}  // namespace nksim
