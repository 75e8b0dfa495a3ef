// The report views, one per kind of output directory (internal to src/nksim/report).
#pragma once

#include <filesystem>
#include <utility>

#include "nksim/report/html_page.h"
#include "nksim/report/report.h"

namespace nksim::report {

HtmlPage well_mixed_page(const std::filesystem::path& dir);
HtmlPage spatial_page(const std::filesystem::path& dir, const ReportOptions& options);
HtmlPage trial_page(const std::filesystem::path& dir);
HtmlPage sweep_page(const std::filesystem::path& dir);
HtmlPage fit_page(const std::filesystem::path& dir);
HtmlPage personalise_page(const std::filesystem::path& dir);

// Wilson score interval of a binomial proportion (successes of n), z = 1.96 for 95 %.
std::pair<double, double> wilson_interval(double successes, double n, double z = 1.96);

// Adds an "How sure is the science?" block for the given evidence keys (unknown keys skipped).
void evidence_section(HtmlPage& page, const std::vector<std::string>& keys);

// A short "Words used here" glossary for newcomers; `kind` picks the entries.
void glossary_section(HtmlPage& page, ReportKind kind);

}  // namespace nksim::report
