// mechanics: overdamped cell-cell repulsion and adhesion (rules/forces.h) plus contact pressure.
// Parameters per type ([mechanisms.mechanics.<type>]); a pair uses the geometric mean of the
// two types' strengths and the mean of their ranges (as PhysiCell), unless a
// [[mechanisms.mechanics.pair]] entry sets it. Docs: docs/mechanisms/mechanics.md.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/simd.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/rules/forces.h"

namespace nksim {
namespace {

// Pressure of a cell with 12 neighbours at the default equilibrium distance (close packing):
// 12 (1 - 0.9526)^2 ~= 0.027, PhysiCell's normalisation of "simple pressure". A packed tissue
// thus has pressure ~1.
constexpr double kPressureScale = 0.027;

// Where the candidates' copies live (UniformGrid's slot columns), and the box.
struct SlotView {
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

// The agent whose velocity is being summed, and its sums.
struct Focus {
  std::uint32_t slot;
  double p[3];
  double radius;
  const rules::PairForce* row;  // pair parameters against each type
  double filter2;               // no pair interacts beyond sqrt(filter2)
  Sums sums;
};

using simd::V4;
using Run = CandidateRun;
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

// The pair terms of every candidate in the runs, added to f in slot order, four consecutive
// slots at a time: contiguous loads, no gathers, no branches but one per four candidates (most
// candidates of a cell-list query lie beyond the interaction distance, and four of them often
// all do). Branch-free form of rules::pair_speed and rules::pair_pressure: every term is
// computed and the ones whose condition fails are zeroed, which gives the same IEEE results as
// skipping them (0 + x = x; the sums start at +0 and never become -0, so adding +0 changes
// nothing). Lanes are added to the sums one by one, in slot order, so the sums do not depend on
// how candidates fall into groups of four.
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline void interact_impl(const SlotView& v, const Run* runs,
                                                 std::size_t num_runs, Focus& f) {
  using simd::select;
  using simd::splat;
  Sums sums = f.sums;  // a local copy: it stays in registers, as nothing else can alias it
  const V4 px = splat(f.p[0]), py = splat(f.p[1]), pz = splat(f.p[2]);
  const V4 limit = splat(f.filter2), ri = splat(f.radius);
  const V4 lane{0, 1, 2, 3};
  for (std::size_t r = 0; r < num_runs; ++r) {
    const std::uint32_t end = runs[r].end;
    for (std::uint32_t s = runs[r].begin; s < end; s += 4) {  // may read 3 padding slots
      const V4 dx = delta4<kPeriodic>(px, simd::load4(v.x + s), v.length[0]);
      const V4 dy = delta4<kPeriodic>(py, simd::load4(v.y + s), v.length[1]);
      const V4 dz = kThree ? delta4<kPeriodic>(pz, simd::load4(v.z + s), v.length[2]) : splat(0.0);
      const V4 dist2 = dx * dx + dy * dy + dz * dz;
      const V4Mask near = (dist2 < limit) & (lane < splat(static_cast<double>(end - s)));
      bool any = false;
      for (std::uint32_t k = 0; k < 4; ++k) any |= near[k] != 0;
      if (!any) continue;
      double rep[4], adh[4], range[4];
      for (std::uint32_t k = 0; k < 4; ++k) {
        const rules::PairForce& p = f.row[v.type[s + k]];
        rep[k] = p.repulsion_um_per_min;
        adh[k] = p.adhesion_um_per_min;
        range[k] = p.adhesion_range;
      }
      const V4 contact = ri + simd::load4(v.radius + s);
      const V4 adhesion_distance = simd::load4(range) * contact;
      V4 root;  // correctly rounded, as std::sqrt (one vsqrtpd where the compiler sees it)
      for (std::uint32_t k = 0; k < 4; ++k) root[k] = __builtin_sqrt(dist2[k]);
      V4Mask ok = near & (dist2 < adhesion_distance * adhesion_distance) & (root > splat(0.0));
      if (f.slot - s < 4) ok[f.slot - s] = 0;  // not with itself
      const V4 a = splat(1.0) - root / contact;
      const V4 b = splat(1.0) - root / adhesion_distance;
      const V4Mask overlap = root < contact;
      const V4 speed = (splat(0.0) + select(overlap, simd::load4(rep) * a * a) -
                        select(root < adhesion_distance, simd::load4(adh) * b * b)) /
                       root;
      const V4 cx = select(ok, speed * dx), cy = select(ok, speed * dy);
      const V4 cz = select(ok, speed * dz), cp = select(ok & overlap, a * a);
      for (std::uint32_t k = 0; k < 4; ++k) {
        sums.vx += cx[k];
        sums.vy += cy[k];
        sums.vz += cz[k];
        sums.pressure += cp[k];
      }
    }
  }
  f.sums = sums;
}

// One entry point, compiled for AVX2 and for baseline x86-64 (core/simd.h).
NKSIM_SIMD_CLONES void interact(const SlotView& v, bool periodic, bool three, const Run* runs,
                                std::size_t num_runs, Focus& f) {
  if (periodic) {
    three ? interact_impl<true, true>(v, runs, num_runs, f)
          : interact_impl<true, false>(v, runs, num_runs, f);
  } else {
    three ? interact_impl<false, true>(v, runs, num_runs, f)
          : interact_impl<false, false>(v, runs, num_runs, f);
  }
}

class Mechanics final : public Mechanism {
 public:
  Mechanics(std::vector<rules::PairForce> pairs, std::size_t num_types, double cutoff)
      : pairs_(std::move(pairs)), num_types_(num_types), cutoff_(cutoff) {}
  const char* name() const override { return "mechanics"; }
  unsigned phases() const override { return phase_bit(Phase::kMove); }
  double interaction_distance_um() const override { return cutoff_; }

