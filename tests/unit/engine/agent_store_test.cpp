// AgentStore: stable ids vs dense indices under swap-and-pop and renumbering (permute);
// division copies exactly the columns marked kCopy (in the field table or by the mechanism that
// declared them) and every heritable property; mechanisms' typed columns follow their agents
// and survive a checkpoint; bytes per agent counts only the columns a run has. The
// counter-based RNG is a pure function of its key.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "nksim/core/error.h"
#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/agent_store.h"
#include "nksim/engine/simulation.h"
#include "nksim/io/spatial_scenario.h"
#include "nksim/io/toml_reader.h"
#include "nksim/mechanisms/nk_state.h"
#include "support/run_cli.h"

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
  const auto level = a.declare_column<double>({"level", OnDivide::kReset, false, "test"});
  for (int i = 0; i < 6; ++i) {
    a.add(i % 3, i, 10.0 * i, -i, 1.0 + i);
    a.property[0][static_cast<std::size_t>(i)] = 100.0 + i;
    a.column(level)[static_cast<std::size_t>(i)] = 0.5 * i;
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
    EXPECT_EQ(a.column(level)[k], 0.5 * was);
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

namespace agent_store_test {

// The engine's own columns and the id -> index map: the bytes every agent costs in any run.
constexpr std::size_t kEngineBytes =
#define NKSIM_TEST_COLUMN_BYTES(type, name, on_divide, doc) sizeof(type) +
    NKSIM_AGENT_COLUMNS(NKSIM_TEST_COLUMN_BYTES) sizeof(std::uint32_t);
#undef NKSIM_TEST_COLUMN_BYTES

// One column of each type a mechanism may declare, some copied at division, some reset.
struct TypedColumns {
  ColumnKey<std::uint64_t> partner;
  ColumnKey<std::int32_t> count;
  ColumnKey<std::uint8_t> flags;
  ColumnKey<double> level;
  ColumnKey<float> weight;
  explicit TypedColumns(AgentStore& a)
      : partner(a.declare_column<std::uint64_t>({"partner", OnDivide::kReset, false, "u64"})),
        count(a.declare_column<std::int32_t>({"count", OnDivide::kCopy, false, "i32"})),
        flags(a.declare_column<std::uint8_t>({"flags", OnDivide::kCopy, false, "u8"})),
        level(a.declare_column<double>({"level", OnDivide::kReset, false, "f64"})),
        weight(a.declare_column<float>({"weight", OnDivide::kCopy, false, "f32"})) {}
  // Values that name the agent they were set for (its id), each in its own type.
  void set(AgentStore& a, std::size_t i) const {
    const std::uint64_t id = a.id[i];
    a.column(partner)[i] = 1000 + id;
    a.column(count)[i] = -static_cast<std::int32_t>(id);
    a.column(flags)[i] = static_cast<std::uint8_t>(id % 200 + 1);
    a.column(level)[i] = 0.25 * static_cast<double>(id);
    a.column(weight)[i] = 0.5f * static_cast<float>(id);
  }
  void expect_set(const AgentStore& a, std::size_t i, std::uint64_t id) const {
    EXPECT_EQ(a.column(partner)[i], 1000 + id);
    EXPECT_EQ(a.column(count)[i], -static_cast<std::int32_t>(id));
    EXPECT_EQ(a.column(flags)[i], static_cast<std::uint8_t>(id % 200 + 1));
    EXPECT_EQ(a.column(level)[i], 0.25 * static_cast<double>(id));
    EXPECT_EQ(a.column(weight)[i], 0.5f * static_cast<float>(id));
  }
};

}  // namespace agent_store_test

TEST(AgentStore, TypedColumnsFollowTheirAgents) {
  using agent_store_test::TypedColumns;
  AgentStore a;
  for (int i = 0; i < 3; ++i) a.add(0, i, 0, 0, 1);  // before the declaration: zeros
  const TypedColumns c(a);
  EXPECT_EQ(a.column(c.partner).size(), 3u);
  EXPECT_EQ(a.column(c.weight)[2], 0.0f);
  for (int i = 3; i < 12; ++i) a.add(0, i, 0, 0, 1);
  for (std::size_t i = 0; i < a.size(); ++i) c.set(a, i);
  a.remove(a.index_of(4));
  a.remove(a.index_of(12));
  a.remove(a.index_of(1));
  a.permute({8, 3, 0, 5, 7, 1, 2, 6, 4}, 2);
  ASSERT_EQ(a.size(), 9u);
  for (std::size_t i = 0; i < a.size(); ++i) c.expect_set(a, i, a.id[i]);
  // A daughter: the kCopy columns (count, flags, weight) from its mother, the others 0.
  const std::size_t mother = a.index_of(7);
  const std::size_t d = a.add_daughter(mother);
  EXPECT_EQ(a.id[d], 13u);
  EXPECT_EQ(a.column(c.partner)[d], 0u);
  EXPECT_EQ(a.column(c.level)[d], 0.0);
  EXPECT_EQ(a.column(c.count)[d], -7);
  EXPECT_EQ(a.column(c.flags)[d], 8u);
  EXPECT_EQ(a.column(c.weight)[d], 3.5f);
  c.expect_set(a, mother, 7);
  // Found by name with their type; another type or a taken name is an error.
  EXPECT_EQ(a.find_column<std::int32_t>("count").index, c.count.index);
  EXPECT_FALSE(a.find_column<double>("absent"));
  EXPECT_EQ(a.column_data(a.find_column<double>("absent")), nullptr);
  EXPECT_THROW(a.find_column<double>("count"), Error);
  EXPECT_THROW(a.declare_column<double>({"flags", OnDivide::kReset, false, ""}), Error);
  EXPECT_THROW(a.declare_column<double>({"radius", OnDivide::kReset, false, ""}), Error);
}

TEST(AgentStore, TypedColumnsSurviveACheckpoint) {
  using agent_store_test::TypedColumns;
  AgentStore a;
  a.set_property_names({"ligand"});
  const TypedColumns c(a);
  for (int i = 0; i < 7; ++i) a.add(i % 2, i, 0, 0, 1);
  for (std::size_t i = 0; i < a.size(); ++i) c.set(a, i);
  a.remove(a.index_of(2));
  const std::filesystem::path file =
      testing::fresh_directory("agent_store_checkpoint") / "state.nkc";
  StateWriter out;
  a.save_state(out);
  out.write_file(file);
  AgentStore b;
  b.set_property_names({"ligand"});
  const TypedColumns cb(b);
  b.restore_state(StateReader::read_file(file));
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t k = 0; k < a.declared_columns().size(); ++k) {
    EXPECT_TRUE(a.declared_column(k) == b.declared_column(k)) << a.declared_columns()[k].name;
  }
  for (std::size_t i = 0; i < b.size(); ++i) cb.expect_set(b, i, b.id[i]);
  EXPECT_EQ(b.next_id(), a.next_id());
  // A store whose column of that name holds another type refuses the checkpoint.
  AgentStore other;
  other.set_property_names({"ligand"});
  other.declare_column<double>({"partner", OnDivide::kReset, false, "f64"});
  EXPECT_THROW(other.restore_state(StateReader::read_file(file)), InputError);
}

