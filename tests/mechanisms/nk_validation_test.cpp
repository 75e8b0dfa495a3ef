// Validation of the NK mechanisms against the published behaviours collected in
// BIOLOGY.md (the project design notes) Part 2 c (single-cell imaging of NK serial killing):
//  * IL-2-activated NK cells over 16 h: about half kill nothing (Vanherberghen 2013, Blood
//    121:1326 [V]; accepted 0.35-0.65), a minority does most of the killing, some kill >= 3
//    (Guldevall 2016 [V]);
//  * granzyme kills take tens of minutes from contact to death, death-receptor kills 1-2 h
//    (Prager 2019, J Exp Med 216:2113 [P]); perforin-deficient cells kill at most once
//    (Prager 2019 [V]);
//  * lysis in a 4-h assay rises with E:T and saturates;
//  * healthy cells (normal MHC-I, few ligands) are spared, MHC-I loss is attacked;
//  * MHC-I-high targets are spared by NK cells but killed by CD8 T cells;
//  * NK pressure on a varying tumour selects ligand-low / MHC-I-high cells (immune escape);
//  * IFN-gamma raises MHC-I (less NK killing) and, through DC maturation, brings T cells;
//  * a CAR or an opsonising antibody (CD16) overrides MHC-I inhibition.
// Every number below comes out of a stochastic simulation (fixed seeds): nothing is imposed.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "mechanisms/nk_test_support.h"

