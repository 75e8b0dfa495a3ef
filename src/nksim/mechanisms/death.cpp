// death: apoptosis and lysis at constant rates (probability 1 - exp(-r dt) per phenotype step),
// then removal of the corpse after a type-specific delay. Dead cells keep their volume (they
// still push) but neither move, divide nor secrete. Docs: docs/mechanisms/death.md.
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/probability.h"

namespace nksim {
namespace {

struct DeathParams {
  bool enabled = false;
  double apoptosis_rate_per_min = 0;
  double apoptosis_removal_min = 516;  // PhysiCell apoptosis duration (8.6 h)
  double lysis_rate_per_min = 0;
  double lysis_removal_min = 60;  // assumption
};

class Death final : public Mechanism {
 public:
  explicit Death(std::vector<DeathParams> params) : params_(std::move(params)) {}
  const char* name() const override { return "death"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const std::uint64_t seed = sim.seed();
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      const DeathParams& p = params_[a.type[i]];
      if (!p.enabled) continue;
      const auto state = static_cast<AgentState>(a.state[i]);
      if (state == AgentState::kApoptotic) {
        if (a.state_time_min[i] >= p.apoptosis_removal_min) a.event[i] |= kEventRemove;
        continue;
      }
      if (state == AgentState::kLysed) {
        if (a.state_time_min[i] >= p.lysis_removal_min) a.event[i] |= kEventRemove;
        continue;
      }
      const RandomDraw draw(seed, step.step, Purpose::kApoptosis, a.id[i]);
      if (draw.uniform(0) < rules::event_probability(p.apoptosis_rate_per_min, step.dt_min)) {
        a.event[i] |= kEventApoptosis;
      } else if (draw.uniform(1) < rules::event_probability(p.lysis_rate_per_min, step.dt_min)) {
        a.event[i] |= kEventLysis;
      }
    }
  }

 private:
  std::vector<DeathParams> params_;
};

}  // namespace

std::unique_ptr<Mechanism> make_death(TableReader& table, const SetupContext& context) {
  std::vector<DeathParams> params(context.types.size());
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    DeathParams& p = params[t];
    p.enabled = true;
    p.apoptosis_rate_per_min = sub.number_or("apoptosis_rate_per_min", 0.0, Bound::kNonNegative);
    p.apoptosis_removal_min =
        sub.number_or("apoptosis_removal_min", p.apoptosis_removal_min, Bound::kNonNegative);
    p.lysis_rate_per_min = sub.number_or("lysis_rate_per_min", 0.0, Bound::kNonNegative);
    p.lysis_removal_min =
        sub.number_or("lysis_removal_min", p.lysis_removal_min, Bound::kNonNegative);
  });
  return std::make_unique<Death>(std::move(params));
}

std::span<const ParameterDoc> death_parameters() {
  static const ParameterDoc kDeathParameters[] = {
      {"<type>.apoptosis_rate_per_min", "1/min", "0", "apoptosis rate r_a of a live cell",
       "PhysiCell default 5.31667e-5", Evidence::kSimulatorDefault},
      {"<type>.apoptosis_removal_min", "min", "516", "time an apoptotic cell stays before removal",
       "PhysiCell apoptosis duration (8.6 h)", Evidence::kSimulatorDefault},
      {"<type>.lysis_rate_per_min", "1/min", "0", "lysis rate r_l of a live cell", "assumption",
       Evidence::kAssumption},
      {"<type>.lysis_removal_min", "min", "60", "time a lysed cell stays before removal",
       "assumption", Evidence::kAssumption},
  };
  return kDeathParameters;
}

}  // namespace nksim
