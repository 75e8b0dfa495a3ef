// ifn_gamma_response: effector cells committed to a kill secrete IFN-gamma into a field, and
// target cells raise MHC class I in response (rules/nk_ifn_gamma.h):
//   dM/dt = k_on I/(K + I) - k_off (M - M_0),  solved exactly over each phenotype step.
// The baseline M_0 is the property `mhc_i_baseline` when the scenario defines it (heritable),
// else the type's default mhc_i. Raising MHC-I protects a target from NK cells and makes it
// visible to T cells (nk_recognition_kill, role = "t_cell"). Cells with role "switch" (resting
// macrophages, immature dendritic cells) change type at hazard k_max H(I): activated
// macrophage, mature DC (which t_cell_recruitment turns into arriving CD8 T cells).
// Docs: docs/mechanisms/ifn_gamma_response.md.
#include <algorithm>
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
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
  int becomes = -1;  // switch: resting macrophage -> activated, immature DC -> mature
  rules::nk::IfnSwitchParams switching;
};

class IfnGammaResponse final : public Mechanism {
 public:
  IfnGammaResponse(int field, int mhc, int baseline, std::vector<TypeResponse> types)
      : field_(field), mhc_(mhc), baseline_(baseline), types_(std::move(types)) {}
  const char* name() const override { return "ifn_gamma_response"; }
  unsigned phases() const override {
    return phase_bit(Phase::kExchange) | phase_bit(Phase::kDecide);
  }
  // Whether an effector is engaged: nk_recognition_kill's columns (absent: none is).
  void find_columns(const AgentStore& a) override {
    partner_ = a.find_column<std::uint64_t>(kNkPartnerColumn);
    flags_ = a.find_column<std::uint8_t>(kNkFlagsColumn);
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
      const std::uint64_t* partner = a.column_data(partner_);  // nullptr when absent
      const std::uint8_t* flags = a.column_data(flags_);
      for (std::size_t i = 0; i < a.size(); ++i) {
        const TypeResponse& t = types_[static_cast<std::size_t>(a.type[i])];
        const bool engaged = partner && flags && partner[i] != 0 && (flags[i] & kNkCommitted);
        if (!t.secretes || !live(i) || (t.when_engaged && !engaged)) continue;
        ifn[fields.voxel_of(a.x[i], a.y[i], a.z[i])] += step.dt_min * t.export_per_min / volume;
      }
      return;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      const TypeResponse& t = types_[static_cast<std::size_t>(a.type[i])];
      if (t.becomes < 0 || !live(i)) continue;
      const double c = std::max(ifn[fields.voxel_of(a.x[i], a.y[i], a.z[i])], 0.0);
      const RandomDraw draw(sim.seed(), step.step, Purpose::kIfnResponse, a.id[i]);
      if (draw.uniform(0) < rules::nk::ifn_switch_probability(c, step.dt_min, t.switching)) {
        a.type[i] = t.becomes;
        ++switched_;
      }
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

  nlohmann::json readouts(const Simulation&) const override { return {{"switched", switched_}}; }
  void save_state(StateWriter& out) const override { out.put_value("switched", switched_); }
  void restore_state(const StateReader& in) override { switched_ = in.get_value<long>("switched"); }

 private:
  long switched_ = 0;
  int field_, mhc_, baseline_;
  std::vector<TypeResponse> types_;
  ColumnKey<std::uint64_t> partner_;
  ColumnKey<std::uint8_t> flags_;
};

}  // namespace

std::unique_ptr<Mechanism> make_ifn_gamma_response(TableReader& table,
                                                   const SetupContext& context) {
  const int field = read_field(table, "field", context);
  std::vector<TypeResponse> types(context.types.size());
  const std::string reserved[] = {"field"};
  const std::vector<std::string> roles = {"secretor", "responder", "switch"};
  std::vector<std::string> type_names;
  for (const auto& type : context.types) type_names.push_back(type.name);
  const std::vector<std::string> whens = {"engaged", "always"};
  const int mhc = context.property("mhc_i");
  for_each_type_table(table, context, reserved, [&](int ti, TableReader& sub) {
    TypeResponse& t = types[static_cast<std::size_t>(ti)];
    const std::string role = sub.choice("role", roles);
    if (role == "switch") {
      const std::string target = sub.choice("becomes", type_names);
      t.becomes = static_cast<int>(std::find(type_names.begin(), type_names.end(), target) -
                                   type_names.begin());
      if (t.becomes == ti) sub.fail("becomes", "must name another cell type");
      t.switching.max_rate_per_min =
          sub.number_or("max_rate_per_min", t.switching.max_rate_per_min, Bound::kNonNegative);
      t.switching.half_saturation =
          sub.number_or("half_saturation", t.switching.half_saturation, Bound::kPositive);
      t.switching.hill_n = sub.number_or("hill_n", t.switching.hill_n, Bound::kPositive);
      return;
    }
    if (role == "secretor") {
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
  return std::make_unique<IfnGammaResponse>(field, mhc, context.property("mhc_i_baseline"),
                                            std::move(types));
}

std::span<const ParameterDoc> ifn_gamma_response_parameters() {
  static const ParameterDoc kIfnGammaResponseParameters[] = {
      {"field", "field name", "required",
       "the IFN-γ field (a `[[field]]`, e.g. D ≈ 3000–6000 µm²/min, decay ≈ 0.02 min⁻¹ [P])", "–",
       Evidence::kNotApplicable},
      {"<type>.role", "–", "required", "`\"secretor\"`, `\"responder\"` or `\"switch\"`", "–",
       Evidence::kNotApplicable},
      {"<type>.export_per_min", "amount/min", "required (secretor)", "per-cell release",
       "order 10–100 molecules/s (Han 2012, An 2017 [P])", Evidence::kRecalled},
      {"<type>.when", "–", "`\"engaged\"`",
       "secretor: `\"engaged\"` (while committed to a kill) or `\"always\"`", "–",
       Evidence::kNotApplicable},
      {"<type>.mhc_on_per_min", "MHC units/min", "3/720", "responder: k_on", "assumption",
       Evidence::kAssumption},
      {"<type>.mhc_off_per_min", "min⁻¹", "1/720", "responder: k_off", "assumption",
       Evidence::kAssumption},
      {"<type>.ifn_half_saturation", "field units", "0.1", "responder: K", "assumption",
       Evidence::kAssumption},
      {"<type>.becomes", "cell type", "required (switch)",
       "switch: the type it becomes (activated macrophage, mature DC)", "–",
       Evidence::kNotApplicable},
      {"<type>.max_rate_per_min", "min⁻¹", "1/360", "switch: k_max",
       "assumption (\"several hours of exposure\", Thibaut 2020 [V])", Evidence::kAssumption},
      {"<type>.half_saturation", "field units", "0.1", "switch: K", "assumption",
       Evidence::kAssumption},
      {"<type>.hill_n", "–", "2", "switch: n", "assumption", Evidence::kAssumption},
  };
  return kIfnGammaResponseParameters;
}

}  // namespace nksim
