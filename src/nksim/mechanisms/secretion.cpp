// secretion: per cell type and field, secretion towards a target concentration, uptake, and a
// net export, integrated implicitly per diffusion step (rules/secretion.h, BioFVM's scheme).
// Runs serially in agent order, so several agents in one voxel are applied in a fixed order.
// Docs: docs/mechanisms/secretion.md.
#include <cstdint>
#include <numbers>

#include "nksim/core/text.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/rules/secretion.h"

namespace nksim {
namespace {

struct Exchange {
  int field = -1;
  double secretion_per_min = 0;
  double target = 1;
  double uptake_per_min = 0;
  double export_per_min = 0;  // amount per minute per cell
};

class Secretion final : public Mechanism {
 public:
  explicit Secretion(std::vector<std::vector<Exchange>> by_type) : by_type_(std::move(by_type)) {}
  const char* name() const override { return "secretion"; }
  unsigned phases() const override { return phase_bit(Phase::kExchange); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    FieldGrid& fields = sim.fields();
    const double voxel_volume = fields.voxel_volume_um3();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto& list = by_type_[a.type[i]];
      if (list.empty() || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      const std::size_t v = fields.voxel_of(a.x[i], a.y[i], a.z[i]);
      const double r = a.radius[i];
      const double ratio = 4.0 / 3.0 * std::numbers::pi * r * r * r / voxel_volume;
      for (const Exchange& e : list) {
        double& c = fields.values(static_cast<std::size_t>(e.field))[v];
        c = rules::secrete_uptake(c, step.dt_min, ratio, e.secretion_per_min, e.target,
                                  e.uptake_per_min, e.export_per_min / voxel_volume);
      }
    }
  }

 private:
  std::vector<std::vector<Exchange>> by_type_;
};

}  // namespace

std::unique_ptr<Mechanism> make_secretion(TableReader& table, const SetupContext& context) {
  std::vector<std::vector<Exchange>> by_type(context.types.size());
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    std::vector<std::string> names;
    for (std::size_t f = 0; f < context.fields.num_fields(); ++f) {
      names.push_back(context.fields.spec(f).name);
    }
    for (const std::string& key : sub.keys()) {
      const int f = context.fields.find(key);
      if (f < 0) sub.fail(key, "is not a field" + did_you_mean(key, names));
      TableReader e = sub.table(key);
      Exchange x;
      x.field = f;
      x.secretion_per_min = e.number_or("secretion_per_min", 0.0, Bound::kNonNegative);
      x.target = e.number_or("target", 1.0, Bound::kNonNegative);
      x.uptake_per_min = e.number_or("uptake_per_min", 0.0, Bound::kNonNegative);
      x.export_per_min = e.number_or("export_per_min", 0.0, Bound::kAny);
      e.finish();
      by_type[t].push_back(x);
    }
  });
  return std::make_unique<Secretion>(std::move(by_type));
}

}  // namespace nksim
