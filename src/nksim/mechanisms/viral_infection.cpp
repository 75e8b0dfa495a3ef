// viral_infection: target cells (epithelium, hepatocytes) infected from a diffusing virus field.
// Docs: docs/mechanisms/viral_infection.md.
//
// Per cell a state, kept in the declared column `viral_state`:
//   susceptible -> eclipse -> productive -> dead, and susceptible -> refractory (-> susceptible).
// Each phenotype step (decide phase, serially in dense order; draws keyed by (seed, step, id)):
//   - susceptible: infection hazard beta V and protection hazard phi I (V, I: the virus and
//     type-I IFN values of the cell's voxel); one event with probability 1 - exp(-(beta V + phi I)
//     dt), infection with probability beta V / (beta V + phi I) of it;
//   - eclipse: ends at a time drawn at entry from an Erlang distribution (n stages, mean 1/k;
//     n = 1 is the exponential eclipse of the ODE models), kept in the column `viral_eclipse_end_min`;
//   - productive: cytopathic death with probability 1 - exp(-delta dt) (apoptosis event);
//   - refractory: back to susceptible with probability 1 - exp(-rho dt).
// At entry into the eclipse (or productive) state the cell's display properties (mhc_i,
// nkg2d_ligand, ...) are set to the values of `display`, so that nk_recognition_kill finds it.
// Exchange phase: live productive cells add p dt / voxel volume to the virus field, and
// ifn_export dt / voxel volume to the IFN field (the same explicit source as ifn_gamma_response),
// so the virions released are exactly p x productive cell-time.
// A target cell that dies of anything else is counted once, when its death is queued (this
// mechanism runs after death and nk_recognition_kill in the decide phase): killed by an effector
// when it has a conjugate partner then, otherwise "other" (death); a death queued elsewhere is
// counted when the cell is first seen dead.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/rules/probability.h"

namespace nksim {
namespace {

enum ViralState : int { kSusceptible = 0, kEclipse, kProductive, kRefractory, kDead };

constexpr int kMaxEclipseStages = 64;

struct TypeInfection {
  bool target = false;
  double beta = 0;                  // 1/(virus unit min)
  double eclipse_min = 360;         // mean eclipse 1/k
  int eclipse_stages = 1;           // Erlang shape n
  double production_per_min = 0;    // virions per min per productive cell
  double death_per_min = 5.2 / 1440;  // cytopathic death delta
  double ifn_export_per_min = 0;    // IFN amount per min per productive cell
  double protection = 0;            // phi, 1/(IFN unit min)
  double reversion_per_min = 0;     // rho
  bool display_at_eclipse = true;
  std::vector<std::pair<int, double>> display;  // property column -> value when infected
  long initial_infected = 0;
  bool initial_productive = true;
  std::array<double, 3> initial_center_um{0, 0, 0};
};

// What the cells of all target types are doing, as counted for counts.csv and the read-outs.
struct Census {
  double susceptible = 0, eclipse = 0, productive = 0, refractory = 0;
  double dead_virus = 0, killed = 0, dead_other = 0, total = 0;
};

class ViralInfection final : public Mechanism {
 public:
  ViralInfection(std::string virus_name, int virus, int ifn, std::vector<TypeInfection> types)
      : virus_name_(std::move(virus_name)), virus_(virus), ifn_(ifn), types_(std::move(types)) {}
  const char* name() const override { return "viral_infection"; }
  unsigned phases() const override {
    return phase_bit(Phase::kDecide) | phase_bit(Phase::kExchange);
  }

  void declare_columns(AgentStore& a) override {
    state_ = a.declare_column<double>({"viral_state", OnDivide::kCopy, true,
                               "viral_infection: 0 susceptible, 1 eclipse, 2 productive, "
                               "3 refractory, 4 dead"});
    eclipse_end_ = a.declare_column<double>({"viral_eclipse_end_min", OnDivide::kCopy, false,
                                             "viral_infection: time the eclipse ends (min)"});
  }
  // A dead cell still in a conjugate was killed by an effector (nk_recognition_kill's partner
  // column; without it no cell is).
  void find_columns(const AgentStore& a) override {
    partner_ = a.find_column<std::uint64_t>(kNkPartnerColumn);
  }

