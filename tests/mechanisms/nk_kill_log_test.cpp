// Read-outs of the kill log (mechanisms/nk_kill_log.h) on a hand-made record whose statistics
// are known: 10 effectors with confirmed kills 0,0,0,0,0,1,1,2,3,5 (total 12).
#include <gtest/gtest.h>

#include "nksim/mechanisms/nk_kill_log.h"

namespace nksim {
namespace {

using rules::nk::KillPathway;

TEST(NkKillLog, HistogramSharesAndLatencies) {
  std::map<std::uint64_t, EffectorTally> tallies;
  const int kills[] = {0, 0, 0, 0, 0, 1, 1, 2, 3, 5};
  for (std::uint64_t id = 1; id <= 10; ++id) {
    const int k = kills[id - 1];
    tallies[id] = {0, k == 0 ? 0 : 6, id == 6, 4, k, k};
  }
  tallies[99] = {1, 3, false, 2, 2, 2};  // another type: ignored
  std::vector<KillRecord> log = {
      {10, 100, 0, 2, KillPathway::kGranzyme, 0, 20},
      {10, 101, 0, 2, KillPathway::kGranzyme, 30, 70},
      {9, 102, 0, 2, KillPathway::kDeathReceptor, 100, 190},
      {99, 103, 1, 2, KillPathway::kDeathReceptor, 0, 5},
  };
  const nlohmann::json j = effector_readouts(0, tallies, log);
  EXPECT_EQ(j["effectors"].get<int>(), 10);
  EXPECT_EQ(j["kills_total"].get<int>(), 12);
  EXPECT_EQ(j["kills_histogram"].get<std::vector<int>>(), (std::vector<int>{5, 2, 1, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(j["fraction_killing_none"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["capacity_zero_fraction"].get<double>(), 0.5);
  EXPECT_EQ(j["effectors_killing_3_or_more"].get<int>(), 2);
  EXPECT_DOUBLE_EQ(j["serial_killer_fraction"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(j["share_of_kills_by_serial_killers"].get<double>(), 8.0 / 12.0);
  EXPECT_DOUBLE_EQ(j["share_of_kills_by_top_20_percent"].get<double>(), 8.0 / 12.0);
  EXPECT_DOUBLE_EQ(j["per_contact_hit_fraction"].get<double>(), 12.0 / 40.0);
  EXPECT_EQ(j["perforin_deficient"]["effectors"].get<int>(), 1);
  EXPECT_EQ(j["perforin_deficient"]["max_kills"].get<int>(), 1);
  EXPECT_EQ(j["latency_granzyme_min"]["count"].get<int>(), 2);
  EXPECT_DOUBLE_EQ(j["latency_granzyme_min"]["mean"].get<double>(), 30.0);  // 20 and 40
  EXPECT_DOUBLE_EQ(j["latency_granzyme_min"]["median"].get<double>(), 30.0);
  EXPECT_EQ(j["latency_death_receptor_min"]["count"].get<int>(), 1);
  EXPECT_DOUBLE_EQ(j["latency_death_receptor_min"]["mean"].get<double>(), 90.0);
  // Deaths at 20, 70 and 190 min: one each in hours 0, 1 and 3.
  EXPECT_EQ(j["kills_per_hour"].get<std::vector<int>>(), (std::vector<int>{1, 1, 0, 1}));
  // By pathway: granzyme at 20 and 70 min, death receptor at 190 min (type 1's is not counted).
  EXPECT_EQ(j["kills_per_hour_granzyme"].get<std::vector<int>>(), (std::vector<int>{1, 1, 0, 0}));
  EXPECT_EQ(j["kills_per_hour_death_receptor"].get<std::vector<int>>(),
            (std::vector<int>{0, 0, 0, 1}));
}

TEST(NkKillLog, DescribeEmptyAndSmallSamples) {
  EXPECT_EQ(describe({})["count"].get<int>(), 0);
  const nlohmann::json j = describe({3.0, 1.0, 2.0, 10.0});
  EXPECT_DOUBLE_EQ(j["mean"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(j["median"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["min"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["max"].get<double>(), 10.0);
  EXPECT_NEAR(j["sd"].get<double>(), std::sqrt(50.0 / 3.0), 1e-12);
}

}  // namespace
}  // namespace nksim
