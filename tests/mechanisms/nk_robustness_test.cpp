// The published behaviours of nk_validation_test hold across seeds, not only for the committed
// one: serial-killing statistics and the killing-assay curve at seeds 1-8 (label `long`).
#include <vector>

#include <gtest/gtest.h>

#include "mechanisms/nk_test_support.h"

namespace nksim {
namespace {

using testing::run_kill_readouts;

class NkSeeds : public ::testing::TestWithParam<int> {};

TEST_P(NkSeeds, SerialKillingStatistics) {
  const nlohmann::json nk =
      run_kill_readouts("serial_killing.toml", "simulation.seed", GetParam())["effectors"]["nk"];
  EXPECT_GE(nk["fraction_killing_none"].get<double>(), 0.35);
  EXPECT_LE(nk["fraction_killing_none"].get<double>(), 0.65);
  EXPECT_LT(nk["serial_killer_fraction"].get<double>(), 0.5);
  EXPECT_GT(nk["share_of_kills_by_serial_killers"].get<double>(), 0.5);
  EXPECT_GE(nk["latency_granzyme_min"]["mean"].get<double>(), 12.0);
  EXPECT_LE(nk["latency_granzyme_min"]["mean"].get<double>(), 35.0);
  EXPECT_GE(nk["latency_death_receptor_min"]["mean"].get<double>(), 60.0);
  EXPECT_LE(nk["latency_death_receptor_min"]["mean"].get<double>(), 130.0);
  EXPECT_LE(nk["perforin_deficient"]["max_kills"].get<int>(), 1);
}

TEST_P(NkSeeds, LysisRisesAndSaturates) {
  const TomlDocument base =
      with_parameter(TomlDocument::parse_file(testing::scenario_path("killing_assay.toml")),
                     "simulation.seed", GetParam());
  const std::string key = "mechanisms.nk_infusion.dose[1].effector_to_target";
  const auto dead = [&](double et) {
    return run_kill_readouts(with_parameter(base, key, et))["targets"]["dead_fraction"]
        .get<double>();
  };
  const double control = dead(0.0);
  std::vector<double> lysis;
  for (double et : {0.5, 1.0, 2.0, 5.0, 10.0}) {
    lysis.push_back(specific_lysis_percent(dead(et), control));
  }
  for (std::size_t k = 1; k < lysis.size(); ++k) EXPECT_GE(lysis[k], lysis[k - 1] - 1.0);
  EXPECT_LT((lysis[4] - lysis[3]) / 5.0, 0.2 * (lysis[1] - lysis[0]) / 0.5);
}

INSTANTIATE_TEST_SUITE_P(Seeds, NkSeeds, ::testing::Range(1, 9));

}  // namespace
}  // namespace nksim
