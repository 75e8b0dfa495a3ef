#include "nksim/io/infix_formula.h"

#include <cstdlib>
#include <memory>

#include <sbml/SBMLTypes.h>
#include <sbml/math/L3Parser.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/sbml_math.h"

LIBSBML_CPP_NAMESPACE_USE

namespace nksim {

Expr parse_infix_formula(const std::string& text, const OdeModel& model) {
  if (text.find_first_not_of(" \t") == std::string::npos) throw InputError("is empty");
  // log(x) alone is ambiguous (ln in SBML Level 1, log10 elsewhere): the parser refuses it.
  L3ParserSettings settings;
  settings.setParseLog(L3P_PARSE_LOG_AS_ERROR);
  const std::unique_ptr<ASTNode> ast(SBML_parseL3FormulaWithSettings(text.c_str(), &settings));
  if (!ast) {
    char* raw = SBML_getLastParseL3Error();
    std::string why = raw ? raw : "";
    std::free(raw);
    // libSBML's message reads "Error when parsing input '...' at position N:  <reason>".
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw InputError("'" + text + "' is not a formula: " + (why.empty() ? "syntax error" : why));
  }
  const auto states = model.state_names();
  const auto parameters = model.parameter_names();
  const std::string context = "'" + text + "'";
  sbml::AstSymbols symbols;
  symbols.name = [&](const std::string& id) -> Expr {
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (states[i] == id) return Expr::state(i);
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      if (parameters[i] == id) return Expr::parameter(i);
    }
    if (id == "t") return Expr::time();
    std::vector<std::string> known = states;
    known.insert(known.end(), parameters.begin(), parameters.end());
    known.emplace_back("t");
    throw InputError(context + " uses '" + id + "', which is neither a state nor a parameter of " +
                     std::string(model.name()) + " nor time t (states: " + join(states) + ")" +
                     did_you_mean(id, known));
  };
  symbols.time = [] { return Expr::time(); };
  symbols.refuse = [](const std::string& what) { throw InputError(what); };
  return sbml::from_ast(ast.get(), context, symbols);
}

}  // namespace nksim
