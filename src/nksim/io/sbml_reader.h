// Reading a libSBML model into an SbmlModel (docs/sbml.md). Internal to the SBML reader: only
// io/sbml_*.cpp include this header (libSBML is a private dependency of the library).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sbml/SBMLTypes.h>

#include "nksim/io/sbml_model.h"

namespace nksim {

// Reads one libSBML model into an SbmlModel; every refusal names the element and its id.
class SbmlReader {
 public:
  SbmlReader(std::string label, const LIBSBML_CPP_NAMESPACE_QUALIFIER Model& model) : label_(std::move(label)), model_(model) {}

  std::shared_ptr<SbmlModel> read(const std::string& tumour_state);

 private:
  enum class Kind { kState, kParameter, kAssigned, kDerived, kReaction };
  struct Symbol {
    Kind kind = Kind::kParameter;
    std::size_t index = 0;
    const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* math = nullptr;  // kAssigned: the rule; kDerived: the initial assignment
    std::string element;            // "species 'x'", for messages
  };
  struct StateSource {
    std::string id;
    const LIBSBML_CPP_NAMESPACE_QUALIFIER Species* species = nullptr;  // null: a parameter with a rate rule
    const LIBSBML_CPP_NAMESPACE_QUALIFIER Parameter* parameter = nullptr;
  };
  using Locals = std::map<std::string, Expr>;

  [[noreturn]] void refuse(const std::string& what) const {
    throw InputError(label_ + ": " + what + " (docs/sbml.md lists what nksim reads)");
  }

  void check_model_level_constructs();
  void check_time_units();
  void collect_functions();
  void collect_symbols();
  void read_rules();
  void read_reactions();
  void read_events();
  std::string unit_text(const std::string& unit_id) const;
  std::string species_unit(const LIBSBML_CPP_NAMESPACE_QUALIFIER Species& species) const;

  Expr convert(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* node, const std::string& context, bool initial,
               const Locals& locals, int depth = 0);
  Expr call_function(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* node, const std::string& context, bool initial,
                     const Locals& locals, int depth);
  Expr symbol(const std::string& id, const std::string& context, bool initial);
  Expr state_initial(std::size_t index);
  Expr compartment_size(const std::string& compartment_id, const std::string& context,
                        bool initial);

  std::string label_;
  const LIBSBML_CPP_NAMESPACE_QUALIFIER Model& model_;
  std::shared_ptr<SbmlModel> out_;
  std::map<std::string, Symbol> symbols_;
  std::map<std::string, const LIBSBML_CPP_NAMESPACE_QUALIFIER FunctionDefinition*> functions_;
  std::map<std::string, const LIBSBML_CPP_NAMESPACE_QUALIFIER InitialAssignment*> initial_assignments_;
  std::map<std::string, const LIBSBML_CPP_NAMESPACE_QUALIFIER Rule*> rules_;
  std::vector<StateSource> state_sources_;
  std::vector<std::vector<Expr>> rate_terms_;
  std::map<std::string, Expr> cache_[2];  // [initial]: converted assignment rules and reactions
  std::set<std::string> in_progress_[2];
};

// The name of a MathML node for messages ("sin", "f", ...).
std::string sbml_ast_name(const LIBSBML_CPP_NAMESPACE_QUALIFIER ASTNode* node);

}  // namespace nksim
