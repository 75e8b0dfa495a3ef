// What a spatial report reads beside counts.csv and summary.json: the scenario that made the
// run (for dose times and the field grid) and the NK columns of the snapshots.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/io/hdf5_file.h"

namespace nksim::report {

// One dose of effector cells given during the run (nk_infusion).
struct DoseMark {
  double time_min = 0;
  std::string label;  // "dose 2: 100 nk", "dose 1: E:T 2 nk"
};

struct ScenarioFacts {
  // Empty when the scenario was read; otherwise why not (shown in the report).
  std::string missing;
  std::vector<DoseMark> doses;  // in time order, only those given before the end of the run
  std::array<double, 3> domain_min_um = {0, 0, 0};
  double voxel_um = 20;
};

// Reads DIR/scenario.toml, else summary["scenario_file"] (as written, then relative to DIR's
// parent folders), and uses it only when its FNV-1a hash equals summary["scenario_hash"]: a
// scenario edited since the run must not put wrong dose times on the plots.
ScenarioFacts read_scenario_facts(const std::filesystem::path& dir, const nlohmann::json& summary);

// The dose times of a parsed scenario, up to end_min (repeats expanded).
std::vector<DoseMark> nk_doses(const nlohmann::json& scenario_doses, double end_min);

// Units of a CSV file's columns from its CSV-on-the-Web sidecar (<file>-metadata.json,
// tableSchema.columns[].schema:unitText), by column name; empty when there is no sidecar.
// Throws InputError naming the sidecar when it is malformed.
std::map<std::string, std::string> csv_units(const std::filesystem::path& csv_file);

// A unit as people read it: "ng/mL x um^3" -> "ng/mL × µm³".
std::string readable_unit(std::string unit);

// Effector and target columns of one snapshot.
struct NkSnapshot {
  double time_min = 0;
  // Per effector type (in `effector_types` order): live cells, live cells in a conjugate,
  // live cells with potency below kExhaustedPotency.
  std::vector<int> live, conjugated, exhausted;
  // MHC-I display of the live cells of each non-effector type (type name, value); empty when
  // the run has no mhc_i property.
  std::vector<std::pair<std::string, double>> mhc_i;
};

inline constexpr double kExhaustedPotency = 0.5;

// What every snapshot holds: its time, the cell type and state names, and each agent's type
// and state (indices into those names).
struct SnapshotAgents {
  double time_min = 0;
  std::vector<std::string> type_names, state_names;
  std::vector<std::int32_t> type, state;
};

// Throws InputError naming `file` when type and state differ in length.
SnapshotAgents read_snapshot_agents(const Hdf5File& h5, const std::filesystem::path& file);

// Throws InputError for a snapshot without the agent datasets; NK columns that are absent
// (a run without nk_recognition_kill) give zeros.
NkSnapshot read_nk_snapshot(const std::filesystem::path& file,
                            const std::vector<std::string>& effector_types);

}  // namespace nksim::report
