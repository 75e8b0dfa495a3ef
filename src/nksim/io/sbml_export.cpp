#include "nksim/io/sbml_export.h"

#include <memory>
#include <sstream>

#include <sbml/SBMLTypes.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/sbml_math.h"

LIBSBML_CPP_NAMESPACE_USE

namespace nksim {
namespace {



struct UnitFactor {
  UnitKind_t kind;
  int exponent;
  int scale;
  double multiplier;
};

struct UnitDefinitionSpec {
  const char* nksim_unit;  // as the models write it
  const char* id;          // the SBML unit definition id
  std::vector<UnitFactor> factors;
};

constexpr double kSecondsPerDay = 86400;

// nksim's unit strings as SBML units. A day is 86400 s; a cell is an item. "IU/L" (international
// units of IL-2 per litre) has no SBML base unit and is left without units (docs/sbml.md).
const std::vector<UnitDefinitionSpec>& unit_table() {
  static const std::vector<UnitDefinitionSpec> table = {
      {"day", "day", {{UNIT_KIND_SECOND, 1, 0, kSecondsPerDay}}},
      {"cells", "cell", {{UNIT_KIND_ITEM, 1, 0, 1}}},
      {"1/day", "per_day", {{UNIT_KIND_SECOND, -1, 0, kSecondsPerDay}}},
      {"cells/day", "cell_per_day",
       {{UNIT_KIND_ITEM, 1, 0, 1}, {UNIT_KIND_SECOND, -1, 0, kSecondsPerDay}}},
      {"1/cell", "per_cell", {{UNIT_KIND_ITEM, -1, 0, 1}}},
      {"cells^2", "cell2", {{UNIT_KIND_ITEM, 2, 0, 1}}},
      {"1/(cell day)", "per_cell_per_day",
       {{UNIT_KIND_ITEM, -1, 0, 1}, {UNIT_KIND_SECOND, -1, 0, kSecondsPerDay}}},
      {"1/(cell^2 day)", "per_cell2_per_day",
       {{UNIT_KIND_ITEM, -2, 0, 1}, {UNIT_KIND_SECOND, -1, 0, kSecondsPerDay}}},
      {"mg/L", "mg_per_L", {{UNIT_KIND_GRAM, 1, -3, 1}, {UNIT_KIND_LITRE, -1, 0, 1}}},
      {"-", "dimensionless", {}},
  };
  return table;
}

// The SBML unit id for an nksim unit string, or "" when it has none.
std::string unit_id(std::string_view unit) {
  for (const auto& spec : unit_table()) {
    if (unit == spec.nksim_unit) return spec.id;
  }
  return "";
}

void add_unit_definitions(Model& model) {
  for (const auto& spec : unit_table()) {
    if (spec.factors.empty()) continue;  // "dimensionless" is a base unit
    UnitDefinition* definition = model.createUnitDefinition();
    definition->setId(spec.id);
    for (const auto& factor : spec.factors) {
      Unit* unit = definition->createUnit();
      unit->setKind(factor.kind);
      unit->setExponent(factor.exponent);
      unit->setScale(factor.scale);
      unit->setMultiplier(factor.multiplier);
    }
  }
}

void check(int status, const std::string& what) {
  if (status != LIBSBML_OPERATION_SUCCESS) {
    throw Error("SBML export: libSBML refused " + what + " (status " + std::to_string(status) +
                ")");
  }
}

std::string notes_paragraph(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '<') escaped += "&lt;";
    else if (c == '>') escaped += "&gt;";
    else if (c == '&') escaped += "&amp;";
    else escaped += c;
  }
  return "<p>" + escaped + "</p>";
}

std::string model_notes(const WellMixedProblem& problem) {
  const OdeModel& model = *problem.model;
  std::string body = "<body xmlns=\"http://www.w3.org/1999/xhtml\">";
  body += notes_paragraph("Written by nksim " NKSIM_VERSION " from its built-in model " +
                          std::string(model.name()) + ", parameter set " + problem.parameter_set +
                          ". Time is in days.");
  body += notes_paragraph(std::string(model.citation()));
  if (const ParameterSet* set = model.find_parameter_set(problem.parameter_set)) {
    body += notes_paragraph("Parameter set " + std::string(set->name) + ": " +
                            std::string(set->description) + ". Source: " +
                            std::string(set->source));
  }
  for (const auto& s : model.states()) {
    if (unit_id(s.unit).empty()) {
      body += notes_paragraph("Species " + std::string(s.name) + " is in " + std::string(s.unit) +
                              ", which has no SBML unit definition; its units are left unset.");
    }
  }
  return body + "</body>";
}

}  // namespace

WellMixedProblem model_problem(const OdeModel& model, const std::string& parameter_set) {
  const ParameterSet* set = parameter_set.empty() ? &model.parameter_sets().front()
                                                  : model.find_parameter_set(parameter_set);
  if (!set) {
    const auto names = model.parameter_set_names();
    throw InputError("'" + parameter_set + "' is not a parameter set of " +
                     std::string(model.name()) + " (sets: " + join(names) + ")" +
                     did_you_mean(parameter_set, names));
  }
  WellMixedProblem problem;
  problem.model = &model;
  problem.parameter_set = std::string(set->name);
  problem.parameters = set->values;
  problem.initial = model.default_initial(problem.parameters);
  // The model's own boluses are part of the model: they are exported as events.
  for (const ModelBolus& bolus : model.model_boluses(problem.parameters)) {
    problem.doses.push_back({bolus.state, false, bolus.time_days, 0, bolus.amount, 0});
  }
  return problem;
}

