// The stepping well-mixed run: cut into advance_to calls it is bit for bit the run in one go; its
// state at an output time is the output row; a bolus given between steps is bit for bit the
// scenario with that bolus among its doses.
#include <gtest/gtest.h>

#include "nksim/core/error.h"
#include "nksim/ode/well_mixed.h"
#include "unit/ode/test_models.h"

namespace nksim {
namespace {

using testing::scenario;

WellMixedScenario dosed() {
  auto s = scenario("depillis2005", "mouse_nn", 30, {{"T", 1e6}});
  s.output_interval_days = 1;
  s.doses.push_back({.state = "N", .time_days = 3, .amount = 1e7});
  s.elimination_below = 1;
  return s;
}

void expect_same(const WellMixedResult& a, const WellMixedResult& b) {
  EXPECT_EQ(a.times_days, b.times_days);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.elimination_time_days, b.elimination_time_days);
  EXPECT_EQ(a.tumour_min, b.tumour_min);
  EXPECT_EQ(a.solver_steps, b.solver_steps);
}

TEST(WellMixedStepping, CutIntoPiecesItIsTheRunInOneGo) {
  const WellMixedProblem problem = resolve(dosed());
  const WellMixedResult whole = simulate(problem);
  WellMixedRun run(problem);
  for (double t = 0; t < 30; t += 0.37) run.advance_to(t);
  run.advance_to(3);  // exactly at the dose: the state after it
  expect_same(run.finish(), whole);
  EXPECT_TRUE(run.finished());
}

TEST(WellMixedStepping, StateAtAnOutputTimeIsTheRowAndAfterADoseIncludesIt) {
  const WellMixedProblem problem = resolve(dosed());
  const WellMixedResult whole = simulate(problem);
  WellMixedRun run(problem);
  run.advance_to(2);
  EXPECT_EQ(run.state()[0], whole.value(2, 0));
  run.advance_to(3);
  EXPECT_EQ(run.state(), std::vector<double>(whole.values.begin() + 3 * whole.num_states,
                                             whole.values.begin() + 4 * whole.num_states));
  EXPECT_GT(run.state()[1], 1e7) << "the bolus at day 3 is in the state at day 3";
}

TEST(WellMixedStepping, ABolusGivenBetweenStepsIsTheScenarioWithThatDose) {
  WellMixedScenario with_second = dosed();
  with_second.doses.push_back({.state = "N", .time_days = 7.5, .amount = 2e7});
  const WellMixedResult planned = simulate(resolve(with_second));

  const WellMixedProblem problem = resolve(dosed());
  WellMixedRun run(problem);
  run.advance_to(7.5);
  const double before = run.state()[1];
  run.add_to_state(1, 2e7);
  EXPECT_DOUBLE_EQ(run.state()[1], before + 2e7);
  expect_same(run.finish(), planned);
  EXPECT_THROW(run.add_to_state(99, 1), InputError);
}

}  // namespace
}  // namespace nksim
