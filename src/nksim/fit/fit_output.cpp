#include "nksim/fit/fit_output.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/fit/fit_files.h"
#include "nksim/io/csv_metadata.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {
namespace {

using fit_files::check;
using fit_files::csv_number;
using fit_files::open;

// JSON has no infinity: a failed objective is null.
nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json by_name(const FitSpec& spec, const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t j = 0; j < spec.parameters.size(); ++j) out[spec.parameters[j].name] = values[j];
  return out;
}

// Starts sorted by objective (then by index): the waterfall.
std::vector<std::size_t> waterfall_order(const FitResult& fit) {
  std::vector<std::size_t> order(fit.starts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return fit.starts[a].objective < fit.starts[b].objective;
  });
  return order;
}

}  // namespace

nlohmann::json fit_json(const FitSpec& spec, const FitResult& fit) {
  nlohmann::json j;
  j["command"] = "fit";
  j["nksim_version"] = kVersion;
  j["spec"] = std::filesystem::path(spec.file).filename().string();
  j["spec_hash"] = fnv1a_hex(spec.text);
  j["scenario"] = std::filesystem::path(spec.scenario_file).filename().string();
  j["model"] = std::string(scenario_model(spec.scenario)->name());
  j["measurements"] = std::filesystem::path(spec.measurements_file).filename().string();
  j["patient"] = spec.patient ? nlohmann::json(*spec.patient) : nlohmann::json(nullptr);
  j["measurement_count"] = spec.measurements.size();
  nlohmann::json observables = nlohmann::json::array();
  for (const auto& o : spec.observables) {
    nlohmann::json entry{{"name", o.name}};
    entry[o.is_formula() ? "formula" : "state"] = o.definition();
    entry["transform"] = transform_name(o.transform);
    entry["noise"] = noise_name(o.noise);
    observables.push_back(std::move(entry));
  }
  j["observables"] = std::move(observables);
  j["optimiser"] = optimiser_name(spec.optimiser);
  j["seed"] = spec.seed;
  j["start_count"] = spec.starts;
  j["max_evaluations"] = spec.max_evaluations;
  j["profile_threshold"] = kProfileThreshold95;
  std::size_t converged = 0;
  for (const auto& s : fit.starts) converged += s.converged ? 1 : 0;
  j["converged_starts"] = converged;
  j["best"] = {{"start", fit.best},
               {"objective", number_or_null(fit.objective)},
               {"data_nll", number_or_null(fit.data_nll)},
               {"aic", number_or_null(fit.aic)},
               {"bic", number_or_null(fit.bic)},
               {"parameters", by_name(spec, fit.estimate)}};
  nlohmann::json parameters = nlohmann::json::array();
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const FitParameter& p = spec.parameters[k];
    nlohmann::json q{{"name", p.name},       {"unit", p.unit},   {"lower", p.lower},
                     {"upper", p.upper},     {"log", p.log},     {"estimate", fit.estimate[k]}};
    if (p.prior.kind != PriorKind::kNone) {
      q["prior"] = p.prior.kind == PriorKind::kNormal
                       ? nlohmann::json{{"distribution", "normal"}, {"mean", p.prior.centre},
                                        {"sd", p.prior.sd}}
                       : nlohmann::json{{"distribution", "lognormal"}, {"median", p.prior.centre},
                                        {"sd", p.prior.sd}};
    }
    if (k < fit.profiles.size()) {
      const ProfileResult& profile = fit.profiles[k];
      q["interval_95"] = {profile.lower, profile.upper};
      q["lower_reached_bound"] = profile.lower_reached_bound;
      q["upper_reached_bound"] = profile.upper_reached_bound;
      q["identifiable"] = profile.identifiable();
      q["profile_points"] = profile.points.size();
    } else {
      q["interval_95"] = nullptr;
      q["identifiable"] = nullptr;
    }
    parameters.push_back(std::move(q));
  }
  j["parameters"] = std::move(parameters);
  nlohmann::json starts = nlohmann::json::array();
  for (const auto& s : fit.starts) {
    starts.push_back({{"start", s.index},
                      {"initial", by_name(spec, s.initial)},
                      {"final", by_name(spec, s.final)},
                      {"objective", number_or_null(s.objective)},
                      {"converged", s.converged},
                      {"evaluations", s.evaluations},
                      {"nlopt_status", s.status}});
  }
  j["starts"] = std::move(starts);
  j["warnings"] = fit.warnings;
  return j;
}

