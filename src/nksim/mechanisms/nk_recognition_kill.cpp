// nk_recognition_kill: effector cells (NK or CD8 T) touch targets, recognise them, form a
// conjugate and kill. Docs: docs/mechanisms/nk_recognition_kill.md.
//
// Each phenotype step (decide phase, serially in dense order, which is deterministic):
//  1. Targets whose scheduled kill time has come die: lysis (granzyme) or apoptosis (death
//     receptor). A doomed target does not divide (the lethal hit has been delivered).
//  2. Each live effector: first visit -> kill capacity, granules, perforin status (counter-based
//     draw keyed by its id, so independent of when it is first seen). Potency recovers and granules
//     restock under IL-2/IL-15 (rules/nk_capacity.h). A conjugate stays valid only while both
//     partners name each other and the target lives; a committed conjugate lasts until the
//     target dies, a failed one `failed_contact_min`; afterwards the effector ignores targets for
//     `refractory_min`. A free effector touches the nearest free, undoomed target within
//     contact_distance_factor (r_i + r_j), arrests (persistent_walk skips conjugated cells) and
//     decides once: commit with probability p_commit (rules/nk_recognition.h for NK cells,
//     t_cell_commit_probability for T cells), pathway from rules/nk_capacity.h, delay from
//     rules/nk_delay.h.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <utility>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/nk_effector_params.h"
#include "nksim/mechanisms/nk_kill_log.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/rules/nk_capacity.h"
#include "nksim/rules/nk_delay.h"
#include "nksim/rules/nk_escape.h"
#include "nksim/rules/nk_ifn_gamma.h"
#include "nksim/rules/nk_recognition.h"

