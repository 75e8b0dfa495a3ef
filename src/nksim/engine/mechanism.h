// A mechanism: one named piece of behaviour (mechanics, motility, proliferation, secretion...).
//
// A mechanism declares the phases it runs in; the scheduler (Simulation::step) owns the order:
//   sense -> decide -> act     on the phenotype clock (dt_phenotype_min)
//   move                       on the mechanics clock (dt_mechanics_min)
//   exchange                   on the diffusion clock (dt_diffusion_min), before each solve
//   couple                     on the phenotype clock, after the fields have advanced
// Within a phase, mechanisms run one after another in the order of the registration list
// (mechanisms/builtin.cpp). What a mechanism may do, as the shipped ones do it:
//   - in a parallel loop over agents: write only the agent it visits (its columns, its event
//     flags, its velocity); any thread may visit any agent, so results never depend on threads;
//   - serially, in agent or id order: write two agents at once (nk_recognition_kill forms a
//     conjugate on both partners), add agents in the decide phase (nk_infusion,
//     t_cell_recruitment), write fields in the exchange and couple phases (secretion,
//     ligand_shedding, ifn_gamma_response);
//   - never remove or divide an agent itself: it sets event flags, and the engine applies them
//     after the decide phases, serially and in id order (Simulation::apply_events);
//   - never add or remove agents in the move and exchange phases (checked in debug builds);
//   - hold agent ids across phases, or dense indices only with the layout version they belong
//     to (AgentStore::layout_version; mechanics rebuilds its lists when it changed), and reach
//     neighbours through Simulation::neighbour_grid(), which is current by construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nksim/engine/agent_store.h"

#include <nlohmann/json.hpp>

namespace nksim {

class Simulation;
class StateWriter;
class StateReader;

enum class Phase : unsigned { kSense = 0, kDecide, kAct, kMove, kExchange, kCouple };
inline constexpr unsigned kNumPhases = 6;
inline constexpr unsigned phase_bit(Phase p) { return 1u << static_cast<unsigned>(p); }

// The clock a phase runs on: its time, step length and step counter (counters key the RNG).
struct StepInfo {
  double time_min = 0;
  double dt_min = 0;
  std::uint64_t step = 0;
};

// A column a mechanism adds to counts.csv: name, unit and meaning (for the CSVW sidecar).
struct CountsColumn {
  std::string name;
  std::string unit;
  std::string meaning;
};

class Mechanism {
 public:
  virtual ~Mechanism() = default;
  virtual const char* name() const = 0;
  virtual unsigned phases() const = 0;  // OR of phase_bit()
  virtual void run(Phase phase, Simulation& sim, const StepInfo& step) = 0;
  // Called once per division, serially and in id order, after the daughter is placed.
  virtual void on_divide(Simulation&, std::size_t /*mother*/, std::size_t /*daughter*/,
                         const StepInfo&) {}
  // Per-agent columns this mechanism owns: it declares them here (AgentStore::declare_column<T>,
  // keeping the returned keys); the engine then sizes, moves, copies or resets them at
  // division, saves them in checkpoints and writes those marked in_snapshots. Called once, by
  // Simulation::add_mechanism.
  virtual void declare_columns(AgentStore&) {}
  // Columns of other mechanisms this one reads: it finds them here by name
  // (AgentStore::find_column; an invalid key when the owner is not in the run). Called after
  // every add_mechanism, so the last call sees every column of the run.
  virtual void find_columns(const AgentStore&) {}
  // Largest distance (um) at which two agents interact; the neighbour grid uses the maximum.
  virtual double interaction_distance_um() const { return 0.0; }
  // Memory this mechanism keeps per agent (bytes), for the bytes-per-agent figure.
  virtual std::size_t bytes_per_agent() const { return 0; }
  // Read-outs of this mechanism for summary.json (under "readouts": {name: ...}); null for none.
  virtual nlohmann::json readouts(const Simulation&) const { return nullptr; }
  // Columns of this mechanism's own in counts.csv (after the field totals), and their values
  // now, appended to `row` in the same order.
  virtual std::vector<CountsColumn> count_columns() const { return {}; }
  virtual void append_counts(const Simulation&, std::vector<double>& /*row*/) const {}
  // Checkpoints: every piece of run state the mechanism keeps outside the agent columns and the
  // fields (tallies, doses given, neighbour lists...), saved between steps under the prefix the
  // engine sets. A run restored from a checkpoint must go on bit for bit as if it had never
  // stopped (tests/cli/checkpoint_test.cpp checks it for every shipped scenario). State the
  // mechanism rebuilds by itself before its next use (caches) need not be saved.
  virtual void save_state(StateWriter&) const {}
  virtual void restore_state(const StateReader&) {}
  // Files of the mechanism's own (systemic_supply: systemic.csv), written into the run's output
  // folder when the run ends. What they hold must be part of the saved state, so that a resumed
  // run writes the same bytes.
  virtual void write_outputs(const std::filesystem::path& /*dir*/) const {}
};

}  // namespace nksim
