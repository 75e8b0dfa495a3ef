// Patient selection statistics: ROC AUC with DeLong's variance against its pairwise definition
// and known normal populations; the ridge logistic regression against known coefficients;
// cross-validated scores on informative and uninformative features.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "nksim/trial/selection.h"

namespace nksim {
namespace {

// The pairwise definitions: AUC = mean over (responder i, non-responder j) of psi, psi = 1 if
// x_i > y_j, 1/2 if equal; DeLong's placement values V10_i, V01_j and variance
// S10/m + S01/n with sample variances.
struct BruteForce {
  double auc = 0, variance = 0;
};

BruteForce brute_force(const std::vector<double>& score, const std::vector<bool>& outcome) {
  std::vector<double> pos, neg;
  for (std::size_t i = 0; i < score.size(); ++i) (outcome[i] ? pos : neg).push_back(score[i]);
  const auto psi = [](double x, double y) { return x > y ? 1.0 : x == y ? 0.5 : 0.0; };
  std::vector<double> v10(pos.size(), 0.0), v01(neg.size(), 0.0);
  double total = 0;
  for (std::size_t i = 0; i < pos.size(); ++i) {
    for (std::size_t j = 0; j < neg.size(); ++j) {
      const double p = psi(pos[i], neg[j]);
      v10[i] += p / static_cast<double>(neg.size());
      v01[j] += p / static_cast<double>(pos.size());
      total += p;
    }
  }
  BruteForce b;
  b.auc = total / static_cast<double>(pos.size() * neg.size());
  double s10 = 0, s01 = 0;
  for (double v : v10) s10 += (v - b.auc) * (v - b.auc);
  for (double v : v01) s01 += (v - b.auc) * (v - b.auc);
  s10 /= static_cast<double>(pos.size() - 1);
  s01 /= static_cast<double>(neg.size() - 1);
  b.variance = s10 / static_cast<double>(pos.size()) + s01 / static_cast<double>(neg.size());
  return b;
}

// Standard normal draws by the Box-Muller transform (the same on every standard library).
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : engine_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double uniform() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

TEST(RocAuc, HandExampleWithATie) {
  // Responders 3, 5, 7; non-responders 1, 5, 6: pairs won 1 + 1.5 + 3 of 9.
  const std::vector<double> score = {3, 1, 5, 5, 7, 6};
  const std::vector<bool> outcome = {true, false, true, false, true, false};
  const RocAuc r = roc_auc(score, outcome);
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.auc, 5.5 / 9.0, 1e-15);
  // V10 = (1/3, 1/2, 1), V01 = (1, 1/2, 1/3): S10 = S01 = 0.240741 / 2; var = 2 S10 / 3.
  const double s = (std::pow(1.0 / 3 - 5.5 / 9, 2) + std::pow(0.5 - 5.5 / 9, 2) +
                    std::pow(1.0 - 5.5 / 9, 2)) / 2.0;
  EXPECT_NEAR(r.standard_error, std::sqrt(2.0 * s / 3.0), 1e-15);
  EXPECT_EQ(r.positives, 3u);
  EXPECT_EQ(r.negatives, 3u);
  EXPECT_LT(r.ci.lower, r.auc);
  EXPECT_GT(r.ci.upper, r.auc);
}

TEST(RocAuc, RankFormulaEqualsThePairwiseDefinitionWithManyTies) {
  Normal draw(7);
  std::vector<double> score;
  std::vector<bool> outcome;
  for (int i = 0; i < 300; ++i) {
    const bool responder = draw.uniform() < 0.3;
    score.push_back(std::round(2.0 * draw() + (responder ? 1.0 : 0.0)));  // integers: ties
    outcome.push_back(responder);
  }
  const RocAuc r = roc_auc(score, outcome);
  const BruteForce b = brute_force(score, outcome);
  EXPECT_NEAR(r.auc, b.auc, 1e-12);
  EXPECT_NEAR(r.standard_error, std::sqrt(b.variance), 1e-12);
}

TEST(RocAuc, BinormalPopulationsGiveTheirTheoreticalArea) {
  // Responders N(1, 1), non-responders N(0, 1): AUC = Phi(1 / sqrt 2) = 0.760250.
  Normal draw(11);
  std::vector<double> score;
  std::vector<bool> outcome;
  for (int i = 0; i < 4000; ++i) {
    const bool responder = i % 2 == 0;
    score.push_back(draw() + (responder ? 1.0 : 0.0));
    outcome.push_back(responder);
  }
  const RocAuc r = roc_auc(score, outcome);
  const double expected = 0.5 * std::erfc(-0.5);  // Phi(1/sqrt(2))
  EXPECT_NEAR(expected, 0.760250, 1e-6);
  EXPECT_LT(std::abs(r.auc - expected), 3.0 * r.standard_error);
  EXPECT_LT(r.ci.lower, expected);
  EXPECT_GT(r.ci.upper, expected);
  // The standard error of a binormal AUC with 2000 per group is about 0.0075 (Hanley-McNeil).
  EXPECT_NEAR(r.standard_error, 0.0075, 0.0015);
}

TEST(RocAuc, PerfectSeparationAndReversalAndOneGroup) {
  const std::vector<double> score = {1, 2, 3, 4};
  const RocAuc up = roc_auc(score, {false, false, true, true});
  EXPECT_EQ(up.auc, 1.0);
  EXPECT_EQ(up.ci.lower, 1.0);
  EXPECT_EQ(up.ci.upper, 1.0);
  const RocAuc down = roc_auc(score, {true, true, false, false});
  EXPECT_EQ(down.auc, 0.0);
  EXPECT_FALSE(roc_auc(score, {true, true, true, true}).valid);
}

std::vector<bool> logistic_outcomes(Normal& draw, const std::vector<double>& x, double b0,
                                    double b1, double b2) {
  std::vector<bool> y;
  for (std::size_t i = 0; i < x.size() / 2; ++i) {
    const double eta = b0 + b1 * x[2 * i] + b2 * x[2 * i + 1];
    y.push_back(draw.uniform() < 1.0 / (1.0 + std::exp(-eta)));
  }
  return y;
}

TEST(Logistic, RecoversKnownCoefficients) {
  // 6000 patients, two standard-normal features, true model -0.5 + 1.2 x1 - 0.8 x2. The
  // standard errors are about 0.04; the ridge of 1 shrinks by about 1/6000 relative.
  Normal draw(3);
  std::vector<double> x;
  for (int i = 0; i < 12000; ++i) x.push_back(draw());
  const auto y = logistic_outcomes(draw, x, -0.5, 1.2, -0.8);
  const LogisticModel m = fit_logistic(x, 2, y, 1.0);
  ASSERT_TRUE(m.converged);
  EXPECT_LT(m.iterations, 15);
  EXPECT_NEAR(m.intercept, -0.5, 0.12);
  EXPECT_NEAR(m.coefficients[0], 1.2, 0.12);
  EXPECT_NEAR(m.coefficients[1], -0.8, 0.12);
}

TEST(Logistic, StationaryPointOfThePenalisedLikelihood) {
  // At the optimum the gradient vanishes: sum (y - p) = 0 and sum x_j (y - p) = ridge beta_j.
  Normal draw(5);
  std::vector<double> x;
  for (int i = 0; i < 400; ++i) x.push_back(draw());
  const auto y = logistic_outcomes(draw, x, 0.3, 2.0, 0.5);
  const double ridge = 2.0;
  const LogisticModel m = fit_logistic(x, 2, y, ridge);
  double g0 = 0, g1 = 0, g2 = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double r = (y[i] ? 1.0 : 0.0) - logistic_probability(m, {&x[2 * i], 2});
    g0 += r;
    g1 += x[2 * i] * r;
    g2 += x[2 * i + 1] * r;
  }
  EXPECT_NEAR(g0, 0.0, 1e-8);
  EXPECT_NEAR(g1, ridge * m.coefficients[0], 1e-8);
  EXPECT_NEAR(g2, ridge * m.coefficients[1], 1e-8);
}

