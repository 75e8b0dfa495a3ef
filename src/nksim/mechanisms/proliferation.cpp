// proliferation: division at a constant rate (exponential waiting time), slowed by contact
// pressure (rules/probability.h), with heritable per-cell properties copied to the daughter and
// perturbed by Gaussian noise of a chosen standard deviation. The daughter is placed touching the
// mother (Simulation::apply_events). Docs: docs/mechanisms/proliferation.md.
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/text.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/probability.h"

namespace nksim {
namespace {

struct ProliferationParams {
  double rate_per_min = 0;
  double pressure_max = 0;          // 0: no contact inhibition
  std::vector<double> mutation_sd;  // per property column
};

class Proliferation final : public Mechanism {
 public:
  explicit Proliferation(std::vector<ProliferationParams> params) : params_(std::move(params)) {}
  const char* name() const override { return "proliferation"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const std::uint64_t seed = sim.seed();
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      const ProliferationParams& p = params_[a.type[i]];
      if (p.rate_per_min <= 0 || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) {
        continue;
      }
      const double rate =
          p.rate_per_min * rules::pressure_growth_factor(a.pressure[i], p.pressure_max);
      const RandomDraw draw(seed, step.step, Purpose::kProliferation, a.id[i]);
      if (draw.uniform(0) < rules::event_probability(rate, step.dt_min)) {
        a.event[i] |= kEventDivide;
      }
    }
  }

  void on_divide(Simulation& sim, std::size_t, std::size_t daughter,
                 const StepInfo& step) override {
    AgentStore& a = sim.agents();
    const ProliferationParams& p = params_[a.type[daughter]];
    for (std::size_t k = 0; k < p.mutation_sd.size(); ++k) {
      if (p.mutation_sd[k] <= 0) continue;
      double z1, z2;
      RandomDraw(sim.seed(), step.step, Purpose::kMutation, a.id[daughter],
                 static_cast<std::uint32_t>(k))
          .normals(z1, z2);
      a.property[k][daughter] += p.mutation_sd[k] * z1;
    }
  }

 private:
  std::vector<ProliferationParams> params_;
};

}  // namespace

std::unique_ptr<Mechanism> make_proliferation(TableReader& table, const SetupContext& context) {
  std::vector<ProliferationParams> params(context.types.size());
  for (auto& p : params) p.mutation_sd.assign(context.property_names.size(), 0.0);
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    ProliferationParams& p = params[t];
    const auto rate = sub.optional_number("rate_per_min", Bound::kNonNegative);
    const auto duration = sub.optional_number("cycle_duration_min", Bound::kPositive);
    if (rate && duration) {
      sub.fail("cycle_duration_min", "and 'rate_per_min' both given; give one of them");
    }
    if (!rate && !duration) {
      sub.fail_missing("cycle_duration_min", "a number > 0, or 'rate_per_min'");
    }
    p.rate_per_min = rate ? *rate : 1.0 / *duration;
    p.pressure_max = sub.number_or("pressure_max", 0.0, Bound::kNonNegative);
    if (auto noise = sub.optional_table("mutation_sd")) {
      for (const std::string& key : noise->keys()) {
        const int k = context.property(key);
        if (k < 0) {
          noise->fail(key, "is not a property of any cell type" +
                               did_you_mean(key, context.property_names));
        }
        p.mutation_sd[static_cast<std::size_t>(k)] = noise->number(key, Bound::kNonNegative);
      }
      noise->finish();
    }
  });
  return std::make_unique<Proliferation>(std::move(params));
}

std::span<const ParameterDoc> proliferation_parameters() {
  static const ParameterDoc kProliferationParameters[] = {
      {"<type>.rate_per_min", "1/min", "one of the two required",
       "division rate r at zero pressure", "assumption", Evidence::kAssumption},
      {"<type>.cycle_duration_min", "min", "one of the two required",
       "or the cycle duration: rate = 1/duration (exponential waiting time)",
       "PhysiCell \"live\" cycle", Evidence::kSimulatorDefault},
      {"<type>.pressure_max", "dimensionless", "0 (no inhibition)",
       "pressure p_max at which division stops: f(p) = max(0, 1 - p/p_max)",
       "assumption; 1 = arrest at close packing", Evidence::kAssumption},
      {"<type>.mutation_sd.<property>", "property units", "none",
       "inline table `{ property = sd }`; daughter value += N(0, sd²)", "assumption",
       Evidence::kAssumption},
  };
  return kProliferationParameters;
}

}  // namespace nksim