  void run(Phase phase, Simulation& sim, const StepInfo& step) override {
    if (phase == Phase::kExchange) {
      exchange(sim, step);
      return;
    }
    AgentStore& a = sim.agents();
    if (!started_) start(sim, step);
    double* state = a.column(state_).data();
    const double* eclipse_end = a.column(eclipse_end_).data();
    const FieldGrid& fields = sim.fields();
    const std::vector<double>& virus = fields.values(static_cast<std::size_t>(virus_));
    const std::vector<double>* ifn =
        ifn_ >= 0 ? &fields.values(static_cast<std::size_t>(ifn_)) : nullptr;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const TypeInfection& t = types_[static_cast<std::size_t>(a.type[i])];
      if (!t.target) continue;
      const int s = static_cast<int>(state[i]);
      if (s == kDead) continue;
      if (!live(a, i)) {
        record_death(a, i);
        continue;
      }
      // A death an earlier mechanism queued this step (death, a kill by an effector, which is
      // still its conjugate partner now): recorded now, the cell changes no more.
      if (a.event[i] & (kEventApoptosis | kEventLysis)) {
        record_death(a, i);
        continue;
      }
      const RandomDraw draw(sim.seed(), step.step, Purpose::kViralInfection, a.id[i]);
      if (s == kSusceptible) {
        const std::size_t v = fields.voxel_of(a.x[i], a.y[i], a.z[i]);
        const double infect = t.beta * std::max(virus[v], 0.0);
        const double protect = ifn ? t.protection * std::max((*ifn)[v], 0.0) : 0.0;
        const double hazard = infect + protect;
        if (hazard > 0 && draw.uniform(0) < rules::event_probability(hazard, step.dt_min)) {
          if (draw.uniform(1) * hazard < infect) {
            enter_eclipse(sim, i, t, step);
          } else {
            state[i] = kRefractory;
            ++protected_;
          }
        }
      } else if (s == kEclipse) {
        if (step.time_min + 1e-9 >= eclipse_end[i]) {
          state[i] = kProductive;
          if (!t.display_at_eclipse) show_infection(a, i, t);
        }
      } else if (s == kProductive) {
        if (draw.uniform(0) < rules::event_probability(t.death_per_min, step.dt_min)) {
          a.event[i] = static_cast<std::uint8_t>((a.event[i] & ~kEventDivide) | kEventApoptosis);
          state[i] = kDead;
          ++dead_virus_;
        }
      } else if (s == kRefractory) {
        if (draw.uniform(0) < rules::event_probability(t.reversion_per_min, step.dt_min)) {
          state[i] = kSusceptible;
        }
      }
    }
    const Census c = census(sim);
    if (c.total > 0) {
      peak_infected_fraction_ =
          std::max(peak_infected_fraction_, (c.eclipse + c.productive) / c.total);
    }
  }

  void on_divide(Simulation& sim, std::size_t mother, std::size_t, const StepInfo&) override {
    if (types_[static_cast<std::size_t>(sim.agents().type[mother])].target) ++births_;
  }

  std::vector<CountsColumn> count_columns() const override {
    return {
        {"viral_susceptible", "cells", "live target cells that can be infected"},
        {"viral_eclipse", "cells", "live infected target cells not yet releasing virus"},
        {"viral_productive", "cells", "live target cells releasing virus"},
        {"viral_refractory", "cells", "live target cells protected by type-I IFN"},
        {"viral_dead_by_virus", "cells", "target cells dead of the infection (cytopathic)"},
        {"viral_killed_by_nk", "cells", "target cells killed by effector cells (NK, T)"},
        {"viral_dead_other", "cells", "target cells dead of other causes (background death)"},
        {"viral_infected_fraction", "1",
         "(eclipse + productive) / all target cells ever present (initial + births)"},
    };
  }

  void append_counts(const Simulation& sim, std::vector<double>& row) const override {
    const Census c = census(sim);
    row.insert(row.end(), {c.susceptible, c.eclipse, c.productive, c.refractory, c.dead_virus,
                           c.killed, c.dead_other,
                           c.total > 0 ? (c.eclipse + c.productive) / c.total : 0.0});
  }

  nlohmann::json readouts(const Simulation& sim) const override {
    const Census c = census(sim);
    return {{"infection", virus_name_},
            {"initial_target_cells", initial_},
            {"births", births_},
            {"infections", infections_},
            {"made_refractory", protected_},
            {"peak_infected_fraction", peak_infected_fraction_},
            {"at_end",
             {{"susceptible", c.susceptible},
              {"eclipse", c.eclipse},
              {"productive", c.productive},
              {"refractory", c.refractory},
              {"dead_by_virus", c.dead_virus},
              {"killed_by_nk", c.killed},
              {"dead_other", c.dead_other},
              {"infected_fraction", c.total > 0 ? (c.eclipse + c.productive) / c.total : 0.0}}}};
  }

