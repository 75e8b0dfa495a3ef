// Distributions: quantile accuracy and moments within statistical error.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "nksim/trial/distributions.h"
#include "nksim/trial/samplers.h"

namespace nksim {
namespace {

// Mean and standard deviation of quantile(u) over n Monte Carlo points.
std::pair<double, double> moments(const Distribution& dist, std::size_t n) {
  double sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = dist.quantile(counter_uniform(11, i, 0, 0));
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / static_cast<double>(n);
  return {mean, std::sqrt(sum2 / static_cast<double>(n) - mean * mean)};
}

constexpr std::size_t kN = 40000;

TEST(NormalQuantile, MatchesKnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-9);
  for (double p : {1e-6, 0.01, 0.3, 0.77, 0.999})
    EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14 + 1e-12 * p);
}

TEST(Distributions, UniformMomentsWithinStatisticalError) {
  Distribution d;
  d.kind = DistributionKind::kUniform;
  d.lower = 2;
  d.upper = 5;
  const auto [mean, sd] = moments(d, kN);
  const double sd_true = 3 / std::sqrt(12.0);
  EXPECT_NEAR(mean, 3.5, 4 * sd_true / std::sqrt(kN));
  EXPECT_NEAR(sd, sd_true, 0.02 * sd_true);
}

TEST(Distributions, NormalMomentsWithinStatisticalError) {
  Distribution d;
  d.kind = DistributionKind::kNormal;
  d.mean = 10;
  d.sd = 2;
  const auto [mean, sd] = moments(d, kN);
  EXPECT_NEAR(mean, 10, 4 * 2 / std::sqrt(kN));
  EXPECT_NEAR(sd, 2, 0.03);
}

TEST(Distributions, LognormalMeanIsExpOfMuPlusHalfSigmaSquared) {
  Distribution d;
  d.kind = DistributionKind::kLognormal;
  d.median = 3;
  d.sigma_log = 0.4;
  d.lower = 0;
  const auto [mean, sd] = moments(d, kN);
  const double mean_true = 3 * std::exp(0.08);
  const double sd_true = mean_true * std::sqrt(std::exp(0.16) - 1);
  EXPECT_NEAR(mean, mean_true, 4 * sd_true / std::sqrt(kN));
}

TEST(Distributions, TruncatedNormalStaysInBoundsWithTheHalfNormalMean) {
  Distribution d;
  d.kind = DistributionKind::kNormal;
  d.mean = 0;
  d.sd = 1;
  d.lower = 0;
  const auto [mean, sd] = moments(d, kN);
  // Half-normal: mean sqrt(2/pi), sd sqrt(1 - 2/pi).
  EXPECT_NEAR(mean, std::sqrt(2 / std::numbers::pi), 4 * 0.6 / std::sqrt(kN));
  for (double u : {1e-9, 0.5, 1 - 1e-9}) EXPECT_GE(d.quantile(u), 0.0);
  d.lower = 1;
  d.upper = 1.5;
  for (double u : {1e-12, 0.2, 0.9, 1 - 1e-12}) {
    EXPECT_GE(d.quantile(u), 1.0);
    EXPECT_LE(d.quantile(u), 1.5);
  }
}

TEST(Distributions, DiscreteFollowsTheWeights) {
  Distribution d;
  d.kind = DistributionKind::kDiscrete;
  d.labels = {"x", "y", "z"};
  d.weights = {1, 2, 1};
  EXPECT_EQ(d.discrete_index(0.2), 0u);
  EXPECT_EQ(d.discrete_index(0.3), 1u);
  EXPECT_EQ(d.discrete_index(0.74), 1u);
  EXPECT_EQ(d.discrete_index(0.8), 2u);
  Distribution v;
  v.kind = DistributionKind::kDiscrete;
  v.values = {5, 7};
  EXPECT_EQ(v.quantile(0.1), 5);
  EXPECT_EQ(v.quantile(0.9), 7);
}

}  // namespace
}  // namespace nksim
