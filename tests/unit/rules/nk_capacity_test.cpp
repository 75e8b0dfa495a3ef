// Kill capacity, granules, pathway choice, exhaustion and recovery (nk_capacity.h).
//
// Capacity pmf: P(0) = f_0; P(c) = (1 - f_0) q (1-q)^{c-1} / (1 - (1-q)^{C_max}), 1 <= c <= C_max.
// Potency recovery: dP/dt = r (1 - P)  =>  P(t) = 1 - (1 - P_0) e^{-r t}.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/rules/nk_capacity.h"

namespace nksim::rules::nk {
namespace {

TEST(NkCapacity, HillLimits) {
  EXPECT_EQ(hill(0.0, 1.0, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(hill(1.0, 1.0, 2.0), 0.5);
  EXPECT_NEAR(hill(1e6, 1.0, 2.0), 1.0, 1e-9);
  EXPECT_NEAR(hill(3.0, 2.0, 1.0), 0.6, 1e-15);
  EXPECT_EQ(hill(3.0, 0.0, 1.0), 1.0);
}

// Inverse-CDF sampling over a fine regular grid of uniforms reproduces the pmf exactly (to the
// grid spacing), for both distributions.
TEST(NkCapacity, InverseCdfReproducesThePmf) {
  for (auto distribution : {CapacityDistribution::kGeometric, CapacityDistribution::kPoisson}) {
    const CapacityParams p{.non_killer_fraction = 0.25,
                           .mean_if_killer = 3.0,
                           .max_kills = 6,
                           .distribution = distribution};
    const int n = 100000;
    std::vector<int> counts(static_cast<std::size_t>(p.max_kills) + 1, 0);
    for (int i = 0; i < n; ++i) {
      const int c = sample_capacity(p, 0.9, (i + 0.5) / n);  // killer class
      ASSERT_GE(c, 1);
      ASSERT_LE(c, p.max_kills);
      ++counts[static_cast<std::size_t>(c)];
    }
    double poisson_total = 0;
    for (int c = 1; c <= p.max_kills; ++c) poisson_total += std::pow(3.0, c) / std::tgamma(c + 1);
    for (int c = 1; c <= p.max_kills; ++c) {
      const double expected = distribution == CapacityDistribution::kGeometric
                                  ? capacity_pmf(p, c) / (1 - p.non_killer_fraction)
                                  : std::pow(3.0, c) / std::tgamma(c + 1) / poisson_total;
      EXPECT_NEAR(static_cast<double>(counts[static_cast<std::size_t>(c)]) / n, expected, 2.0 / n)
          << "c = " << c;
    }
  }
}

TEST(NkCapacity, PmfIsNormalisedAndNonKillerClassIsExact) {
  const CapacityParams p;
  double total = 0, mean = 0;
  for (int c = 0; c <= p.max_kills; ++c) {
    total += capacity_pmf(p, c);
    mean += c * capacity_pmf(p, c);
  }
  EXPECT_NEAR(total, 1.0, 1e-14);
  EXPECT_GT(mean, 1.0);  // documented 2-4 per killer, diluted by the non-killers
  EXPECT_EQ(sample_capacity(p, p.non_killer_fraction - 1e-9, 0.5), 0);
  EXPECT_GT(sample_capacity(p, p.non_killer_fraction + 1e-9, 0.5), 0);
  EXPECT_EQ(sample_capacity(p, 0.99, 1 - 1e-15), p.max_kills);
  EXPECT_EQ(sample_capacity(p, 0.99, 1e-15), 1);
}

TEST(NkCapacity, PathwayGranzymeThenDeathReceptorThenNone) {
  const GranuleParams p{.granzyme_kills = 2};
  EXPECT_EQ(choose_pathway(2, true, 0, 5, p), KillPathway::kGranzyme);
  EXPECT_EQ(choose_pathway(1, true, 1, 5, p), KillPathway::kGranzyme);
  EXPECT_EQ(choose_pathway(0, true, 2, 5, p), KillPathway::kDeathReceptor);
  EXPECT_EQ(choose_pathway(0, true, 4, 5, p), KillPathway::kDeathReceptor);
  EXPECT_EQ(choose_pathway(0, true, 5, 5, p), KillPathway::kNone);
  EXPECT_EQ(choose_pathway(3, true, 0, 0, p), KillPathway::kNone);  // non-killer class
  // Perforin-deficient: death receptors only, once.
  EXPECT_EQ(choose_pathway(2, false, 0, 5, p), KillPathway::kDeathReceptor);
  EXPECT_EQ(choose_pathway(2, false, 1, 5, p), KillPathway::kNone);
}

TEST(NkCapacity, PotencyRecoveryIsTheExactSolution) {
  const ExhaustionParams p;
  const double rate = recovery_rate_per_min(2.0, p);
  EXPECT_NEAR(rate, p.recovery_max_per_min * 2.0 / 3.0, 1e-15);
  EXPECT_EQ(recovery_rate_per_min(0.0, p), p.recovery_basal_per_min);
  for (double t : {1.0, 60.0, 600.0}) {
    EXPECT_NEAR(potency_step(0.2, rate, t), 1 - 0.8 * std::exp(-rate * t), 1e-15);
  }
  // Composition: two half steps equal one step.
  EXPECT_NEAR(potency_step(potency_step(0.3, rate, 30), rate, 30), potency_step(0.3, rate, 60),
              1e-15);
  // Against a fine RK4 integration of dP/dt = r (1 - P).
  double y = 0.1;
  const double h = 0.5;
  for (int i = 0; i < 1200; ++i) {
    const auto f = [&](double v) { return rate * (1 - v); };
    const double k1 = f(y), k2 = f(y + h / 2 * k1), k3 = f(y + h / 2 * k2), k4 = f(y + h * k3);
    y += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  EXPECT_NEAR(y, potency_step(0.1, rate, 600.0), 1e-10);
  // No cytokine, no basal recovery: potency stays where kills left it.
  EXPECT_EQ(potency_step(0.4, recovery_rate_per_min(0.0, p), 1000.0), 0.4);
  EXPECT_NEAR(potency_after_kill(1.0, p), 1 - p.potency_loss_per_kill, 1e-15);
  EXPECT_LT(potency_after_kill(potency_after_kill(1.0, p), p), potency_after_kill(1.0, p));
}

}  // namespace
}  // namespace nksim::rules::nk
