// chemotaxis: a drift at a fixed speed up the gradient of a field, added to the velocity:
//   v += s grad(c) / |grad(c)|   (nothing where the gradient vanishes)
// The gradient is the central difference at the agent's voxel (FieldGrid::gradient).
// Docs: docs/mechanisms/chemotaxis.md.
#include <cmath>
#include <cstdint>

#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/mechanisms/mechanism_docs.h"

namespace nksim {
namespace {

struct ChemotaxisParams {
  int field = -1;  // -1: type not chemotactic
  double speed_um_per_min = 0;
};

class Chemotaxis final : public Mechanism {
 public:
  explicit Chemotaxis(std::vector<ChemotaxisParams> params) : params_(std::move(params)) {}
  const char* name() const override { return "chemotaxis"; }
  unsigned phases() const override { return phase_bit(Phase::kMove); }
  void find_columns(const AgentStore& a) override {
    partner_ = a.find_column<std::uint64_t>(kNkPartnerColumn);
  }

  void run(Phase, Simulation& sim, const StepInfo&) override {
    AgentStore& a = sim.agents();
    const FieldGrid& fields = sim.fields();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const std::uint64_t* partner = a.column_data(partner_);  // nullptr without nk_recognition_kill
#pragma omp parallel for schedule(static) num_threads(sim.threads()) if (n >= kMinParallelAgents)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      const ChemotaxisParams& p = params_[a.type[i]];
      if (p.field < 0 || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      if (partner && partner[i] != 0) continue;  // arrested in a conjugate (nk_recognition_kill)
      const auto g = fields.gradient(static_cast<std::size_t>(p.field),
                                     fields.voxel_of(a.x[i], a.y[i], a.z[i]));
      const double norm = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
      if (!(norm > 0)) continue;
      const double s = p.speed_um_per_min / norm;
      a.vx[i] += s * g[0];
      a.vy[i] += s * g[1];
      a.vz[i] += s * g[2];
    }
  }

 private:
  std::vector<ChemotaxisParams> params_;
  ColumnKey<std::uint64_t> partner_;
};

}  // namespace

std::unique_ptr<Mechanism> make_chemotaxis(TableReader& table, const SetupContext& context) {
  std::vector<ChemotaxisParams> params(context.types.size());
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    params[t].field = read_field(sub, "field", context);
    params[t].speed_um_per_min = sub.number("speed_um_per_min", Bound::kNonNegative);
  });
  return std::make_unique<Chemotaxis>(std::move(params));
}

std::span<const ParameterDoc> chemotaxis_parameters() {
  static const ParameterDoc kChemotaxisParameters[] = {
      {"<type>.field", "", "required", "the field followed: a `[[field]]` name", "–",
       Evidence::kNotApplicable},
      {"<type>.speed_um_per_min", "µm/min", "required", "drift speed s up the gradient",
       "assumption per scenario", Evidence::kAssumption},
  };
  return kChemotaxisParameters;
}

}  // namespace nksim
