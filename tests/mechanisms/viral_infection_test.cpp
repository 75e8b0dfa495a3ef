// viral_infection: every transition accounted for (conservation at every step), infection
// probability 1 - exp(-beta V dt) in a uniform field (binomial), the Erlang eclipse (mean n/(n k),
// variance n/(n k)^2), virion balance (field integral = p x productive cell-time), NK cells
// killing exactly the cells that show infection, an NK infusion lowering the infected fraction,
// thread independence and file:line:key errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "../spatial_support.h"
#include "nk_test_support.h"
#include "nksim/core/error.h"
#include "nksim/io/spatial_output.h"

namespace nksim {
namespace {

// A sheet of ~1,100 epithelial cells, a virus and an IFN field; `extra` is appended (types'
// mechanism tables). NK cells are a second type, placed by nk_infusion when `extra` asks.
std::string sheet(const std::string& simulation, const std::string& virus_field,
                  const std::string& extra) {
  return R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [-200, -200]
domain_max_um = [200, 200]
dt_diffusion_min = 1
dt_mechanics_min = 1
voxel_um = 20
threads = 1
)" + simulation + R"(
[[cell_type]]
name = "epi"
radius_um = 5
properties = { mhc_i = 1.0, nkg2d_ligand = 0.0, other_ligand = 0.0 }
[[cell_type]]
name = "nk"
radius_um = 4
[[field]]
name = "virus"
)" + virus_field + R"(
[[field]]
name = "ifn"
diffusion_um2_per_min = 1500
decay_per_min = 0.01
boundary = "dirichlet"
[[population]]
type = "epi"
shape = "sphere"
radius_um = 190
packed = true
)" + extra;
}

// Index of a counts.csv column.
std::size_t column(const Simulation& sim, const std::string& name) {
  const std::vector<std::string> columns = count_columns(sim);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (columns[k] == name) return k;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

struct Census {
  double susceptible, eclipse, productive, refractory, dead_virus, killed, other, fraction;
  double sum() const {
    return susceptible + eclipse + productive + refractory + dead_virus + killed + other;
  }
};

Census census(const Simulation& sim) {
  const std::vector<double> row = count_row(sim);
  const std::size_t k = column(sim, "viral_susceptible");
  return {row[k],     row[k + 1], row[k + 2], row[k + 3],
          row[k + 4], row[k + 5], row[k + 6], row[k + 7]};
}

std::size_t epithelial_cells(const Simulation& sim) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < sim.agents().size(); ++i) n += sim.agents().type[i] == 0;
  return n;
}

// The full rule set, with NK cells from 10 h and background death: the five states (the dead
// split by cause) always add up to the cells present at the start.
const char* const kSpread = R"(
[mechanisms.viral_infection]
virus_field = "virus"
ifn_field = "ifn"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0.05
eclipse_min = 240
eclipse_stages = 3
virions_per_min = 10
death_per_min = 0.005
ifn_export_per_min = 600
protection_per_ifn_min = 0.01
reversion_per_min = 0.002
display = { other_ligand = 2.0, nkg2d_ligand = 1.0, mhc_i = 0.3 }
initial_infected = 3
[mechanisms.persistent_walk.nk]
speed_um_per_min = 5
persistence_time_min = 3
[mechanisms.death.epi]
apoptosis_rate_per_min = 2e-5
apoptosis_removal_min = 60
lysis_removal_min = 30
[[mechanisms.nk_infusion.dose]]
type = "nk"
time_min = 600
count = 200
where = "boundary"
[mechanisms.nk_recognition_kill.epi]
role = "target"
[mechanisms.nk_recognition_kill.nk]
role = "nk"
cytokine_level = 1.0
failed_contact_min = 2
refractory_min = 5
)";

const char* const kSpreadSimulation = R"(
end_time_min = 1800
dt_phenotype_min = 3
seed = 5
)";

const char* const kDiffusingVirus = R"(
diffusion_um2_per_min = 60
decay_per_min = 0.0036
boundary = "dirichlet"
)";

