// Sections of a spatial report beside the headline and the counts (internal to
// src/nksim/report): the NK-cell biology, the diffusing fields and the tissue pictures.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/report/html_page.h"
#include "nksim/report/report.h"
#include "nksim/report/spatial_inputs.h"

namespace nksim::report {

// Vega-Lite layers that mark dose times on a chart whose x field is time_min: one dashed rule
// per dose (dataset "nk_doses") and one label per cluster of doses ("nk_dose_labels").
nlohmann::json dose_layers(const std::vector<DoseMark>& doses, double end_min);

// Tables of the kill read-outs, kills per hour by pathway, NK states over the snapshots, MHC-I
// of the targets; nothing when the run has no nk_recognition_kill read-outs.
void nk_sections(HtmlPage& page, const nlohmann::json& summary,
                 const std::vector<std::filesystem::path>& snapshots, const ScenarioFacts& facts);

// A field's heat map in one snapshot: rows {x, y, v} (square centres in µm, mean value).
struct HeatMap {
  bool found = false;  // the snapshot holds /fields/<name>
  double time_min = 0;
  double square_um = 0;  // side of a square (voxels are block-averaged beyond 40 per side)
  double max = 0;
  nlohmann::json cells = nlohmann::json::array();
};

HeatMap read_heat_map(const std::filesystem::path& file, const std::string& field,
                      const ScenarioFacts& facts);

// The field-totals chart (from counts.csv records) and one heat-map chart per field.
// `units`: column units from counts.csv's sidecar (csv_units), possibly empty.
void field_sections(HtmlPage& page, const nlohmann::json& counts_records,
                    const std::vector<std::string>& total_columns,
                    const std::map<std::string, std::string>& units,
                    const std::vector<std::filesystem::path>& snapshots,
                    const ScenarioFacts& facts);

// The infection read-outs of viral_infection (spatial_viral_view.cpp): a counts.csv column of
// its own ("viral_..."), the evidence keys of the run's virus, and the charts (nothing when the
// run has no viral_* columns).
bool viral_column(const std::string& column);
std::vector<std::string> viral_evidence_keys(const nlohmann::json& summary);
void viral_sections(HtmlPage& page, const nlohmann::json& counts_records,
                    const std::vector<std::string>& columns, const std::vector<std::string>& totals,
                    const nlohmann::json& summary);

// A cell state that means dying or dead ("apoptotic", "lysed", "necrotic", ...).
bool dead_state(const std::string& state);

// "The tissue at chosen times": the snapshots `options` picks, drawn from above (3-D tissue as
// a slice through its middle), and for a 3-D run "The tissue in 3-D". `type_domain` orders the
// cell-type colours as in the other charts.
void tissue_sections(HtmlPage& page, const std::vector<std::filesystem::path>& snapshots,
                     const nlohmann::json& type_domain, bool three_d, const ReportOptions& options);

}  // namespace nksim::report
