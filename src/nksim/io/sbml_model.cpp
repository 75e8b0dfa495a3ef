#include "nksim/io/sbml_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numbers>

#include <sbml/SBMLTypes.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/sbml_reader.h"

LIBSBML_CPP_NAMESPACE_USE

namespace nksim {

namespace {

bool has_math(const SBase* element) {
  if (const auto* rule = dynamic_cast<const Rule*>(element)) return rule->isSetMath();
  if (const auto* ia = dynamic_cast<const InitialAssignment*>(element)) return ia->isSetMath();
  return false;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string sbml_ast_name(const ASTNode* node) {
  if (node->getName()) return node->getName();
  const char* name = node->getOperatorName();
  return name ? name : "type " + std::to_string(static_cast<int>(node->getType()));
}

void SbmlReader::check_model_level_constructs() {
  if (model_.isSetConversionFactor()) {
    refuse("model '" + model_.getId() + "' has a conversionFactor, which is not supported");
  }
  if (model_.getNumConstraints() > 0) {
    const std::string metaid = model_.getConstraint(0u)->getMetaId();
    refuse("constraint 1" + (metaid.empty() ? std::string() : " (metaid '" + metaid + "')") +
           " is not supported: nksim does not check constraints during a run");
  }
  for (unsigned i = 0; i < model_.getNumCompartments(); ++i) {
    const Compartment* c = model_.getCompartment(i);
    if (!c->getConstant()) {
      refuse("compartment '" + c->getId() + "' is not constant; non-constant compartments are "
                                            "not supported");
    }
  }
  for (unsigned i = 0; i < model_.getNumSpecies(); ++i) {
    const Species* s = model_.getSpecies(i);
    if (s->isSetConversionFactor()) {
      refuse("species '" + s->getId() + "' has a conversionFactor, which is not supported");
    }
  }
  for (unsigned i = 0; i < model_.getNumRules(); ++i) {
    const Rule* rule = model_.getRule(i);
    if (rule->isAlgebraic()) {
      const std::string id = rule->isSetIdAttribute() ? rule->getIdAttribute() : rule->getMetaId();
      refuse("algebraic rule " + std::to_string(i + 1) + (id.empty() ? "" : " '" + id + "'") +
             " is not supported: nksim integrates ODEs, not differential-algebraic systems");
    }
  }
}

void SbmlReader::check_time_units() {
  if (!model_.isSetTimeUnits()) return;  // read as days (docs/sbml.md)
  const std::string id = model_.getTimeUnits();
  if (const UnitDefinition* definition = model_.getUnitDefinition(id)) {
    if (definition->getNumUnits() == 1) {
      const Unit* unit = definition->getUnit(0u);
      const double seconds = unit->getMultiplier() * std::pow(10.0, unit->getScale());
      if (unit->isSecond() && unit->getExponent() == 1 &&
          std::fabs(seconds - 86400) < 1e-9 * 86400) {
        return;
      }
    }
  }
  refuse("model '" + model_.getId() + "' has timeUnits '" + id +
         "': nksim runs in days, and reads only models whose time unit is a day (86400 s) or "
         "unset");
}

void SbmlReader::collect_functions() {
  for (unsigned i = 0; i < model_.getNumFunctionDefinitions(); ++i) {
    const FunctionDefinition* f = model_.getFunctionDefinition(i);
    if (!f->getBody()) refuse("function definition '" + f->getId() + "' has no body");
    functions_[f->getId()] = f;
  }
}

std::string SbmlReader::unit_text(const std::string& unit_id) const {
  if (unit_id.empty()) return "unspecified";
  if (unit_id == "item") return "cells";
  if (const UnitDefinition* definition = model_.getUnitDefinition(unit_id)) {
    if (definition->getNumUnits() == 1) {
      const Unit* unit = definition->getUnit(0u);
      if (unit->isItem() && unit->getExponent() == 1 && unit->getScale() == 0 &&
          unit->getMultiplier() == 1) {
        return "cells";
      }
    }
  }
  return unit_id;
}

std::string SbmlReader::species_unit(const Species& s) const {
  const std::string substance = unit_text(
      s.isSetSubstanceUnits() ? s.getSubstanceUnits() : model_.getSubstanceUnits());
  if (s.getHasOnlySubstanceUnits()) return substance;
  const Compartment* c = model_.getCompartment(s.getCompartment());
  return substance + "/" + (c && c->isSetUnits() ? c->getUnits() : "compartment size");
}

void SbmlReader::collect_symbols() {
  for (unsigned i = 0; i < model_.getNumInitialAssignments(); ++i) {
    const InitialAssignment* ia = model_.getInitialAssignment(i);
    if (!ia->isSetMath()) refuse("initial assignment to '" + ia->getSymbol() + "' has no math");
    initial_assignments_[ia->getSymbol()] = ia;
  }
  for (unsigned i = 0; i < model_.getNumRules(); ++i) {
    const Rule* rule = model_.getRule(i);
    if (!has_math(rule)) refuse("rule for '" + rule->getVariable() + "' has no math");
    rules_[rule->getVariable()] = rule;
  }
  SbmlModel& m = *out_;
  const auto add_parameter = [&](const std::string& id, double value, const std::string& unit,
                                 const std::string& description, const std::string& element) {
    symbols_[id] = {Kind::kParameter, m.parameter_text_.size(), nullptr, element};
    m.parameter_text_.push_back({id, unit, description});
    m.sets_.front().values.push_back(value);
  };
  const auto derived_or_assigned = [&](const std::string& id, const std::string& element) {
    if (auto rule = rules_.find(id); rule != rules_.end() && rule->second->isAssignment()) {
      symbols_[id] = {Kind::kAssigned, 0, rule->second->getMath(), element};
      return true;
    }
    if (auto ia = initial_assignments_.find(id); ia != initial_assignments_.end()) {
      symbols_[id] = {Kind::kDerived, 0, ia->second->getMath(), element};
      return true;
    }
    return false;
  };

  for (unsigned i = 0; i < model_.getNumCompartments(); ++i) {
    const Compartment* c = model_.getCompartment(i);
    const std::string element = "compartment '" + c->getId() + "'";
    if (rules_.count(c->getId())) refuse(element + " is changed by a rule; not supported");
    if (derived_or_assigned(c->getId(), element)) continue;
    if (!c->isSetSize()) refuse(element + " has no size");
    add_parameter(c->getId(), c->getSize(), unit_text(c->getUnits()),
                  c->isSetName() ? c->getName() + " (compartment size)" : "compartment size",
                  element);
  }
  for (unsigned i = 0; i < model_.getNumParameters(); ++i) {
    const Parameter* p = model_.getParameter(i);
    const std::string element = "parameter '" + p->getId() + "'";
    if (auto rule = rules_.find(p->getId()); rule != rules_.end() && rule->second->isRate()) {
      symbols_[p->getId()] = {Kind::kState, state_sources_.size(), nullptr, element};
      state_sources_.push_back({p->getId(), nullptr, p});
      continue;
    }
    if (derived_or_assigned(p->getId(), element)) continue;
    if (!p->isSetValue()) refuse(element + " has no value");
    add_parameter(p->getId(), p->getValue(), unit_text(p->getUnits()),
                  p->isSetName() ? p->getName() : "", element);
  }
  for (unsigned i = 0; i < model_.getNumSpecies(); ++i) {
    const Species* s = model_.getSpecies(i);
    const std::string element = "species '" + s->getId() + "'";
    if (auto rule = rules_.find(s->getId()); rule != rules_.end() && rule->second->isAssignment()) {
      symbols_[s->getId()] = {Kind::kAssigned, 0, rule->second->getMath(), element};
      continue;
    }
    symbols_[s->getId()] = {Kind::kState, state_sources_.size(), nullptr, element};
    state_sources_.push_back({s->getId(), s, nullptr});
  }
  // Parameters with rate rules were added before the species: put species first, as users
  // expect, and renumber.
  std::stable_partition(state_sources_.begin(), state_sources_.end(),
                        [](const StateSource& s) { return s.species != nullptr; });
  for (std::size_t i = 0; i < state_sources_.size(); ++i) {
    symbols_[state_sources_[i].id].index = i;
  }
  for (unsigned i = 0; i < model_.getNumReactions(); ++i) {
    const Reaction* r = model_.getReaction(i);
    if (r->isSetKineticLaw() && r->getKineticLaw()->isSetMath()) {
      symbols_[r->getId()] = {Kind::kReaction, i, r->getKineticLaw()->getMath(),
                              "reaction '" + r->getId() + "'"};
    }
    // Kinetic-law-local parameters are parameters of the model, named "<reaction>.<id>".
    if (!r->isSetKineticLaw()) continue;
    const KineticLaw* law = r->getKineticLaw();
    const unsigned count =
        model_.getLevel() >= 3 ? law->getNumLocalParameters() : law->getNumParameters();
    for (unsigned k = 0; k < count; ++k) {
      const Parameter* p = model_.getLevel() >= 3 ? law->getLocalParameter(k)
                                                  : law->getParameter(k);
      const std::string id = r->getId() + "." + p->getId();
      if (!p->isSetValue()) refuse("local parameter '" + p->getId() + "' of reaction '" +
                                   r->getId() + "' has no value");
      add_parameter(id, p->getValue(), unit_text(p->getUnits()),
                    "local parameter of reaction " + r->getId(),
                    "local parameter '" + id + "'");
    }
  }
  for (const StateSource& source : state_sources_) {
    const std::string id = source.id;
    if (source.species) {
      m.state_text_.push_back({id, species_unit(*source.species),
                               source.species->isSetName() ? source.species->getName()
                                                           : "species"});
    } else {
      m.state_text_.push_back({id, unit_text(source.parameter->getUnits()),
                               source.parameter->isSetName() ? source.parameter->getName()
                                                             : "parameter with a rate rule"});
    }
  }
  rate_terms_.resize(state_sources_.size());
}

void SbmlReader::read_rules() {
  for (unsigned i = 0; i < model_.getNumRules(); ++i) {
    const Rule* rule = model_.getRule(i);
    if (!rule->isRate()) continue;
    const std::string id = rule->getVariable();
    const auto found = symbols_.find(id);
    if (found == symbols_.end() || found->second.kind != Kind::kState) {
      refuse("rate rule for '" + id + "': only species and parameters may have rate rules");
    }
    rate_terms_[found->second.index].push_back(
        convert(rule->getMath(), "the rate rule for '" + id + "'", false, {}));
  }
}

void SbmlReader::read_reactions() {
  for (unsigned i = 0; i < model_.getNumReactions(); ++i) {
    const Reaction* r = model_.getReaction(i);
    const std::string element = "reaction '" + r->getId() + "'";
    if (r->isSetFast() && r->getFast()) {
      refuse(element + " is fast (fast=\"true\"); fast reactions are not supported");
    }
    if (!r->isSetKineticLaw() || !r->getKineticLaw()->isSetMath()) {
      refuse(element + " has no kinetic law");
    }
    const Expr rate = symbol(r->getId(), "the kinetic law of " + element, false);
    const auto add = [&](const SpeciesReference* ref, double sign) {
      const std::string species_id = ref->getSpecies();
      if (ref->isSetStoichiometryMath()) {
        refuse(element + ": the stoichiometry of '" + species_id + "' is given by math; "
                         "variable stoichiometry is not supported");
      }
      if (ref->isSetIdAttribute() &&
          (rules_.count(ref->getIdAttribute()) || initial_assignments_.count(ref->getIdAttribute()))) {
        refuse(element + ": species reference '" + ref->getIdAttribute() +
               "' is changed by a rule or initial assignment; variable stoichiometry is not "
               "supported");
      }
      if (model_.getLevel() >= 3 && !ref->isSetStoichiometry()) {
        refuse(element + ": the stoichiometry of '" + species_id + "' is not set");
      }
      const Species* species = model_.getSpecies(species_id);
      if (!species) refuse(element + " refers to '" + species_id + "', which is not a species");
      if (species->getBoundaryCondition() || species->getConstant()) return;
      const auto found = symbols_.find(species_id);
      if (found == symbols_.end() || found->second.kind != Kind::kState) {
        refuse(element + " changes species '" + species_id +
               "', which an assignment rule also sets");
      }
      const double stoichiometry = sign * ref->getStoichiometry();
      Expr term = stoichiometry == 1    ? rate
                  : stoichiometry == -1 ? -rate
                                        : stoichiometry * rate;
      if (!species->getHasOnlySubstanceUnits()) {
        // The species' symbol is a concentration: d(amount/V)/dt = (d amount/dt)/V for constant V.
        term = term / symbol(species->getCompartment(), "the size of the compartment of " +
                                                            std::string("species '") +
                                                            species_id + "'", false);
      }
      rate_terms_[found->second.index].push_back(term);
    };
    for (unsigned k = 0; k < r->getNumReactants(); ++k) add(r->getReactant(k), -1.0);
    for (unsigned k = 0; k < r->getNumProducts(); ++k) add(r->getProduct(k), 1.0);
  }
}

void SbmlReader::read_events() {
  for (unsigned i = 0; i < model_.getNumEvents(); ++i) {
    const Event* event = model_.getEvent(i);
    const std::string element =
        "event '" + (event->isSetId() ? event->getId() : std::to_string(i + 1)) + "'";
    if (event->isSetDelay()) {
      refuse(element + " has a delay; events with delays are not supported");
    }
    if (event->isSetPriority()) {
      refuse(element + " has a priority; events with priorities are not supported");
    }
    const std::string bolus_form =
        "; nksim reads only bolus events: trigger time >= t (t a constant or a function of "
        "parameters), assignments X = X + amount";
    const Trigger* trigger = event->getTrigger();
    if (!trigger || !trigger->isSetMath()) refuse(element + " has no trigger");
    const ASTNode* math = trigger->getMath();
    const ASTNodeType_t type = math->getType();
    const bool time_first = type == AST_RELATIONAL_GEQ || type == AST_RELATIONAL_GT;
    const bool time_second = type == AST_RELATIONAL_LEQ || type == AST_RELATIONAL_LT;
    if ((!time_first && !time_second) || math->getNumChildren() != 2 ||
        math->getChild(time_first ? 0 : 1)->getType() != AST_NAME_TIME) {
      refuse(element + ": its trigger is not of the form time >= t" + bolus_form);
    }
    const std::string context = "the trigger of " + element;
    const Expr when = convert(math->getChild(time_first ? 1 : 0), context, false, {});
    if (depends_on_state_or_time(when)) {
      refuse(element + ": its trigger time depends on the state or time" + bolus_form);
    }
    const bool initial_value = trigger->isSetInitialValue() ? trigger->getInitialValue() : true;
    for (unsigned k = 0; k < event->getNumEventAssignments(); ++k) {
      const EventAssignment* assignment = event->getEventAssignment(k);
      const std::string id = assignment->getVariable();
      const auto found = symbols_.find(id);
      if (found == symbols_.end() || found->second.kind != Kind::kState) {
        refuse(element + " assigns '" + id + "', which is not a state (a species or a parameter "
                                             "with a rate rule)" + bolus_form);
      }
      const ASTNode* value = assignment->getMath();
      const auto is_variable = [&](const ASTNode* a) {
        return a->getType() == AST_NAME && id == a->getName();
      };
      if (!value || value->getType() != AST_PLUS || value->getNumChildren() != 2 ||
          (!is_variable(value->getChild(0)) && !is_variable(value->getChild(1)))) {
        refuse(element + ": its assignment to '" + id + "' is not of the form " + id +
               " = " + id + " + amount" + bolus_form);
      }
      const ASTNode* amount_node = is_variable(value->getChild(0)) ? value->getChild(1)
                                                                   : value->getChild(0);
      const Expr amount =
          convert(amount_node, "the assignment to '" + id + "' in " + element, false, {});
      if (depends_on_state_or_time(amount)) {
        refuse(element + ": the amount added to '" + id + "' depends on the state or time" +
               bolus_form);
      }
      out_->boluses_.push_back({found->second.index, when, amount, !initial_value});
    }
  }
}

std::shared_ptr<SbmlModel> SbmlReader::read(const std::string& tumour_state) {
  out_ = std::shared_ptr<SbmlModel>(new SbmlModel());
  SbmlModel& m = *out_;
  // "sbml:<id>": an imported model is never mistaken for the built-in model it was exported from.
  m.name_ = "sbml:" + (model_.isSetId() && !model_.getId().empty() ? model_.getId() : "model");
  m.citation_ = "SBML model '" + m.name_ + "'" +
                (model_.isSetName() ? " (" + model_.getName() + ")" : "") + " from " + label_;
  m.source_ = label_;
  m.sets_.push_back({"sbml", "the values in the SBML file", m.source_, {}});
  check_model_level_constructs();
  check_time_units();
  collect_functions();
  collect_symbols();
  if (state_sources_.empty()) refuse("model '" + m.name_ + "' has no species or state");
  read_rules();
  read_reactions();
  read_events();
  for (std::size_t i = 0; i < state_sources_.size(); ++i) {
    const auto& terms = rate_terms_[i];
    // t1 + t2 - t3 ...: a negated term is subtracted, so that equations print as written.
    Expr rate = terms.empty() ? Expr(0.0) : terms[0];
    for (std::size_t k = 1; k < terms.size(); ++k) {
      rate = terms[k].op() == ExprOp::kNeg ? rate - terms[k].args()[0] : rate + terms[k];
    }
    m.rates_.push_back(rate);
    const Expr initial = state_initial(i);
    if (depends_on_state_or_time(initial)) {
      refuse("the initial value of '" + state_sources_[i].id + "' depends on time");
    }
    m.initial_.push_back(initial);
  }
  m.tumour_ = 0;
  if (!tumour_state.empty()) {
    const auto found = symbols_.find(tumour_state);
    if (found == symbols_.end() || found->second.kind != Kind::kState) {
      std::vector<std::string> ids;
      for (const auto& s : state_sources_) ids.push_back(s.id);
      throw InputError(label_ + ": tumour_state '" + tumour_state + "' is not a state (states: " +
                       join(ids) + ")" + did_you_mean(tumour_state, ids));
    }
    m.tumour_ = found->second.index;
  } else if (auto t = symbols_.find("T"); t != symbols_.end() && t->second.kind == Kind::kState) {
    m.tumour_ = t->second.index;
  } else {
    for (std::size_t i = 0; i < m.state_text_.size(); ++i) {
      const std::string text = lower(m.state_text_[i].name + " " + m.state_text_[i].description);
      if (text.find("tumour") != std::string::npos || text.find("tumor") != std::string::npos) {
        m.tumour_ = i;
        break;
      }
    }
  }
  m.finish();
  return out_;
}

void SbmlModel::finish() {
  for (const Text& t : state_text_) states_.push_back({t.name, t.unit, t.description});
  for (const Text& t : parameter_text_) {
    parameters_.push_back({t.name, t.unit, t.description, true});
  }
}

std::vector<double> SbmlModel::default_initial(std::span<const double> p) const {
  std::vector<double> y;
  for (const Expr& e : initial_) y.push_back(evaluate(e, 0, nullptr, p.data()));
  return y;
}

void SbmlModel::rhs(double t, const double* y, const double* p, double* dydt) const {
  for (std::size_t i = 0; i < rates_.size(); ++i) dydt[i] = evaluate(rates_[i], t, y, p);
}

std::vector<ModelBolus> SbmlModel::model_boluses(std::span<const double> p) const {
  std::vector<ModelBolus> out;
  for (const Bolus& b : boluses_) {
    const double time = evaluate(b.time, 0, nullptr, p.data());
    if (time <= 0 && !b.fires_at_zero) continue;  // the trigger never goes from false to true
    out.push_back({b.state, std::max(0.0, time), evaluate(b.amount, 0, nullptr, p.data())});
  }
  return out;
}

namespace {

std::shared_ptr<const SbmlModel> read_document(SBMLDocument& document, const std::string& label,
                                               const std::string& tumour_state) {
  for (unsigned i = 0; i < document.getNumErrors(); ++i) {
    const SBMLError* error = document.getError(i);
    if (error->getSeverity() >= LIBSBML_SEV_ERROR) {
      throw InputError(label + ":" + std::to_string(error->getLine()) + ": not valid SBML: " +
                       error->getMessage());
    }
  }
  const Model* model = document.getModel();
  if (!model) throw InputError(label + ": the SBML document has no model");
  return SbmlReader(label, *model).read(tumour_state);
}

}  // namespace

std::shared_ptr<const SbmlModel> SbmlModel::read_file(const std::filesystem::path& path,
                                                      const std::string& tumour_state) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(path.string() + ": no such SBML file");
  }
  std::unique_ptr<SBMLDocument> document(readSBMLFromFile(path.string().c_str()));
  return read_document(*document, path.string(), tumour_state);
}

std::shared_ptr<const SbmlModel> SbmlModel::read_string(const std::string& xml,
                                                        const std::string& label,
                                                        const std::string& tumour_state) {
  std::unique_ptr<SBMLDocument> document(readSBMLFromString(xml.c_str()));
  return read_document(*document, label, tumour_state);
}

}  // namespace nksim
