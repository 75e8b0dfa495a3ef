#include "nksim/api/nksim.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nksim/api/spatial_run.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/fit/abc_calibrate.h"
#include "nksim/fit/fit_spec.h"
#include "nksim/fit/personalise.h"
#include "nksim/io/dose_plausibility.h"
#include "nksim/io/output_dir.h"
#include "nksim/io/sbml_export.h"
#include "nksim/io/sbml_model.h"
#include "nksim/io/scenario.h"
#include "nksim/io/well_mixed_output.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {
namespace {

RunReport run_well_mixed(const TomlDocument& document, const RunOptions& options) {
  const WellMixedScenario scenario = parse_well_mixed(document);
  const WellMixedProblem problem = resolve(scenario);
  OutputDirectory::check_target(options.out_dir);
  for (const auto& w : dose_warnings(scenario)) {
    std::fprintf(stderr, "nksim: warning: %s\n", w.c_str());
  }
  const WellMixedResult result = simulate(problem);

  OutputDirectory out(options.out_dir);
  write_timeseries_csv(out.file("timeseries.csv"), *problem.model, result);
  write_json(out.file("summary.json"),
             well_mixed_summary(scenario, problem, result, document.file(), document.hash()));
  out.commit();

  RunReport report;
  report.engine = "well_mixed";
  report.out_dir = options.out_dir;
  const StateInfo& target = problem.model->states()[problem.model->tumour_state()];
  const bool cells = target.unit == std::string_view("cells");
  std::ostringstream line;
  line << problem.model->name() << "/" << problem.parameter_set << ": ";
  if (!cells) {
    // A viral load: cleared (crossed below elimination_below during the run) or not.
    line << target.name
         << (result.clearance_time_days
                 ? " cleared at day " + format_number(*result.clearance_time_days, 4)
                 : std::string(" not cleared"));
  } else {
    line << outcome_name(result.outcome);
  }
  if (cells && result.elimination_time_days) {
    line << ", eliminated at day " << format_number(*result.elimination_time_days, 4);
  }
  if (cells && result.escape_time_days) {
    line << ", escaped at day " << format_number(*result.escape_time_days, 4);
  }
  // The solver may dip a hair below zero on the way to elimination; nobody has -1e-7 cells.
  // A target that is not a cell count (a viral load) is named, with its set point and AUC.
  line << "; " << (cells ? std::string("tumour") : std::string(target.name))
       << " min " << format_number(std::max(0.0, result.tumour_min), 4) << " (day "
       << format_number(result.tumour_min_time_days, 4) << "), max "
       << format_number(result.tumour_max, 4) << " (day "
       << format_number(result.tumour_max_time_days, 4) << ")";
  if (!cells) {
    line << ", set point "
         << (result.tumour_set_point_log10
                 ? "10^" + format_number(*result.tumour_set_point_log10, 4)
                 : std::string("none"))
         << ", AUC " << format_number(result.tumour_auc, 4) << " "
         << (target.unit == std::string_view("-") ? std::string("day")
                                                  : std::string(target.unit) + " x day");
  }
  report.headline = line.str();
  return report;
}

}  // namespace

namespace {

// A trial file (docs/trials.md) has a [trial] table and no [simulation] table.
bool is_trial_file(const TomlDocument& document) {
  return document.root().contains("trial") && !document.root().contains("simulation");
}

}  // namespace

RunReport run_scenario_file(const std::filesystem::path& scenario, const RunOptions& options) {
  const TomlDocument document = TomlDocument::parse_file(scenario);
  if (is_trial_file(document)) {
    throw InputError(scenario.string() + " is a trial file: run it with 'nksim trial run " +
                     scenario.string() + "'");
  }
  const std::string engine = scenario_engine(document);
  if (engine == "well_mixed") {
    if (options.checkpoint_every_min > 0) {
      throw InputError(scenario.string() +
                       ": checkpoints are for spatial runs (a well-mixed run takes seconds; run "
                       "it again instead)");
    }
    return run_well_mixed(document, options);
  }
  if (engine == "spatial") return run_spatial(document, options);
  throw InputError(scenario.string() + ": engine '" + engine + "' cannot be run");
}

