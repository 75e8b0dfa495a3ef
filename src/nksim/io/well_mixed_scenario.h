// The well-mixed scenario: what a TOML file with `engine = "well_mixed"` says, by name.
//
// parse_well_mixed() reads and validates a file (errors carry file, line and key);
// resolve() turns names into indices for simulate(). Trials build scenarios in code and call
// resolve() directly, which validates again by name.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nksim/io/toml_reader.h"
#include "nksim/ode/well_mixed.h"

namespace nksim {

struct DoseSpec {
  std::string state;
  bool infusion = false;
  double time_days = 0;     // bolus
  double amount = 0;        // bolus
  double start_days = 0;    // infusion
  double stop_days = 0;     // infusion
  double rate_per_day = 0;  // infusion
  std::string where{};      // "file:line:col: 'dose[i].amount'" when read from a file (warnings)
};

struct WellMixedScenario {
  std::string model;  // a built-in model's name, or "sbml": the model read from sbml_file
  std::string sbml_file;     // model = "sbml": the file, resolved against the scenario's folder
  std::string tumour_state;  // model = "sbml": the state reported as the tumour ("": chosen)
  std::shared_ptr<const OdeModel> imported;  // model = "sbml": the model read from sbml_file
  std::string parameter_set;  // empty: the model's default set
  double end_time_days = 0;
  std::vector<double> output_times_days;  // explicit list, or...
  std::optional<double> output_interval_days;  // ...0, dt, 2 dt, ..., end (default dt = 1 day)
  SolverOptions solver;
  std::map<std::string, double> parameters;  // overrides by the paper's symbol
  std::map<std::string, double> initial;     // by state symbol
  std::vector<DoseSpec> doses;
  std::optional<double> elimination_below;
  std::optional<double> escape_above;
};

// The scenario's model: the imported one, or the built-in one by name (null if unknown).
const OdeModel* scenario_model(const WellMixedScenario& scenario);

// Reads the [simulation], [solver], [parameters], [initial], [[dose]] and [endpoints] tables of a
// scenario whose engine is "well_mixed" and rejects anything unknown or invalid.
WellMixedScenario parse_well_mixed(const TomlDocument& document);

// Reads one [[dose]] table (a bolus or an infusion on a state of `model`); used by the
// scenario reader and by trial arms.
DoseSpec parse_dose(TableReader& dose, const OdeModel& model, double end_time_days);

// Resolves names to indices, applies parameter sets, overrides and default initial states.
// Throws InputError (naming the key) for unknown names and invalid values.
WellMixedProblem resolve(const WellMixedScenario& scenario);

// The output times a scenario asks for.
std::vector<double> output_times(const WellMixedScenario& scenario);

}  // namespace nksim
