// secretion: per cell type and field, secretion towards a target concentration, uptake, and a
// net export, integrated implicitly per diffusion step (rules/secretion.h, BioFVM's scheme).
//
// One agent's exchange over dt is an affine map of its voxel's value, c -> (c + a) d. Agents
// only move or change between mechanics steps, so once per mechanics step the maps of all agents
// in a voxel are composed, in agent order, into one map c -> alpha c + beta per voxel and field;
// each diffusion step then applies that map to the touched voxels only (in parallel: voxels are
// independent). Same arithmetic as applying the agents one by one, up to rounding; independent
// of threads. Dead cells exchange only where dead_secretion_per_min or dead_uptake_per_min is set
// (PhysiCell's cancer-immune sample keeps dead tumour cells secreting). A solver that solves the
// exchange with the diffusion (DiffusionSolver:: takes_exchange, e.g. implicit_adi) gets the maps
// instead, and the field is not touched here. For such a solver the agents of a voxel are summed
// as rates, not composed as maps: each voxel's map is the backward-Euler map of the summed sink
// K and source S, alpha = 1 / (1 + dt K), beta = dt S alpha. (Composing two agents' maps gives
// the sink K + k1 k2 dt, a first-order error that a solver exact at steady state would otherwise
// inherit: with three tumour cells per voxel at PhysiCell's uptake it is ~3 % of the uptake at
// dt = 0.01 min.) Docs: docs/mechanisms/secretion.md.
#include <cstdint>
#include <numbers>

#include "nksim/core/text.h"
#include "nksim/engine/parallel.h"
#include "nksim/engine/simulation.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"
#include "nksim/rules/secretion.h"

namespace nksim {
namespace {

struct Exchange {
  int field = -1;
  double secretion_per_min = 0;
  double target = 1;
  double uptake_per_min = 0;
  double export_per_min = 0;  // amount per minute per cell
  // Dead (apoptotic or lysed) cells: secretion towards the same target and uptake; no export.
  double dead_secretion_per_min = 0;
  double dead_uptake_per_min = 0;
};

class Secretion final : public Mechanism {
 public:
  Secretion(std::vector<std::vector<Exchange>> by_type, std::size_t num_fields)
      : by_type_(std::move(by_type)), num_fields_(num_fields) {
    for (const auto& list : by_type_) {
      bool any = false;
      for (const Exchange& e : list)
        any |= e.dead_secretion_per_min > 0 || e.dead_uptake_per_min > 0;
      dead_exchange_.push_back(any);
    }
  }
  const char* name() const override { return "secretion"; }
  unsigned phases() const override { return phase_bit(Phase::kExchange); }

  void run(Phase, Simulation& sim, const StepInfo& step) override {
    DiffusionSolver* solver = sim.diffusion_solver();
    const bool in_solve = solver && solver->takes_exchange();
    if (sim.mechanics_steps() != built_step_ || step.dt_min != built_dt_) {
      compose(sim, step.dt_min, in_solve);
    }
    if (in_solve) {
      for (std::size_t f = 0; f < num_fields_; ++f) {
        if (!field_used_[f]) continue;
        solver->set_exchange(f, ExchangeView{voxels_.data(), &alpha_[f], &beta_[f], voxels_.size(),
                                             num_fields_});
      }
      return;
    }
    FieldGrid& fields = sim.fields();
    const std::int64_t n = static_cast<std::int64_t>(voxels_.size());
    // A few ns per voxel: below ~10^5 voxels a parallel region costs more than it saves.
    const bool parallel = n * static_cast<std::int64_t>(num_fields_) >= kMinParallelExchange;
#pragma omp parallel num_threads(sim.threads()) if (parallel)
    for (std::size_t f = 0; f < num_fields_; ++f) {
      if (!field_used_[f]) continue;
      double* c = fields.values(f).data();
      const double* alpha = &alpha_[f];
      const double* beta = &beta_[f];
      const std::size_t stride = num_fields_;
#pragma omp for schedule(static) nowait
      for (std::int64_t k = 0; k < n; ++k) {
        const std::size_t at = static_cast<std::size_t>(k) * stride;
        double& v = c[voxels_[static_cast<std::size_t>(k)]];
        v = alpha[at] * v + beta[at];
      }
    }
  }

