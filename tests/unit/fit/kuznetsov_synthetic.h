// Synthetic data for fit tests: Kuznetsov 1994 (BCL1) from E0 = 3.2e5, T0 = 5e7, log10 tumour
// counts every 10 days for 200 days with normal noise of sd 0.1 (log10 units), and a fit of the
// tumour growth rate a (true 0.18/day) and the kill rate n (true 1.101e-7 /(cell day)).
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numbers>
#include <sstream>
#include <string>

#include "nksim/fit/fit.h"
#include "nksim/trial/samplers.h"
#include "support/run_cli.h"

namespace nksim::testing {

inline constexpr double kKuznetsovA = 0.18, kKuznetsovN = 1.101e-7;

// A standard normal number, counter-based (Box-Muller on two of the trial sampler's uniforms).
inline double normal(std::uint64_t seed, std::uint64_t i) {
  const double u1 = counter_uniform(seed, i, 0, 7);
  const double u2 = counter_uniform(seed, i, 1, 7);
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

// Writes k.toml (Kuznetsov 1994 from E0 = 3.2e5, T0 = 5e7, outputs every 10 days for 200 days)
// into `dir` and returns its noise-free run.
inline WellMixedResult write_kuznetsov_truth(const std::filesystem::path& dir) {
  write_file(dir / "k.toml", R"([simulation]
engine = "well_mixed"
model = "kuznetsov1994"
end_time_days = 200
output_interval_days = 10
[initial]
E = 3.2e5
T = 5e7
)");
  const WellMixedResult truth =
      simulate(resolve(parse_well_mixed(TomlDocument::parse_file(dir / "k.toml"))));
  return truth;
}

// Writes k.toml (the scenario), k.csv (its tumour with noise drawn from `noise_seed`) and
// fit.toml (`starts` Latin-hypercube starts) into `dir`, and returns the fit specification.
inline FitSpec write_kuznetsov_fit(const std::filesystem::path& dir, std::uint64_t noise_seed,
                                   int starts) {
  const WellMixedResult truth = write_kuznetsov_truth(dir);
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (std::size_t row = 1; row < truth.times_days.size(); ++row) {
    csv << truth.times_days[row] << ",log10_tumour,"
        << std::log10(truth.value(row, 1)) + 0.1 * normal(noise_seed, row) << "\n";
  }
  write_file(dir / "k.csv", csv.str());
  write_file(dir / "fit.toml", R"([fit]
scenario = "k.toml"
measurements = "k.csv"
starts = )" + std::to_string(starts) + R"(
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
  return read_fit_spec_file(dir / "fit.toml");
}

}  // namespace nksim::testing
