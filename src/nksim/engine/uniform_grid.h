// Neighbour search with a uniform grid of cells (cell lists), rebuilt every mechanics step by a
// stable counting sort; and the brute-force search it is tested against (conformance suite in
// tests/conformance/neighbour_search_test.cpp).
//
// Contract of both: for_each_candidate(i, f) calls f(j) for every agent j (possibly including i)
// that may lie within `cutoff` of agent i, in an order that depends only on the agents'
// positions and dense order, never on threads. Callers test the actual distance.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nksim/engine/agent_store.h"
#include "nksim/engine/domain.h"

namespace nksim {

// Consecutive slots [begin, end) of a neighbour query: the cells of one x row are adjacent in
// slot order, so a 3-D query is 9 runs (more only where a periodic row wraps).
struct CandidateRun {
  std::uint32_t begin, end;
};

class UniformGrid {
 public:
  // Cells are at least cutoff / kReach wide; a query visits the (2 kReach + 1)^dim block of cells
  // around the agent's cell. Half-width cells (kReach = 2) visit fewer candidates but were
  // measured 30-50 % slower on the reference workload (more, nearly empty cells), so 1.
  static constexpr int kReach = 1;

  void build(const AgentStore& agents, const Domain& domain, double cutoff, int threads);

  template <class F>
  void for_each_candidate(std::size_t i, F&& f) const {
    for_each_candidate_slot(i, [&](std::uint32_t slot) { f(sorted_[slot]); });
  }

  // As for_each_candidate, but passes the slot in cell order: a caller that keeps data in slot
  // order (mechanics keeps the positions so) streams memory instead of gathering.
  template <class F>
  void for_each_candidate_slot(std::size_t i, F&& f) const {
    const std::uint32_t c = cell_of_[i];
    const std::size_t row = c / n_[0];
    std::uint32_t bases[kMaxRows];
    CandidateRun runs[kMaxRuns];
    const int num_bases = row_bases(row, bases);
    const std::size_t num_runs = cell_runs(static_cast<int>(c % n_[0]), bases, num_bases, runs);
    for (std::size_t r = 0; r < num_runs; ++r) {
      for (std::uint32_t s = runs[r].begin; s < runs[r].end; ++s) f(s);
    }
  }

  // Rows of cells along x: ny * nz of them (ny in 2-D), numbered (cz * ny + cy).
  std::size_t num_rows() const { return static_cast<std::size_t>(n_[1]) * n_[2]; }

  // For each non-empty cell of a row, in x order: f(first, end, runs, num_runs), where the cell's
  // agents are the slots [first, end) and runs[0..num_runs) are runs of consecutive slots that
  // hold exactly the candidates for_each_candidate_slot visits for any agent of the cell, in the
  // same order. Cheaper than a query per agent, and lets a hot loop read candidates with vectors:
  // the neighbouring rows are found once per row, the runs once per cell.
  template <class F>
  void for_each_cell_in_row(std::size_t row, F&& f) const {
    std::uint32_t bases[kMaxRows];
    CandidateRun runs[kMaxRuns];
    const int num_bases = row_bases(row, bases);
    const std::uint32_t own = static_cast<std::uint32_t>(row) * n_[0];
    for (int cx = 0; cx < static_cast<int>(n_[0]); ++cx) {
      const std::uint32_t first = start_[own + static_cast<std::uint32_t>(cx)];
      const std::uint32_t end = start_[own + static_cast<std::uint32_t>(cx) + 1];
      if (first == end) continue;
      const std::size_t num_runs = cell_runs(cx, bases, num_bases, runs);
      f(first, end, static_cast<const CandidateRun*>(runs), num_runs);
    }
  }

  // Agents in slot order (cell by cell), for AgentStore::permute.
  const std::vector<std::uint32_t>& order() const { return sorted_; }
  // Tells the grid the agents were just permuted into slot order (AgentStore::permute(order())):
  // slot s now holds agent s. The cells are unchanged.
  void renumber_in_slot_order();

  std::array<std::uint32_t, 3> cells() const { return n_; }
  // Bytes held per agent: its cell and its slot's agent index. The cells' first slots are a
  // fixed cost of the domain, as voxels are (4 B per cell, cell_bytes()), not counted here.
  std::size_t bytes_per_agent() const { return 2 * sizeof(std::uint32_t); }
  std::size_t cell_bytes() const { return start_.size() * sizeof(std::uint32_t); }
  // The agent in a slot (agents in cell order).
  std::uint32_t agent_at(std::uint32_t slot) const { return sorted_[slot]; }

 private:
  static constexpr int kMaxRows = (2 * kReach + 1) * (2 * kReach + 1);
  static constexpr int kMaxRuns = kMaxRows * (2 * kReach + 1);

  // Index of the first cell of each x row of cells a query from `row` visits (z, then y order).
  int row_bases(std::size_t row, std::uint32_t* bases) const {
    int iy[2 * kReach + 1], iz[2 * kReach + 1];
    const int ny = neighbours(1, static_cast<int>(row % n_[1]), iy);
    const int nz = neighbours(2, static_cast<int>(row / n_[1]), iz);
    int count = 0;
    for (int a = 0; a < nz; ++a) {
      for (int b = 0; b < ny; ++b) {
        bases[count++] =
            (static_cast<std::uint32_t>(iz[a]) * n_[1] + static_cast<std::uint32_t>(iy[b])) * n_[0];
      }
    }
    return count;
  }

  // The non-empty runs of candidate slots of a query from cell x index cx in rows `bases`:
  // per row, the neighbouring cells in neighbours() order, consecutive ones merged into one run.
  std::size_t cell_runs(int cx, const std::uint32_t* bases, int num_bases,
                        CandidateRun* runs) const {
    int ix[2 * kReach + 1];
    const int nx = neighbours(0, cx, ix);
    std::size_t num_runs = 0;
    for (int r = 0; r < num_bases; ++r) {
      for (int k = 0; k < nx;) {
        int m = k + 1;
        while (m < nx && ix[m] == ix[m - 1] + 1) ++m;
        const std::uint32_t b = start_[bases[r] + static_cast<std::uint32_t>(ix[k])];
        const std::uint32_t e = start_[bases[r] + static_cast<std::uint32_t>(ix[m - 1]) + 1];
        if (b < e) runs[num_runs++] = {b, e};
        k = m;
      }
    }
    return num_runs;
  }

  // Indices of the neighbouring cells along one axis (wrapped when periodic, no duplicates).
  int neighbours(int axis, int c, int* out) const {
    const int n = static_cast<int>(n_[axis]);
    int count = 0;
    for (int d = -kReach; d <= kReach; ++d) {
      int k = c + d;
      if (k < 0 || k >= n) {
        if (!periodic_) continue;
        k = (k + n) % n;
      }
      bool seen = false;
      for (int m = 0; m < count; ++m) seen = seen || out[m] == k;
      if (!seen) out[count++] = k;
    }
    return count;
  }

  std::array<std::uint32_t, 3> n_ = {1, 1, 1};
  bool periodic_ = false;
  std::vector<std::uint32_t> cell_of_;  // per agent
  std::vector<std::uint32_t> start_;    // per cell + 1: first slot in sorted_
  std::vector<std::uint32_t> sorted_;   // agent indices grouped by cell, in index order
};

class BruteForceSearch {
 public:
  void build(const AgentStore& agents, const Domain&, double, int) { n_ = agents.size(); }
  template <class F>
  void for_each_candidate(std::size_t, F&& f) const {
    for (std::size_t j = 0; j < n_; ++j) f(j);
  }

 private:
  std::size_t n_ = 0;
};

}  // namespace nksim
