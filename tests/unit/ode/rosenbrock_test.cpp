// The Rosenbrock integrators, Rodas4 and Rodas5P (ode/rosenbrock_solver.h), on problems with
// exact solutions: their order (fixed steps, halved), their dense output, their root finding, a
// time-dependent right-hand side without a Jacobian, a stiff system, and the limits of the state
// count. The built-in models are checked on every integrator by the reference-integrator,
// closed-form and published-behaviour tests.
#include <algorithm>
#include <cmath>
#include <span>
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

class Rosenbrock : public ::testing::TestWithParam<SolverMethod> {
 protected:
  SolverOptions options() const {
    SolverOptions o;
    o.method = GetParam();
    return o;
  }
  // The order of the solution and the order of the embedded one.
  int order() const { return GetParam() == SolverMethod::kRodas5P ? 5 : 4; }
};

// dy/dt = A y with the analytic Jacobian A (2 x 2). With A = V diag(l1, l2) V^-1,
// V = [[1, 1], [1, 2]], the solution is y(t) = V diag(e^{l1 t}, e^{l2 t}) V^-1 y0.
class MatrixTestModel final : public OdeModel {
 public:
  MatrixTestModel(double l1, double l2)
      : a_{2 * l1 - l2, l2 - l1, 2 * l1 - 2 * l2, 2 * l2 - l1}, l1_(l1), l2_(l2) {}
  std::string_view name() const override { return "matrix_test"; }
  std::string_view citation() const override { return "test"; }
  std::span<const StateInfo> states() const override { return states_; }
  std::span<const ParameterInfo> parameters() const override { return {}; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return 0; }
  std::vector<double> default_initial(std::span<const double>) const override { return {1, 0}; }
  std::string_view default_initial_note() const override { return "(1, 0)"; }
  void rhs(double, const double* y, const double*, double* f) const override {
    f[0] = a_[0] * y[0] + a_[1] * y[1];
    f[1] = a_[2] * y[0] + a_[3] * y[1];
  }
  std::vector<Expr> equations() const override {
    return {a_[0] * Expr::state(0) + a_[1] * Expr::state(1),
            a_[2] * Expr::state(0) + a_[3] * Expr::state(1)};
  }
  bool has_jacobian() const override { return true; }
  void jacobian(double, const double*, const double*, double* jac) const override {
    for (int i = 0; i < 4; ++i) jac[i] = a_[i];
  }
  std::vector<double> exact(const std::vector<double>& y0, double t) const {
    const double w1 = (2 * y0[0] - y0[1]) * std::exp(l1_ * t);  // V^-1 = [[2, -1], [-1, 1]]
    const double w2 = (y0[1] - y0[0]) * std::exp(l2_ * t);
    return {w1 + w2, w1 + 2 * w2};
  }

 private:
  double a_[4];  // row-major
  double l1_, l2_;
  std::vector<StateInfo> states_ = {{"y0", "1", "test state"}, {"y1", "1", "test state"}};
  std::vector<ParameterSet> sets_ = {{"default", "test", "test", {}}};
};

// dy/dt = -y^2 with its analytic Jacobian -2y: y(t) = y0 / (1 + y0 t). Nonlinear, so the
// method's order conditions beyond its stability function count.
class RiccatiTestModel final : public OdeModel {
 public:
  std::string_view name() const override { return "riccati_test"; }
  std::string_view citation() const override { return "test"; }
  std::span<const StateInfo> states() const override { return states_; }
  std::span<const ParameterInfo> parameters() const override { return {}; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return 0; }
  std::vector<double> default_initial(std::span<const double>) const override { return {1}; }
  std::string_view default_initial_note() const override { return "1"; }
  void rhs(double, const double* y, const double*, double* f) const override {
    f[0] = -y[0] * y[0];
  }
  std::vector<Expr> equations() const override { return {-(Expr::state(0) * Expr::state(0))}; }
  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double*, double* jac) const override {
    jac[0] = -2 * y[0];
  }

 private:
  std::vector<StateInfo> states_ = {{"y", "1", "test state"}};
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
TEST_P(Rosenbrock, TimeDependentRightHandSideMatchesTheExactSolution) {
  const LinearTestModel model({1.0}, true);
  ASSERT_TRUE(model.reads_time());
  SolverOptions options = this->options();
  options.rtol = 1e-10;
  options.atol = 1e-12;
  RosenbrockSolver solver(model, {}, options, {});
  const double t = 10;
  const double exact = 2 * std::exp(-0.5 * t) - std::exp(-t);
  EXPECT_NEAR(integrate(solver, {1.0}, t)[0], exact, 1e-9 * exact);
}

