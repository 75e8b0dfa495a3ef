// HTML reports of an output directory (`nksim report DIR`, and --report of run, fit and
// personalise): one self-contained page with plots and a plain-language summary.
#pragma once

#include <filesystem>
#include <vector>

namespace nksim {

struct HtmlReportOptions {
  // node_modules folder with vega, vega-lite, vega-embed (empty: NKSIM_REPORT_JS_DIR or the
  // folder configured at build time).
  std::filesystem::path chart_library_dir;
  // Spatial runs: how many tissue snapshots to draw (first and last included), or the snapshots
  // nearest to these times in minutes (overrides the count when not empty).
  int max_snapshots = 4;
  std::vector<double> snapshot_times_min;
  // Spatial runs: > 0 draws only a slice this thick (um) through the middle of a 3-D tissue.
  double slice_um = 0;
};

// Throws Error (naming scripts/setup.sh) when the charting library is missing: called before a
// run whose report is asked for, so that no run is wasted.
void check_report_library();

// Writes dir/report.html (atomically) and returns its path; the kind of run is detected. For a
// sweep, also each condition's report (conditions/*/report.html). Throws InputError for a
// directory that is not an nksim output.
std::filesystem::path write_html_report(const std::filesystem::path& dir,
                                        const HtmlReportOptions& options = {});

}  // namespace nksim
