// Infix formulas over a model's quantities ("T + N", "1e-6 * T", "log10(V)"), read with
// libSBML's Level 3 formula parser into nksim's expression tree (docs/fit.md).
#pragma once

#include <string>

#include "nksim/ode/expression.h"
#include "nksim/ode/ode_model.h"

namespace nksim {

// The expression of `text` over the states and parameters of `model` and time (written `t` or
// `time`; a state or parameter of that name comes first). Throws InputError whose message says
// what is wrong with the text (an unknown name with a spelling suggestion, a syntax error, an
// unsupported function); the caller adds the file and line.
Expr parse_infix_formula(const std::string& text, const OdeModel& model);

}  // namespace nksim
