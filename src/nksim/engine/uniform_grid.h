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

class UniformGrid {
 public:
  // Cells are at least `cutoff` wide along each axis.
  void build(const AgentStore& agents, const Domain& domain, double cutoff, int threads);

  template <class F>
  void for_each_candidate(std::size_t i, F&& f) const {
    const std::uint32_t c = cell_of_[i];
    const int cx = static_cast<int>(c % n_[0]);
    const int cy = static_cast<int>((c / n_[0]) % n_[1]);
    const int cz = static_cast<int>(c / (n_[0] * n_[1]));
    int ix[3], iy[3], iz[3];
    const int nx = neighbours(0, cx, ix), ny = neighbours(1, cy, iy), nz = neighbours(2, cz, iz);
    for (int a = 0; a < nz; ++a) {
      for (int b = 0; b < ny; ++b) {
        const std::uint32_t row = (static_cast<std::uint32_t>(iz[a]) * n_[1] +
                                   static_cast<std::uint32_t>(iy[b])) * n_[0];
        for (int k = 0; k < nx; ++k) {
          const std::uint32_t cell = row + static_cast<std::uint32_t>(ix[k]);
          for (std::uint32_t s = start_[cell]; s < start_[cell + 1]; ++s) f(sorted_[s]);
        }
      }
    }
  }

  std::array<std::uint32_t, 3> cells() const { return n_; }
  std::size_t bytes_per_agent() const { return 2 * sizeof(std::uint32_t); }

 private:
  // Indices of the neighbouring cells along one axis (wrapped when periodic, no duplicates).
  int neighbours(int axis, int c, int* out) const {
    const int n = static_cast<int>(n_[axis]);
    int count = 0;
    for (int d = -1; d <= 1; ++d) {
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
