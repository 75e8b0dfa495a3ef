#include "nksim/fit/fit_spec.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/fit/fit_files.h"
#include "nksim/io/csv_fields.h"
#include "nksim/io/infix_formula.h"
#include "nksim/io/scenario.h"

namespace nksim {

const char* transform_name(ObservableTransform transform) {
  return transform == ObservableTransform::kLog10 ? "log10" : "linear";
}
const char* noise_name(NoiseModel noise) {
  return noise == NoiseModel::kLogNormal ? "lognormal" : "normal";
}
const char* optimiser_name(FitOptimiser optimiser) {
  return optimiser == FitOptimiser::kLbfgs ? "lbfgs" : "bobyqa";
}

namespace {

using fit_files::beside;

// [fit]: the scenario (read here), the measurements file, starts, seed and optimiser.
void read_fit_table(TableReader& fit, FitSpec& spec) {
  const std::string scenario = fit.string("scenario");
  const auto path = beside(spec.file, scenario);
  if (!std::filesystem::is_regular_file(path)) {
    fit.fail("scenario", "is '" + scenario + "', but " + path.string() + " is not a file");
  }
  const TomlDocument document = TomlDocument::parse_file(path);
  if (const std::string engine = scenario_engine(document); engine != "well_mixed") {
    fit.fail("scenario", "is '" + scenario + "', a " + engine +
                             " scenario; nksim fit takes well-mixed scenarios only");
  }
  spec.scenario_file = path.string();
  spec.scenario = parse_well_mixed(document);

  const std::string measurements = fit.string("measurements");
  const auto csv = beside(spec.file, measurements);
  if (!std::filesystem::is_regular_file(csv)) {
    fit.fail("measurements", "is '" + measurements + "', but " + csv.string() + " is not a file");
  }
  spec.measurements_file = csv.string();
  spec.patient = fit.optional_string("patient");
  spec.starts = static_cast<int>(fit.integer_or("starts", spec.starts, 1, 10000));
  spec.seed = static_cast<std::uint64_t>(
      fit.integer_or("seed", static_cast<std::int64_t>(spec.seed), 0));
  const std::vector<std::string> optimisers{"bobyqa", "lbfgs"};
  spec.optimiser = fit.choice_or("optimiser", optimisers, "bobyqa") == "lbfgs"
                       ? FitOptimiser::kLbfgs
                       : FitOptimiser::kBobyqa;
  spec.max_evaluations =
      static_cast<int>(fit.integer_or("max_evaluations", spec.max_evaluations, 10, 1000000));
  spec.profiles = fit.boolean_or("profiles", spec.profiles);
  fit.finish();
}

void read_observables(TableReader& root, const OdeModel& model, FitSpec& spec) {
  auto tables = root.tables("observable");
  if (tables.empty()) root.fail_missing("observable", "at least one [[observable]] table");
  const std::vector<std::string> transforms{"linear", "log10"};
  const std::vector<std::string> noises{"normal", "lognormal"};
  std::set<std::string> seen;
  for (auto& table : tables) {
    FitObservable o;
    o.name = table.string("name");
    if (o.name.empty()) table.fail("name", "must not be empty");
    if (!seen.insert(o.name).second) table.fail("name", "'" + o.name + "' is defined twice");
    const auto state = table.optional_string("state");
    const auto formula = table.optional_string("formula");
    if (state && formula) {
      table.fail("formula", "is given with 'state' = \"" + *state + "\"; an observable is one "
                            "state or one formula, not both");
    }
    if (!state && !formula) {
      table.fail_missing("state", "a state of " + std::string(model.name()) +
                                      ", or formula = \"...\" over its states and parameters");
    }
    if (formula) {
      o.formula = *formula;
      try {
        o.expression = parse_infix_formula(o.formula, model);
      } catch (const InputError& e) {
        table.fail("formula", e.what());
      }
    } else {
      o.state = *state;
      const int index = model.state_index(o.state);
      if (index < 0) {
        const auto names = model.state_names();
        table.fail("state", "is '" + o.state + "', not a state of " + std::string(model.name()) +
                                " (states: " + join(names) + ")" + did_you_mean(o.state, names));
      }
      o.state_index = static_cast<std::size_t>(index);
    }
    o.transform = table.choice_or("transform", transforms, "linear") == "log10"
                      ? ObservableTransform::kLog10
                      : ObservableTransform::kLinear;
    o.noise = table.choice_or("noise", noises, "normal") == "lognormal" ? NoiseModel::kLogNormal
                                                                       : NoiseModel::kNormal;
    if (o.noise == NoiseModel::kLogNormal && o.transform == ObservableTransform::kLog10) {
      table.fail("noise", "is \"lognormal\" on a log10 observable; a log10 value with normal "
                          "noise is already log-normal noise on the state");
    }
    o.sd = table.optional_number("sd", Bound::kPositive);
    table.finish();
    spec.observables.push_back(std::move(o));
  }
}

FitPrior read_prior(TableReader& parameter) {
  FitPrior prior;
  auto table = parameter.optional_table("prior");
  if (!table) return prior;
  const std::vector<std::string> kinds{"normal", "lognormal"};
  if (table->choice("distribution", kinds) == "normal") {
    prior.kind = PriorKind::kNormal;
    prior.centre = table->number("mean");
  } else {
    prior.kind = PriorKind::kLogNormal;
    prior.centre = table->number("median", Bound::kPositive);
  }
  prior.sd = table->number("sd", Bound::kPositive);
  table->finish();
  return prior;
}

void read_parameters(TableReader& root, const OdeModel& model, FitSpec& spec) {
  auto tables = root.tables("parameter");
  if (tables.empty()) root.fail_missing("parameter", "at least one [[parameter]] table");
  std::set<std::string> seen;
  for (auto& table : tables) {
    FitParameter p;
    p.name = table.string("name");
    if (!seen.insert(p.name).second) table.fail("name", "'" + p.name + "' is fitted twice");
    bool may_be_negative = false;
    if (p.name.starts_with("initial.")) {
      p.initial = true;
      p.target = p.name.substr(8);
      const int index = model.state_index(p.target);
      if (index < 0) {
        const auto names = model.state_names();
        table.fail("name", "is '" + p.name + "', but '" + p.target + "' is not a state of " +
                               std::string(model.name()) + " (states: " + join(names) + ")" +
                               did_you_mean(p.target, names));
      }
      p.unit = model.states()[static_cast<std::size_t>(index)].unit;
    } else {
      p.target = p.name;
      const int index = model.parameter_index(p.name);
      if (index < 0) {
        const auto names = model.parameter_names();
        table.fail("name", "is '" + p.name + "', not a parameter of " + std::string(model.name()) +
                               " nor initial.<state> (parameters: " + join(names) + ")" +
                               did_you_mean(p.name, names));
      }
      const auto& info = model.parameters()[static_cast<std::size_t>(index)];
      p.unit = info.unit;
      may_be_negative = info.may_be_negative;
    }
    p.lower = table.number("lower");
    p.upper = table.number("upper");
    p.log = table.boolean_or("log", false);
    if (!(p.upper > p.lower)) {
      table.fail("upper", "must be greater than lower (" + format_number(p.lower) + "), got " +
                              format_number(p.upper));
    }
    if (p.log && !(p.lower > 0)) {
      table.fail("lower", "must be > 0 on a log scale (log = true), got " +
                              format_number(p.lower));
    }
    if (!may_be_negative && p.lower < 0) {
      table.fail("lower", "must be >= 0: '" + p.name + "' cannot be negative, got " +
                              format_number(p.lower));
    }
    p.prior = read_prior(table);
    table.finish();
    spec.parameters.push_back(std::move(p));
  }
}

}  // namespace

FitSpec parse_fit_spec(const TomlDocument& document) {
  FitSpec spec;
  spec.file = document.file();
  spec.text = document.text();
  TableReader root = document.reader();
  TableReader fit = root.table("fit");
  read_fit_table(fit, spec);
  const OdeModel* model = scenario_model(spec.scenario);
  if (!model) throw InputError(spec.scenario_file + ": unknown model '" + spec.scenario.model + "'");
  read_observables(root, *model, spec);
  read_parameters(root, *model, spec);
  root.finish();
  spec.measurements = read_measurements(spec.measurements_file, spec);
  if (spec.measurements.size() < spec.parameters.size()) {
    throw InputError(spec.measurements_file + ": " + count_of(spec.measurements.size(), "measurement") +
                     " for " + count_of(spec.parameters.size(), "fitted parameter") +
                     "; a fit needs at least as many measurements as parameters");
  }
  return spec;
}

bool is_fit_file(const TomlDocument& document) {
  return document.root().contains("fit");
}

FitSpec read_fit_spec_file(const std::filesystem::path& file) {
  return parse_fit_spec(TomlDocument::parse_file(file));
}

std::vector<Measurement> read_measurements(const std::filesystem::path& file,
                                           const FitSpec& spec) {
  CsvReader csv = CsvReader::open(file, {.trim = true, .comments = true});
  const std::string name = file.string();

  const std::vector<std::string> known{"time_days", "observable", "value", "sd", "patient"};
  std::map<std::string, std::size_t> column_of;
  CsvRecord header;
  if (!csv.next(header)) {
    csv.fail(csv.line(), 1, "no header row (expected time_days,observable,value)");
  }
  const std::size_t header_line = header.line;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const CsvField& h = header[i];
    if (std::find(known.begin(), known.end(), h.text) == known.end()) {
      csv.fail(h, "unknown column '" + h.text + "' (columns: " + join(known) + ")" +
                      did_you_mean(h.text, known));
    }
    if (!column_of.emplace(h.text, i).second) {
      csv.fail(h, "column '" + h.text + "' appears twice");
    }
  }
  for (const char* required : {"time_days", "observable", "value"}) {
    if (!column_of.count(required)) {
      csv.fail(header_line, 1, "the header has no column '" + std::string(required) + "'");
    }
  }
  const bool has_patient = column_of.count("patient") > 0;
  if (spec.patient && !has_patient) {
    throw InputError(spec.file + ": '[fit].patient' is '" + *spec.patient + "', but " + name +
                     " has no patient column");
  }

