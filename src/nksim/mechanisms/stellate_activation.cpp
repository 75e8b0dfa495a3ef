// stellate_activation: hepatic stellate cells in a liver patch (BIOLOGY_DISEASES 4). Each state is
// a cell type the scenario names, so counts.csv counts them:
//   quiescent -> activated   at hazard k TGF/(K + TGF) / (1 + IFN/K_I) per minute
//                            (probability 1 - exp(-hazard dt) per phenotype step),
//   activated -> senescent   at a constant hazard r per minute,
// drawn from counter-based uniforms keyed by (step, cell id), so independent of threads. A cell
// entering a type may have its `nkg2d_ligand` property set (raised activating ligands on
// activated and senescent cells), which is all nk_recognition_kill needs to find them.
// Activated cells secrete TGF-beta through the `secretion` mechanism (not here). In the exchange
// phase every live cell of a depositing type adds collagen_per_min dt / voxel volume to its voxel
// of the collagen field, a field with no diffusion and no decay: the engine moves, saves and
// writes it like every field, and its total in counts.csv is the collagen deposited so far. An
// optional area field, also without diffusion or decay, is rewritten after each deposition to
// 1/(voxels x voxel volume) in every voxel whose collagen exceeds the threshold, 0 elsewhere, so
// that its total in counts.csv is the collagen area fraction. Docs:
// docs/mechanisms/stellate_activation.md.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"

namespace nksim {
namespace {

enum class StellateRole { kNone, kQuiescent, kActivated, kSenescent };

struct StellateType {
  StellateRole role = StellateRole::kNone;
  int becomes = -1;              // quiescent: the activated type; activated: the senescent type
  double max_rate_per_min = 0;   // quiescent: k; activated: senescence rate r
  double half_saturation = 1;    // quiescent: K (TGF-beta field units)
  double ifn_half_inhibition = 0.1;  // quiescent: K_I (IFN-gamma field units)
  double collagen_per_min = 0;   // amount per minute per live cell of this type
  bool sets_ligand = false;      // on entering this type, nkg2d_ligand := ligand
  double ligand = 0;
};

class StellateActivation final : public Mechanism {
 public:
  StellateActivation(int tgf, int collagen, int area, int ifn, int ligand, double threshold,
                     std::vector<StellateType> types)
      : tgf_(tgf),
        collagen_(collagen),
        area_(area),
        ifn_(ifn),
        ligand_(ligand),
        threshold_(threshold),
        types_(std::move(types)) {}
  const char* name() const override { return "stellate_activation"; }
  unsigned phases() const override {
    return phase_bit(Phase::kDecide) | phase_bit(Phase::kExchange);
  }

  void run(Phase phase, Simulation& sim, const StepInfo& step) override {
    if (phase == Phase::kExchange) {
      deposit(sim, step.dt_min);
      return;
    }
    AgentStore& a = sim.agents();
    const FieldGrid& fields = sim.fields();
    const std::vector<double>& tgf = fields.values(static_cast<std::size_t>(tgf_));
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      const StellateType& t = types_[static_cast<std::size_t>(a.type[i])];
      if (t.becomes < 0 || !(t.max_rate_per_min > 0)) continue;
      double hazard = t.max_rate_per_min;
      const std::size_t v = fields.voxel_of(a.x[i], a.y[i], a.z[i]);
      if (t.role == StellateRole::kQuiescent) {
        const double c = std::max(tgf[v], 0.0);
        const double inhibition =
            ifn_ < 0 ? 1.0
                     : 1.0 / (1.0 + std::max(fields.values(static_cast<std::size_t>(ifn_))[v],
                                             0.0) /
                                        t.ifn_half_inhibition);
        hazard *= c / (t.half_saturation + c) * inhibition;
      }
      const RandomDraw draw(sim.seed(), step.step, Purpose::kStellate, a.id[i]);
      if (draw.uniform(0) >= -std::expm1(-hazard * step.dt_min)) continue;
      const StellateType& next = types_[static_cast<std::size_t>(t.becomes)];
      a.type[i] = t.becomes;
      if (next.sets_ligand) a.property[static_cast<std::size_t>(ligand_)][i] = next.ligand;
      ++(t.role == StellateRole::kQuiescent ? activated_ : senesced_);
    }
  }

