// Plausible adoptive NK-cell doses shared by the built-in models (OdeModel::plausible_dose).
// The ranges are rounded outward from the doses given in the cited studies; a dose outside them
// is not impossible, only unlike anything given so far, so nksim warns (docs/scenarios.md).
#pragma once

#include "nksim/ode/ode_model.h"

namespace nksim::dose_ranges {

// Human: 1e5 to 1e8 NK cells/kg per infusion, as a whole-body count in a 70 kg adult.
// CAR-NK cells were given at 1e5, 1e6 and 1e7 /kg (Liu 2020); haploidentical NK products at about
// 1e7 /kg (Miller 2005) and about 2.6e7 /kg in one cohort (Bachanova 2014); 1e8 /kg leaves a
// factor ~4 above the largest.
inline constexpr PlausibleDose kHumanNkCells{
    7e6, 7e9, "human: 1e5-1e8 NK cells/kg per infusion, whole-body count in a 70 kg adult",
    "Liu 2020 NEJM; Miller 2005 Blood; Bachanova 2014 Blood"};

// Mouse: 1e5 to 1e8 NK cells per mouse per transfer. Murine adoptive transfers give 0.5e6 to 1e6
// NK cells i.v. (Ni 2012 J Exp Med: 1e6); the bounds a factor 10 below and 100 above are an
// assumption.
inline constexpr PlausibleDose kMouseNkCells{
    1e5, 1e8, "mouse: 1e5-1e8 NK cells per mouse per transfer",
    "Ni 2012 J Exp Med gave 1e6 NK cells i.v.; the bounds around it are assumed"};

}  // namespace nksim::dose_ranges
