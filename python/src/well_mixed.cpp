// Well-mixed runs from Python: run a scenario in one go, or step it (advance_to, read the
// state, give a bolus, go on). Results are numpy arrays; the GIL is released while integrating.
#include <memory>
#include <mutex>
#include <string>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/dose_plausibility.h"
#include "nksim/io/sbml_export.h"
#include "nksim/io/toml_reader.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/ode/well_mixed.h"

namespace py = pybind11;

namespace nksim::python {
namespace {

py::object optional_number(const std::optional<double>& value) {
  return value ? py::object(py::float_(*value)) : py::object(py::none());
}

py::list state_names(const OdeModel& model) {
  py::list names;
  for (const auto& s : model.states()) names.append(std::string(s.name));
  return names;
}

// The result as a dict the Python layer wraps (nksim.WellMixedResult).
py::dict result_dict(const WellMixedProblem& problem, const WellMixedResult& result) {
  const OdeModel& model = *problem.model;
  const std::size_t rows = result.times_days.size();
  const std::size_t n = result.num_states;
  py::array_t<double> times(static_cast<py::ssize_t>(rows));
  std::copy(result.times_days.begin(), result.times_days.end(), times.mutable_data());
  py::array_t<double> values({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(n)});
  std::copy(result.values.begin(), result.values.end(), values.mutable_data());

  py::dict units;
  for (const auto& s : model.states()) units[py::str(std::string(s.name))] = std::string(s.unit);
  py::dict out;
  out["model"] = std::string(model.name());
  out["parameter_set"] = problem.parameter_set;
  out["time_days"] = times;
  out["values"] = values;
  out["state_names"] = state_names(model);
  out["units"] = units;
  out["tumour_state"] = std::string(model.states()[model.tumour_state()].name);
  out["outcome"] = std::string(outcome_name(result.outcome));
  out["elimination_time_days"] = optional_number(result.elimination_time_days);
  out["escape_time_days"] = optional_number(result.escape_time_days);
  out["tumour_min"] = result.tumour_min;
  out["tumour_min_time_days"] = result.tumour_min_time_days;
  out["tumour_max"] = result.tumour_max;
  out["tumour_max_time_days"] = result.tumour_max_time_days;
  out["tumour_final"] = result.tumour_final;
  out["tumour_auc"] = result.tumour_auc;
  out["tumour_set_point_log10"] = optional_number(result.tumour_set_point_log10);
  out["clearance_time_days"] = optional_number(result.clearance_time_days);
  out["solver_steps"] = result.solver_steps;
  // The model's derived outputs (R0, ...), as the extra columns of timeseries.csv.
  py::list derived_names;
  for (const auto& d : model.derived_outputs()) {
    derived_names.append(d.name);
    units[py::str(d.name)] = d.unit;
  }
  const auto k = static_cast<py::ssize_t>(result.num_derived);
  py::array_t<double> derived({static_cast<py::ssize_t>(rows), k});
  std::copy(result.derived.begin(), result.derived.end(), derived.mutable_data());
  out["derived_names"] = derived_names;
  out["derived"] = derived;
  return out;
}

// The run the scenario asks for. Doses outside the range the model gives for their state are
// Python warnings (UserWarning), as `nksim run` prints them; the run goes ahead.
WellMixedProblem problem_of(const TomlDocument& document) {
  const WellMixedScenario scenario = parse_well_mixed(document);
  WellMixedProblem problem = resolve(scenario);
  for (const std::string& warning : dose_warnings(scenario)) {
    if (PyErr_WarnEx(PyExc_UserWarning, warning.c_str(), 1) != 0) throw py::error_already_set();
  }
  return problem;
}

// A stepped run. One Python object may be used from several threads: calls are serialised.
class PyWellMixedRun {
 public:
  explicit PyWellMixedRun(const TomlDocument& scenario)
      : problem_(problem_of(scenario)), run_(std::make_unique<WellMixedRun>(problem_)) {}

  void advance_to(double t_days) {
    if (!std::isfinite(t_days)) {
      throw InputError("advance_to: the time must be a finite number of days, got " +
                       format_number(t_days));
    }
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    run_->advance_to(t_days);
  }

  py::dict state() {
    std::vector<double> y;
    {
      std::lock_guard lock(mutex_);
      y = run_->state();
    }
    py::dict out;
    for (std::size_t i = 0; i < y.size(); ++i) {
      out[py::str(std::string(problem_.model->states()[i].name))] = y[i];
    }
    return out;
  }

  void dose(const std::string& state, double amount) {
    const int index = problem_.model->state_index(state);
    if (index < 0) {
      throw InputError("dose: model " + std::string(problem_.model->name()) +
                       " has no state '" + state + "' (states: " +
                       join(problem_.model->state_names()) + ")" +
                       did_you_mean(state, problem_.model->state_names()));
    }
    if (!std::isfinite(amount)) {
      throw InputError("dose: the amount of '" + state + "' must be finite, got " +
                       format_number(amount));
    }
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    run_->add_to_state(static_cast<std::size_t>(index), amount);
  }

  py::dict finish() {
    WellMixedResult result;
    {
      py::gil_scoped_release release;
      std::lock_guard lock(mutex_);
      result = run_->finish();
    }
    return result_dict(run_->problem(), result);
  }

  double time_days() const { return run_->time_days(); }
  double end_time_days() const { return run_->end_time_days(); }
  bool finished() const { return run_->finished(); }
  py::list names() const { return state_names(*problem_.model); }

 private:
  WellMixedProblem problem_;
  std::unique_ptr<WellMixedRun> run_;
  std::mutex mutex_;
};

}  // namespace

void bind_well_mixed(py::module_& m) {
  m.def(
      "_run_well_mixed",
      [](const TomlDocument& scenario) {
        const WellMixedProblem problem = problem_of(scenario);
        WellMixedResult result;
        {
          py::gil_scoped_release release;
          result = simulate(problem);
        }
        return result_dict(problem, result);
      },
      py::arg("scenario"));

  m.def(
      "_scenario_sbml",
      [](const TomlDocument& scenario) { return export_sbml(problem_of(scenario)); },
      py::arg("scenario"));
  m.def(
      "export_sbml",
      [](const std::string& model, const std::string& parameter_set) {
        const OdeModel* found = find_model(model);
        if (!found) {
          throw InputError("unknown model '" + model + "' (models: " + join(model_names()) +
                           ")" + did_you_mean(model, model_names()));
        }
        return export_sbml(model_problem(*found, parameter_set));
      },
      py::arg("model"), py::arg("parameter_set") = "",
      "A built-in model as SBML Level 3 Version 2 text: the parameter set (default: the "
      "model's first) and its default initial state, as `nksim export-sbml MODEL`.");

  py::class_<PyWellMixedRun>(m, "_WellMixedRun")
      .def(py::init<const TomlDocument&>(), py::arg("scenario"))
      .def("advance_to", &PyWellMixedRun::advance_to, py::arg("t_days"))
      .def("state", &PyWellMixedRun::state)
      .def("dose", &PyWellMixedRun::dose, py::arg("state"), py::arg("amount"))
      .def("finish", &PyWellMixedRun::finish)
      .def_property_readonly("time_days", &PyWellMixedRun::time_days)
      .def_property_readonly("end_time_days", &PyWellMixedRun::end_time_days)
      .def_property_readonly("finished", &PyWellMixedRun::finished)
      .def_property_readonly("state_names", &PyWellMixedRun::names);
}

}  // namespace nksim::python