namespace nksim {
namespace {

namespace nk = rules::nk;

enum class Role { kNone, kTarget, kNk, kTCell };

// Property columns the recognition reads (-1 when the scenario defines no such property).
struct DisplayColumns {
  int nkg2d = -1, other = -1, car = -1, opsonisation = -1, mhc = -1, antigen = -1;
};

double column(const AgentStore& a, int k, std::size_t i) {
  return k < 0 ? 0.0 : a.property[static_cast<std::size_t>(k)][i];
}

// The effector-target columns this mechanism owns (declared only in runs that have it). A
// conjugate is valid only while both partners name each other, so it ends by itself when the
// target dies of something else, divides (the mother's partner is cleared) or the effector dies.
// Every column starts at 0 in a daughter.
struct NkColumnKeys {
  ColumnKey<std::uint64_t> partner_id;  // conjugate partner id (nk_state.h), 0 = none
  ColumnKey<double> contact_min;        // effector: time left in conjugate/refractory period (min)
  ColumnKey<double> doom_min;           // target: time of the scheduled kill (min)
  ColumnKey<double> contact_start_min;  // time the current conjugate formed (min)
  ColumnKey<double> potency;            // effector: cytotoxic potency in [0, 1] (exhaustion)
  ColumnKey<double> nkg2d_available;    // effector: NKG2D left on the surface in [0, 1]
  ColumnKey<std::int32_t> kills;        // effector: targets killed
  ColumnKey<std::int32_t> kill_capacity;  // effector: most targets it can kill
  ColumnKey<std::int32_t> granules;       // effector: granzyme kills left
  ColumnKey<std::uint8_t> nk_flags;       // effector: NkFlag bits / target: pathway of doom
};

// Pointers to the columns' values, taken at the start of each call (agents are neither added
// nor removed while the mechanism runs).
struct NkColumnView {
  std::uint64_t* partner_id = nullptr;
  double* contact_min = nullptr;
  double* doom_min = nullptr;
  double* contact_start_min = nullptr;
  double* potency = nullptr;
  double* nkg2d_available = nullptr;
  std::int32_t* kills = nullptr;
  std::int32_t* kill_capacity = nullptr;
  std::int32_t* granules = nullptr;
  std::uint8_t* nk_flags = nullptr;
};

// The NK columns. Three go into every snapshot, under the names the snapshots have always used:
// /agents/nk_kills, /agents/nk_partner_id (0 = not in a conjugate) and /agents/nk_potency; they
// are declared first and in that order, the order of their datasets in the snapshot files.
NkColumnKeys declare_nk_columns(AgentStore& a) {
  // A column written to snapshots names its dataset; the others pass none.
  const auto spec = [](const char* name, const char* doc, const char* dataset = "") {
    return AgentStore::ColumnSpec{name, OnDivide::kReset, *dataset != '\0',
                                  std::string("nk_recognition_kill: ") + doc, dataset};
  };
  NkColumnKeys k;
  k.kills =
      a.declare_column<std::int32_t>(spec(kNkKillsColumn, "effector: targets killed", "nk_kills"));
  k.partner_id = a.declare_column<std::uint64_t>(
      spec(kNkPartnerColumn, "conjugate partner id (NK: target, target: NK), 0 = none",
           "nk_partner_id"));
  k.potency = a.declare_column<double>(
      spec(kNkPotencyColumn, "effector: cytotoxic potency in [0, 1] (exhaustion)", "nk_potency"));
  k.contact_min = a.declare_column<double>(
      spec("contact_min", "effector: time left in conjugate/refractory period (min)"));
  k.doom_min =
      a.declare_column<double>(spec("doom_min", "target: time of the scheduled kill (min)"));
  k.contact_start_min = a.declare_column<double>(
      spec("contact_start_min", "time the current conjugate formed (min)"));
  k.nkg2d_available = a.declare_column<double>(
      spec("nkg2d_available", "effector: NKG2D left on the surface in [0, 1]"));
  k.kill_capacity = a.declare_column<std::int32_t>(
      spec("kill_capacity", "effector: most targets it can kill"));
  k.granules =
      a.declare_column<std::int32_t>(spec("granules", "effector: granzyme kills left"));
  k.nk_flags = a.declare_column<std::uint8_t>(
      spec(kNkFlagsColumn, "effector flags (NkFlag) / target: pathway of doom"));
  return k;
}

NkColumnView view_nk_columns(AgentStore& a, const NkColumnKeys& k) {
  return {a.column(k.partner_id).data(),        a.column(k.contact_min).data(),
          a.column(k.doom_min).data(),          a.column(k.contact_start_min).data(),
          a.column(k.potency).data(),           a.column(k.nkg2d_available).data(),
          a.column(k.kills).data(),             a.column(k.kill_capacity).data(),
          a.column(k.granules).data(),          a.column(k.nk_flags).data()};
}

class NkRecognitionKill final : public Mechanism {
 public:
  NkRecognitionKill(std::vector<Role> roles, std::vector<EffectorParams> params,
                    DisplayColumns display, double reach_um)
      : roles_(std::move(roles)),
        params_(std::move(params)),
        display_(display),
        reach_um_(reach_um) {}
  const char* name() const override { return "nk_recognition_kill"; }
  unsigned phases() const override { return phase_bit(Phase::kDecide); }
  double interaction_distance_um() const override { return reach_um_; }
  void declare_columns(AgentStore& a) override { keys_ = declare_nk_columns(a); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    AgentStore& a = sim.agents();
    if (!started_) {
      for (std::size_t i = 0; i < a.size(); ++i) targets_initial_ += is_target(a, i) ? 1 : 0;
      started_ = true;
    }
    sim.neighbour_grid();  // current for nearest_free_target below (rebuilt if stale)
    nk_ = view_nk_columns(a, keys_);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!is_target(a, i) || !live(a, i)) continue;
      if (nk_.nk_flags[i] != 0) {
        doom(a, i, step);
      } else if (nk_.partner_id[i] != 0) {
        // An uncommitted conjugate whose effector died, left or was removed ends here.
        const std::uint32_t j = a.index_of(nk_.partner_id[i]);
        if (j == AgentStore::kNoIndex || nk_.partner_id[j] != a.id[i] || !live(a, j)) {
          nk_.partner_id[i] = 0;
        }
      }
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      const Role r = roles_[static_cast<std::size_t>(a.type[i])];
      if ((r == Role::kNk || r == Role::kTCell) && live(a, i)) effector(sim, i, step);
    }
  }

  void on_divide(Simulation& sim, std::size_t mother, std::size_t, const StepInfo&) override {
    AgentStore& a = sim.agents();
    if (!is_target(a, mother)) return;
    nk_ = view_nk_columns(a, keys_);  // the daughter was just added
    ++target_births_;
    if (nk_.nk_flags[mother] == 0) nk_.partner_id[mother] = 0;  // leaves an uncommitted conjugate
  }

  nlohmann::json readouts(const Simulation& sim) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(const StateReader& in) override;

