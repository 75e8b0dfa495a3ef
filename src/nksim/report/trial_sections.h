// Sections of a trial report that show every patient (internal to src/nksim/report): the
// waterfall, swimmer and spider plots, and the threshold endpoints. All read analysis.json (schema
// in docs/report.md).
#pragma once

#include <nlohmann/json.hpp>

#include "nksim/report/html_page.h"

namespace nksim::report {

// The colour encoding of the arms: one colour per arm, in `domain` (analysis) order, the same
// in every chart.
nlohmann::json arm_colour(const nlohmann::json& domain);

// One bar per patient: the best change in tumour size from baseline, faceted by arm.
void waterfall_section(HtmlPage& page, const nlohmann::json& patients,
                       const nlohmann::json& domain);

// One bar per patient as long as their follow-up, with progression, elimination and death.
void swimmer_section(HtmlPage& page, nlohmann::json patients, const nlohmann::json& domain);

// One line per patient: tumour size relative to baseline over time; nothing when analysis.json
// holds no trajectories.
void spider_section(HtmlPage& page, const nlohmann::json& analysis, const nlohmann::json& domain);

// The threshold endpoints: share meeting each per arm, time-to-crossing curves, a table; nothing
// when the trial defines none (trial_thresholds_view.cpp).
void thresholds_section(HtmlPage& page, const nlohmann::json& analysis,
                        const nlohmann::json& domain);

}  // namespace nksim::report