RunReport resume_run(const std::filesystem::path& out_dir, RunOptions options) {
  const std::filesystem::path manifest_file =
      OutputDirectory::resumable_staging(out_dir) / "checkpoint" / "manifest.json";
  std::ifstream in(manifest_file);
  if (!in) {
    throw InputError(out_dir.string() + ": no checkpoint to resume from (looked for " +
                     manifest_file.string() + "; checkpoints are saved by 'nksim run ... "
                     "--checkpoint-every MINUTES')");
  }
  const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() ||
      !manifest.value("scenario_file", nlohmann::json()).is_string() ||
      !manifest.value("checkpoint_every_min", nlohmann::json()).is_number()) {
    throw InputError(manifest_file.string() + ": not a readable checkpoint manifest");
  }
  options.out_dir = out_dir;
  options.checkpoint_every_min = manifest["checkpoint_every_min"].get<double>();
  options.resume_only = true;
  return run_scenario_file(manifest["scenario_file"].get<std::string>(), options);
}

std::string validate_scenario_file(const std::filesystem::path& scenario) {
  const TomlDocument document = TomlDocument::parse_file(scenario);
  if (is_trial_file(document)) {
    const TrialSpec spec = parse_trial_file(scenario);
    return scenario.string() + ": valid trial '" + spec.name + "' (" +
           count_of(static_cast<std::size_t>(spec.patients), "patient") + " x " +
           count_of(spec.arms.size(), "arm") + ", base " + spec.base_file.string() + ")";
  }
  if (is_personalise_file(document)) {
    const PersonaliseSpec spec = parse_personalise_spec(document);
    return scenario.string() + ": valid personalise spec (" +
           count_of(spec.schedules.size(), "schedule") + ", " +
           count_of(spec.ensemble.members, "ensemble member") + ", fit " + spec.fit_file + ")";
  }
  if (document.root().contains("calibrate")) {
    const CalibrateSpec spec = read_calibrate_spec_file(scenario);
    validate_scenario(TomlDocument::parse_file(spec.scenario_file));
    return scenario.string() + ": valid calibration (" +
           count_of(spec.parameters.size(), "parameter") + ", " +
           count_of(spec.data.size(), "E:T point") + ", scenario " + spec.scenario_file + ")";
  }
  if (is_fit_file(document)) {
    const FitSpec spec = parse_fit_spec(document);
    return scenario.string() + ": valid fit of " + std::string(scenario_model(spec.scenario)->name()) +
           " (" + count_of(spec.parameters.size(), "parameter") + ", " +
           count_of(spec.measurements.size(), "measurement") + ", scenario " + spec.scenario_file +
           ")";
  }
  return validate_scenario(document);
}

std::string validate_scenario(const TomlDocument& document) {
  const std::string engine = scenario_engine(document);
  if (engine == "well_mixed") {
    const WellMixedScenario parsed = parse_well_mixed(document);
    const WellMixedProblem problem = resolve(parsed);
    std::string text = document.file() + ": valid well_mixed scenario (" +
                       std::string(problem.model->name()) + "/" + problem.parameter_set + ", " +
                       format_number(problem.end_time_days) + " days, " +
                       count_of(problem.doses.size(), "dose") + ", " +
                       count_of(problem.output_times_days.size(), "output row") + ")";
    for (const auto& w : dose_warnings(parsed)) text += "\nwarning: " + w;
    return text;
  }
  if (engine == "spatial") return validate_spatial(document);
  throw InputError(document.file() + ": engine '" + engine + "' cannot be validated");
}

namespace {

const OdeModel& model_or_throw(const std::string& name) {
  const OdeModel* model = find_model(name);
  if (!model) {
    const auto names = model_names();
    throw InputError("unknown model '" + name + "' (models: " + join(names) + ")" +
                     did_you_mean(name, names));
  }
  return *model;
}

// A built-in model by name, or a model read from an SBML file (a name ending in .xml or .sbml),
// kept alive by `imported`.
const OdeModel& model_or_file(const std::string& name, std::shared_ptr<const OdeModel>& imported) {
  const auto ends_with = [&](const std::string& suffix) {
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".xml") || ends_with(".sbml")) {
    imported = SbmlModel::read_file(name);
    return *imported;
  }
  return model_or_throw(name);
}

// "dT/dt = a*T*(1 - b*T) - ...", one line per state, from the model's equations(), then the
// named intermediates they use ("  DT = ...").
std::vector<std::string> equation_lines(const OdeModel& model) {
  const auto states = model.state_names();
  const auto parameters = model.parameter_names();
  const auto equations = model.equations();
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < equations.size(); ++i) {
    lines.push_back("d" + states[i] + "/dt = " + to_infix(equations[i], states, parameters));
  }
  for (const Expr& named : named_intermediates(equations)) {
    lines.push_back("  " + named.name() + " = " + to_infix(named.args()[0], states, parameters));
  }
  return lines;
}

}  // namespace

