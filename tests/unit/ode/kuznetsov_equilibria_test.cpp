// Equilibria of Kuznetsov 1994 (BCL1 parameters) and their stability from the analytic Jacobian.
//
// With T != 0, dT/dt = 0 gives E(T) = a (1 - b T)/n; substituting into dE/dt = 0 leaves one
// scalar equation F(T) = s + p E T/(g + T) - m E T - d E = 0, solved here by bisection, which
// does not use nksim. Expected values (BIOLOGY.md b.4, computed with SciPy): dormant
// (8.186e6, 1.608e6) stable focus with eigenvalues -0.005516 +- 0.06342i per day; saddle
// (2.680e8, 7.585e5); escape (4.470e8, 1.732e5) stable node; tumour-free (T = 0, E = s/d) saddle.
#include <cmath>
#include <complex>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/ode/ode_model.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace kuznetsov_equilibria_test {

constexpr double s = 1.3e4, p = 0.1245, g = 2.019e7, m = 3.422e-10, d = 0.0412, a = 0.18,
                 b = 2.0e-9, n = 1.101e-7;

double effector_on_nullcline(double t) { return a * (1 - b * t) / n; }
double residual(double t) {
  const double e = effector_on_nullcline(t);
  return s + p * e * t / (g + t) - m * e * t - d * e;
}

std::vector<double> tumour_equilibria() {
  std::vector<double> roots;
  double lo = 1e3;
  for (int i = 1; i <= 4000; ++i) {
    const double hi = 1e3 * std::pow((1 / b) / 1e3, i / 4000.0) * (1 - 1e-12);
    if ((residual(lo) < 0) != (residual(hi) < 0)) {
      double x0 = lo, x1 = hi;
      for (int k = 0; k < 200; ++k) {
        const double mid = 0.5 * (x0 + x1);
        ((residual(x0) < 0) == (residual(mid) < 0) ? x0 : x1) = mid;
      }
      roots.push_back(0.5 * (x0 + x1));
    }
    lo = hi;
  }
  return roots;
}

struct Eigen {
  std::complex<double> l1, l2;
};

Eigen eigenvalues(const OdeModel& model, double e, double t) {
  const double y[2] = {e, t};
  double jac[4];
  model.jacobian(0, y, model.parameter_sets()[0].values.data(), jac);
  const double tr = jac[0] + jac[3], det = jac[0] * jac[3] - jac[1] * jac[2];
  const std::complex<double> root = std::sqrt(std::complex<double>(tr * tr / 4 - det));
  return {tr / 2 + root, tr / 2 - root};
}

TEST(KuznetsovEquilibria, LocationsMatchPublishedAnalysis) {
  const auto roots = tumour_equilibria();
  ASSERT_EQ(roots.size(), 3u);
  // BIOLOGY.md quotes 4 significant digits: tolerance 1e-3 relative.
  EXPECT_NEAR(roots[0], 8.186e6, 8.186e3);
  EXPECT_NEAR(effector_on_nullcline(roots[0]), 1.608e6, 1.608e3);
  EXPECT_NEAR(roots[1], 2.680e8, 2.680e5);
  EXPECT_NEAR(effector_on_nullcline(roots[1]), 7.585e5, 7.585e2);
  EXPECT_NEAR(roots[2], 4.470e8, 4.470e5);
  EXPECT_NEAR(effector_on_nullcline(roots[2]), 1.732e5, 1.732e2);
}

TEST(KuznetsovEquilibria, StabilityFromAnalyticJacobian) {
  const OdeModel& model = *find_model("kuznetsov1994");
  ASSERT_TRUE(model.has_jacobian());
  const auto roots = tumour_equilibria();
  ASSERT_EQ(roots.size(), 3u);

  // The right-hand side vanishes at each equilibrium (checks rhs against the algebra above).
  for (double t : roots) {
    const double y[2] = {effector_on_nullcline(t), t};
    double f[2];
    model.rhs(0, y, model.parameter_sets()[0].values.data(), f);
    EXPECT_NEAR(f[0], 0, 1e-6 * s);
    EXPECT_NEAR(f[1], 0, 1e-6 * a * t);
  }

  const Eigen free = eigenvalues(model, s / d, 0);  // tumour-free: saddle
  EXPECT_LT(free.l1.real() * free.l2.real(), 0);

  const Eigen dormant = eigenvalues(model, effector_on_nullcline(roots[0]), roots[0]);
  EXPECT_NEAR(dormant.l1.real(), -0.005516, 1e-5);  // stable focus
  EXPECT_NEAR(std::fabs(dormant.l1.imag()), 0.06342, 1e-4);
  EXPECT_NEAR(2 * M_PI / std::fabs(dormant.l1.imag()), 99.1, 0.1);  // period in days

  const Eigen saddle = eigenvalues(model, effector_on_nullcline(roots[1]), roots[1]);
  EXPECT_EQ(saddle.l1.imag(), 0);
  EXPECT_LT(saddle.l1.real() * saddle.l2.real(), 0);

  const Eigen escape = eigenvalues(model, effector_on_nullcline(roots[2]), roots[2]);
  EXPECT_EQ(escape.l1.imag(), 0);  // node
  EXPECT_LT(escape.l1.real(), 0);
  EXPECT_LT(escape.l2.real(), 0);
}

}  // namespace kuznetsov_equilibria_test
}  // namespace nksim
