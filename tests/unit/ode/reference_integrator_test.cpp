// nksim (CVODE, BDF) against an independent integrator written here: the Dormand-Prince 5(4)
// embedded Runge-Kutta pair with adaptive steps (Hairer, Norsett & Wanner, Solving ODEs I,
// table 5.2) at rtol 1e-11. It shares only the models' right-hand sides (and their own
// boluses, which it applies itself) with nksim.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "unit/ode/test_models.h"

namespace nksim {
namespace {

class ReferenceIntegrator : public ::testing::TestWithParam<SolverMethod> {};

std::vector<double> dormand_prince(const OdeModel& model, const std::vector<double>& p,
                                   std::vector<double> y, double t_end) {
  static constexpr double a21 = 1.0 / 5;
  static constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  static constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  static constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561,
                          a54 = -212.0 / 729;
  static constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247,
                          a64 = 49.0 / 176, a65 = -5103.0 / 18656;
  static constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192,
                          b5 = -2187.0 / 6784, b6 = 11.0 / 84;
  static constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                          e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;
  const std::size_t n = y.size();
  const double rtol = 1e-11, atol = 1e-9;
  std::vector<double> k1(n), k2(n), k3(n), k4(n), k5(n), k6(n), k7(n), tmp(n), y5(n);
  auto f = [&](const std::vector<double>& yy, std::vector<double>& out) {
    model.rhs(0, yy.data(), p.data(), out.data());
  };
  double t = 0, h = 1e-4;  // autonomous models: the stage times c_i h are not needed
  f(y, k1);
  while (t < t_end) {
    h = std::min(h, t_end - t);
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + h * a21 * k1[i];
    f(tmp, k2);
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
    f(tmp, k3);
    for (std::size_t i = 0; i < n; ++i) tmp[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
    f(tmp, k4);
    for (std::size_t i = 0; i < n; ++i)
      tmp[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
    f(tmp, k5);
    for (std::size_t i = 0; i < n; ++i)
      tmp[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
    f(tmp, k6);
    for (std::size_t i = 0; i < n; ++i)
      y5[i] = y[i] + h * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
    f(y5, k7);
    double err = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double e = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] +
                            e7 * k7[i]);
      const double sc = atol + rtol * std::max(std::fabs(y[i]), std::fabs(y5[i]));
      err = std::max(err, std::fabs(e) / sc);
    }
    if (err <= 1) {
      t += h;
      y = y5;
      k1 = k7;  // first-same-as-last
    }
    h *= std::clamp(0.9 * std::pow(std::max(err, 1e-10), -0.2), 0.2, 5.0);
  }
  return y;
}

TEST_P(ReferenceIntegrator, EveryBuiltInModelAndSetAgrees) {
  for (const OdeModel* model : all_models()) {
    for (const auto& set : model->parameter_sets()) {
      const double end = 60;
      auto s = testing::scenario(std::string(model->name()), std::string(set.name), end);
      s.output_times_days = {end};
      s.solver.method = GetParam();
      const WellMixedProblem problem = resolve(s);
      const WellMixedResult result = simulate(problem);
      // The model's own boluses (the nk_kinetics switch at Tmax) split the reference run too.
      std::vector<double> expected = problem.initial;
      double t = 0;
      for (const ModelBolus& bolus : model->model_boluses(problem.parameters)) {
        if (bolus.time_days >= end) continue;
        if (bolus.time_days > t) {
          expected = dormand_prince(*model, problem.parameters, expected, bolus.time_days - t);
        }
        t = bolus.time_days;
        expected[bolus.state] += bolus.amount;
      }
      expected = dormand_prince(*model, problem.parameters, expected, end - t);
      for (std::size_t i = 0; i < model->num_states(); ++i) {
        // Both integrators run at rtol ~1e-10; agreement to 1e-6 relative (plus 1e-4 cells
        // absolute for populations that decayed to ~0) leaves room for error growth.
        EXPECT_NEAR(result.value(0, i), expected[i], 1e-6 * std::fabs(expected[i]) + 1e-4)
            << model->name() << "/" << set.name << " state " << model->states()[i].name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, ReferenceIntegrator, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

}  // namespace
}  // namespace nksim
