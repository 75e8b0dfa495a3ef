// nk_metastasis against a conservation law, closed forms and the direction of the mouse data.
//
// Every shed cell ends in exactly one place: in blood (C_b), arrested in the lung (C_l), killed
// by NK cells (K_d), dead otherwise, or seeding a metastasis (M_n, one cell each). With no
// growth of the primary (a = 0) and no other death (d_cb = d_cl = 0):
//     P(0) - P(t) = C_b + C_l + K_d + M_n          (shed = in blood + in lung + killed + seeded)
//     P(t) = P(0) e^{-sigma t}
// The sum P + C_b + C_l + K_d + M_n has a zero derivative for every state, so every integrator
// keeps it to rounding.
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/io/toml_reader.h"
#include "unit/ode/test_models.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace nk_metastasis_test {

struct MetastasisRun {
  WellMixedProblem problem;
  WellMixedResult result;
  double state(std::size_t row, const char* name) const {
    return result.value(row, static_cast<std::size_t>(problem.model->state_index(name)));
  }
  double final(const char* name) const { return state(result.times_days.size() - 1, name); }
  double derived(std::size_t row, const std::string& name) const {
    const auto d = problem.model->derived_outputs();
    for (std::size_t k = 0; k < d.size(); ++k) {
      if (d[k].name == name) return result.derived_value(row, k);
    }
    ADD_FAILURE() << "no derived output " << name;
    return 0;
  }
};

MetastasisRun run(WellMixedScenario s) {
  MetastasisRun r;
  r.problem = resolve(s);
  r.result = simulate(r.problem);
  return r;
}

class NkMetastasis : public ::testing::TestWithParam<SolverMethod> {};

TEST_P(NkMetastasis, ShedCellsAreInBloodInLungKilledOrSeeded) {
  const double p0 = 1e9, sigma = 3.2e-3;
  for (const double host_nk : {0.0, 1e9}) {
    // mu raised to 0.1/day so that seeding is a visible share; an infusion on day 3 when the
    // host has NK cells, none without.
    auto s = testing::scenario("nk_metastasis", "human_1g_primary", 60,
                               {{"P", p0}, {"C_b", 0}, {"C_l", 0}},
                               {{"a", 0}, {"lambda_m", 0}, {"d_cb", 0}, {"d_cl", 0},
                                {"mu", 0.1}, {"E_b", host_nk}, {"E_l", host_nk}});
    s.solver.method = GetParam();
    s.solver.atol = 1e-4;
    s.output_interval_days = 0.5;
    if (host_nk > 0) s.doses.push_back({.state = "N_b", .time_days = 3, .amount = 1e9});
    const MetastasisRun r = run(s);
    for (std::size_t i = 0; i < r.result.times_days.size(); ++i) {
      const double t = r.result.times_days[i];
      const double p = r.state(i, "P");
      EXPECT_NEAR(p, p0 * std::exp(-sigma * t), 1e-9 * p0) << "day " << t;
      const double elsewhere =
          r.state(i, "C_b") + r.state(i, "C_l") + r.state(i, "K_d") + r.state(i, "M_n");
      EXPECT_NEAR(p0 - p, elsewhere, 1e-10 * p0) << "day " << t << ", host NK " << host_nk;
    }
    if (host_nk > 0) {
      EXPECT_GT(r.final("K_d"), 0.5 * (p0 - r.final("P")));  // most are killed
    } else {
      EXPECT_EQ(r.final("K_d"), 0.0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, NkMetastasis, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

// The default start is the CTC steady state for the host's NK cells: C_b = sigma P/(k_arr +
// kappa_b E_b) = 3.2e6/9.8, i.e. 489.8 CTCs per 7.5 mL, and the seeding rate mu C_l is Iwata
// 2000's colonisation rate m P^alpha (m = 5.3e-8, alpha = 0.663) at P = 1e9 within 5 %.
TEST(NkMetastasisCalibration, StartsAtTheCtcSteadyStateAndIwatasSeedingRate) {
  auto s = testing::scenario("nk_metastasis", "human_1g_primary", 1);
  s.output_times_days = {0, 1};
  const MetastasisRun r = run(s);
  const double cb = 3.2e-3 * 1e9 / 9.8;
  EXPECT_NEAR(r.state(0, "C_b"), cb, 1e-9 * cb);
  EXPECT_NEAR(r.derived(0, "ctc_per_7_5mL"), 7500 * cb / 5e6, 1e-6);
  // A steady state: after a day the CTCs follow the slowly growing primary (< 2 % change).
  EXPECT_NEAR(r.state(1, "C_b"), cb, 0.02 * cb);
  const double iwata = 5.3e-8 * std::pow(1e9, 0.663);
  EXPECT_NEAR(r.derived(0, "seeding_per_day"), iwata, 0.05 * iwata);
}

MetastasisRun with_infusions(const std::vector<std::pair<double, double>>& doses,
                   std::map<std::string, double> parameters = {}) {
  WellMixedScenario s = parse_well_mixed(TomlDocument::parse_file(
      std::string(NKSIM_SOURCE_DIR) + "/scenarios/nk_metastasis.toml"));
  s.doses.clear();
  for (const auto& [day, amount] : doses) {
    s.doses.push_back({.state = "N_b", .time_days = day, .amount = amount});
  }
  for (const auto& [name, value] : parameters) s.parameters[name] = value;
  return run(s);
}

// A higher single NK dose on day 0 gives strictly fewer metastases by day 180 and more killed
// tumour cells; four weekly doses fewer than one.
TEST(NkMetastasisDirection, MoreNkCellsFewerMetastases) {
  double previous_metastases = 1e300, previous_killed = 0;
  for (const double dose : {0.0, 1e8, 1e9, 3e9, 7e9}) {
    const MetastasisRun r = with_infusions({{0, dose}});
    EXPECT_LT(r.final("M_n"), previous_metastases) << "dose " << dose;
    EXPECT_GT(r.final("K_d"), previous_killed) << "dose " << dose;
    previous_metastases = r.final("M_n");
    previous_killed = r.final("K_d");
  }
  const MetastasisRun once = with_infusions({{0, 1e9}});
  const MetastasisRun weekly = with_infusions({{0, 1e9}, {7, 1e9}, {14, 1e9}, {21, 1e9}});
  EXPECT_LT(weekly.final("M_n"), once.final("M_n"));
  EXPECT_LT(weekly.final("M_c"), once.final("M_c"));
}

// NK depletion (no infusion, 90 % of the host's NK cells removed, as anti-asialo-GM1 does in
// mice) raises the lung metastases: Gorelik 1982 counted 10 times more B16 lung foci in
// NK-depleted mice. The model must give more than 3 and fewer than 30 times as many.
TEST(NkMetastasisDirection, NkDepletionRaisesLungMetastases) {
  const MetastasisRun intact = with_infusions({});
  const MetastasisRun depleted = with_infusions({}, {{"E_b", 1e8}, {"E_l", 1e8}});
  const double ratio = depleted.final("M_n") / intact.final("M_n");
  EXPECT_GT(ratio, 3.0);
  EXPECT_LT(ratio, 30.0);
  EXPECT_GT(depleted.final("M_c"), intact.final("M_c"));
  EXPECT_GT(depleted.derived(0, "ctc_per_7_5mL"), intact.derived(0, "ctc_per_7_5mL"));
}

}  // namespace nk_metastasis_test
}  // namespace nksim
