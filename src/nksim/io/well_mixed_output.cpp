#include "nksim/io/well_mixed_output.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/io/csv_metadata.h"

namespace nksim {
namespace {

nlohmann::json optional_value(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::ofstream open_for_writing(const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary);
  if (!out) throw Error("cannot write " + file.string());
  return out;
}

}  // namespace

void write_timeseries_csv(const std::filesystem::path& file, const OdeModel& model,
                          const WellMixedResult& result) {
  std::ofstream out = open_for_writing(file);
  std::vector<CsvColumn> columns = {{"time_days", "days", "time since the start of the run"}};
  std::vector<bool> cells;
  out << "time_days";
  for (const auto& s : model.states()) {
    out << ',' << s.name;
    columns.push_back({std::string(s.name), std::string(s.unit), std::string(s.description)});
    cells.push_back(s.unit == std::string_view("cells"));
  }
  // The model's derived outputs (R0, ...) after the states, each with its unit.
  const std::vector<DerivedOutput> derived = model.derived_outputs();
  for (const auto& d : derived) {
    out << ',' << d.name;
    columns.push_back({d.name, d.unit, d.description});
  }
  out << '\n';
  for (std::size_t row = 0; row < result.times_days.size(); ++row) {
    out << format_number(result.times_days[row]);
    for (std::size_t s = 0; s < result.num_states; ++s) {
      // The solver may dip a hair below zero as a population dies out (within its tolerance);
      // nobody has -1e-7 cells, so counts are written clipped at 0.
      const double v = result.value(row, s);
      out << ',' << format_number(cells[s] ? std::max(0.0, v) : v);
    }
    for (std::size_t k = 0; k < result.num_derived && k < derived.size(); ++k) {
      out << ',' << format_number(result.derived_value(row, k));
    }
    out << '\n';
  }
  if (!out) throw Error("error while writing " + file.string());
  write_csv_metadata(file, columns);
}

nlohmann::json well_mixed_summary(const WellMixedScenario& scenario,
                                  const WellMixedProblem& problem,
                                  const WellMixedResult& result, const std::string& scenario_file,
                                  const std::string& scenario_hash) {
  const OdeModel& model = *problem.model;
  nlohmann::json j;
  j["nksim_version"] = kVersion;
  j["engine"] = "well_mixed";
  j["scenario_file"] = scenario_file;
  j["scenario_hash"] = scenario_hash;
  j["model"] = std::string(model.name());
  if (!scenario.sbml_file.empty()) {
    // The model is part of the input: name its file and hash its bytes too.
    std::ifstream sbml(scenario.sbml_file, std::ios::binary);
    std::ostringstream bytes;
    bytes << sbml.rdbuf();
    j["sbml_file"] = scenario.sbml_file;
    j["sbml_hash"] = fnv1a_hex(bytes.str());
  }
  j["parameter_set"] = problem.parameter_set;
  nlohmann::json parameters = nlohmann::json::object();
  for (std::size_t i = 0; i < model.num_parameters(); ++i) {
    parameters[std::string(model.parameters()[i].name)] = problem.parameters[i];
  }
  j["parameters"] = parameters;
  j["parameters_overridden"] = nlohmann::json::array();
  for (const auto& [name, value] : scenario.parameters) j["parameters_overridden"].push_back(name);
  nlohmann::json initial = nlohmann::json::object();
  for (std::size_t i = 0; i < model.num_states(); ++i) {
    initial[std::string(model.states()[i].name)] = problem.initial[i];
  }
  j["initial"] = initial;
  j["doses"] = nlohmann::json::array();
  for (const auto& dose : scenario.doses) {
    nlohmann::json d;
    d["state"] = dose.state;
    if (dose.infusion) {
      d["kind"] = "infusion";
      d["start_days"] = dose.start_days;
      d["stop_days"] = dose.stop_days;
      d["rate_per_day"] = dose.rate_per_day;
    } else {
      d["kind"] = "bolus";
      d["time_days"] = dose.time_days;
      d["amount"] = dose.amount;
    }
    j["doses"].push_back(d);
  }
  j["end_time_days"] = problem.end_time_days;
  j["solver"] = {{"method", result.solver_method},
                 {"rtol", problem.solver.rtol},
                 {"atol", problem.solver.atol},
                 {"steps", result.solver_steps}};
  j["endpoints"] = {{"elimination_below", optional_value(problem.elimination_below)},
                    {"escape_above", optional_value(problem.escape_above)}};
  j["outcome"] = outcome_name(result.outcome);
  j["elimination_time_days"] = optional_value(result.elimination_time_days);
  j["escape_time_days"] = optional_value(result.escape_time_days);
  const std::string tumour(model.states()[model.tumour_state()].name);
  j["tumour"] = {{"state", tumour},
                 {"min", std::max(0.0, result.tumour_min)},
                 {"min_time_days", result.tumour_min_time_days},
                 {"max", result.tumour_max},
                 {"max_time_days", result.tumour_max_time_days},
                 {"unit", std::string(model.states()[model.tumour_state()].unit)},
                 {"final", result.tumour_final},
                 {"clearance_time_days", optional_value(result.clearance_time_days)},
                 {"auc", result.tumour_auc},
                 {"auc_method", "Simpson's rule on every solver step (unit x days)"},
                 {"set_point_log10", optional_value(result.tumour_set_point_log10)},
                 {"set_point_window_days",
                  {result.set_point_window_start_days, problem.end_time_days}}};
  return j;
}

void write_json(const std::filesystem::path& file, const nlohmann::json& value) {
  std::ofstream out = open_for_writing(file);
  out << value.dump(2) << '\n';
  if (!out) throw Error("error while writing " + file.string());
}

}  // namespace nksim
