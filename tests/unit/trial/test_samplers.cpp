// Samplers: Latin hypercube strata, the published first Sobol points, Gaussian copula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nksim/trial/distributions.h"
#include "nksim/trial/samplers.h"

namespace nksim {
namespace {

TEST(LatinHypercube, EveryStratumOfEveryDimensionIsHitExactlyOnce) {
  constexpr std::size_t n = 97, d = 5;
  const auto points = sample_unit_cube(SamplerKind::kLatinHypercube, n, d, 42);
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<int> hits(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = points[i * d + j];
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      ++hits[static_cast<std::size_t>(u * n)];
    }
    EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }))
        << "dimension " << j;
  }
}

TEST(LatinHypercube, DependsOnlyOnTheSeed) {
  EXPECT_EQ(sample_unit_cube(SamplerKind::kLatinHypercube, 20, 3, 7),
            sample_unit_cube(SamplerKind::kLatinHypercube, 20, 3, 7));
  EXPECT_NE(sample_unit_cube(SamplerKind::kLatinHypercube, 20, 3, 7),
            sample_unit_cube(SamplerKind::kLatinHypercube, 20, 3, 8));
}

// The first eight points of the Sobol sequence in Gray-code order (Antonov-Saleev), as
// published for dimensions 1-4 with Joe & Kuo's direction numbers (new-joe-kuo-6.21201:
// d=2: s=1 m=1; d=3: s=2 a=1 m=1,3; d=4: s=3 a=1 m=1,3,1). Derivation for dimension 3:
// V1 = .1, V2 = .11, V3 = V2 ^ V1 ^ (V1 >> 2) = .011 (binary), x_{n+1} = x_n ^ V_{c(n)}.
TEST(Sobol, FirstPointsMatchPublishedValues) {
  const double expected[8][4] = {
      {0, 0, 0, 0},
      {0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25},
      {0.25, 0.75, 0.75, 0.75},
      {0.375, 0.375, 0.625, 0.875},
      {0.875, 0.875, 0.125, 0.375},
      {0.625, 0.125, 0.875, 0.625},
      {0.125, 0.625, 0.375, 0.125},
  };
  SobolSequence sobol(4);
  std::vector<double> point(4);
  for (const auto& row : expected) {
    sobol.next(point);
    for (std::size_t j = 0; j < 4; ++j) EXPECT_DOUBLE_EQ(point[j], row[j]);
  }
  sobol.next(point);  // point 8: x7 ^ V4 in dimension 1 = .001 ^ .0001
  EXPECT_DOUBLE_EQ(point[0], 0.1875);
}

TEST(Sobol, EveryDyadicIntervalHoldsOnePointPerDimension) {
  // A (0, m, s)-net property of each one-dimensional projection: the first 2^m points put one
  // point in each interval [k/2^m, (k+1)/2^m).
  constexpr std::size_t n = 256;
  SobolSequence sobol(SobolSequence::kMaxDimensions);
  std::vector<double> point(SobolSequence::kMaxDimensions);
  std::vector<std::vector<int>> hits(SobolSequence::kMaxDimensions, std::vector<int>(n, 0));
  for (std::size_t i = 0; i < n; ++i) {
    sobol.next(point);
    for (std::size_t j = 0; j < point.size(); ++j)
      ++hits[j][static_cast<std::size_t>(point[j] * n)];
  }
  for (std::size_t j = 0; j < hits.size(); ++j) {
    EXPECT_TRUE(std::all_of(hits[j].begin(), hits[j].end(), [](int h) { return h == 1; }))
        << "dimension " << j + 1;
  }
}

TEST(Sobol, RejectsTooManyDimensions) {
  EXPECT_THROW(SobolSequence(SobolSequence::kMaxDimensions + 1), std::invalid_argument);
  EXPECT_THROW(SobolSequence(0), std::invalid_argument);
}

TEST(SampleUnitCube, SobolSkipsTheOrigin) {
  const auto points = sample_unit_cube(SamplerKind::kSobol, 3, 2, 1);
  EXPECT_DOUBLE_EQ(points[0], 0.5);
  EXPECT_DOUBLE_EQ(points[2], 0.75);
}

TEST(Cholesky, RejectsMatricesThatAreNotPositiveDefinite) {
  const std::vector<double> good = {1, 0.5, 0.5, 1};
  const auto l = cholesky(good, 2);
  ASSERT_EQ(l.size(), 4u);
  EXPECT_DOUBLE_EQ(l[0], 1);
  EXPECT_DOUBLE_EQ(l[2], 0.5);
  EXPECT_NEAR(l[3], std::sqrt(0.75), 1e-15);
  const std::vector<double> bad = {1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1};
  EXPECT_TRUE(cholesky(bad, 3).empty());
}

TEST(GaussianCopula, NormalScoresHaveTheRequestedCorrelation) {
  constexpr std::size_t n = 4000, d = 2;
  auto points = sample_unit_cube(SamplerKind::kLatinHypercube, n, d, 3);
  const std::vector<double> r = {1, -0.6, -0.6, 1};
  const std::vector<std::size_t> columns = {0, 1};
  apply_gaussian_copula(points, d, columns, cholesky(r, 2));
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = normal_quantile(points[i * d]);
    const double y = normal_quantile(points[i * d + 1]);
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  // Standard error of a correlation near -0.6 with n = 4000: (1 - r^2) / sqrt(n) = 0.01.
  EXPECT_NEAR(sxy / std::sqrt(sxx * syy), -0.6, 0.04);
}

}  // namespace
}  // namespace nksim