// The order by halving a fixed step (8, 16, 32 steps to t = 2), on y' = -y (the matrix model
// with l1 = l2 = -1, i.e. A = -I) and on a stiff system (eigenvalues -1 and -1e4) from a start
// with a fast transient, which L-stability damps to nothing at every step size here:
//   - the global error shrinks by at least 2^p per halving (p = 4 for Rodas4, 5 for Rodas5P; on
//     a linear problem only the stability function counts, and Rodas5P's is closer to e^z than
//     order 5 requires at these steps: measured 2^5.8);
//   - the error estimate of one step from the slow solution (1, 1) shrinks by 2^p: the local
//     error of the embedded solution, of order p - 1 (measured 3.8-3.9 and 5.0).
TEST_P(Rosenbrock, FixedStepsConvergeAtTheMethodsOrder) {
  const double t_end = 2;
  for (const double stiff : {-1.0, -1e4}) {
    const MatrixTestModel model(-1, stiff);
    const std::vector<double> y0 = {1, 0};
    const std::vector<double> exact = model.exact(y0, t_end);
    const std::vector<double> rates(2, 0.0);
    std::vector<double> global, local;
    for (const int n : {8, 16, 32}) {
      RosenbrockSolver solver(model, {}, options(), {});
      solver.restart(0, y0, rates);
      std::vector<double> estimate(2);
      for (int k = 0; k < n; ++k) solver.fixed_step(t_end / n, estimate);
      EXPECT_DOUBLE_EQ(solver.time(), t_end);
      const auto y = solver.state();
      global.push_back(std::max(std::fabs(y[0] - exact[0]), std::fabs(y[1] - exact[1])));
      // One step of the same size from the slow solution (1, 1) (no stiff component).
      solver.restart(0, std::vector<double>{1, 1}, rates);
      solver.fixed_step(t_end / n, estimate);
      local.push_back(std::max(std::fabs(estimate[0]), std::fabs(estimate[1])));
    }
    for (std::size_t k = 0; k + 1 < global.size(); ++k) {
      const double global_order = std::log2(global[k] / global[k + 1]);
      const double local_order = std::log2(local[k] / local[k + 1]);
      if (global[k + 1] > 1e-12) {  // above rounding (the stiff system's entries are ~1e4)
        EXPECT_GT(global_order, order() - 0.3) << "stiff eigenvalue " << stiff << ", step " << k;
        EXPECT_LT(global_order, order() + 1.3) << "stiff eigenvalue " << stiff << ", step " << k;
      }
      EXPECT_NEAR(local_order, order(), 0.3) << "stiff eigenvalue " << stiff << ", step " << k;
    }
  }
}

// The same on the nonlinear y' = -y^2, y(0) = 1, with 32, 64, 128 steps to t = 1 (y = 1/2): here
// the global error shrinks by 2^p (measured: Rodas4 2^4.05, Rodas5P 2^4.95) and the one-step
// estimate by 2^p too (2^3.9, 2^4.97).
TEST_P(Rosenbrock, FixedStepsConvergeAtTheMethodsOrderOnANonlinearProblem) {
  const RiccatiTestModel model;
  const double t_end = 1, exact = 1.0 / 2;
  const std::vector<double> rates(1, 0.0);
  std::vector<double> global, local;
  for (const int n : {32, 64, 128}) {
    RosenbrockSolver solver(model, {}, options(), {});
    solver.restart(0, std::vector<double>{1}, rates);
    std::vector<double> estimate(1);
    for (int k = 0; k < n; ++k) solver.fixed_step(t_end / n, estimate);
    global.push_back(std::fabs(solver.state()[0] - exact));
    solver.restart(0, std::vector<double>{1}, rates);
    solver.fixed_step(t_end / n, estimate);
    local.push_back(std::fabs(estimate[0]));
  }
  for (std::size_t k = 0; k + 1 < global.size(); ++k) {
    const double global_order = std::log2(global[k] / global[k + 1]);
    const double local_order = std::log2(local[k] / local[k + 1]);
    EXPECT_NEAR(global_order, order(), 0.3) << "step " << k;
    EXPECT_NEAR(local_order, order(), 0.3) << "step " << k;
  }
}

