// Every built-in model's equations() (the right-hand side as data) agrees with its C++ rhs().
//
// The two are written with the same operations in the same order, except 1 - e^-M, which rhs()
// computes as -expm1(-M) (no cancellation) and the expression as 1 - exp(-M). For M >= 0.01 that
// differs by at most ~1e-14 relative, so agreement to 1e-12 relative holds everywhere we sample.
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/ode/expression.h"
#include "nksim/ode/ode_model.h"

namespace nksim {
namespace {

constexpr double kRelativeTolerance = 1e-12;

TEST(Equations, AgreeWithRhsForEveryModelSetAndRandomPositiveStates) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> log10_value(0.0, 9.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const OdeModel* model : all_models()) {
    const std::size_t n = model->num_states();
    const std::vector<Expr> equations = model->equations();
    ASSERT_EQ(equations.size(), n) << model->name();
    for (const auto& set : model->parameter_sets()) {
      for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> y(n), f(n);
        for (std::size_t i = 0; i < n; ++i) {
          y[i] = std::pow(10.0, log10_value(rng));
          // Concentrations (drug mg/L, IL-2 IU/L) span 0.01 .. 100.
          if (model->states()[i].unit != std::string_view("cells")) {
            y[i] = std::pow(10.0, 4 * unit(rng) - 2);
          }
        }
        const double t = 100 * unit(rng);
        model->rhs(t, y.data(), set.values.data(), f.data());
        for (std::size_t i = 0; i < n; ++i) {
          const double e = evaluate(equations[i], t, y.data(), set.values.data());
          const double scale = std::max(std::fabs(e), std::fabs(f[i]));
          EXPECT_LE(std::fabs(e - f[i]), kRelativeTolerance * scale)
              << model->name() << "/" << set.name << " d" << model->states()[i].name
              << "/dt: expression " << e << ", rhs " << f[i];
        }
      }
    }
  }
}

TEST(Equations, PrintAsReadableInfix) {
  const OdeModel* model = find_model("kuznetsov1994");
  ASSERT_NE(model, nullptr);
  const auto states = model->state_names();
  const auto parameters = model->parameter_names();
  const auto equations = model->equations();
  EXPECT_EQ(to_infix(equations[0], states, parameters), "s + p*E*T/(g + T) - m*E*T - d*E");
  EXPECT_EQ(to_infix(equations[1], states, parameters), "a*T*(1 - b*T) - n*E*T");
}

TEST(Equations, PrecedenceAndAssociativityArePrintedFaithfully) {
  const std::vector<std::string> s = {"x", "y"};
  const std::vector<std::string> none;
  const Expr x = Expr::state(0), y = Expr::state(1);
  EXPECT_EQ(to_infix(x - (y - 1.0), s, none), "x - (y - 1)");
  EXPECT_EQ(to_infix((x - y) - 1.0, s, none), "x - y - 1");
  EXPECT_EQ(to_infix(x / (y * 2.0), s, none), "x/(y*2)");
  EXPECT_EQ(to_infix(pow(-x, 2.0), s, none), "(-x)^2");
  EXPECT_EQ(to_infix(-pow(x, 2.0), s, none), "-x^2");
  EXPECT_EQ(to_infix(pow(pow(x, y), 2.0), s, none), "(x^y)^2");
  EXPECT_EQ(to_infix(x * -2.5, s, none), "x*(-2.5)");
  EXPECT_EQ(to_infix(piecewise({{x, le(y, 0.0)}}, exp(y)), s, none),
            "piecewise(x, y <= 0, exp(y))");
}

TEST(Equations, EvaluateOperations) {
  const std::vector<double> y = {2.0, 3.0};
  const Expr x0 = Expr::state(0), x1 = Expr::state(1), p0 = Expr::parameter(0);
  const double p[] = {10.0};
  EXPECT_DOUBLE_EQ(evaluate(pow(x0, x1) + p0 / x0, 0, y.data(), p), 8.0 + 5.0);
  EXPECT_DOUBLE_EQ(evaluate(Expr::time() * 2.0, 1.5, y.data(), p), 3.0);
  EXPECT_DOUBLE_EQ(evaluate(piecewise({{1.0, gt(x0, x1)}, {2.0, lt(x0, x1)}}, 3.0), 0, y.data(), p),
                   2.0);
  EXPECT_DOUBLE_EQ(evaluate(Expr::make(ExprOp::kMax, {x0, x1, 1.0}), 0, y.data(), p), 3.0);
  EXPECT_DOUBLE_EQ(evaluate(log(exp(x1)), 0, y.data(), p), 3.0);
  EXPECT_THROW(Expr::make(ExprOp::kPiecewise, {1.0, 2.0}), std::invalid_argument);
}

}  // namespace
}  // namespace nksim