TEST(Logistic, SeparableOutcomeGivesFiniteCoefficients) {
  std::vector<double> x;
  std::vector<bool> y;
  for (int i = 0; i < 40; ++i) {
    x.push_back(i - 19.5);
    y.push_back(i >= 20);
  }
  const LogisticModel m = fit_logistic(x, 1, y, 1.0);
  EXPECT_TRUE(m.converged);
  EXPECT_TRUE(std::isfinite(m.coefficients[0]));
  EXPECT_GT(m.coefficients[0], 0.0);
}

TEST(CrossValidation, InformativeFeaturesKeepTheirAreaAndNoiseHasNone) {
  Normal draw(13);
  std::vector<double> x;
  for (int i = 0; i < 3000; ++i) x.push_back(draw());
  const auto y = logistic_outcomes(draw, x, 0.0, 1.5, -1.0);
  // The true linear predictor's AUC is the best any model can do on these data.
  std::vector<double> truth;
  for (std::size_t i = 0; i < y.size(); ++i) truth.push_back(1.5 * x[2 * i] - 1.0 * x[2 * i + 1]);
  const double best = roc_auc(truth, y).auc;
  const RocAuc cv = roc_auc(cross_validated_scores(x, 2, y, 5, 1.0), y);
  EXPECT_NEAR(cv.auc, best, 0.01);
  // An outcome that does not depend on the features: the out-of-fold AUC covers 1/2.
  std::vector<bool> coin;
  for (std::size_t i = 0; i < y.size(); ++i) coin.push_back(draw.uniform() < 0.4);
  const RocAuc noise = roc_auc(cross_validated_scores(x, 2, coin, 5, 1.0), coin);
  EXPECT_LT(noise.ci.lower, 0.5);
  EXPECT_GT(noise.ci.upper, 0.5);
  EXPECT_LT(std::abs(noise.auc - 0.5), 0.06);
}

