// Trial statistics against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>

#include "nksim/trial/analysis.h"
#include "nksim/trial/samplers.h"

namespace nksim {
namespace {

// Wilson, 8 of 10, z = 1.959964: p = 0.8, centre = 0.8 + z^2/20 = 0.99207,
// half = z sqrt(0.016 + z^2/400) = 0.39426, denominator 1 + z^2/10 = 1.38415:
// (0.49016, 0.94332). Edge cases 0/10 and 10/10 keep the interval inside [0, 1].
TEST(Wilson, MatchesHandComputedIntervals) {
  const Interval a = wilson_interval(8, 10);
  EXPECT_NEAR(a.lower, 0.4901624715366418, 1e-12);
  EXPECT_NEAR(a.upper, 0.9433178485456247, 1e-12);
  const Interval b = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(b.lower, 0.0);
  EXPECT_NEAR(b.upper, 0.2775327998628892, 1e-12);
  const Interval c = wilson_interval(10, 10);
  EXPECT_NEAR(c.lower, 0.7224672001371106, 1e-12);
  EXPECT_NEAR(c.upper, 1.0, 1e-12);
}

// Six subjects: times 1, 2+, 3, 3, 4+, 5 (+ = censored).
//   t=1: 6 at risk, 1 event: S = 5/6;   Greenwood sum 1/(6*5) = 1/30
//   t=3: 4 at risk, 2 events: S = 5/12; sum += 2/(4*2) = 1/4
//   t=5: 1 at risk, 1 event: S = 0
// log-log interval at t=1: sigma = sqrt(1/30)/|ln(5/6)|, S^exp(+-1.96 sigma) = (0.27312, 0.97471);
// at t=3: sigma = sqrt(1/30 + 1/4)/|ln(5/12)|: (0.05599, 0.76652). Median: 3.
TEST(KaplanMeier, MatchesAHandComputedCurveWithCensoring) {
  const std::vector<double> t = {1, 2, 3, 3, 4, 5};
  const std::vector<bool> e = {true, false, true, true, false, true};
  const KaplanMeier km = kaplan_meier(t, e);
  ASSERT_EQ(km.time.size(), 4u);
  EXPECT_EQ(km.time, (std::vector<double>{0, 1, 3, 5}));
  EXPECT_NEAR(km.survival[1], 5.0 / 6, 1e-15);
  EXPECT_NEAR(km.survival[2], 5.0 / 12, 1e-15);
  EXPECT_DOUBLE_EQ(km.survival[3], 0.0);
  EXPECT_EQ(km.at_risk, (std::vector<std::size_t>{6, 6, 4, 1}));
  EXPECT_EQ(km.events, (std::vector<std::size_t>{0, 1, 2, 1}));
  EXPECT_NEAR(km.lower[1], 0.27312284992835584, 1e-12);
  EXPECT_NEAR(km.upper[1], 0.9747124266908935, 1e-12);
  EXPECT_NEAR(km.lower[2], 0.05599186485205287, 1e-12);
  EXPECT_NEAR(km.upper[2], 0.7665222195505801, 1e-12);
  ASSERT_TRUE(km_median(km).has_value());
  EXPECT_DOUBLE_EQ(*km_median(km), 3.0);
  const KaplanMeier none = kaplan_meier(std::vector<double>{4, 5}, {false, false});
  EXPECT_FALSE(km_median(none).has_value());
}

// The same data carried to the end of follow-up (day 8): censoring marks at 2 (S = 5/6) and
// 4 (S = 5/12); one more point at 8 with S = 0, nobody at risk and no events. Every subject
// censored at follow-up (day 8): a flat curve from 0 to 8 with one mark of 3.
TEST(KaplanMeier, ContinuesToTheEndOfFollowUpWithCensoringMarks) {
  const std::vector<double> t = {1, 2, 3, 3, 4, 5};
  const std::vector<bool> e = {true, false, true, true, false, true};
  const KaplanMeier km = kaplan_meier(t, e, kZ95, 8.0);
  EXPECT_EQ(km.time, (std::vector<double>{0, 1, 3, 5, 8}));
  EXPECT_DOUBLE_EQ(km.survival[4], 0.0);
  EXPECT_EQ(km.at_risk[4], 0u);
  EXPECT_EQ(km.events[4], 0u);
  EXPECT_EQ(km.censor_time, (std::vector<double>{2, 4}));
  EXPECT_NEAR(km.censor_survival[0], 5.0 / 6, 1e-15);
  EXPECT_NEAR(km.censor_survival[1], 5.0 / 12, 1e-15);
  EXPECT_EQ(km.censor_count, (std::vector<std::size_t>{1, 1}));

  const KaplanMeier flat =
      kaplan_meier(std::vector<double>{8, 8, 8}, {false, false, false}, kZ95, 8.0);
  EXPECT_EQ(flat.time, (std::vector<double>{0, 8}));
  EXPECT_EQ(flat.survival, (std::vector<double>{1, 1}));
  EXPECT_EQ(flat.at_risk, (std::vector<std::size_t>{3, 3}));
  EXPECT_EQ(flat.censor_count, (std::vector<std::size_t>{3}));
  const KaplanMeier open =
      kaplan_meier(std::vector<double>{2, 8, 8}, {true, false, false}, kZ95, 8.0);
  EXPECT_EQ(open.time, (std::vector<double>{0, 2, 8}));
  EXPECT_NEAR(open.survival[2], 2.0 / 3, 1e-15);
  EXPECT_EQ(open.at_risk[2], 2u);
  EXPECT_EQ(open.censor_time, (std::vector<double>{8}));
  EXPECT_EQ(open.censor_count, (std::vector<std::size_t>{2}));
}

// Group A: 1, 3, 5+; group B: 2, 4, 6. At the event times:
//   t  nA nB  d dA  E_A          V = nA nB d (n-d) / (n^2 (n-1))
//   1   3  3  1  1  1/2          9*5/(36*5)  = 0.25
//   2   2  3  1  0  2/5          6*4/(25*4)  = 0.24
//   3   2  2  1  1  1/2          4*3/(16*3)  = 0.25
//   4   1  2  1  0  1/3          2*2/(9*2)   = 2/9
//   6   0  1  1  0  0            (n = 1: no contribution)
// O_A = 2, E_A = 1.73333, V = 0.96222: chi2 = 0.26667^2 / 0.96222 = 0.073903, p = 0.78574.
TEST(LogRank, MatchesAHandComputedExample) {
  const LogRank test = log_rank(std::vector<double>{1, 3, 5}, {true, true, false},
                                std::vector<double>{2, 4, 6}, {true, true, true});
  EXPECT_NEAR(test.observed_a, 2.0, 1e-15);
  EXPECT_NEAR(test.expected_a, 0.5 + 0.4 + 0.5 + 1.0 / 3, 1e-14);
  EXPECT_NEAR(test.chi2, 0.0739030023094689, 1e-12);
  EXPECT_NEAR(test.p_value, 0.7857365379599127, 1e-10);
}

TEST(LogRank, ChiSquareTailOfOneDegreeOfFreedom) {
  EXPECT_NEAR(chi2_1df_upper(3.841458820694124), 0.05, 1e-12);
  EXPECT_DOUBLE_EQ(chi2_1df_upper(0), 1.0);
}

TEST(StudentT, TwoSidedPValuesMatchTables) {
  EXPECT_NEAR(student_t_two_sided(2.0, 10), 0.07338803, 1e-7);
  EXPECT_NEAR(student_t_two_sided(2.228138851986274, 10), 0.05, 1e-9);
  EXPECT_NEAR(student_t_two_sided(0, 5), 1.0, 1e-12);
  EXPECT_NEAR(incomplete_beta(2, 3, 0.4), 0.5248, 1e-12);  // 1 - sum_{j<2} C(4,j) .4^j .6^(4-j)
}

TEST(Ranks, TiesGetTheAverageRank) {
  EXPECT_EQ(ranks(std::vector<double>{10, 30, 20, 20}), (std::vector<double>{1, 4, 2.5, 2.5}));
}

// With one parameter, PRCC is Spearman's rho: x = 1..5, y = 2,1,4,3,5 gives
// d = (1,-1,1,-1,0), rho = 1 - 6*4/(5*24) = 0.8; t = 0.8 sqrt(3/0.36) = 2.3094 on 3 df.
TEST(Prcc, WithOneParameterEqualsSpearman) {
  const auto r = prcc(std::vector<double>{1, 2, 3, 4, 5}, 1, std::vector<double>{2, 1, 4, 3, 5});
  ASSERT_TRUE(r[0].valid);
  EXPECT_NEAR(r[0].prcc, 0.8, 1e-12);
  EXPECT_NEAR(r[0].p_value, student_t_two_sided(0.8 * std::sqrt(3 / 0.36), 3), 1e-12);
  EXPECT_NEAR(r[0].p_value, 0.104088, 1e-5);
}

// y = 10 x0^3 - 5 exp(x1) + 0 * x2 (+ a little noise) is increasing in x0, decreasing in x1,
// independent of x2: PRCC near +1, near -1, near 0.
TEST(Prcc, RecoversKnownMonotoneDependence) {
  constexpr std::size_t n = 300, k = 3;
  const auto x = sample_unit_cube(SamplerKind::kLatinHypercube, n, k, 5);
  std::vector<double> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = 10 * std::pow(x[i * k], 3) - 5 * std::exp(x[i * k + 1]) +
           0.05 * (counter_uniform(9, i, 0, 0) - 0.5);
  }
  const auto r = prcc(x, k, y);
  EXPECT_GT(r[0].prcc, 0.9);
  EXPECT_LT(r[0].p_value, 1e-20);
  EXPECT_LT(r[1].prcc, -0.9);
  EXPECT_LT(r[1].p_value, 1e-20);
  EXPECT_LT(std::abs(r[2].prcc), 0.2);
  EXPECT_GT(r[2].p_value, 0.001);
}

}  // namespace
}  // namespace nksim
