// systemic_supply: recruitment from a systemic well-mixed run into the tissue patch.
//
// The systemic model is nk_kinetics with the lymphodepletion state L held constant (r_L = 0:
// dL/dt = -r_L L = 0), so the blood level C = L is known exactly at every coupling. Then:
//  - each of N source sites recruits with probability p = min(1, k C dt) per interval, so over K
//    couplings the number recruited X ~ Binomial(N K, p): E[X] = N K p, sd = sqrt(N K p (1-p));
//    the test accepts |X - N K p| <= 4 sd (false alarm about 6e-5);
//  - p clamps at 1: with k C dt > 1 every site recruits at every coupling, X = N K exactly;
//  - no cells in blood (C = 0): p = 0, nothing is recruited;
//  - loss from blood: C(t_{j+1}) = C(t_j) - n_j g / V (n_j recruited, g patch_scale, V blood
//    volume), since C is constant between couplings;
//  - tumour feedback: the named state equals (live tumour cells) x g set at the previous coupling;
//  - vessel agents as sources: the same binomial rule per agent, arrivals beside a vessel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nksim/api/session.h"
#include "nksim/io/toml_reader.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

namespace fs = std::filesystem;
using testing::fresh_directory;
using testing::read_file;
using testing::write_file;

// Blood level C = L = 0.8, constant.
const char* const kSystemic = R"([simulation]
engine = "well_mixed"
model = "nk_kinetics"
parameter_set = "car_nk_il15"
end_time_days = 10
output_interval_days = 1
[parameters]
r_L = 0
[initial]
L = 0.8
)";

// A 400 x 400 um patch: a 20 x 20 lattice of 20 um sites, 76 of them on the edge. 24 couplings
// (t = 0, 60, ..., 1380 min).
std::string spatial(const std::string& supply_keys, const std::string& extra = "") {
  return R"([simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [400, 400]
end_time_min = 1440
dt_diffusion_min = 6
dt_mechanics_min = 6
dt_phenotype_min = 6
seed = 5
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 8
[[cell_type]]
name = "nk"
radius_um = 4
[[population]]
type = "tumour"
shape = "box"
min_um = [150, 150]
max_um = [250, 250]
count = 7
[mechanisms.systemic_supply]
systemic = "systemic.toml"
recruits = "nk"
interval_min = 60
)" + supply_keys + extra;
}

struct Coupled {
  nlohmann::json readouts;
  std::vector<std::vector<double>> rows;  // systemic.csv
  std::vector<std::string> columns;
};

Coupled run_coupled(const std::string& name, const std::string& systemic, const std::string& scenario) {
  const fs::path dir = fresh_directory("systemic-" + name);
  write_file(dir / "systemic.toml", systemic);
  write_file(dir / "s.toml", scenario);
  SpatialSession session(TomlDocument::parse_file(dir / "s.toml"), 1);
  session.run_to_end();
  Coupled r;
  for (const auto& m : session.simulation().mechanisms()) {
    if (std::string(m->name()) != "systemic_supply") continue;
    r.readouts = m->readouts(session.simulation());
    m->write_outputs(dir);
  }
  std::istringstream csv(read_file(dir / "systemic.csv"));
  std::string line;
  std::getline(csv, line);
  std::istringstream header(line);
  for (std::string c; std::getline(header, c, ',');) r.columns.push_back(c);
  while (std::getline(csv, line)) {
    std::vector<double> row;
    std::istringstream cells(line);
    for (std::string c; std::getline(cells, c, ',');) row.push_back(std::stod(c));
    r.rows.push_back(row);
  }
  return r;
}

std::size_t column(const Coupled& r, const std::string& name) {
  const auto it = std::find(r.columns.begin(), r.columns.end(), name);
  EXPECT_NE(it, r.columns.end()) << name;
  return static_cast<std::size_t>(it - r.columns.begin());
}

TEST(SystemicSupply, RecruitmentMatchesTheProbabilityRuleInExpectation) {
  const double k = 6.25e-3, c = 0.8, dt = 60;  // p = k C dt = 0.3
  const Coupled r = run_coupled("expectation", kSystemic,
                    spatial("blood_states = [\"L\"]\nk_recruit_ul_per_min = 6.25e-3\n"));
  const double p = k * c * dt;
  const double n = 76, couplings = 24;
  ASSERT_EQ(r.readouts["source_sites"].get<double>(), n);
  ASSERT_EQ(r.readouts["couplings"].get<double>(), couplings);
  ASSERT_EQ(r.rows.size(), 24u);
  EXPECT_NEAR(r.rows[5][column(r, "p_recruit")], p, 1e-14);
  const double mean = n * couplings * p, sd = std::sqrt(n * couplings * p * (1 - p));
  const double recruited = r.readouts["recruited"].get<double>();
  EXPECT_LE(std::abs(recruited - mean), 4 * sd) << recruited << " vs " << mean << " +- " << sd;
  // Every arrival is an agent of the recruited type (none die: no death mechanism).
  EXPECT_EQ(r.rows.back()[column(r, "recruits_live")], recruited);
}

TEST(SystemicSupply, AFractionOfSitesIsDrawnOnceWithThatProbability) {
  // 400 sites, each a source with probability 0.25: Binomial(400, 0.25), mean 100, sd 8.66.
  const Coupled r = run_coupled("fraction", kSystemic,
                    spatial("blood_states = [\"L\"]\nk_recruit_ul_per_min = 1e-3\n"
                            "sources = \"fraction\"\nsource_fraction = 0.25\n"));
  const double sites = r.readouts["source_sites"].get<double>();
  EXPECT_LE(std::abs(sites - 100), 4 * std::sqrt(400 * 0.25 * 0.75)) << sites;
}

