// Virtual trials from Python: run a trial file into a folder (the same SQLite store as
// `nksim trial run`, resumable), read a store back as arrays, read one plan's time series.
#include <cmath>
#include <limits>
#include <string>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "nksim/core/error.h"
#include "nksim/trial/thread_runner.h"
#include "nksim/trial/trial_store.h"

namespace py = pybind11;

namespace nksim::python {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

py::array_t<double> numbers(const std::vector<double>& values) {
  py::array_t<double> a(static_cast<py::ssize_t>(values.size()));
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

// Column-wise endpoints: one entry per (patient, arm) row; NaN where an endpoint is absent.
py::dict endpoint_columns(const TrialData& data) {
  std::vector<double> patient, arm, best, ttp, survival, elimination, escape, peak, final_tumour;
  std::vector<bool> ok, death;
  py::list category, arm_name;
  auto value = [](const std::optional<double>& v) { return v ? *v : kNaN; };
  for (const EndpointRow& row : data.rows) {
    patient.push_back(static_cast<double>(row.patient));
    arm.push_back(static_cast<double>(row.arm));
    arm_name.append(row.arm < data.arms.size() ? data.arms[row.arm] : std::string());
    ok.push_back(row.ok);
    const Endpoints& e = row.endpoints;
    best.push_back(row.ok ? e.best_pct_change : kNaN);
    category.append(row.ok ? e.category : std::string());
    ttp.push_back(value(e.ttp_days));
    survival.push_back(row.ok ? e.survival_days : kNaN);
    death.push_back(e.death);
    elimination.push_back(value(e.elimination_time_days));
    escape.push_back(value(e.escape_time_days));
    peak.push_back(value(e.peak));
    final_tumour.push_back(row.ok ? e.final_tumour : kNaN);
  }
  auto flags = [](const std::vector<bool>& v) {
    py::array_t<bool> a(static_cast<py::ssize_t>(v.size()));
    for (std::size_t i = 0; i < v.size(); ++i) a.mutable_data()[i] = v[i];
    return a;
  };
  auto whole = [](const std::vector<double>& v) {
    py::array_t<std::int64_t> a(static_cast<py::ssize_t>(v.size()));
    for (std::size_t i = 0; i < v.size(); ++i) a.mutable_data()[i] = static_cast<std::int64_t>(v[i]);
    return a;
  };
  py::dict out;
  out["patient"] = whole(patient);
  out["arm"] = arm_name;
  out["arm_index"] = whole(arm);
  out["ok"] = flags(ok);
  out["best_pct_change"] = numbers(best);
  out["category"] = category;
  out["ttp_days"] = numbers(ttp);
  out["survival_days"] = numbers(survival);
  out["death"] = flags(death);
  out["elimination_time_days"] = numbers(elimination);
  out["escape_time_days"] = numbers(escape);
  out["peak"] = numbers(peak);
  out["final_tumour"] = numbers(final_tumour);
  return out;
}

py::dict read_trial(const std::filesystem::path& dir) {
  TrialData data;
  {
    py::gil_scoped_release release;
    data = load_trial(dir);
  }
  py::dict patients;
  py::array_t<std::int64_t> ids(static_cast<py::ssize_t>(data.patients));
  for (std::size_t p = 0; p < data.patients; ++p) {
    ids.mutable_data()[p] = static_cast<std::int64_t>(p);
  }
  patients["patient"] = ids;
  py::dict units;
  for (std::size_t k = 0; k < data.parameters.size(); ++k) {
    const TrialParameter& parameter = data.parameters[k];
    units[py::str(parameter.name)] = parameter.unit;
    if (parameter.label) {
      py::list labels;
      for (std::size_t p = 0; p < data.patients; ++p) labels.append(data.labels[p][k]);
      patients[py::str(parameter.name)] = labels;
    } else {
      std::vector<double> column;
      for (std::size_t p = 0; p < data.patients; ++p) column.push_back(data.values[p][k]);
      patients[py::str(parameter.name)] = numbers(column);
    }
  }
  py::dict out;
  out["name"] = data.name;
  out["seed"] = data.seed;
  out["patients"] = data.patients;
  out["follow_up_days"] = data.follow_up_days;
  out["arms"] = data.arms;
  out["tumour_state"] = data.tumour_state;
  out["parameters"] = patients;
  out["units"] = units;
  out["endpoints"] = endpoint_columns(data);
  return out;
}

}  // namespace

void bind_trial(py::module_& m) {
  m.def(
      "_run_trial",
      [](const std::filesystem::path& trial_file, const std::filesystem::path& dir, int threads) {
        if (threads < 0 || threads > 1024) {
          throw InputError("threads must be in range 0 to 1024, got " + std::to_string(threads));
        }
        TrialRunSummary summary;
        {
          py::gil_scoped_release release;
          TrialRunOptions options;
          options.threads = threads;
          options.progress = false;
          summary = run_trial_threads(trial_file, dir, options);
        }
        py::dict out;
        out["plans"] = summary.plans;
        out["already_done"] = summary.already_done;
        out["ran"] = summary.ran;
        out["failed"] = summary.failed_total;
        out["first_failure"] = summary.first_failure;
        out["seconds"] = summary.seconds;
        return out;
      },
      py::arg("trial_file"), py::arg("out_dir"), py::arg("threads") = 1);

  m.def("_read_trial", &read_trial, py::arg("dir"));

  m.def(
      "_trial_series",
      [](const std::filesystem::path& dir, std::size_t patient, std::size_t arm,
         const std::string& state) {
        std::pair<std::vector<double>, std::vector<double>> series;
        {
          py::gil_scoped_release release;
          auto db = open_trial_database(dir);
          series = load_timeseries(*db, patient, arm, state);
        }
        return py::make_tuple(numbers(series.first), numbers(series.second));
      },
      py::arg("dir"), py::arg("patient"), py::arg("arm"), py::arg("state"));
}

}  // namespace nksim::python