 private:
  // Composes every live agent's map into per-voxel maps, each voxel's agents in agent order;
  // `summed`: sums the agents' rates into one backward-Euler map per voxel instead. The voxels
  // of the agents and the maps are computed in parallel (each voxel's maps by one thread, its
  // agents in agent order, so the results do not depend on the threads); the slots are
  // numbered serially, in order of first appearance.
  void compose(const Simulation& sim, double dt, bool summed) {
    const AgentStore& a = sim.agents();
    const FieldGrid& fields = sim.fields();
    const double voxel_volume = fields.voxel_volume_um3();
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const int threads = n >= kMinParallelAgents ? sim.threads() : 1;
    const auto exchanges = [&](std::size_t i) {
      const bool live = a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
      return !by_type_[a.type[i]].empty() && (live || dead_exchange_[a.type[i]]);
    };
    std::vector<std::uint32_t> voxel_of_agent(a.size());
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
    for (std::int64_t ii = 0; ii < n; ++ii) {
      const std::size_t i = static_cast<std::size_t>(ii);
      voxel_of_agent[i] = exchanges(i)
                              ? static_cast<std::uint32_t>(fields.voxel_of(a.x[i], a.y[i], a.z[i]))
                              : kNone;
    }
    for (std::uint32_t v : voxels_) slot_of_voxel_[v] = kNone;
    slot_of_voxel_.resize(fields.num_voxels(), kNone);
    voxels_.clear();
    field_used_.assign(num_fields_, false);
    // Slots, and the agents of each slot in agent order (counting sort).
    slot_start_.clear();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::uint32_t v = voxel_of_agent[i];
      if (v == kNone) continue;
      if (slot_of_voxel_[v] == kNone) {
        slot_of_voxel_[v] = static_cast<std::uint32_t>(voxels_.size());
        voxels_.push_back(v);
        slot_start_.push_back(0);
      }
      ++slot_start_[slot_of_voxel_[v]];
      const bool live = a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
      for (const Exchange& e : by_type_[a.type[i]]) {
        if (live || e.dead_secretion_per_min != 0 || e.dead_uptake_per_min != 0) {
          field_used_[static_cast<std::size_t>(e.field)] = true;
        }
      }
    }
    const std::size_t slots = voxels_.size();
    std::uint32_t total = 0;
    for (std::uint32_t& start : slot_start_) {
      const std::uint32_t count = start;
      start = total;
      total += count;
    }
    slot_start_.push_back(total);
    // Per-agent scratch, freed after the compose (no memory per agent is kept between steps).
    std::vector<std::uint32_t> slot_agents(total);
    slot_fill_.assign(slot_start_.begin(), slot_start_.end() - 1);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (voxel_of_agent[i] == kNone) continue;
      slot_agents[slot_fill_[slot_of_voxel_[voxel_of_agent[i]]]++] = static_cast<std::uint32_t>(i);
    }
    alpha_.assign(slots * num_fields_, 1.0);
    beta_.assign(slots * num_fields_, 0.0);
    const std::int64_t num_slots = static_cast<std::int64_t>(slots);
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
    for (std::int64_t slot = 0; slot < num_slots; ++slot) {
      const std::size_t at = static_cast<std::size_t>(slot) * num_fields_;
      for (std::uint32_t q = slot_start_[slot]; q < slot_start_[slot + 1]; ++q) {
        const std::size_t i = slot_agents[q];
        const bool live = a.state[i] == static_cast<std::int32_t>(AgentState::kLive);
        const double r = a.radius[i];
        const double ratio = 4.0 / 3.0 * std::numbers::pi * r * r * r / voxel_volume;
        for (const Exchange& e : by_type_[a.type[i]]) {
          if (!live && e.dead_secretion_per_min == 0 && e.dead_uptake_per_min == 0) continue;
          const double secretion = live ? e.secretion_per_min : e.dead_secretion_per_min;
          const double uptake = live ? e.uptake_per_min : e.dead_uptake_per_min;
          const double export_per_voxel = live ? e.export_per_min / voxel_volume : 0.0;
          const std::size_t k = at + static_cast<std::size_t>(e.field);
          if (summed) {  // alpha_ holds 1 + dt K and beta_ dt S until the end
            alpha_[k] += dt * ratio * (secretion + uptake);
            beta_[k] += dt * (ratio * secretion * e.target + export_per_voxel);
          } else {  // (alpha c + beta) -> ((alpha c + beta) + add) * scale
            const rules::AffineExchange m =
                rules::secrete_uptake_map(dt, ratio, secretion, e.target, uptake, export_per_voxel);
            alpha_[k] *= m.scale;
            beta_[k] = (beta_[k] + m.add) * m.scale;
          }
        }
      }
      if (summed) {
        for (std::size_t f = 0; f < num_fields_; ++f) {
          alpha_[at + f] = 1.0 / alpha_[at + f];
          beta_[at + f] *= alpha_[at + f];
        }
      }
    }
    built_step_ = sim.mechanics_steps();
    built_dt_ = dt;
  }

  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::int64_t kMinParallelExchange = 131072;
  std::vector<std::vector<Exchange>> by_type_;
  std::size_t num_fields_;
  std::uint64_t built_step_ = ~std::uint64_t{0};
  double built_dt_ = -1.0;
  std::vector<std::uint32_t> slot_of_voxel_;  // per voxel: index into voxels_, or kNone
  std::vector<std::uint32_t> voxels_;         // touched voxels
  // Per slot, where its agents start in compose's list of agents by slot (and one past the
  // last), and a fill cursor; for one compose.
  std::vector<std::uint32_t> slot_start_, slot_fill_;
  std::vector<double> alpha_, beta_;          // per touched voxel, per field
  std::vector<bool> field_used_;
  std::vector<bool> dead_exchange_;  // per type: its dead cells exchange with a field
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
      x.dead_secretion_per_min = e.number_or("dead_secretion_per_min", 0.0, Bound::kNonNegative);
      x.dead_uptake_per_min = e.number_or("dead_uptake_per_min", 0.0, Bound::kNonNegative);
      e.finish();
      by_type[t].push_back(x);
    }
  });
  return std::make_unique<Secretion>(std::move(by_type), context.fields.num_fields());
}

