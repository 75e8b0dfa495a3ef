// Expressions to and from libSBML's MathML trees. Internal to the SBML reader and writer: only
// their .cpp files include this header (libSBML is a private dependency of the library).
#pragma once

#include <functional>
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

// How from_ast reads what a MathML tree leaves to its context.
struct AstSymbols {
  std::function<Expr(const std::string& id)> name;  // an identifier (AST_NAME)
  std::function<Expr()> time;                       // the time symbol
  // A call of a function the tree does not define (AST_FUNCTION); empty: refused.
  std::function<Expr(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* call, int depth)> call;
  // Throws the error for a construct nksim does not read (with the caller's file or element).
  std::function<void(const std::string& what)> refuse;
};

// The expression of a MathML tree (from an SBML file or from libSBML's Level 3 infix parser).
// `context` names the tree in messages; `depth` bounds the nesting of function calls.
Expr from_ast(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* node, const std::string& context,
              const AstSymbols& symbols, int depth = 0);

}  // namespace nksim::sbml
