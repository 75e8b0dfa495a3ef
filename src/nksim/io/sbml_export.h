// A well-mixed problem written as an SBML Level 3 Version 2 document (docs/sbml.md).
//
// Each state is a species (hasOnlySubstanceUnits = true, so its symbol is the amount nksim uses)
// in one compartment `body` of size 1, changed by a rate rule holding the model's equation; each
// parameter is a constant parameter with the value the problem uses; named intermediates (the
// CD8 kill flux DT, ...) are parameters set by assignment rules. Time is in days. A bolus dose is
// an event (trigger time >= t, assignment X = X + amount); an infusion adds
// piecewise(rate, start <= time < stop, 0) to its state's rate rule.
#pragma once

#include <string>
#include <vector>

#include "nksim/ode/well_mixed.h"

namespace nksim {

// The document as XML text. Throws Error if libSBML finds the document inconsistent.
std::string export_sbml(const WellMixedProblem& problem);

// libSBML's consistency check of an SBML document given as text (all checks, units included):
// one line per error or fatal error, none for warnings. Empty: consistent.
std::vector<std::string> sbml_consistency_errors(const std::string& xml);

// The problem export-sbml writes for a model alone: the given set (empty: the default), the
// default initial state, and as doses only the model's own boluses (written as events). Throws
// InputError for an unknown set.
WellMixedProblem model_problem(const OdeModel& model, const std::string& parameter_set);

}  // namespace nksim
