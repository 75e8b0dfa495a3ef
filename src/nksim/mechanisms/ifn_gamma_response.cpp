// ifn_gamma_response: effector cells committed to a kill secrete IFN-gamma into a field, and
// target cells raise MHC class I in response (rules/nk_ifn_gamma.h):
//   dM/dt = k_on I/(K + I) - k_off (M - M_0),  solved exactly over each phenotype step.
// The baseline M_0 is the property `mhc_i_baseline` when the scenario defines it (heritable),
// else the type's default mhc_i. Raising MHC-I protects a target from NK cells and makes it
// visible to T cells (nk_recognition_kill, role = "t_cell"). Docs: docs/mechanisms/nk_ifn_gamma.md.
#include <algorithm>
#include <cstdint>

#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/rules/nk_ifn_gamma.h"

namespace nksim {
namespace {

struct TypeResponse {
  bool secretes = false;
  bool when_engaged = true;   // secrete only while in a conjugate
  double export_per_min = 0;  // amount per minute per cell
  bool responds = false;
  rules::nk::MhcResponseParams mhc;
};

class IfnGammaResponse final : public Mechanism {
 public:
  IfnGammaResponse(int field, int mhc, int baseline, std::vector<TypeResponse> types)
      : field_(field), mhc_(mhc), baseline_(baseline), types_(std::move(types)) {}
  const char* name() const override { return "ifn_gamma_response"; }
  unsigned phases() const override {
    return phase_bit(Phase::kExchange) | phase_bit(Phase::kDecide);
  }

  void run(Phase phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    FieldGrid& fields = sim.fields();
    std::vector<double>& ifn = fields.values(static_cast<std::size_t>(field_));
    const auto live = [&](std::size_t i) {
      return a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
    };
    if (phase == Phase::kExchange) {
      const double volume = fields.voxel_volume_um3();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const TypeResponse& t = types_[static_cast<std::size_t>(a.type[i])];
        const bool engaged = a.partner_id[i] != 0 && (a.nk_flags[i] & kNkCommitted);
        if (!t.secretes || !live(i) || (t.when_engaged && !engaged)) continue;
        ifn[fields.voxel_of(a.x[i], a.y[i], a.z[i])] += step.dt_min * t.export_per_min / volume;
      }
      return;
    }
    if (mhc_ < 0) return;
    std::vector<double>& mhc = a.property[static_cast<std::size_t>(mhc_)];
    for (std::size_t i = 0; i < a.size(); ++i) {
      const TypeResponse& t = types_[static_cast<std::size_t>(a.type[i])];
      if (!t.responds || !live(i)) continue;
      const double m0 = baseline_ >= 0 ? a.property[static_cast<std::size_t>(baseline_)][i]
                                       : sim.types()[static_cast<std::size_t>(a.type[i])]
                                             .property_defaults[static_cast<std::size_t>(mhc_)];
      const double c = ifn[fields.voxel_of(a.x[i], a.y[i], a.z[i])];
      mhc[i] = rules::nk::mhc_step(mhc[i], m0, std::max(c, 0.0), step.dt_min, t.mhc);
    }
  }

 private:
  int field_, mhc_, baseline_;
  std::vector<TypeResponse> types_;
};

int property(const SetupContext& context, const std::string& name) {
  const auto& names = context.property_names;
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

}  // namespace

std::unique_ptr<Mechanism> make_ifn_gamma_response(TableReader& table,
                                                   const SetupContext& context) {
  const int field = read_field(table, "field", context);
  std::vector<TypeResponse> types(context.types.size());
  const std::string reserved[] = {"field"};
  const std::vector<std::string> roles = {"secretor", "responder"};
  const std::vector<std::string> whens = {"engaged", "always"};
  const int mhc = property(context, "mhc_i");
  for_each_type_table(table, context, reserved, [&](int ti, TableReader& sub) {
    TypeResponse& t = types[static_cast<std::size_t>(ti)];
    if (sub.choice("role", roles) == "secretor") {
      t.secretes = true;
      t.export_per_min = sub.number("export_per_min", Bound::kNonNegative);
      t.when_engaged = sub.choice_or("when", whens, "engaged") == "engaged";
      return;
    }
    if (mhc < 0) sub.fail("role", "responder needs a cell property 'mhc_i'");
    t.responds = true;
    t.mhc.mhc_on_per_min =
        sub.number_or("mhc_on_per_min", t.mhc.mhc_on_per_min, Bound::kNonNegative);
    t.mhc.mhc_off_per_min =
        sub.number_or("mhc_off_per_min", t.mhc.mhc_off_per_min, Bound::kPositive);
    t.mhc.ifn_half_saturation =
        sub.number_or("ifn_half_saturation", t.mhc.ifn_half_saturation, Bound::kPositive);
  });
  return std::make_unique<IfnGammaResponse>(field, mhc, property(context, "mhc_i_baseline"),
                                            std::move(types));
}

}  // namespace nksim
