// Files written by `nksim fit` (docs/fit.md): fit.json, starts.csv, profiles.csv,
// residuals.csv, timeseries.csv (the best fit on the scenario's output times) and summary.json,
// and the summary printed on the terminal.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "nksim/fit/fit.h"

namespace nksim {

nlohmann::json fit_json(const FitSpec& spec, const FitResult& fit);

// Writes every file into `dir` (an existing, empty staging directory).
void write_fit_outputs(const std::filesystem::path& dir, const FitSpec& spec, const FitResult& fit);

// The printed summary: best objective, AIC, each parameter with its interval, warnings.
std::string fit_summary_text(const FitSpec& spec, const FitResult& fit);

}  // namespace nksim
