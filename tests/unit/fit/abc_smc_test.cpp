// ABC-SMC (fit/abc_smc.h) on toy stochastic models whose posterior is known in closed form.
// With a discrete summary and epsilon driven to 0, ABC accepts exactly the simulations that
// reproduce the data, so its particles sample the exact posterior (Toni 2009, section 2.1); what
// remains is Monte Carlo error, which the tolerances below allow for (about 5 standard errors).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "nksim/core/rng.h"
#include "nksim/fit/abc_smc.h"

namespace nksim {
namespace abc_smc_test {

// k successes out of n Bernoulli(p) trials, drawn from the simulation seed.
int binomial_draw(double p, int n, std::uint64_t seed) {
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const RandomDraw draw(seed, 0, Purpose::kTest, static_cast<std::uint64_t>(i));
    k += draw.uniform(0) < p;
  }
  return k;
}

// A Poisson(lambda) count by inversion of its distribution function.
int poisson_draw(double lambda, std::uint64_t seed, std::uint64_t id) {
  const RandomDraw draw(seed, 1, Purpose::kTest, id);
  const double u = draw.uniform(0);
  double p = std::exp(-lambda);
  double cdf = p;
  int k = 0;
  while (u > cdf && k < 10000) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

// 7 successes in 20 trials, p ~ Uniform(0, 1): posterior Beta(8, 14).
AbcResult binomial_abc(int threads, std::int64_t max_simulations = 1000000) {
  AbcSettings settings;
  settings.population = 1000;
  settings.max_generations = 10;
  settings.target_epsilon = 0;
  settings.seed = 2009;
  settings.threads = threads;
  settings.max_simulations = max_simulations;
  return run_abc_smc({{"p", 0.0, 1.0, false}}, settings,
                     [](const std::vector<double>& theta, std::uint64_t seed) {
                       return std::abs(binomial_draw(theta[0], 20, seed) - 7.0);
                     });
}

TEST(AbcSmc, RecoversTheBetaPosteriorOfABinomialProportion) {
  const AbcResult r = binomial_abc(2);
  ASSERT_GE(r.generations.size(), 2u);
  EXPECT_TRUE(std::isinf(r.generations.front().epsilon));
  EXPECT_EQ(r.generations.back().epsilon, 0.0);  // exact matches only: the exact posterior
  for (std::size_t t = 1; t < r.generations.size(); ++t) {
    EXPECT_LE(r.generations[t].epsilon, r.generations[t - 1].epsilon);
    for (const auto& p : r.generations[t].particles) {
      EXPECT_LE(p.distance, r.generations[t].epsilon);
    }
  }
  double weights = 0;
  for (const auto& p : r.generations.back().particles) weights += p.weight;
  EXPECT_NEAR(weights, 1.0, 1e-12);
  // Beta(8, 14): mean 8/22 = 0.36364, 5 % 0.20575, median 0.35943, 95 % 0.53594 (scipy.stats).
  // Posterior sd 0.10; with about 1000 particles the mean's standard error is about 0.004.
  EXPECT_NEAR(r.posterior[0].mean, 0.36364, 0.02);
  EXPECT_NEAR(r.posterior[0].median, 0.35943, 0.025);
  EXPECT_NEAR(r.posterior[0].q05, 0.20575, 0.03);
  EXPECT_NEAR(r.posterior[0].q95, 0.53594, 0.03);
  EXPECT_EQ(r.simulations, [&] {
    std::int64_t s = 0;
    for (const auto& g : r.generations) s += g.simulations;
    return s;
  }());
}

TEST(AbcSmc, RecoversTheGammaPosteriorOfAPoissonRateUnderALogUniformPrior) {
  // Ten counts summing to 37; prior log-uniform on [0.5, 20] (density 1/lambda), so the
  // posterior is Gamma(shape 37, rate 10) (its mass outside the bounds is below 1e-19): mean 3.7,
  // 5 % 2.7595, 95 % 4.7541 (scipy.stats). The sum is sufficient, so the distance uses it.
  AbcSettings settings;
  settings.population = 1000;
  settings.max_generations = 12;
  settings.seed = 15;
  settings.threads = 2;
  const AbcResult r = run_abc_smc(
      {{"lambda", 0.5, 20.0, true}}, settings,
      [](const std::vector<double>& theta, std::uint64_t seed) {
        int sum = 0;
        for (std::uint64_t i = 0; i < 10; ++i) sum += poisson_draw(theta[0], seed, i);
        return std::abs(sum - 37.0);
      });
  EXPECT_EQ(r.generations.back().epsilon, 0.0);
  // Posterior sd 0.61: standard error of the mean about 0.025.
  EXPECT_NEAR(r.posterior[0].mean, 3.7, 0.12);
  EXPECT_NEAR(r.posterior[0].q05, 2.7595, 0.15);
  EXPECT_NEAR(r.posterior[0].q95, 4.7541, 0.2);
  // Identified: the 90 % interval spans ln(4.75/2.76) = 0.54 of the prior's ln(40) = 3.7.
  EXPECT_TRUE(abc_identified({"lambda", 0.5, 20.0, true}, r.posterior[0]));
}

TEST(AbcSmc, SameOutputAtOneAndTwoThreads) {
  const AbcResult a = binomial_abc(1);
  const AbcResult b = binomial_abc(2);
  ASSERT_EQ(a.generations.size(), b.generations.size());
  EXPECT_EQ(a.simulations, b.simulations);
  for (std::size_t t = 0; t < a.generations.size(); ++t) {
    const auto& pa = a.generations[t].particles;
    const auto& pb = b.generations[t].particles;
    ASSERT_EQ(pa.size(), pb.size());
    EXPECT_EQ(a.generations[t].epsilon, b.generations[t].epsilon);
    for (std::size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].theta, pb[i].theta);
      EXPECT_EQ(pa[i].weight, pb[i].weight);
      EXPECT_EQ(pa[i].seed, pb[i].seed);
    }
  }
}