void write_fit_outputs(const std::filesystem::path& dir, const FitSpec& spec,
                       const FitResult& fit) {
  write_json(dir / "fit.json", fit_json(spec, fit));
  // summary.json marks the folder as an nksim output (so a later fit may replace it).
  write_json(dir / "summary.json",
             {{"command", "fit"}, {"engine", "fit"}, {"model", fit_json(spec, fit)["model"]},
              {"fit", "fit.json"}, {"nksim_version", kVersion}});

  {
    const auto file = dir / "starts.csv";
    auto out = open(file);
    out << "rank,start,objective,converged,evaluations\n";
    const auto order = waterfall_order(fit);
    for (std::size_t r = 0; r < order.size(); ++r) {
      const auto& s = fit.starts[order[r]];
      out << r + 1 << ',' << s.index << ',' << csv_number(s.objective) << ','
          << (s.converged ? "true" : "false") << ',' << s.evaluations << '\n';
    }
    check(out, file);
    write_csv_metadata(file, {{"rank", "1", "place in the waterfall (1: lowest objective)"},
                              {"start", "1", "start index (0-based, Latin hypercube order)"},
                              {"objective", "1", "negative log-likelihood plus priors at the end"},
                              {"converged", "1", "the optimiser met its tolerance"},
                              {"evaluations", "1", "objective evaluations used"}});
  }
  {
    const auto file = dir / "profiles.csv";
    auto out = open(file);
    out << "parameter,value,objective,delta_objective\n";
    for (const auto& profile : fit.profiles) {
      for (const auto& p : profile.points) {
        out << spec.parameters[profile.parameter].name << ',' << format_number(p.value) << ','
            << csv_number(p.objective) << ',' << csv_number(p.objective - fit.objective) << '\n';
      }
    }
    check(out, file);
    write_csv_metadata(
        file, {{"parameter", "1", "the profiled parameter"},
               {"value", "the parameter's unit", "value at which it is held"},
               {"objective", "1", "objective with the other parameters re-optimised"},
               {"delta_objective", "1", "objective minus the best fit's (95 % cut: 1.92)"}});
  }
  const FitObjective objective(spec);
  {
    const auto file = dir / "residuals.csv";
    auto out = open(file);
    out << "line,time_days,observable,value,sd,model,standardised_residual\n";
    const auto predicted = objective.predictions(fit.estimate);
    if (!predicted) throw NumericalError("the best fit could not be integrated again");
    for (std::size_t i = 0; i < spec.measurements.size(); ++i) {
      const Measurement& m = spec.measurements[i];
      out << m.line << ',' << format_number(m.time_days) << ','
          << spec.observables[m.observable].name << ',' << format_number(m.value) << ','
          << format_number(m.sd) << ',' << format_number(objective.observable_value(i, (*predicted)[i]))
          << ',' << format_number(objective.standardised_residual(i, (*predicted)[i])) << '\n';
    }
    check(out, file);
    write_csv_metadata(
        file, {{"line", "1", "line of the measurement in the CSV"},
               {"time_days", "days", "time of the measurement"},
               {"observable", "1", "observable name"},
               {"value", "the observable's unit", "measured value"},
               {"sd", "the observable's unit", "noise sd (on ln scale for log-normal noise)"},
               {"model", "the observable's unit",
                "best-fit model value of the observable's state or formula (fit.json "
                "observables), on its scale"},
               {"standardised_residual", "1", "(value - model) / sd on the noise scale"}});
  }
  {
    const std::vector<double> times = output_times(spec.scenario);
    const WellMixedProblem problem = objective.problem(fit.estimate, times);
    const WellMixedResult result = simulate(problem);
    write_timeseries_csv(dir / "timeseries.csv", *problem.model, result);
    // Every observable's model value (its state, or its formula) over the run: the report's
    // fitted curves.
    const auto file = dir / "observables.csv";
    auto out = open(file);
    out << "time_days";
    for (const auto& o : spec.observables) out << ',' << o.name;
    out << '\n';
    for (std::size_t row = 0; row < result.times_days.size(); ++row) {
      out << format_number(result.times_days[row]);
      for (const auto& o : spec.observables) {
        out << ',' << csv_number(observable_model_value(o, result.times_days[row],
                                                        &result.values[row * result.num_states],
                                                        problem.parameters.data()));
      }
      out << '\n';
    }
    check(out, file);
    std::vector<CsvColumn> columns{{"time_days", "days", "time since the start of the run"}};
    for (const auto& o : spec.observables) {
      columns.push_back({o.name, "the observable's unit",
                         std::string("best-fit model value of ") +
                             (o.is_formula() ? "the formula " : "the state ") + o.definition() +
                             " (before any log10 transform)"});
    }
    write_csv_metadata(file, columns);
  }
}

std::string fit_summary_text(const FitSpec& spec, const FitResult& fit) {
  std::ostringstream s;
  std::size_t converged = 0;
  for (const auto& start : fit.starts) converged += start.converged ? 1 : 0;
  s << "Fit of " << scenario_model(spec.scenario)->name() << " to "
    << count_of(spec.measurements.size(), "measurement");
  if (spec.patient) s << " (patient " << *spec.patient << ")";
  s << ": " << count_of(fit.starts.size(), "start") << " (" << optimiser_name(spec.optimiser)
    << "), " << converged << " converged\n";
  s << "Best: objective " << format_number(fit.objective, 8) << " at start " << fit.best
    << " (NLL " << format_number(fit.data_nll, 8) << ", AIC " << format_number(fit.aic, 8)
    << ")\n";
  std::size_t width = 9;
  for (const auto& p : spec.parameters) width = std::max(width, p.name.size());
  for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
    const auto& p = spec.parameters[j];
    std::string name = p.name;
    name.resize(width, ' ');
    s << "  " << name << "  " << format_number(fit.estimate[j], 6);
    if (j < fit.profiles.size()) {
      const auto& profile = fit.profiles[j];
      s << "  95% [" << (profile.lower_reached_bound ? "<=" : "") << format_number(profile.lower, 4)
        << ", " << (profile.upper_reached_bound ? ">=" : "") << format_number(profile.upper, 4)
        << "]" << (profile.identifiable() ? "" : "  not identifiable");
    }
    if (!p.unit.empty() && p.unit != "-") s << "  " << p.unit;
    s << '\n';
  }
  for (const auto& w : fit.warnings) s << "warning: " << w << '\n';
  return s.str();
}

}  // namespace nksim
