// Helpers for the NK mechanism tests: run a spatial scenario (file or text) to its end and
// return the read-outs of one mechanism.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nksim/api/spatial_sweep.h"
#include "nksim/io/spatial_scenario.h"
#include "nksim/io/toml_reader.h"

namespace nksim::testing {

inline std::string scenario_path(const std::string& name) {
  return std::string(NKSIM_SOURCE_DIR) + "/scenarios/" + name;
}

inline const Mechanism* find_mechanism(const Simulation& sim, const std::string& name) {
  for (const auto& m : sim.mechanisms()) {
    if (name == m->name()) return m.get();
  }
  return nullptr;
}

// Runs to the scenario's end time; returns readouts.nk_recognition_kill.
inline nlohmann::json run_kill_readouts(const TomlDocument& document) {
  SpatialModel model = load_spatial(document, 1);
  model.simulation->run_until(model.output.end_time_min);
  const Mechanism* m = find_mechanism(*model.simulation, "nk_recognition_kill");
  return m ? m->readouts(*model.simulation) : nlohmann::json();
}

inline nlohmann::json run_kill_readouts(const std::string& file) {
  return run_kill_readouts(TomlDocument::parse_file(scenario_path(file)));
}

inline nlohmann::json run_kill_readouts(const std::string& file, const std::string& parameter,
                                        double value) {
  return run_kill_readouts(
      with_parameter(TomlDocument::parse_file(scenario_path(file)), parameter, value));
}

}  // namespace nksim::testing
