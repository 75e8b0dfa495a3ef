// Conjugate life cycle of nk_recognition_kill, one NK cell and one target side by side:
// the NK cell arrests while conjugated; a failed contact ends after failed_contact_min; the
// conjugate ends when the target dies of something else, divides, or the NK cell dies; a
// committed kill happens at contact + sampled delay and is credited to the NK cell.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "mechanisms/nk_test_support.h"
#include "nksim/api/nksim.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/mechanisms/nk_state.h"

namespace nksim {
namespace {

// One NK cell at (100, 100) and one target at (110, 100), no mechanics. `extra` adds tables.
std::string pair_scenario(const std::string& nk_table, const std::string& extra) {
  return R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 120
dt_diffusion_min = 0.5
dt_mechanics_min = 0.5
dt_phenotype_min = 1
seed = 5
threads = 1
[[cell_type]]
name = "target"
radius_um = 9
properties = { nkg2d_ligand = 1.0, other_ligand = 1.0, mhc_i = 0.0 }
[[cell_type]]
name = "nk"
radius_um = 4
[[population]]
type = "target"
shape = "box"
min_um = [110, 100]
max_um = [110.001, 100.001]
count = 1
[[population]]
type = "nk"
shape = "box"
min_um = [100, 100]
max_um = [100.001, 100.001]
count = 1
[mechanisms.persistent_walk.nk]
speed_um_per_min = 5
persistence_time_min = 3
[mechanisms.nk_recognition_kill.target]
role = "target"
[mechanisms.nk_recognition_kill.nk]
role = "nk"
)" + nk_table +
         "\n" + extra;
}

// nk_recognition_kill's columns, found by name as other mechanisms find them.
const std::vector<std::uint64_t>& partner_ids(const AgentStore& a) {
  const auto key = a.find_column<std::uint64_t>(kNkPartnerColumn);
  EXPECT_TRUE(key);
  return a.column(key);
}
const std::vector<double>& potencies(const AgentStore& a) {
  const auto key = a.find_column<double>(kNkPotencyColumn);
  EXPECT_TRUE(key);
  return a.column(key);
}

struct Pair {
  SpatialModel model;
  Simulation& sim() { return *model.simulation; }
  std::size_t index(int type) {
    const AgentStore& a = sim().agents();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.type[i] == type) return i;
    }
    return AgentStore::kNoIndex;
  }
  nlohmann::json readouts() {
    return testing::find_mechanism(sim(), "nk_recognition_kill")->readouts(sim());
  }
};

Pair pair_sim(const std::string& nk_table, const std::string& extra = "") {
  return Pair{
      load_spatial(TomlDocument::parse_string(pair_scenario(nk_table, extra), "pair.toml"), 1)};
}

constexpr int kTarget = 0, kNk = 1;
const std::string kNeverKill = "failed_contact_min = 30\nrecognition = { p_max = 0.0 }";
const std::string kAlwaysKill =
    "recognition = { p_max = 1.0, s_half = -20.0 }\n"
    "capacity = { non_killer_fraction = 0.0 }\n";

TEST(NkConjugate, FailedContactArrestsThenReleases) {
  Pair p = pair_sim(kNeverKill);
  p.sim().run_until(1.0);
  const std::size_t nk = p.index(kNk), target = p.index(kTarget);
  const AgentStore& a = p.sim().agents();
  ASSERT_EQ(partner_ids(a)[nk], a.id[target]);
  ASSERT_EQ(partner_ids(a)[target], a.id[nk]);
  const double x = a.x[nk], y = a.y[nk];
  p.sim().run_until(25.0);
  EXPECT_EQ(partner_ids(a)[nk], a.id[target]);
  EXPECT_EQ(a.x[nk], x);  // arrested: no crawling while conjugated
  EXPECT_EQ(a.y[nk], y);
  p.sim().run_until(40.0);
  EXPECT_EQ(partner_ids(a)[nk], 0u);  // failed contact over after 30 min
  EXPECT_EQ(partner_ids(a)[target], 0u);
  EXPECT_GT(std::hypot(a.x[nk] - x, a.y[nk] - y), 1.0);  // crawling again
  EXPECT_EQ(p.readouts()["effectors"]["nk"]["lethal_hits"].get<int>(), 0);
}

