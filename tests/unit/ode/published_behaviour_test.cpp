// Qualitative behaviours reported for the published models (BIOLOGY.md parts a and b).
#include <gtest/gtest.h>

#include "unit/ode/test_models.h"

namespace nksim {
namespace {

class PublishedBehaviour : public ::testing::TestWithParam<SolverMethod> {};

using testing::final_value;
using testing::scenario;

WellMixedResult run(WellMixedScenario s, SolverMethod method) {
  s.solver.method = method;
  s.elimination_below = 1;
  s.escape_above = 1e8;
  return simulate(resolve(s));
}

// Kuznetsov 1994: from E0 = 3.2e5, tumours up to about 6.56e7 cells are controlled into the
// dormant focus (T* = 8.186e6) after an overshoot; larger ones escape to T = 4.470e8.
TEST_P(PublishedBehaviour, KuznetsovDormancyVersusEscape) {
  for (double t0 : {1e6, 5e7}) {
    auto s = scenario("kuznetsov1994", "bcl1", 3000, {{"E", 3.2e5}, {"T", t0}});
    s.solver.method = GetParam();
    const WellMixedProblem problem = resolve(s);
    const WellMixedResult result = simulate(problem);
    // The focus decays with a half-life of 126 d: after 3000 d it is at T* to well under 1 %.
    EXPECT_NEAR(final_value(problem, result, "T"), 8.186e6, 0.01 * 8.186e6) << "T0 = " << t0;
  }
  for (double t0 : {8e7, 2e8}) {
    auto s = scenario("kuznetsov1994", "bcl1", 1000, {{"E", 3.2e5}, {"T", t0}});
    s.solver.method = GetParam();
    const WellMixedProblem problem = resolve(s);
    const WellMixedResult result = simulate(problem);
    EXPECT_NEAR(final_value(problem, result, "T"), 4.470e8, 0.001 * 4.470e8) << "T0 = " << t0;
  }
}

// de Pillis 2005 / Diefenbach 2001: the non-transduced RMA line grows, the NKG2D-ligand
// transduced line is rejected. From T0 = 1e6 with N at its tumour-free level and no CD8 cells.
TEST_P(PublishedBehaviour, DePillis2005LigandVariantsOrdering) {
  const WellMixedResult nn = run(scenario("depillis2005", "mouse_nn", 300), GetParam());
  EXPECT_EQ(nn.outcome, Outcome::kEscaped);
  for (const char* set : {"mouse_ln", "mouse_ll"}) {
    const WellMixedResult transduced = run(scenario("depillis2005", set, 300), GetParam());
    EXPECT_EQ(transduced.outcome, Outcome::kEliminated) << set;
    EXPECT_LT(transduced.tumour_max, 2e6) << set;  // rejected without a large overshoot
  }
}

// de Pillis 2006, patient 9: a weak immune start (N = 1e3, L = 10, C = 6e8) lets a 1e6-cell
// tumour escape; a strong start (N = 1e5, L = 1e2, C = 6e10) eliminates it.
TEST_P(PublishedBehaviour, Patient9WeakVersusStrongImmuneStart) {
  const WellMixedResult weak = run(
      scenario("depillis2006", "patient9", 150, {{"T", 1e6}, {"N", 1e3}, {"L", 10}, {"C", 6e8}}),
      GetParam());
  EXPECT_EQ(weak.outcome, Outcome::kEscaped);
  const WellMixedResult strong = run(
      scenario("depillis2006", "patient9", 150, {{"T", 1e6}, {"N", 1e5}, {"L", 1e2}, {"C", 6e10}}),
      GetParam());
  EXPECT_EQ(strong.outcome, Outcome::kEliminated);
}

// An NK-cell bolus turns the escaping mouse_nn tumour into an eliminated one: the therapy
// effect the default scenario shows. NK kill c N = 3.23e-7 * 1e8 = 32/day >> a = 0.514/day.
TEST_P(PublishedBehaviour, NkBolusRescuesEscapingTumour) {
  auto s = scenario("depillis2005", "mouse_nn", 300);
  s.doses.push_back({.state = "N", .time_days = 0, .amount = 1e8});
  const WellMixedResult treated = run(s, GetParam());
  EXPECT_EQ(treated.outcome, Outcome::kEliminated);
  ASSERT_TRUE(treated.elimination_time_days.has_value());
  EXPECT_LT(*treated.elimination_time_days, 2.0);
}

INSTANTIATE_TEST_SUITE_P(Methods, PublishedBehaviour, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

}  // namespace
}  // namespace nksim