TEST(ViralInfection, EveryCellIsInExactlyOneStateAtEveryStep) {
  SpatialModel model =
      test::spatial_from_text(sheet(kSpreadSimulation, kDiffusingVirus, kSpread));
  Simulation& sim = *model.simulation;
  const double n0 = static_cast<double>(epithelial_cells(sim));
  double most_infected = 0;
  while (sim.time_min() < 1800 - 1e-9) {
    sim.step();
    const Census c = census(sim);
    ASSERT_EQ(c.sum(), n0) << "t = " << sim.time_min();
    most_infected = std::max(most_infected, c.eclipse + c.productive);
  }
  // Every route was taken, so the sum was tested with each term in use.
  const Census end = census(sim);
  EXPECT_GT(most_infected, 20);
  EXPECT_GT(end.refractory, 0);
  EXPECT_GT(end.dead_virus, 0);
  EXPECT_GT(end.killed, 0);
  EXPECT_GT(end.other, 0);
}

// No IFN, no production, a uniform virus field V0 that never changes (no diffusion, no decay,
// zero-flux walls): after m phenotype steps of dt each cell is infected with probability
// 1 - exp(-beta V0 m dt), independently. 20 seeds x ~1,100 cells, 4 binomial standard deviations.
TEST(ViralInfection, InfectionProbabilityIsOneMinusExpOfBetaVdt) {
  const double beta = 0.4, v0 = 0.05, dt = 2;
  const int steps = 3;
  const std::string rules = R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0.4
virions_per_min = 0
eclipse_min = 1e6
)";
  const std::string uniform = "diffusion_um2_per_min = 0\ninitial = 0.05\n";
  double infected = 0, cells = 0;
  for (int seed = 1; seed <= 20; ++seed) {
    SpatialModel model = test::spatial_from_text(sheet(
        "end_time_min = 6\ndt_phenotype_min = 2\nseed = " + std::to_string(seed) + "\n", uniform,
        rules));
    Simulation& sim = *model.simulation;
    cells += static_cast<double>(epithelial_cells(sim));
    // The decide phase runs at t = 0, 2, 4: three steps of dt.
    sim.run_until(steps * dt);
    const Census c = census(sim);
    EXPECT_EQ(c.productive, 0);
    infected += c.eclipse;
  }
  const double p = 1.0 - std::exp(-beta * v0 * dt * steps);
  EXPECT_NEAR(infected, cells * p, 4 * std::sqrt(cells * p * (1 - p)));
}

// All cells start in the eclipse at t = 0; each eclipse end is drawn from Erlang(n, n k): mean
// 1/k, variance 1/(n k^2). A cell becomes productive at the first phenotype step at or after its
// end, and not before.
TEST(ViralInfection, EclipseIsErlangDistributed) {
  const double mean = 60;
  const int n = 4;
  SpatialModel model = test::spatial_from_text(sheet(
      "end_time_min = 200\ndt_phenotype_min = 1\nseed = 3\n", "diffusion_um2_per_min = 0\n", R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0
virions_per_min = 0
death_per_min = 0
eclipse_min = 60
eclipse_stages = 4
initial_infected = 100000
initial_state = "eclipse"
)"));
  Simulation& sim = *model.simulation;
  sim.step();  // the first decide step infects every cell at t = 0
  const AgentStore& a = sim.agents();
  const auto end_column = a.find_column<double>("viral_eclipse_end_min");
  const auto state_column = a.find_column<double>("viral_state");
  ASSERT_TRUE(end_column && state_column);
  const std::vector<double> ends = a.column(end_column);
  const double count = static_cast<double>(ends.size());
  double sum = 0, sum2 = 0;
  for (double e : ends) sum += e;
  const double m = sum / count;
  for (double e : ends) sum2 += (e - m) * (e - m);
  const double var = sum2 / (count - 1);
  const double expected_var = mean * mean / n;
  EXPECT_NEAR(m, mean, 4 * std::sqrt(expected_var / count));
  // Sample variance of a gamma: relative sd sqrt((2 + 6/n)/N) ~ 3 % here; 4 sd.
  EXPECT_NEAR(var / expected_var, 1.0, 4 * std::sqrt((2.0 + 6.0 / n) / count));
  EXPECT_GT(var, 0.0);
  // The exponential (n = 1) would have variance mean^2: four times as much.
  EXPECT_LT(var, 0.5 * mean * mean);
  sim.run_until(90);
  // The last decide step ran at t = 89.
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double state = a.column(state_column)[i];
    const double end = a.column(end_column)[i];
    EXPECT_EQ(state, end <= 89 + 1e-9 ? 2.0 : 1.0) << "eclipse end " << end;
  }
}

