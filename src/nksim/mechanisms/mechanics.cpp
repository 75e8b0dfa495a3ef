// mechanics: overdamped cell-cell repulsion and adhesion (rules/forces.h) plus contact pressure.
// Parameters per type ([mechanisms.mechanics.<type>]); a pair uses the geometric mean of the
// two types' strengths and the mean of their ranges (as PhysiCell), unless a
// [[mechanisms.mechanics.pair]] entry sets it. Docs: docs/mechanisms/mechanics.md.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/simd.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/forces.h"

namespace nksim {
namespace {

// Pressure of a cell with 12 neighbours at the default equilibrium distance (close packing):
// 12 (1 - 0.9526)^2 ~= 0.027, PhysiCell's normalisation of "simple pressure". A packed tissue
// thus has pressure ~1.
constexpr double kPressureScale = 0.027;

// Verlet skin: the neighbour lists hold every pair closer than cutoff + skin, and are rebuilt
// once some agent has moved more than skin / 2 since the last build (then no pair can have
// come within the cutoff unlisted). 20 % of the cutoff: lists ~1.7x the interacting set in a
// uniform 3-D tissue (packed tissue: the same 12 neighbours), rebuilt every ~8 steps for cells
// crawling at 1 um/min with dt = 0.1 min in the benchmark (10 % rebuilt every 4 steps and was
// slower overall: a rebuild costs ~7 list evaluations).
constexpr double kSkinFraction = 0.2;
// Agents are renumbered in cell order at a list rebuild at most once per this many steps.
constexpr std::uint64_t kSortSteps = 10;

// Coordinates, radii and types, and the box (AgentStore columns; for the list build's candidate
// filter, the grid's slot copies of the positions alone).
struct Columns {
  const double* x;
  const double* y;
  const double* z;
  const double* radius;
  const std::int32_t* type;
  double length[3];  // periodic box lengths (unused when not periodic)
};

// The running sums of one agent's pair terms.
struct Sums {
  double vx = 0, vy = 0, vz = 0, pressure = 0;
};

using simd::V4;
using simd::V4Mask;

// Domain::delta for four lanes: the same comparisons, and the same subtraction or addition of
// the box length, lane-wise.
template <bool kPeriodic>
[[gnu::always_inline]] inline V4 delta4(V4 p, V4 q, double l) {
  const V4 d = p - q;
  if constexpr (!kPeriodic) {
    return d;
  } else {
    const V4 half = simd::splat(0.5 * l), lv = simd::splat(l);
    return d - simd::select(d > half, lv) + simd::select(d < -half, lv);
  }
}

// Adds the pair terms of agent i with neighbours nb[0..count) (count <= 4) to `sums`, lane by
// lane in list order. Branch-free form of rules::pair_speed and rules::pair_pressure: every term
// is computed and the ones whose condition fails are zeroed, which gives the same IEEE results
// as skipping them (0 + x = x; the sums start at +0 and never become -0, so adding +0 changes
// nothing).
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline void add_pairs(const Columns& c, std::size_t i,
                                             const rules::PairForce* row, const std::uint32_t* nb,
                                             std::uint32_t count, Sums& sums) {
  using simd::select;
  using simd::splat;
  std::uint32_t t[4];  // lanes past `count` repeat the first neighbour; their terms are zeroed
  for (std::uint32_t k = 0; k < 4; ++k) t[k] = nb[k < count ? k : 0];
  const rules::PairForce* p[4];
  for (std::uint32_t k = 0; k < 4; ++k) p[k] = &row[c.type[t[k]]];
  const V4 gx{c.x[t[0]], c.x[t[1]], c.x[t[2]], c.x[t[3]]};
  const V4 gy{c.y[t[0]], c.y[t[1]], c.y[t[2]], c.y[t[3]]};
  const V4 gr{c.radius[t[0]], c.radius[t[1]], c.radius[t[2]], c.radius[t[3]]};
  const V4 rep{p[0]->repulsion_um_per_min, p[1]->repulsion_um_per_min, p[2]->repulsion_um_per_min,
               p[3]->repulsion_um_per_min};
  const V4 adh{p[0]->adhesion_um_per_min, p[1]->adhesion_um_per_min, p[2]->adhesion_um_per_min,
               p[3]->adhesion_um_per_min};
  const V4 range{p[0]->adhesion_range, p[1]->adhesion_range, p[2]->adhesion_range,
                 p[3]->adhesion_range};
  const V4 dx = delta4<kPeriodic>(splat(c.x[i]), gx, c.length[0]);
  const V4 dy = delta4<kPeriodic>(splat(c.y[i]), gy, c.length[1]);
  V4 dz = splat(0.0);
  if constexpr (kThree) {
    const V4 gz{c.z[t[0]], c.z[t[1]], c.z[t[2]], c.z[t[3]]};
    dz = delta4<kPeriodic>(splat(c.z[i]), gz, c.length[2]);
  }
  const V4 dist2 = dx * dx + dy * dy + dz * dz;
  const V4 contact = splat(c.radius[i]) + gr;
  const V4 adhesion_distance = range * contact;
  V4 root;  // correctly rounded, as std::sqrt (one vsqrtpd where the compiler sees it)
  for (std::uint32_t k = 0; k < 4; ++k) root[k] = __builtin_sqrt(dist2[k]);
  V4Mask ok = (dist2 < adhesion_distance * adhesion_distance) & (root > splat(0.0));
  const V4 a = splat(1.0) - root / contact;
  const V4 b = splat(1.0) - root / adhesion_distance;
  const V4Mask overlap = root < contact;
  const V4 speed =
      (splat(0.0) + select(overlap, rep * a * a) - select(root < adhesion_distance, adh * b * b)) /
      root;
  const V4 cx = select(ok, speed * dx), cy = select(ok, speed * dy), cz = select(ok, speed * dz);
  const V4 cp = select(ok & overlap, a * a);
  for (std::uint32_t k = 0; k < count; ++k) {
    sums.vx += cx[k];
    sums.vy += cy[k];
    sums.vz += cz[k];
    sums.pressure += cp[k];
  }
}

// The pair terms of agents [first, end) over their neighbour lists, added to vx, vy, vz and
// written to pressure (scaled).
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline void sum_lists_impl(const Columns& c, const rules::PairForce* pairs,
                                                  std::size_t num_types,
                                                  const std::uint32_t* offsets,
                                                  const std::uint32_t* list, std::size_t first,
                                                  std::size_t end, AgentStore& a) {
  for (std::size_t i = first; i < end; ++i) {
    const rules::PairForce* row = pairs + static_cast<std::size_t>(c.type[i]) * num_types;
    Sums sums;
    for (std::uint32_t k = offsets[i]; k < offsets[i + 1]; k += 4) {
      const std::uint32_t left = offsets[i + 1] - k;
      add_pairs<kPeriodic, kThree>(c, i, row, list + k, left < 4 ? left : 4, sums);
    }
    a.vx[i] += sums.vx;
    a.vy[i] += sums.vy;
    a.vz[i] += sums.vz;
    a.pressure[i] = sums.pressure / kPressureScale;
  }
}

// One entry point, compiled for AVX2 and for baseline x86-64 (core/simd.h).
NKSIM_SIMD_CLONES void sum_lists(const Columns& c, bool periodic, bool three,
                                 const rules::PairForce* pairs, std::size_t num_types,
                                 const std::uint32_t* offsets, const std::uint32_t* list,
                                 std::size_t first, std::size_t end, AgentStore& a) {
  if (periodic) {
    three ? sum_lists_impl<true, true>(c, pairs, num_types, offsets, list, first, end, a)
          : sum_lists_impl<true, false>(c, pairs, num_types, offsets, list, first, end, a);
  } else {
    three ? sum_lists_impl<false, true>(c, pairs, num_types, offsets, list, first, end, a)
          : sum_lists_impl<false, false>(c, pairs, num_types, offsets, list, first, end, a);
  }
}

// Candidates are filtered in chunks of at most this many slots (a multiple of 4).
constexpr std::uint32_t kChunk = 64;

// Writes to out the slots s != self of the runs whose squared distance to slot `self` is below
// r2, in run order, four candidates at a time with branch-free compaction; returns how many.
// With out == nullptr it only counts (the same number, cheaper). The grid's slot copies are padded,
// so reading up to 3 slots past a run's end is safe.
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline std::uint32_t near_impl(const Columns& c, const CandidateRun* runs,
                                                      std::size_t num_runs, std::uint32_t self,
                                                      double r2, std::uint32_t* out) {
  const V4 px = simd::splat(c.x[self]), py = simd::splat(c.y[self]), pz = simd::splat(c.z[self]);
  const V4 limit = simd::splat(r2);
  std::uint32_t total = 0;
  std::uint32_t buffer[kChunk + 4];
  for (std::size_t r = 0; r < num_runs; ++r) {
    for (std::uint32_t b = runs[r].begin; b < runs[r].end; b += kChunk) {
      const std::uint32_t e = runs[r].end - b > kChunk ? b + kChunk : runs[r].end;
      std::uint32_t m = 0;
      for (std::uint32_t s = b; s < e; s += 4) {
        const V4 dx = delta4<kPeriodic>(px, simd::load4(c.x + s), c.length[0]);
        const V4 dy = delta4<kPeriodic>(py, simd::load4(c.y + s), c.length[1]);
        const V4 dz =
            kThree ? delta4<kPeriodic>(pz, simd::load4(c.z + s), c.length[2]) : simd::splat(0.0);
        const V4Mask in = dx * dx + dy * dy + dz * dz < limit;
        if (out == nullptr) {  // counting only: lanes past the run's end are not counted
          for (std::uint32_t k = 0; k < 4; ++k) {
            m += static_cast<std::uint32_t>(in[k] & 1) & static_cast<std::uint32_t>(s + k < e);
          }
          continue;
        }
        for (std::uint32_t k = 0; k < 4; ++k) {
          buffer[m] = s + k;
          m += static_cast<std::uint32_t>(in[k] & 1);
        }
      }
      if (out == nullptr) {
        total += m;
        continue;
      }
      for (std::uint32_t k = 0; k < m && buffer[k] < e; ++k) {
        if (buffer[k] != self) out[total++] = buffer[k];
      }
    }
  }
  // The agent itself is always among its candidates, at distance 0 < r2.
  return out == nullptr ? total - 1 : total;
}

NKSIM_SIMD_CLONES std::uint32_t near_slots(const Columns& c, bool periodic, bool three,
                                           const CandidateRun* runs, std::size_t num_runs,
                                           std::uint32_t self, double r2, std::uint32_t* out) {
  if (periodic) {
    return three ? near_impl<true, true>(c, runs, num_runs, self, r2, out)
                 : near_impl<true, false>(c, runs, num_runs, self, r2, out);
  }
  return three ? near_impl<false, true>(c, runs, num_runs, self, r2, out)
               : near_impl<false, false>(c, runs, num_runs, self, r2, out);
}

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
  std::size_t bytes_per_agent() const override {
    const std::size_t n = offsets_.empty() ? 0 : offsets_.size() - 1;
    const std::size_t fixed = sizeof(std::uint32_t) + 3 * sizeof(double);  // offset, x0 y0 z0
    return n == 0 ? fixed : fixed + (list_.size() * sizeof(std::uint32_t) + n - 1) / n;
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
      sum_lists(c, d.periodic(), d.dim == 3, pairs_.data(), num_types_, offsets_.data(),
                list_.data(), first, end, a);
    }
  }

