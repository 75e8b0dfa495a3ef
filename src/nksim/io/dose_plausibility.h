// Plausibility warnings for the doses of a well-mixed scenario: a dose outside the range its
// model gives for the state (OdeModel::plausible_dose) is a warning, never an error. `nksim
// validate`, `nksim run` and `nksim dose-find` print them (docs/scenarios.md, "Plausible doses").
#pragma once

#include <string>
#include <vector>

#include "nksim/io/well_mixed_scenario.h"

namespace nksim {

// One "where: 'key' = amount unit is above|below ... range (...; source); ..." line per dose
// outside its range. A bolus is judged by its amount, an infusion by what it gives in all
// (rate x duration). With `only_state` set, only doses on that state are judged, their amounts
// multiplied by `scale` (the dose scale dose-find found); an empty `only_state` judges every dose
// as written.
std::vector<std::string> dose_warnings(const WellMixedScenario& scenario,
                                       const std::string& only_state = "", double scale = 1.0);

}  // namespace nksim
