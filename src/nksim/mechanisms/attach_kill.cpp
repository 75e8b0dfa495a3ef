// attach_kill: effector cells attach to cells whose property (PhysiCell's oncoprotein) is above a
// threshold, kill them at a property-dependent rate and detach after a mean lifetime: the immune
// rule of PhysiCell's cancer-immune sample project. Docs: docs/mechanisms/attach_kill.md.
//
// Each mechanics step (move phase, after mechanics has summed the contact forces):
//  1. In parallel over agents, each live effector decides from its own draws (keyed by step and
//     its id, so independent of threads and visiting order):
//     - attached: kill with probability 1 - exp(-k s dt), s = clamp((p - T) / (S - T), 0, 1)
//       for the target's property p (no kill when p < T); detach after a kill, with
//       probability 1 - exp(-dt / L), or when the partner has gone;
//     - free: the nearest live cell (ties: smaller id) within d_max whose property exceeds T is
//       the candidate; attach with probability 1 - exp(-a s w dt), w = clamp((d_max - d) /
//       (d_max - d_min), 0, 1).
//     It writes only its own partner column and its own entry of the kill list.
//  2. Serially in dense order: kills are applied (the target becomes apoptotic now, unless it
//     is dead already) and the attachment pulls both partners together, v += e (x_partner - x),
//     or ends when they are farther apart than d_max.
// An attached effector keeps the id of its target in the column "partner_id" (nk_state.h), the
// column nk_recognition_kill uses for its conjugates, so persistent_walk and chemotaxis hold an
// attached effector still as they do an NK cell in a conjugate. The two mechanisms therefore do
// not run together: each is a way of killing, and a scenario picks one.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/core/text.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/mechanisms/nk_state.h"
#include "nksim/rules/probability.h"

