// Checks that a JSON input has the shape a report needs, so that a wrong or truncated file is an
// InputError naming the file and the member ("analysis.json: arms[1].km.survival: missing")
// rather than a crash.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace nksim::report {

// The contract of analysis.json (docs/report.md). Throws InputError.
void check_trial_analysis(const nlohmann::json& analysis, const std::string& file);

// The members of a well-mixed summary.json that the report reads. Throws InputError.
void check_well_mixed_summary(const nlohmann::json& summary, const std::string& file);

}  // namespace nksim::report
