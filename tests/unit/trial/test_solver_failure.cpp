// A run the solver cannot integrate: the message names the time of failure and the state the
// model had then (not CVODE's scratch vector), so a failed trial plan can be understood.
#include <gtest/gtest.h>

#include <string>

#include "nksim/core/error.h"
#include "nksim/io/well_mixed_scenario.h"

namespace nksim {
namespace {

WellMixedScenario pillis(double end_time_days) {
  WellMixedScenario s;
  s.model = "depillis2005";
  s.parameter_set = "mouse_nn";
  s.end_time_days = end_time_days;
  s.output_interval_days = 1;
  s.initial = {{"T", 1e6}};
  s.doses.push_back({.state = "N", .time_days = 0, .amount = 1e8});
  return s;
}

std::string failure_message(const WellMixedScenario& s) {
  try {
    simulate(resolve(s));
  } catch (const NumericalError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the run did not fail";
  return "";
}

// The value printed for `state` in "...; state: T = 1 N = 2 L = 3".
double printed(const std::string& message, const std::string& state) {
  const auto state_at = message.find("; state:");
  const std::string key = " " + state + " = ";
  const auto at = state_at == std::string::npos ? state_at : message.find(key, state_at);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no " << state << " in: " << message;
    return -1;
  }
  return std::stod(message.substr(at + key.size()));
}

// A tumour of 1e99 cells makes CVODE give up on its first step; it used to print the state
// of its Newton scratch vector (T = 0, N = 0) instead of the state it was given.
TEST(SolverFailure, PrintsTheStateAtTheStart) {
  WellMixedScenario s = pillis(10);
  s.initial["T"] = 1e99;
  const std::string message = failure_message(s);
  EXPECT_NE(message.find("failed at t = 0 days"), std::string::npos) << message;
  EXPECT_DOUBLE_EQ(printed(message, "T"), 1e99) << message;
  const WellMixedProblem problem = resolve(pillis(10));
  const double n0 = problem.initial[static_cast<std::size_t>(problem.model->state_index("N"))];
  EXPECT_NEAR(printed(message, "N"), n0 + 1e8, 1e-5 * (n0 + 1e8)) << message;
  EXPECT_EQ(printed(message, "L"), 0.0) << message;
}

// A tumour bolus of 1e99 cells at day 5 fails there: the printed N and L are those of an
// undisturbed run at day 5 (6 significant digits printed; the two runs agree to ~1e-7).
TEST(SolverFailure, PrintsTheStateWhereARunFailsMidway) {
  WellMixedScenario s = pillis(10);
  s.doses.push_back({.state = "T", .time_days = 5, .amount = 1e99});
  const std::string message = failure_message(s);
  EXPECT_NE(message.find("failed at t = 5 days"), std::string::npos) << message;
  WellMixedScenario clean = pillis(5);
  const WellMixedProblem problem = resolve(clean);
  const WellMixedResult result = simulate(problem);
  const std::size_t last = result.times_days.size() - 1;
  ASSERT_EQ(result.times_days[last], 5.0);
  for (const char* state : {"N", "L"}) {
    const double expected =
        result.value(last, static_cast<std::size_t>(problem.model->state_index(state)));
    EXPECT_NEAR(printed(message, state), expected, 1e-5 * std::abs(expected) + 1e-9)
        << state << ": " << message;
  }
  EXPECT_GT(printed(message, "T"), 1e98) << message;
}

}  // namespace
}  // namespace nksim