  nlohmann::json readouts(const Simulation&) const override {
    return {{"activated", activated_},
            {"senesced", senesced_},
            {"collagen_deposited", deposited_},
            {"depositing_cell_min", depositing_cell_min_}};
  }
  void save_state(StateWriter& out) const override {
    out.put_value("activated", activated_);
    out.put_value("senesced", senesced_);
    out.put_value("deposited", deposited_);
    out.put_value("depositing_cell_min", depositing_cell_min_);
  }
  void restore_state(const StateReader& in) override {
    activated_ = in.get_value<long>("activated");
    senesced_ = in.get_value<long>("senesced");
    deposited_ = in.get_value<double>("deposited");
    depositing_cell_min_ = in.get_value<double>("depositing_cell_min");
  }

 private:
  // Collagen from every live depositing cell into its voxel (serial, agent order), then the
  // area field.
  void deposit(Simulation& sim, double dt) {
    const AgentStore& a = sim.agents();
    FieldGrid& fields = sim.fields();
    std::vector<double>& collagen = fields.values(static_cast<std::size_t>(collagen_));
    const double volume = fields.voxel_volume_um3();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const StellateType& t = types_[static_cast<std::size_t>(a.type[i])];
      if (!(t.collagen_per_min > 0) ||
          a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) {
        continue;
      }
      collagen[fields.voxel_of(a.x[i], a.y[i], a.z[i])] += t.collagen_per_min * dt / volume;
      deposited_ += t.collagen_per_min * dt;
      depositing_cell_min_ += dt;
    }
    if (area_ < 0) return;
    std::vector<double>& area = fields.values(static_cast<std::size_t>(area_));
    const double share = 1.0 / (static_cast<double>(area.size()) * volume);
    for (std::size_t v = 0; v < area.size(); ++v) {
      area[v] = collagen[v] > threshold_ ? share : 0.0;
    }
  }

  int tgf_, collagen_, area_, ifn_, ligand_;
  double threshold_;
  std::vector<StellateType> types_;
  long activated_ = 0, senesced_ = 0;
  double deposited_ = 0, depositing_cell_min_ = 0;
};

// The field named by `key` must neither diffuse nor decay (it holds a per-voxel quantity).
int read_static_field(TableReader& table, std::string_view key, const SetupContext& context) {
  const int f = read_field(table, key, context);
  const FieldSpec& spec = context.fields.spec(static_cast<std::size_t>(f));
  if (spec.diffusion_um2_per_min != 0 || spec.decay_per_min != 0) {
    table.fail(key, "names field '" + spec.name +
                        "', which must have diffusion_um2_per_min = 0 and decay_per_min = 0 "
                        "(collagen stays where it was laid down)");
  }
  return f;
}

}  // namespace

std::unique_ptr<Mechanism> make_stellate_activation(TableReader& table,
                                                    const SetupContext& context) {
  const int tgf = read_field(table, "tgf_field", context);
  const int collagen = read_static_field(table, "collagen_field", context);
  const int area = table.has("area_field") ? read_static_field(table, "area_field", context) : -1;
  if (area == collagen) table.fail("area_field", "must differ from collagen_field");
  const int ifn = table.has("ifn_field") ? read_field(table, "ifn_field", context) : -1;
  const double threshold = table.number_or("collagen_threshold", 1.0, Bound::kNonNegative);
  std::vector<std::string> type_names;
  for (const auto& type : context.types) type_names.push_back(type.name);
  const std::vector<std::string> roles = {"quiescent", "activated", "senescent"};
  const std::string reserved[] = {"tgf_field", "collagen_field", "area_field", "ifn_field",
                                  "collagen_threshold"};
  std::vector<StellateType> types(context.types.size());
  int ligand = -1;
  std::vector<std::pair<int, std::string>> targets;  // (type, becomes), checked below
  for_each_type_table(table, context, reserved, [&](int ti, TableReader& sub) {
    StellateType& t = types[static_cast<std::size_t>(ti)];
    const std::string role = sub.choice("role", roles);
    t.role = role == "quiescent" ? StellateRole::kQuiescent
             : role == "activated" ? StellateRole::kActivated
                                   : StellateRole::kSenescent;
    if (const auto value = sub.optional_number("nkg2d_ligand_on_entry", Bound::kNonNegative)) {
      ligand = context.property("nkg2d_ligand");
      if (ligand < 0) {
        sub.fail("nkg2d_ligand_on_entry", "needs a cell property 'nkg2d_ligand'");
      }
      t.sets_ligand = true;
      t.ligand = *value;
    }
    t.collagen_per_min = sub.number_or("collagen_per_min", 0.0, Bound::kNonNegative);
    if (t.role == StellateRole::kQuiescent) {
      const std::string target = sub.choice("becomes", type_names);
      t.becomes = static_cast<int>(std::find(type_names.begin(), type_names.end(), target) -
                                   type_names.begin());
      t.max_rate_per_min = sub.number("max_rate_per_min", Bound::kNonNegative);
      t.half_saturation = sub.number_or("half_saturation", 1.0, Bound::kPositive);
      t.ifn_half_inhibition = sub.number_or("ifn_half_inhibition", 0.1, Bound::kPositive);
      targets.emplace_back(ti, target);
    } else if (t.role == StellateRole::kActivated && sub.has("becomes")) {
      const std::string target = sub.choice("becomes", type_names);
      t.becomes = static_cast<int>(std::find(type_names.begin(), type_names.end(), target) -
                                   type_names.begin());
      t.max_rate_per_min = sub.number("senescence_rate_per_min", Bound::kNonNegative);
      targets.emplace_back(ti, target);
    }
  });
  // A quiescent cell becomes an activated one, an activated one a senescent one.
  for (const auto& [from, target] : targets) {
    const StellateType& t = types[static_cast<std::size_t>(from)];
    const StellateRole want = t.role == StellateRole::kQuiescent ? StellateRole::kActivated : StellateRole::kSenescent;
    if (types[static_cast<std::size_t>(t.becomes)].role != want) {
      TableReader sub = table.table(type_names[static_cast<std::size_t>(from)]);
      sub.fail("becomes", "is '" + target + "', which has no role \"" +
                              (want == StellateRole::kActivated ? "activated" : "senescent") +
                              "\" in [mechanisms.stellate_activation]");
    }
  }
  return std::make_unique<StellateActivation>(tgf, collagen, area, ifn, ligand, threshold,
                                              std::move(types));
}