 private:
  static bool live(const AgentStore& a, std::size_t i) {
    return a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
  }
  bool is_target(const AgentStore& a, std::size_t i) const {
    return roles_[static_cast<std::size_t>(a.type[i])] == Role::kTarget;
  }

  void doom(AgentStore& a, std::size_t i, const StepInfo& step) {
    a.event[i] &= static_cast<std::uint8_t>(~kEventDivide);
    if (step.time_min + 1e-9 < nk_.doom_min[i]) return;
    const auto pathway = static_cast<nk::KillPathway>(nk_.nk_flags[i]);
    a.event[i] |= pathway == nk::KillPathway::kGranzyme ? kEventLysis : kEventApoptosis;
    const std::uint64_t killer = nk_.partner_id[i];
    const auto it = tallies_.find(killer);
    if (it != tallies_.end()) ++it->second.confirmed_kills;
    kills_.push_back({killer, a.id[i], it != tallies_.end() ? it->second.type : -1, a.type[i],
                      pathway, nk_.contact_start_min[i], step.time_min});
    nk_.nk_flags[i] = 0;
  }

  void initialise(Simulation& sim, std::size_t i) {
    AgentStore& a = sim.agents();
    const EffectorParams& p = params_[static_cast<std::size_t>(a.type[i])];
    const RandomDraw draw(sim.seed(), 0, Purpose::kNkCapacity, a.id[i]);
    const RandomDraw extra(sim.seed(), 0, Purpose::kNkCapacity, a.id[i], 1);
    const bool deficient = extra.uniform(0) < p.perforin_deficient_fraction;
    nk_.kill_capacity[i] = nk::sample_capacity(p.capacity, draw.uniform(0), draw.uniform(1));
    nk_.granules[i] = deficient ? 0 : p.granules.granzyme_kills;
    nk_.potency[i] = 1.0;
    nk_.nkg2d_available[i] = 1.0;
    nk_.kills[i] = 0;
    nk_.nk_flags[i] = kNkInitialised | (deficient ? kNkPerforinDeficient : 0);
    tallies_[a.id[i]] = {a.type[i], nk_.kill_capacity[i], deficient, 0, 0, 0};
  }

  void end_conjugate(AgentStore& a, std::size_t i, const EffectorParams& p) {
    const std::uint32_t j = a.index_of(nk_.partner_id[i]);
    if (j != AgentStore::kNoIndex && nk_.partner_id[j] == a.id[i] && nk_.nk_flags[j] == 0) {
      nk_.partner_id[j] = 0;
    }
    nk_.partner_id[i] = 0;
    nk_.nk_flags[i] &= static_cast<std::uint8_t>(~kNkCommitted);
    nk_.contact_min[i] = p.refractory_min;
  }

  void effector(Simulation& sim, std::size_t i, const StepInfo& step) {
    AgentStore& a = sim.agents();
    const EffectorParams& p = params_[static_cast<std::size_t>(a.type[i])];
    if (!(nk_.nk_flags[i] & kNkInitialised)) initialise(sim, i);
    recover(sim, i, p, step);
    if (nk_.partner_id[i] != 0) {
      const std::uint32_t j = a.index_of(nk_.partner_id[i]);
      const bool valid = j != AgentStore::kNoIndex && nk_.partner_id[j] == a.id[i] && live(a, j);
      if (!valid) {
        end_conjugate(a, i, p);
      } else if (!(nk_.nk_flags[i] & kNkCommitted)) {
        nk_.contact_min[i] -= step.dt_min;
        if (nk_.contact_min[i] <= 1e-9) end_conjugate(a, i, p);
      }
      return;
    }
    if (nk_.contact_min[i] > 1e-9) {
      nk_.contact_min[i] -= step.dt_min;
      return;
    }
    const std::size_t j = nearest_free_target(sim, i, p);
    if (j == AgentStore::kNoIndex) return;
    engage(sim, i, j, p, step);
  }

