// mechanics: overdamped cell-cell repulsion and adhesion (rules/forces.h) plus contact pressure.
// Parameters per type ([mechanisms.mechanics.<type>]); a pair uses the geometric mean of the
// two types' strengths and the mean of their ranges (as PhysiCell), unless a
// [[mechanisms.mechanics.pair]] entry sets it. Docs: docs/mechanisms/mechanics.md.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/simd.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/neighbour_list.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanics_kernels.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/forces.h"

namespace nksim {
namespace {

// Verlet skin: the neighbour lists hold every pair closer than cutoff + skin, and are rebuilt
// once some agent has moved more than skin / 2 since the last build (then no pair can have
// come within the cutoff unlisted). 20 % of the cutoff: lists ~1.7x the interacting set in a
// uniform 3-D tissue (packed tissue: the same 12 neighbours), rebuilt every ~8 steps for cells
// crawling at 1 um/min with dt = 0.1 min in the benchmark (10 % rebuilt every 4 steps and was
// slower overall: a rebuild costs ~7 list evaluations).
constexpr double kSkinFraction = 0.2;
// Agents are renumbered in cell order at a list rebuild at most once per this many steps.
constexpr std::uint64_t kSortSteps = 10;

class Mechanics final : public Mechanism {
 public:
  Mechanics(std::vector<rules::PairForce> pairs, std::size_t num_types, double cutoff)
      : pairs_(std::move(pairs)),
        num_types_(num_types),
        cutoff_(cutoff),
        skin_(kSkinFraction * cutoff) {}
  const char* name() const override { return "mechanics"; }
  unsigned phases() const override { return phase_bit(Phase::kMove); }
  double interaction_distance_um() const override { return cutoff_; }
  // Everything held per agent: the lists (offset 4 + 2 per listed neighbour, 4 for an agent
  // whose list is wide), and per slot the agent and its position at the last build (4 + 24).
  std::size_t bytes_per_agent() const override {
    const std::size_t n = lists_.agents();
    if (n == 0) return 0;
    const std::size_t bytes = lists_.bytes() + slot_agent_.size() * sizeof(std::uint32_t) +
                              (x0_.size() + y0_.size() + z0_.size()) * sizeof(double);
    return (bytes + n - 1) / n;
  }

  // Pair terms from Verlet lists: rebuilt (after renumbering the agents in cell order) only when
  // the agents changed or one of them moved more than half the skin since the last build.
  void run(Phase, Simulation& sim, const StepInfo& step) override {
    if (!lists_fresh(sim)) build_lists(sim, step.step);
    AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    const Columns c{a.x.data(),      a.y.data(),    a.z.data(),
                    a.radius.data(), a.type.data(), {d.extent(0), d.extent(1), d.extent(2)}};
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    constexpr std::int64_t kBlock = 256;
    const std::int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(dynamic, 8) \
    num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
      const std::size_t first = static_cast<std::size_t>(blk * kBlock);
      const std::size_t end = static_cast<std::size_t>(std::min(n, (blk + 1) * kBlock));
      sum_lists(c, d.periodic(), d.dim == 3, pairs_.data(), num_types_, lists_, first, end, a);
    }
  }

