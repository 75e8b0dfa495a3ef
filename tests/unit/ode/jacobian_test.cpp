// Every analytic Jacobian agrees with central finite differences of the right-hand side.
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/ode/ode_model.h"

namespace nksim {
namespace {

TEST(Jacobian, MatchesCentralDifferencesForEveryModelAndSet) {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> log10_value(0.0, 9.0);
  for (const OdeModel* model : all_models()) {
    ASSERT_TRUE(model->has_jacobian()) << model->name();
    const std::size_t n = model->num_states();
    for (const auto& set : model->parameter_sets()) {
      for (int trial = 0; trial < 50; ++trial) {
        std::vector<double> y(n), f_plus(n), f_minus(n), jac(n * n);
        for (auto& v : y) v = std::pow(10.0, log10_value(rng));
        if (n == 6) y[4] = std::pow(10.0, log10_value(rng) / 9 - 0.5);  // drug M ~ 0.3..3
        model->jacobian(0, y.data(), set.values.data(), jac.data());
        for (std::size_t j = 0; j < n; ++j) {
          const double h = 1e-4 * y[j];
          std::vector<double> yp = y, ym = y;
          yp[j] += h;
          ym[j] -= h;
          model->rhs(0, yp.data(), set.values.data(), f_plus.data());
          model->rhs(0, ym.data(), set.values.data(), f_minus.data());
          for (std::size_t i = 0; i < n; ++i) {
            const double fd = (f_plus[i] - f_minus[i]) / (2 * h);
            // Truncation error of central differences with h = 1e-4 y_j is ~1e-8 relative.
            // Roundoff: f_i is a sum of terms of size ~ sum_k |J_ik| y_k (+ |f_i|), each
            // rounded at eps = 2.2e-16, and the difference divides by 2h.
            double terms = std::fabs(f_plus[i]) + std::fabs(f_minus[i]);
            for (std::size_t k = 0; k < n; ++k) terms += std::fabs(jac[i * n + k]) * y[k];
            const double roundoff = 16 * 2.2e-16 * terms / (2 * h);
            // Truncation near an extremum of a saturating term (e.g. Y / (K^2 + Y^2) at Y = K):
            // the derivative passes through 0 there while its error stays ~1e-8 of the typical
            // size of a derivative of f_i by y_j, terms / y_j.
            const double truncation = 1e-6 * terms / y[j];
            EXPECT_NEAR(jac[i * n + j], fd, 1e-5 * std::fabs(fd) + truncation + roundoff)
                << model->name() << "/" << set.name << " d f_" << i << "/d y_" << j;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace nksim