std::span<const ParameterDoc> stellate_activation_parameters() {
  static const ParameterDoc kStellateActivationParameters[] = {
      {"tgf_field", "field name", "required",
       "the TGF-β field that activates quiescent cells (secreted by activated cells through "
       "`secretion`)",
       "–", Evidence::kNotApplicable},
      {"collagen_field", "field name", "required",
       "collagen per voxel: a field with `diffusion_um2_per_min = 0` and `decay_per_min = 0`; "
       "its total is the collagen deposited",
       "–", Evidence::kNotApplicable},
      {"area_field", "field name", "none",
       "optional field (no diffusion, no decay) rewritten so that its total is the collagen area "
       "fraction",
       "–", Evidence::kNotApplicable},
      {"ifn_field", "field name", "none",
       "optional IFN-γ field (from `ifn_gamma_response`) that inhibits activation", "–",
       Evidence::kNotApplicable},
      {"collagen_threshold", "collagen field units", "1",
       "a voxel counts towards the area fraction above this collagen level",
       "assumption (a stained-area threshold)", Evidence::kAssumption},
      {"<type>.role", "–", "required", "`\"quiescent\"`, `\"activated\"` or `\"senescent\"`", "–",
       Evidence::kNotApplicable},
      {"<type>.becomes", "cell type", "required (quiescent)",
       "quiescent: the activated type; activated (optional): the senescent type", "–",
       Evidence::kNotApplicable},
      {"<type>.max_rate_per_min", "min⁻¹", "required (quiescent)",
       "quiescent: k, the activation hazard at saturating TGF-β without IFN-γ",
       "assumption (HSC activation in culture and after CCl4 injury takes days, Bouguéon 2024 "
       "[P])",
       Evidence::kAssumption},
      {"<type>.half_saturation", "TGF-β field units", "1", "quiescent: K", "assumption",
       Evidence::kAssumption},
      {"<type>.ifn_half_inhibition", "IFN-γ field units", "0.1",
       "quiescent: K_I, the IFN-γ level that halves the activation hazard",
       "assumption (IFN-γ inhibits HSC activation: Radaeva 2006 [V], BIOLOGY.md g)",
       Evidence::kAssumption},
      {"<type>.senescence_rate_per_min", "min⁻¹", "required (activated with becomes)",
       "activated: r, the hazard of becoming senescent",
       "assumption (senescent activated HSCs accumulate within weeks, Krizhanovsky 2008 [V])",
       Evidence::kAssumption},
      {"<type>.collagen_per_min", "collagen amount/min", "0",
       "collagen laid down per live cell of this type per minute",
       "assumption (activated HSCs make collagen I; senescent ones less, Krizhanovsky 2008 [V])",
       Evidence::kAssumption},
      {"<type>.nkg2d_ligand_on_entry", "ligand units", "unchanged",
       "the cell's `nkg2d_ligand` property on entering this type (activated and senescent HSCs "
       "raise NKG2D ligands)",
       "assumption (the size; the direction: Radaeva 2006, Krizhanovsky 2008 [V])",
       Evidence::kAssumption},
  };
  return kStellateActivationParameters;
}

}  // namespace nksim
