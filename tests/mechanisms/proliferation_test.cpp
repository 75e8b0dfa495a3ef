// proliferation:
// (1) Unconstrained growth (no mechanics): each cell divides in a phenotype step with
//     probability p = 1 - exp(-r dt), so E[N_k] = N0 (1 + p)^k exactly, which tends to N0 e^{rt}
//     (here the exponents differ by 0.5%). The spread of a Yule process is
//     Var N(t) = N0 e^{rt} (e^{rt} - 1); we allow 4 standard deviations.
// (2) Daughters inherit heritable properties exactly when the mutation noise is 0, and with noise
//     sd the population variance grows by about sd^2 per division generation (checked loosely:
//     the mean is unchanged within 4 standard errors, the variance is > 0).
// (3) A pressure-limited 2-D spheroid slows as its core fills: its per-capita growth rate over
//     the last quarter of the run is below half of that over the first quarter, which is itself
//     above r/4 (a packed 2-D disc at adhesive equilibrium starts at pressure ~0.5, so at ~r/2).
#include <gtest/gtest.h>

#include <cmath>

#include "../spatial_support.h"

namespace nksim {
namespace {

std::string growth(const std::string& population, const std::string& extra, int seed) {
  return R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [-1000, -1000]
domain_max_um = [1000, 1000]
end_time_min = 1200
dt_mechanics_min = 6
dt_diffusion_min = 6
dt_phenotype_min = 6
seed = )" +
         std::to_string(seed) + R"(
[[cell_type]]
name = "t"
radius_um = 5
properties = { ligand = 2.0 }
)" + population +
         extra;
}

TEST(Proliferation, UnconstrainedGrowthIsExponential) {
  const double r = 1.0 / 600, dt = 6, t = 1200;
  const int n0 = 400;
  SpatialModel model = test::spatial_from_text(
      growth("[[population]]\ntype = \"t\"\nshape = \"uniform\"\ncount = 400\n",
             "[mechanisms.proliferation.t]\nrate_per_min = 0.0016666666666666668\n", 3));
  Simulation& sim = *model.simulation;
  sim.run_until(t);
  const double n = static_cast<double>(sim.agents().size());
  const double p = -std::expm1(-r * dt);
  const double expected = n0 * std::pow(1 + p, t / dt);
  const double continuous = n0 * std::exp(r * t);
  const double sd = std::sqrt(n0 * std::exp(r * t) * (std::exp(r * t) - 1));
  EXPECT_NEAR(n, expected, 4 * sd);
  EXPECT_NEAR(n, continuous, 4 * sd + std::abs(expected - continuous));
  EXPECT_NEAR(expected / continuous, 1.0, 0.02);
  for (double v : sim.agents().property[0]) ASSERT_EQ(v, 2.0);  // no noise: exact copies
}

TEST(Proliferation, MutationNoiseIsUnbiased) {
  SpatialModel model = test::spatial_from_text(growth(
      "[[population]]\ntype = \"t\"\nshape = \"uniform\"\ncount = 400\n",
      "[mechanisms.proliferation.t]\ncycle_duration_min = 600\nmutation_sd = { ligand = 0.1 }\n",
      4));
  Simulation& sim = *model.simulation;
  sim.run_until(1200);
  const auto& v = sim.agents().property[0];
  double sum = 0, sum2 = 0;
  for (double x : v) {
    sum += x;
    sum2 += x * x;
  }
  const double n = static_cast<double>(v.size());
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_GT(var, 0.0);
  EXPECT_LT(var, 0.1 * 0.1 * 10);  // at most ~10 generations of noise
  EXPECT_NEAR(mean, 2.0, 4 * std::sqrt(var / n) + 1e-12);
}

TEST(Proliferation, ConfinedSpheroidSlowsAsItsCoreFills) {
  const double r = 1.0 / 300;
  std::string text =
      growth("[[population]]\ntype = \"t\"\nshape = \"sphere\"\nradius_um = 30\npacked = true\n",
             "[mechanisms.mechanics.t]\n"
             "[mechanisms.proliferation.t]\ncycle_duration_min = 300\npressure_max = 1.0\n",
             5);
  for (const std::string key : {"dt_mechanics_min = 6", "dt_diffusion_min = 6"}) {
    text.replace(text.find(key), key.size(), key.substr(0, key.size() - 1) + "0.5");
  }
  SpatialModel model = test::spatial_from_text(text);
  Simulation& sim = *model.simulation;
  const double total = 2400, quarter = total / 4;
  std::vector<double> n = {static_cast<double>(sim.agents().size())};
  for (int q = 1; q <= 4; ++q) {
    sim.run_until(q * quarter);
    n.push_back(static_cast<double>(sim.agents().size()));
  }
  const double early = std::log(n[1] / n[0]) / quarter;
  const double late = std::log(n[4] / n[3]) / quarter;
  EXPECT_GT(early, 0.25 * r) << n[0] << " -> " << n[1];
  EXPECT_LT(late, 0.5 * early) << n[0] << " " << n[1] << " " << n[2] << " " << n[3] << " " << n[4];
}

}  // namespace
}  // namespace nksim
