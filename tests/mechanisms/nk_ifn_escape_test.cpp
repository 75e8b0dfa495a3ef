// ifn_gamma_response and ligand_mutation on the engine.
//
// MHC-I in constant IFN-gamma I follows M(t) = M* + (M0 - M*) e^{-k_off t} exactly (the
// mechanism uses the exact step, so any number of steps reproduces it). A secretor exporting E per
// minute into a closed (zero-flux, no decay) domain raises the field total by E t. Multiplicative
// mean-preserving mutation keeps the expected mean level of a dividing population at its start.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "mechanisms/nk_test_support.h"
#include "nksim/rules/nk_escape.h"
#include "nksim/rules/nk_ifn_gamma.h"

namespace nksim {
namespace {

std::string ifn_scenario(const std::string& when, double initial_ifn) {
  return R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 600
dt_diffusion_min = 0.5
dt_mechanics_min = 0.5
dt_phenotype_min = 6
voxel_um = 20
seed = 1
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 9
properties = { mhc_i = 0.5 }
[[cell_type]]
name = "nk"
radius_um = 4
[[field]]
name = "ifn_gamma"
diffusion_um2_per_min = 1000
decay_per_min = 0
initial = )" +
         std::to_string(initial_ifn) + R"(
[[population]]
type = "tumour"
shape = "box"
min_um = [50, 50]
max_um = [50.001, 50.001]
count = 1
[[population]]
type = "nk"
shape = "box"
min_um = [150, 150]
max_um = [150.001, 150.001]
count = 1
[mechanisms.ifn_gamma_response]
field = "ifn_gamma"
tumour = { role = "responder", mhc_on_per_min = 0.006, mhc_off_per_min = 0.002, ifn_half_saturation = 0.1 }
nk = { role = "secretor", export_per_min = 2.0e4, when = ")" +
         when + R"(" }
)";
}

SpatialModel load_text(const std::string& text) {
  return load_spatial(TomlDocument::parse_string(text, "test.toml"), 1);
}

TEST(IfnGammaResponse, MhcFollowsTheExactSolutionInConstantIfn) {
  // "engaged" with no target: the NK cell never secretes, so the field stays at 0.3.
  SpatialModel m = load_text(ifn_scenario("engaged", 0.3));
  m.simulation->run_until(600.0);
  const rules::nk::MhcResponseParams p{0.006, 0.002, 0.1};
  // The response runs at each phenotype step t = 0, 6, ..., 594: 100 steps of 6 min.
  const double expected = rules::nk::mhc_step(0.5, 0.5, 0.3, 600.0, p);
  const AgentStore& a = m.simulation->agents();
  const int mhc = a.property_index("mhc_i");
  ASSERT_GE(mhc, 0);
  EXPECT_NEAR(a.property[static_cast<std::size_t>(mhc)][0], expected, 1e-9);
  EXPECT_GT(expected, 1.5);  // a real rise towards M* = 0.5 + 3 * 0.75 = 2.75
  const FieldGrid& f = m.simulation->fields();
  EXPECT_NEAR(f.total(0), 0.3 * 200 * 200 * 20, 1e-6 * 0.3 * 200 * 200 * 20);
}

TEST(IfnGammaResponse, SecretorRaisesTheFieldTotalByExportTimesTime) {
  SpatialModel m = load_text(ifn_scenario("always", 0.0));
  m.simulation->run_until(100.0);
  EXPECT_NEAR(m.simulation->fields().total(0), 2.0e4 * 100.0, 1e-6 * 2.0e6);
  // And MHC-I rose on the (distant) tumour cell as the cytokine reached it.
  const AgentStore& a = m.simulation->agents();
  EXPECT_GT(a.property[static_cast<std::size_t>(a.property_index("mhc_i"))][0], 0.5);
}

std::string mutation_scenario() {
  return R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [400, 400]
end_time_min = 300
dt_diffusion_min = 1
dt_mechanics_min = 1
dt_phenotype_min = 6
seed = 4
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 8
properties = { nkg2d_ligand = 1.0, mhc_i = 1.0 }
[[population]]
type = "tumour"
shape = "uniform"
count = 400
[mechanisms.proliferation.tumour]
rate_per_min = 0.004
[mechanisms.ligand_mutation.tumour]
nkg2d_ligand = { sigma = 0.6 }
mhc_i = { sigma = 0.5, min_level = 0.8, max_level = 1.2 }
)";
}