std::string describe_model_markdown(const std::string& name) {
  std::shared_ptr<const OdeModel> imported;
  const OdeModel& model = model_or_file(name, imported);
  std::ostringstream out;
  out << "```text\n";
  for (const auto& line : equation_lines(model)) out << line << "\n";
  out << "```\n\n";
  out << "| state | unit | meaning |\n|---|---|---|\n";
  for (const auto& s : model.states()) {
    out << "| `" << s.name << "` | " << s.unit << " | " << s.description << " |\n";
  }
  const auto derived = model.derived_outputs();
  if (!derived.empty()) {
    out << "\n| derived output (timeseries.csv column) | unit | value | meaning |\n"
           "|---|---|---|---|\n";
    for (const auto& d : derived) {
      out << "| `" << d.name << "` | " << d.unit << " | `"
          << to_infix(d.value, model.state_names(), model.parameter_names()) << "` | "
          << d.description << " |\n";
    }
  }
  const auto sets = model.parameter_sets();
  out << "\n| parameter | unit | meaning |";
  for (const auto& set : sets) out << " `" << set.name << "` |";
  out << "\n|---|---|---|";
  for (std::size_t i = 0; i < sets.size(); ++i) out << "---|";
  out << "\n";
  for (std::size_t i = 0; i < model.num_parameters(); ++i) {
    const auto& p = model.parameters()[i];
    out << "| `" << p.name << "` | " << p.unit << " | " << p.description << " |";
    for (const auto& set : sets) out << " " << format_number(set.values[i], 6) << " |";
    out << "\n";
  }
  out << "\n| parameter set | what it is | source |\n|---|---|---|\n";
  for (const auto& set : sets) {
    out << "| `" << set.name << "` | " << set.description << " | " << set.source << " |\n";
  }
  return out.str();
}

std::string describe_model(const std::string& name) {
  std::shared_ptr<const OdeModel> imported;
  const OdeModel* model = &model_or_file(name, imported);
  std::ostringstream out;
  out << model->name() << "\n  " << model->citation() << "\n\nStates:\n";
  for (const auto& s : model->states()) {
    out << "  " << s.name << " [" << s.unit << "]  " << s.description << "\n";
  }
  out << "\nEquations (time in days):\n";
  for (const auto& line : equation_lines(*model)) out << "  " << line << "\n";
  const auto derived = model->derived_outputs();
  if (!derived.empty()) {
    out << "\nDerived outputs (extra columns of timeseries.csv):\n";
    for (const auto& d : derived) {
      out << "  " << d.name << " [" << d.unit << "] = "
          << to_infix(d.value, model->state_names(), model->parameter_names()) << "\n    "
          << d.description << "\n";
    }
  }
  out << "\nDefault initial state: " << model->default_initial_note() << "\n";
  const auto sets = model->parameter_sets();
  out << "\nParameters (value in each set; the first set is the default):\n  "
      << "name      unit             ";
  for (const auto& set : sets) {
    std::string header(set.name);
    header.resize(std::max<std::size_t>(header.size() + 1, 16), ' ');
    out << header;
  }
  out << "meaning\n";
  for (std::size_t i = 0; i < model->num_parameters(); ++i) {
    const auto& p = model->parameters()[i];
    std::string n(p.name), u(p.unit);
    n.resize(std::max<std::size_t>(n.size() + 1, 10), ' ');
    u.resize(std::max<std::size_t>(u.size() + 1, 17), ' ');
    out << "  " << n << u;
    for (const auto& set : sets) {
      std::string v = format_number(set.values[i], 6);
      v.resize(std::max<std::size_t>(std::max(v.size(), set.name.size()) + 1, 16), ' ');
      out << v;
    }
    out << p.description << "\n";
  }
  out << "\nParameter sets:\n";
  for (const auto& set : sets) {
    out << "  " << set.name << ": " << set.description << "\n    source: " << set.source << "\n";
  }
  return out.str();
}

std::string export_model_sbml(const std::string& name, const std::string& set,
                              const std::filesystem::path& scenario) {
  const OdeModel& model = model_or_throw(name);
  if (scenario.empty()) return export_sbml(model_problem(model, set));
  if (!set.empty()) {
    throw InputError("--set cannot be given with --scenario: the scenario's parameter set is "
                     "exported");
  }
  const TomlDocument document = TomlDocument::parse_file(scenario);
  if (scenario_engine(document) != "well_mixed") {
    throw InputError(scenario.string() + ": only well-mixed scenarios can be exported to SBML");
  }
  const WellMixedProblem problem = resolve(parse_well_mixed(document));
  if (problem.model->name() != model.name()) {
    throw InputError(scenario.string() + ": the scenario's model is " +
                     std::string(problem.model->name()) + ", not " + name);
  }
  return export_sbml(problem);
}

}  // namespace nksim
