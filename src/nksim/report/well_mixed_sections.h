// Sections of a well-mixed report beside the headline and the tables (internal to
// src/nksim/report): the charts of the populations, drugs and cytokines over time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/report/html_page.h"
#include "nksim/report/report_inputs.h"

namespace nksim::report {

// j[key] when it is a number.
std::optional<double> optional_number(const nlohmann::json& j, const char* key);

// "day 0.422", "day 13.9", "day 250" (3 significant digits, whole days from day 100).
std::string day(double t);

// The columns of timeseries.csv after time_days, by unit: cell populations share one chart,
// every other state (drug, cytokine) gets its own.
struct WellMixedStates {
  // "<state>: <description>", with " [<unit>]" for the states not counted in cells.
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> units;  // of the states not counted in cells
  std::vector<std::string> cell_states, other_states;
};

// "Cell populations over time" (with a close-up of the first days when the tumour is
// eliminated or escapes early) and "Drugs and cytokines".
void population_sections(HtmlPage& page, const NumericTable& table, const WellMixedStates& states,
                         const nlohmann::json& summary);

}  // namespace nksim::report
