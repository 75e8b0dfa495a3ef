// HTML reports of nksim outputs: `nksim report DIR`, `nksim run ... --report`, and the trial
// command all call write_report().
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nksim::report {

enum class ReportKind { kWellMixed, kSpatial, kTrial, kSweep, kFit, kPersonalise };

// "well_mixed", "spatial", "trial", "sweep", "fit"
const char* report_kind_name(ReportKind kind);

// What kind of output `dir` holds: fit.json (a fit), analysis.json (trial), summary.json with a "sweep" member
// (a spatial sweep), summary.json with engine "spatial" or counts.csv (spatial), summary.json +
// timeseries.csv (well-mixed). Throws InputError.
ReportKind detect_report_kind(const std::filesystem::path& dir);

struct ReportOptions {
  // node_modules folder with vega, vega-lite, vega-embed (empty: NKSIM_REPORT_JS_DIR or the
  // folder configured at build time).
  std::filesystem::path chart_library_dir;
  // Spatial runs: how many tissue snapshots to draw (evenly spaced, first and last included).
  int max_snapshots = 4;
  // Spatial runs: draw the snapshots nearest to these times (minutes) instead; overrides
  // max_snapshots when not empty.
  std::vector<double> snapshot_times_min;
  // Spatial runs: 0 draws every cell projected onto the x-y plane; > 0 draws only the cells in
  // a slice this thick (µm) through the middle of the tissue along z.
  double slice_um = 0;
  // Spatial runs: at most this many cells drawn per snapshot (every k-th cell beyond it).
  int max_cells_per_snapshot = 20000;
};

// Throws Error (telling the user to run scripts/setup.sh) when the charting library is missing;
// `nksim run --report` calls it before running so that no run is wasted.
void check_chart_library(const ReportOptions& options = {});

// Writes dir/report.html (atomically) and returns its path; for a sweep, also the report of
// each condition (conditions/*/report.html). Throws InputError for a directory that is not an
// nksim output, Error when the charting library is missing.
std::filesystem::path write_report(const std::filesystem::path& dir,
                                   const ReportOptions& options = {});

}  // namespace nksim::report
