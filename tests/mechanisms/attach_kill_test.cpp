// attach_kill: independent effector-target pairs far apart (no mechanics, no motility), so every
// pair is its own experiment with its own draws. Per mechanics step of length dt an event at rate
// q happens with probability 1 - exp(-q dt), so after m rolls its probability is exactly
// 1 - exp(-q dt m) and the first success is geometric: the counts below are binomial, checked
// within 4 standard deviations. Distance and threshold gates are checked exactly (no attachment
// at all), and two thread counts give the same run bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../spatial_support.h"
#include "nksim/engine/simulation.h"

namespace nksim {
namespace {

// Two types, no populations: the test places the pairs. `immune` gets the attach_kill keys.
std::string attach_kill_scenario(const std::string& immune_keys, double end_time_min = 100) {
  return R"(
[simulation]
engine = "spatial"
dimension = 3
domain_min_um = [-500, -500, -500]
domain_max_um = [500, 500, 500]
end_time_min = )" +
         std::to_string(end_time_min) + R"(
dt_mechanics_min = 0.1
dt_diffusion_min = 0.1
dt_phenotype_min = 6
seed = 11
[[cell_type]]
name = "tumour"
radius_um = 8
properties = { oncoprotein = 1.0 }
[[cell_type]]
name = "immune"
radius_um = 8
[mechanisms.attach_kill.immune]
)" + immune_keys;
}

struct PairLayout {
  std::vector<std::size_t> immune, target;  // dense indices right after placement
};

// n pairs on a lattice 60 um apart (an effector 25 um from its target is 35 um from the next);
// each immune cell at `distance` from its target along x; the target's oncoprotein is
// `oncoprotein(k)` for pair k.
template <class F>
PairLayout place_pairs(Simulation& sim, int n, double distance, F oncoprotein) {
  PairLayout layout;
  AgentStore& a = sim.agents();
  const auto k_onco = static_cast<std::size_t>(a.property_index("oncoprotein"));
  const int side = static_cast<int>(std::ceil(std::cbrt(n)));
  for (int k = 0; k < n; ++k) {
    const double x = -480 + 60.0 * (k % side);
    const double y = -480 + 60.0 * ((k / side) % side);
    const double z = -480 + 60.0 * (k / (side * side));
    layout.target.push_back(sim.add_agent(0, x, y, z));
    a.property[k_onco][layout.target.back()] = oncoprotein(k);
    layout.immune.push_back(sim.add_agent(1, x + distance, y, z));
    a.property[k_onco][layout.immune.back()] = 0.0;
  }
  return layout;
}

const std::uint64_t* partner_column(const Simulation& sim) {
  const AgentStore& a = sim.agents();
  return a.column_data(a.find_column<std::uint64_t>("partner_id"));
}

int count_apoptotic_of_type(const Simulation& sim, int type) {
  const AgentStore& a = sim.agents();
  int n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    n += a.type[i] == type && a.state[i] == static_cast<int>(AgentState::kApoptotic) ? 1 : 0;
  }
  return n;
}

nlohmann::json attach_kill_readouts(const Simulation& sim) {
  for (const auto& m : sim.mechanisms()) {
    if (std::string(m->name()) == "attach_kill") return m->readouts(sim);
  }
  return nullptr;
}

void expect_binomial(int observed, int n, double p, const char* what) {
  EXPECT_NEAR(observed, n * p, 4 * std::sqrt(n * p * (1 - p)) + 1e-9) << what;
}

