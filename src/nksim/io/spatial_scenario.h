// Reading a spatial scenario ([simulation] engine = "spatial") into a ready-to-run Simulation.
// Every key is documented in docs/spatial.md; unknown keys are errors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nksim/engine/simulation.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

struct SpatialOutputSettings {
  double end_time_min = 60;
  double output_interval_min = 6;    // counts.csv rows
  double snapshot_interval_min = 0;  // 0: no snapshots
  std::string diffusion_solver = "implicit_lod";
  int scenario_threads = 0;  // 0: all cores
};

struct SpatialModel {
  std::unique_ptr<Simulation> simulation;
  SpatialOutputSettings output;
  std::vector<std::string> warnings;  // "file:line: ..." for inputs that will have no effect
  double estimated_rows = 0;            // of counts.csv
  double estimated_snapshot_bytes = 0;  // all snapshots, at the initial agent count
};

// Parses, validates and builds (initial populations placed). threads_override > 0 replaces the
// scenario's thread count. Throws InputError naming the file, line and key.
SpatialModel load_spatial(const TomlDocument& document, int threads_override);

}  // namespace nksim
