#include "nksim/api/report.h"

#include "nksim/report/report.h"

namespace nksim {

void check_report_library() { report::check_chart_library(); }

std::filesystem::path write_html_report(const std::filesystem::path& dir,
                                        const HtmlReportOptions& options) {
  report::ReportOptions report_options;
  report_options.chart_library_dir = options.chart_library_dir;
  report_options.max_snapshots = options.max_snapshots;
  report_options.snapshot_times_min = options.snapshot_times_min;
  report_options.slice_um = options.slice_um;
  return report::write_report(dir, report_options);
}

}  // namespace nksim
