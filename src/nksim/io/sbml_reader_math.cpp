// SbmlReader: MathML to expressions, with symbols resolved, rules and function definitions
// inlined, and the initial values of states.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numbers>

#include <sbml/SBMLTypes.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/sbml_math.h"
#include "nksim/io/sbml_reader.h"

LIBSBML_CPP_NAMESPACE_USE

namespace nksim {

Expr SbmlReader::compartment_size(const std::string& compartment_id, const std::string& context,
                                  bool initial) {
  return symbol(compartment_id, context, initial);
}

Expr SbmlReader::state_initial(std::size_t index) {
  const StateSource& source = state_sources_[index];
  const std::string context = "the initial value of '" + source.id + "'";
  if (auto ia = initial_assignments_.find(source.id); ia != initial_assignments_.end()) {
    return convert(ia->second->getMath(), context, true, {});
  }
  if (source.parameter) {
    if (!source.parameter->isSetValue()) refuse("parameter '" + source.id + "' has no value");
    return source.parameter->getValue();
  }
  const Species& s = *source.species;
  if (s.isSetInitialAmount()) {
    if (s.getHasOnlySubstanceUnits()) return s.getInitialAmount();
    return s.getInitialAmount() / compartment_size(s.getCompartment(), context, true);
  }
  if (s.isSetInitialConcentration()) {
    if (!s.getHasOnlySubstanceUnits()) return s.getInitialConcentration();
    return s.getInitialConcentration() * compartment_size(s.getCompartment(), context, true);
  }
  refuse("species '" + source.id + "' has no initial amount, concentration or assignment");
}

Expr SbmlReader::symbol(const std::string& id, const std::string& context, bool initial) {
  const auto found = symbols_.find(id);
  if (found == symbols_.end()) {
    refuse(context + " uses '" + id + "', which is not a species, compartment, parameter or "
                                      "reaction of the model (species references are not "
                                      "supported)");
  }
  const Symbol& s = found->second;
  switch (s.kind) {
    case Kind::kParameter: return Expr::parameter(s.index);
    case Kind::kState: return initial ? state_initial(s.index) : Expr::state(s.index);
    case Kind::kAssigned:
    case Kind::kDerived:
    case Kind::kReaction: {
      // A derived constant is the same at every time: always read it as at t = 0.
      const bool at_start = initial || s.kind == Kind::kDerived;
      auto& cache = cache_[at_start];
      if (auto hit = cache.find(id); hit != cache.end()) return hit->second;
      if (!in_progress_[at_start].insert(id).second) {
        refuse(s.element + " is defined in terms of itself (a cycle of rules)");
      }
      Locals locals;
      if (s.kind == Kind::kReaction) {
        const Reaction* r = model_.getReaction(static_cast<unsigned>(s.index));
        const KineticLaw* law = r->getKineticLaw();
        const bool l3 = model_.getLevel() >= 3;
        const unsigned count = l3 ? law->getNumLocalParameters() : law->getNumParameters();
        for (unsigned k = 0; k < count; ++k) {
          const std::string local = l3 ? law->getLocalParameter(k)->getId()
                                       : law->getParameter(k)->getId();
          locals[local] = Expr::parameter(symbols_.at(r->getId() + "." + local).index);
        }
      }
      const std::string where =
          s.kind == Kind::kReaction ? "the kinetic law of " + s.element
          : s.kind == Kind::kAssigned ? "the assignment rule for " + s.element
                                      : "the initial assignment to " + s.element;
      Expr value = Expr::named(id, convert(s.math, where, at_start, locals));
      in_progress_[at_start].erase(id);
      cache.emplace(id, value);
      return value;
    }
  }
  return 0.0;
}


Expr SbmlReader::call_function(const ASTNode* node, const std::string& context, bool initial,
                               const Locals& locals, int depth) {
  const std::string name = sbml_ast_name(node);
  const auto found = functions_.find(name);
  if (found == functions_.end()) {
    refuse(context + " calls '" + name + "', which is not a function definition of the model");
  }
  const FunctionDefinition* f = found->second;
  if (f->getNumArguments() != node->getNumChildren()) {
    refuse(context + " calls function '" + name + "' with " +
           std::to_string(node->getNumChildren()) + " arguments; it takes " +
           std::to_string(f->getNumArguments()));
  }
  Locals bound;
  for (unsigned i = 0; i < node->getNumChildren(); ++i) {
    bound[sbml_ast_name(f->getArgument(i))] =
        convert(node->getChild(i), context, initial, locals, depth + 1);
  }
  return convert(f->getBody(), "function definition '" + name + "' (called from " + context + ")",
                 initial, bound, depth + 1);
}

Expr SbmlReader::convert(const ASTNode* node, const std::string& context, bool initial,
                         const Locals& locals, int depth) {
  sbml::AstSymbols symbols;
  symbols.name = [&](const std::string& id) {
    if (auto local = locals.find(id); local != locals.end()) return local->second;
    return symbol(id, context, initial);
  };
  symbols.time = [initial] { return initial ? Expr(0.0) : Expr::time(); };
  symbols.call = [&](const ASTNode* call, int call_depth) {
    return call_function(call, context, initial, locals, call_depth);
  };
  symbols.refuse = [this](const std::string& what) { refuse(what); };
  return sbml::from_ast(node, context, symbols, depth);
}

}  // namespace nksim

