// Closed-form solutions the engine must reproduce.
#include <cmath>

#include <gtest/gtest.h>

#include "unit/ode/test_models.h"

namespace nksim {
namespace {

class ClosedForm : public ::testing::TestWithParam<SolverMethod> {};

using testing::scenario;

// Without effectors (N = L = 0 and no NK source) de Pillis 2005 reduces to logistic growth
//     dT/dt = a T (1 - b T)  =>  T(t) = K / (1 + (K/T0 - 1) e^{-a t}),  K = 1/b.
TEST_P(ClosedForm, LogisticGrowthWithoutEffectors) {
  auto s = scenario("depillis2005", "mouse_nn", 60, {{"T", 1e3}, {"N", 0}, {"L", 0}},
                    {{"sigma", 0}});
  s.output_interval_days = 2;
  s.solver.method = GetParam();
  const WellMixedProblem problem = resolve(s);
  const WellMixedResult result = simulate(problem);
  const double a = 0.514, k = 1 / 1.02e-9, t0 = 1e3;
  ASSERT_EQ(result.times_days.size(), 31u);
  for (std::size_t i = 0; i < result.times_days.size(); ++i) {
    const double t = result.times_days[i];
    const double exact = k / (1 + (k / t0 - 1) * std::exp(-a * t));
    EXPECT_NEAR(result.value(i, 0), exact, 1e-7 * exact) << "t = " << t;
    EXPECT_EQ(result.value(i, 1), 0.0);  // no NK cells appear from nowhere
  }
  // Tolerance 1e-7 relative: the solver runs at rtol 1e-10; global error grows ~100x over 60 d.
}

// IL-2 in de Pillis 2006 is a linear compartment dI/dt = -mu_I I + v_I(t). A bolus A at t_b and
// an infusion of rate R on [t_s, t_e) give
//     I(t) = A e^{-mu (t - t_b)}                              t_b <= t < t_s
//     I(t) = I(t_s) e^{-mu (t - t_s)} + R/mu (1 - e^{-mu (t - t_s)})    t_s <= t < t_e
//     I(t) = I(t_e) e^{-mu (t - t_e)}                          t >= t_e
TEST_P(ClosedForm, DosedStateDecaysExponentially) {
  auto s = scenario("depillis2006", "patient9", 14);
  s.solver.atol = 1e-10;
  s.solver.method = GetParam();
  s.doses.push_back({.state = "I", .time_days = 2, .amount = 1e6});
  s.doses.push_back(
      {.state = "I", .infusion = true, .start_days = 8, .stop_days = 11, .rate_per_day = 5e6});
  s.output_times_days = {0, 1.99, 2, 2.05, 2.2, 2.5, 8, 8.1, 9, 10.99, 11, 11.3, 12};
  const WellMixedProblem problem = resolve(s);
  const WellMixedResult result = simulate(problem);
  const double mu = 10.0, amount = 1e6, rate = 5e6;
  const auto exact = [&](double t) {
    double value = 0;
    if (t >= 2) value = amount * std::exp(-mu * (t - 2));
    if (t >= 8) {
      const double at_start = amount * std::exp(-mu * 6);
      const double end = std::min(t, 11.0);
      value = at_start * std::exp(-mu * (end - 8)) + rate / mu * (1 - std::exp(-mu * (end - 8)));
      if (t > 11) value *= std::exp(-mu * (t - 11));
    }
    return value;
  };
  const std::size_t i_state = 5;
  ASSERT_EQ(result.times_days.size(), s.output_times_days.size());
  for (std::size_t i = 0; i < result.times_days.size(); ++i) {
    const double t = result.times_days[i];
    EXPECT_NEAR(result.value(i, i_state), exact(t), 1e-6 * exact(t) + 1e-8) << "t = " << t;
  }
  // The value at the bolus time is the value just after the bolus (right-continuous).
  EXPECT_DOUBLE_EQ(result.value(2, i_state), 1e6);
}

INSTANTIATE_TEST_SUITE_P(Methods, ClosedForm, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

}  // namespace
}  // namespace nksim