  void recover(Simulation& sim, std::size_t i, const EffectorParams& p, const StepInfo& step) {
    AgentStore& a = sim.agents();
    double cytokine = p.cytokine_level;
    if (p.cytokine_field >= 0) {
      cytokine = sim.fields().values(static_cast<std::size_t>(
          p.cytokine_field))[sim.fields().voxel_of(a.x[i], a.y[i], a.z[i])];
    }
    nk_.potency[i] = nk::potency_step(
        nk_.potency[i], nk::recovery_rate_per_min(cytokine, p.exhaustion), step.dt_min);
    if (p.soluble_ligand_field >= 0) {
      const double soluble = sim.fields().values(static_cast<std::size_t>(
          p.soluble_ligand_field))[sim.fields().voxel_of(a.x[i], a.y[i], a.z[i])];
      nk_.nkg2d_available[i] =
          nk::nkg2d_step(nk_.nkg2d_available[i], std::max(soluble, 0.0), step.dt_min, p.nkg2d);
    }
    if (p.granules.restock_max_per_min > 0 && !(nk_.nk_flags[i] & kNkPerforinDeficient) &&
        nk_.granules[i] < p.granules.granzyme_kills) {
      const double rate =
          p.granules.restock_max_per_min *
          nk::hill(cytokine, p.exhaustion.cytokine_half_saturation, p.exhaustion.cytokine_hill);
      const RandomDraw draw(sim.seed(), step.step, Purpose::kNkCapacity, a.id[i], 2);
      if (draw.uniform(0) < nk::probability_in_step(rate, step.dt_min)) ++nk_.granules[i];
    }
  }

  std::size_t nearest_free_target(const Simulation& sim, std::size_t i,
                                  const EffectorParams& p) const {
    const AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    std::size_t best = AgentStore::kNoIndex;
    double best_d2 = 0;
    sim.grid().for_each_candidate(i, [&](std::size_t j) {
      if (j == i || !is_target(a, j) || !live(a, j) || nk_.partner_id[j] != 0) return;
      if (nk_.nk_flags[j] != 0) return;  // already doomed
      const double dx = d.delta(0, a.x[i], a.x[j]), dy = d.delta(1, a.y[i], a.y[j]);
      const double dz = d.dim == 3 ? d.delta(2, a.z[i], a.z[j]) : 0.0;
      const double d2 = dx * dx + dy * dy + dz * dz;
      const double reach = p.contact_distance_factor * (a.radius[i] + a.radius[j]);
      if (d2 > reach * reach) return;
      if (best == AgentStore::kNoIndex || d2 < best_d2 || (d2 == best_d2 && a.id[j] < a.id[best])) {
        best = j;
        best_d2 = d2;
      }
    });
    return best;
  }

  double commit_probability(const AgentStore& a, std::size_t i, std::size_t j) const {
    const EffectorParams& p = params_[static_cast<std::size_t>(a.type[i])];
    if (roles_[static_cast<std::size_t>(a.type[i])] == Role::kTCell) {
      return nk_.potency[i] * nk::t_cell_commit_probability(column(a, display_.mhc, j),
                                                          column(a, display_.antigen, j), p.t_cell);
    }
    const nk::TargetDisplay t{column(a, display_.nkg2d, j), column(a, display_.other, j),
                              column(a, display_.car, j), column(a, display_.opsonisation, j),
                              column(a, display_.mhc, j)};
    return nk::commit_probability(nk::net_signal(t, p.recognition, nk_.nkg2d_available[i]),
                                  p.recognition, nk_.potency[i]);
  }

  void engage(Simulation& sim, std::size_t i, std::size_t j, const EffectorParams& p,
              const StepInfo& step) {
    AgentStore& a = sim.agents();
    nk_.partner_id[i] = a.id[j];
    nk_.partner_id[j] = a.id[i];
    nk_.contact_start_min[i] = step.time_min;
    nk_.contact_start_min[j] = step.time_min;
    EffectorTally& tally = tallies_[a.id[i]];
    ++tally.contacts;
    const nk::KillPathway pathway =
        nk::choose_pathway(nk_.granules[i], !(nk_.nk_flags[i] & kNkPerforinDeficient), nk_.kills[i],
                           nk_.kill_capacity[i], p.granules);
    const RandomDraw draw(sim.seed(), step.step, Purpose::kNkRecognition, a.id[i]);
    if (pathway == nk::KillPathway::kNone || !(draw.uniform(0) < commit_probability(a, i, j))) {
      nk_.contact_min[i] = p.failed_contact_min;
      return;
    }
    std::array<double, nk::kMaxDelayShape> u{};
    for (std::uint32_t s = 0; s < nk::kMaxDelayShape / 2; ++s) {
      const RandomDraw d(sim.seed(), step.step, Purpose::kNkDelay, a.id[i], s);
      u[2 * s] = d.uniform(0);
      u[2 * s + 1] = d.uniform(1);
    }
    nk_.nk_flags[i] |= kNkCommitted;
    ++nk_.kills[i];
    ++tally.hits;
    if (pathway == nk::KillPathway::kGranzyme) --nk_.granules[i];
    nk_.potency[i] = nk::potency_after_kill(nk_.potency[i], p.exhaustion);
    nk_.nk_flags[j] = static_cast<std::uint8_t>(pathway);
    a.event[j] &= static_cast<std::uint8_t>(~kEventDivide);  // hit this step: no division
    nk_.doom_min[j] = step.time_min + nk::kill_delay(pathway, p.delay, u);
  }

