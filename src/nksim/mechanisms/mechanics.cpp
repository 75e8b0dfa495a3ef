// mechanics: overdamped cell-cell repulsion and adhesion (rules/forces.h) plus contact pressure.
// Parameters per type ([mechanisms.mechanics.<type>]); a pair uses the geometric mean of the
// two types' strengths and the mean of their ranges (as PhysiCell), unless a
// [[mechanisms.mechanics.pair]] entry sets it. Docs: docs/mechanisms/mechanics.md.
#include <algorithm>
#include <cmath>
#include <cstdint>

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
    const auto delta = [&d](int axis, double p, double q) {
      if constexpr (kPeriodic) {
        return d.delta(axis, p, q);
      } else {
        return p - q;
      }
    };
    const double* sx = grid.slot_x();
    const double* sy = grid.slot_y();
    const double* sz = grid.slot_z();
    const double* sr = grid.slot_radius();
    const std::int32_t* st = grid.slot_type();
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t slot = 0; slot < n; ++slot) {
      // Visit agents in cell order so that consecutive agents share neighbour cells (cache).
      const std::size_t i = grid.agent_at(static_cast<std::uint32_t>(slot));
      const double xi = sx[slot], yi = sy[slot], zi = sz[slot], ri = sr[slot];
      const rules::PairForce* row = &pairs_[static_cast<std::size_t>(st[slot]) * num_types_];
      double vx = 0, vy = 0, vz = 0, pressure = 0;
      grid.for_each_candidate_slot(i, [&](std::uint32_t s) {
        const double dx = delta(0, xi, sx[s]);
        const double dy = delta(1, yi, sy[s]);
        const double dz = kThree ? delta(2, zi, sz[s]) : 0.0;
        const double dist2 = dx * dx + dy * dy + dz * dz;
        const rules::PairForce& p = row[st[s]];
        const double contact = ri + sr[s];
        const double reach = p.adhesion_range * contact;
        if (dist2 >= reach * reach || grid.agent_at(s) == i) return;
        const double dist = std::sqrt(dist2);
        if (!(dist > 0)) return;  // coincident centres: no defined direction
        const double speed = rules::pair_speed(p, dist, contact) / dist;
        vx += speed * dx;
        vy += speed * dy;
        vz += speed * dz;
        pressure += rules::pair_pressure(dist, contact);
      });
      a.vx[i] += vx;
      a.vy[i] += vy;
      a.vz[i] += vz;
      a.pressure[i] = pressure / kPressureScale;
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
