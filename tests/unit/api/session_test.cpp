// The stepping session: advancing in pieces is the same run as advancing in one go, changes made
// between steps take effect, observers see every step, and a state saved and restored into a
// fresh session continues bit for bit.
#include "nksim/api/session.h"
#include "nksim/engine/uniform_grid.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "nksim/core/state_archive.h"
#include "nksim/io/toml_reader.h"

namespace nksim {
namespace {

TomlDocument shipped(const std::string& name) {
  return TomlDocument::parse_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/" + name + ".toml");
}

// Every agent column and every field value, bit for bit.
void expect_same_state(const Simulation& a, const Simulation& b) {
  ASSERT_EQ(a.mechanics_steps(), b.mechanics_steps());
  ASSERT_EQ(a.agents().size(), b.agents().size());
  EXPECT_EQ(a.agents().id, b.agents().id);
  EXPECT_EQ(a.agents().state, b.agents().state);
  EXPECT_EQ(a.agents().x, b.agents().x);
  EXPECT_EQ(a.agents().y, b.agents().y);
  ASSERT_EQ(a.agents().declared_columns().size(), b.agents().declared_columns().size());
  for (std::size_t k = 0; k < a.agents().declared_columns().size(); ++k) {
    EXPECT_TRUE(a.agents().declared_column(k) == b.agents().declared_column(k))
        << a.agents().declared_columns()[k].name;
  }
  EXPECT_EQ(a.agents().property, b.agents().property);
  for (std::size_t f = 0; f < a.fields().num_fields(); ++f) {
    EXPECT_EQ(a.fields().values(f), b.fields().values(f)) << a.fields().spec(f).name;
  }
}

TEST(SpatialSession, AdvancingInPiecesIsTheSameRunAsInOneGo) {
  SpatialSession whole(shipped("spheroid_infusion"), 1);
  SpatialSession pieces(shipped("spheroid_infusion"), 2);
  whole.advance_to(600);
  for (double t = 37.3; t < 600; t += 37.3) pieces.advance_to(t);
  pieces.advance_to(600);
  EXPECT_DOUBLE_EQ(pieces.time_min(), 600);
  expect_same_state(whole.simulation(), pieces.simulation());
  // Never past the end of the run.
  whole.advance_to(1e9);
  EXPECT_NEAR(whole.time_min(), whole.end_time_min(), 1e-9);
  EXPECT_TRUE(whole.finished());
}

TEST(SpatialSession, ObserversSeeEveryStepAndChangesBetweenStepsTakeEffect) {
  SpatialSession session(shipped("spheroid_2d"), 1);
  std::uint64_t calls = 0, last_step = 0;
  session.add_observer([&](const Simulation& s) {
    ++calls;
    EXPECT_EQ(s.mechanics_steps(), last_step + 1);
    last_step = s.mechanics_steps();
  });
  session.advance_to(60);
  const double dt = session.simulation().settings().dt_mechanics_min;
  EXPECT_EQ(calls, static_cast<std::uint64_t>(std::llround(60 / dt)));
  Simulation& sim = session.simulation();
  const std::size_t before = sim.agents().size();
  const std::size_t i = sim.add_agent(0, 0.0, 0.0, 0.0);
  const std::uint64_t id = sim.agents().id[i];
  session.advance_to(120);
  EXPECT_GE(sim.agents().size(), before + 1);
  EXPECT_NE(sim.agents().index_of(id), AgentStore::kNoIndex) << "the added agent is simulated";
}

TEST(SpatialSession, SavedAndRestoredStateContinuesBitForBit) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("nksim-session-test-" + std::to_string(::getpid()) + ".nksim");
  SpatialSession original(shipped("ifn_gamma_t_cells"), 2);
  original.advance_to(700);
  StateWriter out;
  original.save_state(out);
  out.write_file(file);

  SpatialSession restored(shipped("ifn_gamma_t_cells"), 1);
  StateReader in = StateReader::read_file(file);
  restored.restore_state(in);
  expect_same_state(original.simulation(), restored.simulation());
  original.run_to_end();
  restored.run_to_end();
  expect_same_state(original.simulation(), restored.simulation());
  for (std::size_t k = 0; k < original.simulation().mechanisms().size(); ++k) {
    EXPECT_EQ(original.simulation().mechanisms()[k]->readouts(original.simulation()),
              restored.simulation().mechanisms()[k]->readouts(restored.simulation()))
        << original.simulation().mechanisms()[k]->name();
  }
}

TEST(SpatialSession, RestoringAnotherScenariosStateIsRefused) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("nksim-session-other-" + std::to_string(::getpid()) + ".nksim");
  SpatialSession a(shipped("shedding"), 1);
  a.advance_to(10);
  StateWriter out;
  a.save_state(out);
  out.write_file(file);
  SpatialSession b(shipped("spheroid_2d"), 1);
  StateReader in = StateReader::read_file(file);
  EXPECT_THROW(b.restore_state(in), InputError);
}

}  // namespace
}  // namespace nksim

namespace nksim {
namespace {

// The neighbour grid knows when it is stale: after a step (positions moved), an added agent or a
// renumbering it is rebuilt on the next request, and not before.
TEST(NeighbourGrid, RebuildsItselfWhenStaleAndOnlyThen) {
  SpatialSession session(shipped("spheroid_2d"), 1);
  Simulation& sim = session.simulation();
  sim.neighbour_grid();
  EXPECT_TRUE(sim.grid_is_current());
  const UniformGrid* first = &sim.neighbour_grid();
  EXPECT_EQ(first, &sim.grid());
  session.advance_to(sim.settings().dt_mechanics_min);  // one step: positions moved
  EXPECT_FALSE(sim.grid_is_current());
  sim.neighbour_grid();
  EXPECT_TRUE(sim.grid_is_current());
  sim.add_agent(0, 1.0, 2.0, 0.0);
  EXPECT_FALSE(sim.grid_is_current()) << "a new agent is not in the grid yet";
  std::size_t seen = 0;
  const UniformGrid& grid = sim.neighbour_grid();
  grid.for_each_candidate(sim.agents().size() - 1, [&](std::size_t) { ++seen; });
  EXPECT_GT(seen, 0u) << "the new agent finds its neighbours";
  sim.renumber_agents_in_cell_order();
  EXPECT_TRUE(sim.grid_is_current()) << "renumbering keeps the grid current (slot s = agent s)";
}

}  // namespace
}  // namespace nksim