  std::vector<Role> roles_;
  std::vector<EffectorParams> params_;
  DisplayColumns display_;
  double reach_um_;
  NkColumnKeys keys_;
  NkColumnView nk_;  // refreshed at the start of run and on_divide
  bool started_ = false;
  long targets_initial_ = 0;
  long target_births_ = 0;
  std::map<std::uint64_t, EffectorTally> tallies_;
  std::vector<KillRecord> kills_;
};

// The effector tallies and the kill log, one column per field.
void NkRecognitionKill::save_state(StateWriter& out) const {
  out.put_value("started", std::uint8_t{started_});
  out.put_value("targets_initial", std::int64_t{targets_initial_});
  out.put_value("target_births", std::int64_t{target_births_});
  std::vector<std::uint64_t> ids;
  std::vector<std::int32_t> type, capacity, deficient, contacts, hits, confirmed;
  for (const auto& [agent, t] : tallies_) {
    ids.push_back(agent);
    type.push_back(t.type);
    capacity.push_back(t.capacity);
    deficient.push_back(t.perforin_deficient ? 1 : 0);
    contacts.push_back(t.contacts);
    hits.push_back(t.hits);
    confirmed.push_back(t.confirmed_kills);
  }
  out.put("tally/id", ids);
  out.put("tally/type", type);
  out.put("tally/capacity", capacity);
  out.put("tally/perforin_deficient", deficient);
  out.put("tally/contacts", contacts);
  out.put("tally/hits", hits);
  out.put("tally/confirmed_kills", confirmed);
  std::vector<std::uint64_t> effector, target;
  std::vector<std::int32_t> effector_type, target_type, pathway;
  std::vector<double> contact, death;
  for (const KillRecord& k : kills_) {
    effector.push_back(k.effector_id);
    target.push_back(k.target_id);
    effector_type.push_back(k.effector_type);
    target_type.push_back(k.target_type);
    pathway.push_back(static_cast<std::int32_t>(k.pathway));
    contact.push_back(k.contact_min);
    death.push_back(k.death_min);
  }
  out.put("kill/effector_id", effector);
  out.put("kill/target_id", target);
  out.put("kill/effector_type", effector_type);
  out.put("kill/target_type", target_type);
  out.put("kill/pathway", pathway);
  out.put("kill/contact_min", contact);
  out.put("kill/death_min", death);
}

void NkRecognitionKill::restore_state(const StateReader& in) {
  started_ = in.get_value<std::uint8_t>("started") != 0;
  targets_initial_ = static_cast<long>(in.get_value<std::int64_t>("targets_initial"));
  target_births_ = static_cast<long>(in.get_value<std::int64_t>("target_births"));
  const std::vector<std::uint64_t> ids = in.get<std::uint64_t>("tally/id");
  const auto n = static_cast<std::int64_t>(ids.size());
  const auto type = in.get<std::int32_t>("tally/type", n);
  const auto capacity = in.get<std::int32_t>("tally/capacity", n);
  const auto deficient = in.get<std::int32_t>("tally/perforin_deficient", n);
  const auto contacts = in.get<std::int32_t>("tally/contacts", n);
  const auto hits = in.get<std::int32_t>("tally/hits", n);
  const auto confirmed = in.get<std::int32_t>("tally/confirmed_kills", n);
  tallies_.clear();
  for (std::size_t k = 0; k < ids.size(); ++k) {
    tallies_[ids[k]] = EffectorTally{type[k],     capacity[k], deficient[k] != 0,
                                     contacts[k], hits[k],     confirmed[k]};
  }
  const std::vector<std::uint64_t> effector = in.get<std::uint64_t>("kill/effector_id");
  const auto m = static_cast<std::int64_t>(effector.size());
  const auto target = in.get<std::uint64_t>("kill/target_id", m);
  const auto effector_type = in.get<std::int32_t>("kill/effector_type", m);
  const auto target_type = in.get<std::int32_t>("kill/target_type", m);
  const auto pathway = in.get<std::int32_t>("kill/pathway", m);
  const auto contact = in.get<double>("kill/contact_min", m);
  const auto death = in.get<double>("kill/death_min", m);
  kills_.clear();
  for (std::size_t k = 0; k < effector.size(); ++k) {
    kills_.push_back({effector[k], target[k], effector_type[k], target_type[k],
                      static_cast<rules::nk::KillPathway>(pathway[k]), contact[k], death[k]});
  }
}

