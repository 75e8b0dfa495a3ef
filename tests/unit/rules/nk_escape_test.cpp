// Immune escape (src/nksim/rules/nk_escape.h).
//
// Mutation factor exp(mu + sigma z - sigma^2/2): E = e^mu, sd of its log = sigma.
// Shedding dL/dt = k_syn (L_0 - L) - k_shed L, and dQ/dt = k_shed L (amount shed).
// NKG2D dR/dt = k_rec (1 - R) - k_int S/(K_S + S) R.
#include <cmath>

#include <gtest/gtest.h>

#include "nksim/rules/nk_escape.h"
#include "unit/rules/test_uniforms.h"

namespace nksim::rules::nk {
namespace {

// N = 200000 daughters; mean factor to 5 standard errors, log-sd to 1 %.
TEST(NkEscape, MutationIsMeanPreservingWithTheRequestedSpread) {
  const MutationParams p{.sigma = 0.3, .mu = 0.0, .min_level = 0.0, .max_level = 1e9};
  testing::Uniforms uniforms(5);
  const int n = 200000;
  double sum = 0, log_sum = 0, log_sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double d = mutate_level(1.0, uniforms.normal(), p);
    sum += d;
    log_sum += std::log(d);
    log_sum2 += std::log(d) * std::log(d);
  }
  const double sd_factor = std::sqrt(std::exp(p.sigma * p.sigma) - 1);
  EXPECT_NEAR(sum / n, 1.0, 5 * sd_factor / std::sqrt(n));
  const double log_mean = log_sum / n;
  EXPECT_NEAR(std::sqrt(log_sum2 / n - log_mean * log_mean), p.sigma, 0.01 * p.sigma);
}

TEST(NkEscape, MutationIsDeterministicAndClamped) {
  const MutationParams p{.sigma = 0.5, .mu = 0.1, .min_level = 0.2, .max_level = 3.0};
  EXPECT_NEAR(mutate_level(2.0, 0.0, p), 2.0 * std::exp(0.1 - 0.125), 1e-15);
  EXPECT_EQ(mutate_level(2.0, 10.0, p), 3.0);
  EXPECT_EQ(mutate_level(2.0, -10.0, p), 0.2);
  EXPECT_LT(mutate_level(1.0, -0.5, p), mutate_level(1.0, 0.5, p));
}

// Fine RK4 of the (L, Q) system against the exact step.
TEST(NkEscape, SheddingStepIsExactIncludingTheShedAmount) {
  const SheddingParams p;
  const double l0 = 1.0, dt = 300.0;
  const SheddingStep exact = shedding_step(2.0, l0, dt, p);
  double l = 2.0, q = 0.0;
  const double h = 0.25;
  const auto f = [&](double v) { return p.synthesis_per_min * (l0 - v) - p.shed_per_min * v; };
  for (int i = 0; i < static_cast<int>(dt / h); ++i) {
    const double k1 = f(l), k2 = f(l + h / 2 * k1), k3 = f(l + h / 2 * k2), k4 = f(l + h * k3);
    q += h / 6 * p.shed_per_min * (l + 2 * (l + h / 2 * k1) + 2 * (l + h / 2 * k2) + (l + h * k3));
    l += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  EXPECT_NEAR(exact.surface, l, 1e-9);
  EXPECT_NEAR(exact.shed, q, 1e-7);
  // Two half steps give the same surface and shed total as one step.
  const SheddingStep a = shedding_step(2.0, l0, dt / 2, p);
  const SheddingStep b = shedding_step(a.surface, l0, dt / 2, p);
  EXPECT_NEAR(b.surface, exact.surface, 1e-14);
  EXPECT_NEAR(a.shed + b.shed, exact.shed, 1e-13);
  // Steady state: L* = k_syn L_0/(k_syn + k_shed), shed rate k_shed L*.
  const double steady = p.synthesis_per_min * l0 / (p.synthesis_per_min + p.shed_per_min);
  const SheddingStep at_rest = shedding_step(steady, l0, 10.0, p);
  EXPECT_NEAR(at_rest.surface, steady, 1e-14);
  EXPECT_NEAR(at_rest.shed, p.shed_per_min * steady * 10.0, 1e-14);
  // No shedding: nothing released.
  EXPECT_EQ(shedding_step(1.0, 1.0, 10.0, {.synthesis_per_min = 0.01, .shed_per_min = 0}).shed,
            0.0);
}

TEST(NkEscape, Nkg2dDownModulationBySolubleLigand) {
  const Nkg2dModulationParams p;
  EXPECT_NEAR(nkg2d_step(1.0, 0.0, 1e4, p), 1.0, 1e-15);  // no soluble ligand: full NKG2D
  EXPECT_NEAR(nkg2d_step(0.3, 0.0, 1e6, p), 1.0, 1e-12);  // recovers
  const double s = 2.0;
  const double h = s / (p.soluble_half_saturation + s);
  const double lambda = p.recovery_per_min + p.internalisation_per_min * h;
  const double steady = p.recovery_per_min / lambda;
  EXPECT_NEAR(nkg2d_steady_state(s, p), steady, 1e-15);
  for (double t : {5.0, 60.0, 600.0}) {
    EXPECT_NEAR(nkg2d_step(1.0, s, t, p), steady + (1 - steady) * std::exp(-lambda * t), 1e-15);
  }
  EXPECT_LT(nkg2d_steady_state(10.0, p), nkg2d_steady_state(1.0, p));
  EXPECT_LT(nkg2d_steady_state(1e9, p), 0.2);  // strong down-modulation at saturation
}

}  // namespace
}  // namespace nksim::rules::nk
