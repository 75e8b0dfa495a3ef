// Plausibility warnings for doses: every built-in model with a plausible range warns above and
// below it (naming the key and the source) and not inside; a model without a range never warns.
#include "nksim/io/dose_plausibility.h"

#include <gtest/gtest.h>

#include <string>

namespace nksim {
namespace {

WellMixedScenario one_bolus(const std::string& model, const std::string& state, double amount) {
  const std::string text = "[simulation]\nengine = \"well_mixed\"\nmodel = \"" + model +
                           "\"\nend_time_days = 10\n[[dose]]\nstate = \"" + state +
                           "\"\ntime_days = 1\namount = " + std::to_string(amount) + "\n";
  return parse_well_mixed(TomlDocument::parse_string(text, "s.toml"));
}

struct Case {
  const char* model;
  const char* state;
  double inside, below, above;
  const char* context;  // species named in the warning
};

TEST(DosePlausibility, EachBuiltInRangeWarnsOutsideAndNotInside) {
  const Case cases[] = {
      {"depillis2005", "N", 1e7, 1e4, 1e9, "mouse"},
      {"kuznetsov1994", "E", 1e6, 1e4, 1e9, "mouse"},
      {"depillis2006", "N", 1e9, 1e6, 9e11, "human"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.model);
    EXPECT_TRUE(dose_warnings(one_bolus(c.model, c.state, c.inside)).empty());
    for (const double amount : {c.below, c.above}) {
      const auto w = dose_warnings(one_bolus(c.model, c.state, amount));
      ASSERT_EQ(w.size(), 1u);
      EXPECT_NE(w[0].find("s.toml:8:10: 'dose[1].amount'"), std::string::npos) << w[0];
      EXPECT_NE(w[0].find(amount < c.inside ? "below" : "above"), std::string::npos) << w[0];
      EXPECT_NE(w[0].find(c.context), std::string::npos) << w[0];
      EXPECT_NE(w[0].find(c.context == std::string("human") ? "Miller 2005" : "Ni 2012"),
                std::string::npos)
          << w[0];
    }
  }
}

TEST(DosePlausibility, InfusionIsJudgedByWhatItGivesInAll) {
  // 1e6 cells/day for 2 days = 2e6 cells: below the human range (7e6 cells in a 70 kg adult).
  const auto s = parse_well_mixed(TomlDocument::parse_string(R"([simulation]
engine = "well_mixed"
model = "depillis2006"
end_time_days = 10
[[dose]]
state = "N"
start_days = 1
stop_days = 3
rate_per_day = 1e6
)",
                                                             "i.toml"));
  const auto w = dose_warnings(s);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("'dose[1].rate_per_day' infuses 2e+06 cells in all"), std::string::npos)
      << w[0];
}

TEST(DosePlausibility, ScaleAppliesOnlyToTheSearchedState) {
  const WellMixedScenario s = one_bolus("depillis2005", "N", 1e7);
  EXPECT_TRUE(dose_warnings(s, "N", 10).empty());  // 1e8: the upper end, inside
  const auto w = dose_warnings(s, "N", 20);        // 2e8
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("at dose scale 20"), std::string::npos) << w[0];
  EXPECT_TRUE(dose_warnings(s, "L", 1e6).empty());  // no dose on L
}

TEST(DosePlausibility, ModelsWithoutARangeNeverWarn) {
  // nk_kinetics doses are concentrations in blood (cells/uL); no range is declared for them.
  EXPECT_TRUE(dose_warnings(one_bolus("nk_kinetics", "E", 1e12)).empty());
  // de Pillis 2006: no range for the TIL state L.
  EXPECT_TRUE(dose_warnings(one_bolus("depillis2006", "L", 1e13)).empty());
}

}  // namespace
}  // namespace nksim