nlohmann::json NkRecognitionKill::readouts(const Simulation& sim) const {
  const AgentStore& a = sim.agents();
  long live_targets = 0;
  for (std::size_t i = 0; i < a.size(); ++i) live_targets += is_target(a, i) && live(a, i);
  nlohmann::json j;
  const long total = targets_initial_ + target_births_;
  j["targets"] = {
      {"initial", targets_initial_},
      {"births", target_births_},
      {"live_at_end", live_targets},
      {"killed_by_effectors", static_cast<long>(kills_.size())},
      {"dead_fraction",
       total ? 1.0 - static_cast<double>(live_targets) / static_cast<double>(total) : 0.0}};
  // Mean display of the live targets (immune escape: selection of ligand-low / MHC-I-high).
  nlohmann::json display = nlohmann::json::object();
  const std::pair<const char*, int> columns[] = {
      {"nkg2d_ligand", display_.nkg2d}, {"other_ligand", display_.other},
      {"car_antigen", display_.car},    {"opsonisation", display_.opsonisation},
      {"mhc_i", display_.mhc},          {"antigen", display_.antigen}};
  for (const auto& [key, k] : columns) {
    if (k < 0 || live_targets == 0) continue;
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (is_target(a, i) && live(a, i)) sum += column(a, k, i);
    }
    display[key] = sum / static_cast<double>(live_targets);
  }
  j["targets"]["mean_display_of_live"] = display;
  nlohmann::json effectors = nlohmann::json::object();
  for (std::size_t t = 0; t < roles_.size(); ++t) {
    if (roles_[t] != Role::kNk && roles_[t] != Role::kTCell) continue;
    effectors[sim.types()[t].name] = effector_readouts(static_cast<int>(t), tallies_, kills_);
  }
  j["effectors"] = effectors;
  return j;
}

}  // namespace

std::unique_ptr<Mechanism> make_nk_recognition_kill(TableReader& table,
                                                    const SetupContext& context) {
  const std::size_t nt = context.types.size();
  std::vector<Role> roles(nt, Role::kNone);
  std::vector<EffectorParams> params(nt);
  const std::vector<std::string> role_names = {"target", "nk", "t_cell"};
  double max_factor = 1.0, max_radius = 0.0;
  for (const auto& t : context.types) max_radius = std::max(max_radius, t.radius_um);
  for_each_type_table(table, context, {}, [&](int t, TableReader& sub) {
    const std::string role = sub.choice("role", role_names);
    if (role == "target") {
      roles[static_cast<std::size_t>(t)] = Role::kTarget;
      return;
    }
    roles[static_cast<std::size_t>(t)] = role == "nk" ? Role::kNk : Role::kTCell;
    EffectorParams& p = params[static_cast<std::size_t>(t)];
    p = read_effector_params(sub, role == "t_cell", context);
    max_factor = std::max(max_factor, p.contact_distance_factor);
  });
  if (std::none_of(roles.begin(), roles.end(), [](Role r) { return r == Role::kTarget; })) {
    table.fail("", "needs at least one cell type with role = \"target\"");
  }
  const DisplayColumns display{
      context.property("nkg2d_ligand"), context.property("other_ligand"),
      context.property("car_antigen"),  context.property("opsonisation"),
      context.property("mhc_i"),        context.property("antigen")};
  return std::make_unique<NkRecognitionKill>(std::move(roles), std::move(params), display,
                                             2.0 * max_radius * max_factor);
}

}  // namespace nksim
