// One spatial simulation: it owns the agents, the neighbour grid, the fields and their solver,
// the mechanisms and the clocks. Nothing global: many Simulations can run side by side.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nksim/engine/agent_store.h"
#include "nksim/engine/domain.h"
#include "nksim/engine/mechanism.h"
#include "nksim/engine/uniform_grid.h"
#include "nksim/fields/diffusion_solver.h"
#include "nksim/fields/field_grid.h"

namespace nksim {

struct CellType {
  std::string name;
  double radius_um = 8.4;
  std::vector<double> property_defaults;  // one per AgentStore property column
};

struct SimulationSettings {
  Domain domain;
  double dt_mechanics_min = 0.1;
  double dt_diffusion_min = 0.01;
  double dt_phenotype_min = 6.0;
  std::uint64_t seed = 1;
  int threads = 1;
};

class Simulation {
 public:
  Simulation(SimulationSettings settings, std::vector<CellType> types);

  // Fields are optional; the solver must accept settings.dt_diffusion_min (checked by callers).
  void set_fields(FieldGrid fields, std::unique_ptr<DiffusionSolver> solver);
  void add_mechanism(std::unique_ptr<Mechanism> mechanism);

  AgentStore& agents() { return agents_; }
  const AgentStore& agents() const { return agents_; }
  FieldGrid& fields() { return fields_; }
  // The fields' solver, or null without fields.
  DiffusionSolver* diffusion_solver() { return solver_.get(); }
  const DiffusionSolver* diffusion_solver() const { return solver_.get(); }
  const FieldGrid& fields() const { return fields_; }
  const Domain& domain() const { return settings_.domain; }
  const SimulationSettings& settings() const { return settings_; }
  const std::vector<CellType>& types() const { return types_; }
  // The neighbour grid of the agents as they are now: rebuilt only when agents were added,
  // removed, renumbered or moved since it was last built, so no mechanism has to remember to
  // rebuild it (and none rebuilds it needlessly).
  const UniformGrid& neighbour_grid();
  // The grid as last built, for const code that runs after neighbour_grid() in the same phase;
  // debug builds check that it is still current.
  const UniformGrid& grid() const;
  bool grid_is_current() const {
    return grid_layout_ == agents_.layout_version() && grid_epoch_ == positions_epoch_;
  }
  const std::vector<std::unique_ptr<Mechanism>>& mechanisms() const { return mechanisms_; }
  int threads() const { return settings_.threads; }
  std::uint64_t seed() const { return settings_.seed; }

  // Adds a live agent of a type at a position (z is set to 0 in 2-D); returns its index.
  std::size_t add_agent(int type_index, double x, double y, double z);

  double time_min() const { return time_min_; }
  std::uint64_t mechanics_steps() const { return mechanics_step_; }
  // One mechanics step, with the phenotype and diffusion steps that fall in it.
  void step();
  // Steps until time_min() >= t (to within a thousandth of a mechanics step).
  void run_until(double t_min, const std::function<void(const Simulation&)>& after_step = {});

  // Rebuilds the neighbour grid now, current or not (neighbour_grid() does it only when needed).
  void rebuild_grid();
  // Rebuilds the grid and renumbers the agents in its cell order, so that neighbours are near
  // each other in memory (ids never change; the order depends only on positions, never on
  // threads). Afterwards grid slot s holds agent s. Used by mechanics when it rebuilds its
  // neighbour lists.
  void renumber_agents_in_cell_order();
  double grid_cutoff_um() const { return grid_cutoff_um_; }
  // Memory per agent: the agent columns, the neighbour grid and what mechanisms keep per agent.
  std::size_t bytes_per_agent() const;

  // Checkpoints, taken between steps: the clocks, every agent column, the field values and each
  // mechanism's own state (Mechanism::save_state). The neighbour grid and the solvers' scratch
  // are rebuilt before their next use, so they are not saved. restore_state expects a
  // Simulation built from the same scenario (same types, fields and mechanisms, in order) and
  // throws InputError naming what differs.
  void save_state(StateWriter& out) const;
  void restore_state(StateReader& in);

 private:
  void run_phase(Phase phase, const StepInfo& info);
  void apply_events(const StepInfo& info);

  SimulationSettings settings_;
  std::vector<CellType> types_;
  AgentStore agents_;
  UniformGrid grid_;
  FieldGrid fields_;
  std::unique_ptr<DiffusionSolver> solver_;
  std::vector<std::unique_ptr<Mechanism>> mechanisms_;
  std::uint64_t mechanics_step_ = 0;
  std::uint64_t diffusion_step_ = 0;
  std::uint64_t mechanics_per_phenotype_ = 1;
  std::uint64_t diffusion_per_mechanics_ = 1;
  double time_min_ = 0;
  double grid_cutoff_um_ = 0;
  std::uint64_t positions_epoch_ = 0;  // advanced whenever the move phase changes positions
  std::uint64_t grid_layout_ = ~std::uint64_t{0};  // layout version and epoch the grid was built at
  std::uint64_t grid_epoch_ = ~std::uint64_t{0};
};

}  // namespace nksim
