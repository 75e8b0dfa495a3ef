// Dose finding for the command line (`nksim dose-find`, docs/trials.md): the minimal scale of
// the doses on one state that achieves an outcome, or the critical initial tumour size, for one
// well-mixed scenario or for every patient of a trial's cohort.
#pragma once

#include <functional>
#include <string>

namespace nksim {

struct DoseFindRequest {
  std::string scenario;  // a well-mixed scenario file (one patient), or
  std::string trial;     // a trial file: every patient of its cohort
  std::string arm;       // the trial's arm whose doses are scaled (empty: the first)
  std::string out;       // also write OUT/summary.json and OUT/dose_find.csv (empty: none)
  std::string state;     // doses on this state are scaled (not for critical)
  // The same defaults as the search's own options (trial/dose_find.h), checked by a test.
  std::string outcome = "eliminated";  // "eliminated" or "not_escaped"
  double rel_tol = 0.01;               // relative width of the final bracket
  bool critical = false;               // the largest initial tumour still eliminated instead
  // The results as they are found, one line each (no newline): the bracket of a scenario, or a
  // CSV header and one row per patient of a cohort; then the files written.
  std::function<void(const std::string&)> print;
  // Doses found outside the plausible range of their state.
  std::function<void(const std::string&)> warn;
};

// Throws InputError for a wrong request (checked before any work, the output directory too).
void run_dose_find(const DoseFindRequest& request);

}  // namespace nksim