  // The Verlet lists and the positions they were built from: rebuilding them at a restart
  // would change when the next rebuild and renumbering happen, and so the summation order.
  // Saved in the plain form (neighbour indices; positions in agent order).
  void save_state(StateWriter& out) const override {
    std::vector<std::uint32_t> offsets, list;
    lists_.to_plain(offsets, list);
    const std::size_t n = slot_agent_.size();
    std::vector<double> x0(n), y0(n), z0(n);
    for (std::size_t s = 0; s < n; ++s) {
      x0[slot_agent_[s]] = x0_[s];
      y0[slot_agent_[s]] = y0_[s];
      z0[slot_agent_[s]] = z0_[s];
    }
    out.put("offsets", offsets);
    out.put("list", list);
    out.put("x0", x0);
    out.put("y0", y0);
    out.put("z0", z0);
    out.put_value("built_layout", built_layout_);
    out.put_value("next_sort_step", next_sort_step_);
  }
  void restore_state(const StateReader& in) override {
    const std::vector<std::uint32_t> offsets = in.get<std::uint32_t>("offsets");
    const std::vector<std::uint32_t> list = in.get<std::uint32_t>("list");
    const std::int64_t n = offsets.empty() ? 0 : static_cast<std::int64_t>(offsets.size()) - 1;
    bool consistent = offsets.empty() || (offsets.front() == 0 && offsets.back() == list.size());
    for (std::size_t i = 0; consistent && i + 1 < offsets.size(); ++i) {
      consistent = offsets[i] <= offsets[i + 1];
    }
    for (std::size_t k = 0; consistent && k < list.size(); ++k) {
      consistent = list[k] < static_cast<std::uint64_t>(n);
    }
    if (!consistent) {
      throw InputError(in.path().string() + ": the checkpoint's neighbour lists are inconsistent");
    }
    // Any slot order serves the freshness test; the next build writes them in cell order.
    x0_ = in.get<double>("x0", n);
    y0_ = in.get<double>("y0", n);
    z0_ = in.get<double>("z0", n);
    slot_agent_.resize(static_cast<std::size_t>(n));
    for (std::size_t s = 0; s < slot_agent_.size(); ++s) {
      slot_agent_[s] = static_cast<std::uint32_t>(s);
    }
    lists_.from_plain(offsets, list);
    built_layout_ = in.get_value<std::uint64_t>("built_layout");
    next_sort_step_ = in.get_value<std::uint64_t>("next_sort_step");
  }