TEST(NkConjugate, CommittedKillHappensAfterTheDelayAndIsCredited) {
  Pair p = pair_sim(kAlwaysKill + "delay = { granzyme_mean_min = 30, granzyme_shape = 8 }");
  p.sim().run_until(1.0);
  const AgentStore& a = p.sim().agents();
  const std::uint64_t target_id = a.id[p.index(kTarget)];
  EXPECT_EQ(partner_ids(a)[p.index(kNk)], target_id);
  p.sim().run_until(5.0);  // Erlang(8) of mean 30: below 5 min with probability < 1e-3
  EXPECT_EQ(a.state[a.index_of(target_id)], static_cast<std::int32_t>(AgentState::kLive));
  p.sim().run_until(120.0);
  EXPECT_EQ(a.state[a.index_of(target_id)], static_cast<std::int32_t>(AgentState::kLysed));
  EXPECT_EQ(partner_ids(a)[p.index(kNk)], 0u);  // released after the kill
  const nlohmann::json r = p.readouts();
  EXPECT_EQ(r["targets"]["killed_by_effectors"].get<int>(), 1);
  EXPECT_EQ(r["effectors"]["nk"]["kills_total"].get<int>(), 1);
  const double latency = r["effectors"]["nk"]["latency_granzyme_min"]["mean"].get<double>();
  EXPECT_GT(latency, 10.0);
  EXPECT_LT(latency, 80.0);
}

TEST(NkConjugate, TargetDyingOfSomethingElseEndsTheConjugateWithoutCredit) {
  Pair p = pair_sim(kAlwaysKill + "delay = { granzyme_mean_min = 500 }",
                    "[mechanisms.death.target]\napoptosis_rate_per_min = 0.5\n");
  p.sim().run_until(60.0);
  const AgentStore& a = p.sim().agents();
  EXPECT_EQ(a.state[p.index(kTarget)], static_cast<std::int32_t>(AgentState::kApoptotic));
  EXPECT_EQ(partner_ids(a)[p.index(kNk)], 0u);
  const nlohmann::json r = p.readouts();
  EXPECT_EQ(r["effectors"]["nk"]["lethal_hits"].get<int>(), 1);  // the hit was delivered
  EXPECT_EQ(r["effectors"]["nk"]["kills_total"].get<int>(), 0);  // but it did not kill
  EXPECT_EQ(r["targets"]["killed_by_effectors"].get<int>(), 0);
}

TEST(NkConjugate, DividingTargetLeavesTheConjugate) {
  Pair p = pair_sim("failed_contact_min = 1000\nrecognition = { p_max = 0.0 }",
                    "[mechanisms.proliferation.target]\nrate_per_min = 0.2\n");
  p.sim().run_until(1.0);
  const AgentStore& a = p.sim().agents();
  const std::uint64_t original = partner_ids(a)[p.index(kNk)];
  ASSERT_NE(original, 0u);
  p.sim().run_until(30.0);
  EXPECT_GT(a.size(), 2u);  // the target divided
  EXPECT_EQ(p.readouts()["targets"]["births"].get<int>() + 1, static_cast<int>(a.size()) - 1);
  // The first conjugate ended at the division instead of lasting 1000 min: the NK cell is free,
  // or has started a new contact.
  const bool ended = partner_ids(a)[p.index(kNk)] != original ||
                     p.readouts()["effectors"]["nk"]["contacts"].get<int>() >= 2;
  EXPECT_TRUE(ended);
}

TEST(NkConjugate, DyingNkCellReleasesItsTarget) {
  Pair p = pair_sim("failed_contact_min = 1000\nrecognition = { p_max = 0.0 }",
                    "[mechanisms.death.nk]\napoptosis_rate_per_min = 0.3\n");
  p.sim().run_until(60.0);
  const AgentStore& a = p.sim().agents();
  EXPECT_EQ(a.state[p.index(kNk)], static_cast<std::int32_t>(AgentState::kApoptotic));
  EXPECT_EQ(partner_ids(a)[p.index(kTarget)], 0u);
}

