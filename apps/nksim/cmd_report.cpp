#include <iostream>
#include <memory>
#include <vector>

#include "commands.h"
#include "nksim/api/report.h"

namespace nksim::cli {

void add_report_command(CLI::App& app, Action& action) {
  struct Options {
    std::string dir;
    std::string js_dir;
    int snapshots = 4;
    std::vector<double> times;
    double slice_um = 0;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* report = app.add_subcommand(
      "report",
      "Write DIR/report.html: one self-contained page (no network needed) with plots and a\n"
      "plain-language summary of a run. DIR may hold a well-mixed run (timeseries.csv), a\n"
      "spatial run (counts.csv, snapshots/) or a virtual trial (analysis.json); the kind is\n"
      "detected. Needs the charting library that scripts/setup.sh installs.");
  report->add_option("dir", options->dir, "output directory of nksim run or nksim trial")
      ->required();
  report->add_option("--js-dir", options->js_dir,
                     "node_modules folder holding vega, vega-lite, vega-embed (default: "
                     "$NKSIM_REPORT_JS_DIR, else the one installed by scripts/setup.sh)");
  report
      ->add_option("--snapshots", options->snapshots,
                   "spatial runs: how many tissue snapshots to draw (first and last included)")
      ->check(CLI::NonNegativeNumber);
  report
      ->add_option("--times", options->times,
                   "spatial runs: draw the snapshots nearest to these times in minutes "
                   "(comma-separated; overrides --snapshots)")
      ->delimiter(',');
  report
      ->add_option("--slice", options->slice_um,
                   "spatial runs: draw only a slice this thick (um) through the middle of a 3-D "
                   "tissue instead of projecting every cell (default 0: projection)")
      ->check(CLI::NonNegativeNumber);
  report->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  report->callback([&action, options] {
    action = [options] {
      nksim::HtmlReportOptions report_options;
      report_options.chart_library_dir = options->js_dir;
      report_options.max_snapshots = options->snapshots;
      report_options.snapshot_times_min = options->times;
      report_options.slice_um = options->slice_um;
      const auto file = nksim::write_html_report(options->dir, report_options);
      if (!options->quiet) std::cout << "Report written to " << file.string() << "\n";
      return 0;
    };
  });
}

}  // namespace nksim::cli
