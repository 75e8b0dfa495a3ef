// The NK-cell parts of a spatial report (internal to src/nksim/report).
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/report/html_page.h"
#include "nksim/report/spatial_inputs.h"

namespace nksim::report {

// Vega-Lite layers that mark dose times on a chart whose x field is time_min: one dashed rule
// per dose (dataset "nk_doses") and one label per cluster of doses ("nk_dose_labels").
nlohmann::json dose_layers(const std::vector<DoseMark>& doses, double end_min);

// Tables of the kill read-outs, kills per hour by pathway, NK states over the snapshots, MHC-I
// of the targets; nothing when the run has no nk_recognition_kill read-outs.
void nk_sections(HtmlPage& page, const nlohmann::json& summary,
                 const std::vector<std::filesystem::path>& snapshots, const ScenarioFacts& facts);

}  // namespace nksim::report