  void run(Phase, Simulation& sim, const StepInfo&) override {
    const Domain& d = sim.domain();
    if (d.periodic()) {
      d.dim == 3 ? kernel<true, true>(sim) : kernel<true, false>(sim);
    } else {
      d.dim == 3 ? kernel<false, true>(sim) : kernel<false, false>(sim);
    }
  }

 private:
  template <bool kPeriodic, bool kThree>
  void kernel(Simulation& sim) const {
    AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    const UniformGrid& grid = sim.grid();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const SlotView view{grid.slot_x(),
                        grid.slot_y(),
                        grid.slot_z(),
                        grid.slot_radius(),
                        grid.slot_type(),
                        {d.extent(0), d.extent(1), d.extent(2)}};
    // No pair interacts beyond cutoff_; the filter keeps a hair more to be safe from rounding.
    const double filter2 = cutoff_ * cutoff_ * (1.0 + 1e-9);
    // Cell by cell (the runs of neighbouring slots are the same for every agent of a cell), row
    // by row in parallel. Each agent's sums depend only on the grid, never on the thread or the
    // schedule; dynamic scheduling balances rows through dense tissue against empty ones.
    const std::int64_t rows = static_cast<std::int64_t>(grid.num_rows());
#pragma omp parallel for schedule(dynamic, 4) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t row = 0; row < rows; ++row) {
      grid.for_each_cell_in_row(static_cast<std::size_t>(row), [&](std::uint32_t first,
                                                                   std::uint32_t end,
                                                                   const Run* runs,
                                                                   std::size_t num_runs) {
        for (std::uint32_t slot = first; slot < end; ++slot) {
          const std::size_t i = grid.agent_at(slot);
          Focus f{slot,
                  {view.x[slot], view.y[slot], view.z[slot]},
                  view.radius[slot],
                  &pairs_[static_cast<std::size_t>(view.type[slot]) * num_types_],
                  filter2,
                  {}};
          interact(view, kPeriodic, kThree, runs, num_runs, f);
          a.vx[i] += f.sums.vx;
          a.vy[i] += f.sums.vy;
          a.vz[i] += f.sums.vz;
          a.pressure[i] = f.sums.pressure / kPressureScale;
        }
      });
    }
  }

  std::vector<rules::PairForce> pairs_;
  std::size_t num_types_;
  double cutoff_;
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

}  // namespace nksim