// Attached at the first step (attachment rate 1e6/min), no detachment: a target with
// oncoprotein 2 (s = 1) dies at rate k, one with 1.25 (s = (1.25 - 0.5) / 1.5 = 0.5) at k / 2.
// Kill rolls happen at steps 1 .. m, so by time T = (m + 1) dt the killed fraction is
// 1 - exp(-k s m dt).
TEST(AttachKill, KillTimeIsExponentialWithThePropertyScaledRate) {
  const double k = 0.05, dt = 0.1;
  SpatialModel model = test::spatial_from_text(attach_kill_scenario(R"(
attach_rate_per_min = 1e6
kill_rate_per_min = 0.05
attachment_lifetime_min = 1e12
)"));
  Simulation& sim = *model.simulation;
  const int n = 4000;
  place_pairs(sim, n, 10.0, [](int pair) { return pair % 2 == 0 ? 2.0 : 1.25; });
  sim.step();
  const std::uint64_t* partner = partner_column(sim);
  int attached = 0;
  for (std::size_t i = 0; i < sim.agents().size(); ++i) attached += partner[i] != 0 ? 1 : 0;
  EXPECT_EQ(attached, n);
  for (double t : {5.0, 20.0}) {
    sim.run_until(t);
    const double m = std::round(t / dt) - 1;
    int killed_full = 0, killed_half = 0;
    const AgentStore& a = sim.agents();
    const auto k_onco = static_cast<std::size_t>(a.property_index("oncoprotein"));
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.type[i] != 0 || a.state[i] != static_cast<int>(AgentState::kApoptotic)) continue;
      (a.property[k_onco][i] == 2.0 ? killed_full : killed_half) += 1;
    }
    expect_binomial(killed_full, n / 2, 1 - std::exp(-k * m * dt), "s = 1");
    expect_binomial(killed_half, n / 2, 1 - std::exp(-0.5 * k * m * dt), "s = 0.5");
    EXPECT_EQ(attach_kill_readouts(sim)["kills"].get<long>(), killed_full + killed_half);
  }
  // No effector is left attached to a dead cell: a kill ends the attachment.
  const AgentStore& a = sim.agents();
  partner = partner_column(sim);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (partner[i] == 0) continue;
    EXPECT_EQ(a.state[a.index_of(partner[i])], static_cast<int>(AgentState::kLive));
  }
}