TEST(AgentStore, BytesPerAgentCountsTheDeclaredColumnsByType) {
  using agent_store_test::kEngineBytes;
  AgentStore a;
  EXPECT_EQ(a.bytes_per_agent(), kEngineBytes);
  a.set_property_names({"ligand", "mhc_i"});
  EXPECT_EQ(a.bytes_per_agent(), kEngineBytes + 2 * sizeof(double));
  const agent_store_test::TypedColumns c(a);
  EXPECT_EQ(a.bytes_per_agent(), kEngineBytes + 2 * sizeof(double) + sizeof(std::uint64_t) +
                                     sizeof(std::int32_t) + sizeof(std::uint8_t) +
                                     sizeof(double) + sizeof(float));
}

// A run without nk_recognition_kill carries none of its ten columns; a run with it carries them
// at 8 (partner id) + 5 x 8 (times, potency, NKG2D) + 3 x 4 (kills, capacity, granules) + 1
// (flags) = 61 bytes per agent. Either way bytes per agent is the engine's columns, the
// properties and the declared columns, by their types.
TEST(AgentStore, NkColumnsOnlyInRunsWithNkRecognitionKill) {
  using agent_store_test::kEngineBytes;
  const std::vector<std::string> nk_names = {
      "partner_id", "contact_min", "doom_min", "contact_start_min", "potency",
      "nkg2d_available", "kills", "kill_capacity", "granules", "nk_flags"};
  for (const std::string name : {"influenza_patch_2d_no_nk", "influenza_patch_2d"}) {
    SpatialModel model = load_spatial(
        TomlDocument::parse_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/" + name + ".toml"),
        1);
    const AgentStore& a = model.simulation->agents();
    std::size_t declared = 0, nk = 0, nk_columns = 0;
    for (const auto& c : a.declared_columns()) {
      declared += column_type_size(c.type);
      if (std::find(nk_names.begin(), nk_names.end(), c.name) == nk_names.end()) continue;
      nk += column_type_size(c.type);
      ++nk_columns;
    }
    const bool with_nk = name == std::string("influenza_patch_2d");
    EXPECT_EQ(nk_columns, with_nk ? 10u : 0u) << name;
    EXPECT_EQ(nk, with_nk ? 61u : 0u) << name;
    EXPECT_EQ(static_cast<bool>(a.find_column<std::uint64_t>(kNkPartnerColumn)), with_nk);
    EXPECT_EQ(a.bytes_per_agent(), kEngineBytes + a.property.size() * sizeof(double) + declared)
        << name;
  }
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