std::span<const ParameterDoc> secretion_parameters() {
  static const ParameterDoc kSecretionParameters[] = {
      {"<type>.<field>.secretion_per_min", "1/min", "0", "secretion rate S towards the target",
       "e.g. 10 (PhysiCell cancer–immune factor)", Evidence::kSimulatorDefault},
      {"<type>.<field>.target", "field unit", "1", "saturation density T", "assumption",
       Evidence::kAssumption},
      {"<type>.<field>.uptake_per_min", "1/min", "0", "uptake rate U",
       "e.g. 10 (PhysiCell oxygen uptake)", Evidence::kSimulatorDefault},
      {"<type>.<field>.export_per_min", "amount/min", "0", "net export E per cell", "assumption",
       Evidence::kAssumption},
      {"<type>.<field>.dead_secretion_per_min", "1/min", "0",
       "secretion rate of a dead (apoptotic or lysed) cell towards the same target",
       "e.g. 10 (PhysiCell cancer–immune sample: dead tumour cells keep secreting the factor)",
       Evidence::kSimulatorDefault},
      {"<type>.<field>.dead_uptake_per_min", "1/min", "0", "uptake rate of a dead cell",
       "e.g. 1 (PhysiCell: a dying cell's uptake drops to a tenth)", Evidence::kSimulatorDefault},
  };
  return kSecretionParameters;
}

}  // namespace nksim