namespace nksim {
namespace {

using testing::run_kill_readouts;

// Every kill is credited to exactly one effector: the target-side and effector-side counts agree.
void expect_kills_credited(const nlohmann::json& r) {
  int by_effectors = 0;
  for (const auto& [name, e] : r["effectors"].items()) by_effectors += e["kills_total"].get<int>();
  EXPECT_EQ(r["targets"]["killed_by_effectors"].get<int>(), by_effectors);
}

TEST(NkValidation, SerialKillingOver16Hours) {
  const nlohmann::json r = run_kill_readouts("serial_killing.toml");
  const nlohmann::json& nk = r["effectors"]["nk"];
  ASSERT_GE(nk["effectors"].get<int>(), 80);
  expect_kills_credited(r);
  const double none = nk["fraction_killing_none"].get<double>();
  EXPECT_GE(none, 0.35);
  EXPECT_LE(none, 0.65);
  // A minority (serial killers, >= 3 kills) makes most of the kills.
  EXPECT_LT(nk["serial_killer_fraction"].get<double>(), 0.5);
  EXPECT_GT(nk["share_of_kills_by_serial_killers"].get<double>(), 0.5);
  EXPECT_GE(nk["effectors_killing_3_or_more"].get<int>(), 3);
  // Contact -> death: granzyme tens of minutes, death receptor 1-2 h.
  const nlohmann::json& gzm = nk["latency_granzyme_min"];
  const nlohmann::json& dr = nk["latency_death_receptor_min"];
  ASSERT_GE(gzm["count"].get<int>(), 20);
  ASSERT_GE(dr["count"].get<int>(), 10);
  EXPECT_GE(gzm["mean"].get<double>(), 12.0);
  EXPECT_LE(gzm["mean"].get<double>(), 35.0);
  EXPECT_GE(dr["mean"].get<double>(), 60.0);
  EXPECT_LE(dr["mean"].get<double>(), 130.0);
  EXPECT_GT(dr["mean"].get<double>(), 2.0 * gzm["mean"].get<double>());
  // Killing slows with time (Bhat 2007 [P]: after about 6 h): exhausted capacity and granules.
  const std::vector<int> per_hour = nk["kills_per_hour"].get<std::vector<int>>();
  int early = 0, late = 0;
  for (std::size_t h = 0; h < per_hour.size(); ++h) (h < 6 ? early : late) += per_hour[h];
  EXPECT_GT(early, late);  // more in the first 6 h than in the last 10 h
  // Perforin-deficient subgroup (10 % of the cells): at most one kill each.
  EXPECT_GT(nk["perforin_deficient"]["effectors"].get<int>(), 0);
  EXPECT_LE(nk["perforin_deficient"]["max_kills"].get<int>(), 1);
}

TEST(NkValidation, PerforinDeficientCellsKillAtMostOnceByDeathReceptors) {
  const nlohmann::json r = run_kill_readouts(
      "serial_killing.toml",
      "mechanisms.nk_recognition_kill.nk.capacity.perforin_deficient_fraction", 1.0);
  const nlohmann::json& nk = r["effectors"]["nk"];
  const std::vector<int> histogram = nk["kills_histogram"].get<std::vector<int>>();
  EXPECT_LE(histogram.size(), 2u);              // nobody killed twice
  EXPECT_GT(nk["kills_total"].get<int>(), 10);  // but they do kill, once
  EXPECT_EQ(nk["latency_granzyme_min"]["count"].get<int>(), 0);
  EXPECT_GT(nk["latency_death_receptor_min"]["count"].get<int>(), 10);
}

// 4-h assay: % specific lysis with spontaneous death subtracted, at E:T 0.5..10.
TEST(NkValidation, LysisRisesWithEffectorToTargetAndSaturates) {
  const std::string key = "mechanisms.nk_infusion.dose[1].effector_to_target";
  const std::vector<double> ratios = {0.5, 1, 2, 5, 10};
  const double control =
      run_kill_readouts("killing_assay.toml", key, 0.0)["targets"]["dead_fraction"].get<double>();
  EXPECT_LT(control, 0.05);  // spontaneous death only
  std::vector<double> lysis;
  for (double et : ratios) {
    const double dead =
        run_kill_readouts("killing_assay.toml", key, et)["targets"]["dead_fraction"].get<double>();
    lysis.push_back(specific_lysis_percent(dead, control));
  }
  for (std::size_t k = 1; k < lysis.size(); ++k) {
    EXPECT_GE(lysis[k], lysis[k - 1] - 1.0) << "E:T " << ratios[k];  // 1 point of noise allowed
  }
  EXPECT_GT(lysis[0], 5.0);
  EXPECT_GT(lysis[2], lysis[0] + 20.0);  // a real rise from 0.5 to 2
  EXPECT_LE(lysis.back(), 100.0);
  // Saturation: the gain per unit E:T from 5 to 10 is far below that from 0.5 to 1.
  const double slope_low = (lysis[1] - lysis[0]) / 0.5;
  const double slope_high = (lysis[4] - lysis[3]) / 5.0;
  EXPECT_LT(slope_high, 0.2 * slope_low);
}

TEST(NkValidation, HealthyTissueSparedMissingSelfKilled) {
  const nlohmann::json healthy = run_kill_readouts("healthy_tissue.toml");
  const int initial = healthy["targets"]["initial"].get<int>();
  EXPECT_GT(healthy["effectors"]["nk"]["contacts"].get<int>(), 200);  // they did meet
  EXPECT_LE(healthy["targets"]["killed_by_effectors"].get<int>(), initial / 100);
  // The same tissue after MHC-I loss (missing self) is attacked.
  const nlohmann::json missing =
      run_kill_readouts("healthy_tissue.toml", "cell_type[1].properties.mhc_i", 0.0);
  EXPECT_GT(missing["targets"]["killed_by_effectors"].get<int>(), initial / 10);
}

TEST(NkValidation, MhcHighSparedByNkKilledByTCells) {
  const nlohmann::json high = run_kill_readouts("mhc_high_targets.toml");
  const int initial = high["targets"]["initial"].get<int>();
  const int nk_high = high["effectors"]["nk"]["kills_total"].get<int>();
  const int t_high = high["effectors"]["cd8"]["kills_total"].get<int>();
  EXPECT_LE(nk_high, initial / 20);
  EXPECT_GT(t_high, initial / 10);
  EXPECT_GT(t_high, 5 * nk_high);
  expect_kills_credited(high);
  // MHC-I loss reverses it: invisible to T cells, attacked by NK cells.
  const nlohmann::json lost =
      run_kill_readouts("mhc_high_targets.toml", "cell_type[1].properties.mhc_i", 0.0);
  EXPECT_EQ(lost["effectors"]["cd8"]["kills_total"].get<int>(), 0);
  EXPECT_GT(lost["effectors"]["nk"]["kills_total"].get<int>(), initial / 10);
}

// Immune escape: with heritable variation and repeated NK doses, the surviving tumour is
// ligand-lower and MHC-I-higher than the same tumour grown without NK cells.
TEST(NkValidation, NkPressureSelectsLigandLowMhcHighCells) {
  const nlohmann::json with_nk = run_kill_readouts("immunoediting.toml");
  const nlohmann::json without =
      run_kill_readouts("immunoediting.toml", "mechanisms.nk_infusion.dose[1].count", 0);
  ASSERT_GT(with_nk["targets"]["killed_by_effectors"].get<int>(), 100);
  expect_kills_credited(with_nk);  // dividing targets hit in the same step stay credited
  ASSERT_GT(with_nk["targets"]["live_at_end"].get<int>(), 100);  // escaped, not eradicated
  const nlohmann::json& edited = with_nk["targets"]["mean_display_of_live"];
  const nlohmann::json& neutral = without["targets"]["mean_display_of_live"];
  EXPECT_NEAR(neutral["nkg2d_ligand"].get<double>(), 1.0, 0.15);  // mean-preserving drift only
  EXPECT_LT(edited["nkg2d_ligand"].get<double>(), 0.85);
  EXPECT_LT(edited["nkg2d_ligand"].get<double>(), neutral["nkg2d_ligand"].get<double>() - 0.2);
  EXPECT_GT(edited["mhc_i"].get<double>(), neutral["mhc_i"].get<double>());
}

// The IFN-gamma paradox in a tumour section: NK cells committed to kills release IFN-gamma,
// MHC-I rises on the tumour and NK killing falls, compared with the same run without the MHC-I
// response.
void expect_ifn_gamma_protects(const std::string& file) {
  const nlohmann::json with_response = run_kill_readouts(file);
  const nlohmann::json without =
      run_kill_readouts(file, "mechanisms.ifn_gamma_response.tumour.mhc_on_per_min", 0.0);
  const int kills_with = with_response["targets"]["killed_by_effectors"].get<int>();
  const int kills_without = without["targets"]["killed_by_effectors"].get<int>();
  ASSERT_GT(kills_without, 20);
  EXPECT_LT(kills_with, kills_without / 2);
  EXPECT_NEAR(without["targets"]["mean_display_of_live"]["mhc_i"].get<double>(), 0.3, 1e-9);
  EXPECT_GT(with_response["targets"]["mean_display_of_live"]["mhc_i"].get<double>(), 0.6);
}

TEST(NkValidation, IfnGammaRaisesMhcAndProtectsTheTumourFromNk) {
  expect_ifn_gamma_protects("spheroid_infusion.toml");
}

TEST(NkValidation, IfnGammaRaisesMhcAndProtectsA3dSpheroidFromNk) {
  expect_ifn_gamma_protects("spheroid_infusion_3d.toml");
}

// IFN-gamma from activated NK cells matures dendritic cells, which bring CD8 T cells; these kill
// the tumour cells whose MHC-I the same IFN-gamma raised. Without DC maturation no T cell comes.
TEST(NkValidation, IfnGammaHandsTheTumourFromNkToTCells) {
  const std::string file = "ifn_gamma_t_cells.toml";
  const nlohmann::json r = run_kill_readouts(file);
  EXPECT_GT(r["effectors"]["nk"]["kills_total"].get<int>(), 0);
  EXPECT_GT(r["effectors"]["cd8"]["effectors"].get<int>(), 5);  // recruited T cells
  EXPECT_GT(r["effectors"]["cd8"]["kills_total"].get<int>(), 10);
  EXPECT_GT(r["targets"]["mean_display_of_live"]["mhc_i"].get<double>(), 0.6);  // from 0.2
  expect_kills_credited(r);
  const nlohmann::json no_dc =
      run_kill_readouts(file, "mechanisms.ifn_gamma_response.dc_immature.max_rate_per_min", 0.0);
  EXPECT_EQ(no_dc["effectors"]["cd8"]["effectors"].get<int>(), 0);
  EXPECT_EQ(no_dc["effectors"]["cd8"]["kills_total"].get<int>(), 0);
}

// A CD19+ line with normal MHC-I: spared by plain NK cells, killed by CAR-NK cells, and by
// plain NK cells once antibody-coated (ADCC through CD16).
TEST(NkValidation, CarAndAntibodyOverrideMhcInhibition) {
  const nlohmann::json plain = run_kill_readouts("car_nk_adcc.toml");
  EXPECT_LE(plain["effectors"]["nk"]["kills_total"].get<int>(), 2);
  EXPECT_GT(plain["effectors"]["car_nk"]["kills_total"].get<int>(), 20);
  const nlohmann::json coated =
      run_kill_readouts("car_nk_adcc.toml", "cell_type[1].properties.opsonisation", 1.0);
  EXPECT_GT(coated["effectors"]["nk"]["kills_total"].get<int>(), 10);
  expect_kills_credited(coated);
}

TEST(NkValidation, SameSeedSameResult) {
  EXPECT_EQ(run_kill_readouts("serial_killing.toml"), run_kill_readouts("serial_killing.toml"));
  const nlohmann::json other = run_kill_readouts("serial_killing.toml", "simulation.seed", 99);
  EXPECT_NE(other["effectors"], run_kill_readouts("serial_killing.toml")["effectors"]);
}

}  // namespace
}  // namespace nksim
