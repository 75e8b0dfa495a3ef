// Conformance: the uniform grid finds exactly the pairs brute force finds.
//
// For random configurations (2-D, 3-D, reflecting and periodic boxes, including periodic boxes
// only one or two cells wide), the set of pairs (i, j) with |x_i - x_j| < cutoff (minimum
// image when periodic) must be identical for both searches. No tolerance: the sets are compared
// exactly.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "nksim/core/rng.h"
#include "nksim/engine/agent_store.h"
#include "nksim/engine/uniform_grid.h"

namespace nksim {
namespace {

struct Case {
  int dim;
  bool periodic;
  double size_um;
  double cutoff_um;
  int agents;
};

template <class Search>
std::set<std::pair<std::size_t, std::size_t>> pairs(const AgentStore& a, const Domain& d,
                                                    double cutoff) {
  Search search;
  search.build(a, d, cutoff, 2);
  std::set<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::size_t visits_of_self = 0;
    search.for_each_candidate(i, [&](std::size_t j) {
      if (j == i) {
        ++visits_of_self;
        return;
      }
      const double dx = d.delta(0, a.x[i], a.x[j]);
      const double dy = d.delta(1, a.y[i], a.y[j]);
      const double dz = d.delta(2, a.z[i], a.z[j]);
      if (dx * dx + dy * dy + dz * dz < cutoff * cutoff) {
        EXPECT_TRUE(out.emplace(i, j).second) << "pair visited twice";
      }
    });
    EXPECT_EQ(visits_of_self, 1u);
  }
  return out;
}

class NeighbourSearch : public ::testing::TestWithParam<Case> {};

AgentStore random_agents(const Case& c, const Domain& d, std::uint64_t seed) {
  AgentStore a;
  for (int n = 0; n < c.agents; ++n) {
    const RandomDraw r(seed, 0, Purpose::kTest, static_cast<std::uint64_t>(n));
    const RandomDraw s(seed, 1, Purpose::kTest, static_cast<std::uint64_t>(n));
    a.add(0, d.lo_um[0] + c.size_um * r.uniform(0), d.lo_um[1] + c.size_um * r.uniform(1),
          c.dim == 3 ? d.lo_um[2] + c.size_um * s.uniform(0) : 0.0, 5.0);
  }
  // Agents exactly on the walls too.
  a.add(0, d.lo_um[0], d.lo_um[1], d.lo_um[2], 5.0);
  a.add(0, d.hi_um[0], d.hi_um[1], d.hi_um[2], 5.0);
  return a;
}

Domain domain_of(const Case& c) {
  Domain d;
  d.dim = c.dim;
  d.boundary = c.periodic ? AgentBoundary::kPeriodic : AgentBoundary::kReflecting;
  d.lo_um = {-c.size_um / 2, -c.size_um / 2, c.dim == 3 ? -c.size_um / 2 : 0};
  d.hi_um = {c.size_um / 2, c.size_um / 2, c.dim == 3 ? c.size_um / 2 : 0};
  return d;
}

// The cell-by-cell runs (used by the mechanics kernel) list, for every agent of a cell, exactly
// the slots that the per-agent query visits, in the same order; every agent is in one cell.
TEST_P(NeighbourSearch, CellRunsMatchThePerAgentQuery) {
  const Case c = GetParam();
  const Domain d = domain_of(c);
  const AgentStore a = random_agents(c, d, 7);
  UniformGrid grid;
  grid.build(a, d, c.cutoff_um, 2);
  std::vector<int> seen(a.size(), 0);
  for (std::size_t row = 0; row < grid.num_rows(); ++row) {
    grid.for_each_cell_in_row(row, [&](std::uint32_t first, std::uint32_t end,
                                       const CandidateRun* runs, std::size_t num_runs) {
      std::vector<std::uint32_t> from_runs;
      for (std::size_t r = 0; r < num_runs; ++r) {
        EXPECT_LT(runs[r].begin, runs[r].end);
        for (std::uint32_t s = runs[r].begin; s < runs[r].end; ++s) from_runs.push_back(s);
      }
      for (std::uint32_t slot = first; slot < end; ++slot) {
        const std::size_t i = grid.agent_at(slot);
        ++seen[i];
        std::vector<std::uint32_t> from_query;
        grid.for_each_candidate_slot(i, [&](std::uint32_t s) { from_query.push_back(s); });
        EXPECT_EQ(from_runs, from_query) << "agent " << i;
      }
    });
  }
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(seen[i], 1) << "agent " << i;
}

TEST_P(NeighbourSearch, GridMatchesBruteForce) {
  const Case c = GetParam();
  const Domain d = domain_of(c);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const AgentStore a = random_agents(c, d, seed);
    const auto grid = pairs<UniformGrid>(a, d, c.cutoff_um);
    const auto brute = pairs<BruteForceSearch>(a, d, c.cutoff_um);
    EXPECT_EQ(grid, brute) << "seed " << seed;
    EXPECT_FALSE(brute.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Configurations, NeighbourSearch,
    ::testing::Values(Case{2, false, 200, 12, 600}, Case{3, false, 200, 20, 1500},
                      Case{2, true, 200, 12, 600}, Case{3, true, 200, 20, 1500},
                      Case{3, true, 50, 20, 200},       // periodic, two cells per axis
                      Case{2, true, 30, 20, 50},        // periodic, one cell per axis
                      Case{3, false, 100, 300, 100}));  // cutoff larger than the box

}  // namespace
}  // namespace nksim