// Detachment without kills: the first detachment comes at step j >= 1 with probability
// (1 - p)^(j - 1) p, p = 1 - exp(-dt / L): mean 1 / p steps (~L / dt), sd sqrt(1 - p) / p.
TEST(AttachKill, MeanAttachmentLifetime) {
  const double lifetime = 10, dt = 0.1;
  SpatialModel model = test::spatial_from_text(attach_kill_scenario(R"(
attach_rate_per_min = 1e6
kill_rate_per_min = 0
attachment_lifetime_min = 10
)"));
  Simulation& sim = *model.simulation;
  const int n = 3000;
  const PairLayout layout = place_pairs(sim, n, 10.0, [](int) { return 2.0; });
  std::vector<std::uint64_t> immune_ids;
  for (std::size_t i : layout.immune) immune_ids.push_back(sim.agents().id[i]);
  std::vector<double> first_detach(immune_ids.size(), -1);
  std::size_t open = immune_ids.size();
  for (std::uint64_t s = 0; s < 5000 && open > 0; ++s) {
    sim.step();
    const std::uint64_t* partner = partner_column(sim);
    for (std::size_t c = 0; c < immune_ids.size(); ++c) {
      const std::size_t i = sim.agents().index_of(immune_ids[c]);
      if (s == 0) {
        ASSERT_NE(partner[i], 0u) << "every effector attaches at the first step";
      } else if (first_detach[c] < 0 && partner[i] == 0) {
        first_detach[c] = static_cast<double>(s);
        --open;
      }
    }
  }
  ASSERT_EQ(open, 0u);
  double sum = 0;
  for (double s : first_detach) sum += s;
  const double mean = sum / n;
  const double p = 1 - std::exp(-dt / lifetime);
  EXPECT_NEAR(mean, 1 / p, 4 * std::sqrt(1 - p) / p / std::sqrt(n));
  EXPECT_NEAR(mean * dt, lifetime, 0.05 * lifetime);
  EXPECT_EQ(count_apoptotic_of_type(sim, 0), 0);
}

// The attachment rate a s w: oncoprotein 1.25 (s = 0.5) at 16 um (w = (18 - 16) / (18 - 14) =
// 0.5) attaches at rate a / 4, so by the end of step m - 1 the attached fraction is
// 1 - exp(-a m dt / 4). Beyond max_distance_um, at the threshold or below it nothing attaches.
TEST(AttachKill, AttachmentRateAndItsDistanceAndThresholdGates) {
  const double a_rate = 0.2, dt = 0.1;
  const std::string keys = R"(
attach_rate_per_min = 0.2
kill_rate_per_min = 0
attachment_lifetime_min = 1e12
)";
  {
    SpatialModel model = test::spatial_from_text(attach_kill_scenario(keys));
    Simulation& sim = *model.simulation;
    const int n = 4000;
    place_pairs(sim, n, 16.0, [](int) { return 1.25; });
    sim.run_until(20.0);
    const std::uint64_t* partner = partner_column(sim);
    int attached = 0;
    for (std::size_t i = 0; i < sim.agents().size(); ++i) attached += partner[i] != 0 ? 1 : 0;
    expect_binomial(attached, n, 1 - std::exp(-a_rate / 4 * 200 * dt), "a s w");
  }
  struct Gate {
    double distance, oncoprotein;
  };
  for (const Gate g : {Gate{18.001, 2.0}, Gate{25.0, 2.0}, Gate{10.0, 0.5}, Gate{10.0, 0.3}}) {
    SpatialModel model = test::spatial_from_text(attach_kill_scenario(R"(
attach_rate_per_min = 1e6
kill_rate_per_min = 1e6
)"));
    Simulation& sim = *model.simulation;
    place_pairs(sim, 500, g.distance, [&](int) { return g.oncoprotein; });
    sim.run_until(10.0);
    const std::uint64_t* partner = partner_column(sim);
    for (std::size_t i = 0; i < sim.agents().size(); ++i) {
      ASSERT_EQ(partner[i], 0u) << "distance " << g.distance << ", oncoprotein " << g.oncoprotein;
    }
    EXPECT_EQ(count_apoptotic_of_type(sim, 0), 0);
  }
}

// A crowd (above the size at which the mechanism's loop runs in parallel) with mechanics and a
// walk: 1 and 2 threads give the same positions, partners and deaths, bit for bit.
TEST(AttachKill, SameRunAtOneAndTwoThreads) {
  const std::string text = R"(
[simulation]
engine = "spatial"
dimension = 3
domain_min_um = [-150, -150, -150]
domain_max_um = [150, 150, 150]
end_time_min = 10
dt_mechanics_min = 0.1
dt_diffusion_min = 0.1
dt_phenotype_min = 6
seed = 5
[[cell_type]]
name = "tumour"
radius_um = 8
properties = { oncoprotein = 1.0 }
[[cell_type]]
name = "immune"
radius_um = 8
[[population]]
type = "tumour"
shape = "box"
min_um = [-150, -150, -150]
max_um = [150, 150, 0]
count = 3500
property_sd = { oncoprotein = 0.5 }
[[population]]
type = "immune"
shape = "box"
min_um = [-150, -150, -20]
max_um = [150, 150, 150]
count = 2000
[mechanisms.mechanics.tumour]
[mechanisms.mechanics.immune]
[mechanisms.persistent_walk.immune]
speed_um_per_min = 2
persistence_time_min = 5
[mechanisms.attach_kill.immune]
attach_rate_per_min = 5
kill_rate_per_min = 2
attachment_lifetime_min = 5
)";
  std::vector<std::vector<double>> runs;
  for (int threads : {1, 2}) {
    SpatialModel model = test::spatial_from_text(text, threads);
    Simulation& sim = *model.simulation;
    sim.run_until(10.0);
    const AgentStore& a = sim.agents();
    const std::uint64_t* partner = partner_column(sim);
    std::vector<double> state;
    for (std::size_t i = 0; i < a.size(); ++i) {
      state.insert(state.end(), {static_cast<double>(a.id[i]), a.x[i], a.y[i], a.z[i],
                                 static_cast<double>(a.state[i]), static_cast<double>(partner[i])});
    }
    const nlohmann::json r = attach_kill_readouts(sim);
    state.push_back(r["kills"].get<double>());
    state.push_back(r["attachments"].get<double>());
    EXPECT_GT(r["kills"].get<double>(), 10) << "the crowd must exercise kills";
    runs.push_back(std::move(state));
  }
  EXPECT_TRUE(runs[0] == runs[1]);
}

}  // namespace
}  // namespace nksim
