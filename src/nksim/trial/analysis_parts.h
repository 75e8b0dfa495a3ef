// Parts of `trial analyse` shared between its source files (analysis_report.cpp,
// selection_report.cpp).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "nksim/trial/trial_store.h"

namespace nksim {

// Numeric sampled parameters that vary (labels such as parameter_set are categorical).
std::vector<std::size_t> numeric_parameters(const TrialData& data);

// The "selection" array of analysis.json (who responds) and its lines of the table.
nlohmann::ordered_json analyse_selection(const TrialData& data, std::ostream& table);

}  // namespace nksim