// No decay, no uptake, zero-flux walls: the virions in the field are exactly p times the
// productive cell-minutes (counted after every mechanics step, as the exchange phase saw them).
TEST(ViralInfection, VirusInTheFieldIsProductionTimesProductiveCellTime) {
  const double p = 10;
  SpatialModel model = test::spatial_from_text(sheet(
      "end_time_min = 900\ndt_phenotype_min = 3\nseed = 2\n", "diffusion_um2_per_min = 60\n",
      R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0.05
virions_per_min = 10
eclipse_min = 120
initial_infected = 2
)"));
  Simulation& sim = *model.simulation;
  double cell_minutes = 0, most = 0;
  while (sim.time_min() < 900 - 1e-9) {
    sim.step();
    const double productive = census(sim).productive;
    cell_minutes += productive * 1.0;  // dt_mechanics_min
    most = std::max(most, productive);
  }
  EXPECT_GT(most, 5);  // the productive count changed along the way
  const double total = sim.fields().total(0);
  EXPECT_NEAR(total, p * cell_minutes, 1e-9 * p * cell_minutes);
}

// The same cells, half of them infected from the start (no spread, no cytopathic death): the
// display of infection is the only difference, and NK cells kill only infected cells.
TEST(ViralInfection, NkCellsKillInfectedCellsOnly) {
  SpatialModel model = test::spatial_from_text(
      sheet("end_time_min = 600\ndt_phenotype_min = 2\nseed = 4\n", "diffusion_um2_per_min = 0\n",
            R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0
virions_per_min = 0
death_per_min = 0
eclipse_min = 1e6
display = { other_ligand = 2.0, nkg2d_ligand = 1.0, mhc_i = 0.3 }
initial_infected = 300
initial_state = "eclipse"
[mechanisms.persistent_walk.nk]
speed_um_per_min = 5
persistence_time_min = 3
[[mechanisms.nk_infusion.dose]]
type = "nk"
count = 80
where = "sphere"
center_um = [0, 0]
radius_um = 150
[mechanisms.nk_recognition_kill.epi]
role = "target"
[mechanisms.nk_recognition_kill.nk]
role = "nk"
cytokine_level = 1.0
failed_contact_min = 2
refractory_min = 5
)"));
  Simulation& sim = *model.simulation;
  sim.step();
  const Census start = census(sim);
  EXPECT_EQ(start.eclipse, 300);
  sim.run_until(600);
  const Census end = census(sim);
  EXPECT_EQ(end.susceptible, start.susceptible);  // no uninfected cell killed
  EXPECT_GT(end.killed, 30);                        // infected cells are killed
  EXPECT_EQ(end.killed + end.eclipse, 300);
  EXPECT_EQ(end.dead_virus + end.other, 0);
}

// Paired seeds: the same infection with and without an NK dose at 10 h; with NK cells fewer
// cells are infected at the end (24 h), at every seed.
TEST(ViralInfection, NkInfusionLowersTheInfectedFraction) {
  const std::string with_nk = kSpread;
  const std::string without = with_nk.substr(0, with_nk.find("[[mechanisms.nk_infusion.dose]]"));
  for (int seed = 1; seed <= 3; ++seed) {
    const std::string simulation =
        "end_time_min = 1440\ndt_phenotype_min = 3\nseed = " + std::to_string(seed) + "\n";
    SpatialModel a = test::spatial_from_text(
        sheet(simulation, kDiffusingVirus, without));
    SpatialModel b = test::spatial_from_text(sheet(simulation, kDiffusingVirus, with_nk));
    a.simulation->run_until(1440);
    b.simulation->run_until(1440);
    const Census ca = census(*a.simulation), cb = census(*b.simulation);
    EXPECT_GT(ca.fraction, 0.02) << "seed " << seed;
    EXPECT_LT(cb.fraction, ca.fraction) << "seed " << seed;
    EXPECT_GT(cb.killed, 0) << "seed " << seed;
  }
}

// The shipped influenza patch over its first day, with and without its NK cells (the _no_nk file
// is the same scenario without them): fewer infected cells with NK cells, and the kills counted
// here are the kills nk_recognition_kill logged.
TEST(ViralInfection, ShippedInfluenzaPatchHasFewerInfectedCellsWithNk) {
  const auto first_day = [](const std::string& file) {
    return load_spatial(with_parameter(TomlDocument::parse_file(testing::scenario_path(file)),
                                       "simulation.end_time_min", 1440),
                        1);
  };
  SpatialModel with_nk = first_day("influenza_patch_2d.toml");
  SpatialModel without = first_day("influenza_patch_2d_no_nk.toml");
  with_nk.simulation->run_until(1440);
  without.simulation->run_until(1440);
  const Census a = census(*with_nk.simulation), b = census(*without.simulation);
  EXPECT_GT(b.fraction, 0.03);
  EXPECT_LT(a.fraction, b.fraction);
  EXPECT_GT(a.killed, 0);
  EXPECT_EQ(b.killed, 0);
  const nlohmann::json kills =
      testing::find_mechanism(*with_nk.simulation, "nk_recognition_kill")
          ->readouts(*with_nk.simulation)["targets"]["killed_by_effectors"];
  EXPECT_EQ(kills.get<double>(), a.killed);
}

TEST(ViralInfection, SameCountsAtOneAndTwoThreads) {
  const std::string text = sheet(kSpreadSimulation, kDiffusingVirus, kSpread);
  SpatialModel one = test::spatial_from_text(text, 1);
  SpatialModel two = test::spatial_from_text(text, 2);
  for (int k = 0; k < 1200; ++k) {
    one.simulation->step();
    two.simulation->step();
    if (k % 60 == 0) {
      ASSERT_EQ(count_row(*one.simulation), count_row(*two.simulation)) << "step " << k;
    }
  }
  EXPECT_EQ(count_row(*one.simulation), count_row(*two.simulation));
}

// Errors name the file, the line and the key.
TEST(ViralInfection, BadInputNamesFileLineAndKey) {
  const auto message = [](const std::string& rules) {
    try {
      test::spatial_from_text(sheet("end_time_min = 6\n", "diffusion_um2_per_min = 0\n", rules));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string unknown = message(R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0.1
virions_per_min = 1
eclipse_mins = 30
)");
  EXPECT_NE(unknown.find("test.toml:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("eclipse_mins"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean 'eclipse_min'"), std::string::npos) << unknown;
  const std::string negative = message(R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = -0.1
virions_per_min = 1
)");
  EXPECT_NE(negative.find("test.toml:"), std::string::npos) << negative;
  EXPECT_NE(negative.find("beta_per_virus_min"), std::string::npos) << negative;
  const std::string no_ifn = message(R"(
[mechanisms.viral_infection]
virus_field = "virus"
[mechanisms.viral_infection.epi]
beta_per_virus_min = 0.1
virions_per_min = 1
protection_per_ifn_min = 1
)");
  EXPECT_NE(no_ifn.find("protection_per_ifn_min"), std::string::npos) << no_ifn;
  EXPECT_NE(no_ifn.find("needs an IFN field"), std::string::npos) << no_ifn;
}

}  // namespace
}  // namespace nksim
