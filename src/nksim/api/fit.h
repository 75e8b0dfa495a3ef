// Fitting for the command line (docs/fit.md, docs/calibration.md): a well-mixed model to
// one patient's measurements (fit), candidate schedules for a fitted patient (personalise), and
// a spatial killing assay to a lysis curve by ABC-SMC (calibrate). Each reads a specification
// file and writes an output directory whole or not at all.
#pragma once

#include <filesystem>
#include <string>

namespace nksim {

struct SpecRunOptions {
  std::filesystem::path spec;  // the specification (TOML)
  std::filesystem::path out;   // empty: results/<spec file name without extension>
  int threads = 0;             // worker threads (0: all cores); results do not depend on it
  // A report will be written afterwards (write_html_report): the charting library is checked
  // before any work, so that no fit is wasted.
  bool report = false;
};

struct SpecRunResult {
  std::filesystem::path out;  // the directory written
  std::string summary;        // readable summary, lines ending in a newline
};

// Each throws InputError for a wrong specification or an output directory that cannot be
// written (checked before any work).
SpecRunResult run_fit_spec(const SpecRunOptions& options);
SpecRunResult run_personalise_spec(const SpecRunOptions& options);
SpecRunResult run_calibrate_spec(const SpecRunOptions& options);  // no report

}  // namespace nksim
