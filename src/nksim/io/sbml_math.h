// Expressions to and from libSBML's MathML trees. Internal to the SBML reader and writer: only
// their .cpp files include this header (libSBML is a private dependency of the library).
#pragma once

#include <memory>
#include <span>
#include <string>

#include <sbml/SBMLTypes.h>

#include "nksim/ode/expression.h"

namespace nksim::sbml {

// A new MathML tree for `e`: states and parameters by the given ids, named intermediates by their
// names, time as the SBML time symbol.
std::unique_ptr<LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode> to_ast(const Expr& e, std::span<const std::string> state_ids,
                                         std::span<const std::string> parameter_ids);

}  // namespace nksim::sbml
