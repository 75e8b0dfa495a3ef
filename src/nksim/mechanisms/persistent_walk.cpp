// persistent_walk: a persistent random walk at constant speed (rules/motility.h).
// Each mechanics step a cell keeps its direction, or with probability 1 - exp(-dt/P) picks a new
// uniformly random one; it then moves at speed s along it (added to its velocity).
// Docs: docs/mechanisms/persistent_walk.md.
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/rules/probability.h"

namespace nksim {
namespace {

struct WalkParams {
  bool enabled = false;
  double speed_um_per_min = 0;
  double persistence_min = 1;
};

class PersistentWalk final : public Mechanism {
 public:
  explicit PersistentWalk(std::vector<WalkParams> params) : params_(std::move(params)) {}
  const char* name() const override { return "persistent_walk"; }
  // The direction each cell is walking in is this mechanism's own state: a daughter starts
  // without one (0, 0, 0) and draws its own at its first step.
  void declare_columns(AgentStore& a) override {
    for (std::size_t axis = 0; axis < 3; ++axis) {
      dir_[axis] = a.declare_column<double>(
          {std::string("walk_direction_") + "xyz"[axis], OnDivide::kReset, false,
           "persistent_walk: direction of the walk (unit vector)"});
    }
  }
  // Cells in a conjugate (nk_recognition_kill's partner column, when it is in the run) stay put.
  void find_columns(const AgentStore& a) override {
    partner_ = a.find_column<std::uint64_t>(kNkPartnerColumn);
  }
  unsigned phases() const override { return phase_bit(Phase::kMove); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    const int dim = sim.domain().dim;
    std::vector<double> turn(params_.size());
    for (std::size_t t = 0; t < params_.size(); ++t) {
      turn[t] = rules::event_probability(1.0 / params_[t].persistence_min, step.dt_min);
    }
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const std::uint64_t seed = sim.seed();
    double* dir_x = a.column(dir_[0]).data();
    double* dir_y = a.column(dir_[1]).data();
    double* dir_z = a.column(dir_[2]).data();
    const std::uint64_t* partner = a.column_data(partner_);  // nullptr when absent
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      const WalkParams& p = params_[a.type[i]];
      if (!p.enabled || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      if (partner && partner[i] != 0) continue;  // arrested in a conjugate (nk_recognition_kill)
      const RandomDraw draw(seed, step.step, Purpose::kMotility, a.id[i]);
      const bool unset = dir_x[i] == 0 && dir_y[i] == 0 && dir_z[i] == 0;
      if (unset || draw.uniform(0) < turn[a.type[i]]) {
        random_direction(RandomDraw(seed, step.step, Purpose::kMotility, a.id[i], 1), dim,
                         dir_x[i], dir_y[i], dir_z[i]);
      }
      a.vx[i] += p.speed_um_per_min * dir_x[i];
      a.vy[i] += p.speed_um_per_min * dir_y[i];
      a.vz[i] += p.speed_um_per_min * dir_z[i];
    }
  }

 private:
  std::vector<WalkParams> params_;
  ColumnKey<double> dir_[3];  // the direction columns
  ColumnKey<std::uint64_t> partner_;
};

}  // namespace

std::unique_ptr<Mechanism> make_persistent_walk(TableReader& table, const SetupContext& context) {
  std::vector<WalkParams> params(context.types.size());
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    params[t].enabled = true;
    params[t].speed_um_per_min = sub.number("speed_um_per_min", Bound::kNonNegative);
    params[t].persistence_min = sub.number("persistence_time_min", Bound::kPositive);
  });
  return std::make_unique<PersistentWalk>(std::move(params));
}

std::span<const ParameterDoc> persistent_walk_parameters() {
  static const ParameterDoc kPersistentWalkParameters[] = {
      {"<type>.speed_um_per_min", "µm/min", "required",
       "walking speed s, added along the direction", "e.g. 1 for PhysiCell's immune cells (sample)",
       Evidence::kSimulatorDefault},
      {"<type>.persistence_time_min", "min", "required",
       "persistence time P: a new direction with probability 1 - exp(-dt/P) per step",
       "e.g. 10 (PhysiCell sample immune cells)", Evidence::kSimulatorDefault},
  };
  return kPersistentWalkParameters;
}

}  // namespace nksim
