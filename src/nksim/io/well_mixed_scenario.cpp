#include "nksim/io/well_mixed_scenario.h"

#include <algorithm>
#include <cmath>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/limits.h"
#include "nksim/io/sbml_model.h"

namespace nksim {
namespace {

const OdeModel& model_or_fail(TableReader& simulation, const std::string& name) {
  const OdeModel* model = find_model(name);
  if (!model) {
    const auto names = model_names();
    simulation.fail("model", "is '" + name + "', expected one of: " + join(names) +
                                 ", or \"sbml\" with sbml = \"file.xml\" (docs/sbml.md)" +
                                 did_you_mean(name, names));
  }
  return *model;
}

}  // namespace

DoseSpec parse_dose(TableReader& dose, const OdeModel& model, double end_time) {
  DoseSpec spec;
  spec.state = dose.string("state");
  if (model.state_index(spec.state) < 0) {
    const auto names = model.state_names();
    dose.fail("state", "is '" + spec.state + "', not a state of " + std::string(model.name()) +
                           " (states: " + join(names) + ")" + did_you_mean(spec.state, names));
  }
  const bool bolus = dose.has("time_days") || dose.has("amount");
  const bool infusion =
      dose.has("start_days") || dose.has("stop_days") || dose.has("rate_per_day");
  if (bolus == infusion) {
    dose.fail("state", "needs either a bolus (time_days, amount) or an infusion "
                       "(start_days, stop_days, rate_per_day), not " +
                           std::string(bolus ? "both" : "neither"));
  }
  const bool cells = model.states()[static_cast<std::size_t>(model.state_index(spec.state))].unit ==
                     std::string_view("cells");
  if (bolus) {
    spec.time_days = dose.number("time_days", Bound::kNonNegative);
    spec.amount = dose.number("amount", Bound::kNonNegative);
    spec.where = dose.location("amount") + ": '" + dose.key_path("amount") + "'";
    if (cells && spec.amount > limits::kMaxCells) {
      dose.fail("amount", "is " + format_number(spec.amount, 3) +
                              " cells, more than a human body holds (" +
                              format_number(limits::kMaxCells, 3) + ", docs/scenarios.md)");
    }
    if (spec.time_days >= end_time) {
      dose.fail("time_days", "is " + format_number(spec.time_days) +
                                 ", outside the run [0, end_time_days = " +
                                 format_number(end_time) + ")");
    }
  } else {
    spec.infusion = true;
    spec.start_days = dose.number("start_days", Bound::kNonNegative);
    spec.stop_days = dose.number("stop_days", Bound::kNonNegative);
    spec.rate_per_day = dose.number("rate_per_day", Bound::kNonNegative);
    spec.where = dose.location("rate_per_day") + ": '" + dose.key_path("rate_per_day") + "'";
    if (spec.stop_days <= spec.start_days) {
      dose.fail("stop_days", "must be after start_days (" + format_number(spec.start_days) +
                                 "), got " + format_number(spec.stop_days));
    }
    const double total = spec.rate_per_day * (std::min(spec.stop_days, end_time) - spec.start_days);
    if (cells && total > limits::kMaxCells) {
      dose.fail("rate_per_day", "infuses " + format_number(total, 3) +
                                    " cells in all, more than a human body holds (" +
                                    format_number(limits::kMaxCells, 3) + ", docs/scenarios.md)");
    }
    if (spec.start_days >= end_time) {
      dose.fail("start_days", "is " + format_number(spec.start_days) +
                                  ", outside the run [0, end_time_days = " +
                                  format_number(end_time) + ")");
    }
  }
  dose.finish();
  return spec;
}

namespace {

// [simulation] model = "sbml", sbml and tumour_state: the model read from an SBML file.
const OdeModel& read_sbml_model(TableReader& simulation, const std::filesystem::path& scenario,
                                WellMixedScenario& s) {
  const std::string file = simulation.string("sbml");
  std::filesystem::path path(file);
  if (path.is_relative()) path = scenario.parent_path() / path;
  if (!std::filesystem::is_regular_file(path)) {
    simulation.fail("sbml", "is '" + file + "', but " + path.string() + " is not a file");
  }
  s.sbml_file = path.string();
  s.tumour_state = simulation.string_or("tumour_state", "");
  s.imported = SbmlModel::read_file(path, s.tumour_state);
  return *s.imported;
}

// [simulation] model and parameter_set.
const OdeModel& read_model(TableReader& simulation, const std::filesystem::path& scenario,
                           WellMixedScenario& s) {
  s.model = simulation.string("model");
  if (s.model != "sbml") {
    for (const char* key : {"sbml", "tumour_state"}) {
      if (simulation.has(key)) {
        simulation.fail(key, "is only for model = \"sbml\" (docs/sbml.md)");
      }
    }
  }
  const OdeModel& model =
      s.model == "sbml" ? read_sbml_model(simulation, scenario, s) : model_or_fail(simulation, s.model);
  if (auto set = simulation.optional_string("parameter_set")) {
    if (!model.find_parameter_set(*set)) {
      const auto names = model.parameter_set_names();
      simulation.fail("parameter_set", "is '" + *set + "', not a parameter set of " + s.model +
                                           " (sets: " + join(names) + ")" +
                                           did_you_mean(*set, names));
    }
    s.parameter_set = *set;
  }
  return model;
}

// [simulation] end_time_days and the output times: an explicit list or an interval.
void read_times(TableReader& simulation, const OdeModel& model, WellMixedScenario& s) {
  s.end_time_days = simulation.number("end_time_days", Bound::kPositive);
  limits::check_duration_days(simulation, "end_time_days", s.end_time_days);
  const bool has_times = simulation.has("output_times_days");
  if (has_times && simulation.has("output_interval_days")) {
    simulation.fail("output_interval_days", "cannot be given together with output_times_days");
  }
  s.output_times_days = simulation.number_array("output_times_days", Bound::kNonNegative);
  s.output_interval_days = simulation.optional_number("output_interval_days", Bound::kPositive);
  if (s.output_interval_days) {
    const double rows = s.end_time_days / *s.output_interval_days + 1;
    limits::check_size(simulation, "output_interval_days", rows, limits::kMaxOutputRows,
                       "output rows", rows * static_cast<double>(model.num_states() + 1) * 16);
  }
  if (has_times) {
    if (s.output_times_days.empty()) {
      simulation.fail("output_times_days", "must list at least one time");
    }
    for (std::size_t i = 1; i < s.output_times_days.size(); ++i) {
      if (!(s.output_times_days[i] > s.output_times_days[i - 1])) {
        simulation.fail("output_times_days",
                        "must be strictly increasing; element " + std::to_string(i + 1) + " (" +
                            format_number(s.output_times_days[i]) + ") follows " +
                            format_number(s.output_times_days[i - 1]));
      }
    }
    if (s.output_times_days.back() > s.end_time_days) {
      simulation.fail("output_times_days", "has " + format_number(s.output_times_days.back()) +
                                               ", after end_time_days = " +
                                               format_number(s.end_time_days));
    }
  }
}

// [solver], optional.
void read_solver(TableReader& root, SolverOptions& options) {
  if (auto solver = root.optional_table("solver")) {
    options.rtol = solver->number_or("rtol", options.rtol, Bound::kPositive);
    options.atol = solver->number_or("atol", options.atol, Bound::kPositive);
    options.max_steps = solver->integer_or("max_steps", options.max_steps, 1);
    static const std::string kMethods[] = {"cvode", "rodas4", "rodas5p", "auto"};
    const std::string method = solver->choice_or("method", kMethods, "auto");
    options.method = method == "rodas4"    ? SolverMethod::kRodas4
                     : method == "rodas5p" ? SolverMethod::kRodas5P
                     : method == "auto"    ? SolverMethod::kAuto
                                           : SolverMethod::kCvode;
    if (options.rtol >= 1) solver->fail("rtol", "must be < 1");
    solver->finish();
  }
}

// [parameters]: overrides by the model's parameter symbols.
void read_parameters(TableReader& root, const OdeModel& model, WellMixedScenario& s) {
  if (auto parameters = root.optional_table("parameters")) {
    const auto known = model.parameter_names();
    for (const auto& key : parameters->keys()) {
      const int index = model.parameter_index(key);
      if (index < 0) {
        parameters->fail(key, "is not a parameter of " + s.model + " (parameters: " +
                                  join(known) + ")" + did_you_mean(key, known));
      }
      const bool signed_ok = model.parameters()[static_cast<std::size_t>(index)].may_be_negative;
      s.parameters[key] = parameters->number(key, signed_ok ? Bound::kAny : Bound::kNonNegative);
    }
    parameters->finish();
  }
}

// [initial]: initial values by the model's state symbols.
void read_initial(TableReader& root, const OdeModel& model, WellMixedScenario& s) {
  if (auto initial = root.optional_table("initial")) {
    const auto known = model.state_names();
    for (const auto& key : initial->keys()) {
      if (model.state_index(key) < 0) {
        initial->fail(key, "is not a state of " + s.model + " (states: " + join(known) + ")" +
                               did_you_mean(key, known));
      }
      s.initial[key] = initial->number(key, Bound::kNonNegative);
      const auto& state = model.states()[static_cast<std::size_t>(model.state_index(key))];
      if (state.unit == std::string_view("cells") && s.initial[key] > limits::kMaxCells) {
        initial->fail(key, "is " + format_number(s.initial[key], 3) +
                               " cells, more than a human body holds (" +
                               format_number(limits::kMaxCells, 3) +
                               ", Bianconi et al. 2013; docs/scenarios.md)");
      }
    }
    initial->finish();
  }
}

// [endpoints], optional.
void read_endpoints(TableReader& root, WellMixedScenario& s) {
  if (auto endpoints = root.optional_table("endpoints")) {
    s.elimination_below = endpoints->optional_number("elimination_below", Bound::kPositive);
    s.escape_above = endpoints->optional_number("escape_above", Bound::kPositive);
    if (s.elimination_below && s.escape_above && !(*s.escape_above > *s.elimination_below)) {
      endpoints->fail("escape_above", "must be greater than elimination_below");
    }
    endpoints->finish();
  }
}

}  // namespace

WellMixedScenario parse_well_mixed(const TomlDocument& document) {
  TableReader root = document.reader();
  WellMixedScenario s;

  TableReader simulation = root.table("simulation");
  simulation.mark_known("engine");
  const OdeModel& model = read_model(simulation, document.file(), s);
  read_times(simulation, model, s);
  simulation.finish();

  read_solver(root, s.solver);
  read_parameters(root, model, s);
  read_initial(root, model, s);
  for (auto& dose : root.tables("dose")) s.doses.push_back(parse_dose(dose, model, s.end_time_days));
  read_endpoints(root, s);
  root.finish();
  return s;
}

std::vector<double> output_times(const WellMixedScenario& s) {
  if (!s.output_times_days.empty()) return s.output_times_days;
  const double dt = s.output_interval_days.value_or(1.0);
  std::vector<double> times;
  const double rows = std::floor(s.end_time_days / dt + 1e-9);
  if (!(rows <= 1e9)) {
    throw InputError("output_interval_days = " + format_number(dt) + " over " +
                     format_number(s.end_time_days) + " days asks for " + format_number(rows, 3) +
                     " output rows; refusing");
  }
  const auto count = static_cast<std::size_t>(rows);
  for (std::size_t i = 0; i <= count; ++i) times.push_back(static_cast<double>(i) * dt);
  if (s.end_time_days - times.back() > 1e-9 * s.end_time_days) times.push_back(s.end_time_days);
  times.back() = std::min(times.back(), s.end_time_days);
  return times;
}

const OdeModel* scenario_model(const WellMixedScenario& s) {
  return s.imported ? s.imported.get() : find_model(s.model);
}

WellMixedProblem resolve(const WellMixedScenario& s) {
  WellMixedProblem problem;
  problem.model = scenario_model(s);
  problem.model_owner = s.imported;
  if (!problem.model) {
    const auto names = model_names();
    throw InputError("unknown model '" + s.model + "' (models: " + join(names) + ")" +
                     did_you_mean(s.model, names));
  }
  const OdeModel& model = *problem.model;
  const ParameterSet* set = s.parameter_set.empty() ? &model.parameter_sets().front()
                                                    : model.find_parameter_set(s.parameter_set);
  if (!set) {
    throw InputError("unknown parameter set '" + s.parameter_set + "' of model " + s.model +
                     " (sets: " + join(model.parameter_set_names()) + ")");
  }
  problem.parameter_set = std::string(set->name);
  problem.parameters = set->values;
  for (const auto& [name, value] : s.parameters) {
    const int index = model.parameter_index(name);
    if (index < 0) {
      throw InputError("'parameters." + name + "' is not a parameter of " + s.model +
                       did_you_mean(name, model.parameter_names()));
    }
    const auto& info = model.parameters()[static_cast<std::size_t>(index)];
    if (!std::isfinite(value) || (!info.may_be_negative && value < 0)) {
      throw InputError("'parameters." + name + "' must be a finite number >= 0, got " +
                       format_number(value));
    }
    problem.parameters[static_cast<std::size_t>(index)] = value;
  }
  problem.initial = model.default_initial(problem.parameters);
  for (const auto& [name, value] : s.initial) {
    const int index = model.state_index(name);
    if (index < 0) {
      throw InputError("'initial." + name + "' is not a state of " + s.model +
                       did_you_mean(name, model.state_names()));
    }
    if (!std::isfinite(value) || value < 0) {
      throw InputError("'initial." + name + "' must be a finite number >= 0, got " +
                       format_number(value));
    }
    problem.initial[static_cast<std::size_t>(index)] = value;
  }
  if (!(s.end_time_days > 0) || !std::isfinite(s.end_time_days)) {
    throw InputError("'simulation.end_time_days' must be > 0, got " +
                     format_number(s.end_time_days));
  }
  problem.end_time_days = s.end_time_days;
  for (const auto& dose : s.doses) {
    const int index = model.state_index(dose.state);
    if (index < 0) {
      throw InputError("dose on unknown state '" + dose.state + "' of " + s.model +
                       did_you_mean(dose.state, model.state_names()));
    }
    ResolvedDose r;
    r.state = static_cast<std::size_t>(index);
    r.infusion = dose.infusion;
    r.start_days = dose.infusion ? dose.start_days : dose.time_days;
    r.stop_days = dose.stop_days;
    r.amount = dose.amount;
    r.rate_per_day = dose.rate_per_day;
    const double magnitude = dose.infusion ? dose.rate_per_day : dose.amount;
    if (!std::isfinite(magnitude) || magnitude < 0 || !std::isfinite(r.start_days) ||
        r.start_days < 0 || r.start_days >= s.end_time_days ||
        (dose.infusion && !(r.stop_days > r.start_days))) {
      throw InputError("dose on '" + dose.state + "' is invalid: times must lie in [0, " +
                       format_number(s.end_time_days) + "), amounts and rates must be >= 0");
    }
    problem.doses.push_back(r);
  }
  // The model's own boluses (SBML events) that fall inside the run.
  for (const ModelBolus& bolus : model.model_boluses(problem.parameters)) {
    if (!std::isfinite(bolus.time_days) || !std::isfinite(bolus.amount)) {
      throw InputError("model " + std::string(model.name()) + ": an event on '" +
                       std::string(model.states()[bolus.state].name) +
                       "' has a time or amount that is not a finite number");
    }
    if (bolus.time_days >= s.end_time_days) continue;
    ResolvedDose r;
    r.state = bolus.state;
    r.start_days = bolus.time_days;
    r.amount = bolus.amount;
    problem.doses.push_back(r);
  }
  problem.output_times_days = output_times(s);
  problem.elimination_below = s.elimination_below;
  problem.escape_above = s.escape_above;
  problem.solver = s.solver;
  return problem;
}

}  // namespace nksim
