#include "nksim/api/fit.h"

#include "nksim/fit/abc_calibrate.h"
#include "nksim/fit/fit_output.h"
#include "nksim/fit/personalise.h"
#include "nksim/io/output_dir.h"
#include "nksim/report/report.h"

namespace nksim {
namespace api_fit {

// The output directory, checked (and the charting library when a report is asked for) before
// any work.
std::filesystem::path checked_out_dir(const SpecRunOptions& options) {
  const std::filesystem::path out =
      options.out.empty() ? std::filesystem::path("results") / options.spec.stem() : options.out;
  OutputDirectory::check_target(out);
  if (options.report) report::check_chart_library();
  return out;
}

}  // namespace api_fit

SpecRunResult run_fit_spec(const SpecRunOptions& options) {
  const std::filesystem::path out = api_fit::checked_out_dir(options);
  const FitSpec spec = read_fit_spec_file(options.spec);
  FitOptions fit_options;
  fit_options.threads = options.threads;
  const FitResult fit = run_fit(spec, fit_options);
  OutputDirectory dir(out);
  write_fit_outputs(dir.staging(), spec, fit);
  dir.commit();
  return {out, fit_summary_text(spec, fit)};
}

SpecRunResult run_personalise_spec(const SpecRunOptions& options) {
  const std::filesystem::path out = api_fit::checked_out_dir(options);
  const PersonaliseSpec spec = read_personalise_spec_file(options.spec);
  const PersonaliseResult result = run_personalise(spec, options.threads);
  OutputDirectory dir(out);
  write_personalise_outputs(dir.staging(), spec, result);
  dir.commit();
  return {out, personalise_summary_text(spec, result)};
}

SpecRunResult run_calibrate_spec(const SpecRunOptions& options) {
  const std::filesystem::path out = api_fit::checked_out_dir(options);
  const CalibrateSpec spec = read_calibrate_spec_file(options.spec);
  const CalibrateResult result = run_calibration(spec, options.threads);
  OutputDirectory dir(out);
  write_calibration_outputs(dir.staging(), spec, result);
  dir.commit();
  return {out, calibration_summary_text(spec, result)};
}

}  // namespace nksim