TEST(AbcSmc, TheSimulationCapRaisesAClearError) {
  try {
    binomial_abc(1, 2500);
    FAIL() << "expected AbcBudgetError";
  } catch (const AbcBudgetError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("max_simulations = 2500"), std::string::npos) << what;
    EXPECT_NE(what.find("particles accepted"), std::string::npos) << what;
  }
}

TEST(AbcSmc, FlatPosteriorIsNotIdentified) {
  // A simulator that ignores its parameter: the posterior stays the prior.
  AbcSettings settings;
  settings.population = 400;
  settings.max_generations = 2;
  settings.seed = 3;
  settings.threads = 1;
  const AbcParameter p{"x", 1.0, 100.0, true};
  const AbcResult r = run_abc_smc({p}, settings, [](const std::vector<double>&, std::uint64_t s) {
    return RandomDraw(s, 0, Purpose::kTest, 0).uniform(0);
  });
  EXPECT_FALSE(abc_identified(p, r.posterior[0]));
  // Log-uniform on [1, 100]: median 10 (kernel moves and weights keep the prior).
  EXPECT_NEAR(std::log10(r.posterior[0].median), 1.0, 0.15);
}

TEST(AbcSmc, WeightedQuantileAndBadSettings) {
  EXPECT_EQ(abc_weighted_quantile({3, 1, 2}, {1, 1, 1}, 0.5), 2);
  EXPECT_EQ(abc_weighted_quantile({3, 1, 2}, {0, 0, 1}, 0.05), 2);
  EXPECT_EQ(abc_weighted_quantile({3, 1, 2}, {1, 0, 0}, 0.95), 3);
  const auto never = [](const std::vector<double>&, std::uint64_t) { return 0.0; };
  EXPECT_THROW(run_abc_smc({{"x", 0.0, 1.0, true}}, {}, never), InputError);
  EXPECT_THROW(run_abc_smc({{"x", 2.0, 1.0, false}}, {}, never), InputError);
  EXPECT_THROW(run_abc_smc({}, {}, never), InputError);
}

}  // namespace abc_smc_test
}  // namespace nksim