TEST(SystemicSupply, ProbabilityClampsAtOneAndEverySiteRecruits) {
  const Coupled r = run_coupled("clamp", kSystemic,
                    spatial("blood_states = [\"L\"]\nk_recruit_ul_per_min = 1\n"));  // k C dt = 48
  EXPECT_EQ(r.rows[0][column(r, "p_recruit")], 1.0);
  EXPECT_EQ(r.readouts["recruited"].get<double>(), 76.0 * 24);
}

TEST(SystemicSupply, NoCellsInBloodNoRecruitment) {
  // nk_kinetics starts with E = M = 0 and no dose: C stays 0 however large k is.
  const Coupled r = run_coupled("empty", kSystemic,
                    spatial("blood_states = [\"E\", \"M\"]\nk_recruit_ul_per_min = 100\n"));
  EXPECT_EQ(r.readouts["recruited"].get<double>(), 0.0);
  for (const auto& row : r.rows) EXPECT_EQ(row[column(r, "p_recruit")], 0.0);
}

TEST(SystemicSupply, RecruitedCellsLeaveTheBlood) {
  // g / V = 1e4 / 1e8 = 1e-4 per cell: C falls by 1e-4 per arrival.
  const Coupled r = run_coupled("loss", kSystemic,
                    spatial("blood_states = [\"L\"]\nk_recruit_ul_per_min = 6.25e-3\n"
                            "patch_scale = 1e4\nblood_volume_ul = 1e8\n"));
  const std::size_t level = column(r, "blood_level"), arrived = column(r, "recruited");
  ASSERT_EQ(r.rows.size(), 24u);
  EXPECT_EQ(r.rows[0][level], 0.8);
  for (std::size_t j = 0; j + 1 < r.rows.size(); ++j) {
    const double expected = r.rows[j][level] - r.rows[j][arrived] * 1e-4;
    EXPECT_NEAR(r.rows[j + 1][level], expected, 1e-12) << "coupling " << j + 1;
  }
  EXPECT_LT(r.rows.back()[level], 0.8 - 1e-4 * 300);  // hundreds of arrivals
}

TEST(SystemicSupply, TumourCountFeedsTheNamedState) {
  // IL2 decays between couplings; L is constant, so it shows what the feedback set.
  const Coupled r = run_coupled("tumour", kSystemic,
                    spatial("blood_states = [\"E\"]\nk_recruit_ul_per_min = 0\n"
                            "tumour_type = \"tumour\"\ntumour_state = \"L\"\npatch_scale = 0.01\n"));
  const std::size_t l = column(r, "L"), tumour = column(r, "tumour_live");
  ASSERT_EQ(r.rows[0][tumour], 7.0);
  for (std::size_t j = 0; j + 1 < r.rows.size(); ++j) {
    EXPECT_NEAR(r.rows[j + 1][l], r.rows[j][tumour] * 0.01, 1e-15) << "coupling " << j + 1;
  }
}

TEST(SystemicSupply, VesselAgentsAreSourcesAndCellsAppearBesideThem) {
  // 10 vessel agents, p = 0.3 per vessel per coupling, 24 couplings: Binomial(240, 0.3), mean 72,
  // sd 7.1. Without motility every arrival stays where it appeared: at the distance of the two
  // radii (5 + 4 um) from a vessel.
  const fs::path dir = fresh_directory("systemic-vessels");
  write_file(dir / "systemic.toml", kSystemic);
  write_file(dir / "s.toml",
             spatial("blood_states = [\"L\"]\nk_recruit_ul_per_min = 6.25e-3\n"
                     "sources = \"agents\"\nsource_type = \"vessel\"\n",
                     "[[cell_type]]\nname = \"vessel\"\nradius_um = 5\n[[population]]\n"
                     "type = \"vessel\"\nshape = \"box\"\nmin_um = [20, 20]\n"
                     "max_um = [380, 380]\ncount = 10\n"));
  SpatialSession session(TomlDocument::parse_file(dir / "s.toml"), 1);
  session.run_to_end();
  const Simulation& sim = session.simulation();
  nlohmann::json readouts;
  for (const auto& m : sim.mechanisms()) {
    if (std::string(m->name()) == "systemic_supply") readouts = m->readouts(sim);
  }
  EXPECT_EQ(readouts["source_sites"].get<int>(), 10);
  const double recruited = readouts["recruited"].get<double>();
  EXPECT_LE(std::abs(recruited - 72), 4 * std::sqrt(240 * 0.3 * 0.7)) << recruited;
  const AgentStore& a = sim.agents();
  int nk = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.type[i] != 1) continue;
    ++nk;
    bool beside = false;  // vessels may overlap: some vessel, not the nearest, is the source
    for (std::size_t j = 0; j < a.size(); ++j) {
      const double d = std::hypot(a.x[i] - a.x[j], a.y[i] - a.y[j]);
      beside = beside || (a.type[j] == 2 && std::abs(d - 9.0) < 1e-9);
    }
    EXPECT_TRUE(beside) << "agent " << a.id[i] << " at " << a.x[i] << ", " << a.y[i];
  }
  EXPECT_EQ(nk, recruited);
}

}  // namespace
}  // namespace nksim
