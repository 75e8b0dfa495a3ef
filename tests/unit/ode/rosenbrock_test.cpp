// The Rodas4 integrator (ode/rosenbrock_solver.h) on problems with exact solutions: its order,
// its dense output, its root finding, a time-dependent right-hand side without a Jacobian, a
// stiff system, and the limits of the state count. The built-in models are checked on both
// integrators by the reference-integrator, closed-form and published-behaviour tests.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/core/error.h"
#include "nksim/ode/rosenbrock_solver.h"
#include "unit/ode/test_models.h"

namespace nksim {
namespace {

// dy_i/dt = -lambda_i y_i + exp(-t/2) [time_forced]. No analytic Jacobian: the solver differences.
class LinearTestModel final : public OdeModel {
 public:
  LinearTestModel(std::vector<double> lambdas, bool time_forced)
      : lambdas_(std::move(lambdas)), time_forced_(time_forced) {
    for (std::size_t i = 0; i < lambdas_.size(); ++i) {
      names_.push_back("y" + std::to_string(i));
    }
    for (const auto& name : names_) states_.push_back({name, "1", "test state"});
  }
  std::string_view name() const override { return "linear_test"; }
  std::string_view citation() const override { return "test"; }
  std::span<const StateInfo> states() const override { return states_; }
  std::span<const ParameterInfo> parameters() const override { return {}; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return 0; }
  std::vector<double> default_initial(std::span<const double>) const override {
    return std::vector<double>(lambdas_.size(), 1.0);
  }
  std::string_view default_initial_note() const override { return "all 1"; }
  void rhs(double t, const double* y, const double*, double* f) const override {
    for (std::size_t i = 0; i < lambdas_.size(); ++i) {
      f[i] = -lambdas_[i] * y[i] + (time_forced_ ? std::exp(-0.5 * t) : 0.0);
    }
  }
  std::vector<Expr> equations() const override {
    std::vector<Expr> out;
    for (std::size_t i = 0; i < lambdas_.size(); ++i) {
      Expr e = -lambdas_[i] * Expr::state(i);
      if (time_forced_) e = e + exp(-0.5 * Expr::time());
      out.push_back(e);
    }
    return out;
  }

