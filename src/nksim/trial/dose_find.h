// Dose finding on the well-mixed engine: the minimal scale of the doses on one state that
// achieves an outcome, and the critical initial tumour size that a given immune state still
// eliminates. Both bracket first (factors of 10) and then bisect on a log scale, assuming the
// outcome is monotone in the searched quantity (more dose helps, more tumour hurts); the result
// is the final bracket, not a single number.
#pragma once

#include <string>
#include <vector>

#include "nksim/io/well_mixed_scenario.h"

namespace nksim {

struct DoseFindOptions {
  std::string state;                   // doses on this state are scaled
  std::string outcome = "eliminated";  // "eliminated" or "not_escaped"
  double rel_tol = 0.01;               // stop when hi / lo <= 1 + rel_tol
  double min_factor = 1e-6;            // search range of the scale (or of T0 / T0_base)
  double max_factor = 1e6;
};

struct DoseFindResult {
  // Minimal dose: the outcome fails at `lower` and is achieved at `upper` (scale of the doses,
  // or initial tumour cells for the critical size, where it is achieved at `lower`, fails at
  // `upper`).
  bool found = false;
  bool without_dose = false;  // achieved with no dose at all (lower = upper = 0)
  double lower = 0;
  double upper = 0;
  double reference = 0;  // dose: the first dose's amount (bolus) or rate (infusion)
  std::string unit;      // "scale", "cells"
  int simulations = 0;
  std::string note;  // why nothing was found, when !found
};

std::vector<std::string> dose_find_outcomes();

// Throws InputError when the state has no doses or the outcome needs a threshold the scenario
// lacks.
DoseFindResult find_minimal_dose(const WellMixedScenario& scenario, const DoseFindOptions& options);

// The largest initial tumour (state = the model's tumour) for which the outcome is achieved.
DoseFindResult find_critical_tumour(const WellMixedScenario& scenario,
                                    const DoseFindOptions& options);

}  // namespace nksim
