// `nksim trial analyse DIR`: per-arm response rates, Kaplan-Meier survival, time to
// progression, log-rank tests, PRCC and waterfall data, printed as a table and written to
// DIR/analysis.json (schema in docs/trials.md; the HTML report reads it).
#pragma once

#include <filesystem>
#include <string>

namespace nksim {

struct AnalysisReport {
  std::string table;           // the readable summary
  std::filesystem::path json;  // DIR/analysis.json; empty when no plan succeeded (none written)
  std::size_t ok = 0;          // plans analysed
  std::size_t failed = 0;      // plans that failed numerically (left out)
  std::size_t missing = 0;     // plans not run yet
};

AnalysisReport analyse_trial(const std::filesystem::path& dir);

}  // namespace nksim