 private:
  bool lists_fresh(const Simulation& sim) const {
    const AgentStore& a = sim.agents();
    if (built_layout_ != a.layout_version() || lists_.agents() != a.size() ||
        slot_agent_.size() != a.size()) {
      return false;
    }
    const Domain& d = sim.domain();
    const double limit = 0.25 * skin_ * skin_;
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    bool moved = false;
#pragma omp parallel for schedule(static) reduction(||       \
                                                    : moved) \
    num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t s = 0; s < n; ++s) {
      const std::uint32_t i = slot_agent_[s];
      const double dx = d.delta(0, a.x[i], x0_[s]), dy = d.delta(1, a.y[i], y0_[s]);
      const double dz = d.delta(2, a.z[i], z0_[s]);
      moved = moved || dx * dx + dy * dy + dz * dz > limit;
    }
    return !moved;
  }

  void build_lists(Simulation& sim, std::uint64_t step) {
    // Renumbering moves every column; when lists are rebuilt often (cells pushing hard), once
    // every kSortSteps steps keeps memory order good at a fraction of the cost.
    const bool renumbered = step >= next_sort_step_;
    if (renumbered) {
      sim.renumber_agents_in_cell_order();  // grid slot s now holds agent s
      next_sort_step_ = step + kSortSteps;
    } else {
      sim.neighbour_grid();
    }
    const AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    const UniformGrid& grid = sim.grid();
    const std::size_t n = a.size();
    const bool parallel = static_cast<std::int64_t>(n) >= kMinParallelAgents;
    // The positions in slot order, once: the candidate filter streams them run by run, and
    // lists_fresh compares the agents with them until the next build.
    slot_agent_ = grid.order();
    for (auto* column : {&x0_, &y0_, &z0_}) {
      column->resize(n + kSlotPadding);
      std::fill(column->begin() + static_cast<std::ptrdiff_t>(n), column->end(), 0.0);
    }
    const std::int64_t n_agents = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (parallel)
    for (std::int64_t s = 0; s < n_agents; ++s) {
      const std::uint32_t i = slot_agent_[s];
      x0_[s] = a.x[i];
      y0_[s] = a.y[i];
      z0_[s] = a.z[i];
    }
    const Columns c{x0_.data(), y0_.data(), z0_.data(),
                    nullptr,    nullptr,    {d.extent(0), d.extent(1), d.extent(2)}};
    const double reach = cutoff_ + skin_;
    const double r2 = reach * reach * (1.0 + 1e-9);  // a hair more: safe from rounding
    const bool periodic = d.periodic(), three = d.dim == 3;
    const std::int64_t rows = static_cast<std::int64_t>(grid.num_rows());
    // Two passes over the cells: count each agent's neighbours, then write them. Nearly always
    // every list fits in offsets, so the count assumes so (unless the last build's did not) and
    // the writing pass checks it; when some list does not fit, both passes run again, the count
    // now finding which lists must be full width.
    bool exact = wide_lists_, wide_seen = false;
    for (;;) {
      lists_.reset(n);
      bool misfit = false;
      wide_seen = false;
      for (int pass = 0; pass < 2; ++pass) {
#pragma omp parallel num_threads(sim.threads()) if (parallel) reduction(|| : misfit, wide_seen)
        {
          std::vector<std::uint32_t> near;  // one agent's neighbour slots, then agents
#pragma omp for schedule(dynamic, 4)
          for (std::int64_t row = 0; row < rows; ++row) {
            grid.for_each_cell_in_row(
                static_cast<std::size_t>(row), [&](std::uint32_t first, std::uint32_t end,
                                                   const CandidateRun* runs, std::size_t num_runs) {
                  std::uint32_t candidates = 0;
                  for (std::size_t r = 0; r < num_runs; ++r) {
                    candidates += runs[r].end - runs[r].begin;
                  }
                  if (near.size() < candidates) near.resize(candidates);
                  for (std::uint32_t s = first; s < end; ++s) {
                    const std::size_t i = grid.agent_at(s);
                    if (pass == 0 && !exact) {
                      lists_.set_units(
                          i, near_slots(c, periodic, three, runs, num_runs, s, r2, nullptr));
                      continue;
                    }
                    const std::uint32_t m =
                        near_slots(c, periodic, three, runs, num_runs, s, r2, near.data());
                    bool wide = false;
                    for (std::uint32_t k = 0; k < m; ++k) {
                      near[k] = grid.agent_at(near[k]);
                      wide = wide || !NeighbourList::fits(i, near[k], n);
                    }
                    if (pass == 0) {
                      lists_.set_units(i, NeighbourList::units(m, wide));
                      wide_seen = wide_seen || wide;
                    } else if (wide && !exact) {
                      misfit = true;  // counted as offsets: start again
                    } else {
                      lists_.write(i, near.data(), m);
                    }
                  }
                });
          }
        }
        if (pass == 0) lists_.allocate();
      }
      if (!misfit) break;
      exact = true;
    }
    wide_lists_ = wide_seen;  // then the next build counts exactly from the start
    built_layout_ = a.layout_version();
  }

  std::vector<rules::PairForce> pairs_;
  std::size_t num_types_;
  double cutoff_;
  double skin_;
  NeighbourList lists_;  // neighbours of each agent (in cell order), as offsets where they fit
  // Per slot of the grid at the last build (cell order; identity after a restore): the agent
  // and its position then, followed by kSlotPadding zeros.
  std::vector<std::uint32_t> slot_agent_;
  std::vector<double> x0_, y0_, z0_;
  std::uint64_t built_layout_ = ~std::uint64_t{0};
  std::uint64_t next_sort_step_ = 0;
  bool wide_lists_ = false;  // some list of the last build was full width (not saved: it
                             // changes how a build proceeds, never its lists)
};

}  // namespace

