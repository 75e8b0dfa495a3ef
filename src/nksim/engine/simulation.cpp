#include "nksim/engine/simulation.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "nksim/core/error.h"
#include "nksim/core/rng.h"
#include "nksim/core/state_archive.h"
#include "nksim/engine/parallel.h"

namespace nksim {
namespace {

std::uint64_t ratio(double big, double small, const char* what) {
  const double q = big / small;
  const double r = std::round(q);
  if (r < 1 || std::abs(q - r) > 1e-6 * r) {
    throw InputError(std::string(what) + " must be a whole multiple of the shorter step");
  }
  return static_cast<std::uint64_t>(r);
}

}  // namespace

Simulation::Simulation(SimulationSettings settings, std::vector<CellType> types)
    : settings_(std::move(settings)), types_(std::move(types)) {
  mechanics_per_phenotype_ =
      ratio(settings_.dt_phenotype_min, settings_.dt_mechanics_min, "dt_phenotype_min");
  diffusion_per_mechanics_ =
      ratio(settings_.dt_mechanics_min, settings_.dt_diffusion_min, "dt_mechanics_min");
  if (settings_.threads < 1) settings_.threads = 1;
}

void Simulation::set_fields(FieldGrid fields, std::unique_ptr<DiffusionSolver> solver) {
  fields_ = std::move(fields);
  solver_ = std::move(solver);
}

void Simulation::add_mechanism(std::unique_ptr<Mechanism> mechanism) {
  mechanism->declare_columns(agents_);
  mechanisms_.push_back(std::move(mechanism));
  for (auto& m : mechanisms_) m->find_columns(agents_);
}

std::size_t Simulation::add_agent(int type_index, double x, double y, double z) {
  const Domain& d = settings_.domain;
  const double zz = d.dim == 2 ? 0.0 : d.confine(2, z);
  const std::size_t i =
      agents_.add(type_index, d.confine(0, x), d.confine(1, y), zz, types_[type_index].radius_um);
  const auto& defaults = types_[type_index].property_defaults;
  for (std::size_t k = 0; k < defaults.size() && k < agents_.property.size(); ++k) {
    agents_.property[k][i] = defaults[k];
  }
  return i;
}

void Simulation::run_phase(Phase phase, const StepInfo& info) {
  for (auto& m : mechanisms_) {
    if (!(m->phases() & phase_bit(phase))) continue;
#ifndef NDEBUG
    const std::size_t agents_before = agents_.size();
    const std::uint64_t next_id_before = agents_.next_id();
#endif
    m->run(phase, *this, info);
#ifndef NDEBUG
    // Mechanics may renumber the agents; no mechanism may add or remove one while they move or
    // exchange with the fields (mechanism.h).
    if (phase == Phase::kMove || phase == Phase::kExchange) {
      assert(agents_.size() == agents_before && agents_.next_id() == next_id_before &&
             "agents added or removed in the move or exchange phase");
    }
#endif
  }
}

void Simulation::rebuild_grid() {
  double max_radius = 0.0;
  for (double r : agents_.radius) max_radius = std::max(max_radius, r);
  double cutoff = 0.0;
  for (auto& m : mechanisms_) cutoff = std::max(cutoff, m->interaction_distance_um());
  // Interaction distances are given for the largest radius pair by the mechanisms; fall back
  // to touching spheres.
  grid_cutoff_um_ = std::max(cutoff, 2.0 * max_radius);
  grid_.build(agents_, settings_.domain, grid_cutoff_um_, settings_.threads);
  grid_layout_ = agents_.layout_version();
  grid_epoch_ = positions_epoch_;
}

const UniformGrid& Simulation::neighbour_grid() {
  if (!grid_is_current()) rebuild_grid();
  return grid_;
}

const UniformGrid& Simulation::grid() const {
  assert(grid_is_current() && "call neighbour_grid() before grid() in this phase");
  return grid_;
}

std::size_t Simulation::bytes_per_agent() const {
  std::size_t bytes = agents_.bytes_per_agent() + grid_.bytes_per_agent();
  for (const auto& m : mechanisms_) bytes += m->bytes_per_agent();
  return bytes;
}

void Simulation::renumber_agents_in_cell_order() {
  rebuild_grid();
  agents_.permute(grid_.order(), settings_.threads);
  grid_.renumber_in_slot_order();
  grid_layout_ = agents_.layout_version();  // still current: slot s holds agent s
}

void Simulation::step() {
  const bool phenotype_due = mechanics_step_ % mechanics_per_phenotype_ == 0;
  const StepInfo phenotype{time_min_, settings_.dt_phenotype_min,
                           mechanics_step_ / mechanics_per_phenotype_};
  if (phenotype_due) {
    run_phase(Phase::kSense, phenotype);
    run_phase(Phase::kDecide, phenotype);
    run_phase(Phase::kAct, phenotype);
    apply_events(phenotype);
  }

  // Mechanics: velocities from scratch, then overdamped (forward Euler) positions.
  const StepInfo mechanics{time_min_, settings_.dt_mechanics_min, mechanics_step_};
  const std::int64_t n = static_cast<std::int64_t>(agents_.size());
  std::fill(agents_.vx.begin(), agents_.vx.end(), 0.0);
  std::fill(agents_.vy.begin(), agents_.vy.end(), 0.0);
  std::fill(agents_.vz.begin(), agents_.vz.end(), 0.0);
  run_phase(Phase::kMove, mechanics);
  const Domain& d = settings_.domain;
  const double dt = settings_.dt_mechanics_min;
  AgentStore& a = agents_;
#pragma omp parallel for schedule(static) \
    num_threads(settings_.threads) if (n >= kMinParallelAgents)
  for (std::int64_t i = 0; i < n; ++i) {
    a.x[i] = d.confine(0, a.x[i] + dt * a.vx[i]);
    a.y[i] = d.confine(1, a.y[i] + dt * a.vy[i]);
    if (d.dim == 3) a.z[i] = d.confine(2, a.z[i] + dt * a.vz[i]);
  }
  ++positions_epoch_;

  if (solver_ && fields_.num_fields() > 0) {
    for (std::uint64_t k = 0; k < diffusion_per_mechanics_; ++k) {
      const StepInfo diffusion{time_min_ + static_cast<double>(k) * settings_.dt_diffusion_min,
                               settings_.dt_diffusion_min, diffusion_step_};
      run_phase(Phase::kExchange, diffusion);
      solver_->step(fields_, settings_.dt_diffusion_min, settings_.threads);
      ++diffusion_step_;
    }
  }
  if (phenotype_due) run_phase(Phase::kCouple, phenotype);
  ++mechanics_step_;
  time_min_ = static_cast<double>(mechanics_step_) * settings_.dt_mechanics_min;
}

void Simulation::run_until(double t_min, const std::function<void(const Simulation&)>& after_step) {
  while (time_min_ < t_min - 1e-3 * settings_.dt_mechanics_min) {
    step();
    if (after_step) after_step(*this);
  }
}

void Simulation::apply_events(const StepInfo& info) {
  AgentStore& a = agents_;
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < a.size(); ++i) {
    a.state_time_min[i] += info.dt_min;
    if (a.event[i] != kEventNone) ids.push_back(a.id[i]);
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::uint64_t> removals;
  const Domain& d = settings_.domain;
  for (std::uint64_t agent_id : ids) {
    const std::size_t i = a.index_of(agent_id);
    const std::uint8_t event = a.event[i];
    a.event[i] = kEventNone;
    if (event & kEventRemove) {
      removals.push_back(agent_id);
      continue;
    }
    if (event & (kEventApoptosis | kEventLysis)) {
      a.state[i] = static_cast<std::int32_t>((event & kEventLysis) ? AgentState::kLysed
                                                                   : AgentState::kApoptotic);
      a.state_time_min[i] = 0.0;
      continue;
    }
    if (event & kEventDivide) {
      const std::size_t j = a.add_daughter(i);
      double ux, uy, uz;
      random_direction(RandomDraw(seed(), info.step, Purpose::kDivisionDirection, agent_id), d.dim,
                       ux, uy, uz);
      const double offset = a.radius[i] + a.radius[j];  // daughter touches the mother
      a.x[j] = d.confine(0, a.x[i] + offset * ux);
      a.y[j] = d.confine(1, a.y[i] + offset * uy);
      a.z[j] = d.dim == 3 ? d.confine(2, a.z[i] + offset * uz) : 0.0;
      for (auto& m : mechanisms_) m->on_divide(*this, i, j, info);
    }
  }
  for (std::uint64_t agent_id : removals) a.remove(a.index_of(agent_id));
}

namespace {
std::string mechanism_prefix(std::size_t k, const Mechanism& m) {
  return "mechanism/" + std::to_string(k) + "/" + m.name() + "/";
}
}  // namespace

void Simulation::save_state(StateWriter& out) const {
  out.set_prefix("clock/");
  out.put_value("mechanics_step", mechanics_step_);
  out.put_value("diffusion_step", diffusion_step_);
  out.put_value("time_min", time_min_);
  out.put_value("seed", settings_.seed);
  out.put_value("mechanisms", static_cast<std::uint64_t>(mechanisms_.size()));
  out.set_prefix("agents/");
  agents_.save_state(out);
  out.set_prefix("fields/");
  for (std::size_t f = 0; f < fields_.num_fields(); ++f) {
    out.put(fields_.spec(f).name, fields_.values(f));
  }
  if (solver_) {
    out.set_prefix("diffusion_solver/");
    solver_->save_state(out);
  }
  for (std::size_t k = 0; k < mechanisms_.size(); ++k) {
    out.set_prefix(mechanism_prefix(k, *mechanisms_[k]));
    out.put_value("present", std::uint8_t{1});
    mechanisms_[k]->save_state(out);
  }
  out.set_prefix("");
}

void Simulation::restore_state(StateReader& in) {
  in.set_prefix("clock/");
  if (in.get_value<std::uint64_t>("seed") != settings_.seed) {
    throw InputError(in.path().string() + ": the checkpoint was taken with seed " +
                     std::to_string(in.get_value<std::uint64_t>("seed")) + ", the scenario has " +
                     std::to_string(settings_.seed));
  }
  if (in.get_value<std::uint64_t>("mechanisms") != mechanisms_.size()) {
    throw InputError(in.path().string() + ": the checkpoint has " +
                     std::to_string(in.get_value<std::uint64_t>("mechanisms")) +
                     " mechanisms, the scenario " + std::to_string(mechanisms_.size()));
  }
  mechanics_step_ = in.get_value<std::uint64_t>("mechanics_step");
  diffusion_step_ = in.get_value<std::uint64_t>("diffusion_step");
  time_min_ = in.get_value<double>("time_min");
  in.set_prefix("agents/");
  agents_.restore_state(in);
  grid_layout_ = ~std::uint64_t{0};  // the grid describes the agents before the restore
  in.set_prefix("fields/");
  for (std::size_t f = 0; f < fields_.num_fields(); ++f) {
    fields_.values(f) = in.get<double>(fields_.spec(f).name,
                                       static_cast<std::int64_t>(fields_.values(f).size()));
  }
  if (solver_) {
    in.set_prefix("diffusion_solver/");
    solver_->restore_state(in);
  }
  for (std::size_t k = 0; k < mechanisms_.size(); ++k) {
    in.set_prefix(mechanism_prefix(k, *mechanisms_[k]));
    in.get_value<std::uint8_t>("present");
    mechanisms_[k]->restore_state(in);
  }
  in.set_prefix("");
}

}  // namespace nksim
