#include <pybind11/pybind11.h>

#include "bindings.h"
#include "nksim/api/nksim.h"
#include "nksim/core/version.h"

namespace py = pybind11;

PYBIND11_MODULE(_nksim, m) {
  m.doc() = "nksim: simulator of NK-cell therapy (C++ core; see the nksim package)";
  m.attr("__version__") = nksim::kVersion;
  nksim::python::bind_errors(m);
  nksim::python::bind_scenario(m);
  nksim::python::bind_well_mixed(m);
  nksim::python::bind_spatial(m);
  nksim::python::bind_trial(m);

  m.def(
      "_run_file",
      [](const std::filesystem::path& scenario, const std::filesystem::path& out_dir,
         int threads) {
        nksim::RunOptions options;
        options.out_dir = out_dir;
        options.threads = threads;
        options.progress = false;
        py::gil_scoped_release release;
        return nksim::run_scenario_file(scenario, options).headline;
      },
      py::arg("scenario"), py::arg("out_dir"), py::arg("threads") = 0);
  m.def("describe", &nksim::describe, py::arg("name"), py::arg("markdown") = false,
        "What `nksim describe NAME` prints: a built-in model (states, equations, parameters with "
        "units, sets and sources) or a spatial mechanism (every key with unit, default, source "
        "and evidence).");
}
