// AgentStore: stable ids vs dense indices under swap-and-pop and renumbering (permute);
// division copies exactly the
// columns marked kCopy in the field table and every heritable property. The counter-based RNG
// is a pure function of its key.
#include <gtest/gtest.h>

#include "nksim/core/rng.h"
#include "nksim/engine/agent_store.h"

namespace nksim {
namespace {

TEST(AgentStore, IdsSurviveSwapAndPop) {
  AgentStore a;
  a.set_property_names({"ligand"});
  for (int i = 0; i < 10; ++i) a.add(i % 2, i, 2.0 * i, 0, 5);
  a.remove(a.index_of(3));
  a.remove(a.index_of(10));
  a.remove(a.index_of(1));
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a.index_of(3), AgentStore::kNoIndex);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.index_of(a.id[i]), i);
    EXPECT_DOUBLE_EQ(a.x[i], static_cast<double>(a.id[i] - 1));  // columns moved together
    EXPECT_DOUBLE_EQ(a.y[i], 2.0 * static_cast<double>(a.id[i] - 1));
  }
  EXPECT_EQ(a.next_id(), 11u);  // ids are never reused
}

TEST(AgentStore, PermuteMovesEveryColumnAndKeepsIds) {
  AgentStore a;
  a.set_property_names({"ligand"});
  for (int i = 0; i < 6; ++i) {
    a.add(i % 3, i, 10.0 * i, -i, 1.0 + i);
    a.property[0][static_cast<std::size_t>(i)] = 100.0 + i;
    a.potency[static_cast<std::size_t>(i)] = 0.5 * i;
  }
  const std::vector<std::uint32_t> order = {4, 0, 5, 2, 1, 3};
  a.permute(order, 2);
  ASSERT_EQ(a.size(), 6u);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double was = order[k];  // the agent now at k was added as number order[k]
    EXPECT_EQ(a.id[k], order[k] + 1u);
    EXPECT_EQ(a.index_of(a.id[k]), k);
    EXPECT_EQ(a.type[k], static_cast<std::int32_t>(order[k] % 3));
    EXPECT_EQ(a.x[k], was);
    EXPECT_EQ(a.y[k], 10.0 * was);
    EXPECT_EQ(a.z[k], -was);
    EXPECT_EQ(a.radius[k], 1.0 + was);
    EXPECT_EQ(a.property[0][k], 100.0 + was);
    EXPECT_EQ(a.potency[k], 0.5 * was);
  }
  // Still consistent afterwards: swap-and-pop and new ids.
  a.remove(a.index_of(5));
  EXPECT_EQ(a.index_of(5), AgentStore::kNoIndex);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.index_of(a.id[i]), i);
  EXPECT_EQ(a.add(0, 0, 0, 0, 1), 5u);
  EXPECT_EQ(a.id[5], 7u);
}

TEST(AgentStore, DivisionCopiesHeritableColumns) {
  AgentStore a;
  a.set_property_names({"ligand", "receptor"});
  const std::size_t m = a.add(1, 1, 2, 3, 7.5);
  a.property[0][m] = 0.25;
  a.property[1][m] = 4;
  a.state[m] = 0;
  a.state_time_min[m] = 99;
  a.vx[m] = 3;
  a.pressure[m] = 0.7;
  const std::size_t d = a.add_daughter(m);
  EXPECT_EQ(a.type[d], 1);
  EXPECT_DOUBLE_EQ(a.radius[d], 7.5);
  EXPECT_DOUBLE_EQ(a.x[d], 1);
  EXPECT_DOUBLE_EQ(a.property[0][d], 0.25);
  EXPECT_DOUBLE_EQ(a.property[1][d], 4);
  EXPECT_DOUBLE_EQ(a.state_time_min[d], 0);  // kReset columns
  EXPECT_DOUBLE_EQ(a.vx[d], 0);
  EXPECT_DOUBLE_EQ(a.pressure[d], 0);
  EXPECT_NE(a.id[d], a.id[m]);
  EXPECT_LE(a.bytes_per_agent(), 200u);
}

TEST(CounterRng, PureFunctionOfKeyAndUniform) {
  const RandomDraw a(42, 7, Purpose::kMotility, 1234);
  const RandomDraw b(42, 7, Purpose::kMotility, 1234);
  const RandomDraw c(42, 7, Purpose::kProliferation, 1234);
  EXPECT_EQ(a.uniform(0), b.uniform(0));
  EXPECT_NE(a.uniform(0), c.uniform(0));
  // Mean and variance of 1e5 uniforms: 1/2 and 1/12 within 5 standard errors.
  const int n = 100000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = RandomDraw(1, 0, Purpose::kTest, static_cast<std::uint64_t>(i)).uniform(1);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n));
}

}  // namespace
}  // namespace nksim
