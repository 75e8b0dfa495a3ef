// `nksim describe` for the spatial mechanisms, and the choice between a model and a mechanism.
#include <sstream>
#include <vector>

#include "nksim/api/nksim.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/ode/ode_model.h"
#include "nksim/report/evidence.h"

namespace nksim {
namespace {

const MechanismEntry* find_mechanism(std::string_view name) {
  for (const MechanismEntry& entry : builtin_mechanisms()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::vector<std::string> model_names_here() {
  std::vector<std::string> names;
  for (const OdeModel* model : all_models()) names.emplace_back(model->name());
  return names;
}

[[noreturn]] void fail_unknown(const std::string& name) {
  const std::vector<std::string> models = model_names_here();
  const std::vector<std::string> mechanisms = mechanism_names();
  std::vector<std::string> all = models;
  all.insert(all.end(), mechanisms.begin(), mechanisms.end());
  throw InputError("unknown model or mechanism '" + name + "' (models: " + join(models) +
                   "; mechanisms: " + join(mechanisms) + ")" + did_you_mean(name, all));
}

const MechanismEntry& mechanism_or_throw(const std::string& name) {
  const MechanismEntry* entry = find_mechanism(name);
  if (!entry) fail_unknown(name);
  return *entry;
}

}  // namespace

bool is_mechanism(const std::string& name) { return find_mechanism(name) != nullptr; }

std::string describe_mechanism(const std::string& name) {
  const MechanismEntry& entry = mechanism_or_throw(name);
  std::ostringstream out;
  out << entry.name << " (spatial mechanism)\n  " << entry.summary << "\n";
  if (const report::EvidenceNote* note = report::find_evidence(entry.name)) {
    out << "  Evidence: " << note->level << ". " << note->text << "\n";
  }
  out << "  Page: docs/mechanisms/" << entry.name << ".md\n\nKeys below [mechanisms." << entry.name
      << "]; <type> stands for a cell type, <field> for a [[field]],\n"
      << "<property> for a cell property:\n"
      << parameters_text(entry.parameters);
  return out.str();
}

std::string describe_mechanism_markdown(const std::string& name) {
  return parameters_markdown(mechanism_or_throw(name).parameters);
}

std::string describe(const std::string& name, bool markdown) {
  if (is_mechanism(name)) {
    return markdown ? describe_mechanism_markdown(name) : describe_mechanism(name);
  }
  const bool sbml_file = name.ends_with(".xml") || name.ends_with(".sbml");  // docs/sbml.md
  if (!find_model(name) && !sbml_file) fail_unknown(name);
  return markdown ? describe_model_markdown(name) : describe_model(name);
}

std::string describe_catalogue() {
  std::ostringstream out;
  out << "Models (well-mixed):\n";
  for (const OdeModel* model : all_models()) {
    out << "  " << model->name() << "\n    " << model->citation() << "\n";
  }
  out << "\nMechanisms (spatial):\n";
  for (const MechanismEntry& entry : builtin_mechanisms()) {
    out << "  " << entry.name << "\n    " << entry.summary << "\n";
  }
  return out.str();
}

}  // namespace nksim
