// Files written by a well-mixed run: timeseries.csv and summary.json.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "nksim/io/well_mixed_scenario.h"
#include "nksim/ode/well_mixed.h"

namespace nksim {

// timeseries.csv: header `time_days,<states...>`, one row per output time, 15 significant digits.
void write_timeseries_csv(const std::filesystem::path& file, const OdeModel& model,
                          const WellMixedResult& result);

// The summary of a run (see docs/outputs.md for every field).
nlohmann::json well_mixed_summary(const WellMixedScenario& scenario,
                                  const WellMixedProblem& problem,
                                  const WellMixedResult& result, const std::string& scenario_file,
                                  const std::string& scenario_hash);

void write_json(const std::filesystem::path& file, const nlohmann::json& value);

}  // namespace nksim
