// Outputs of a spatial run: counts.csv, HDF5 snapshots + snapshots.xdmf, summary.json.
//
// counts.csv: `time_min`, one column `<type>_<state>` per cell type and state, then
// `<field>_total` (integral over the domain, amount) per field.
// Snapshot layout (read by the HTML report; keep it): snapshots/snapshot_NNNNNN.h5 with root
// attributes time_min, type_names, state_names (comma-separated); datasets /agents/id (uint64),
// /agents/type, /agents/state (int32), /agents/position (n x 3), /agents/radius, one
// /agents/<property> per heritable property, then one /agents/<snapshot_dataset()> per column a
// mechanism of the run declared in_snapshots (nk_recognition_kill: /agents/nk_kills (int32),
// /agents/nk_partner_id (uint64, 0 = not in a conjugate), /agents/nk_potency; a run without it
// has none of them); /fields/<name> (nz x ny x nx) with attributes origin_um (3) and spacing_um.
// snapshots.xdmf lists every one of these datasets (position as the geometry).
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/engine/simulation.h"

namespace nksim {

class StateWriter;
class StateReader;

// The columns of counts.csv after time_min: `<type>_<state>` per cell type and state, then
// `<field>_total` per field, then the columns mechanisms add (Mechanism::count_columns); and
// their values now.
std::vector<std::string> count_columns(const Simulation& sim);
// Mechanics steps per output interval (at least 1; 0 when the interval is 0: never), so that
// every writer of counts rows (run, Python, trial patients) records on the same steps.
std::uint64_t steps_per_interval(double interval_min, double dt_min);
std::vector<double> count_row(const Simulation& sim);
// Throws NumericalError (exit code 3) when a value of a count row is not finite: a field blew up.
void check_finite_counts(const std::vector<double>& row, double time_min);

// A per-agent dataset of the snapshots: its name under /agents and how XDMF reads it.
struct SnapshotAgentDataset {
  std::string name;
  const char* number_type = "Float";  // XDMF NumberType: Float, Int or UInt
  int precision = 8;                  // bytes
};
// The per-agent datasets every snapshot of a run with these agents holds besides
// /agents/position, in the order they are written: id, type, state, radius, one per property,
// one per declared column marked in_snapshots (float columns are written as double, uint8 as
// int32). Throws Error when two would share a name.
std::vector<SnapshotAgentDataset> snapshot_agent_datasets(const AgentStore& agents);

class SpatialRecorder {
 public:
  SpatialRecorder(const Simulation& sim, std::filesystem::path dir);

  void record_counts(const Simulation& sim);
  void snapshot(const Simulation& sim);
  // Writes counts.csv and (when there were snapshots) snapshots.xdmf.
  void finish(const Simulation& sim);

  // Checkpoints: the rows recorded so far and the snapshots written so far (the snapshot files
  // themselves stay in the output directory).
  void save_state(StateWriter& out) const;
  void restore_state(const StateReader& in);

  const std::vector<std::string>& columns() const { return columns_; }
  const std::vector<double>& last_row() const { return last_row_; }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> columns_;
  std::vector<double> last_row_;
  std::ostringstream csv_;
  std::vector<double> snapshot_times_;
  std::vector<std::size_t> snapshot_agents_;
};

nlohmann::json spatial_summary(const Simulation& sim, const SpatialRecorder& recorder,
                               const std::string& scenario_file, const std::string& scenario_hash,
                               double wall_seconds);

}  // namespace nksim