 private:
  std::vector<double> lambdas_;
  bool time_forced_;
  std::vector<std::string> names_;
  std::vector<StateInfo> states_;
  std::vector<ParameterSet> sets_ = {{"default", "test", "test", {}}};
};

// Integrates from (0, y0) to t_end with `solver`, returning the state; counts the steps.
std::vector<double> integrate(OdeStepper& solver, std::vector<double> y0, double t_end) {
  const std::vector<double> rates(y0.size(), 0.0);
  solver.restart(0, y0, rates);
  while (solver.step(t_end) != OdeStepper::StepResult::kStopTime) {
  }
  EXPECT_EQ(solver.time(), t_end);
  const auto y = solver.state();
  return {y.begin(), y.end()};
}

// y' = -y + e^{-t/2}, y(0) = 1: y = 2 e^{-t/2} - e^{-t}. Exercises f_t (the model reads
// time: its equations say so) and the finite-difference Jacobian.
TEST(Rodas4, TimeDependentRightHandSideMatchesTheExactSolution) {
  const LinearTestModel model({1.0}, true);
  ASSERT_TRUE(model.reads_time());
  SolverOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  RosenbrockSolver solver(model, {}, options, {});
  const double t = 10;
  const double exact = 2 * std::exp(-0.5 * t) - std::exp(-t);
  EXPECT_NEAR(integrate(solver, {1.0}, t)[0], exact, 1e-9 * exact);
}

// Order 4: on y' = -y + e^{-t/2}, tightening rtol by 1e4 shrinks the global error by about
// (1e4)^(4/5) ~ 1600 for an order-4 method with an error-per-step controller; more than 100
// and the error at rtol 1e-6 within 100 rtol.
TEST(Rodas4, GlobalErrorFollowsTheTolerance) {
  const LinearTestModel model({1.0}, true);
  const double t = 10;
  const double exact = 2 * std::exp(-0.5 * t) - std::exp(-t);
  std::vector<double> errors;
  for (double rtol : {1e-6, 1e-10}) {
    SolverOptions options;
    options.rtol = rtol;
    options.atol = rtol;
    RosenbrockSolver solver(model, {}, options, {});
    errors.push_back(std::fabs(integrate(solver, {1.0}, t)[0] - exact));
  }
  EXPECT_LT(errors[0], 100 * 1e-6 * exact);
  EXPECT_GT(errors[0] / std::max(errors[1], 1e-300), 100.0) << errors[0] << " " << errors[1];
}

// A stiff linear system (eigenvalues -1 and -1e6): L-stability lets the step grow with the slow
// mode; an explicit method would be held to h < ~3e-6 by the fast one, i.e. millions of steps
// over 10 days. (The count, about 600, is set by the slow mode at rtol 1e-8.)
TEST(Rodas4, StiffSystemTakesFewStepsAndStaysAccurate) {
  const LinearTestModel model({1.0, 1e6}, false);
  ASSERT_FALSE(model.reads_time());
  SolverOptions options;
  options.rtol = 1e-8;
  options.atol = 1e-12;
  RosenbrockSolver solver(model, {}, options, {});
  const auto y = integrate(solver, {1.0, 1.0}, 10);
  EXPECT_NEAR(y[0], std::exp(-10.0), 1e-9);
  EXPECT_NEAR(y[1], 0.0, 1e-12);
  EXPECT_LT(solver.steps_taken(), 2000);
}

// Dense output and root finding on logistic growth (de Pillis 2005 without effectors):
//     T(t) = K / (1 + (K/T0 - 1) e^{-a t}),
// crossing T = 1e8 (upward) at t* = ln((K/T0 - 1)/(K/1e8 - 1)) / a.
TEST(Rodas4, DenseOutputAndEscapeTimeMatchLogisticGrowth) {
  auto s = testing::scenario("depillis2005", "mouse_nn", 60, {{"T", 1e3}, {"N", 0}, {"L", 0}},
                             {{"sigma", 0}});
  s.solver.method = SolverMethod::kRodas4;
  s.output_interval_days = 0.1;  // many outputs inside each solver step
  s.escape_above = 1e8;
  const WellMixedProblem problem = resolve(s);
  const WellMixedResult result = simulate(problem);
  const double a = 0.514, k = 1 / 1.02e-9, t0 = 1e3;
  for (std::size_t i = 0; i < result.times_days.size(); ++i) {
    const double t = result.times_days[i];
    const double exact = k / (1 + (k / t0 - 1) * std::exp(-a * t));
    ASSERT_NEAR(result.value(i, 0), exact, 1e-7 * exact) << "t = " << t;
  }
  ASSERT_TRUE(result.escape_time_days.has_value());
  const double t_star = std::log((k / t0 - 1) / (k / 1e8 - 1)) / a;
  EXPECT_NEAR(*result.escape_time_days, t_star, 1e-8 * t_star);
  EXPECT_EQ(result.outcome, Outcome::kEscaped);
}

// The default scenario's elimination (a downward crossing after an NK bolus) on both
// integrators: the same day to the tolerance, and the same outcome.
TEST(Rodas4, EliminationTimeAgreesWithCvode) {
  std::vector<double> times;
  for (SolverMethod method : testing::kBothMethods) {
    auto s = testing::scenario("depillis2005", "mouse_nn", 60, {{"T", 1e6}});
    s.doses.push_back({.state = "N", .time_days = 0, .amount = 1e8});
    s.elimination_below = 1;
    s.solver.method = method;
    const WellMixedResult result = simulate(resolve(s));
    ASSERT_TRUE(result.elimination_time_days.has_value());
    EXPECT_EQ(result.outcome, Outcome::kEliminated);
    times.push_back(*result.elimination_time_days);
  }
  EXPECT_NEAR(times[0], times[1], 1e-6 * times[0]);
}

// Same problem twice: bit for bit the same (no hidden state between runs).
TEST(Rodas4, Deterministic) {
  auto s = testing::scenario("depillis2006", "patient9", 30);
  s.solver.method = SolverMethod::kRodas4;
  s.doses.push_back({.state = "N", .time_days = 3, .amount = 1e9});
  const WellMixedProblem problem = resolve(s);
  const WellMixedResult first = simulate(problem);
  const WellMixedResult second = simulate(problem);
  EXPECT_EQ(first.values, second.values);
  EXPECT_EQ(first.solver_method, "Rodas4 Rosenbrock, order 4(3), L-stable");
}

// More states than the fixed-size kernels hold: forcing Rodas4 is refused with a message,
// "auto" picks CVODE.
TEST(Rodas4, TooManyStatesIsRefusedAndAutoFallsBack) {
  const LinearTestModel model(std::vector<double>(RosenbrockSolver::kMaxStates + 1, 1.0), false);
  SolverOptions options;
  options.method = SolverMethod::kRodas4;
  try {
    (void)make_stepper(model, {}, options, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("method = \"cvode\""), std::string::npos) << e.what();
  }
  options.method = SolverMethod::kAuto;
  const auto stepper = make_stepper(model, {}, options, {});
  EXPECT_EQ(stepper->description(), "CVODE BDF, dense direct");
  options.method = SolverMethod::kAuto;
  const LinearTestModel small({1.0, 2.0}, false);
  EXPECT_EQ(make_stepper(small, {}, options, {})->description(),
            "Rodas4 Rosenbrock, order 4(3), L-stable");
}

}  // namespace
}  // namespace nksim
