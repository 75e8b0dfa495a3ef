// Kill delays (src/nksim/rules/nk_delay.h).
//
// Erlang(k, rate lambda = k/m): mean m, variance m^2/k, excess kurtosis 6/k,
//   F(x) = 1 - e^{-lambda x} sum_{j<k} (lambda x)^j / j!.
// Statistical tolerances: N = 200000 samples; the sample mean is checked to 5 standard errors
// sqrt(m^2/(k N)); the sample variance to 5 standard errors sigma^2 sqrt((2 + 6/k)/N); the
// empirical CDF by the Kolmogorov-Smirnov statistic against its 0.1 % critical value 1.95/sqrt(N).
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/rules/nk_delay.h"
#include "unit/rules/test_uniforms.h"

namespace nksim::rules::nk {
namespace {

double erlang_cdf(double x, double mean, int k) {
  const double lx = k / mean * x;
  double term = 1.0, sum = 0.0;
  for (int j = 0; j < k; ++j) {
    sum += term;
    term *= lx / (j + 1);
  }
  return 1.0 - std::exp(-lx) * sum;
}

struct Moments {
  double mean = 0, variance = 0, ks = 0;
};

Moments sample_erlang(double mean, int k, int n, std::uint64_t seed) {
  testing::Uniforms uniforms(seed);
  std::vector<double> x(static_cast<std::size_t>(n));
  std::array<double, kMaxDelayShape> u{};
  for (auto& value : x) {
    for (int j = 0; j < k; ++j) u[static_cast<std::size_t>(j)] = uniforms.next();
    value = erlang_delay(mean, k, u);
  }
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= n;
  for (double v : x) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= (n - 1);
  std::sort(x.begin(), x.end());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = erlang_cdf(x[i], mean, k);
    m.ks = std::max({m.ks, std::abs(f - static_cast<double>(i) / n),
                     std::abs(f - static_cast<double>(i + 1) / n)});
  }
  return m;
}

TEST(NkDelay, ErlangMomentsAndDistribution) {
  const int n = 200000;
  const KillDelayParams defaults;
  for (auto [mean, k] : {std::pair{defaults.granzyme_mean_min, defaults.granzyme_shape},
                         std::pair{defaults.death_receptor_mean_min, defaults.death_receptor_shape},
                         std::pair{5.0, 1}}) {
    const Moments m = sample_erlang(mean, k, n, 1000 + static_cast<std::uint64_t>(k));
    const double var = erlang_variance(mean, k);
    EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(var / n)) << "k = " << k;
    EXPECT_NEAR(m.variance, var, 5 * var * std::sqrt((2.0 + 6.0 / k) / n)) << "k = " << k;
    EXPECT_LT(m.ks, 1.95 / std::sqrt(n)) << "k = " << k;
  }
}

TEST(NkDelay, DeterministicAndMonotoneInTheUniforms) {
  const std::array<double, 4> u = {0.2, 0.7, 0.4, 0.9};
  EXPECT_EQ(erlang_delay(20, 4, u), erlang_delay(20, 4, u));
  EXPECT_NEAR(erlang_delay(20, 4, u),
              -5.0 * (std::log(0.2) + std::log(0.7) + std::log(0.4) + std::log(0.9)), 1e-12);
  std::array<double, 4> larger = u;
  larger[0] = 0.3;  // a larger uniform gives a shorter exponential stage
  EXPECT_LT(erlang_delay(20, 4, larger), erlang_delay(20, 4, u));
  EXPECT_GT(erlang_delay(20, 4, u), 0.0);
}

// Documented means: granzyme kills within tens of minutes (15-30), death-receptor kills 1-2 h.
TEST(NkDelay, PathwayDefaultsMatchImagingData) {
  const KillDelayParams p;
  EXPECT_GE(p.granzyme_mean_min, 15.0);
  EXPECT_LE(p.granzyme_mean_min, 30.0);
  EXPECT_GE(p.death_receptor_mean_min, 60.0);
  EXPECT_LE(p.death_receptor_mean_min, 120.0);
  EXPECT_LE(p.granzyme_shape, kMaxDelayShape);
  EXPECT_LE(p.death_receptor_shape, kMaxDelayShape);
  std::array<double, kMaxDelayShape> u;
  u.fill(std::exp(-1.0));  // every stage at its mean: the delay equals the mean
  EXPECT_NEAR(kill_delay(KillPathway::kGranzyme, p, u), p.granzyme_mean_min, 1e-12);
  EXPECT_NEAR(kill_delay(KillPathway::kDeathReceptor, p, u), p.death_receptor_mean_min, 1e-12);
}

// Lognormal: E[X] = m and CV = cv. N = 200000 normals; tolerance 5 standard errors of the mean.
TEST(NkDelay, LognormalHasTheRequestedMeanAndCv) {
  const double mean = 90, cv = 0.5;
  const int n = 200000;
  testing::Uniforms uniforms(77);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = lognormal_delay(mean, cv, uniforms.normal());
    sum += x;
    sum2 += x * x;
  }
  const double m = sum / n, sd = std::sqrt(sum2 / n - m * m);
  EXPECT_NEAR(m, mean, 5 * cv * mean / std::sqrt(n));
  EXPECT_NEAR(sd / m, cv, 0.01);
  EXPECT_NEAR(lognormal_delay(mean, cv, 0.0), mean / std::sqrt(1 + cv * cv), 1e-12);  // median
}

}  // namespace
}  // namespace nksim::rules::nk