std::string export_sbml(const WellMixedProblem& problem) {
  const OdeModel& source = *problem.model;
  const auto states = source.state_names();
  const auto parameters = source.parameter_names();

  SBMLDocument document(3, 2);
  Model* model = document.createModel();
  check(model->setId(std::string(source.name())), "the model id");
  model->setName(std::string(source.name()) + " (" + problem.parameter_set + ")");
  check(model->setNotes(model_notes(problem)), "the model notes");
  add_unit_definitions(*model);
  model->setTimeUnits("day");

  Compartment* body = model->createCompartment();
  body->setId("body");
  body->setName("the well-mixed body (placeholder size 1; states are amounts)");
  body->setSize(1);
  body->setConstant(true);
  body->setSpatialDimensions(3.0);
  body->setUnits("litre");

  // Infusion terms per state: piecewise(rate, start <= time && time < stop, 0).
  std::vector<Expr> infusions(states.size());
  std::vector<bool> infused(states.size(), false);
  int event_number = 0;
  for (const ResolvedDose& dose : problem.doses) {
    if (dose.infusion) {
      const Expr term = piecewise({{dose.rate_per_day, Expr::make(ExprOp::kAnd,
                                                                  {ge(Expr::time(),
                                                                      dose.start_days),
                                                                   lt(Expr::time(),
                                                                      dose.stop_days)})}},
                                  0.0);
      infusions[dose.state] = infused[dose.state] ? infusions[dose.state] + term : term;
      infused[dose.state] = true;
      continue;
    }
    Event* event = model->createEvent();
    event->setId("dose_" + std::to_string(++event_number));
    event->setName("bolus of " + format_number(dose.amount) + " into " + states[dose.state] +
                   " at day " + format_number(dose.start_days));
    event->setUseValuesFromTriggerTime(true);
    Trigger* trigger = event->createTrigger();
    trigger->setInitialValue(false);
    trigger->setPersistent(true);
    const auto when = sbml::to_ast(ge(Expr::time(), dose.start_days), states, parameters);
    check(trigger->setMath(when.get()), "an event trigger");
    EventAssignment* assignment = event->createEventAssignment();
    assignment->setVariable(states[dose.state]);
    const auto added =
        sbml::to_ast(Expr::state(dose.state) + dose.amount, states, parameters);
    check(assignment->setMath(added.get()), "an event assignment");
  }

  for (std::size_t i = 0; i < states.size(); ++i) {
    const StateInfo& info = source.states()[i];
    Species* species = model->createSpecies();
    check(species->setId(states[i]), "species id '" + states[i] + "'");
    species->setName(std::string(info.description));
    species->setCompartment("body");
    species->setInitialAmount(problem.initial[i]);
    species->setHasOnlySubstanceUnits(true);
    species->setBoundaryCondition(false);
    species->setConstant(false);
    if (const std::string unit = unit_id(info.unit); !unit.empty()) species->setSubstanceUnits(unit);
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const ParameterInfo& info = source.parameters()[i];
    Parameter* parameter = model->createParameter();
    check(parameter->setId(parameters[i]), "parameter id '" + parameters[i] + "'");
    parameter->setName(std::string(info.description));
    parameter->setValue(problem.parameters[i]);
    parameter->setConstant(true);
    if (const std::string unit = unit_id(info.unit); !unit.empty()) parameter->setUnits(unit);
  }

  const std::vector<Expr> equations = source.equations();
  for (const Expr& named : named_intermediates(equations)) {
    Parameter* parameter = model->createParameter();
    check(parameter->setId(named.name()), "parameter id '" + named.name() + "'");
    parameter->setName("intermediate quantity, set by an assignment rule");
    parameter->setConstant(false);
    AssignmentRule* rule = model->createAssignmentRule();
    rule->setVariable(named.name());
    const auto math = sbml::to_ast(named.args()[0], states, parameters);
    check(rule->setMath(math.get()), "the assignment rule for '" + named.name() + "'");
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    RateRule* rule = model->createRateRule();
    rule->setVariable(states[i]);
    const Expr rate = infused[i] ? equations[i] + infusions[i] : equations[i];
    const auto math = sbml::to_ast(rate, states, parameters);
    check(rule->setMath(math.get()), "the rate rule for '" + states[i] + "'");
  }

  SBMLWriter writer;
  std::unique_ptr<char, void (*)(void*)> text(writer.writeSBMLToString(&document), std::free);
  if (!text) throw Error("SBML export: libSBML could not write the document");
  std::string xml(text.get());
  const auto errors = sbml_consistency_errors(xml);
  if (!errors.empty()) {
    throw Error("SBML export of " + std::string(source.name()) +
                " is inconsistent: " + join(errors, "; "));
  }
  return xml;
}

std::vector<std::string> sbml_consistency_errors(const std::string& xml) {
  std::unique_ptr<SBMLDocument> document(readSBMLFromString(xml.c_str()));
  document->checkConsistency();
  std::vector<std::string> out;
  for (unsigned i = 0; i < document->getNumErrors(); ++i) {
    const SBMLError* error = document->getError(i);
    if (error->getSeverity() < LIBSBML_SEV_ERROR) continue;
    out.push_back("line " + std::to_string(error->getLine()) + ": " + error->getMessage());
  }
  return out;
}

}  // namespace nksim