// Hand example: columns (1, 2, 3) and (5, 5, 5). Means 2 and 5; sample sds 1 and 0 -> 1, so the
// constant column standardises to zeros instead of NaN. With keep = rows 0 and 2 only: mean 2,
// sd sqrt(2).
TEST(Standardise, HandExampleAndAConstantColumn) {
  const std::vector<double> x = {1, 5, 2, 5, 3, 5};
  const auto all = [](std::size_t) { return true; };
  const ColumnScale s = column_scale(x, 2, all);
  EXPECT_DOUBLE_EQ(s.mean[0], 2.0);
  EXPECT_DOUBLE_EQ(s.mean[1], 5.0);
  EXPECT_DOUBLE_EQ(s.sd[0], 1.0);
  EXPECT_DOUBLE_EQ(s.sd[1], 1.0);
  EXPECT_EQ(standardised_rows(x, 2, s, all), (std::vector<double>{-1, 0, 0, 0, 1, 0}));
  const auto ends = [](std::size_t i) { return i != 1; };
  const ColumnScale e = column_scale(x, 2, ends);
  EXPECT_DOUBLE_EQ(e.sd[0], std::sqrt(2.0));
  const std::vector<double> z = standardised_rows(x, 2, e, ends);
  ASSERT_EQ(z.size(), 4u);
  EXPECT_DOUBLE_EQ(z[0], -1 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(z[2], 1 / std::sqrt(2.0));
}

// A feature constant over the cohort (e.g. a parameter an arm does not sample) must not turn the
// out-of-fold scores into NaN: they are those of the model without it.
TEST(CrossValidation, AConstantFeatureChangesNothing) {
  Normal draw(21);
  std::vector<double> x;
  for (int i = 0; i < 400; ++i) x.push_back(draw());
  const auto y = logistic_outcomes(draw, x, 0.0, 1.0, 0.5);
  std::vector<double> with_constant;
  for (std::size_t i = 0; i < y.size(); ++i) {
    with_constant.insert(with_constant.end(), {x[2 * i], x[2 * i + 1], 7.0});
  }
  const auto plain = cross_validated_scores(x, 2, y, 5, 1.0);
  const auto padded = cross_validated_scores(with_constant, 3, y, 5, 1.0);
  ASSERT_EQ(plain.size(), padded.size());
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_NEAR(padded[i], plain[i], 1e-9) << i;
}

}  // namespace
}  // namespace nksim
