// Helpers for building well-mixed problems in tests.
#pragma once

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "nksim/io/well_mixed_scenario.h"

namespace nksim::testing {

inline WellMixedScenario scenario(const std::string& model, const std::string& set,
                                  double end_time_days, std::map<std::string, double> initial = {},
                                  std::map<std::string, double> parameters = {}) {
  WellMixedScenario s;
  s.model = model;
  s.parameter_set = set;
  s.end_time_days = end_time_days;
  s.initial = std::move(initial);
  s.parameters = std::move(parameters);
  s.solver.rtol = 1e-10;
  s.solver.atol = 1e-8;
  return s;
}

// Every integrator, for tests that must hold on each (TEST_P ... INSTANTIATE with these).
inline constexpr SolverMethod kEveryMethod[] = {SolverMethod::kCvode, SolverMethod::kRodas4,
                                                SolverMethod::kRodas5P};
inline std::string method_test_name(const ::testing::TestParamInfo<SolverMethod>& info) {
  return std::string(solver_method_name(info.param));
}

// Value of `state` at the last output time.
inline double final_value(const WellMixedProblem& problem, const WellMixedResult& result,
                          const std::string& state) {
  const int index = problem.model->state_index(state);
  return result.value(result.times_days.size() - 1, static_cast<std::size_t>(index));
}

}  // namespace nksim::testing