  std::vector<std::string> observable_names;
  for (const auto& o : spec.observables) observable_names.push_back(o.name);
  std::set<std::string> patients;
  std::vector<Measurement> rows;
  CsvRecord fields;
  while (csv.next(fields)) {
    const std::size_t line_number = fields.line;
    if (fields.size() != header.size()) {
      csv.fail(line_number, 1,
               "has " + count_of(fields.size(), "field") + ", the header has " +
                   std::to_string(header.size()));
    }
    auto field = [&](const char* column) -> const CsvField& {
      return fields[column_of.at(column)];
    };
    if (has_patient) {
      const std::string& patient = field("patient").text;
      patients.insert(patient);
      if (spec.patient && patient != *spec.patient) continue;
    }
    Measurement m;
    m.line = line_number;
    const CsvField& observable = field("observable");
    const auto it = std::find(observable_names.begin(), observable_names.end(), observable.text);
    if (it == observable_names.end()) {
      csv.fail(line_number, observable.column,
               "unknown observable '" + observable.text + "' (observables of " + spec.file + ": " +
                   join(observable_names) + ")" + did_you_mean(observable.text, observable_names));
    }
    m.observable = static_cast<std::size_t>(it - observable_names.begin());
    const FitObservable& o = spec.observables[m.observable];
    m.time_days = csv.finite_number(field("time_days"), "time_days");
    if (m.time_days < 0 || m.time_days > spec.scenario.end_time_days) {
      csv.fail(line_number, field("time_days").column,
               "time_days = " + format_number(m.time_days) + " is outside the run [0, " +
                   format_number(spec.scenario.end_time_days) + "] of " + spec.scenario_file);
    }
    m.value = csv.finite_number(field("value"), "value");
    if (o.noise == NoiseModel::kLogNormal && !(m.value > 0)) {
      csv.fail(line_number, field("value").column,
               "'value' must be > 0 for the log-normal observable '" + o.name + "', got " +
                   format_number(m.value));
    }
    const bool row_sd = column_of.count("sd") > 0 && !field("sd").text.empty();
    if (row_sd) {
      m.sd = csv.finite_number(field("sd"), "sd");
      if (!(m.sd > 0)) {
        csv.fail(line_number, field("sd").column, "'sd' must be > 0, got " + format_number(m.sd));
      }
    } else if (o.sd) {
      m.sd = *o.sd;
    } else {
      csv.fail(line_number, column_of.count("sd") ? field("sd").column : 1,
               "no sd for this row and no default: give an sd column value or 'sd' in the "
               "[[observable]] '" +
                   o.name + "' of " + spec.file);
    }
    rows.push_back(m);
  }
  if (has_patient && !spec.patient && patients.size() > 1) {
    throw InputError(name + " holds " + count_of(patients.size(), "patient") + " (" +
                     join(std::vector<std::string>(patients.begin(), patients.end())) +
                     "); choose one with patient = \"...\" in [fit] of " + spec.file);
  }
  if (rows.empty()) {
    throw InputError(name + ": no measurements" +
                     (spec.patient ? " for patient '" + *spec.patient + "' (patients: " +
                                         join(std::vector<std::string>(patients.begin(),
                                                                       patients.end())) + ")"
                                   : std::string()));
  }
  return rows;
}

}  // namespace nksim