// On y' = -y + e^{-t/2}, tightening rtol by 1e4 shrinks the global error by about
// (1e4)^(p/(p+1)) (1600 for order 4, 2500 for order 5) with an error-per-step controller; more
// than 100 and the error at rtol 1e-6 within 100 rtol.
TEST_P(Rosenbrock, GlobalErrorFollowsTheTolerance) {
  const LinearTestModel model({1.0}, true);
  const double t = 10;
  const double exact = 2 * std::exp(-0.5 * t) - std::exp(-t);
  std::vector<double> errors;
  for (double rtol : {1e-6, 1e-10}) {
    SolverOptions options = this->options();
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
TEST_P(Rosenbrock, StiffSystemTakesFewStepsAndStaysAccurate) {
  const LinearTestModel model({1.0, 1e6}, false);
  ASSERT_FALSE(model.reads_time());
  SolverOptions options = this->options();
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
TEST_P(Rosenbrock, DenseOutputAndEscapeTimeMatchLogisticGrowth) {
  auto s = testing::scenario("depillis2005", "mouse_nn", 60, {{"T", 1e3}, {"N", 0}, {"L", 0}},
                             {{"sigma", 0}});
  s.solver.method = GetParam();
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

// The default scenario's elimination (a downward crossing after an NK bolus) on every
// integrator: the same day to the tolerance, and the same outcome.
TEST(RosenbrockAndCvode, EliminationTimeAgrees) {
  std::vector<double> times;
  for (SolverMethod method : testing::kEveryMethod) {
    auto s = testing::scenario("depillis2005", "mouse_nn", 60, {{"T", 1e6}});
    s.doses.push_back({.state = "N", .time_days = 0, .amount = 1e8});
    s.elimination_below = 1;
    s.solver.method = method;
    const WellMixedResult result = simulate(resolve(s));
    ASSERT_TRUE(result.elimination_time_days.has_value());
    EXPECT_EQ(result.outcome, Outcome::kEliminated);
    times.push_back(*result.elimination_time_days);
  }
  ASSERT_EQ(times.size(), 3u);
  EXPECT_NEAR(times[1], times[0], 1e-6 * times[0]);  // Rodas4 against CVODE
  EXPECT_NEAR(times[2], times[0], 1e-6 * times[0]);  // Rodas5P against CVODE
}

// Same problem twice: bit for bit the same (no hidden state between runs).
TEST_P(Rosenbrock, Deterministic) {
  auto s = testing::scenario("depillis2006", "patient9", 30);
  s.solver.method = GetParam();
  s.doses.push_back({.state = "N", .time_days = 3, .amount = 1e9});
  const WellMixedProblem problem = resolve(s);
  const WellMixedResult first = simulate(problem);
  const WellMixedResult second = simulate(problem);
  EXPECT_EQ(first.values, second.values);
  EXPECT_EQ(first.solver_method, GetParam() == SolverMethod::kRodas5P
                                     ? "Rodas5P Rosenbrock, order 5(4), L-stable"
                                     : "Rodas4 Rosenbrock, order 4(3), L-stable");
}

// More states than the fixed-size kernels hold: forcing Rodas4 or Rodas5P is refused with a
// message, "auto" picks CVODE (and Rodas5P for a small model).
TEST(RosenbrockStates, TooManyStatesIsRefusedAndAutoFallsBack) {
  const LinearTestModel model(std::vector<double>(RosenbrockSolver::kMaxStates + 1, 1.0), false);
  SolverOptions options;
  for (const SolverMethod method : {SolverMethod::kRodas4, SolverMethod::kRodas5P}) {
    options.method = method;
    try {
      (void)make_stepper(model, {}, options, {});
      FAIL() << "expected an InputError";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("method = \"cvode\""), std::string::npos) << e.what();
    }
  }
  options.method = SolverMethod::kAuto;
  const auto stepper = make_stepper(model, {}, options, {});
  EXPECT_EQ(stepper->description(), "CVODE BDF, dense direct");
  options.method = SolverMethod::kAuto;
  const LinearTestModel small({1.0, 2.0}, false);
  EXPECT_EQ(make_stepper(small, {}, options, {})->description(),
            "Rodas5P Rosenbrock, order 5(4), L-stable");
}

INSTANTIATE_TEST_SUITE_P(Methods, Rosenbrock,
                         ::testing::Values(SolverMethod::kRodas4, SolverMethod::kRodas5P),
                         testing::method_test_name);

}  // namespace
}  // namespace nksim