  void save_state(StateWriter& out) const override {
    out.put_value("started", std::uint8_t{started_});
    out.put_value("initial", std::int64_t{initial_});
    out.put_value("births", std::int64_t{births_});
    out.put_value("infections", std::int64_t{infections_});
    out.put_value("protected", std::int64_t{protected_});
    out.put_value("dead_virus", std::int64_t{dead_virus_});
    out.put_value("killed", std::int64_t{killed_});
    out.put_value("dead_other", std::int64_t{dead_other_});
    out.put_value("peak_infected_fraction", peak_infected_fraction_);
  }
  void restore_state(const StateReader& in) override {
    started_ = in.get_value<std::uint8_t>("started") != 0;
    initial_ = static_cast<long>(in.get_value<std::int64_t>("initial"));
    births_ = static_cast<long>(in.get_value<std::int64_t>("births"));
    infections_ = static_cast<long>(in.get_value<std::int64_t>("infections"));
    protected_ = static_cast<long>(in.get_value<std::int64_t>("protected"));
    dead_virus_ = static_cast<long>(in.get_value<std::int64_t>("dead_virus"));
    killed_ = static_cast<long>(in.get_value<std::int64_t>("killed"));
    dead_other_ = static_cast<long>(in.get_value<std::int64_t>("dead_other"));
    peak_infected_fraction_ = in.get_value<double>("peak_infected_fraction");
  }

 private:
  static bool live(const AgentStore& a, std::size_t i) {
    return a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
  }
  bool in_conjugate(const AgentStore& a, std::size_t i) const {
    return partner_ && a.column(partner_)[i] != 0;
  }

  // First decide step: count the target cells and infect the ones nearest each type's centre.
  void start(Simulation& sim, const StepInfo& step) {
    AgentStore& a = sim.agents();
    started_ = true;
    for (std::size_t ti = 0; ti < types_.size(); ++ti) {
      const TypeInfection& t = types_[ti];
      if (!t.target) continue;
      std::vector<std::pair<double, std::uint64_t>> by_distance;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a.type[i] != static_cast<std::int32_t>(ti) || !live(a, i)) continue;
        ++initial_;
        const double dx = a.x[i] - t.initial_center_um[0], dy = a.y[i] - t.initial_center_um[1];
        const double dz = a.z[i] - t.initial_center_um[2];
        by_distance.emplace_back(dx * dx + dy * dy + dz * dz, a.id[i]);
      }
      const auto n = std::min<std::size_t>(by_distance.size(),
                                           static_cast<std::size_t>(t.initial_infected));
      std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(n),
                        by_distance.end());
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = a.index_of(by_distance[k].second);
        enter_eclipse(sim, i, t, step);
        if (t.initial_productive) {
          a.column(state_)[i] = kProductive;
          if (!t.display_at_eclipse) show_infection(a, i, t);
        }
      }
    }
  }

  void enter_eclipse(Simulation& sim, std::size_t i, const TypeInfection& t,
                     const StepInfo& step) {
    AgentStore& a = sim.agents();
    // Erlang(n, n k): the sum of n exponential stages of mean 1/(n k).
    double duration = 0;
    for (int s = 0; s < t.eclipse_stages; s += 2) {
      const RandomDraw d(sim.seed(), step.step, Purpose::kViralInfection, a.id[i],
                         1 + static_cast<std::uint32_t>(s / 2));
      duration -= std::log(d.uniform(0));
      if (s + 1 < t.eclipse_stages) duration -= std::log(d.uniform(1));
    }
    a.column(state_)[i] = kEclipse;
    a.column(eclipse_end_)[i] =
        step.time_min + duration * t.eclipse_min / static_cast<double>(t.eclipse_stages);
    ++infections_;
    if (t.display_at_eclipse) show_infection(a, i, t);
  }

  static void show_infection(AgentStore& a, std::size_t i, const TypeInfection& t) {
    for (const auto& [column, value] : t.display) {
      a.property[static_cast<std::size_t>(column)][i] = value;
    }
  }

  void record_death(AgentStore& a, std::size_t i) {
    a.column(state_)[i] = kDead;
    if (in_conjugate(a, i)) {
      ++killed_;
    } else {
      ++dead_other_;
    }
  }

  void exchange(Simulation& sim, const StepInfo& step) {
    const AgentStore& a = sim.agents();
    FieldGrid& fields = sim.fields();
    const double volume = fields.voxel_volume_um3();
    std::vector<double>& virus = fields.values(static_cast<std::size_t>(virus_));
    std::vector<double>* ifn = ifn_ >= 0 ? &fields.values(static_cast<std::size_t>(ifn_)) : nullptr;
    const double* state = a.column(state_).data();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (static_cast<int>(state[i]) != kProductive || !live(a, i)) continue;
      const TypeInfection& t = types_[static_cast<std::size_t>(a.type[i])];
      if (!t.target) continue;
      const std::size_t v = fields.voxel_of(a.x[i], a.y[i], a.z[i]);
      virus[v] += step.dt_min * t.production_per_min / volume;
      if (ifn) (*ifn)[v] += step.dt_min * t.ifn_export_per_min / volume;
    }
  }

  // Live cells by state; dead cells counted by cause (a death not yet recorded by the decide
  // phase is attributed as it will be).
  Census census(const Simulation& sim) const {
    const AgentStore& a = sim.agents();
    Census c;
    c.dead_virus = static_cast<double>(dead_virus_);
    c.killed = static_cast<double>(killed_);
    c.dead_other = static_cast<double>(dead_other_);
    const double* state = a.column(state_).data();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!types_[static_cast<std::size_t>(a.type[i])].target) continue;
      const int s = static_cast<int>(state[i]);
      if (s == kDead) continue;
      if (!live(a, i)) {
        (in_conjugate(a, i) ? c.killed : c.dead_other) += 1;
        continue;
      }
      if (s == kSusceptible) c.susceptible += 1;
      if (s == kEclipse) c.eclipse += 1;
      if (s == kProductive) c.productive += 1;
      if (s == kRefractory) c.refractory += 1;
    }
    // Before the first decide step the cells have not been counted yet.
    c.total = started_ ? static_cast<double>(initial_ + births_)
                       : c.susceptible + c.eclipse + c.productive + c.refractory;
    return c;
  }

  std::string virus_name_;
  int virus_, ifn_;
  std::vector<TypeInfection> types_;
  ColumnKey<double> state_, eclipse_end_;
  ColumnKey<std::uint64_t> partner_;
  bool started_ = false;
  long initial_ = 0, births_ = 0, infections_ = 0, protected_ = 0;
  long dead_virus_ = 0, killed_ = 0, dead_other_ = 0;
  double peak_infected_fraction_ = 0;
};

}  // namespace

