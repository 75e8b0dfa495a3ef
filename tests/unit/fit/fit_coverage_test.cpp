// Coverage of the profile-likelihood intervals (label `long`): over 100 synthetic data sets of
// Kuznetsov 1994 (BCL1; log10 tumour every 10 days for 200 days, normal noise sd 0.1 in log10
// units), the 95 % intervals of the tumour growth rate a and the kill rate n should contain the
// true values in 90-99 % of the data sets. (With 100 data sets and a true coverage of 95 %, the
// count has a binomial sd of about 2.2.)
#include <gtest/gtest.h>

#include <iostream>

#include "unit/fit/kuznetsov_synthetic.h"

namespace nksim {
namespace {

TEST(FitCoverage, ProfileIntervalsCoverTheTruthNearNinetyFivePercent) {
  testing::TempDir dir("fit-coverage");
  const double truth[2] = {testing::kKuznetsovA, testing::kKuznetsovN};
  constexpr int kDataSets = 100;
  int covered[2] = {0, 0};
  for (int set = 0; set < kDataSets; ++set) {
    const FitSpec spec =
        testing::write_kuznetsov_fit(dir.path(), 1000 + static_cast<std::uint64_t>(set), 4);
    const FitResult fit = run_fit(spec, {.threads = 0});
    for (int j = 0; j < 2; ++j) {
      const auto& p = fit.profiles[static_cast<std::size_t>(j)];
      covered[j] += p.lower <= truth[j] && truth[j] <= p.upper ? 1 : 0;
    }
  }
  std::cout << "coverage of a: " << covered[0] << "/" << kDataSets << ", of n: " << covered[1]
            << "/" << kDataSets << "\n";
  for (int j = 0; j < 2; ++j) {
    EXPECT_GE(covered[j], 90) << "parameter " << j;
    EXPECT_LE(covered[j], 99) << "parameter " << j;
  }
}

}  // namespace
}  // namespace nksim
