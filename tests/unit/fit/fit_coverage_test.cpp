// Coverage of the profile-likelihood intervals (label `long`): over 100 synthetic data sets of
// Kuznetsov 1994 (BCL1; log10 tumour every 10 days for 200 days, normal noise sd 0.1 in log10
// units), the 95 % intervals of the tumour growth rate a and the kill rate n should contain the
// true values in 90-99 % of the data sets. (With 100 data sets and a true coverage of 95 %, the
// count has a binomial sd of about 2.2.)
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numbers>
#include <sstream>

#include "nksim/fit/fit.h"
#include "nksim/trial/samplers.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

double normal(std::uint64_t seed, std::uint64_t i) {
  const double u1 = counter_uniform(seed, i, 0, 7);
  const double u2 = counter_uniform(seed, i, 1, 7);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

TEST(FitCoverage, ProfileIntervalsCoverTheTruthNearNinetyFivePercent) {
  testing::TempDir dir("fit-coverage");
  testing::write_file(dir.path() / "k.toml", R"([simulation]
engine = "well_mixed"
model = "kuznetsov1994"
end_time_days = 200
output_interval_days = 10
[initial]
E = 3.2e5
T = 5e7
)");
  const double truth[2] = {0.18, 1.101e-7};
  const WellMixedResult run =
      simulate(resolve(parse_well_mixed(TomlDocument::parse_file(dir.path() / "k.toml"))));
  constexpr int kDataSets = 100;
  int covered[2] = {0, 0};
  for (int set = 0; set < kDataSets; ++set) {
    std::ostringstream csv;
    csv.precision(17);
    csv << "time_days,observable,value\n";
    for (std::size_t row = 1; row < run.times_days.size(); ++row) {
      csv << run.times_days[row] << ",log10_tumour,"
          << std::log10(run.value(row, 1)) + 0.1 * normal(1000 + static_cast<std::uint64_t>(set), row)
          << "\n";
    }
    testing::write_file(dir.path() / "k.csv", csv.str());
    testing::write_file(dir.path() / "fit.toml", R"([fit]
scenario = "k.toml"
measurements = "k.csv"
starts = 4
seed = 5
[[observable]]
name = "log10_tumour"
state = "T"
transform = "log10"
sd = 0.1
[[parameter]]
name = "a"
lower = 0.05
upper = 0.5
log = true
[[parameter]]
name = "n"
lower = 1e-8
upper = 1e-6
log = true
)");
    const FitResult fit = run_fit(read_fit_spec_file(dir.path() / "fit.toml"), {.threads = 0});
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