namespace nksim {
namespace {

// PhysiCell 1.14.2 sample_projects/cancer_immune (config/PhysiCell_settings.xml custom_data).
struct AttachKillParams {
  bool enabled = false;
  double threshold = 0.5;               // T: no attachment or kill at or below it
  double saturation = 2.0;              // S: the property at which the rates saturate
  double attach_rate_per_min = 0.2;     // a
  double max_distance_um = 18.0;        // d_max: no attachment beyond, detachment beyond
  double min_distance_um = 14.0;        // d_min: full attachment rate at or within
  double kill_rate_per_min = 0.06667;   // k
  double attachment_lifetime_min = 60;  // L
  double elastic_per_min = 0.01;        // e
};

// The property factor s in [0, 1]; 0 below the threshold.
double attach_kill_property_scale(const AttachKillParams& p, double value) {
  if (value < p.threshold) return 0.0;
  return std::min(1.0, (value - p.threshold) / (p.saturation - p.threshold));
}

class AttachKill final : public Mechanism {
 public:
  AttachKill(std::vector<AttachKillParams> params, int property)
      : params_(std::move(params)), property_(property) {
    for (const AttachKillParams& p : params_) {
      if (p.enabled) reach_um_ = std::max(reach_um_, p.max_distance_um);
    }
  }
  const char* name() const override { return "attach_kill"; }
  unsigned phases() const override { return phase_bit(Phase::kMove); }
  double interaction_distance_um() const override { return reach_um_; }
  void declare_columns(AgentStore& a) override {
    partner_ = a.declare_column<std::uint64_t>(
        {kNkPartnerColumn, OnDivide::kReset, true,
         "attach_kill: id of the cell an effector is attached to, 0 = none", "attached_to"});
  }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    sim.neighbour_grid();  // current for the candidate search below (rebuilt if stale)
    AgentStore& a = sim.agents();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    kill_.assign(a.size(), 0);
    std::uint64_t* partner = a.column(partner_).data();
    std::uint8_t* kill = kill_.data();
    const double* value = a.property[static_cast<std::size_t>(property_)].data();
    const std::uint64_t seed = sim.seed();
    const UniformGrid& grid = sim.grid();
    const Domain& d = sim.domain();
    std::int64_t attached = 0, detached = 0;
#pragma omp parallel for schedule(static) num_threads(sim.threads()) \
    reduction(+ : attached, detached) if (n >= kMinParallelAgents)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      const AttachKillParams& p = params_[a.type[i]];
      if (!p.enabled || a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      const RandomDraw draw(seed, step.step, Purpose::kAttachKill, a.id[i]);
      if (partner[i] != 0) {
        // An attachment ends when its target is gone or no longer live (killed by another
        // effector, or dead of another cause since the last step).
        const std::uint32_t j = a.index_of(partner[i]);
        bool detach =
            j == AgentStore::kNoIndex || a.state[j] != static_cast<std::int32_t>(AgentState::kLive);
        if (!detach) {
          const double rate = p.kill_rate_per_min * attach_kill_property_scale(p, value[j]);
          if (rate > 0 && draw.uniform(0) < rules::event_probability(rate, step.dt_min)) {
            kill[i] = 1;
            detach = true;
          }
        }
        if (draw.uniform(1) <
            rules::event_probability(1.0 / p.attachment_lifetime_min, step.dt_min)) {
          detach = true;
        }
        if (detach && !kill[i]) {
          partner[i] = 0;
          ++detached;
        }
        continue;
      }
      std::size_t best = AgentStore::kNoIndex;
      double best_d2 = 0;
      const double reach2 = p.max_distance_um * p.max_distance_um;
      grid.for_each_candidate(i, [&](std::size_t j) {
        if (j == i || a.state[j] != static_cast<std::int32_t>(AgentState::kLive)) return;
        if (!(value[j] > p.threshold)) return;
        const double dx = d.delta(0, a.x[i], a.x[j]), dy = d.delta(1, a.y[i], a.y[j]);
        const double dz = d.dim == 3 ? d.delta(2, a.z[i], a.z[j]) : 0.0;
        const double d2 = dx * dx + dy * dy + dz * dz;
        if (d2 > reach2) return;
        if (best == AgentStore::kNoIndex || d2 < best_d2 ||
            (d2 == best_d2 && a.id[j] < a.id[best])) {
          best = j;
          best_d2 = d2;
        }
      });
      if (best == AgentStore::kNoIndex) continue;
      const double w = std::clamp(
          (p.max_distance_um - std::sqrt(best_d2)) / (p.max_distance_um - p.min_distance_um), 0.0,
          1.0);
      const double rate = p.attach_rate_per_min * attach_kill_property_scale(p, value[best]) * w;
      if (rate > 0 && draw.uniform(0) < rules::event_probability(rate, step.dt_min)) {
        partner[i] = a.id[best];
        ++attached;
      }
    }
    attachments_ += attached;
    detachments_ += detached;
    // Kills, then the springs of the attachments that hold, serially in dense order.
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (partner[i] == 0) continue;
      const std::uint32_t j = a.index_of(partner[i]);
      if (kill[i]) {
        if (a.state[j] == static_cast<std::int32_t>(AgentState::kLive)) {
          a.state[j] = static_cast<std::int32_t>(AgentState::kApoptotic);
          a.state_time_min[j] = 0.0;
          ++kills_;
        }
        partner[i] = 0;
        ++detachments_;
        continue;
      }
      if (a.state[i] != static_cast<std::int32_t>(AgentState::kLive)) continue;
      if (a.state[j] != static_cast<std::int32_t>(AgentState::kLive)) {  // killed just now
        partner[i] = 0;
        ++detachments_;
        continue;
      }
      const AttachKillParams& p = params_[a.type[i]];
      const double dx = d.delta(0, a.x[j], a.x[i]), dy = d.delta(1, a.y[j], a.y[i]);
      const double dz = d.dim == 3 ? d.delta(2, a.z[j], a.z[i]) : 0.0;
      if (dx * dx + dy * dy + dz * dz > p.max_distance_um * p.max_distance_um) {
        partner[i] = 0;
        ++detachments_;
        continue;
      }
      a.vx[i] += p.elastic_per_min * dx;
      a.vy[i] += p.elastic_per_min * dy;
      a.vz[i] += p.elastic_per_min * dz;
      a.vx[j] -= p.elastic_per_min * dx;
      a.vy[j] -= p.elastic_per_min * dy;
      a.vz[j] -= p.elastic_per_min * dz;
    }
  }

  std::size_t bytes_per_agent() const override { return sizeof(std::uint8_t); }  // kill list

  nlohmann::json readouts(const Simulation&) const override {
    return {{"kills", kills_}, {"attachments", attachments_}, {"detachments", detachments_}};
  }
  std::vector<CountsColumn> count_columns() const override {
    return {{"attach_kill_kills", "cells", "cells killed by attached effectors so far"},
            {"attach_kill_attached", "cells", "effectors attached to a cell now"}};
  }
  void append_counts(const Simulation& sim, std::vector<double>& row) const override {
    const AgentStore& a = sim.agents();
    const std::uint64_t* partner = a.column_data(partner_);
    std::int64_t attached = 0;
    for (std::size_t i = 0; i < a.size(); ++i) attached += partner[i] != 0 ? 1 : 0;
    row.push_back(static_cast<double>(kills_));
    row.push_back(static_cast<double>(attached));
  }
  void save_state(StateWriter& out) const override {
    out.put_value("kills", kills_);
    out.put_value("attachments", attachments_);
    out.put_value("detachments", detachments_);
  }
  void restore_state(const StateReader& in) override {
    kills_ = in.get_value<std::int64_t>("kills");
    attachments_ = in.get_value<std::int64_t>("attachments");
    detachments_ = in.get_value<std::int64_t>("detachments");
  }