// 400 founders, division rate 0.004/min for 300 min: about 1.2 divisions per lineage (~3.3x
// growth). Without the -sigma^2/2 correction each division would multiply the mean by
// e^{sigma^2/2} = 1.20 (sigma = 0.6), i.e. about +25 % here. Per-cell variance of the factor after
// g divisions is e^{g sigma^2} - 1 (0.54 at g = 1.2); founders' lineages are independent, so the
// standard error of the population mean is about sqrt(0.54 / 400) = 0.037; tolerance 0.12.
TEST(LigandMutation, MeanPreservingHeritableVariationWithinClamps) {
  SpatialModel m = load_text(mutation_scenario());
  m.simulation->run_until(420.0);
  const AgentStore& a = m.simulation->agents();
  ASSERT_GT(a.size(), 1000u);
  const auto& ligand = a.property[static_cast<std::size_t>(a.property_index("nkg2d_ligand"))];
  const auto& mhc = a.property[static_cast<std::size_t>(a.property_index("mhc_i"))];
  double sum = 0, log_sum2 = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += ligand[i];
    log_sum2 += std::log(ligand[i]) * std::log(ligand[i]);
    EXPECT_GE(mhc[i], 0.8);
    EXPECT_LE(mhc[i], 1.2);
  }
  const double n = static_cast<double>(a.size());
  EXPECT_NEAR(sum / n, 1.0, 0.12);
  EXPECT_GT(std::sqrt(log_sum2 / n), 0.4);  // spread from about one division (0.6 / division)
}

// Shedding: the surface follows the exact solution of dL/dt = k_syn (L_0 - L) - k_shed L, and
// the field gains exactly field_per_ligand times what was shed (closed domain, no decay).
TEST(LigandShedding, SurfaceAndSolubleLigandBalance) {
  const std::string text = R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 300
dt_diffusion_min = 0.5
dt_mechanics_min = 0.5
dt_phenotype_min = 5
voxel_um = 20
seed = 1
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 9
properties = { nkg2d_ligand = 2.0, nkg2d_ligand_baseline = 1.0 }
[[field]]
name = "smica"
diffusion_um2_per_min = 500
[[population]]
type = "tumour"
shape = "uniform"
count = 5
[mechanisms.ligand_shedding]
field = "smica"
tumour = { shed_per_min = 0.004, synthesis_per_min = 0.002, field_per_ligand = 1000.0 }
)";
  SpatialModel m = load_text(text);
  m.simulation->run_until(300.0);
  const rules::nk::SheddingParams rates{0.002, 0.004};
  const rules::nk::SheddingStep exact = rules::nk::shedding_step(2.0, 1.0, 300.0, rates);
  const AgentStore& a = m.simulation->agents();
  const auto& ligand = a.property[static_cast<std::size_t>(a.property_index("nkg2d_ligand"))];
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(ligand[i], exact.surface, 1e-12);
  EXPECT_NEAR(m.simulation->fields().total(0), 5 * 1000.0 * exact.shed, 1e-9 * 5000 * exact.shed);
  const Mechanism* shedding = testing::find_mechanism(*m.simulation, "ligand_shedding");
  EXPECT_NEAR(shedding->readouts(*m.simulation)["ligand_shed_total"].get<double>(), 5 * exact.shed,
              1e-12);
}

// Soluble ligand down-modulates NKG2D, and NK cells then kill a ligand-high, MHC-I-low line
// that relies on NKG2D less often than the same line without shedding.
TEST(LigandShedding, SolubleLigandLowersNkKilling) {
  const auto run = [](double shed_per_min) {
    return testing::run_kill_readouts(
        with_parameter(TomlDocument::parse_file(testing::scenario_path("shedding.toml")),
                       "mechanisms.ligand_shedding.tumour.shed_per_min", shed_per_min));
  };
  const nlohmann::json none = run(0.0);
  const nlohmann::json shedding = run(0.01);
  const int kills_none = none["targets"]["killed_by_effectors"].get<int>();
  const int kills_shedding = shedding["targets"]["killed_by_effectors"].get<int>();
  ASSERT_GT(kills_none, 20);
  EXPECT_LT(kills_shedding, kills_none * 2 / 3);
  // Part of the loss is NKG2D down-modulation on the NK cells: without internalisation (surface
  // shedding only) they kill more.
  const nlohmann::json surface_only = testing::run_kill_readouts(with_parameter(
      with_parameter(TomlDocument::parse_file(testing::scenario_path("shedding.toml")),
                     "mechanisms.ligand_shedding.tumour.shed_per_min", 0.01),
      "mechanisms.nk_recognition_kill.nk.nkg2d.internalisation_per_min", 0.0));
  EXPECT_GT(surface_only["targets"]["killed_by_effectors"].get<int>(), kills_shedding);
}

}  // namespace
}  // namespace nksim