 // The Verlet lists and the positions they were built from: rebuilding them at a restart
  // would change when the next rebuild and renumbering happen, and so the summation order.
  void save_state(StateWriter& out) const override {
    out.put("offsets", offsets_);
    out.put("list", list_);
    out.put("x0", x0_);
    out.put("y0", y0_);
    out.put("z0", z0_);
    out.put_value("built_layout", built_layout_);
    out.put_value("next_sort_step", next_sort_step_);
  }
  void restore_state(const StateReader& in) override {
    offsets_ = in.get<std::uint32_t>("offsets");
    list_ = in.get<std::uint32_t>("list");
    const std::int64_t n = offsets_.empty() ? 0 : static_cast<std::int64_t>(offsets_.size()) - 1;
    x0_ = in.get<double>("x0", n);
    y0_ = in.get<double>("y0", n);
    z0_ = in.get<double>("z0", n);
    built_layout_ = in.get_value<std::uint64_t>("built_layout");
    next_sort_step_ = in.get_value<std::uint64_t>("next_sort_step");
    if (!offsets_.empty() && offsets_.back() != list_.size()) {
      throw InputError(in.path().string() + ": the checkpoint's neighbour lists are inconsistent");
    }
  }

 private:
  bool lists_fresh(const Simulation& sim) const {
    const AgentStore& a = sim.agents();
    if (built_layout_ != a.layout_version() || offsets_.size() != a.size() + 1) return false;
    const Domain& d = sim.domain();
    const double limit = 0.25 * skin_ * skin_;
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    bool moved = false;
#pragma omp parallel for schedule(static) reduction(||       \
                                                    : moved) \
    num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t i = 0; i < n; ++i) {
      const double dx = d.delta(0, a.x[i], x0_[i]), dy = d.delta(1, a.y[i], y0_[i]);
      const double dz = d.delta(2, a.z[i], z0_[i]);
      moved = moved || dx * dx + dy * dy + dz * dz > limit;
    }
    return !moved;
  }

  void build_lists(Simulation& sim, std::uint64_t step) {
    // Renumbering moves every column; when lists are rebuilt often (cells pushing hard), once
    // every kSortSteps steps keeps memory order good at a fraction of the cost.
    if (step >= next_sort_step_) {
      sim.renumber_agents_in_cell_order();  // grid slot s now holds agent s
      next_sort_step_ = step + kSortSteps;
    } else {
      sim.neighbour_grid();
    }
    const AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    const UniformGrid& grid = sim.grid();
    // The candidate filter reads positions only: the grid's slot copies, contiguous per run.
    const Columns c{grid.slot_x(), grid.slot_y(), grid.slot_z(),
                    nullptr,       nullptr,       {d.extent(0), d.extent(1), d.extent(2)}};
    const std::size_t n = a.size();
    const double reach = cutoff_ + skin_;
    const double r2 = reach * reach * (1.0 + 1e-9);  // a hair more: safe from rounding
    const bool periodic = d.periodic(), three = d.dim == 3;
    const std::int64_t rows = static_cast<std::int64_t>(grid.num_rows());
    const bool parallel = static_cast<std::int64_t>(n) >= kMinParallelAgents;
    offsets_.assign(n + 1, 0);
    // Two passes over the cells: count each agent's neighbours, then write them at their offsets.
    for (int pass = 0; pass < 2; ++pass) {
#pragma omp parallel for schedule(dynamic, 4) num_threads(sim.threads()) if (parallel)
      for (std::int64_t row = 0; row < rows; ++row) {
        grid.for_each_cell_in_row(
            static_cast<std::size_t>(row), [&](std::uint32_t first, std::uint32_t end,
                                               const CandidateRun* runs, std::size_t num_runs) {
              for (std::uint32_t s = first; s < end; ++s) {
                const std::size_t i = grid.agent_at(s);
                if (pass == 0) {
                  offsets_[i + 1] = near_slots(c, periodic, three, runs, num_runs, s, r2, nullptr);
                } else {
                  std::uint32_t* out = list_.data() + offsets_[i];
                  const std::uint32_t m =
                      near_slots(c, periodic, three, runs, num_runs, s, r2, out);
                  for (std::uint32_t k = 0; k < m; ++k) out[k] = grid.agent_at(out[k]);
                }
              }
            });
      }
      if (pass == 0) {
        for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] += offsets_[i];
        list_.resize(offsets_[n]);
      }
    }
    x0_ = a.x;
    y0_ = a.y;
    z0_ = a.z;
    built_layout_ = a.layout_version();
  }

  std::vector<rules::PairForce> pairs_;
  std::size_t num_types_;
  double cutoff_;
  double skin_;
  std::vector<std::uint32_t> offsets_;  // per agent + 1: first entry in list_
  std::vector<std::uint32_t> list_;     // neighbours (agent indices) of each agent, in cell order
  std::vector<double> x0_, y0_, z0_;    // positions at the last build
  std::uint64_t built_layout_ = ~std::uint64_t{0};
  std::uint64_t next_sort_step_ = 0;
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