std::unique_ptr<Mechanism> make_viral_infection(TableReader& table, const SetupContext& context) {
  const std::vector<std::string> viruses = {"influenza", "hbv", "hcv", "hiv", "other"};
  std::string virus_name = table.choice_or("infection", viruses, "other");
  const int virus = read_field(table, "virus_field", context);
  int ifn = -1;
  if (table.has("ifn_field")) ifn = read_field(table, "ifn_field", context);
  if (ifn == virus) table.fail("ifn_field", "must be another field than virus_field");
  std::vector<TypeInfection> types(context.types.size());
  const std::string reserved[] = {"infection", "virus_field", "ifn_field"};
  const std::vector<std::string> at = {"eclipse", "productive"};
  for_each_type_table(table, context, reserved, [&](int ti, TableReader& sub) {
    TypeInfection& t = types[static_cast<std::size_t>(ti)];
    t.target = true;
    t.beta = sub.number("beta_per_virus_min", Bound::kNonNegative);
    t.eclipse_min = sub.number_or("eclipse_min", t.eclipse_min, Bound::kPositive);
    t.eclipse_stages =
        static_cast<int>(sub.integer_or("eclipse_stages", 1, 1, kMaxEclipseStages));
    t.production_per_min = sub.number("virions_per_min", Bound::kNonNegative);
    t.death_per_min = sub.number_or("death_per_min", t.death_per_min, Bound::kNonNegative);
    t.ifn_export_per_min = sub.number_or("ifn_export_per_min", 0.0, Bound::kNonNegative);
    t.protection = sub.number_or("protection_per_ifn_min", 0.0, Bound::kNonNegative);
    t.reversion_per_min = sub.number_or("reversion_per_min", 0.0, Bound::kNonNegative);
    if (ifn < 0 && (t.ifn_export_per_min > 0 || t.protection > 0)) {
      sub.fail(t.protection > 0 ? "protection_per_ifn_min" : "ifn_export_per_min",
               "needs an IFN field (ifn_field in [mechanisms.viral_infection])");
    }
    t.display_at_eclipse = sub.choice_or("display_at", at, "eclipse") == "eclipse";
    if (auto display = sub.optional_table("display")) {
      for (const std::string& key : display->keys()) {
        const int column = context.property(key);
        if (column < 0) display->fail(key, "is not a cell property of the scenario");
        t.display.emplace_back(column, display->number(key, Bound::kNonNegative));
      }
      display->finish();
    }
    t.initial_infected = sub.integer_or("initial_infected", 0, 0);
    t.initial_productive = sub.choice_or("initial_state", at, "productive") == "productive";
    const std::vector<double> centre = sub.has("initial_center_um")
                                           ? sub.number_array("initial_center_um")
                                           : std::vector<double>{};
    if (!centre.empty()) {
      if (centre.size() != static_cast<std::size_t>(context.settings.domain.dim)) {
        sub.fail("initial_center_um", "needs one number per dimension");
      }
      for (std::size_t k = 0; k < centre.size(); ++k) t.initial_center_um[k] = centre[k];
    }
  });
  if (std::none_of(types.begin(), types.end(), [](const TypeInfection& t) { return t.target; })) {
    table.fail("", "needs at least one cell type sub-table (the target cells)");
  }
  return std::make_unique<ViralInfection>(std::move(virus_name), virus, ifn, std::move(types));
}

