#include "nksim/engine/uniform_grid.h"

#include "nksim/engine/parallel.h"

#include <algorithm>
#include <cmath>

namespace nksim {

void UniformGrid::build(const AgentStore& agents, const Domain& domain, double cutoff,
                        int threads) {
  periodic_ = domain.periodic();
  std::array<double, 3> inv_width{};
  for (int a = 0; a < 3; ++a) {
    const double extent = domain.extent(a);
    std::uint32_t n = 1;
    const double width = cutoff / kReach;
    if (a < domain.dim && width > 0 && extent > width) {
      n = static_cast<std::uint32_t>(std::min(std::floor(extent / width), 1.0e6));
    }
    n_[a] = std::max<std::uint32_t>(n, 1);
  }
  // Cap the number of cells (16 per agent, at least 4M = 16 MB of offsets) (a sparse box would
  // otherwise allocate a huge empty grid): widen the cells uniformly, which keeps them at least
  // `cutoff` wide.
  const std::size_t count = agents.size();
  const double limit = std::max<double>(16.0 * static_cast<double>(count), 4194304.0);
  const double cells = static_cast<double>(n_[0]) * n_[1] * n_[2];
  if (cells > limit) {
    const double shrink = std::pow(cells / limit, 1.0 / domain.dim);
    for (int a = 0; a < domain.dim; ++a) {
      n_[a] = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(n_[a] / shrink));
    }
  }
  for (int a = 0; a < 3; ++a) {
    const double extent = domain.extent(a);
    inv_width[a] = extent > 0 ? n_[a] / extent : 0.0;
  }
  cell_of_.resize(count);
  const auto index = [&](int a, double v) {
    const double f = (v - domain.lo_um[a]) * inv_width[a];
    const std::int64_t k = static_cast<std::int64_t>(std::floor(f));
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(k, 0, n_[a] - 1));
  };
  const std::int64_t n_agents = static_cast<std::int64_t>(count);
#pragma omp parallel for schedule(static) num_threads(threads) if (n_agents >= kMinParallelAgents)
  for (std::int64_t i = 0; i < n_agents; ++i) {
    cell_of_[i] =
        (index(2, agents.z[i]) * n_[1] + index(1, agents.y[i])) * n_[0] + index(0, agents.x[i]);
  }
  // Stable counting sort (serial: deterministic and memory-bound).
  const std::size_t n_cells = static_cast<std::size_t>(n_[0]) * n_[1] * n_[2];
  start_.assign(n_cells + 1, 0);
  for (std::size_t i = 0; i < count; ++i) ++start_[cell_of_[i] + 1];
  for (std::size_t c = 0; c < n_cells; ++c) start_[c + 1] += start_[c];
  sorted_.resize(count);
  std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
  for (std::size_t i = 0; i < count; ++i)
    sorted_[fill[cell_of_[i]]++] = static_cast<std::uint32_t>(i);
}

void UniformGrid::renumber_in_slot_order() {
  std::vector<std::uint32_t> cell_of_slot(cell_of_.size());
  for (std::size_t s = 0; s < sorted_.size(); ++s) {
    cell_of_slot[s] = cell_of_[sorted_[s]];
    sorted_[s] = static_cast<std::uint32_t>(s);
  }
  cell_of_.swap(cell_of_slot);
}

}  // namespace nksim