 private:
  std::vector<AttachKillParams> params_;
  int property_;
  double reach_um_ = 0.0;
  ColumnKey<std::uint64_t> partner_;
  std::vector<std::uint8_t> kill_;  // per agent, this step: the effector kills its partner
  std::int64_t kills_ = 0, attachments_ = 0, detachments_ = 0;
};

}  // namespace

std::unique_ptr<Mechanism> make_attach_kill(TableReader& table, const SetupContext& context) {
  std::vector<AttachKillParams> params(context.types.size());
  const std::vector<std::string> reserved = {"property"};
  const std::string property_name = table.string_or("property", "oncoprotein");
  const int property = context.property(property_name);
  if (property < 0) {
    table.fail("property", "is '" + property_name +
                               "', which no [[cell_type]] declares in its "
                               "properties");
  }
  for_each_type_table(table, context, reserved, [&](int t, TableReader& sub) {
    AttachKillParams& p = params[t];
    p.enabled = true;
    p.threshold = sub.number_or("threshold", p.threshold, Bound::kAny);
    p.saturation = sub.number_or("saturation", p.saturation, Bound::kAny);
    if (!(p.saturation > p.threshold)) sub.fail("saturation", "must exceed threshold");
    p.attach_rate_per_min =
        sub.number_or("attach_rate_per_min", p.attach_rate_per_min, Bound::kNonNegative);
    p.max_distance_um = sub.number_or("max_distance_um", p.max_distance_um, Bound::kPositive);
    p.min_distance_um = sub.number_or("min_distance_um", p.min_distance_um, Bound::kNonNegative);
    if (!(p.min_distance_um < p.max_distance_um)) {
      sub.fail("min_distance_um", "must be below max_distance_um");
    }
    p.kill_rate_per_min =
        sub.number_or("kill_rate_per_min", p.kill_rate_per_min, Bound::kNonNegative);
    p.attachment_lifetime_min =
        sub.number_or("attachment_lifetime_min", p.attachment_lifetime_min, Bound::kPositive);
    p.elastic_per_min = sub.number_or("elastic_per_min", p.elastic_per_min, Bound::kNonNegative);
  });
  return std::make_unique<AttachKill>(std::move(params), property);
}

std::span<const ParameterDoc> attach_kill_parameters() {
  static const ParameterDoc kAttachKillParameters[] = {
      {"property", "", "oncoprotein",
       "the cell property that makes a cell a target (a `[cell_type]` property name)", "–",
       Evidence::kNotApplicable},
      {"<type>.threshold", "property unit", "0.5",
       "T: cells at or below it are neither attached to nor killed",
       "PhysiCell 1.14.2 cancer_immune sample, oncoprotein_threshold", Evidence::kSimulatorDefault},
      {"<type>.saturation", "property unit", "2",
       "S: the property at which attachment and kill rates saturate; s = min(1, (p - T)/(S - T))",
       "PhysiCell 1.14.2 cancer_immune sample, oncoprotein_saturation",
       Evidence::kSimulatorDefault},
      {"<type>.attach_rate_per_min", "1/min", "0.2", "a: attachment rate at s = w = 1",
       "PhysiCell 1.14.2 cancer_immune sample, attachment_rate", Evidence::kSimulatorDefault},
      {"<type>.max_distance_um", "µm", "18",
       "d_max: centre distance beyond which no attachment forms and an attachment ends",
       "PhysiCell 1.14.2 cancer_immune sample, max_attachment_distance",
       Evidence::kSimulatorDefault},
      {"<type>.min_distance_um", "µm", "14",
       "d_min: centre distance at or within which the attachment rate is full; w = (d_max - "
       "d)/(d_max - d_min)",
       "PhysiCell 1.14.2 cancer_immune sample, min_attachment_distance",
       Evidence::kSimulatorDefault},
      {"<type>.kill_rate_per_min", "1/min", "0.06667",
       "k: kill rate of an attached effector at s = 1",
       "PhysiCell 1.14.2 cancer_immune sample, kill_rate", Evidence::kSimulatorDefault},
      {"<type>.attachment_lifetime_min", "min", "60",
       "L: mean time before an attached effector lets go without a kill",
       "PhysiCell 1.14.2 cancer_immune sample, attachment_lifetime", Evidence::kSimulatorDefault},
      {"<type>.elastic_per_min", "1/min", "0.01",
       "e: spring of the attachment; each partner gets velocity e times the offset to the other",
       "PhysiCell 1.14.2 cancer_immune sample, elastic_coefficient", Evidence::kSimulatorDefault},
  };
  return kAttachKillParameters;
}

}  // namespace nksim