std::span<const ParameterDoc> viral_infection_parameters() {
  static const ParameterDoc kViralInfectionParameters[] = {
      {"infection", "–", "`\"other\"`",
       "which infection: `\"influenza\"`, `\"hbv\"`, `\"hcv\"`, `\"hiv\"` or `\"other\"`; "
       "names the evidence note the report shows",
       "–", Evidence::kNotApplicable},
      {"virus_field", "field name", "required",
       "the virus field V (a `[[field]]`: virion diffusion and clearance c)", "–",
       Evidence::kNotApplicable},
      {"ifn_field", "field name", "none",
       "the type-I IFN field I (a `[[field]]`); needed for IFN secretion and protection", "–",
       Evidence::kNotApplicable},
      {"<type>.beta_per_virus_min", "(field unit)⁻¹ min⁻¹", "required",
       "infection rate β: a susceptible cell is infected with probability 1 − exp(−β V dt)",
       "assumption (the well-mixed β of Baccam 2006 has no meaning per voxel; set for foci)",
       Evidence::kAssumption},
      {"<type>.eclipse_min", "min", "360", "mean eclipse duration 1/k",
       "Baccam 2006 k = 4 d⁻¹ (influenza) [V]", Evidence::kSeen},
      {"<type>.eclipse_stages", "–", "1",
       "Erlang shape n of the eclipse (1: exponential as in the ODE models; variance 1/(n k²))",
       "assumption", Evidence::kAssumption},
      {"<type>.virions_per_min", "amount/min", "required",
       "virion release p of a productive cell into its voxel",
       "assumption (order 10³–10⁴ virions per cell over its life)", Evidence::kAssumption},
      {"<type>.death_per_min", "min⁻¹", "5.2/1440",
       "cytopathic death δ of a productive cell (apoptosis event)",
       "Baccam 2006 δ = 5.2 d⁻¹ (influenza) [V]", Evidence::kSeen},
      {"<type>.ifn_export_per_min", "amount/min", "0",
       "type-I IFN release of a productive cell into the IFN field",
       "assumption (Hernandez-Vargas 2012: IFN produced by productive cells)",
       Evidence::kAssumption},
      {"<type>.protection_per_ifn_min", "(IFN unit)⁻¹ min⁻¹", "0",
       "φ: a susceptible cell becomes refractory with probability 1 − exp(−φ I dt)",
       "assumption (Hernandez-Vargas 2012 k_R = 7 d⁻¹ per IFN fold change, rescaled)",
       Evidence::kAssumption},
      {"<type>.reversion_per_min", "min⁻¹", "0", "ρ: refractory cells become susceptible again",
       "assumption (Pawelek 2012 fits ρ over 6.7×10⁻³–5.1 d⁻¹)", Evidence::kAssumption},
      {"<type>.display_at", "–", "`\"eclipse\"`",
       "when the infected cell shows its display: at `\"eclipse\"` or `\"productive\"` entry",
       "assumption", Evidence::kAssumption},
      {"<type>.display.<property>", "property unit", "none",
       "value the property (e.g. `mhc_i`, `nkg2d_ligand`) takes when the cell shows infection",
       "assumption (MHC-I down-regulation and stress-ligand induction by viruses)",
       Evidence::kAssumption},
      {"<type>.initial_infected", "cells", "0",
       "cells of the type nearest `initial_center_um` infected at the start", "–",
       Evidence::kNotApplicable},
      {"<type>.initial_state", "–", "`\"productive\"`",
       "state of the initially infected cells: `\"eclipse\"` or `\"productive\"`", "–",
       Evidence::kNotApplicable},
      {"<type>.initial_center_um", "µm", "origin", "where the initial infection sits", "–",
       Evidence::kNotApplicable},
  };
  return kViralInfectionParameters;
}

}  // namespace nksim
