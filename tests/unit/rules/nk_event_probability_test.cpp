// Exact event probabilities in dt (src/nksim/rules/nk_event_probability.h).
//
// Closed forms: P(event in dt) = 1 - e^{-r dt}; n sub-steps compose to one step because
// (e^{-r dt/n})^n = e^{-r dt}; with competing hazards r_i and R = sum r_i, event i happens in dt
// with probability r_i/R (1 - e^{-R dt}).
#include <array>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/rules/nk_event_probability.h"
#include "unit/rules/test_uniforms.h"

namespace nksim::rules::nk {
namespace {

TEST(NkEventProbability, MatchesExponentialWaitingTime) {
  for (double rate : {1e-6, 0.01, 0.5, 3.0}) {
    for (double dt : {0.1, 1.0, 6.0}) {
      EXPECT_NEAR(probability_in_step(rate, dt), 1.0 - std::exp(-rate * dt), 1e-15);
      EXPECT_LT(probability_in_step(rate, dt), rate * dt);  // never the linearisation
    }
  }
  EXPECT_EQ(probability_in_step(0.0, 1.0), 0.0);
  EXPECT_EQ(probability_in_step(-1.0, 1.0), 0.0);
  EXPECT_EQ(probability_in_step(1.0, 0.0), 0.0);
  EXPECT_LE(probability_in_step(100.0, 100.0), 1.0);
  // Full precision for tiny hazards (expm1): 1e-12 * 1 to 12 significant digits.
  EXPECT_NEAR(probability_in_step(1e-12, 1.0), 1e-12, 1e-24);
}

TEST(NkEventProbability, SubStepsComposeToOneStep) {
  const double rate = 0.37, dt = 5.0;
  for (int n : {1, 2, 3, 10, 1000}) {
    const double p_sub = probability_in_step(rate, dt / n);
    const double p_composed = 1.0 - std::pow(1.0 - p_sub, n);
    EXPECT_NEAR(p_composed, probability_in_step(rate, dt), 1e-13) << n << " sub-steps";
  }
  // The linearisation does not compose: n steps of r dt/n differ from one step of r dt.
  const double linear_one = rate * dt;
  const double linear_ten = 1.0 - std::pow(1.0 - rate * dt / 10, 10);
  EXPECT_GT(std::abs(linear_one - linear_ten), 0.1);
}

TEST(NkEventProbability, RateFromProbabilityIsTheInverse) {
  for (double p : {0.0, 1e-9, 0.1, 0.5, 0.99}) {
    EXPECT_NEAR(probability_in_step(rate_from_probability(p, 60.0), 60.0), p, 1e-14);
  }
}

// Scanning u over a fine regular grid visits each event's interval in exact proportion to its
// probability (error at most one grid cell per interval edge).
TEST(NkEventProbability, CompetingEventPartitionsTheUnitInterval) {
  const std::array<double, 4> rates = {0.1, 0.0, 0.3, 0.05};
  const double dt = 2.0;
  const int n = 200000;
  std::array<int, 4> counts{};
  int none = 0;
  for (int k = 0; k < n; ++k) {
    const int e = competing_event(rates, dt, (k + 0.5) / n);
    if (e < 0) {
      ++none;
    } else {
      ++counts[static_cast<std::size_t>(e)];
    }
  }
  EXPECT_EQ(counts[1], 0);  // zero hazard, never chosen
  double p_total = 0;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const double p = competing_event_probability(rates, dt, i);
    p_total += p;
    EXPECT_NEAR(static_cast<double>(counts[i]) / n, p, 2.0 / n) << "event " << i;
  }
  EXPECT_NEAR(p_total, probability_in_step(0.45, dt), 1e-15);
  EXPECT_NEAR(static_cast<double>(none) / n, std::exp(-0.45 * dt), 2.0 / n);
}

// Monte Carlo: running competing events over 10 sub-steps of dt/10 (stopping at the first event)
// gives the same outcome probabilities as one step of dt. N = 400000 trials; tolerance 5
// standard errors sqrt(p(1-p)/N) (fails by chance with probability < 1e-6 per check).
TEST(NkEventProbability, CompetingEventsOverSubStepsMatchOneStep) {
  const std::array<double, 2> rates = {0.08, 0.02};
  const double dt = 10.0;
  const int n_trials = 400000, n_sub = 10;
  testing::Uniforms uniforms(20260525);
  std::array<int, 2> counts{};
  for (int t = 0; t < n_trials; ++t) {
    for (int s = 0; s < n_sub; ++s) {
      const int e = competing_event(rates, dt / n_sub, uniforms.next());
      if (e >= 0) {
        ++counts[static_cast<std::size_t>(e)];
        break;
      }
    }
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const double p = competing_event_probability(rates, dt, i);
    const double se = std::sqrt(p * (1 - p) / n_trials);
    EXPECT_NEAR(static_cast<double>(counts[i]) / n_trials, p, 5 * se) << "event " << i;
  }
}

TEST(NkEventProbability, CompetingEventWithNoHazardNeverFires) {
  const std::vector<double> rates = {0.0, 0.0};
  for (double u : {1e-12, 0.5, 1 - 1e-12}) EXPECT_EQ(competing_event(rates, 1.0, u), -1);
}

// Inverse-CDF Poisson counts over a fine grid of uniforms reproduce the pmf e^{-m} m^k / k!.
TEST(NkEventProbability, PoissonCountReproducesThePmf) {
  for (double mean : {0.05, 1.0, 4.5}) {
    const int n = 200000;
    std::vector<int> counts(40, 0);
    for (int i = 0; i < n; ++i) {
      const int k = poisson_count(mean, (i + 0.5) / n);
      ASSERT_LT(k, 40);
      ++counts[static_cast<std::size_t>(k)];
    }
    for (int k = 0; k < 15; ++k) {
      const double pmf = std::exp(-mean + k * std::log(mean) - std::lgamma(k + 1.0));
      EXPECT_NEAR(static_cast<double>(counts[static_cast<std::size_t>(k)]) / n, pmf, 2.0 / n)
          << "mean " << mean << ", k " << k;
    }
  }
  EXPECT_EQ(poisson_count(0.0, 0.99), 0);
  EXPECT_EQ(poisson_count(2.0, 1e-12), 0);
}

}  // namespace
}  // namespace nksim::rules::nk