namespace nksim::sbml {

[[noreturn]] void refuse_ast(const AstSymbols& symbols, const std::string& what) {
  symbols.refuse(what);
  throw InputError(what);  // symbols.refuse throws; this keeps the promise of [[noreturn]]
}

Expr from_ast(const ASTNode* node, const std::string& context, const AstSymbols& symbols,
              int depth) {
  const auto refuse = [&](const std::string& what) { refuse_ast(symbols, what); };
  if (!node) refuse_ast(symbols, context + " has no math");
  if (depth > 200) refuse_ast(symbols, context + " nests function calls more than 200 deep");
  const unsigned n = node->getNumChildren();
  std::vector<Expr> args;
  const auto children = [&] {
    for (unsigned i = 0; i < n; ++i) {
      args.push_back(from_ast(node->getChild(i), context, symbols, depth + 1));
    }
  };
  const auto need = [&](unsigned lo, unsigned hi) {
    if (n < lo || n > hi) {
      refuse(context + ": '" + sbml_ast_name(node) + "' with " + std::to_string(n) + " arguments");
    }
  };
  // getReal() reads 0 for an integer (<cn type="integer">, or "1000" in infix text).
  if (node->isInteger()) return static_cast<double>(node->getInteger());
  if (node->isRational()) {
    return static_cast<double>(node->getNumerator()) / static_cast<double>(node->getDenominator());
  }
  if (node->isNumber()) return node->getReal();
  switch (node->getType()) {
    case AST_NAME: return symbols.name(node->getName());
    case AST_NAME_TIME: return symbols.time();
    case AST_NAME_AVOGADRO: return 6.02214076e23;
    case AST_CONSTANT_E: return std::numbers::e;
    case AST_CONSTANT_PI: return std::numbers::pi;
    case AST_CONSTANT_TRUE: return 1.0;
    case AST_CONSTANT_FALSE: return 0.0;
    case AST_PLUS:
      children();
      if (args.empty()) return 0.0;
      return args.size() == 1 ? args[0] : Expr::make(ExprOp::kAdd, args);
    case AST_TIMES:
      children();
      if (args.empty()) return 1.0;
      return args.size() == 1 ? args[0] : Expr::make(ExprOp::kMul, args);
    case AST_MINUS:
      need(1, 2);
      children();
      return n == 1 ? -args[0] : args[0] - args[1];
    case AST_DIVIDE: need(2, 2); children(); return args[0] / args[1];
    case AST_POWER:
    case AST_FUNCTION_POWER: need(2, 2); children(); return pow(args[0], args[1]);
    case AST_FUNCTION_EXP: need(1, 1); children(); return exp(args[0]);
    case AST_FUNCTION_LN: need(1, 1); children(); return log(args[0]);
    case AST_FUNCTION_LOG:  // log(x) is log10; log(base, x) has the base first
      need(1, 2);
      children();
      // log10(x) in infix text is log(10, x): exactly log10, not ln x / ln 10.
      if (n == 1 || (args[0].op() == ExprOp::kNumber && args[0].number() == 10)) {
        return Expr::make(ExprOp::kLog10, {args.back()});
      }
      return log(args[1]) / log(args[0]);
    case AST_FUNCTION_ROOT:  // root(x) is sqrt; root(degree, x) has the degree first
      need(1, 2);
      children();
      if (n == 1) return Expr::make(ExprOp::kSqrt, {args[0]});
      return pow(args[1], 1.0 / args[0]);
    case AST_FUNCTION_ABS: need(1, 1); children(); return Expr::make(ExprOp::kAbs, args);
    case AST_FUNCTION_FLOOR: need(1, 1); children(); return Expr::make(ExprOp::kFloor, args);
    case AST_FUNCTION_CEILING: need(1, 1); children(); return Expr::make(ExprOp::kCeil, args);
    case AST_FUNCTION_MIN:
    case AST_FUNCTION_MAX: {
      need(1, UINT32_MAX);
      children();
      if (args.size() == 1) return args[0];
      return Expr::make(node->getType() == AST_FUNCTION_MIN ? ExprOp::kMin : ExprOp::kMax, args);
    }
    case AST_RELATIONAL_LT:
    case AST_RELATIONAL_LEQ:
    case AST_RELATIONAL_GT:
    case AST_RELATIONAL_GEQ:
    case AST_RELATIONAL_EQ:
    case AST_RELATIONAL_NEQ: {
      need(2, node->getType() == AST_RELATIONAL_NEQ ? 2 : UINT32_MAX);
      children();
      const ExprOp op = node->getType() == AST_RELATIONAL_LT    ? ExprOp::kLt
                        : node->getType() == AST_RELATIONAL_LEQ ? ExprOp::kLe
                        : node->getType() == AST_RELATIONAL_GT  ? ExprOp::kGt
                        : node->getType() == AST_RELATIONAL_GEQ ? ExprOp::kGe
                        : node->getType() == AST_RELATIONAL_EQ  ? ExprOp::kEq
                                                                : ExprOp::kNe;
      std::vector<Expr> pairs;  // a < b < c is a < b && b < c
      for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        pairs.push_back(Expr::make(op, {args[i], args[i + 1]}));
      }
      return pairs.size() == 1 ? pairs[0] : Expr::make(ExprOp::kAnd, pairs);
    }
    case AST_LOGICAL_AND:
    case AST_LOGICAL_OR: {
      children();
      const bool is_and = node->getType() == AST_LOGICAL_AND;
      if (args.empty()) return is_and ? 1.0 : 0.0;
      if (args.size() == 1) return Expr::make(ExprOp::kNe, {args[0], 0.0});
      return Expr::make(is_and ? ExprOp::kAnd : ExprOp::kOr, args);
    }
    case AST_LOGICAL_NOT: need(1, 1); children(); return Expr::make(ExprOp::kNot, args);
    case AST_FUNCTION_PIECEWISE: {
      need(1, UINT32_MAX);
      children();
      // Without an <otherwise>, SBML leaves the value undefined: NaN, which stops the run with
      // a numerical error if it is ever reached.
      if (args.size() % 2 == 0) args.push_back(std::numeric_limits<double>::quiet_NaN());
      return Expr::make(ExprOp::kPiecewise, args);
    }
    case AST_FUNCTION:
      if (!symbols.call) {
        refuse_ast(symbols, context + " calls '" + sbml_ast_name(node) +
                                "', which is not a function nksim knows (functions: exp, ln, "
                                "log10, log, root, sqrt, abs, floor, ceiling, min, max, "
                                "piecewise)");
      }
      return symbols.call(node, depth);
    case AST_FUNCTION_DELAY:
      refuse_ast(symbols, context + " uses delay(), which is not supported: nksim integrates "
                                    "ODEs without delays");
    case AST_FUNCTION_RATE_OF:
      refuse_ast(symbols, context + " uses rateOf(), which is not supported");
    default:
      refuse_ast(symbols,
                 context + " uses the MathML function '" + sbml_ast_name(node) +
                     "', which is not supported (supported: + - * / ^, exp, ln, log, root, abs, "
                     "floor, ceiling, min, max, comparisons, and, or, not, piecewise, function "
                     "definitions)");
  }
}


}  // namespace nksim::sbml