std::unique_ptr<Mechanism> make_mechanics(TableReader& table, const SetupContext& context) {
  const std::size_t nt = context.types.size();
  std::vector<rules::PairForce> per_type(nt);
  const std::string reserved[] = {"pair"};
  std::vector<TableReader> pairs = table.tables("pair");
  for_each_type_table(table, context, reserved, [&](int t, TableReader& sub) {
    rules::PairForce& p = per_type[t];
    p.repulsion_um_per_min = sub.number_or("repulsion_um_per_min", 10.0, Bound::kNonNegative);
    p.adhesion_um_per_min = sub.number_or("adhesion_um_per_min", 0.4, Bound::kNonNegative);
    p.adhesion_range = sub.number_or("adhesion_range", 1.25, Bound::kPositive);
    if (p.adhesion_range < 1.0) sub.fail("adhesion_range", "must be >= 1 (relative to r_i + r_j)");
  });
  std::vector<rules::PairForce> matrix(nt * nt);
  for (std::size_t i = 0; i < nt; ++i) {
    for (std::size_t j = 0; j < nt; ++j) {
      rules::PairForce& p = matrix[i * nt + j];
      p.repulsion_um_per_min =
          std::sqrt(per_type[i].repulsion_um_per_min * per_type[j].repulsion_um_per_min);
      p.adhesion_um_per_min =
          std::sqrt(per_type[i].adhesion_um_per_min * per_type[j].adhesion_um_per_min);
      p.adhesion_range = 0.5 * (per_type[i].adhesion_range + per_type[j].adhesion_range);
    }
  }
  std::vector<std::string> type_names;
  for (const auto& t : context.types) type_names.push_back(t.name);
  for (TableReader& pair : pairs) {
    const int a = static_cast<int>(
        std::find(type_names.begin(), type_names.end(), pair.choice("first", type_names)) -
        type_names.begin());
    const int b = static_cast<int>(
        std::find(type_names.begin(), type_names.end(), pair.choice("second", type_names)) -
        type_names.begin());
    rules::PairForce p = matrix[a * nt + b];
    p.repulsion_um_per_min =
        pair.number_or("repulsion_um_per_min", p.repulsion_um_per_min, Bound::kNonNegative);
    p.adhesion_um_per_min =
        pair.number_or("adhesion_um_per_min", p.adhesion_um_per_min, Bound::kNonNegative);
    p.adhesion_range = pair.number_or("adhesion_range", p.adhesion_range, Bound::kPositive);
    if (p.adhesion_range < 1.0) pair.fail("adhesion_range", "must be >= 1");
    pair.finish();
    matrix[a * nt + b] = p;
    matrix[b * nt + a] = p;
  }
  double max_radius = 0, max_range = 1.0;
  for (const auto& t : context.types) max_radius = std::max(max_radius, t.radius_um);
  for (const auto& p : matrix) max_range = std::max(max_range, p.adhesion_range);
  return std::make_unique<Mechanics>(std::move(matrix), nt, 2.0 * max_radius * max_range);
}

std::span<const ParameterDoc> mechanics_parameters() {
  static const ParameterDoc kMechanicsParameters[] = {
      {"<type>.repulsion_um_per_min", "µm/min", "10",
       "repulsion strength c_rep: speed of i away from j at full overlap; an empty type table "
       "enables the type with defaults",
       "PhysiCell `cell_cell_repulsion_strength`", Evidence::kSimulatorDefault},
      {"<type>.adhesion_um_per_min", "µm/min", "0.4",
       "adhesion strength c_adh: speed of i towards j", "PhysiCell `cell_cell_adhesion_strength`",
       Evidence::kSimulatorDefault},
      {"<type>.adhesion_range", "× (r_i + r_j)", "1.25",
       "adhesion range s: adhesion acts for d < sR",
       "PhysiCell `relative_maximum_adhesion_distance`", Evidence::kSimulatorDefault},
      {"pair.first", "cell type", "required",
       "first type of a `[[mechanisms.mechanics.pair]]` entry, which sets the pair's strengths and "
       "range",
       "–", Evidence::kNotApplicable},
      {"pair.second", "cell type", "required", "second type of the pair", "–",
       Evidence::kNotApplicable},
      {"pair.repulsion_um_per_min", "µm/min", "geometric mean of the two types'",
       "repulsion strength of the pair", "PhysiCell `cell_cell_repulsion_strength`",
       Evidence::kSimulatorDefault},
      {"pair.adhesion_um_per_min", "µm/min", "geometric mean of the two types'",
       "adhesion strength of the pair", "PhysiCell `cell_cell_adhesion_strength`",
       Evidence::kSimulatorDefault},
      {"pair.adhesion_range", "× (r_i + r_j)", "mean of the two types'",
       "adhesion range of the pair", "PhysiCell `relative_maximum_adhesion_distance`",
       Evidence::kSimulatorDefault},
  };
  return kMechanicsParameters;
}

}  // namespace nksim
