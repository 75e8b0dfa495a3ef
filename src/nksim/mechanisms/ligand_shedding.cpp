// ligand_shedding: target cells shed NKG2D ligand (MICA/B) into a soluble-ligand field
// (rules/nk_escape.h). Per exchange step dt, for constant rates, the surface level L follows
//   dL/dt = k_syn (L_0 - L) - k_shed L        (exact step),
// and the exact amount shed over the step, times `field_per_ligand`, is added to the cell's voxel.
// NK cells given `soluble_ligand_field` in nk_recognition_kill lose NKG2D in that field.
// L_0 is the property `nkg2d_ligand_baseline` when defined (heritable), else the type's default.
// Docs: docs/mechanisms/ligand_shedding.md.
#include <algorithm>
#include <cstdint>

#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/nk_escape.h"

namespace nksim {
namespace {

struct TypeShedding {
  bool enabled = false;
  rules::nk::SheddingParams rates;
  double field_per_ligand = 1.0;  // field amount per ligand unit shed
};

class LigandShedding final : public Mechanism {
 public:
  LigandShedding(int field, int ligand, int baseline, std::vector<TypeShedding> types)
      : field_(field), ligand_(ligand), baseline_(baseline), types_(std::move(types)) {}
  const char* name() const override { return "ligand_shedding"; }
  unsigned phases() const override { return phase_bit(Phase::kExchange); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    FieldGrid& fields = sim.fields();
    std::vector<double>& soluble = fields.values(static_cast<std::size_t>(field_));
    std::vector<double>& ligand = a.property[static_cast<std::size_t>(ligand_)];
    const double volume = fields.voxel_volume_um3();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto type = static_cast<std::size_t>(a.type[i]);
      const TypeShedding& t = types_[type];
      if (!t.enabled || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      const double l0 = baseline_ >= 0 ? a.property[static_cast<std::size_t>(baseline_)][i]
                                       : sim.types()[type].property_defaults[ligand_];
      const rules::nk::SheddingStep s =
          rules::nk::shedding_step(ligand[i], l0, step.dt_min, t.rates);
      ligand[i] = s.surface;
      shed_total_ += s.shed;
      soluble[fields.voxel_of(a.x[i], a.y[i], a.z[i])] += t.field_per_ligand * s.shed / volume;
    }
  }

  void save_state(StateWriter& out) const override { out.put_value("shed_total", shed_total_); }
  void restore_state(const StateReader& in) override {
    shed_total_ = in.get_value<double>("shed_total");
  }

  nlohmann::json readouts(const Simulation&) const override {
    return {{"ligand_shed_total", shed_total_}};
  }

 private:
  int field_;
  std::size_t ligand_;
  int baseline_;
  std::vector<TypeShedding> types_;
  double shed_total_ = 0;
};

}  // namespace

std::unique_ptr<Mechanism> make_ligand_shedding(TableReader& table, const SetupContext& context) {
  const int field = read_field(table, "field", context);
  const auto find = [&](const std::string& name) { return context.property(name); };
  const int ligand = find("nkg2d_ligand");
  if (ligand < 0) table.fail("field", "shedding needs a cell property 'nkg2d_ligand'");
  std::vector<TypeShedding> types(context.types.size());
  const std::string reserved[] = {"field"};
  for_each_type_table(table, context, reserved, [&](int ti, TableReader& sub) {
    TypeShedding& t = types[static_cast<std::size_t>(ti)];
    t.enabled = true;
    t.rates.shed_per_min = sub.number("shed_per_min", Bound::kNonNegative);
    t.rates.synthesis_per_min =
        sub.number_or("synthesis_per_min", t.rates.synthesis_per_min, Bound::kNonNegative);
    t.field_per_ligand = sub.number_or("field_per_ligand", 1.0, Bound::kNonNegative);
  });
  return std::make_unique<LigandShedding>(field, ligand, find("nkg2d_ligand_baseline"),
                                          std::move(types));
}

std::span<const ParameterDoc> ligand_shedding_parameters() {
  static const ParameterDoc kLigandSheddingParameters[] = {
      {"field", "field name", "required", "the soluble-ligand field", "–",
       Evidence::kNotApplicable},
      {"<type>.shed_per_min", "min⁻¹", "required", "k_shed: shedding rate of surface ligand",
       "assumption (ADAM10/17 cleavage, Groh 2002 [P])", Evidence::kAssumption},
      {"<type>.synthesis_per_min", "min⁻¹", "1/240", "k_syn: return to the baseline L₀",
       "assumption", Evidence::kAssumption},
      {"<type>.field_per_ligand", "field amount per ligand unit", "1",
       "unit conversion from shed ligand to field amount", "assumption", Evidence::kAssumption},
  };
  return kLigandSheddingParameters;
}

}  // namespace nksim