// Exhaustion and IL-2/IL-15 recovery: after one kill potency drops to 1 - delta and then
// follows P(t) = 1 - delta e^{-r t}, r = r_max c/(K + c), whether the cytokine is a constant
// or read from a (uniform, non-decaying) field.
TEST(NkConjugate, PotencyDropsAtTheKillAndRecoversWithCytokine) {
  const std::string kinetics = kAlwaysKill +
                               "delay = { granzyme_mean_min = 10, granzyme_shape = 1 }\n"
                               "exhaustion = { potency_loss_per_kill = 0.5, "
                               "recovery_max_per_min = 0.01, cytokine_half_saturation = 1.0 }\n";
  const std::string field = "[[field]]\nname = \"il2\"\ndiffusion_um2_per_min = 0\ninitial = 3.0\n";
  for (const std::string& source :
       {std::string("cytokine_level = 3.0\n"), std::string("cytokine_field = \"il2\"\n")}) {
    const bool from_field = source.find("field") != std::string::npos;
    Pair p = pair_sim(kinetics + source, from_field ? field : "");
    p.sim().run_until(1.0);  // contact and hit at t = 0: potency 1 -> 0.5
    const AgentStore& a = p.sim().agents();
    const std::size_t nk = p.index(kNk);
    EXPECT_DOUBLE_EQ(potencies(a)[nk], 0.5);
    p.sim().run_until(61.0);  // recovery at t = 1 .. 60: 60 steps of 1 min
    const double r = 0.01 * 3.0 / (1.0 + 3.0);
    EXPECT_NEAR(potencies(a)[nk], 1.0 - 0.5 * std::exp(-r * 60.0), 1e-12) << source;
  }
  // Without cytokine there is no recovery.
  Pair none = pair_sim(kinetics);
  none.sim().run_until(61.0);
  EXPECT_DOUBLE_EQ(potencies(none.sim().agents())[none.index(kNk)], 0.5);
}

// Granule stock: with one granzyme kill in stock, later kills use death receptors, unless IL-2
// restocks granules between kills. Three targets wait around it; every contact commits.
TEST(NkConjugate, GranulesDepleteToDeathReceptorsUnlessRestocked) {
  const std::string more_targets = R"(
[[population]]
type = "target"
shape = "box"
min_um = [90, 100]
max_um = [90.001, 100.001]
count = 1
[[population]]
type = "target"
shape = "box"
min_um = [100, 110]
max_um = [100.001, 110.001]
count = 1
)";
  const std::string base =
      "recognition = { p_max = 1.0, s_half = -20.0 }\n"
      "refractory_min = 0\n"
      "delay = { granzyme_mean_min = 5, death_receptor_mean_min = 5 }\n"
      "capacity = { non_killer_fraction = 0.0, max_kills = 6, "
      "granzyme_kills = 1 }\ncytokine_level = 100.0\n";
  const auto pathways = [&](double restock_per_min) {
    Pair p = pair_sim(base +
                          "exhaustion = { potency_loss_per_kill = 0.0, "
                          "granule_restock_max_per_min = " +
                          std::to_string(restock_per_min) + " }\n",
                      more_targets);
    p.sim().run_until(120.0);
    const nlohmann::json nk = p.readouts()["effectors"]["nk"];
    EXPECT_GE(nk["kills_total"].get<int>(), 2);  // it crawls between kills: 2 or 3 in reach
    return std::pair{nk["latency_granzyme_min"]["count"].get<int>(),
                     nk["latency_death_receptor_min"]["count"].get<int>()};
  };
  const auto [granzyme, death_receptor] = pathways(0.0);
  EXPECT_EQ(granzyme, 1);
  EXPECT_GE(death_receptor, 1);
  const auto [granzyme_restocked, death_receptor_restocked] = pathways(5.0);
  EXPECT_GE(granzyme_restocked, 2);  // restocked within a minute of each kill
  EXPECT_EQ(death_receptor_restocked, 0);
}

// Snapshots carry the effector state: potency 0.5 after one kill at potency_loss 0.5, no IL-2.
TEST(NkConjugate, SnapshotsCarryEffectorState) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nk_snapshot_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::filesystem::path file = dir.string() + ".toml";
  std::filesystem::create_directories(file.parent_path());
  {
    std::string text =
        pair_scenario(kAlwaysKill + "exhaustion = { potency_loss_per_kill = 0.5 }\n", "");
    text.replace(text.find("seed = 5"), 8, "seed = 5\nsnapshot_interval_min = 60");
    std::ofstream(file) << text;
  }
  RunOptions options;
  options.out_dir = dir;
  options.threads = 1;
  options.progress = false;
  run_scenario_file(file, options);
  const std::vector<double> potency =
      Hdf5File::open(dir / "snapshots" / "snapshot_000002.h5").read_double("/agents/nk_potency");
  ASSERT_EQ(potency.size(), 2u);
  EXPECT_DOUBLE_EQ(std::max(potency[0], potency[1]), 0.5);  // the NK cell; the target has 0
  std::filesystem::remove_all(dir);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace nksim
