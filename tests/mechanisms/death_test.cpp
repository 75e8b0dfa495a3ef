// death: with apoptosis at rate r, the probability of surviving a phenotype step is exp(-r dt),
// so E[live(t)] = N0 exp(-r t) exactly (binomial spread, 4 standard deviations allowed); every
// apoptotic cell is removed once it has spent the removal delay in that state, so at t the
// apoptotic cells are exactly those that died within the last delay.
#include <gtest/gtest.h>

#include <cmath>

#include "../spatial_support.h"

namespace nksim {
namespace {

TEST(Death, ApoptosisIsExponentialAndCorpsesAreRemoved) {
  const int n0 = 5000;
  const double r = 1.0 / 300, t = 300;
  SpatialModel model = test::spatial_from_text(R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [-1000, -1000]
domain_max_um = [1000, 1000]
end_time_min = 300
dt_mechanics_min = 6
dt_diffusion_min = 6
dt_phenotype_min = 6
seed = 8
[[cell_type]]
name = "t"
radius_um = 5
[[population]]
type = "t"
shape = "uniform"
count = 5000
[mechanisms.death.t]
apoptosis_rate_per_min = 0.0033333333333333335
apoptosis_removal_min = 60
)");
  Simulation& sim = *model.simulation;
  sim.run_until(t);
  const AgentStore& a = sim.agents();
  int live = 0, apoptotic = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.state[i] == static_cast<int>(AgentState::kLive)) ++live;
    if (a.state[i] == static_cast<int>(AgentState::kApoptotic)) {
      ++apoptotic;
      EXPECT_LT(a.state_time_min[i], 60.0 + 1e-9);
    }
  }
  const double p = std::exp(-r * t);
  EXPECT_NEAR(live, n0 * p, 4 * std::sqrt(n0 * p * (1 - p)));
  // Died within the last 60 min (apoptosis decided at steps 240..294, kept until 60 min old):
  const double q = std::exp(-r * 240) - std::exp(-r * 300);
  EXPECT_NEAR(apoptotic, n0 * q, 4 * std::sqrt(n0 * q * (1 - q)));
  EXPECT_EQ(static_cast<std::size_t>(live + apoptotic), a.size());
}

}  // namespace
}  // namespace nksim
